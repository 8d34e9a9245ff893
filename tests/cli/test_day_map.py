"""`hub plan --map` and `hub round map`: the day's rounds on one web page, every stop in
order at the right place for the tiles it is drawn on."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from sqlmodel import select

from logistics.domain.datum import wgs84_to_gcj02
from logistics.io.day_map import (
    DayMapDocument,
    MapRound,
    MapStop,
    MapTiles,
    render_day_map,
    round_colour,
)
from logistics.models import Hub, Station

MARKER = re.compile(
    r"L\.marker\(\s*\[(?P<lat>-?[\d.]+), (?P<lon>-?[\d.]+)\].*?"
    r'data-round=\\"(?P<round>[^\\]+)\\" data-seq=\\"(?P<seq>\d+)\\" '
    r'data-station=\\"(?P<station>[^\\]+)\\"',
    re.S,
)


POLYLINE = re.compile(r"L\.polyline\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\)", re.S)


def polylines(page: str) -> list[tuple[list[list[float]], dict]]:
    """Each line drawn on the map: its points and its options (colour, weight, dashes)."""
    return [(json.loads(m[1]), json.loads(m[2])) for m in POLYLINE.finditer(page)]


def markers(page: str) -> list[dict]:
    return [
        {**m.groupdict(), "lat": float(m["lat"]), "lon": float(m["lon"]), "seq": int(m["seq"])}
        for m in MARKER.finditer(page)
    ]


@pytest.fixture
def day(make_parcel):
    """Work at five stations, enough for two vans and several rounds."""
    for code in ("GD03", "GD05", "GD06", "GD08", "GD12"):
        for _ in range(3):
            make_parcel("registered", station=code, weight_g=2000)
    make_parcel("arrived_hub", station="GD06", weight_g=800)
    make_parcel("arrived_hub", station="GD12", weight_g=800)


def stored(session):
    hub = session.exec(select(Hub)).first()
    stations = {s.code: s for s in session.exec(select(Station))}
    return hub, stations


def rounds_in_order(hub_cli) -> dict[str, list[str]]:
    listed = json.loads(hub_cli("round", "list", "--json").output)
    out = {}
    for rnd in listed:
        shown = json.loads(hub_cli("round", "show", rnd["round_no"], "--json").output)
        out[rnd["round_no"]] = [s["station"] for s in shown["stops"]]
    return out


def test_plan_map_holds_every_stop_of_every_round_in_order_in_gcj02(
    hub, day, sample_network, tmp_path
):
    path = tmp_path / "day.html"
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1,VAN2", "--map", path)
    assert result.exit_code == 0, result.output
    assert "Map of" in result.output and "GCJ-02" in result.output
    page = path.read_text(encoding="utf-8")

    expected = rounds_in_order(hub)
    assert expected and sum(len(v) for v in expected.values()) >= 5
    found: dict[str, list[str]] = {}
    hub_row, stations = stored(sample_network)
    for marker in markers(page):
        found.setdefault(marker["round"], []).append(marker["station"])
        assert marker["seq"] == len(found[marker["round"]])  # numbered 1, 2, 3 ... in order
        station = stations[marker["station"]]
        lat, lon = wgs84_to_gcj02(station.lat, station.lon)
        assert marker["lat"] == pytest.approx(lat, abs=1e-6)
        assert marker["lon"] == pytest.approx(lon, abs=1e-6)
        assert (marker["lat"], marker["lon"]) != pytest.approx((station.lat, station.lon))
    assert found == expected

    # each round's path, in the round's colour, leaves the hub (in GCJ-02 too) and
    # passes its stops in order
    hub_at = wgs84_to_gcj02(hub_row.lat, hub_row.lon)
    stops_of: dict[str, list[tuple[float, float]]] = {}
    for marker in markers(page):
        stops_of.setdefault(marker["round"], []).append((marker["lat"], marker["lon"]))
    routes = [line for line in polylines(page) if line[1]["weight"] == 4]
    assert len(routes) == len(stops_of)
    for (points, options), (round_no, stops) in zip(routes, stops_of.items(), strict=True):
        assert options["color"] == round_colour(round_no)
        assert points[0] == pytest.approx(hub_at, abs=1e-6)
        assert [tuple(p) for p in points[1:]] == stops
    # the page says what it is drawn on, and the tiles are AutoNavi's
    assert 'data-datum="GCJ-02"' in page and "AutoNavi" in page
    assert "autonavi.com" in page and "openstreetmap" not in page.lower()


def test_osm_tiles_keep_the_stored_wgs84(hub, day, sample_network, tmp_path):
    path = tmp_path / "day.html"
    result = hub(
        "plan", "--time-limit", "0.3", "--vans", "VAN1", "--map", path, "--map-tiles", "osm"
    )
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    _hub, stations = stored(sample_network)
    found = markers(page)
    assert found
    for marker in found:
        station = stations[marker["station"]]
        assert marker["lat"] == pytest.approx(station.lat, abs=1e-6)
        assert marker["lon"] == pytest.approx(station.lon, abs=1e-6)
    assert 'data-datum="WGS-84"' in page and "WGS-84" in result.output
    assert "openstreetmap" in page.lower() and "autonavi.com" not in page


def test_an_existing_map_file_is_refused_before_planning(hub, day, tmp_path):
    path = tmp_path / "day.html"
    path.write_text("yesterday's map", encoding="utf-8")
    refused = hub("plan", "--time-limit", "0.3", "--map", path)
    assert refused.exit_code == 1
    assert "already exists: add --force to replace it" in refused.output
    assert path.read_text(encoding="utf-8") == "yesterday's map"
    assert json.loads(hub("round", "list", "--json").output) == []  # nothing planned
    unknown = hub("plan", "--map", tmp_path / "new.html", "--map-tiles", "bing")
    assert unknown.exit_code == 1 and "expected gaode or osm" in unknown.output
    assert json.loads(hub("round", "list", "--json").output) == []

    replaced = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--map", path, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert "L.marker" in path.read_text(encoding="utf-8")


def test_plan_json_stays_json_with_a_map(hub, day, tmp_path):
    path = tmp_path / "day.html"
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json", "--map", path)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rounds"]
    assert path.exists()


def test_round_map_draws_a_planned_day_without_planning_again(hub, day, tmp_path):
    assert hub("plan", "--time-limit", "0.3", "--vans", "VAN1,VAN2").exit_code == 0
    before = json.loads(hub("round", "list", "--json").output)
    service_date = before[0]["service_date"]
    path = tmp_path / "again.html"
    result = hub("round", "map", "--date", service_date, path)
    assert result.exit_code == 0, result.output
    assert json.loads(hub("round", "list", "--json").output) == before  # nothing re-planned
    found: dict[str, list[str]] = {}
    for marker in markers(path.read_text(encoding="utf-8")):
        found.setdefault(marker["round"], []).append(marker["station"])
    assert found == rounds_in_order(hub)

    nothing = hub("round", "map", "--date", "2020-01-01", tmp_path / "none.html")
    assert nothing.exit_code == 1
    assert "No rounds are planned for 2020-01-01" in nothing.output
    assert not (tmp_path / "none.html").exists()
    wrong = hub("round", "map", "--map-tiles", "bing", tmp_path / "x.html")
    assert wrong.exit_code == 1 and "expected gaode or osm" in wrong.output


def test_the_page_speaks_the_hubs_language(hub, day, sample_network, tmp_path):
    from logistics import i18n

    hub_row, _stations = stored(sample_network)
    hub_row.language = "zh"
    sample_network.add(hub_row)
    sample_network.commit()
    path = tmp_path / "day.html"
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--map", path)
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    legend = page[page.index('class="hub-legend"') :]
    assert "GCJ-02" in legend and "高德" in legend and "坐标" in legend
    assert "趟次" in legend
    i18n.use("en")


def test_the_map_of_another_hub_shows_none_of_these_rounds(hub, day, sample_network):
    from logistics.services.day_map import day_map_document
    from logistics.services.network import set_hub

    assert hub("plan", "--time-limit", "0.3", "--vans", "VAN1").exit_code == 0
    mine = day_map_document(sample_network)
    assert mine.rounds
    other = set_hub(sample_network, code="XILING", name="西岭乡", lat=35.3, lon=112.6)
    assert day_map_document(sample_network, mine.service_date, hub=other).rounds == ()


def test_names_from_the_data_cannot_break_out_of_the_page():
    hostile = "`${alert(1)}`</script><script>alert(2)</script>\\u{zz"
    stop = MapStop(
        seq=1,
        station_code="GD99",
        station_name=hostile,
        keeper_name=hostile,
        lat=35.6,
        lon=112.97,
        arrive=datetime(2026, 12, 2, 8, 0),
        pickup_parcels=1,
        pickup_g=500,
        drop_parcels=0,
        drop_g=0,
    )
    doc = DayMapDocument(
        hub_name=hostile,
        hub_lat=35.59,
        hub_lon=112.96,
        service_date=date(2026, 12, 2),
        rounds=(
            MapRound(
                round_no="R-20261202-1",
                van=hostile,
                start=datetime(2026, 12, 2, 7, 30),
                end=datetime(2026, 12, 2, 9, 0),
                planned_m=12000,
                stops=(stop,),
            ),
        ),
    )
    page = render_day_map(doc, tiles=MapTiles.OSM)
    assert "${alert" not in page and "<script>alert" not in page and "\\u{zz" not in page
    assert "`${" not in page
    assert markers(page)[0]["station"] == "GD99"


def test_map_options_without_a_map_are_refused_before_planning(hub, database_url):
    refused = hub("plan", "--map-tiles", "osm")
    assert refused.exit_code != 0
    assert "are for the map" in refused.output
