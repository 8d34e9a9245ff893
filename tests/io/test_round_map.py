"""The map on the round sheet: stations where they are, numbered in driving order, the
round's colour, a scale bar and north, printed offline on the sheet's first page."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from reportlab.graphics.shapes import Group, PolyLine, String
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm

from logistics.io.day_map import round_colour
from logistics.io.pdf import round_sheet
from logistics.io.pdf.round_map import MapStop, round_map_drawing, scale_bar_km
from logistics.io.pdf.round_sheet import RoundSheetDocument, RoundStopLine, write_round_sheet_pdf
from tests.support import needs_pdftotext, pdf_text

HUB = (35.5946, 112.9688)
# sample stations around 高都镇: north-east, far north-west, south
PLACES = [
    ("陈家庄服务站", "GD08", 35.6247, 112.9743),
    ("西沟村服务站", "GD03", 35.6127, 112.8997),
    ("保福村服务站", "GD04", 35.4922, 112.9731),
]
START = datetime(2026, 12, 2, 7, 30)


def shapes(node, kind):
    """Every shape of ``kind`` in a drawing, depth first, in drawing order."""
    for item in getattr(node, "contents", ()):
        if isinstance(item, kind):
            yield item
        if isinstance(item, Group):
            yield from shapes(item, kind)


def texts(drawing) -> list[str]:
    return [s.text for s in shapes(drawing, String)]


def drawing_of(stops, round_no="R-20261202-3"):
    return round_map_drawing(
        round_no=round_no,
        hub_name="高都镇快递物流分拨中心",
        hub_lat=HUB[0],
        hub_lon=HUB[1],
        stops=stops,
        width=186 * mm,
        height=90 * mm,
    )


def map_stops(order=(0, 1, 2)):
    return [
        MapStop(seq=i + 1, name=PLACES[k][0], lat=PLACES[k][2], lon=PLACES[k][3])
        for i, k in enumerate(order)
    ]


def test_stops_are_numbered_in_driving_order_where_the_stations_are():
    drawing = drawing_of(map_stops())
    shown = texts(drawing)
    for number in ("1", "2", "3"):
        assert number in shown
    for name, *_ in PLACES:
        assert name in shown
    route, back = list(shapes(drawing, PolyLine))[:2]
    points = list(zip(route.points[::2], route.points[1::2], strict=True))
    hub, first, second, third = points
    # north up, east right: 陈家庄 is north-east of the hub, 西沟 west of it, 保福 south
    assert first[0] > hub[0] and first[1] > hub[1]
    assert second[0] < hub[0]
    assert third[1] < hub[1]
    # the way back runs from the last stop to the hub, dotted: it reads without colour
    assert back.points == [*third, *hub]
    assert route.strokeDashArray is None and back.strokeDashArray


def test_the_map_is_drawn_in_the_rounds_own_colour():
    third = list(shapes(drawing_of(map_stops(), "R-20261202-3"), PolyLine))[0]
    fourth = list(shapes(drawing_of(map_stops(), "R-20261202-4"), PolyLine))[0]
    assert third.strokeColor == HexColor(round_colour("R-20261202-3"))
    assert fourth.strokeColor == HexColor(round_colour("R-20261202-4"))
    assert third.strokeColor != fourth.strokeColor


def test_a_station_visited_twice_is_one_marker_with_both_numbers():
    shown = texts(drawing_of(map_stops((0, 1, 0))))
    assert "1,3" in shown
    assert shown.count(PLACES[0][0]) == 1


def test_scale_bar_is_a_round_distance_and_north_is_marked():
    shown = texts(drawing_of(map_stops()))
    bars = [t for t in shown if t.endswith(" km")]
    assert len(bars) == 1 and bars[0] in {"1 km", "2 km", "5 km"}  # a 15 km wide round
    assert "N" in shown and "北" in shown and " North" in shown
    assert scale_bar_km(points_per_km=10, longest=85) == 5
    assert scale_bar_km(points_per_km=10, longest=19) == 1
    assert scale_bar_km(points_per_km=400, longest=85) == 0.2


def sheet(stops: int = 3, coordinates: bool = True) -> RoundSheetDocument:
    lines = []
    for i in range(stops):
        name, code, lat, lon = PLACES[i % 3]
        lines.append(
            RoundStopLine(
                seq=i + 1,
                station_name=name,
                station_code=code,
                keeper_phone="13900000001",
                planned_arrival=START + timedelta(minutes=20 * i + 15),
                planned_departure=START + timedelta(minutes=20 * i + 25),
                collect_parcels=4,
                collect_kg=Decimal("6.5"),
                drop_parcels=2,
                drop_kg=Decimal("1.5"),
                km_from_previous=Decimal("5.2"),
                lat=lat + 0.003 * (i // 3) if coordinates else None,
                lon=lon if coordinates else None,
            )
        )
    return RoundSheetDocument(
        round_no="R-20261202-3",
        hub_name="高都镇快递物流分拨中心",
        service_date=date(2026, 12, 2),
        vehicle_code="VAN1",
        planned_start=START,
        planned_return=START + timedelta(hours=3),
        return_km=Decimal("6.1"),
        issued_at=START,
        stops=tuple(lines),
        hub_lat=HUB[0] if coordinates else None,
        hub_lon=HUB[1] if coordinates else None,
    )


def map_block_text(path, doc) -> str:
    """The text pdftotext finds in the band of page 1 between the header and the table."""
    top = round_sheet.PAGE_H - round_sheet.TABLE_TOP
    height = round_sheet._layout(doc)[0]
    out = subprocess.run(
        [
            "pdftotext",
            "-enc",
            "UTF-8",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "72",
            "-x",
            "0",
            "-y",
            f"{top:.0f}",
            "-W",
            "600",
            "-H",
            f"{height:.0f}",
            str(path),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


@needs_pdftotext
def test_the_sheet_carries_the_map_above_the_stops(tmp_path):
    path = tmp_path / "sheet.pdf"
    assert write_round_sheet_pdf(sheet(), path) == 1
    block = map_block_text(path, sheet())
    for name, *_ in PLACES:
        assert name in block
    assert "比例尺 Scale" in block and "North" in block
    assert any(f"{km} km" in block for km in (1, 2, 5))
    # the table itself still lists every stop, below the map
    text = pdf_text(path)
    assert text.index("比例尺") < text.index("站长签名")


@needs_pdftotext
def test_without_coordinates_the_sheet_is_as_before(tmp_path):
    path = tmp_path / "sheet.pdf"
    assert write_round_sheet_pdf(sheet(coordinates=False), path) == 1
    assert "比例尺" not in pdf_text(path)


def test_the_map_keeps_the_sheet_on_its_pages_where_it_can():
    with_map, without = sheet(6), sheet(6, coordinates=False)
    assert round_sheet._layout(with_map)[0] > 0
    assert len(round_sheet._layout(with_map)[1]) == len(round_sheet._layout(without)[1]) == 1
    busy = sheet(16)
    assert (
        len(round_sheet._layout(busy)[1])
        == len(round_sheet._layout(replace(busy, hub_lat=None))[1])
        == 2
    )


def test_a_sheet_with_its_map_prints_the_same_bytes_twice(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_round_sheet_pdf(sheet(5), first)
    write_round_sheet_pdf(sheet(5), second)
    assert first.read_bytes() == second.read_bytes()
