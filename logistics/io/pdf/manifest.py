"""The A4 pickup manifest a courier's line-haul driver signs at the cut-off.

`render_manifest(ManifestDocument, out)` draws the PDF and returns the number of pages;
`write_manifest_pdf(doc, path, force=...)` writes it to a file through the hub's one
file writer. Names and masked recipients come already formatted in the dataclasses;
weights are grams (shown as kg by `logistics.domain.units`, so paper, tables and CSV
show the same digits), times local datetimes. The layout is drawn
straight on the canvas with fixed row heights, so pagination is known beforehand
("page x of y") and a 3,000-parcel manifest renders in well under the 5 s target
(see benchmarks/manifest_pdf.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.units import kg_text
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io.files import write_file
from logistics.io.pdf import (
    Output,
    check_barcode_value,
    column_positions,
    draw_barcode_with_text,
    draw_code128,
    open_canvas,
    save_canvas,
)
from logistics.io.pdf.fonts import MONO, SANS_BOLD, TextLayer, draw_text

# The paper is bilingual whatever the terminal speaks (Chinese first, English beside it),
# so none of its words go through the catalog. The Chinese half of the status box; the
# English half is the status's English label.
STATUS_CHINESE = {
    ManifestStatus.OPEN: "未封单",
    ManifestStatus.CLOSED: "已封单",
    ManifestStatus.HANDED_OVER: "已交接",
}


@dataclass(frozen=True)
class ManifestLine:
    """One parcel on the manifest, as printed."""

    seq: int
    """1-based position on the manifest."""
    parcel_no: str
    """Hub parcel id, e.g. "P20261123-00042"; printed as the barcode when there is no
    tracking number."""
    tracking_no: str | None
    """The courier's tracking number, or None when the parcel has none yet."""
    origin_station: str
    """Name of the station the parcel came from (e.g. "青山村服务站"), or the hub's name
    for a walk-in."""
    dest_province: str
    dest_city: str
    chargeable_g: int
    """Chargeable weight in grams (the courier's billing weight), printed as kg."""
    recipient: str
    """Recipient ALREADY MASKED by the caller, e.g. "张*  1******1234"."""
    origin_station_code: str = ""
    """Optional station code, printed under the station name."""

    @property
    def barcode_value(self) -> str:
        return self.tracking_no or self.parcel_no


@dataclass(frozen=True)
class ManifestHandover:
    """Filled in once the manifest was handed over to the courier's driver."""

    driver_name: str
    vehicle_plate: str
    handed_over_at: datetime
    """Local time of the handover (printed as date and time in the signature boxes)."""
    operator_name: str = ""
    """Hub operator who handed over, printed in the operator's box."""
    forced_reason: str = ""
    """When the handover was forced without a complete load check: the recorded reason."""


@dataclass(frozen=True)
class ManifestDocument:
    """Everything printed on one courier's pickup manifest for one cut-off."""

    manifest_no: str
    """Readable manifest number, printed as text and Code128, e.g. "M-ZTO-20261123-1"."""
    hub_name: str
    courier_code: str
    courier_name: str
    service_date: date
    """The hub's local day the manifest belongs to."""
    cutoff: time
    """The courier's line-haul cut-off (local time)."""
    status: ManifestStatus | str
    """The manifest's state (shown in Chinese and English); any other text is printed
    as given."""
    issued_at: datetime
    """Local time the document is dated, e.g. when the manifest was closed. It is printed
    and is the PDF creation date, so printing the same manifest again gives identical
    bytes; do not pass "now" for a closed manifest."""
    lines: Sequence[ManifestLine] = field(default_factory=tuple)
    hub_code: str = ""
    operator_name: str = ""
    """Hub operator who built/closed the manifest (pre-printed in the operator's box)."""
    load_check: str = ""
    """Optional one-line summary of the driver's load check, e.g. "已装车 2998 / 3000"."""
    handover: ManifestHandover | None = None


# ---------------------------------------------------------------- layout (points)

