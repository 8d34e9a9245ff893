"""What a tester saw running `hub plan` and `hub round ...` in an 80-column terminal:
ids and figures never broken across lines, counts with thousands separators, and a
station visited more than once a day numbered in time order on every visit."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from logistics import i18n
from logistics.cli import output
from logistics.domain.round_loads import visit_marks
from logistics.models import Station
from logistics.services import planning

VISIT = re.compile(r"(?:visit|第) (\d+)/(\d+)")


def columns(monkeypatch, width: int) -> None:
    """A terminal this wide (the console is made once, at import: it is told too)."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(output.console, "width", width)


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    monkeypatch.delenv("HUB_LANG", raising=False)
    columns(monkeypatch, 80)
    yield
    i18n.use("en")


def whole_lines(out: str) -> list[str]:
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), out
    return lines


# ------------------------------------------------------------------ ids and figures whole


@pytest.fixture
def heavy_day(make_parcel):
    """GD05 with 13 parcels of 9.87 kg (128.31 kg) and one inbound parcel for GD06."""
    return {
        "GD05": [make_parcel("registered", station="GD05", weight_g=9870) for _ in range(13)],
        "in": [make_parcel("arrived_hub", station="GD06", weight_g=1234)],
    }


def one_round(hub) -> str:
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["rounds"][0]["round_no"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_finish_at_80_columns_names_every_parcel_id_whole(hub, heavy_day, lang):
    round_no = one_round(hub)
    hub("round", "start", round_no)
    out = hub("round", "finish", round_no, "--lang", lang).output
    lines = whole_lines(out)
    for parcel in heavy_day["GD05"] + heavy_day["in"]:
        assert any(parcel.parcel_no in line for line in lines), out
    missing = "少收：" if lang == "zh" else "missing: "
    assert f"GD05 {missing}{heavy_day['GD05'][0].parcel_no}" in out
    shown = hub("round", "show", round_no, "--lang", lang).output
    for parcel in heavy_day["GD05"]:
        assert any(parcel.parcel_no in line for line in whole_lines(shown)), shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_show_and_sheet_at_80_columns_keep_figures_whole(hub, heavy_day, lang, monkeypatch):
    round_no = one_round(hub)
    shown = hub("round", "show", round_no, "--lang", lang).output
    lines = whole_lines(shown)
    assert any(re.search(r"│\s+13\s+│", line) and "GD05" in line for line in lines), shown
    # kg does not fit beside the counts: the column is left out and said so, not broken
    assert "128.3" not in shown and re.search(r"(Left out|未显示).*kg", " ".join(lines)), shown
    columns(monkeypatch, 120)
    wider = hub("round", "show", round_no, "--lang", lang).output
    assert any(re.search(r"│\s+128\.31\s+│", line) for line in wider.splitlines()), wider
    columns(monkeypatch, 80)
    sheet = hub("round", "sheet", round_no, "--lang", lang).output
    lines = whole_lines(sheet)
    assert any("128.31 kg" in line for line in lines), sheet
    assert any("1.23 kg" in line for line in lines), sheet
    assert any(re.search(r"\b1\d{10}\b", line) for line in lines), sheet  # a keeper's phone
    assert any(re.search(r"\b\d\d:\d\d /", line) for line in lines), sheet
    wide = "(--pdf prints the whole sheet)" if lang == "en" else "（用 --pdf 可打印完整的趟次单）"
    assert wide in " ".join(sheet.split()) or wide in "".join(sheet.split())


# ------------------------------------------------------------------ thousands separators


@pytest.fixture
def busy_day(make_parcel, sample_network):
    """1,203 parcels waiting: 1,200 outbound spread over every station, 3 inbound."""
    codes = sorted(s.code for s in sample_network.exec(select(Station)))
    for k in range(1200):
        make_parcel("registered", station=codes[k % len(codes)], weight_g=500, commit=False)
    for _ in range(3):
        make_parcel("arrived_hub", station="GD06", weight_g=500, commit=False)
    sample_network.commit()


def test_plan_counts_have_thousands_separators_in_both_languages(hub, busy_day):
    english = " ".join(hub("plan", "--time-limit", "0.5").output.split())
    assert re.search(r"\b1,\d{3} of 1,203 parcels served \(1,\d{3} picked up, 3 dropped\)", english)
    # Round ids carry the day (R-20261203-...), so only a figure standing alone counts.
    assert not re.search(r"(?<![\d-])120[03](?!\d)", english), english
    chinese = "".join(hub("plan", "--time-limit", "0.5", "--lang", "zh").output.split())
    assert re.search(r"1,203件包裹中1,\d{3}件有车（揽收1,\d{3}件，派送3件）", chinese), chinese


# ------------------------------------------------------------------ visits numbered in time order


def test_visit_marks_follow_the_time_of_day_across_rounds():
    # GD01 at 11:13 then 10:11 (as the planner gave them), GD13 at 08:21 and 11:23, GD05 once
    visits = [("GD01", 1113), ("GD13", 821), ("GD05", 900), ("GD01", 1011), ("GD13", 1123)]
    assert visit_marks(visits) == [(2, 2), (1, 2), (1, 1), (1, 2), (2, 2)]
    assert visit_marks([("A", 5), ("A", 5), ("A", 1)]) == [(2, 3), (3, 3), (1, 3)]
    assert visit_marks([]) == []


def visits_by_station(summary) -> dict[str, list]:
    seen: dict[str, list] = {}
    for rnd in summary.rounds:
        for stop in rnd.stops:
            seen.setdefault(stop.station, []).append(stop)
    return seen


def assert_numbered_in_time_order(summary) -> None:
    for station, stops in visits_by_station(summary).items():
        stops.sort(key=lambda s: s.arrive)
        assert [(s.part, s.parts) for s in stops] == [
            (k, len(stops)) for k in range(1, len(stops) + 1)
        ], station


def test_a_station_bigger_than_a_van_is_numbered_in_time_order(session, make_parcel):
    # 260 parcels at GD01: more than VAN3 or VAN4 (220) carry, so two visits.
    for _ in range(260):
        make_parcel("registered", station="GD01", weight_g=1000, commit=False)
    session.commit()
    summary = planning.plan_day(session, time_limit=0.5)
    gd01 = sorted(visits_by_station(summary)["GD01"], key=lambda s: s.arrive)
    assert len(gd01) == 2
    assert_numbered_in_time_order(summary)
    # the earlier visit takes the older parcels: none is left behind
    assert sum(s.pickup_parcels for s in gd01) == 260


def test_the_sample_day_numbers_every_repeated_visit_in_time_order(
    hub, sample_network, monkeypatch
):
    """The tester's day: `hub sample generate --today` (default seed), then `hub plan`."""
    monkeypatch.setenv("HUB_NOW", "2026-12-02T06:30:00")
    columns(monkeypatch, 200)  # one line a stop, to read the marks
    made = hub("sample", "generate", "--today")
    assert made.exit_code == 0, made.output
    result = hub("plan")
    assert result.exit_code == 0, result.output
    visits: dict[str, list[tuple[str, str]]] = {}
    for line in result.output.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) > 3 and re.fullmatch(r"\d+", cells[1]):
            station, arrive = cells[2], cells[3]
            visits.setdefault(station.split()[0], []).append((arrive, station))
    assert len(visits["GD01"]) >= 2  # more than the biggest van carries
    for seen in visits.values():
        seen.sort()
        marks = [VISIT.search(name) for _arrive, name in seen]
        if len(seen) == 1:
            assert marks == [None], seen
            continue
        assert [(int(m[1]), int(m[2])) for m in marks if m] == [
            (k, len(seen)) for k in range(1, len(seen) + 1)
        ], seen
    said = " ".join(result.output.split())
    assert re.search(r"\b\d,\d{3} of \d,\d{3} parcels served \(\d,\d{3} picked up, ", said)
