"""A schematic map of one round for the printed round sheet, drawn without map tiles.

``round_map_drawing(...)`` returns a reportlab ``Drawing``: the hub (a black square),
the stations at their coordinates, numbered in driving order, joined by the round's
path in the round's own colour (``io.day_map.round_colour``, the same colour as on the
day's web map) with arrowheads, the way back to the hub dotted, and beside the map a
north arrow, a scale bar in round km and a key. It prints offline and reads on a
black-and-white printer: the numbers are black on white, the way back differs from
the way out by its line, not by its colour.

The coordinates (WGS-84) are projected equirectangularly around the round's middle:
over a township's 20 or 30 km the error is far below what a sketch can show, and
north stays up, so the scale bar holds in both directions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.units import mm

from logistics.io.day_map import round_colour
from logistics.io.pdf.fonts import CJK, SANS, SANS_BOLD, fit_text, printable, text_width

KM_PER_DEGREE = math.pi * 6371.0088 / 180
"""Kilometres along a meridian per degree of latitude (mean Earth radius)."""

SCALE_STEPS_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200)
MIN_EXTENT_KM = 1.0
"""A round that stays within a village is still drawn at a scale a km bar fits."""

KEY_W = 40 * mm
MIN_HEIGHT = 50 * mm
"""The key beside the map (north, scale, marks) needs this much height."""
PAD = 4 * mm
MARKER_R = 2.3 * mm
LABEL_SIZE = 6.5
LABEL_MAX_W = 30 * mm
NUMBER_SIZE = 7.5
GREY = Color(0.45, 0.45, 0.45)
FRAME = Color(0.6, 0.6, 0.6)

_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


@dataclass(frozen=True)
class MapStop:
    """A stop of the round in driving order, at its stored (WGS-84) coordinates."""

    seq: int
    name: str
    lat: float
    lon: float


def round_map_drawing(
    *,
    round_no: str,
    hub_name: str,
    hub_lat: float,
    hub_lon: float,
    stops: Sequence[MapStop],
    width: float,
    height: float,
) -> Drawing:
    """The map block, ``width`` x ``height`` points."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, strokeColor=FRAME, strokeWidth=0.6, fillColor=None))
    drawing.add(Line(width - KEY_W, 0, width - KEY_W, height, strokeColor=FRAME, strokeWidth=0.4))
    colour = HexColor(round_colour(round_no))

    area = (PAD, PAD, width - KEY_W - PAD, height - PAD)
    lat0 = (min([hub_lat] + [s.lat for s in stops]) + max([hub_lat] + [s.lat for s in stops])) / 2
    project = _projection(hub_lat, hub_lon, lat0, stops, area)
    hub_xy = project(hub_lat, hub_lon)

    # a station visited twice (a split visit) is one marker carrying both numbers
    places: dict[tuple[float, float], list[MapStop]] = {}
    for stop in stops:
        places.setdefault((stop.lat, stop.lon), []).append(stop)

    path = [hub_xy] + [project(s.lat, s.lon) for s in stops]
    if len(path) > 1:
        drawing.add(_polyline(path, colour, 2.2))
        drawing.add(_polyline([path[-1], hub_xy], colour, 1.0, dash=(0.8, 2.2)))
        for start, end in zip(path, path[1:], strict=False):
            arrow = _arrowhead(start, end, colour)
            if arrow is not None:
                drawing.add(arrow)

    markers = []
    taken: list[tuple[float, float, float, float]] = [_box_around(hub_xy, 2.2 * mm)]
    for (lat, lon), visits in places.items():
        xy = project(lat, lon)
        number = ",".join(str(s.seq) for s in visits)
        half = max(MARKER_R, text_width(number, NUMBER_SIZE, SANS_BOLD) / 2 + 1.2 * mm)
        markers.append((xy, number, half))
        taken.append((xy[0] - half, xy[1] - MARKER_R, xy[0] + half, xy[1] + MARKER_R))

    labels = Group()
    for (xy, _number, half), visits in zip(markers, places.values(), strict=True):
        text, size = fit_text(visits[0].name, LABEL_SIZE, LABEL_MAX_W, min_size=5.5)
        box, x, y, anchor = _place_label(xy, half, text, size, taken, area)
        taken.append(box)
        labels.add(_label(box, x, y, text, size, anchor))
    hub_text, hub_size = fit_text(hub_name, LABEL_SIZE, LABEL_MAX_W, min_size=5.5)
    box, x, y, anchor = _place_label(hub_xy, 2.2 * mm, hub_text, hub_size, taken, area)
    labels.add(_label(box, x, y, hub_text, hub_size, anchor, latin=SANS_BOLD))
    drawing.add(labels)

    drawing.add(_hub_mark(hub_xy, 2.2 * mm))
    for xy, number, half in markers:
        drawing.add(_stop_mark(xy, number, half, colour))

    drawing.add(_key(width - KEY_W, height, colour, project.scale))
    return drawing


