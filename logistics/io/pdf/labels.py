"""100 x 150 mm thermal parcel labels, one per page.

`render_labels([ParcelLabel, ...], out, issued_at=...)` draws the PDF and returns the
number of pages (= labels); `write_labels_pdf(sheet, path, force=...)` writes a
:class:`LabelSheet` to a file through the hub's one file writer. Each label carries the
Code128 barcode of the hub parcel id and, when the parcel has one, of the courier's
tracking number, the destination in large type for sorting, origin station, weight, the
masked recipient and the courier. Bars are sized in whole printer dots of a 203 dpi
thermal head where they fit (3 dots = 0.375 mm), so they print crisply.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.units import mm

from logistics.domain.units import kg_text
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io.files import write_file
from logistics.io.pdf import (
    Output,
    check_barcode_value,
    draw_code128,
    open_canvas,
    save_canvas,
)
from logistics.io.pdf.fonts import MONO, MONO_BOLD, SANS_BOLD, draw_text

LABEL_SIZE = (100 * mm, 150 * mm)
DOT = 25.4 * mm / 203  # one dot of a 203 dpi thermal printer


@dataclass(frozen=True)
class ParcelLabel:
    """What one parcel's label shows; strings already formatted and masked."""

    parcel_no: str
    """Hub parcel id, e.g. "P20261123-00042" (always printed as a barcode)."""
    tracking_no: str | None
    """The courier's tracking number (second barcode), or None when there is none yet."""
    origin_station: str
    """Name of the station that took the parcel in, e.g. "青山村服务站"."""
    dest_province: str
    dest_city: str
    weight_g: int
    """Weight in grams, printed as kg (the caller chooses actual or chargeable)."""
    recipient: str
    """Recipient ALREADY MASKED by the caller, e.g. "张*  1******1234"."""
    courier_name: str = ""
    """e.g. "中通快递"; empty when no courier is assigned yet."""
    courier_code: str = ""
    """e.g. "ZTO"."""
    origin_station_code: str = ""
    hub_name: str = ""
    service_date: date | None = None
    """The hub's local day the parcel was registered (printed when given)."""
    category: str = ""
    """The product in both languages, e.g. "猕猴桃 kiwi fruit" (printed when given)."""


@dataclass(frozen=True)
class LabelSheet:
    """The labels of one print run and the moment they are dated."""

    labels: Sequence[ParcelLabel]
    issued_at: datetime
    """Local time printed on every label and used as the PDF creation date."""


GREY = Color(0.35, 0.35, 0.35)
MARGIN = 4 * mm


def render_labels(labels: Sequence[ParcelLabel], out: Output, *, issued_at: datetime) -> int:
    """Write one 100 x 150 mm page per label to `out`; returns the page count.

    `issued_at` (local time) is printed and is the PDF creation date, so the same labels
    always give identical bytes. Raises InvalidInput for an empty list or a value a
    Code128 barcode cannot carry.
    """
    labels = list(labels)
    if not labels:
        raise InvalidInput(_("There are no labels to print; expected at least one parcel."))
    for label in labels:
        check_barcode_value(label.parcel_no, _("hub parcel id"))
        if label.tracking_no:
            check_barcode_value(
                label.tracking_no,
                _("tracking number of {parcel}").format(parcel=label.parcel_no),
            )
    title = labels[0].parcel_no if len(labels) == 1 else f"{len(labels)} parcels"
    canv = open_canvas(
        out,
        LABEL_SIZE,
        title=f"面单 Parcel labels {title}",
        subject="Parcel labels 100 x 150 mm",
        author=labels[0].hub_name or "hub",
        issued_at=issued_at,
    )
    for label in labels:
        _label(canv, label, issued_at)
        canv.showPage()
    save_canvas(canv)
    return len(labels)


def write_labels_pdf(
    sheet: LabelSheet, path: str | os.PathLike[str], *, force: bool = False
) -> int:
    """Write the sheet's labels at ``path`` (never over the database or an input, an
    existing file only with ``force``, complete or not at all); returns the page count."""
    pages: list[int] = []

    def fill(temporary: Path) -> None:
        pages.append(render_labels(sheet.labels, temporary, issued_at=sheet.issued_at))

    write_file(path, fill, force=force)
    return pages[0]


