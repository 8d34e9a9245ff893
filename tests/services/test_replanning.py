"""Planning again during the day, and planning another day, as a hub does by habit.

Issue 14: the reason a station is carried over is what actually kept it out; the
afternoon re-plan keeps the rounds under way; a parcel planned for a later day is moved
to an earlier day's plan only with a word, and never taken from an earlier day's plan.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from logistics import i18n
from logistics.domain import carry_over
from logistics.domain.clock import local_today, to_local, zone
from logistics.domain.routing import SearchSettings, seconds_of_day, solve
from logistics.domain.waves import MAX_WAVES, RELOAD_MINUTES
from logistics.models import Parcel, Round, RoundStop, Station, Vehicle
from logistics.services import planning, round_finish, rounds, sample
from logistics.services.planning.problem import build_problem
from logistics.services.planning.tables import load_day

TZ = zone("Asia/Shanghai")
OP = "tester"
BUSY_DAY = date(2026, 11, 23)


def day_rounds(session, day: date) -> list[Round]:
    return list(session.exec(select(Round).where(Round.service_date == day).order_by(Round.id)))


def parcels_on(session, round_id: int) -> set[int]:
    return {p.id for p in session.exec(select(Parcel).where(Parcel.round_id == round_id))}


# ------------------------------------------------------------------ item 6: true reasons


def forced_in(session, day: date, vans, station: str):
    """Solve the day's first wave again with ``station`` required: the unserved keys."""
    loaded = load_day(session, day, vans=vans, matrix=None, say=lambda _m: None)
    todo = sorted((w for w in loaded.work.values() if not w.empty), key=lambda w: w.code)
    fleet = [
        v
        for v in loaded.fleet
        if loaded.free_from[v.code] < min(loaded.latest_return_s, seconds_of_day(v.shift_end))
    ]
    problem = build_problem(loaded, todo, fleet, loaded.free_from, 1)
    problem.stops = tuple(replace(s, required=s.key == station) for s in problem.stops)
    plan = solve(problem, SearchSettings(time_limit_s=1.0, workers=1))
    return {u.key for u in plan.unserved}


def test_a_carried_over_station_could_be_served_when_the_reason_says_so(
    sample_network, monkeypatch
):
    """Two vans on a kiwi-season day: every carried-over station fits a van's day on its
    own (forcing it in serves it), so its reason is the vans' full day (or their last
    round), never a claim that no van can reach it or carry it."""
    monkeypatch.setenv("HUB_NOW", f"{BUSY_DAY}T06:30")
    sample.generate(sample_network, 1, 7, start=BUSY_DAY, today=True)
    vans = ["VAN2", "VAN4"]
    summary = planning.plan_day(sample_network, BUSY_DAY, time_limit=0.6, vans=vans)
    assert summary.carried_over
    full = {carry_over.day_full(15 * 3600 + 1800), carry_over.most_rounds(4)}
    closes = {s.code: s.closes for s in sample_network.exec(select(Station))}
    for item in summary.carried_over:
        closed = carry_over.day_full_until_closing(f"{closes[item.station]:%H:%M}")
        assert item.reason in full | {closed}, (item.station, item.reason)
    busiest = max(summary.carried_over, key=lambda c: c.outbound_parcels + c.inbound_parcels)
    assert busiest.station not in forced_in(sample_network, BUSY_DAY, vans, busiest.station)


def test_a_station_no_van_can_reach_says_so_and_forcing_it_in_does_not_serve_it(
    sample_network, make_parcel
):
    session = sample_network
    early = session.exec(select(Station).where(Station.code == "GD05")).one()
    early.opens, early.closes = time(5, 0), time(6, 0)  # closes before any van's shift
    session.add(early)
    session.commit()
    make_parcel("registered", station="GD05")
    make_parcel("registered", station="GD06")
    summary = planning.plan_day(session, time_limit=0.3)
    (item,) = summary.carried_over
    assert item.station == "GD05"
    assert item.reason.startswith("opening hours 05:00-06:00 cannot be reached")
    assert "GD05" in forced_in(session, summary.service_date, None, "GD05")


def test_the_reason_is_the_same_whichever_wave_left_the_station(sample_network, monkeypatch):
    """Only the rule speaks: a later wave's vans (back late, or small) do not change it."""
    monkeypatch.setenv("HUB_NOW", f"{BUSY_DAY}T06:30")
    sample.generate(sample_network, 1, 7, start=BUSY_DAY, today=True)
    reasons = set()
    for vans in (["VAN1", "VAN5"], ["VAN2", "VAN4"], ["VAN3", "VAN5"]):
        summary = planning.plan_day(sample_network, BUSY_DAY, time_limit=0.6, vans=vans)
        reasons |= {c.reason for c in summary.carried_over}
    for reason in reasons:
        assert "no single van can both reach it in time and carry its load" not in reason
        assert "cannot be served and back at the hub" not in reason


