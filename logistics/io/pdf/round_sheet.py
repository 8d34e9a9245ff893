"""The van driver's round sheet (A4): the stops of one collection round in order.

Pure renderer: `render_round_sheet(RoundSheetDocument, out)` draws the PDF and returns
the number of pages; `write_round_sheet_pdf(doc, path, force=...)` writes it as a file
through the hub's one file writer. For each stop: station name and code, the keeper's name and
phone, planned arrival and departure, km from the previous stop, parcels (and kg) to
collect and to drop, a box to write the count actually collected and a column for the
station keeper's signature. The hub's departure and return are the first and last
rows; totals (km, parcels, kg) and the driver's and dispatcher's signatures close it.

When the hub and every stop have coordinates, the first page carries a map of the
round above the stops (:mod:`.round_map`): as tall as the rows leave room for without
adding a page, and full size when even a small one would.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from logistics.domain import units
from logistics.errors import InvalidInput
from logistics.io import files
from logistics.io.pdf import (
    Output,
    check_barcode_value,
    column_positions,
    draw_code128,
    open_canvas,
    round_map,
    save_canvas,
)
from logistics.io.pdf.fonts import MONO, SANS_BOLD, TextLayer, draw_text


@dataclass(frozen=True)
class RoundStopLine:
    """One stop of the round, in driving order."""

    seq: int
    """1-based order of the stop on the round."""
    station_name: str
    station_code: str
    keeper_phone: str
    """The station keeper's phone, printed in full so the driver can call ahead."""
    planned_arrival: datetime
    planned_departure: datetime
    """Local times; printed as HH:MM."""
    collect_parcels: int
    """Outbound parcels to pick up at the station."""
    collect_kg: Decimal
    drop_parcels: int
    """Inbound parcels to leave at the station."""
    drop_kg: Decimal
    km_from_previous: Decimal
    """Driving distance from the previous stop (the hub for the first stop)."""
    keeper_name: str = ""
    note: str = ""
    """Short note printed under the station, e.g. "第 2 次 visit 2 of 2" or opening hours."""
    lat: float | None = None
    lon: float | None = None
    """The station's stored (WGS-84) coordinates, for the map; no map when unknown."""


@dataclass(frozen=True)
class RoundSheetDocument:
    """Everything printed on one round's sheet."""

    round_no: str
    """Readable round number, printed as text and Code128, e.g. "R-20261123-1"."""
    hub_name: str
    service_date: date
    vehicle_code: str
    planned_start: datetime
    """Planned departure from the hub (local)."""
    planned_return: datetime
    """Planned arrival back at the hub (local)."""
    return_km: Decimal
    """Distance from the last stop back to the hub."""
    issued_at: datetime
    """Local time the sheet is printed (the hub's clock now, not the planned departure,
    which the header shows as such); printed in the footer and used as the PDF creation
    date, so the same round printed at the same moment gives identical bytes."""
    stops: Sequence[RoundStopLine] = field(default_factory=tuple)
    vehicle_plate: str = ""
    driver_name: str = ""
    """Printed on the driver line when known; otherwise the line is left blank to fill in."""
    driver_phone: str = ""
    hub_code: str = ""
    hub_lat: float | None = None
    hub_lon: float | None = None
    """The hub's coordinates; with every stop's, the first page carries a map of the round."""

    @property
    def total_km(self) -> Decimal:
        return sum((s.km_from_previous for s in self.stops), Decimal(0)) + self.return_km

    @property
    def has_map(self) -> bool:
        """True when the hub and every stop have coordinates to draw."""
        return (
            bool(self.stops)
            and self.hub_lat is not None
            and self.hub_lon is not None
            and all(s.lat is not None and s.lon is not None for s in self.stops)
        )


PAGE_W, PAGE_H = A4
MARGIN = 12 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
HEADER_H = 44 * mm
COLHEAD_H = 9 * mm
ROW_H = 14 * mm
DEPOT_ROW_H = 9 * mm
TOTAL_ROW_H = 10 * mm
FOOTER_H = 8 * mm
SIGN_BLOCK_H = 44 * mm

COLUMNS = (
    ("seq", "序", "No.", 8 * mm),
    ("station", "服务站", "Station", 33 * mm),
    ("keeper", "站长 / 电话", "Keeper / phone", 28 * mm),
    ("time", "到达 / 离开", "Arrive / leave", 17 * mm),
    ("km", "里程", "km", 12 * mm),
    ("collect", "揽收", "Collect", 18 * mm),
    ("drop", "派送", "Drop", 18 * mm),
    ("count", "实收件数", "Count", 18 * mm),
    ("sign", "站长签名", "Keeper's signature", 34 * mm),
)
COL_X = column_positions(COLUMNS, MARGIN, CONTENT_W)

