"""`hub scan ... --round R`: the round is checked before any scan is recorded; a scan is
noted only on a started round that stops at the scan's station."""

from __future__ import annotations

import json

import pytest


def timeline(hub, parcel_no: str) -> tuple[str, list[dict]]:
    """The parcel's status and its timeline, as `hub parcel show` gives them."""
    shown = json.loads(hub("parcel", "show", parcel_no, "--json").output)
    return shown["status"], shown["timeline"]


def refused_without_a_trace(hub, parcel, station: str, round_ref: str) -> str:
    """Scan ``parcel`` for ``round_ref`` from standard input; check nothing was recorded
    and return the words the scanner saw."""
    before = timeline(hub, parcel.parcel_no)
    result = hub(
        "scan", "collect", "--station", station, "--round", round_ref, "-",
        input=f"{parcel.parcel_no}\n",
    )  # fmt: skip
    assert result.exit_code != 0, result.output
    assert timeline(hub, parcel.parcel_no) == before == ("registered", before[1])
    out = " ".join(result.output.split())
    assert "done" not in out.split() and "scanned:" not in out  # no scan was answered
    return out


def test_a_round_that_does_not_exist_is_refused(started_round, make_parcel, hub):
    parcel = make_parcel("registered", station="GD05")
    out = refused_without_a_trace(hub, parcel, "GD05", "R-999")
    assert "There is no round 'R-999'" in out


def test_a_finished_round_is_refused(started_round, make_parcel, hub):
    assert hub("round", "finish", started_round).exit_code == 0
    parcel = make_parcel("registered", station="GD05")
    out = refused_without_a_trace(hub, parcel, "GD05", started_round)
    assert f"Round {started_round} is already finished" in out


def test_tomorrows_unstarted_round_is_refused(sample_network, make_parcel, hub):
    make_parcel("registered", station="GD05", weight_g=2000)
    planned = hub("plan", "--date", "tomorrow", "--time-limit", "0.3", "--vans", "VAN1", "--json")
    assert planned.exit_code == 0, planned.output
    tomorrow = json.loads(planned.output)["rounds"][0]["round_no"]
    parcel = make_parcel("registered", station="GD05")
    out = refused_without_a_trace(hub, parcel, "GD05", tomorrow)
    assert f"Round {tomorrow} has not started" in out


def test_a_round_that_does_not_stop_at_the_station_is_refused(started_round, make_parcel, hub):
    parcel = make_parcel("registered", station="GD03")
    out = refused_without_a_trace(hub, parcel, "GD03", started_round)
    assert f"Round {started_round} does not stop at station GD03" in out


@pytest.mark.parametrize("typed", ["same", "lower"])
def test_a_started_round_that_stops_at_the_station_is_noted(started_round, make_parcel, hub, typed):
    parcel = make_parcel("registered", station="GD05")
    round_ref = started_round if typed == "same" else started_round.lower()
    result = hub(
        "scan", "collect", "--station", "GD05", "--round", round_ref, "-",
        input=f"{parcel.parcel_no}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    status, events = timeline(hub, parcel.parcel_no)
    assert status == "collected"
    assert events[-1]["note"] == f"round {started_round}"