# ------------------------------------------------------------------ item 7: afternoon re-plan


def test_the_afternoon_replan_keeps_the_started_round_and_plans_the_van_after_it(
    sample_network, make_parcel, monkeypatch
):
    session = sample_network
    monkeypatch.setenv("HUB_NOW", "2026-12-02T06:30")
    for station in ("GD05", "GD06", "GD09"):
        make_parcel("registered", station=station)
    make_parcel("arrived_hub", station="GD06")
    first = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    day = first.service_date
    assert len(first.rounds) == 1
    started_no = first.rounds[0].round_no
    rounds.start_round(session, started_no, operator=OP)
    started = session.exec(select(Round).where(Round.round_no == started_no)).one()
    carried = parcels_on(session, started.id)

    monkeypatch.setenv("HUB_NOW", "2026-12-02T10:00")
    late = [make_parcel("registered", station=s) for s in ("GD12", "GD13")]
    again = planning.plan_day(session, time_limit=0.3, vans=["VAN1", "VAN3"])

    assert [(k.round_no, k.van, k.status) for k in again.kept_rounds] == [
        (started_no, "VAN1", "started")
    ]
    session.expire_all()
    started = session.get(Round, started.id)
    assert started.status == "started" and parcels_on(session, started.id) == carried
    # Only the late parcels are planned, on new rounds numbered after the started one.
    assert again.outbound_waiting + again.inbound_waiting == 2
    assert again.parcels_served == 2
    assert all(r.round_no != started_no for r in again.rounds)
    stored = day_rounds(session, day)
    assert len(stored) == 1 + len(again.rounds)
    for parcel in late:
        assert session.get(Parcel, parcel.id).round_id in {r.id for r in stored} - {started.id}
    # VAN1 goes out again only once back from its started round and reloaded, and no
    # new round leaves before now (10:00).
    back = to_local(started.planned_end, TZ) + timedelta(minutes=RELOAD_MINUTES)
    assert again.rounds
    for rnd in again.rounds:
        assert rnd.start.time() >= time(10, 0)
        if rnd.van == "VAN1":
            assert rnd.start >= back


def test_a_replan_with_every_van_on_the_road_says_no_van_is_back(sample_network, make_parcel):
    session = sample_network
    make_parcel("registered", station="GD05")
    first = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    rnd = session.exec(select(Round).where(Round.round_no == first.rounds[0].round_no)).one()
    rounds.start_round(session, rnd.round_no, operator=OP)
    # The round is planned back after the return: VAN1 cannot go out again.
    rnd.planned_end = datetime.combine(first.service_date, time(8, 0))  # 16:00 local
    session.add(rnd)
    session.commit()
    make_parcel("registered", station="GD06")
    again = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    assert again.rounds == ()
    (item,) = again.carried_over
    assert item.station == "GD06" and "no van is back at the hub in time" in item.reason


