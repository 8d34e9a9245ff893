"""`hub round finish --km / --odometer-*`, `hub round km` and `hub round show`: the km a
round drove, as the operator types and reads them."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def started(sample_network, make_parcel, hub):
    """One started round of VAN1 through GD05 and GD06; returns its number."""
    make_parcel("registered", station="GD05", weight_g=2000)
    make_parcel("registered", station="GD06", weight_g=1000)
    planned = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json")
    assert planned.exit_code == 0, planned.output
    round_no = json.loads(planned.output)["rounds"][0]["round_no"]
    assert hub("round", "start", round_no).exit_code == 0
    return round_no


def _said(result) -> str:
    return " ".join(result.output.replace("│", " ").split())


def _planned_km(hub, round_no) -> float:
    return float(json.loads(hub("round", "show", round_no, "--json").output)["km"])


def test_finish_with_km_says_driven_against_planned(started, hub):
    planned = _planned_km(hub, started)
    result = hub("round", "finish", started, "--km", "48.5")
    assert result.exit_code == 0, result.output
    record = json.loads(hub("round", "show", started, "--json").output)
    difference = record["driven_vs_planned_pct"]
    assert difference == pytest.approx((48.5 - planned) * 100 / planned, abs=0.2)
    assert (
        f"Round {started} drove 48.5 km against {planned} km planned ({difference:+.1f} %)."
        in _said(result)
    )
    shown = _said(hub("round", "show", started))
    assert f"Planned km {planned}" in shown and "Driven km 48.5" in shown
    assert f"Driven against planned {difference:+.1f} %" in shown


def test_finish_with_the_odometer(started, hub):
    result = hub(
        "round", "finish", started, "--odometer-out", "12034.5", "--odometer-in", "12083.0"
    )
    assert result.exit_code == 0, result.output
    assert "drove 48.5 km" in _said(result)
    assert "Odometer out / in 12,034.5 / 12,083.0" in _said(hub("round", "show", started))


def test_finish_without_km_says_the_distance_is_not_recorded(started, hub):
    result = hub("round", "finish", started)
    assert result.exit_code == 0, result.output
    assert f"The distance driven is not recorded: `hub round km {started} KM` records it" in _said(
        result
    )
    shown = _said(hub("round", "show", started))
    assert f"Driven km not recorded (`hub round km {started} KM`)" in shown
    later = hub("round", "km", started, "47.9")
    assert later.exit_code == 0, later.output
    assert f"Round {started} drove 47.9 km against" in _said(later)
    again = hub("round", "km", started, "48.2")
    assert "It replaces the 47.9 km recorded before." in _said(again)


def test_disagreeing_readings_are_refused_in_one_sentence(started, hub):
    result = hub(
        "round",
        "finish",
        started,
        "--km",
        "60",
        "--odometer-out",
        "12034.5",
        "--odometer-in",
        "12083.0",
    )
    assert result.exit_code != 0
    assert "does not agree with the odometer, which says 48.5 km" in _said(result)
    assert "Traceback" not in result.output
    assert json.loads(hub("round", "show", started, "--json").output)["status"] == "started"


def test_the_km_in_chinese(started, hub, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("round", "finish", started)
    assert result.exit_code == 0, result.output
    assert "The distance" not in result.output
    assert f"hub round km {started}" in result.output