def _rule(canv, y: float, width: float = 0.8) -> None:
    canv.setLineWidth(width)
    canv.line(MARGIN, y, LABEL_SIZE[0] - MARGIN, y)


def _label(canv, label: ParcelLabel, issued_at: datetime) -> None:
    width, height = LABEL_SIZE
    inner = width - 2 * MARGIN
    top = height - MARGIN
    canv.setStrokeColor(black)
    canv.setLineWidth(1.2)
    canv.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN, stroke=1, fill=0)

    # Courier band
    if label.courier_name or label.courier_code:
        draw_text(canv, MARGIN + 1 * mm, top - 9 * mm, label.courier_name, 18, max_width=55 * mm)
        draw_text(
            canv,
            width - MARGIN - 1 * mm,
            top - 9 * mm,
            label.courier_code,
            20,
            latin=SANS_BOLD,
            align="right",
            max_width=30 * mm,
        )
    else:
        draw_text(canv, MARGIN + 1 * mm, top - 9 * mm, "快递公司待分配 Courier to be assigned", 13)
    draw_text(canv, MARGIN + 1 * mm, top - 14 * mm, label.hub_name, 8, max_width=inner, colour=GREY)
    _rule(canv, top - 16.5 * mm)

    # Destination, large, for sorting
    draw_text(canv, MARGIN + 1 * mm, top - 21.5 * mm, "目的地 Destination", 7, colour=GREY)
    draw_text(canv, MARGIN + 1 * mm, top - 28.5 * mm, label.dest_province, 15, max_width=inner)
    draw_text(canv, MARGIN + 1 * mm, top - 39 * mm, label.dest_city, 26, max_width=inner)
    _rule(canv, top - 42.5 * mm)

    # Hub parcel id barcode
    centre = width / 2
    draw_text(canv, MARGIN + 1 * mm, top - 47 * mm, "中心编号 Hub parcel id", 7, colour=GREY)
    draw_code128(
        canv,
        centre,
        top - 66 * mm,
        label.parcel_no,
        height=17 * mm,
        max_width=inner,
        module=3 * DOT,
        align="centre",
    )
    draw_text(canv, centre, top - 70.5 * mm, label.parcel_no, 12, latin=MONO_BOLD, align="centre")
    _rule(canv, top - 73 * mm, 0.5)

    # Tracking number barcode (or a plain note)
    draw_text(canv, MARGIN + 1 * mm, top - 77.5 * mm, "运单号 Tracking no.", 7, colour=GREY)
    if label.tracking_no:
        draw_code128(
            canv,
            centre,
            top - 96.5 * mm,
            label.tracking_no,
            height=17 * mm,
            max_width=inner,
            module=3 * DOT,
            align="centre",
        )
        draw_text(
            canv, centre, top - 101 * mm, label.tracking_no, 12, latin=MONO_BOLD, align="centre"
        )
    else:
        draw_text(
            canv, centre, top - 90 * mm, "尚无运单号  No tracking number yet", 11, align="centre"
        )
    _rule(canv, top - 103.5 * mm)

    # Details
    origin = label.origin_station
    if label.origin_station_code:
        origin = f"{origin}（{label.origin_station_code}）"
    rows = [
        ("收件人 Recipient", label.recipient, 13),
        ("重量 Weight", f"{kg_text(label.weight_g)} kg", 13),
        ("始发服务站 Origin", origin, 11),
    ]
    if label.category:
        rows.append(("品类 Contents", label.category, 10))
    y = top - 109.5 * mm
    for caption, value, size in rows:
        draw_text(canv, MARGIN + 1 * mm, y, caption, 7, colour=GREY)
        draw_text(canv, MARGIN + 26 * mm, y, value, size, max_width=inner - 27 * mm)
        y -= 7.5 * mm

    footer = f"打印 Printed {issued_at.strftime('%Y-%m-%d %H:%M')}"
    if label.service_date:
        footer = f"登记 Registered {label.service_date.isoformat()}   " + footer
    draw_text(canv, MARGIN + 1 * mm, MARGIN + 1.5 * mm, footer, 7, latin=MONO, colour=GREY)
