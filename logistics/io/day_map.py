"""The day's rounds on one web map (an HTML page with Leaflet, made by folium).

``write_day_map(doc, path, tiles=...)`` writes the page through the hub's one file
writer: every round in its own colour and dash, its stops numbered in driving order
(markers of the same station side by side), each station clickable (name, keeper,
parcels to pick up and to drop, planned arrival), the hub marked, and a legend of the
rounds that also says which datum and tiles the page uses.

Stations are stored in WGS-84. The default tiles, AutoNavi (Gaode), are drawn in
GCJ-02, so every point is converted (``domain.datum``) and the page says so;
``tiles="osm"`` keeps WGS-84 on OpenStreetMap tiles. The page loads Leaflet and the
tiles from the internet when it is opened.

folium is imported when a page is written, never when this module is imported: the
document classes and the colours are used by commands that draw no web map.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from logistics.domain import units
from logistics.domain.datum import Datum, to_datum
from logistics.errors import InvalidInput
from logistics.i18n import _, ngettext
from logistics.io import files

ROUND_COLOURS = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # green
    "#CC79A7",  # purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#8C510A",  # brown
    "#332288",  # indigo
)
"""Okabe-Ito colours (told apart by colour-blind readers too) and two dark ones; a
round's colour follows its number, so round 3 looks the same on its sheet and on the map."""

ROUND_DASHES = (None, "10 6", "2 6", "12 4 2 4")
"""After the colours run out, the next rounds get the same colours with these dashes."""


def round_number(round_no: str) -> int:
    """The number of a round within its day: R-20261123-3 is 3 (1 when there is none)."""
    tail = round_no.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() and int(tail) > 0 else 1


def round_colour(round_no: str) -> str:
    """The round's colour as #RRGGBB."""
    return ROUND_COLOURS[(round_number(round_no) - 1) % len(ROUND_COLOURS)]


def round_dash(round_no: str) -> str | None:
    """The round's dash pattern on the web map (None: a solid line)."""
    cycle = (round_number(round_no) - 1) // len(ROUND_COLOURS)
    return ROUND_DASHES[cycle % len(ROUND_DASHES)]


class MapTiles(StrEnum):
    """Which web map the page is drawn on, and so the datum of its coordinates."""

    GAODE = "gaode"
    OSM = "osm"

    @classmethod
    def parse(cls, text: str) -> MapTiles:
        """The tiles an operator names (any case), or InvalidInput naming the choices."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidInput(
                _("--map-tiles '{value}' is not a map: expected gaode or osm.").format(value=text)
            ) from None

    @property
    def datum(self) -> Datum:
        return Datum.GCJ02 if self is MapTiles.GAODE else Datum.WGS84

    def describe(self) -> str:
        """What the page says about its coordinates and tiles, in the reader's language."""
        if self is MapTiles.GAODE:
            return _("Coordinates in GCJ-02 (the Chinese map datum) on AutoNavi (Gaode) tiles")
        return _("Coordinates in WGS-84 (GPS) on OpenStreetMap tiles")


GAODE_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
GAODE_ATTRIBUTION = '&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>'


@dataclass(frozen=True)
class MapStop:
    """One stop of a round, in driving order; coordinates as stored (WGS-84)."""

    seq: int
    station_code: str
    station_name: str
    lat: float
    lon: float
    arrive: datetime
    """Local planned arrival."""
    pickup_parcels: int
    pickup_g: int
    drop_parcels: int
    drop_g: int
    keeper_name: str = ""
    keeper_phone: str = ""


@dataclass(frozen=True)
class MapRound:
    round_no: str
    van: str
    start: datetime
    end: datetime
    """Local planned departure and return."""
    planned_m: int
    status_label: str = ""
    stops: Sequence[MapStop] = field(default_factory=tuple)


@dataclass(frozen=True)
class DayMapDocument:
    """The day's rounds of one hub, as the web map shows them."""

    hub_name: str
    hub_lat: float
    hub_lon: float
    service_date: date
    rounds: Sequence[MapRound] = field(default_factory=tuple)
    hub_code: str = ""


