"""Double 11 with two vans of different sizes (issue 16 item 4, found in a user trial).

On a day with more work than the vans carry in an ordinary day's rounds, a van keeps
going out while it can be back by the return (not four rounds and home at 11:30), each
round leaves with its own van's load (a 220-parcel van is not held to the 150 of the
smaller one), and each station left waiting says what truly kept it out."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from logistics.domain import carry_over
from logistics.domain.routing import seconds_of_day
from logistics.domain.waves import MAX_WAVES, PEAK_MAX_WAVES, RELOAD_MINUTES
from logistics.models import Station, Vehicle
from logistics.services import planning, round_finish, rounds, sample
from logistics.services.planning.problem import SERVICE_PER_PARCEL_S
from logistics.services.planning.tables import load_day

PEAK_DAY = date(2026, 11, 11)
VANS = ["VAN1", "VAN3"]  # 150 and 220 parcels
STATIONS = ("GD01", "GD02", "GD03", "GD04")
SHORT_HOURS = "GD04"  # open 08:00-11:00 on this day
RETURN = "15:30"


@pytest.fixture
def small_peak(sample_network, monkeypatch):
    """Four villages on Double 11, about 4,600 parcels for two vans."""
    session = sample_network
    for station in session.exec(select(Station)):
        station.active = station.code in STATIONS
        if station.code == SHORT_HOURS:
            station.closes = time(11, 0)
        session.add(station)
    session.commit()
    monkeypatch.setenv("HUB_NOW", f"{PEAK_DAY}T06:30")
    sample.generate(
        session, None, 7, today=True, peak="double11", peak_day=PEAK_DAY, parcels_per_day=600
    )
    capacity = {v.code: v.capacity_parcels for v in session.exec(select(Vehicle))}
    assert capacity["VAN1"] < capacity["VAN3"]
    summary = planning.plan_day(session, PEAK_DAY, time_limit=1.0, vans=VANS)
    return session, summary, capacity


def _by_van(summary):
    out = {}
    for rnd in sorted(summary.rounds, key=lambda r: r.start):
        out.setdefault(rnd.van, []).append(rnd)
    return out


def test_a_van_goes_out_again_while_it_can_be_back_by_the_return(small_peak):
    session, summary, _capacity = small_peak
    by_van = _by_van(summary)
    assert set(by_van) == set(VANS)
    assert summary.carried_over, "a peak day: work is left"
    loaded = load_day(session, PEAK_DAY, vans=VANS, matrix=None, say=lambda _m: None)
    stations = {s.code: s for s in loaded.with_work}
    deadline = loaded.latest_return_s
    for van, made in by_van.items():
        assert MAX_WAVES < len(made) <= PEAK_MAX_WAVES, (van, len(made))
        if len(made) == PEAK_MAX_WAVES:
            continue
        # Once back and reloaded, no round to any station still waiting fits in time.
        end = made[-1].end
        free_s = seconds_of_day(end.time()) + RELOAD_MINUTES * 60
        for item in summary.carried_over:
            station = stations[item.station]
            node = loaded.node_of[station.id]
            if seconds_of_day(station.closes) <= free_s:
                continue
            quickest = (
                int(loaded.seconds[0, node] + loaded.seconds[node, 0])
                + (station.service_minutes or 0) * 60
                + SERVICE_PER_PARCEL_S
            )
            assert free_s + quickest > deadline, (van, end, item.station)


def test_each_round_leaves_with_its_own_vans_load(small_peak):
    _session, summary, capacity = small_peak
    for van, made in _by_van(summary).items():
        # the last round of a van may be what still fits before the return
        for rnd in made[:-1]:
            assert rnd.pickup_parcels == capacity[van], (rnd.round_no, van, rnd.pickup_parcels)
    big = [r for r in summary.rounds if r.van == "VAN3"]
    assert max(r.pickup_parcels for r in big) == capacity["VAN3"]


def test_a_station_split_over_pieces_is_one_stop_of_the_round(small_peak):
    _session, summary, _capacity = small_peak
    for rnd in summary.rounds:
        codes = [s.station for s in rnd.stops]
        assert all(a != b for a, b in zip(codes, codes[1:], strict=False)), rnd.round_no


def test_what_waits_says_truly_why(small_peak):
    _session, summary, _capacity = small_peak
    reasons = {c.station: c.reason for c in summary.carried_over}
    day_full = carry_over.day_full(seconds_of_day(time(15, 30)))
    assert set(reasons) <= set(STATIONS)
    for station, reason in reasons.items():
        assert "rounds that day" not in reason, (station, reason)  # no van sat out a cap
        if station == SHORT_HOURS:
            assert reason == carry_over.day_full_until_closing("11:00"), reason
        else:
            assert reason == day_full, (station, reason)


def test_a_van_that_made_four_rounds_of_a_peak_day_goes_out_again(small_peak, monkeypatch):
    """The afternoon re-plan of a peak day: VAN1 drove its first four rounds (its
    finished rounds count), and it still goes out while it can be back in time."""
    session, summary, _capacity = small_peak
    first = _by_van(summary)["VAN1"][:MAX_WAVES]
    back = first[-1].end
    monkeypatch.setenv("HUB_NOW", f"{back:%Y-%m-%dT%H:%M}")  # the hub's local time
    for rnd in first:
        rounds.start_round(session, rnd.round_no, operator="tester")
        round_finish.finish_round(session, rnd.round_no, operator="tester")
    again = planning.plan_day(session, PEAK_DAY, time_limit=0.6, vans=["VAN1"])
    assert len(again.kept_rounds) == MAX_WAVES
    assert again.rounds and all(r.start >= back for r in again.rounds)
    assert MAX_WAVES + len(again.rounds) <= PEAK_MAX_WAVES
    assert "rounds that day" not in " ".join(c.reason for c in again.carried_over)