def draw_round_map(canv, x: float, y: float, drawing: Drawing) -> None:
    """Put the drawing on the canvas with its lower left corner at (x, y)."""
    renderPDF.draw(drawing, canv, x, y)


# ------------------------------------------------------------------ geometry


class _Projection:
    """Degrees to points: equirectangular around ``lat0``, the same scale both ways."""

    def __init__(self, lon_km: float, lat_km: float, scale: float, origin: tuple[float, float]):
        self.lon_km, self.lat_km, self.scale, self.origin = lon_km, lat_km, scale, origin

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (
            self.origin[0] + lon * self.lon_km * self.scale,
            self.origin[1] + lat * self.lat_km * self.scale,
        )


def _projection(hub_lat, hub_lon, lat0, stops, area) -> _Projection:
    lon_km = KM_PER_DEGREE * math.cos(math.radians(lat0))
    lat_km = KM_PER_DEGREE
    xs = [hub_lon * lon_km] + [s.lon * lon_km for s in stops]
    ys = [hub_lat * lat_km] + [s.lat * lat_km for s in stops]
    span_x = max(max(xs) - min(xs), MIN_EXTENT_KM)
    span_y = max(max(ys) - min(ys), MIN_EXTENT_KM)
    # room for a marker and half a label on every side of the outermost points
    inner_w = area[2] - area[0] - 2 * (MARKER_R + 8 * mm)
    inner_h = area[3] - area[1] - 2 * (MARKER_R + 4 * mm)
    scale = min(inner_w / span_x, inner_h / span_y)  # points per km
    mid_x = (max(xs) + min(xs)) / 2
    mid_y = (max(ys) + min(ys)) / 2
    centre = ((area[0] + area[2]) / 2, (area[1] + area[3]) / 2)
    return _Projection(
        lon_km, lat_km, scale, (centre[0] - mid_x * scale, centre[1] - mid_y * scale)
    )


def _box_around(xy: tuple[float, float], r: float) -> tuple[float, float, float, float]:
    return (xy[0] - r, xy[1] - r, xy[0] + r, xy[1] + r)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(xy, half, text, size, taken, area):
    """The first of right, left, above, below where the label stays on the map and
    covers no marker or label already placed (right when none is free)."""
    w = text_width(text, size)
    h = size * 1.15
    gap = 0.8 * mm
    x, y = xy
    base = y - size * 0.35
    options = (
        ((x + half + gap, base - 1.5, x + half + gap + w, base - 1.5 + h), x + half + gap, "start"),
        ((x - half - gap - w, base - 1.5, x - half - gap, base - 1.5 + h), x - half - gap, "end"),
        ((x - w / 2, y + MARKER_R + gap, x + w / 2, y + MARKER_R + gap + h), x, "middle"),
        ((x - w / 2, y - MARKER_R - gap - h, x + w / 2, y - MARKER_R - gap), x, "middle"),
    )
    for box, text_x, anchor in options:
        inside = box[0] >= area[0] - PAD / 2 and box[2] <= area[2] + PAD / 2
        inside = inside and box[1] >= area[1] - PAD / 2 and box[3] <= area[3] + PAD / 2
        if inside and not any(_overlaps(box, other) for other in taken):
            return box, text_x, box[1] + 1.5 + (h - size) / 2 + 0.5, anchor
    box, text_x, anchor = options[0] if x < (area[0] + area[2]) / 2 else options[1]
    return box, text_x, box[1] + 1.5 + (h - size) / 2 + 0.5, anchor


# ------------------------------------------------------------------ shapes


def _polyline(points, colour, width, dash=None) -> PolyLine:
    flat = [c for p in points for c in p]
    return PolyLine(
        flat,
        strokeColor=colour,
        strokeWidth=width,
        strokeDashArray=list(dash) if dash else None,
        strokeLineJoin=1,
        strokeLineCap=1,
    )


