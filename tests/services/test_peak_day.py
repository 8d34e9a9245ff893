"""A Double 11 day: more parcels than the vans carry. Every van goes out again and
again, and the plan says what waits where and how much more van time would clear it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from logistics.errors import InvalidInput
from logistics.models import Station
from logistics.services import planning, sample

PEAK_DAY = date(2026, 11, 11)
VANS = ["VAN1", "VAN5"]


@pytest.fixture
def peak_day(sample_network, monkeypatch):
    """The sample township on its Double 11 day, at a tenth of the volume (a small peak)."""
    monkeypatch.setenv("HUB_NOW", f"{PEAK_DAY}T06:30")
    made = sample.generate(
        sample_network,
        None,
        7,
        today=True,
        peak="double11",
        peak_day=PEAK_DAY,
        parcels_per_day=250,
    )
    assert made.peak is not None and made.first_day == PEAK_DAY
    return sample_network, made


def test_a_peak_day_uses_every_van_for_several_rounds_and_says_what_waits(peak_day):
    session, made = peak_day
    summary = planning.plan_day(session, PEAK_DAY, time_limit=1.0, vans=VANS)

    assert {r.van for r in summary.rounds} == set(VANS)
    for van in VANS:
        assert sum(r.van == van for r in summary.rounds) >= 3, "a van back early goes again"
    assert summary.waves >= 3
    assert summary.parcels_served > 0

    backlog = summary.backlog
    assert backlog is not None
    waiting = sum(c.outbound_parcels + c.inbound_parcels for c in summary.carried_over)
    assert backlog.parcels == waiting == made.parcels - summary.parcels_served
    assert backlog.stations == tuple(c.station for c in summary.carried_over)
    assert backlog.round_trips >= backlog.parcels // 250  # at most 250 parcels a trip
    assert backlog.van_hours > 0
    sentence = backlog.sentence
    assert f"{backlog.parcels:,} parcels wait at {len(backlog.stations)} stations" in sentence
    assert f"about {backlog.van_hours} more van-hours" in sentence

    data = summary.as_dict()
    assert data["backlog"]["parcels"] == backlog.parcels
    assert list(data["backlog"]["stations"]) == list(backlog.stations)
    assert data["backlog"]["sentence"] == sentence


def test_hub_plan_prints_the_backlog_and_puts_it_in_json(peak_day, hub):
    result = hub("plan", "--date", str(PEAK_DAY), "--time-limit", "0.6", "--vans", "VAN1,VAN5")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "parcels wait at" in flat and "more van-hours" in flat

    shown = hub(
        "plan", "--date", str(PEAK_DAY), "--time-limit", "0.6", "--vans", "VAN1,VAN5", "--json"
    )
    plan = json.loads(shown.output)
    assert plan["backlog"]["van_hours"] and plan["backlog"]["stations"]


def test_an_ordinary_day_has_no_backlog(sample_network, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-03-10T06:30")
    sample.generate(sample_network, 1, 7, start=date(2026, 3, 10), today=True, parcels_per_day=60)
    summary = planning.plan_day(sample_network, date(2026, 3, 10), time_limit=0.4)
    assert summary.carried_over == () and summary.backlog is None
    assert summary.as_dict()["backlog"] is None


def test_a_day_outside_the_peak_week_is_refused(sample_network, monkeypatch):
    monkeypatch.setenv("HUB_NOW", f"{PEAK_DAY}T06:30")
    with pytest.raises(InvalidInput, match="outside the peak week 2026-11-09 to 2026-11-15"):
        sample.generate(
            sample_network,
            None,
            7,
            start=date(2026, 11, 20),
            today=True,
            peak="double11",
            peak_day=PEAK_DAY,
        )
    with pytest.raises(InvalidInput, match="no peak called 'double12'"):
        sample.generate(sample_network, None, 7, peak="double12")


def test_hub_sample_generate_makes_the_peak_week(sample_network, hub, monkeypatch):
    # three villages keep the week small: the volume follows the active stations
    for station in sample_network.exec(select(Station).where(Station.code > "GD03")):
        station.active = False
    sample_network.commit()
    monkeypatch.setenv("HUB_NOW", "2026-12-02T09:00")
    result = hub("sample", "generate", "--peak", "double11", "--days", "2")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "2026-11-09 to 2026-11-10" in flat
    assert "Double 11 week 2026-11-09 to 2026-11-15, peak on 2026-11-11" in flat