PAGE_W, PAGE_H = A4
MARGIN = 12 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
HEADER_H = 40 * mm
COLHEAD_H = 9 * mm
ROW_H = 10 * mm
TOTAL_ROW_H = 7 * mm
FOOTER_H = 8 * mm
SIGN_BLOCK_H = 58 * mm

# (key, Chinese, English, width)
COLUMNS = (
    ("seq", "序号", "No.", 11 * mm),
    ("code", "运单号 / 条码", "Tracking no. / barcode", 62 * mm),
    ("origin", "始发服务站", "Origin station", 31 * mm),
    ("dest", "目的地", "Destination", 28 * mm),
    ("kg", "计费重量", "Charge kg", 17 * mm),
    ("recipient", "收件人", "Recipient", 29 * mm),
    ("check", "核对", "Check", 8 * mm),
)
COL_X = column_positions(COLUMNS, MARGIN, CONTENT_W)

TABLE_TOP = PAGE_H - MARGIN - HEADER_H
ROWS_TOP = TABLE_TOP - COLHEAD_H
BODY_BOTTOM = MARGIN + FOOTER_H
ROWS_PER_PAGE = int((ROWS_TOP - BODY_BOTTOM - TOTAL_ROW_H) // ROW_H)
ROWS_LAST_PAGE = int((ROWS_TOP - BODY_BOTTOM - 2 * TOTAL_ROW_H - SIGN_BLOCK_H) // ROW_H)

GREY = Color(0.45, 0.45, 0.45)
LIGHT = Color(0.93, 0.93, 0.93)
RULE = Color(0.6, 0.6, 0.6)

BAR_MODULE = 0.33 * mm


def paginate(count: int) -> list[range]:
    """Split `count` rows into pages; the last page keeps room for the grand total and
    the signature boxes and always carries at least one row (if there are any)."""
    pages: list[range] = []
    start = 0
    while count - start > ROWS_LAST_PAGE:
        take = min(ROWS_PER_PAGE, count - start - 1)
        pages.append(range(start, start + take))
        start += take
    pages.append(range(start, count))
    return pages


def _validate(doc: ManifestDocument) -> None:
    check_barcode_value(doc.manifest_no, _("manifest number"))
    for line in doc.lines:
        what = (
            _("tracking number on manifest line {seq}")
            if line.tracking_no
            else _("hub parcel id on manifest line {seq}")
        ).format(seq=line.seq)
        check_barcode_value(line.barcode_value, what)
        if line.chargeable_g < 0:
            raise InvalidInput(
                _(
                    "The chargeable weight on manifest line {seq} is {kg} kg; "
                    "expected zero or more."
                ).format(seq=line.seq, kg=kg_text(line.chargeable_g))
            )


def render_manifest(
    doc: ManifestDocument, out: Output, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the manifest PDF to `out` (a path or a binary file); returns the page count.

    ``progress(pages_drawn, pages)`` is called after each page (a peak day's manifest
    has hundreds). Raises InvalidInput when a barcode value cannot be printed as Code128.
    """
    _validate(doc)
    lines = list(doc.lines)
    pages = paginate(len(lines))
    total_g = sum(line.chargeable_g for line in lines)
    canv = open_canvas(
        out,
        A4,
        title=f"揽收交接清单 {doc.manifest_no}",
        subject=f"Pickup manifest {doc.manifest_no} {doc.courier_name} {doc.service_date}",
        author=doc.hub_name,
        issued_at=doc.issued_at,
    )
    for number, rows in enumerate(pages, start=1):
        _header(canv, doc, number, len(pages), len(lines), total_g)
        _column_heads(canv)
        y = ROWS_TOP
        page_g = 0
        text = TextLayer(canv)  # thousands of strings: batched per font, see TextLayer
        for index in rows:
            line = lines[index]
            y -= ROW_H
            _row(canv, text, line, y, shaded=index % 2 == 1)
            page_g += line.chargeable_g
        text.flush()
        if not lines:
            y -= ROW_H
            draw_text(canv, PAGE_W / 2, y + 3.5 * mm, "无包裹  No parcels", 10, align="centre")
        _table_frame(canv, y)
        y -= TOTAL_ROW_H
        _total_row(canv, y, "本页小计 Page total", len(rows), page_g, bold=False)
        if number == len(pages):
            y -= TOTAL_ROW_H
            _total_row(canv, y, "总计 Total, all pages", len(lines), total_g, bold=True)
            _signatures(canv, doc, y - 3 * mm)
        _footer(canv, doc, number, len(pages))
        canv.showPage()
        if progress is not None:
            progress(number, len(pages))
    save_canvas(canv)
    return len(pages)


def write_manifest_pdf(
    doc: ManifestDocument,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the manifest PDF at ``path`` (never over the database or an input, an existing
    file only with ``force``, complete or not at all); returns the page count."""
    pages: list[int] = []

    def fill(temporary: Path) -> None:
        pages.append(render_manifest(doc, temporary, progress))

    write_file(path, fill, force=force)
    return pages[0]


def _status_label(status: ManifestStatus | str) -> str:
    try:
        known = ManifestStatus(status)
    except ValueError:
        return str(status)
    return f"{STATUS_CHINESE[known]} {known.english}"


def _header(canv, doc: ManifestDocument, page: int, pages: int, parcels: int, total: int) -> None:
    top = PAGE_H - MARGIN
    hub = f"{doc.hub_name}（{doc.hub_code}）" if doc.hub_code else doc.hub_name
    draw_text(canv, MARGIN, top - 5 * mm, hub, 11, max_width=110 * mm)
    draw_text(canv, MARGIN, top - 13 * mm, "揽收交接清单", 18)
    draw_text(canv, MARGIN + 50 * mm, top - 13 * mm, "Pickup manifest", 12, latin=SANS_BOLD)

    # Manifest number barcode, top right.
    bx = PAGE_W - MARGIN
    draw_code128(
        canv,
        bx,
        top - 14 * mm,
        doc.manifest_no,
        height=12 * mm,
        max_width=78 * mm,
        module=0.38 * mm,
        align="right",
    )
    draw_text(canv, bx, top - 18.5 * mm, doc.manifest_no, 11, latin=MONO, align="right")

    fields = (
        ("快递公司 Courier", f"{doc.courier_name}（{doc.courier_code}）"),
        ("日期 Date", doc.service_date.isoformat()),
        ("截单时间 Cut-off", doc.cutoff.strftime("%H:%M")),
        ("状态 Status", _status_label(doc.status)),
        ("合计 Total", f"{parcels} 件 parcels / {kg_text(total)} kg"),
        ("页码 Page", f"第 {page} 页 / 共 {pages} 页  Page {page} of {pages}"),
    )
    col_w = CONTENT_W / 3
    for i, (label, value) in enumerate(fields):
        x = MARGIN + (i % 3) * col_w
        y = top - 26 * mm - (i // 3) * 8 * mm
        canv.setFillColor(GREY)
        draw_text(canv, x, y + 3.6 * mm, label, 7)
        canv.setFillColor(black)
        draw_text(canv, x, y, value, 10, max_width=col_w - 3 * mm)
    canv.setStrokeColor(black)
    canv.setLineWidth(0.8)
    canv.line(MARGIN, TABLE_TOP + 2 * mm, PAGE_W - MARGIN, TABLE_TOP + 2 * mm)


def _column_heads(canv) -> None:
    canv.setFillColor(LIGHT)
    canv.rect(MARGIN, ROWS_TOP, CONTENT_W, COLHEAD_H, stroke=0, fill=1)
    canv.setFillColor(black)
    for key, zh, en, _w in COLUMNS:
        x, w = COL_X[key]
        align, ax = ("right", x + w - 1.5 * mm) if key == "kg" else ("left", x + 1.5 * mm)
        if key == "check":
            align, ax = "centre", x + w / 2
        draw_text(canv, ax, ROWS_TOP + 5 * mm, zh, 8.5, align=align, max_width=w - 2 * mm)
        canv.setFillColor(GREY)
        draw_text(canv, ax, ROWS_TOP + 1.6 * mm, en, 6, align=align, max_width=w - 2 * mm)
        canv.setFillColor(black)


def _row(canv, text: TextLayer, line: ManifestLine, y: float, shaded: bool) -> None:
    """One table row: shading, barcode and check box on the canvas, strings on `text`."""
    if shaded:
        canv.setFillColor(LIGHT)
        canv.rect(MARGIN, y, CONTENT_W, ROW_H, stroke=0, fill=1)
        canv.setFillColor(black)
    mid = y + ROW_H / 2 - 1.2 * mm
    upper, lower = y + ROW_H / 2 + 0.6 * mm, y + ROW_H / 2 - 3.4 * mm

    x, w = COL_X["seq"]
    draw_text(text, x + w - 2 * mm, mid, str(line.seq), 8.5, align="right")

    x, w = COL_X["code"]
    caption = line.tracking_no or f"{line.parcel_no} (中心编号 hub id)"
    draw_barcode_with_text(
        canv,
        text,
        x + w / 2,
        y + 1.0 * mm,
        line.barcode_value,
        height=6.0 * mm,
        max_width=w - 1 * mm,
        module=BAR_MODULE,
        text_size=7,
        caption=caption,
    )

    x, w = COL_X["origin"]
    if line.origin_station_code:
        draw_text(text, x + 1.5 * mm, upper, line.origin_station, 8.5, max_width=w - 2.5 * mm)
        draw_text(
            text,
            x + 1.5 * mm,
            lower,
            line.origin_station_code,
            7,
            max_width=w - 2.5 * mm,
            colour=GREY,
        )
    else:
        draw_text(text, x + 1.5 * mm, mid, line.origin_station, 8.5, max_width=w - 2.5 * mm)

    x, w = COL_X["dest"]
    draw_text(text, x + 1.5 * mm, upper, line.dest_province, 8.5, max_width=w - 2.5 * mm)
    draw_text(text, x + 1.5 * mm, lower, line.dest_city, 8.5, max_width=w - 2.5 * mm)

    x, w = COL_X["kg"]
    draw_text(text, x + w - 1.5 * mm, mid, kg_text(line.chargeable_g), 9, align="right")

    x, w = COL_X["recipient"]
    name, _sep, phone = line.recipient.strip().partition(" ")
    phone = phone.strip()
    if phone:
        draw_text(text, x + 1.5 * mm, upper, name, 8.5, max_width=w - 2.5 * mm)
        draw_text(text, x + 1.5 * mm, lower, phone, 8, max_width=w - 2.5 * mm)
    else:
        draw_text(text, x + 1.5 * mm, mid, line.recipient, 8.5, max_width=w - 2.5 * mm)

    x, w = COL_X["check"]
    canv.setLineWidth(0.5)
    canv.rect(x + w / 2 - 1.75 * mm, mid - 0.6 * mm, 3.5 * mm, 3.5 * mm, stroke=1, fill=0)


def _table_frame(canv, bottom: float) -> None:
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.4)
    path = canv.beginPath()
    for key, *_rest in COLUMNS[1:]:
        x = COL_X[key][0]
        path.moveTo(x, bottom)
        path.lineTo(x, TABLE_TOP)
    canv.drawPath(path, stroke=1, fill=0)
    canv.setStrokeColor(black)
    canv.setLineWidth(0.8)
    canv.rect(MARGIN, bottom, CONTENT_W, TABLE_TOP - bottom, stroke=1, fill=0)
    canv.line(MARGIN, ROWS_TOP, PAGE_W - MARGIN, ROWS_TOP)


def _total_row(canv, y: float, label: str, parcels: int, grams: int, bold: bool) -> None:
    size = 9.5 if bold else 8.5
    latin = SANS_BOLD if bold else "Helvetica"
    base = y + 2.3 * mm
    draw_text(canv, MARGIN + 1.5 * mm, base, label, size, latin=latin)
    x, w = COL_X["origin"]
    draw_text(canv, x + 1.5 * mm, base, f"{parcels} 件 parcels", size, latin=latin)
    x, w = COL_X["kg"]
    draw_text(canv, x + w - 1.5 * mm, base, kg_text(grams), size, latin=latin, align="right")
    draw_text(canv, x + w + 1 * mm, base, "kg", size, latin=latin)
    canv.setLineWidth(0.8 if bold else 0.4)
    canv.line(MARGIN, y, PAGE_W - MARGIN, y)


def _signatures(canv, doc: ManifestDocument, top: float) -> None:
    handover = doc.handover
    notes = [
        "以上包裹件数、重量经双方当面核对无误。 Both parties checked the parcels listed above."
    ]
    if doc.load_check:
        notes.append(f"装车核对 Load check: {doc.load_check}")
    if handover and handover.forced_reason:
        notes.append(f"强制交接原因 Forced handover, reason: {handover.forced_reason}")
    y = top - 4 * mm
    for note in notes:
        draw_text(canv, MARGIN, y, note, 8.5, max_width=CONTENT_W)
        y -= 4.5 * mm

    box_h = 40 * mm
    box_top = top - SIGN_BLOCK_H + box_h + 2 * mm
    gap = 6 * mm
    box_w = (CONTENT_W - gap) / 2
    when = handover.handed_over_at if handover else None
    operator = (handover.operator_name if handover and handover.operator_name else "") or (
        doc.operator_name
    )
    boxes = (
        (
            "分拨中心操作员 Hub operator",
            (("姓名 Name", operator), ("签名 Signature", "")),
        ),
        (
            "干线司机 Courier driver",
            (
                ("姓名 Name", handover.driver_name if handover else ""),
                ("车牌 Plate", handover.vehicle_plate if handover else ""),
                ("签名 Signature", ""),
            ),
        ),
    )
    for i, (title, rows) in enumerate(boxes):
        x = MARGIN + i * (box_w + gap)
        canv.setLineWidth(0.8)
        canv.rect(x, box_top - box_h, box_w, box_h, stroke=1, fill=0)
        draw_text(canv, x + 2.5 * mm, box_top - 5.5 * mm, title, 10)
        ly = box_top - 13 * mm
        for label, value in rows:
            _fill_line(canv, x + 2.5 * mm, ly, box_w - 5 * mm, label, value)
            ly -= 7.5 * mm
        # date and time on one line at the bottom of each box
        half = (box_w - 5 * mm) / 2
        ly = box_top - box_h + 4 * mm
        _fill_line(
            canv,
            x + 2.5 * mm,
            ly,
            half - 2 * mm,
            "日期 Date",
            when.strftime("%Y-%m-%d") if when else "",
        )
        _fill_line(
            canv, x + 2.5 * mm + half, ly, half, "时间 Time", when.strftime("%H:%M") if when else ""
        )


def _fill_line(canv, x: float, y: float, width: float, label: str, value: str) -> None:
    """A label followed by a line to write on, pre-filled with `value` when known."""
    used = draw_text(canv, x, y, label, 8)
    start = x + used + 1.5 * mm
    canv.setLineWidth(0.5)
    canv.line(start, y - 1 * mm, x + width, y - 1 * mm)
    if value:
        draw_text(canv, start + 1.5 * mm, y, value, 10, max_width=x + width - start - 2 * mm)


def _footer(canv, doc: ManifestDocument, page: int, pages: int) -> None:
    y = MARGIN + 1 * mm
    canv.setFillColor(GREY)
    draw_text(canv, MARGIN, y, f"{doc.manifest_no}  {doc.courier_name}", 7.5, max_width=70 * mm)
    draw_text(
        canv,
        PAGE_W / 2,
        y,
        f"第 {page} 页 / 共 {pages} 页   Page {page} of {pages}",
        8.5,
        align="centre",
    )
    draw_text(
        canv,
        PAGE_W - MARGIN,
        y,
        f"打印 Printed {doc.issued_at.strftime('%Y-%m-%d %H:%M')}",
        7.5,
        align="right",
    )
    canv.setFillColor(black)