def write_day_map(
    doc: DayMapDocument,
    path: str | os.PathLike[str],
    *,
    tiles: MapTiles | str = MapTiles.GAODE,
    force: bool = False,
) -> None:
    """Write the day's web map as one HTML page at ``path``."""
    page = render_day_map(doc, tiles=MapTiles(tiles))
    with files.open_text(path, force=force) as out:
        out.write(page)


def render_day_map(doc: DayMapDocument, *, tiles: MapTiles = MapTiles.GAODE) -> str:
    """The HTML page of the day's web map."""
    import folium

    datum = tiles.datum

    def at(lat: float, lon: float) -> list[float]:
        moved = to_datum(lat, lon, datum)
        return [round(moved[0], 7), round(moved[1], 7)]

    hub_at = at(doc.hub_lat, doc.hub_lon)
    title = _("{hub}: rounds of {date}").format(hub=doc.hub_name, date=doc.service_date)
    figure = folium.Figure(title=_text(title))
    if tiles is MapTiles.GAODE:
        fmap = folium.Map(
            location=hub_at,
            zoom_start=12,
            tiles=folium.TileLayer(
                tiles=GAODE_URL,
                attr=GAODE_ATTRIBUTION,
                name=_("AutoNavi (Gaode)"),
                subdomains="1234",
                max_zoom=18,
            ),
            control_scale=True,
        )
    else:
        fmap = folium.Map(location=hub_at, zoom_start=12, tiles="OpenStreetMap", control_scale=True)
    figure.add_child(fmap)

    points = [hub_at]
    taken: dict[tuple[float, float], int] = {}
    for rnd in doc.rounds:
        colour, dash = round_colour(rnd.round_no), round_dash(rnd.round_no)
        group = folium.FeatureGroup(
            name=f'<span style="color:{colour}">&#9632;</span> {_text(rnd.round_no)} '
            f"{_text(rnd.van)}"
        )
        path = [hub_at] + [at(s.lat, s.lon) for s in rnd.stops]
        folium.PolyLine(
            path,
            color=colour,
            weight=4,
            opacity=0.85,
            dash_array=dash,
            tooltip=_text(f"{rnd.round_no} {rnd.van}"),
        ).add_to(group)
        if rnd.stops:
            # the way back is thinner and dotted: the order reads without colour too
            folium.PolyLine(
                [path[-1], hub_at], color=colour, weight=2, opacity=0.85, dash_array="1 6"
            ).add_to(group)
        for stop, point in zip(rnd.stops, path[1:], strict=True):
            key = (point[0], point[1])
            beside = taken.get(key, 0)
            taken[key] = beside + 1
            folium.Marker(
                point,
                icon=folium.DivIcon(
                    html=_stop_icon(rnd.round_no, stop, colour),
                    icon_size=(22, 22),
                    # a station on several rounds (or visited twice) shows its numbers side by side
                    icon_anchor=(11 - 24 * beside, 11),
                    class_name="hub-stop-icon",
                ),
                popup=folium.Popup(_stop_popup(rnd, stop), max_width=320),
                tooltip=_text(f"{stop.seq}. {stop.station_name}"),
            ).add_to(group)
        points.extend(path[1:])
        group.add_to(fmap)

    folium.Marker(
        hub_at,
        icon=folium.DivIcon(
            html=(
                '<div class="hub-depot" style="width:20px;height:20px;background:#000;'
                'border:2px solid #fff;box-shadow:0 0 0 1px #000"></div>'
            ),
            icon_size=(24, 24),
            icon_anchor=(12, 12),
        ),
        popup=folium.Popup(f"<b>{_text(doc.hub_name)}</b>", max_width=320),
        tooltip=_text(doc.hub_name),
        z_index_offset=1000,
    ).add_to(fmap)

    if len(points) > 1:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    if doc.rounds:
        folium.LayerControl(collapsed=True).add_to(fmap)
    figure.header.add_child(folium.Element(_STYLE))
    fmap.get_root().html.add_child(folium.Element(_legend(doc, title, tiles)))
    return figure.render()


