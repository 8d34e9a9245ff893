"""`planning.plan_day`: the day's rounds built from the database, stored, and explained."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

import pytest
from sqlmodel import select

from logistics.domain.clock import to_local, zone
from logistics.errors import InvalidInput
from logistics.models import Courier, Hub, Parcel, Round, RoundStop, Station, Vehicle
from logistics.services import planning, rounds, sample

DAY = date(2026, 3, 10)
BUSY_DAY = date(2026, 11, 23)  # kiwi season: more than the fleet carries in a day
TZ = zone("Asia/Shanghai")
OP = "tester"


@pytest.fixture
def day_of_parcels(sample_network, monkeypatch):
    """The sample township with one generated day of waiting parcels."""

    def make(day: date = DAY, parcels_per_day: float | None = None):
        monkeypatch.setenv("HUB_NOW", f"{day}T06:30")
        sample.generate(
            sample_network, 1, 7, start=day, today=True, parcels_per_day=parcels_per_day
        )
        return sample_network

    return make


def waiting(session) -> dict[int, Parcel]:
    rows = session.exec(
        select(Parcel).where(
            ((Parcel.direction == "outbound") & (Parcel.status == "registered"))
            | ((Parcel.direction == "inbound") & (Parcel.status == "arrived_hub"))
        )
    )
    return {p.id: p for p in rows}


def rounds_of(session, day: date) -> list[Round]:
    return list(session.exec(select(Round).where(Round.service_date == day).order_by(Round.id)))


def local_time(moment: datetime) -> time:
    return to_local(moment, TZ).time().replace(tzinfo=None)


def check_plan(session, day: date, summary: planning.PlanSummary) -> None:
    """What every stored plan must satisfy, checked from the database."""
    session.expire_all()
    parcels = waiting(session)
    stations = {s.id: s for s in session.exec(select(Station))}
    vans = {v.id: v for v in session.exec(select(Vehicle))}
    cutoff = min(c.cutoff for c in session.exec(select(Courier).where(Courier.active.is_(True))))
    hub = session.exec(select(Hub)).first()
    latest_return = (
        datetime.combine(day, cutoff).timestamp() - hub.sort_minutes * 60
    )  # local wall clock, compared as naive
    stored = rounds_of(session, day)
    assert len(stored) == len(summary.rounds)
    round_ids = {r.id for r in stored}

    # Every waiting parcel is on exactly one of the day's rounds or carried over with a reason.
    carried = {no: item.reason for item in summary.carried_over for no in item.parcel_nos}
    assert all(reason for reason in carried.values())
    for parcel in parcels.values():
        on_round = parcel.round_id in round_ids
        assert on_round != (parcel.parcel_no in carried), parcel.parcel_no
    assert summary.outbound_served + summary.inbound_served == sum(
        1 for p in parcels.values() if p.round_id in round_ids
    )

    with_work = {p.station_id for p in parcels.values()}
    by_round: dict[int, list[Parcel]] = defaultdict(list)
    for parcel in parcels.values():
        if parcel.round_id in round_ids:
            by_round[parcel.round_id].append(parcel)
    busy_until: dict[int, datetime] = {}
    for rnd in sorted(stored, key=lambda r: r.planned_start):
        van = vans[rnd.vehicle_id]
        stops = list(
            session.exec(
                select(RoundStop).where(RoundStop.round_id == rnd.id).order_by(RoundStop.seq)
            )
        )
        assert stops
        # Only stations with work are visited; the stored loads are the round's parcels.
        assert {s.station_id for s in stops} <= with_work
        mine = by_round[rnd.id]
        assert {p.station_id for p in mine} <= {s.station_id for s in stops}
        for stop in stops:
            here = [p for p in mine if p.station_id == stop.station_id]
            assert stop.pickup_parcels == sum(1 for p in here if p.direction == "outbound")
            assert stop.drop_parcels == sum(1 for p in here if p.direction == "inbound")
            assert stop.pickup_g == sum(p.weight_g for p in here if p.direction == "outbound")
            assert stop.drop_g == sum(p.weight_g for p in here if p.direction == "inbound")
        # Capacity at every point of the round, the inbound load included.
        load_g = sum(s.drop_g for s in stops)
        load_p = sum(s.drop_parcels for s in stops)
        assert load_g <= van.capacity_g and load_p <= van.capacity_parcels
        for stop in stops:
            load_g += stop.pickup_g - stop.drop_g
            load_p += stop.pickup_parcels - stop.drop_parcels
            assert 0 <= load_g <= van.capacity_g, rnd.round_no
            assert 0 <= load_p <= van.capacity_parcels, rnd.round_no
        # Times: within opening hours (local), within the shift, back before the return.
        for stop in stops:
            station = stations[stop.station_id]
            assert station.opens <= local_time(stop.arrive_at) <= station.closes
            assert local_time(stop.depart_at) <= station.closes
            assert stop.arrive_at <= stop.depart_at
        start_local = to_local(rnd.planned_start, TZ).replace(tzinfo=None)
        end_local = to_local(rnd.planned_end, TZ).replace(tzinfo=None)
        assert start_local.time() >= van.shift_start
        assert end_local.time() <= van.shift_end
        assert end_local.timestamp() <= latest_return
        assert rnd.planned_start <= stops[0].arrive_at and stops[-1].depart_at <= rnd.planned_end
        # One round at a time per van.
        if van.id in busy_until:
            assert rnd.planned_start >= busy_until[van.id]
        busy_until[van.id] = rnd.planned_end


def test_plan_serves_an_ordinary_day_within_every_limit(day_of_parcels):
    session = day_of_parcels()
    before = waiting(session)
    summary = planning.plan_day(session, DAY, time_limit=0.8)

    check_plan(session, DAY, summary)
    assert summary.outbound_waiting + summary.inbound_waiting == len(before)
    assert summary.rounds and summary.km > 0
    assert [r.round_no for r in summary.rounds] == [
        f"R-20260310-{n}" for n in range(1, len(summary.rounds) + 1)
    ]
    assert summary.parcels_served > 0.9 * len(before)
    assert summary.latest_return == "15:30"  # JT's 16:00 cut-off minus 30 minutes of sorting


def test_a_busy_day_splits_stations_and_carries_over_with_reasons(day_of_parcels):
    session = day_of_parcels(BUSY_DAY)
    summary = planning.plan_day(session, BUSY_DAY, time_limit=0.8, vans=["VAN1", "VAN5"])

    check_plan(session, BUSY_DAY, summary)
    assert {r.van for r in summary.rounds} <= {"VAN1", "VAN5"}
    assert summary.carried_over, "two small vans cannot carry a kiwi-season day"
    for item in summary.carried_over:
        assert item.reason and item.outbound_parcels + item.inbound_parcels == len(item.parcel_nos)
    # A van that is back early goes out again.
    assert len(summary.rounds) > summary.vans_used


def test_plan_visits_exactly_the_stations_with_work(sample_network, make_parcel):
    session = sample_network
    a = make_parcel("registered", station="GD05", weight_g=3000)
    b = make_parcel("registered", station="GD05", weight_g=2000)
    c = make_parcel("arrived_hub", station="GD09", weight_g=1500)
    make_parcel("at_hub", station="GD12")  # already at the hub: nothing to fetch
    summary = planning.plan_day(session, time_limit=0.3)

    visited = {s.station for r in summary.rounds for s in r.stops}
    assert visited == {"GD05", "GD09"}
    assert summary.carried_over == ()
    session.expire_all()
    for parcel in (a, b, c):
        assert session.get(Parcel, parcel.id).round_id is not None
    stop = next(s for r in summary.rounds for s in r.stops if s.station == "GD05")
    assert (stop.pickup_parcels, stop.pickup_g, stop.drop_parcels) == (2, 5000, 0)


def test_replanning_replaces_an_unstarted_plan_and_keeps_a_started_round(
    sample_network, make_parcel
):
    session = sample_network
    for station in ("GD05", "GD06", "GD09"):
        make_parcel("registered", station=station)
    first = planning.plan_day(session, time_limit=0.3)
    day = first.service_date

    second = planning.plan_day(session, time_limit=0.3)
    assert second.replaced_rounds == len(first.rounds)
    now = rounds_of(session, day)
    assert len(now) == len(second.rounds)  # replaced, not added to
    assert len(session.exec(select(RoundStop)).all()) == sum(len(r.stops) for r in second.rounds)
    session.expire_all()
    ids = {r.id for r in now}
    assert all(p.round_id in ids for p in waiting(session).values())
    assert [r.round_no for r in now] == [r.round_no for r in second.rounds]

    rounds.start_round(session, now[0].round_no, operator=OP)
    third = planning.plan_day(session, time_limit=0.3)
    assert [k.round_no for k in third.kept_rounds] == [now[0].round_no]
    session.expire_all()
    kept = session.get(Round, now[0].id)
    assert kept.status == "started"
    assert {r.round_no for r in rounds_of(session, day)} >= {now[0].round_no}


def test_parcels_on_a_started_round_are_left_to_it(sample_network, make_parcel):
    session = sample_network
    make_parcel("registered", station="GD05")
    first = planning.plan_day(session, time_limit=0.3)
    rounds.start_round(session, first.rounds[0].round_no, operator=OP)
    tomorrow = first.service_date.toordinal() + 1
    later = planning.plan_day(session, date.fromordinal(tomorrow), time_limit=0.3)
    assert later.rounds == () and later.outbound_waiting == 0


def write_matrix(path, rows):
    path.write_text("from,to,km,minutes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_road_table_gives_the_distances(sample_network, make_parcel, tmp_path):
    session = sample_network
    make_parcel("registered", station="GD05")
    make_parcel("registered", station="GD06")
    table = write_matrix(
        tmp_path / "roads.csv",
        [
            "GAODU,GD05,10.0,20",
            "GAODU,GD06,12.0,25",
            "GD05,GD06,7.0,15",
            "GD01,GD02,3.0,5",  # other stations may be in the table too
        ],
    )
    summary = planning.plan_day(session, time_limit=0.3, matrix=table)

    assert "roads.csv" in summary.distances
    assert summary.km == pytest.approx(29.0)  # 10 + 7 + 12 in either direction
    stored = rounds_of(session, summary.service_date)
    assert sum(r.planned_m for r in stored) == 29_000
    rnd = summary.rounds[0]
    legs = [s.km_from_previous for s in rnd.stops]
    assert sorted(legs) in ([7, 10], [7, 12])
    # 20 (or 25) minutes of driving to the first stop, as the table says.
    first = rnd.stops[0]
    driving = (first.arrive - rnd.start).total_seconds() / 60
    assert driving in (20, 25) or first.arrive.time() == time(8, 0)


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (["GAODU,GD05,10,20", "GD05,GD06,7,15"], "no distance from GAODU to GD06"),
        (["GAODU,GD05,10", "GAODU,GD06,12", "GD05,GD06,7", "GD05,XX99,3"], "'XX99'"),
        (["GAODU,GD05,ten"], "must be numbers"),
    ],
)
def test_a_bad_road_table_is_refused_with_a_sentence(
    sample_network, make_parcel, tmp_path, rows, words
):
    session = sample_network
    make_parcel("registered", station="GD05")
    make_parcel("registered", station="GD06")
    table = write_matrix(tmp_path / "roads.csv", rows)
    with pytest.raises(InvalidInput) as caught:
        planning.plan_day(session, time_limit=0.3, matrix=table)
    message = str(caught.value)
    assert words in message and "\n" not in message and message.endswith(".")
    assert session.exec(select(Round)).first() is None


def test_unknown_van_is_refused(sample_network, make_parcel):
    make_parcel("registered", station="GD05")
    with pytest.raises(Exception, match="no van with code 'VAN9'"):
        planning.plan_day(sample_network, time_limit=0.3, vans="VAN1,VAN9")


def test_nothing_waiting_plans_no_rounds(sample_network):
    summary = planning.plan_day(sample_network, time_limit=0.3)
    assert summary.rounds == () and summary.carried_over == () and summary.parcels_served == 0


def test_a_plan_of_today_made_at_noon_leaves_from_now_not_from_the_shift_start(
    sample_network, make_parcel, monkeypatch
):
    # A dispatcher who plans at 12:29 cannot send a van out at 07:30 that morning.
    today = date(2026, 11, 24)
    monkeypatch.setenv("HUB_NOW", f"{today}T12:29:00")
    for station in ("GD05", "GD06", "GD09"):
        make_parcel("registered", station=station)
    summary = planning.plan_day(sample_network, time_limit=0.3)
    assert summary.service_date == today and summary.rounds
    assert min(r.start.time() for r in summary.rounds) >= time(12, 29)
    assert min(r.start.time() for r in summary.rounds) < time(12, 45)


def test_a_plan_of_a_later_day_still_leaves_at_the_shift_start(
    sample_network, make_parcel, monkeypatch
):
    monkeypatch.setenv("HUB_NOW", "2026-11-24T12:29:00")
    make_parcel("registered", station="GD05")
    summary = planning.plan_day(sample_network, date(2026, 11, 25), time_limit=0.3)
    assert min(r.start.time() for r in summary.rounds) < time(9, 0)


@pytest.mark.parametrize(
    ("now", "words"),
    [
        ("21:00", "It is already 21:00: no van can leave today and be back by 15:30"),
        # VAN1 works until 17:00, but every van must be back by the 15:30 return.
        ("15:45", "It is already 15:45: no van can leave today and be back by 15:30"),
        # Vans could still leave, but none reaches GD05 and is back by 15:30: the plan
        # would only have replaced the morning's rounds with none.
        (
            "15:25",
            "It is already 15:25: no van can drive to a station with parcels and be back by 15:30",
        ),
    ],
)
def test_a_plan_of_today_after_the_last_return_is_refused_and_changes_nothing(
    sample_network, make_parcel, monkeypatch, now, words
):
    monkeypatch.setenv("HUB_NOW", "2026-11-24T07:00:00")
    make_parcel("registered", station="GD05")
    morning = planning.plan_day(sample_network, time_limit=0.3)
    assert morning.rounds
    monkeypatch.setenv("HUB_NOW", f"2026-11-24T{now}:00")
    with pytest.raises(InvalidInput) as caught:
        planning.plan_day(sample_network, time_limit=0.3)
    assert words in str(caught.value) and "hub plan --date tomorrow" in str(caught.value)
    sample_network.expire_all()
    assert [r.round_no for r in rounds_of(sample_network, date(2026, 11, 24))] == [
        r.round_no for r in morning.rounds
    ]  # the morning's unstarted plan is not replaced by nothing


def test_a_past_day_is_refused(sample_network, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-24T07:00:00")
    make_parcel("registered", station="GD05")
    with pytest.raises(InvalidInput, match="2026-11-23 is past"):
        planning.plan_day(sample_network, "yesterday", time_limit=0.3)
    assert sample_network.exec(select(Round)).first() is None


def test_a_day_far_ahead_is_planned_with_a_note_to_check_the_date(
    sample_network, make_parcel, monkeypatch
):
    monkeypatch.setenv("HUB_NOW", "2026-12-02T07:00:00")
    make_parcel("registered", station="GD05")
    summary = planning.plan_day(sample_network, date(2027, 1, 5), time_limit=0.3)
    assert summary.parcels_served == 1
    ahead = "2027-01-05 is 34 days ahead; if that is a typo"
    assert any(n.startswith(ahead) for n in summary.notes)
    soon = planning.plan_day(sample_network, date(2026, 12, 8), time_limit=0.3)
    assert not any("ahead" in n for n in soon.notes)
    empty = planning.plan_day(sample_network, date(2027, 1, 6), time_limit=0.3)
    assert empty.parcels_served == 0 and not any("ahead" in n for n in empty.notes)
