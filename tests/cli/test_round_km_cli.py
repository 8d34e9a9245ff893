"""`hub round finish --km / --odometer-*`, `hub round km` and `hub round show`: the km a
round drove, as the operator types and reads them."""

from __future__ import annotations

import json

import pytest


def _said(result) -> str:
    return " ".join(result.output.replace("│", " ").split())


def _planned_km(hub, round_no) -> float:
    return float(json.loads(hub("round", "show", round_no, "--json").output)["km"])


def test_finish_with_km_says_driven_against_planned(started_round, hub):
    planned = _planned_km(hub, started_round)
    result = hub("round", "finish", started_round, "--km", "48.5")
    assert result.exit_code == 0, result.output
    record = json.loads(hub("round", "show", started_round, "--json").output)
    difference = record["driven_vs_planned_pct"]
    assert difference == pytest.approx((48.5 - planned) * 100 / planned, abs=0.2)
    assert (
        f"Round {started_round} drove 48.5 km against {planned} km planned ({difference:+.1f} %)."
        in _said(result)
    )
    shown = _said(hub("round", "show", started_round))
    assert f"Planned km {planned}" in shown and "Driven km 48.5" in shown
    assert f"Driven against planned {difference:+.1f} %" in shown


def test_finish_with_the_odometer(started_round, hub):
    result = hub(
        "round", "finish", started_round, "--odometer-out", "12034.5", "--odometer-in", "12083.0"
    )
    assert result.exit_code == 0, result.output
    assert "drove 48.5 km" in _said(result)
    assert "Odometer out / in 12,034.5 / 12,083.0" in _said(hub("round", "show", started_round))


def test_finish_without_km_says_the_distance_is_not_recorded(started_round, hub):
    result = hub("round", "finish", started_round)
    assert result.exit_code == 0, result.output
    assert (
        f"The distance driven is not recorded: `hub round km {started_round} KM` records it"
        in _said(result)
    )
    shown = _said(hub("round", "show", started_round))
    assert f"Driven km not recorded (`hub round km {started_round} KM`)" in shown
    later = hub("round", "km", started_round, "47.9")
    assert later.exit_code == 0, later.output
    assert f"Round {started_round} drove 47.9 km against" in _said(later)
    again = hub("round", "km", started_round, "48.2")
    assert "It replaces the 47.9 km recorded before." in _said(again)


def test_disagreeing_readings_are_refused_in_one_sentence(started_round, hub):
    result = hub(
        "round",
        "finish",
        started_round,
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
    assert json.loads(hub("round", "show", started_round, "--json").output)["status"] == "started"


def test_the_km_in_chinese(started_round, hub, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("round", "finish", started_round)
    assert result.exit_code == 0, result.output
    assert "The distance" not in result.output
    assert f"hub round km {started_round}" in result.output
