"""Whole parcels on the planner's visits: oldest first, split visits in part order, and
the heaviest taken off a split visit when whole parcels would overload the van."""

from datetime import date, datetime, timedelta

from logistics.domain.round_loads import (
    RoundLoad,
    StationWork,
    VisitLoad,
    WaitingParcel,
    fill,
    trim,
)
from logistics.domain.routing import Round, RoutingPlan, Visit

DAY = date(2026, 11, 23)
EARLY = datetime(2026, 11, 22, 8, 0)


def parcel(pid, grams, *, station=1, inbound=False, hours=0):
    at = EARLY + timedelta(hours=hours)
    return WaitingParcel(pid, f"P-{pid}", station, inbound, grams, at, at.date())


def visit(key="GD05", pickups=0, drops=0, part=1, parts=1, grams=0):
    return Visit(
        key=key,
        arrival_s=0,
        service_start_s=0,
        departure_s=0,
        pickup_g=grams,
        pickup_parcels=pickups,
        delivery_g=0,
        delivery_parcels=drops,
        load_g=0,
        load_parcels=0,
        metres_from_previous=1000,
        part=part,
        parts=parts,
    )


def plan_of(*rounds_visits):
    rounds = tuple(
        Round(f"VAN{i}", 0, 0, tuple(visits), 0, 0, 0, 0)
        for i, visits in enumerate(rounds_visits, start=1)
    )
    return RoutingPlan(rounds, (), "OK", 0, 0, 0.0)


def test_a_station_hands_its_oldest_parcels_first():
    work = StationWork(1, "GD05")
    for p in (parcel(3, 500, hours=2), parcel(1, 500, hours=0), parcel(2, 500, hours=1)):
        work.add(p)
    work.add(parcel(9, 800, inbound=True))
    work.sort()
    filled = fill(plan_of([visit(pickups=2, drops=1)]), {1: work}, {"GD05": 1})
    load = filled[(0, 0)]
    assert [p.id for p in load.pickups] == [1, 2] and [p.id for p in load.drops] == [9]
    assert work.take(load) == 3
    assert [p.id for p in work.outbound] == [3] and not work.inbound


def test_a_split_station_fills_its_visits_in_part_order():
    work = StationWork(1, "GD05", outbound=[parcel(i, 100, hours=i) for i in range(5)])
    # Part 2 is on the first round, part 1 on the second: part 1 still gets the oldest.
    plan = plan_of(
        [visit(pickups=2, part=2, parts=2)],
        [visit(pickups=3, part=1, parts=2)],
    )
    filled = fill(plan, {1: work}, {"GD05": 1})
    assert [p.id for p in filled[(1, 0)].pickups] == [0, 1, 2]
    assert [p.id for p in filled[(0, 0)].pickups] == [3, 4]


def load_of(visits, capacity_g):
    return RoundLoad("VAN1", capacity_g, 1, 0, 0, 0, visits)


def test_the_heaviest_parcels_of_a_split_visit_wait_when_the_van_would_be_over():
    split = VisitLoad(1, visit(parts=2), [parcel(1, 3000), parcel(2, 9000), parcel(3, 2000)], [])
    whole = VisitLoad(2, visit(key="GD06"), [parcel(4, 4000, station=2)], [])
    load = load_of([split, whole], capacity_g=10_000)
    removed = trim(load)
    assert [p.id for p in removed] == [2]
    assert max(load.loads()) <= 10_000
    assert [p.id for p in split.pickups] == [1, 3] and len(whole.pickups) == 1


def test_drops_on_board_at_the_start_are_trimmed_from_split_visits():
    split = VisitLoad(1, visit(parts=2), [], [parcel(1, 6000, inbound=True)])
    other = VisitLoad(2, visit(key="GD06"), [], [parcel(2, 6000, station=2, inbound=True)])
    load = load_of([split, other], capacity_g=10_000)
    assert load.loads()[0] == 12_000
    assert [p.id for p in trim(load)] == [1]


def test_a_van_within_capacity_or_without_split_visits_keeps_everything():
    whole = VisitLoad(1, visit(), [parcel(1, 9000)], [])
    assert trim(load_of([whole], capacity_g=5000)) == []  # nothing split to take off
    assert trim(load_of([whole], capacity_g=9000)) == []