def _arrowhead(start, end, colour) -> Polygon | None:
    """A small filled arrowhead halfway along a leg, pointing the way the van drives."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length < 4 * MARKER_R:
        return None
    ux, uy = dx / length, dy / length
    mx, my = start[0] + dx * 0.5, start[1] + dy * 0.5
    size = 1.8 * mm
    tip = (mx + ux * size, my + uy * size)
    left = (mx - uy * size * 0.6, my + ux * size * 0.6)
    right = (mx + uy * size * 0.6, my - ux * size * 0.6)
    return Polygon([*tip, *left, *right], fillColor=colour, strokeColor=black, strokeWidth=0.3)


def _hub_mark(xy, r) -> Rect:
    return Rect(
        xy[0] - r, xy[1] - r, 2 * r, 2 * r, fillColor=black, strokeColor=white, strokeWidth=0.6
    )


def _stop_mark(xy, number, half, colour) -> Group:
    group = Group()
    if half <= MARKER_R:
        group.add(
            Circle(xy[0], xy[1], MARKER_R, fillColor=white, strokeColor=colour, strokeWidth=1.6)
        )
        group.add(
            Circle(xy[0], xy[1], MARKER_R - 0.8, fillColor=None, strokeColor=black, strokeWidth=0.4)
        )
    else:
        group.add(
            Rect(
                xy[0] - half,
                xy[1] - MARKER_R,
                2 * half,
                2 * MARKER_R,
                rx=MARKER_R,
                ry=MARKER_R,
                fillColor=white,
                strokeColor=colour,
                strokeWidth=1.6,
            )
        )
    group.add(
        String(
            xy[0],
            xy[1] - NUMBER_SIZE * 0.35,
            number,
            fontName=SANS_BOLD,
            fontSize=NUMBER_SIZE,
            fillColor=black,
            textAnchor="middle",
        )
    )
    return group


def _label(box, x, y, text, size, anchor, latin=SANS) -> Group:
    """A name on a white ground, so the lines under it do not cross its characters."""
    group = Group()
    group.add(
        Rect(box[0], box[1], box[2] - box[0], box[3] - box[1], fillColor=white, strokeColor=None)
    )
    group.add(_text(x, y, text, size, anchor=anchor, latin=latin))
    return group


def _text(x, y, text, size, *, anchor="start", latin=SANS, colour=black) -> Group:
    """Mixed Chinese and Latin text as strings in the two fonts, as ``fonts.draw_text``
    sets it on a page."""
    shown = printable(text)
    runs = [(m.group(), latin if m.group()[0] < "\x80" else CJK) for m in _RUNS.finditer(shown)]
    widths = [text_width(run, size, latin) for run, _font in runs]
    total = sum(widths)
    if anchor == "middle":
        x -= total / 2
    elif anchor == "end":
        x -= total
    group = Group()
    for (run, font), w in zip(runs, widths, strict=True):
        group.add(String(x, y, run, fontName=font, fontSize=size, fillColor=colour))
        x += w
    return group


def scale_bar_km(points_per_km: float, longest: float) -> float:
    """The longest round distance (km) whose bar is at most ``longest`` points."""
    fitting = [km for km in SCALE_STEPS_KM if km * points_per_km <= longest]
    return fitting[-1] if fitting else SCALE_STEPS_KM[0]


def km_label(km: float) -> str:
    return f"{km:g} km"


def _key(left: float, top: float, colour, points_per_km: float) -> Group:
    """North arrow, scale bar and the meaning of the marks, in the column beside the map."""
    group = Group()
    x = left + 4 * mm
    # north arrow: half black, half white, readable in any print
    cx, base, half = left + 9 * mm, top - 15 * mm, 2.6 * mm
    tip = (cx, top - 7 * mm)
    group.add(
        Polygon(
            [*tip, cx - half, base, cx, base + 2 * mm],
            fillColor=black,
            strokeColor=black,
            strokeWidth=0.5,
        )
    )
    group.add(
        Polygon(
            [*tip, cx + half, base, cx, base + 2 * mm],
            fillColor=white,
            strokeColor=black,
            strokeWidth=0.5,
        )
    )
    group.add(_text(cx, top - 5.8 * mm, "N", 8, anchor="middle", latin=SANS_BOLD))
    group.add(_text(cx + half + 2.5 * mm, base + 2.5 * mm, "北 North", 7))

    # scale bar: two halves, black and white
    bar_km = scale_bar_km(points_per_km, KEY_W - 10 * mm)
    length = bar_km * points_per_km
    y = top - 23 * mm
    for i in range(2):
        group.add(
            Rect(
                x + i * length / 2,
                y,
                length / 2,
                1.6 * mm,
                fillColor=black if i == 0 else white,
                strokeColor=black,
                strokeWidth=0.5,
            )
        )
    group.add(_text(x, y + 2.4 * mm, "0", 6.5, anchor="middle"))
    group.add(_text(x + length, y + 2.4 * mm, km_label(bar_km), 6.5, anchor="middle"))
    group.add(_text(x, y - 3 * mm, "比例尺 Scale", 6, colour=GREY))

    y = top - 32 * mm
    rows = (
        ("hub", "分拨中心 Hub"),
        ("stop", "停靠顺序 Stop order"),
        ("out", "行驶路线 Route"),
        ("back", "返回分拨中心 Back"),
    )
    for kind, label in rows:
        mid = x + 3 * mm
        if kind == "hub":
            group.add(_hub_mark((mid, y + 1 * mm), 1.6 * mm))
        elif kind == "stop":
            group.add(_stop_mark((mid, y + 1 * mm), "1", MARKER_R, colour))
        elif kind == "out":
            group.add(_polyline([(x, y + 1 * mm), (x + 6 * mm, y + 1 * mm)], colour, 2.2))
        else:
            group.add(
                _polyline([(x, y + 1 * mm), (x + 6 * mm, y + 1 * mm)], colour, 1.0, dash=(0.8, 2.2))
            )
        group.add(_text(x + 8 * mm, y, label, 6.5))
        y -= 5 * mm
    return group