_STYLE = """<style>
.hub-stop {width:18px;height:18px;border-radius:50%;border:2px solid #000;color:#fff;
  font:bold 11px/18px sans-serif;text-align:center;}
.hub-legend {position:fixed;bottom:24px;left:10px;z-index:1000;background:#fff;
  padding:8px 10px;border:1px solid #888;border-radius:4px;font:12px sans-serif;
  max-height:60%;overflow:auto;}
.hub-legend h4 {margin:0 0 4px 0;font-size:14px;}
.hub-legend .datum {margin:0 0 6px 0;color:#333;}
.hub-legend td {padding:1px 4px;white-space:nowrap;}
</style>"""


def _text(value: object) -> str:
    """Data as HTML text. folium puts popups and tooltips inside JavaScript template
    literals, where a backtick, ``${`` or a backslash in a station's name would end the
    string or run as code: those become character references too."""
    escaped = html.escape(str(value))
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _stop_icon(round_no: str, stop: MapStop, colour: str) -> str:
    return (
        f'<div class="hub-stop" data-round="{_text(round_no)}" data-seq="{stop.seq}" '
        f'data-station="{_text(stop.station_code)}" style="background:{colour}">'
        f"{stop.seq}</div>"
    )


def _stop_popup(rnd: MapRound, stop: MapStop) -> str:
    keeper = " ".join(part for part in (stop.keeper_name, stop.keeper_phone) if part)
    rows = (
        (_("Round"), f"{rnd.round_no} {rnd.van}"),
        (_("Stop"), f"{stop.seq} / {len(rnd.stops)}"),
        (_("Keeper"), keeper or "-"),
        (_("Arrive"), f"{stop.arrive:%H:%M}"),
        (
            _("Pick up"),
            _("{n} parcels, {kg} kg").format(
                n=f"{stop.pickup_parcels:,}", kg=units.kg_text(stop.pickup_g)
            ),
        ),
        (
            _("Drop"),
            _("{n} parcels, {kg} kg").format(
                n=f"{stop.drop_parcels:,}", kg=units.kg_text(stop.drop_g)
            ),
        ),
    )
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{_text(label)}</th>"
        f"<td>{_text(value)}</td></tr>"
        for label, value in rows
    )
    name = _text(f"{stop.station_name} ({stop.station_code})")
    return f"<b>{name}</b><table>{body}</table>"


def _legend(doc: DayMapDocument, title: str, tiles: MapTiles) -> str:
    rows = []
    for rnd in sorted(doc.rounds, key=lambda r: round_number(r.round_no)):
        colour, dash = round_colour(rnd.round_no), round_dash(rnd.round_no)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        line = (
            f'<svg width="34" height="10"><line x1="0" y1="5" x2="34" y2="5" stroke="{colour}" '
            f'stroke-width="4"{dashes}/></svg>'
        )
        stops = ngettext("{n} stop", "{n} stops", len(rnd.stops)).format(n=len(rnd.stops))
        cells = (
            rnd.round_no,
            rnd.van,
            f"{rnd.start:%H:%M}-{rnd.end:%H:%M}",
            stops,
            f"{units.km_text(rnd.planned_m)} km",
            rnd.status_label,
        )
        rows.append(
            f'<tr class="hub-legend-round" data-round="{_text(rnd.round_no)}">'
            f"<td>{line}</td>" + "".join(f"<td>{_text(c)}</td>" for c in cells) + "</tr>"
        )
    if rows:
        key = _text(
            _(
                "Numbers: the order of the stops; thin dotted line: the way back to the hub; "
                "black square: the hub."
            )
        )
        body = f"<table>{''.join(rows)}</table><div>{key}</div>"
    else:
        body = "<div>{}</div>".format(
            _text(_("No rounds planned for {date}.").format(date=doc.service_date))
        )
    return (
        f'<div class="hub-legend" data-datum="{tiles.datum.value}" data-tiles="{tiles.value}">'
        f"<h4>{_text(title)}</h4>"
        f'<p class="datum">{_text(tiles.describe())}</p>{body}</div>'
    )
