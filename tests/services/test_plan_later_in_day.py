"""Plans made later in the day: a station whose load only the big van carries, when the
big van has no time left for it, goes to a smaller free van in the loads it carries;
a started round past its return is named."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select

from logistics.domain.clock import to_local, zone
from logistics.models import Round, Vehicle
from logistics.services import planning


def test_a_station_too_big_for_the_small_free_van_is_taken_by_the_small_van_in_two_rounds(
    sample_network, make_parcel
):
    session = sample_network
    late = session.exec(select(Vehicle).where(Vehicle.code == "VAN4")).one()
    late.shift_start = time(15, 10)  # free, but not for a trip out and back by 15:30
    session.add(late)
    session.commit()
    for _ in range(155):  # more than VAN1's 150 parcels
        make_parcel("registered", station="GD04", weight_g=1000)

    summary = planning.plan_day(session, time_limit=1, vans=["VAN1", "VAN4"])

    # Before: no round at all ("the search ended without it"). VAN1 goes twice.
    assert summary.outbound_served == 155 and summary.carried_over == ()
    assert [r.van for r in summary.rounds] == ["VAN1", "VAN1"]


def test_a_plan_names_a_started_round_past_its_return(sample_network, started_round, monkeypatch):
    # At 13:30 VAN1 got a new round while its morning round, due back long before, was
    # still on the road in the database: nothing told the dispatcher to record it.
    session = sample_network
    today = session.exec(select(Round)).one().service_date
    due = to_local(session.exec(select(Round)).one().planned_end, zone("Asia/Shanghai"))
    monkeypatch.setenv("HUB_NOW", f"{today}T13:30:00")
    summary = planning.plan_day(session, time_limit=0.3)
    (note,) = [n for n in summary.notes if "past its planned return" in n]
    assert f"round {started_round} (VAN1, {due:%H:%M}) is past its planned return" in note
    assert "hub round finish" in note

    monkeypatch.setenv("HUB_NOW", f"{today}T07:00:00")
    early = planning.plan_day(session, time_limit=0.3)
    assert not any("past its planned return" in n for n in early.notes)


def test_at_three_a_free_van_takes_the_part_of_a_near_station_it_has_time_for(
    sample_network, make_parcel, monkeypatch
):
    # At 15:00 GD01, next to the hub, had 200 parcels: too many to stop for whole and be
    # back by 15:30, so the free vans stayed at the hub and all 200 waited a day.
    session = sample_network
    day = date(2026, 11, 24)
    monkeypatch.setenv("HUB_NOW", f"{day}T07:00:00")
    for _ in range(200):
        make_parcel("registered", station="GD01", weight_g=1000)
    monkeypatch.setenv("HUB_NOW", f"{day}T15:00:00")

    summary = planning.plan_day(session, time_limit=0.5, vans=["VAN3"])

    (rnd,) = summary.rounds
    assert rnd.van == "VAN3" and rnd.start.time() >= time(15, 0)
    assert rnd.end.time() <= time(15, 30)
    assert 50 <= summary.outbound_served < 200
    (left,) = summary.carried_over
    assert left.station == "GD01" and left.outbound_parcels == 200 - summary.outbound_served