def test_hub_plan_after_a_start_says_what_it_kept(hub, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-12-02T06:30")
    for station in ("GD05", "GD06"):
        make_parcel("registered", station=station)
    plan = json.loads(hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json").output)
    round_no = plan["rounds"][0]["round_no"]
    assert hub("round", "start", round_no).exit_code == 0
    make_parcel("registered", station="GD09")
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1,VAN3")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"Kept 1 round of {plan['service_date']} that has started or finished: {round_no}" in out
    assert "1 of 1 parcels served" in out
    again = json.loads(hub("plan", "--time-limit", "0.3", "--json").output)
    assert [k["round_no"] for k in again["kept_rounds"]] == [round_no]


FULL_LOADS = ("GD05", "GD06", "GD09", "GD12", "GD13", "GD21")


def full_loads(make_parcel) -> None:
    """Six stations of 690 kg, more than half of VAN1's 1,200: one a round. An ordinary
    day (all six fit VAN1's four rounds by kg), so a van makes at most four rounds; a
    day with more than that is a peak day (``test_peak_waves.py``)."""
    for station in FULL_LOADS:
        for _ in range(4):
            make_parcel("registered", station=station, weight_g=172_500)


def test_a_started_round_counts_toward_the_vans_rounds_of_the_day(hub, make_parcel, monkeypatch):
    """The tester's afternoon re-plan: VAN1 went out on R-1, so the re-plan gives it at
    most three more rounds, and the stations left say, in Chinese at 80 columns, that the
    van made the most rounds of a day, which is true of the plan."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("HUB_NOW", "2026-12-02T06:30")
    full_loads(make_parcel)
    first = json.loads(hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json").output)
    assert len(first["rounds"]) == MAX_WAVES
    round_no = first["rounds"][0]["round_no"]
    assert hub("round", "start", round_no).exit_code == 0

    monkeypatch.setenv("HUB_NOW", "2026-12-02T07:40")
    again = json.loads(hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json").output)
    assert [k["round_no"] for k in again["kept_rounds"]] == [round_no]
    assert len(again["rounds"]) == MAX_WAVES - 1  # R-1 is one of VAN1's four
    # R-1 carries one station; three more rounds, one each; the other two wait.
    assert len(again["carried_over"]) == len(FULL_LOADS) - MAX_WAVES
    for item in again["carried_over"]:
        assert item["reason"] == carry_over.most_rounds(MAX_WAVES)

    result = hub("--lang", "zh", "plan", "--time-limit", "0.3", "--vans", "VAN1")
    i18n.use("en")
    assert result.exit_code == 0, result.output
    out = "".join(result.output.split())
    assert "每辆能去的车辆当天都已出车4趟次，这是一辆车一天的上限" in out
    assert "R-20261202-4" in out and "R-20261202-5" not in out  # R-1 and three more


def test_a_van_that_made_its_rounds_goes_out_no_more_and_the_reason_says_why(
    sample_network, make_parcel, monkeypatch
):
    """VAN1 drove and finished four rounds by 10:00 (its parcels not collected, so they
    wait again): a re-plan gives it no fifth round, and says it made its rounds, not that
    no van is back in time; with VAN3 too, VAN3 takes the work."""
    session = sample_network
    monkeypatch.setenv("HUB_NOW", "2026-12-02T06:30")
    full_loads(make_parcel)
    first = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    assert len(first.rounds) == MAX_WAVES
    monkeypatch.setenv("HUB_NOW", "2026-12-02T10:00")
    for rnd in first.rounds:
        rounds.start_round(session, rnd.round_no, operator=OP)
        round_finish.finish_round(session, rnd.round_no, operator=OP)

    alone = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    assert alone.rounds == ()
    assert len(alone.carried_over) == len(FULL_LOADS)
    assert {c.reason for c in alone.carried_over} == {carry_over.most_rounds(MAX_WAVES)}

    both = planning.plan_day(session, time_limit=0.3, vans=["VAN1", "VAN3"])
    assert both.rounds and {r.van for r in both.rounds} == {"VAN3"}
    assert len(both.rounds) <= MAX_WAVES


# ------------------------------------------------------------------ item 9: other days


def test_planning_today_moves_parcels_off_tomorrows_plan_and_says_so(sample_network, make_parcel):
    session = sample_network
    made = [make_parcel("registered", station=s) for s in ("GD05", "GD05", "GD06")]
    made.append(make_parcel("arrived_hub", station="GD06"))
    today = local_today(TZ)
    tomorrow = today + timedelta(days=1)
    ahead = planning.plan_day(session, tomorrow, time_limit=0.3)
    assert ahead.parcels_served == 4

    now = planning.plan_day(session, today, time_limit=0.3)
    assert now.parcels_served == 4
    assert [(m.from_date, m.parcels) for m in now.moved] == [(tomorrow, 4)]
    session.expire_all()
    today_ids = {r.id for r in day_rounds(session, today)}
    assert all(session.get(Parcel, p.id).round_id in today_ids for p in made)
    # Tomorrow's rounds gave every parcel up: no empty round is left to drive.
    assert day_rounds(session, tomorrow) == []

    # Planning tomorrow again leaves today's plan alone.
    again = planning.plan_day(session, tomorrow, time_limit=0.3)
    assert again.parcels_served == 0 and again.outbound_waiting + again.inbound_waiting == 0
    session.expire_all()
    assert all(session.get(Parcel, p.id).round_id in today_ids for p in made)


def test_only_the_parcels_todays_plan_takes_leave_tomorrows_plan(sample_network, make_parcel):
    # Found by a dispatcher: tomorrow's plan held a station today's re-plan could not
    # serve; every re-plan said its parcels moved, yet they stayed on tomorrow's round.
    session = sample_network
    stays = [make_parcel("registered", station="GD05") for _ in range(3)]
    moves = [make_parcel("registered", station="GD06") for _ in range(2)]
    today = local_today(TZ)
    tomorrow = today + timedelta(days=1)
    ahead = planning.plan_day(session, tomorrow, time_limit=0.3)
    assert ahead.parcels_served == 5
    session.expire_all()
    tomorrows = {p.id: session.get(Parcel, p.id).round_id for p in stays + moves}
    assert None not in tomorrows.values()

    gd05 = session.exec(select(Station).where(Station.code == "GD05")).one()
    gd05.opens, gd05.closes = time(7, 0), time(7, 5)  # today no van gets there in time
    session.add(gd05)
    session.commit()
    now = planning.plan_day(session, today, time_limit=0.3)
    assert [(m.from_date, m.parcels) for m in now.moved] == [(tomorrow, 2)]
    assert [c.station for c in now.carried_over] == ["GD05"]
    session.expire_all()
    assert all(session.get(Parcel, p.id).round_id == tomorrows[p.id] for p in stays)
    left = day_rounds(session, tomorrow)
    stops = session.exec(
        select(RoundStop).where(RoundStop.round_id.in_([r.id for r in left]))
    ).all()
    assert {s.station_id for s in stops} == {gd05.id}  # GD06's stop went with its parcels
    assert sum(s.pickup_parcels for s in stops) == 3

    again = planning.plan_day(session, today, time_limit=0.3)
    assert again.moved == ()  # nothing moves when nothing more is taken


def test_a_later_days_round_that_gave_up_its_first_stop_is_numbered_again(
    sample_network, make_parcel
):
    # A driver's sheet of tomorrow read "stop 2" with no stop 1 after today's plan took
    # the first station's parcels.
    session = sample_network
    for station in ("GD05", "GD06"):
        make_parcel("registered", station=station)
    today = local_today(TZ)
    tomorrow = today + timedelta(days=1)
    ahead = planning.plan_day(session, tomorrow, time_limit=0.3, vans=["VAN1"])
    assert [len(r.stops) for r in ahead.rounds] == [2]
    first, second = (s.station for s in ahead.rounds[0].stops)
    later = session.exec(select(Station).where(Station.code == second)).one()
    later.opens, later.closes = time(7, 0), time(7, 5)  # today no van gets there in time
    session.add(later)
    session.commit()

    now = planning.plan_day(session, today, time_limit=0.3, vans=["VAN1"])
    assert [(m.from_date, m.parcels) for m in now.moved] == [(tomorrow, 1)]
    session.expire_all()
    (left,) = day_rounds(session, tomorrow)
    stops = session.exec(select(RoundStop).where(RoundStop.round_id == left.id)).all()
    assert [(s.seq, s.station_id) for s in stops] == [(1, later.id)]
    assert first != second


def test_a_past_days_plan_never_driven_gives_its_parcels_up(sample_network, make_parcel):
    session = sample_network
    parcel = make_parcel("registered", station="GD05")
    today = local_today(TZ)
    old = planning.plan_day(session, today, time_limit=0.3)
    rnd = session.exec(select(Round).where(Round.round_no == old.rounds[0].round_no)).one()
    yesterday = today - timedelta(days=1)
    rnd.service_date, rnd.round_no = yesterday, f"R-{yesterday:%Y%m%d}-1"  # never started
    session.add(rnd)
    session.commit()
    now = planning.plan_day(session, today, time_limit=0.3)
    assert now.parcels_served == 1 and now.moved == ()
    session.expire_all()
    assert session.get(Parcel, parcel.id).round_id != rnd.id


def test_hub_plan_says_how_many_parcels_moved_from_which_day(hub, make_parcel):
    for station in ("GD05", "GD06"):
        make_parcel("registered", station=station)
    tomorrow = local_today(TZ) + timedelta(days=1)
    assert hub("plan", "--date", "tomorrow", "--time-limit", "0.3").exit_code == 0
    result = hub("plan", "--time-limit", "0.3")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"Moved 2 parcels from the plan of {tomorrow} to" in out
    assert "2 of 2 parcels served" in out
    data = json.loads(hub("plan", "--time-limit", "0.3", "--json").output)
    assert data["moved"] == []  # they are today's now: nothing moves a second time


@pytest.fixture(autouse=True)
def _vehicles_are_the_samples(sample_network):
    assert {v.code for v in sample_network.exec(select(Vehicle))} >= {"VAN1", "VAN3"}