TABLE_TOP = PAGE_H - MARGIN - HEADER_H
ROWS_TOP = TABLE_TOP - COLHEAD_H
BODY_BOTTOM = MARGIN + FOOTER_H
MAP_GAP = 3 * mm
MAP_MAX_H = 100 * mm
MAP_STEP = 2 * mm
GREY = Color(0.4, 0.4, 0.4)
LIGHT = Color(0.93, 0.93, 0.93)
RULE = Color(0.6, 0.6, 0.6)


def _paginate(stops: int, first_reserved: float = 0.0) -> list[range]:
    """Rows per page: the first page also carries the hub departure row (and
    ``first_reserved`` points of map above the table), the last page the return row,
    the totals and the signature block."""
    space = ROWS_TOP - BODY_BOTTOM
    per_page = int((space - DEPOT_ROW_H) // ROW_H)
    last_space = space - 2 * DEPOT_ROW_H - TOTAL_ROW_H - SIGN_BLOCK_H
    pages: list[range] = []
    start = 0
    while True:
        first = not pages
        room = last_space - first_reserved if first else last_space + DEPOT_ROW_H
        if int(room // ROW_H) >= stops - start:
            pages.append(range(start, stops))
            return pages
        fits = int((space - DEPOT_ROW_H - first_reserved) // ROW_H) if first else per_page
        take = max(min(fits, stops - start - 1), 0)
        pages.append(range(start, start + take))
        start += take


def _layout(doc: RoundSheetDocument) -> tuple[float, list[range]]:
    """The height of the map block on the first page (0 without a map) and the pages.
    The map takes the room the rows leave, as much as keeps the sheet on the pages it
    has without a map; when even the smallest map would add a page, it gets full size."""
    plain = _paginate(len(doc.stops))
    if not doc.has_map:
        return 0.0, plain
    height = MAP_MAX_H
    while height >= round_map.MIN_HEIGHT:
        pages = _paginate(len(doc.stops), height + MAP_GAP)
        if len(pages) == len(plain):
            return height, pages
        height -= MAP_STEP
    return MAP_MAX_H, _paginate(len(doc.stops), MAP_MAX_H + MAP_GAP)


def _hm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def km_shown(value: Decimal) -> str:
    """A distance of the sheet (exact km) with the digits the hub shows km everywhere."""
    return units.km_text(Decimal(value) * 1000)


def kg_shown(value: Decimal) -> str:
    """A weight of the sheet (exact kg) with the digits the hub shows kg everywhere."""
    return units.kg_text(units.grams(value))


def write_round_sheet_pdf(
    doc: RoundSheetDocument, path: str | os.PathLike[str], *, force: bool = False
) -> int:
    """Write the sheet as an A4 PDF file at ``path``; returns the page count."""
    pages: list[int] = []
    files.write_file(path, lambda temp: pages.append(render_round_sheet(doc, temp)), force=force)
    return pages[0]


def render_round_sheet(doc: RoundSheetDocument, out: Output) -> int:
    """Write the round sheet PDF to `out` (a path or a binary file); returns the page count."""
    check_barcode_value(doc.round_no, "round number")
    for stop in doc.stops:
        if stop.collect_parcels < 0 or stop.drop_parcels < 0:
            raise InvalidInput(
                f"Stop {stop.seq} ({stop.station_code}) has a negative parcel count; "
                "expected zero or more parcels to collect and to drop."
            )
    stops = list(doc.stops)
    map_h, pages = _layout(doc)
    canv = open_canvas(
        out,
        A4,
        title=f"趟次单 Round sheet {doc.round_no}",
        subject=f"Round sheet {doc.round_no} {doc.vehicle_code} {doc.service_date}",
        author=doc.hub_name,
        issued_at=doc.issued_at,
    )
    for number, rows in enumerate(pages, start=1):
        _header(canv, doc, number, len(pages))
        top = TABLE_TOP
        if number == 1 and map_h:
            _map_block(canv, doc, map_h)
            top -= map_h + MAP_GAP
        _column_heads(canv, top)
        text = TextLayer(canv)
        y = top - COLHEAD_H
        if number == 1:
            y -= DEPOT_ROW_H
            _depot_row(
                canv, text, y, "出发", doc.hub_name, f"- / {_hm(doc.planned_start)}", "", doc
            )
        for index in rows:
            y -= ROW_H
            _stop_row(canv, text, stops[index], y)
        if number == len(pages):
            y -= DEPOT_ROW_H
            _depot_row(
                canv,
                text,
                y,
                "返回",
                doc.hub_name,
                f"{_hm(doc.planned_return)} / -",
                km_shown(doc.return_km),
                doc,
            )
        text.flush()
        _table_frame(canv, y, top)
        if number == len(pages):
            y -= TOTAL_ROW_H
            _totals(canv, doc, y)
            _signatures(canv, y - 4 * mm)
        _footer(canv, doc, number, len(pages))
        canv.showPage()
    save_canvas(canv)
    return len(pages)


def _header(canv, doc: RoundSheetDocument, page: int, pages: int) -> None:
    top = PAGE_H - MARGIN
    hub = f"{doc.hub_name}（{doc.hub_code}）" if doc.hub_code else doc.hub_name
    draw_text(canv, MARGIN, top - 5 * mm, hub, 11, max_width=110 * mm)
    used = draw_text(canv, MARGIN, top - 13 * mm, "趟次单", 18)
    draw_text(canv, MARGIN + used + 4 * mm, top - 13 * mm, "Round sheet", 12, latin=SANS_BOLD)
    draw_code128(
        canv,
        PAGE_W - MARGIN,
        top - 13 * mm,
        doc.round_no,
        height=11 * mm,
        max_width=70 * mm,
        module=0.38 * mm,
        align="right",
    )
    draw_text(canv, PAGE_W - MARGIN, top - 17.5 * mm, doc.round_no, 11, latin=MONO, align="right")

    van = f"{doc.vehicle_code} ({doc.vehicle_plate})" if doc.vehicle_plate else doc.vehicle_code
    collect = sum(s.collect_parcels for s in doc.stops)
    drop = sum(s.drop_parcels for s in doc.stops)
    fields = (
        ("趟次 Round", doc.round_no),
        ("日期 Date", doc.service_date.isoformat()),
        ("车辆 Van", van),
        (
            "计划出车 / 返回 Planned departure / return",
            f"{_hm(doc.planned_start)} / {_hm(doc.planned_return)}",
        ),
        (
            "站点停靠 / 里程 Stops / distance",
            f"{len(doc.stops)} 站 stops / {km_shown(doc.total_km)} km",
        ),
        ("揽收 / 派送 Collect / drop", f"{collect} / {drop} 件 parcels"),
    )
    col_w = CONTENT_W / 3
    for i, (label, value) in enumerate(fields):
        x = MARGIN + (i % 3) * col_w
        y = top - 25 * mm - (i // 3) * 8 * mm
        draw_text(canv, x, y + 3.6 * mm, label, 7, colour=GREY, max_width=col_w - 3 * mm)
        draw_text(canv, x, y, value, 10, max_width=col_w - 3 * mm)
    # Driver line: filled when known, otherwise a line to write on.
    y = top - 41 * mm
    used = draw_text(canv, MARGIN, y, "司机 Driver", 9)
    start = MARGIN + used + 2 * mm
    canv.setLineWidth(0.5)
    canv.line(start, y - 1 * mm, MARGIN + 80 * mm, y - 1 * mm)
    draw_text(canv, start + 1.5 * mm, y, doc.driver_name, 10, max_width=60 * mm)
    used = draw_text(canv, MARGIN + 86 * mm, y, "电话 Phone", 9)
    start = MARGIN + 86 * mm + used + 2 * mm
    canv.line(start, y - 1 * mm, MARGIN + 140 * mm, y - 1 * mm)
    draw_text(canv, start + 1.5 * mm, y, doc.driver_phone, 10)
    draw_text(
        canv,
        PAGE_W - MARGIN,
        y,
        f"第 {page} 页 / 共 {pages} 页  Page {page} of {pages}",
        9,
        align="right",
    )


def _map_block(canv, doc: RoundSheetDocument, height: float) -> None:
    drawing = round_map.round_map_drawing(
        round_no=doc.round_no,
        hub_name=doc.hub_name,
        hub_lat=doc.hub_lat,  # type: ignore[arg-type]  # has_map: known
        hub_lon=doc.hub_lon,  # type: ignore[arg-type]
        stops=[
            round_map.MapStop(seq=s.seq, name=s.station_name, lat=s.lat, lon=s.lon)  # type: ignore[arg-type]
            for s in doc.stops
        ],
        width=CONTENT_W,
        height=height,
    )
    round_map.draw_round_map(canv, MARGIN, TABLE_TOP - height, drawing)


def _column_heads(canv, top: float) -> None:
    rows_top = top - COLHEAD_H
    canv.setFillColor(LIGHT)
    canv.rect(MARGIN, rows_top, CONTENT_W, COLHEAD_H, stroke=0, fill=1)
    canv.setFillColor(black)
    for key, zh, en, w in COLUMNS:
        x = COL_X[key][0]
        draw_text(canv, x + 1.2 * mm, rows_top + 5 * mm, zh, 8.5, max_width=w - 2 * mm)
        draw_text(canv, x + 1.2 * mm, rows_top + 1.6 * mm, en, 6, max_width=w - 2 * mm, colour=GREY)


def _stop_row(canv, text: TextLayer, stop: RoundStopLine, y: float) -> None:
    l1, l2, l3 = y + ROW_H - 4.5 * mm, y + ROW_H - 8.5 * mm, y + 2.3 * mm
    pad = 1.2 * mm

    x, w = COL_X["seq"]
    draw_text(text, x + w - pad, l1, str(stop.seq), 10, align="right")

    x, w = COL_X["station"]
    draw_text(text, x + pad, l1, stop.station_name, 9.5, max_width=w - 2 * pad)
    draw_text(text, x + pad, l2, stop.station_code, 7.5, max_width=w - 2 * pad, colour=GREY)
    if stop.note:
        draw_text(text, x + pad, l3, stop.note, 7, max_width=w - 2 * pad, colour=GREY)

    x, w = COL_X["keeper"]
    draw_text(text, x + pad, l1, stop.keeper_name, 9, max_width=w - 2 * pad)
    draw_text(text, x + pad, l2, stop.keeper_phone, 8.5, max_width=w - 2 * pad)

    x, w = COL_X["time"]
    draw_text(text, x + pad, l1, f"到 {_hm(stop.planned_arrival)}", 9)
    draw_text(text, x + pad, l2, f"离 {_hm(stop.planned_departure)}", 9)

    x, w = COL_X["km"]
    draw_text(text, x + w - pad, l1, km_shown(stop.km_from_previous), 9, align="right")

    for key, parcels, weight in (
        ("collect", stop.collect_parcels, stop.collect_kg),
        ("drop", stop.drop_parcels, stop.drop_kg),
    ):
        x, w = COL_X[key]
        draw_text(text, x + w - pad, l1, f"{parcels} 件", 9.5, align="right")
        draw_text(text, x + w - pad, l2, f"{kg_shown(weight)} kg", 7.5, align="right", colour=GREY)

    # Count box: the driver writes (or ticks) the number actually collected.
    x, w = COL_X["count"]
    canv.setLineWidth(0.6)
    canv.rect(x + 2 * mm, y + 3 * mm, w - 4 * mm, ROW_H - 6 * mm, stroke=1, fill=0)
    draw_text(text, x + w - 3 * mm, y + 4 * mm, "件", 6.5, align="right", colour=GREY)

    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.4)
    canv.line(MARGIN, y, PAGE_W - MARGIN, y)
    canv.setStrokeColor(black)


def _depot_row(canv, text, y, label, hub_name, times, km, doc: RoundSheetDocument) -> None:
    canv.setFillColor(LIGHT)
    canv.rect(MARGIN, y, CONTENT_W, DEPOT_ROW_H, stroke=0, fill=1)
    canv.setFillColor(black)
    base = y + 3.2 * mm
    x, w = COL_X["seq"]
    draw_text(text, x + 1 * mm, base, label, 8)
    x, w = COL_X["station"]
    draw_text(text, x + 1.2 * mm, base, hub_name, 8.5, max_width=w - 2.4 * mm)
    x, w = COL_X["time"]
    draw_text(text, x + 1.2 * mm, base, times, 9)
    if km:
        x, w = COL_X["km"]
        draw_text(text, x + w - 1.2 * mm, base, km, 9, align="right")
    if label == "出发":
        drop = sum(s.drop_parcels for s in doc.stops)
        x, w = COL_X["drop"]
        draw_text(text, x + w - 1.2 * mm, base, f"装车 {drop} 件", 8, align="right")
    else:
        collect = sum(s.collect_parcels for s in doc.stops)
        x, w = COL_X["collect"]
        draw_text(text, x + w - 1.2 * mm, base, f"卸车 {collect} 件", 8, align="right")
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.4)
    canv.line(MARGIN, y, PAGE_W - MARGIN, y)
    canv.setStrokeColor(black)


def _table_frame(canv, bottom: float, top: float) -> None:
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.4)
    path = canv.beginPath()
    for key, *_rest in COLUMNS[1:]:
        x = COL_X[key][0]
        path.moveTo(x, bottom)
        path.lineTo(x, top)
    canv.drawPath(path, stroke=1, fill=0)
    canv.setStrokeColor(black)
    canv.setLineWidth(0.8)
    canv.rect(MARGIN, bottom, CONTENT_W, top - bottom, stroke=1, fill=0)
    canv.line(MARGIN, top - COLHEAD_H, PAGE_W - MARGIN, top - COLHEAD_H)


def _totals(canv, doc: RoundSheetDocument, y: float) -> None:
    base = y + 3.6 * mm
    collect = sum(s.collect_parcels for s in doc.stops)
    drop = sum(s.drop_parcels for s in doc.stops)
    collect_kg = sum((s.collect_kg for s in doc.stops), Decimal(0))
    drop_kg = sum((s.drop_kg for s in doc.stops), Decimal(0))
    draw_text(canv, MARGIN + 1.2 * mm, base, "合计 Totals", 9.5, latin=SANS_BOLD)
    x, w = COL_X["keeper"]
    draw_text(canv, x + 1.2 * mm, base, f"{len(doc.stops)} 站 stops", 9, latin=SANS_BOLD)
    x, w = COL_X["km"]
    draw_text(
        canv, x + w - 1.2 * mm, base, f"{km_shown(doc.total_km)}", 9, latin=SANS_BOLD, align="right"
    )
    for key, parcels, weight in (("collect", collect, collect_kg), ("drop", drop, drop_kg)):
        x, w = COL_X[key]
        draw_text(
            canv,
            x + w - 1.2 * mm,
            base + 1.6 * mm,
            f"{parcels} 件",
            9,
            latin=SANS_BOLD,
            align="right",
        )
        draw_text(
            canv, x + w - 1.2 * mm, base - 2.4 * mm, f"{kg_shown(weight)} kg", 7, align="right"
        )
    x, w = COL_X["count"]
    draw_text(canv, x + 2 * mm, base, "实收合计 ____", 8)
    canv.setLineWidth(0.8)
    canv.line(MARGIN, y, PAGE_W - MARGIN, y)


def _signatures(canv, top: float) -> None:
    """Odometer, actual times and the driver's and dispatcher's signatures."""
    gap = 6 * mm
    box_w = (CONTENT_W - gap) / 2
    box_h = 36 * mm
    boxes = (
        (
            "司机 Driver",
            ("出车里程表 Odometer out", "回场里程表 Odometer in", "签名 Signature"),
            ("实际出车 Left at", "实际返回 Back at"),
        ),
        (
            "分拨中心调度 Hub dispatcher",
            ("实收件数 Parcels received", "问题件 Problems", "签名 Signature"),
            ("日期 Date", "时间 Time"),
        ),
    )
    for i, (title, lines, pair) in enumerate(boxes):
        x = MARGIN + i * (box_w + gap)
        canv.setLineWidth(0.8)
        canv.rect(x, top - box_h, box_w, box_h, stroke=1, fill=0)
        draw_text(canv, x + 2.5 * mm, top - 5.5 * mm, title, 10)
        ly = top - 12.5 * mm
        for label in lines:
            _blank_line(canv, x + 2.5 * mm, ly, box_w - 5 * mm, label)
            ly -= 6.5 * mm
        half = (box_w - 5 * mm) / 2
        _blank_line(canv, x + 2.5 * mm, ly, half - 2 * mm, pair[0])
        _blank_line(canv, x + 2.5 * mm + half, ly, half, pair[1])


def _blank_line(canv, x: float, y: float, width: float, label: str) -> None:
    used = draw_text(canv, x, y, label, 8)
    canv.setLineWidth(0.5)
    canv.line(x + used + 1.5 * mm, y - 1 * mm, x + width, y - 1 * mm)


def _footer(canv, doc: RoundSheetDocument, page: int, pages: int) -> None:
    y = MARGIN + 1 * mm
    draw_text(canv, MARGIN, y, f"{doc.round_no}  {doc.vehicle_code}", 7.5, colour=GREY)
    draw_text(
        canv,
        PAGE_W / 2,
        y,
        f"第 {page} 页 / 共 {pages} 页   Page {page} of {pages}",
        8.5,
        align="centre",
        colour=GREY,
    )
    draw_text(
        canv,
        PAGE_W - MARGIN,
        y,
        f"打印时间 Printed {doc.issued_at.strftime('%Y-%m-%d %H:%M')}",
        7.5,
        align="right",
        colour=GREY,
    )
