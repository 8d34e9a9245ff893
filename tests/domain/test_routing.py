"""The round planner, checked the way a hub planner would check a printed plan."""

import itertools
import random
import time

import numpy as np
import pytest

from logistics.domain.routing import (
    Depot,
    RoutingPlan,
    RoutingProblem,
    SearchSettings,
    Stop,
    Van,
    clock,
    lns,
    solve,
)
from logistics.domain.routing.lns import LnsSettings, Plan, Ruin
from logistics.domain.routing.model import build_model
from logistics.domain.routing.solver import _prepare, idle_cores, search_parameters
from logistics.errors import InvalidInput

FAST = SearchSettings(time_limit_s=0.3, workers=1)
H = 3600
KG = 1000
SPEED_KMH = 36  # 10 metres a second


def matrices(points_km):
    """Planar points (hub first) to integer metre and second matrices at 36 km/h."""
    p = np.asarray(points_km, dtype=float)
    metres = np.rint(np.hypot(*(p[:, None, :] - p[None, :, :]).transpose(2, 0, 1)) * 1000)
    metres = metres.astype(np.int64)
    return metres, -(-metres // 10)


def problem(points_km, stops, vans, depot=None, **kw):
    d, t = matrices(points_km)
    depot = depot or Depot("HUB", 7 * H, 16 * H + 30 * 60)
    return RoutingProblem(depot, stops, vans, d, t, **kw)


def van(key="V1", kg=100, parcels=100, start=7 * H, end=18 * H, per_km=150, fixed=0):
    return Van(key, kg * KG, parcels, start, end, per_km, fixed)


def check_plan(p: RoutingProblem, plan: RoutingPlan):
    """Everything a planner would check on a printed plan; returns served work per stop."""
    vans = {v.key: v for v in p.vans}
    stops = {s.key: (i + 1, s) for i, s in enumerate(p.stops)}
    served = {}
    for r in plan.rounds:
        v = vans[r.van]
        # The van leaves with exactly the inbound parcels of its own stops...
        assert r.start_load_g == sum(x.delivery_g for x in r.visits)
        assert r.start_load_parcels == sum(x.delivery_parcels for x in r.visits)
        load_g, load_p = r.start_load_g, r.start_load_parcels
        # ...and is within capacity on every leg, including the first one.
        assert load_g <= v.capacity_g and load_p <= v.capacity_parcels
        assert r.departure_s >= max(v.shift_start_s, p.depot.opens_s)
        prev, clock_s = 0, r.departure_s
        metres = 0
        for x in r.visits:
            idx, s = stops[x.key]
            load_g += x.pickup_g - x.delivery_g
            load_p += x.pickup_parcels - x.delivery_parcels
            assert 0 <= load_g <= v.capacity_g, f"{r.van} overloaded after {x.key}"
            assert 0 <= load_p <= v.capacity_parcels, f"{r.van} overloaded after {x.key}"
            assert (x.load_g, x.load_parcels) == (load_g, load_p)
            assert x.arrival_s == clock_s + p.travel_s[prev, idx]
            assert x.metres_from_previous == p.distance_m[prev, idx]
            service = s.service_s + s.service_per_parcel_s * (x.pickup_parcels + x.delivery_parcels)
            assert x.service_start_s >= max(x.arrival_s, s.opens_s)
            assert x.departure_s == x.service_start_s + service
            assert x.departure_s <= s.closes_s, f"{x.key} served after closing"
            got = served.setdefault(x.key, [0, 0, 0, 0])
            for k, q in enumerate((x.pickup_g, x.pickup_parcels, x.delivery_g, x.delivery_parcels)):
                got[k] += q
            metres += x.metres_from_previous
            prev, clock_s = idx, x.departure_s
        assert r.return_s == clock_s + p.travel_s[prev, 0]
        assert r.return_s <= min(v.shift_end_s, p.depot.latest_return_s)
        assert r.metres == metres + p.distance_m[prev, 0]
    # Every parcel is either on a round or reported unserved; nothing is invented.
    for u in plan.unserved:
        got = served.setdefault(u.key, [0, 0, 0, 0])
        for k, q in enumerate((u.pickup_g, u.pickup_parcels, u.delivery_g, u.delivery_parcels)):
            got[k] += q
    for key, (_, s) in stops.items():
        want = [s.pickup_g, s.pickup_parcels, s.delivery_g, s.delivery_parcels]
        assert served.get(key, [0, 0, 0, 0]) == want, key
    return served


def test_mixed_pickup_and_delivery_never_overloads_where_the_naive_model_would():
    # B opens early and only picks up 60 kg; A opens later and only receives 60 kg.
    # One 100 kg van could only do B then A, leaving the hub with A's 60 kg and then
    # loading B's 60 kg: 120 kg on board. Summing pickups and deliveries separately
    # (60 <= 100 each) would accept that round.
    stops = [
        Stop("A", delivery_g=60 * KG, delivery_parcels=6, opens_s=10 * H, closes_s=11 * H),
        Stop("B", pickup_g=60 * KG, pickup_parcels=6, opens_s=8 * H, closes_s=9 * H),
    ]
    one_van = problem([(0, 0), (5, 0), (5, 1)], stops, [van()])
    plan = solve(one_van, FAST)
    check_plan(one_van, plan)
    assert len(plan.unserved) == 1
    assert len(plan.rounds) == 1 and len(plan.rounds[0].visits) == 1

    two_vans = problem([(0, 0), (5, 0), (5, 1)], stops, [van("V1"), van("V2")])
    plan = solve(two_vans, FAST)
    check_plan(two_vans, plan)
    assert plan.unserved == ()
    assert plan.vans_used == 2


def test_delivery_first_then_pickup_shares_one_van():
    # The feasible order (drop A's 60 kg, then load B's 60 kg) fits in one van.
    stops = [
        Stop("A", delivery_g=60 * KG, delivery_parcels=6, opens_s=8 * H, closes_s=9 * H),
        Stop("B", pickup_g=60 * KG, pickup_parcels=6, opens_s=10 * H, closes_s=11 * H),
    ]
    p = problem([(0, 0), (5, 0), (5, 1)], stops, [van("V1"), van("V2", fixed=10_000)])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert plan.unserved == ()
    assert [[x.key for x in r.visits] for r in plan.rounds] == [["A", "B"]]
    assert plan.rounds[0].start_load_g == 60 * KG
    assert [x.load_g for x in plan.rounds[0].visits] == [0, 60 * KG]


def random_mixed_day(seed):
    rng = np.random.default_rng(seed)
    n = 14
    points = rng.uniform(-12, 12, size=(n + 1, 2))
    points[0] = 0
    stops = []
    for i in range(n):
        opens = int(rng.integers(7, 12)) * H
        stops.append(
            Stop(
                f"S{i}",
                pickup_g=int(rng.integers(0, 60)) * KG,
                pickup_parcels=int(rng.integers(0, 25)),
                delivery_g=int(rng.integers(0, 60)) * KG,
                delivery_parcels=int(rng.integers(0, 25)),
                opens_s=opens,
                closes_s=opens + int(rng.integers(2, 6)) * H,
                service_s=300,
                service_per_parcel_s=15,
                waiting_days=int(rng.integers(0, 4)),
            )
        )
    vans = [
        van("V1", kg=150, parcels=60, start=7 * H, end=15 * H),
        van("V2", kg=100, parcels=40, start=8 * H, end=18 * H),
        van("V3", kg=200, parcels=80, start=9 * H, end=13 * H, fixed=5_000),
    ]
    return problem(points, stops, vans)


@pytest.mark.parametrize("seed", range(4))
def test_random_mixed_days_respect_capacity_windows_shifts_and_return(seed):
    p = random_mixed_day(seed)
    plan = solve(p, FAST)
    assert plan.rounds
    check_plan(p, plan)


# Ruin and recreate (lns.py) on a short clock: it switches on from ``lns_from_s``.
LNS = SearchSettings(time_limit_s=1.0, workers=1, portfolio=("SAVINGS/LNS",), lns_from_s=0.5)


@pytest.mark.parametrize("seed", range(2))
def test_ruin_and_recreate_days_respect_capacity_windows_shifts_and_return(seed, monkeypatch):
    starts = []
    search = lns.search

    def watched(model, routes, *args, **kwargs):
        starts.append(Plan(model, routes).cost())
        return search(model, routes, *args, **kwargs)

    monkeypatch.setattr(lns, "search", watched)
    p = random_mixed_day(seed)
    plan = solve(p, LNS)
    assert plan.rounds
    assert "ruin-and-recreate steps" in plan.status
    assert not plan.status.startswith("ROUTING_SUCCESS (+0 ")
    check_plan(p, plan)
    # The loop only ever keeps a plan at least as good as the GLS plan it starts from.
    assert len(starts) == 1 and plan.objective <= starts[0]


def _model_and_first_plan(p, seconds=0.2):
    prepared = _prepare(p)
    model = build_model(p, prepared.visits, prepared.vans)
    params = search_parameters(SearchSettings(time_limit_s=seconds), "PATH_CHEAPEST_ARC")
    return model, model.routing.SolveWithParameters(params)


@pytest.mark.parametrize("seed", range(3))
def test_our_objective_is_the_models_on_mixed_days(seed):
    # Prices per km, fixed costs, visits left out: the loop's sums are OR-Tools' own.
    model, solution = _model_and_first_plan(random_mixed_day(seed))
    plan = Plan(model, lns.routes_of(model, solution))
    assert all(plan.feasible)
    assert plan.cost() == solution.ObjectiveValue()


def test_ruin_and_recreate_repairs_a_deliberately_bad_start():
    # 40 drop-only stops on a 30 km square, four vans; the start deals the stops out to
    # the vans in a random order, so every van criss-crosses the whole square.
    rng = np.random.default_rng(3)
    points = np.vstack([[[0, 0]], rng.uniform(-15, 15, size=(40, 2))])
    stops = [
        Stop(f"S{i}", delivery_g=int(rng.integers(5, 15)) * KG, delivery_parcels=1)
        for i in range(40)
    ]
    vans = [van(f"V{k}", kg=150, parcels=100) for k in range(4)]
    p = problem(points, stops, vans)
    model, _ = _model_and_first_plan(p)
    order = [int(k) for k in rng.permutation(np.arange(1, 41))]
    bad = [order[i::4] for i in range(4)]
    start = Plan(model, bad)
    assert all(start.feasible)

    # A step count, not a time: the same answer on a busy machine.
    settings = LnsSettings(seed=1, max_steps=400)
    routes, steps = lns.search(model, bad, time.perf_counter() + 60, settings)
    better = Plan(model, routes)
    assert steps == 400
    assert all(better.feasible) and not better.unassigned
    assert sorted(k for r in routes for k in r) == list(range(1, 41))
    assert better.cost() < 0.6 * start.cost()
    # OR-Tools takes the rounds back as they are, at the same objective or better.
    polish = search_parameters(SearchSettings(time_limit_s=0.5), "PATH_CHEAPEST_ARC/GREEDY_DESCENT")
    found = model.routing.SolveFromAssignmentWithParameters(
        lns.to_assignment(model.routing, routes), polish
    )
    assert found is not None and found.ObjectiveValue() <= better.cost()


def test_visits_with_opening_hours_are_also_put_back_by_their_hours():
    # Six stops, each open for a different stretch of the morning: besides SISR's four
    # orders, the loop puts them back narrowest window first, earliest opening first or
    # latest closing first.
    hours = [(8, 9), (7, 12), (10, 11), (9, 16), (7, 8), (11, 15)]
    points = [[0, 0]] + [[i + 1, 0] for i in range(6)]
    stops = [
        Stop(f"S{i}", delivery_g=KG, delivery_parcels=1, opens_s=a * H, closes_s=b * H)
        for i, (a, b) in enumerate(hours)
    ]
    model, _ = _model_and_first_plan(problem(points, stops, [van()]))
    plan = Plan(model, [[]])
    assert plan.timed
    visits = list(range(1, 7))
    narrowest = sorted(visits, key=lambda k: plan._late[k] - plan._open[k])
    earliest = sorted(visits, key=lambda k: plan._open[k])
    latest_closing = sorted(visits, key=lambda k: -plan._late[k])
    rng = random.Random(4)
    seen = {tuple(lns._order(list(visits), plan, rng, windows=True)) for _ in range(400)}
    assert {tuple(narrowest), tuple(earliest), tuple(latest_closing)} <= seen
    assert all(sorted(order) == visits for order in seen)


def test_ruin_removes_strings_of_neighbouring_rounds_and_never_the_hub():
    rng = np.random.default_rng(5)
    points = rng.uniform(-10, 10, size=(41, 2))
    distance, _ = matrices(points)
    routes = [list(range(1 + 10 * r, 11 + 10 * r)) for r in range(4)] + [[]]
    where = {k: r for r, route in enumerate(routes) for k in route}
    ruin = Ruin(distance, LnsSettings(), random.Random(1))
    for _ in range(200):
        removed = ruin(routes, where)
        assert removed and set(removed) <= set(range(1, 41))
        assert len(removed) == len(set(removed))
        for route in routes:
            hit = [i for i, k in enumerate(route) if k in removed]
            # One string, or one string with a single run of visits kept inside it.
            assert len([1 for a, b in itertools.pairwise(hit) if b - a > 1]) <= 1


def test_short_time_limits_run_plain_guided_local_search():
    # A hub day gets a fraction of a second: no ruin and recreate, GLS as before.
    p = random_mixed_day(0)
    plan = solve(p, SearchSettings(time_limit_s=0.3, workers=1))
    assert plan.strategy == "PATH_CHEAPEST_ARC/GUIDED_LOCAL_SEARCH"
    assert "ruin-and-recreate" not in plan.status


def test_station_bigger_than_a_van_is_split_over_visits():
    stops = [
        Stop("BIG", pickup_g=250 * KG, pickup_parcels=120, delivery_g=30 * KG, delivery_parcels=9),
        Stop("SMALL", pickup_g=10 * KG, pickup_parcels=3),
    ]
    vans = [van(f"V{i}", kg=100, parcels=100) for i in range(4)]
    p = problem([(0, 0), (8, 0), (0, 6)], stops, vans)
    plan = solve(p, FAST)
    served = check_plan(p, plan)
    assert plan.unserved == ()
    big = [x for r in plan.rounds for x in r.visits if x.key == "BIG"]
    assert len(big) == 3
    assert sorted(x.part for x in big) == [1, 2, 3] and {x.parts for x in big} == {3}
    assert served["BIG"] == [250 * KG, 120, 30 * KG, 9]


def test_unreachable_opening_hours_are_reported_with_the_hours():
    stops = [
        Stop("EARLY", pickup_g=5 * KG, pickup_parcels=2, opens_s=6 * H, closes_s=7 * H + 600),
        Stop("OK", pickup_g=5 * KG, pickup_parcels=2, opens_s=9 * H, closes_s=11 * H),
    ]
    # 20 km at 36 km/h: the 07:00 van reaches EARLY at 07:34, after it closes at 07:10.
    p = problem([(0, 0), (20, 0), (3, 0)], stops, [van()])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert [u.key for u in plan.unserved] == ["EARLY"]
    assert "opening hours 06:00-07:10 cannot be reached" in plan.unserved[0].reason
    assert plan.served_keys == {"OK"}


def test_stop_too_far_to_be_back_before_the_latest_return():
    stops = [Stop("FAR", pickup_g=KG, pickup_parcels=1)]
    depot = Depot("HUB", 7 * H, 9 * H)  # 150 km each way is 4h10 of driving
    p = problem([(0, 0), (150, 0)], stops, [van()], depot=depot)
    plan = solve(p, FAST)
    assert plan.rounds == ()
    assert "back at the hub by the 09:00 return" in plan.unserved[0].reason


def test_surplus_work_is_carried_over_and_older_work_wins():
    # One 100 kg van, two stations of 80 kg each. OLD has waited 3 days and is farther
    # away (dearer to serve); it is still the one served.
    stops = [
        Stop("NEW", pickup_g=80 * KG, pickup_parcels=8, waiting_days=0),
        Stop("OLD", pickup_g=80 * KG, pickup_parcels=8, waiting_days=3),
    ]
    p = problem([(0, 0), (2, 0), (30, 0)], stops, [van()])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert plan.served_keys == {"OLD"}
    (left,) = plan.unserved
    assert left.key == "NEW" and left.pickup_g == 80 * KG and left.waiting_days == 0
    assert left.reason == "does not fit in the vans' capacity before the 16:30 return"


def test_stations_without_work_are_not_visited_nor_reported():
    stops = [
        Stop("IDLE"),
        Stop("BUSY", pickup_g=3 * KG, pickup_parcels=1),
        Stop("IDLE2", opens_s=8 * H, closes_s=9 * H),
    ]
    p = problem([(0, 0), (1, 0), (2, 0), (3, 0)], stops, [van()])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert plan.served_keys == {"BUSY"}
    assert plan.unserved == ()


def test_nothing_to_do_gives_an_empty_plan():
    p = problem([(0, 0), (1, 0)], [Stop("IDLE")], [van()])
    plan = solve(p, FAST)
    assert plan.rounds == () and plan.unserved == () and plan.cost_fen == 0


def test_van_shift_end_before_latest_return_is_respected():
    stops = [Stop(f"S{i}", pickup_g=KG, pickup_parcels=1, service_s=600) for i in range(6)]
    points = [(0, 0)] + [(10 * np.cos(a), 10 * np.sin(a)) for a in np.linspace(0, 5, 6)]
    short = van("SHORT", start=7 * H, end=9 * H)
    p = problem(points, stops, [short, van("LONG", start=10 * H, end=18 * H, fixed=50_000)])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert plan.unserved == ()
    for r in plan.rounds:
        if r.van == "SHORT":
            assert r.return_s <= 9 * H


def test_plan_times_and_costs_read_like_a_round_sheet():
    stops = [Stop("A", pickup_g=12 * KG, pickup_parcels=4, service_s=300, service_per_parcel_s=30)]
    p = problem([(0, 0), (6, 8)], stops, [van(per_km=200, fixed=3_000)])
    plan = solve(p, FAST)
    (r,) = plan.rounds
    (x,) = r.visits
    assert x.metres_from_previous == 10_000 and r.metres == 20_000
    assert x.departure_s - x.service_start_s == 300 + 4 * 30
    assert r.return_s - x.departure_s == 1000  # 10 km at 36 km/h
    assert r.cost_fen == plan.cost_fen == 20 * 200 + 3_000
    assert clock(r.departure_s) == "07:00"


def brute_force_best(p: RoutingProblem, n_vans: int) -> int:
    """Fewest metres over every way to order the stops and cut them into van rounds."""
    n = len(p.stops)
    cap = p.vans[0].capacity_g
    d = p.distance_m
    best = None
    for perm in itertools.permutations(range(1, n + 1)):
        for cuts in itertools.combinations_with_replacement(range(n + 1), n_vans - 1):
            bounds = (0, *cuts, n)
            total, ok = 0, True
            for a, b in itertools.pairwise(bounds):
                route = perm[a:b]
                load = sum(p.stops[i - 1].delivery_g for i in route)
                ok = load <= cap
                for i in route:
                    load += p.stops[i - 1].pickup_g - p.stops[i - 1].delivery_g
                    ok = ok and load <= cap
                if not ok:
                    break
                path = (0, *route, 0)
                total += sum(d[u, v] for u, v in itertools.pairwise(path))
            if ok and (best is None or total < best):
                best = total
    return best


@pytest.mark.parametrize("seed", [3, 11, 12])
def test_small_mixed_instance_is_solved_to_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    points = rng.uniform(-10, 10, size=(7, 2))
    stops = [
        Stop(
            f"S{i}",
            pickup_g=int(rng.integers(5, 45)) * KG,
            pickup_parcels=1,
            delivery_g=int(rng.integers(5, 45)) * KG,
            delivery_parcels=1,
        )
        for i in range(6)
    ]
    p = problem(points, stops, [van("V1"), van("V2")])
    best = brute_force_best(p, 2)
    for settings in (FAST, LNS):
        plan = solve(p, settings)
        check_plan(p, plan)
        assert plan.unserved == ()
        assert plan.metres == best


def test_wrong_matrix_size_is_refused_with_a_sentence():
    d, t = matrices([(0, 0), (1, 0)])
    with pytest.raises(InvalidInput, match="must be 3x3"):
        RoutingProblem(Depot(), [Stop("A"), Stop("B")], [van()], d, t)


def test_default_settings_use_both_cores_and_agree_with_one_worker():
    stops = [Stop(f"S{i}", pickup_g=KG, pickup_parcels=1) for i in range(5)]
    points = [(0, 0), (1, 0), (2, 1), (0, 3), (-2, 2), (-1, -1)]
    p = problem(points, stops, [van()])
    parallel = solve(p, SearchSettings(time_limit_s=0.3))
    single = solve(p, FAST)
    check_plan(p, parallel)
    assert parallel.metres == single.metres


def test_required_stop_is_served_even_when_dearer_and_younger():
    # Same squeeze as above, but NEW is marked required: it is served, OLD waits.
    stops = [
        Stop("NEW", pickup_g=80 * KG, pickup_parcels=8, required=True),
        Stop("OLD", pickup_g=80 * KG, pickup_parcels=8, waiting_days=3),
    ]
    p = problem([(0, 0), (30, 0), (2, 0)], stops, [van()])
    plan = solve(p, FAST)
    check_plan(p, plan)
    assert plan.served_keys == {"NEW"}
    assert [u.key for u in plan.unserved] == ["OLD"]


def test_the_planner_does_not_count_itself_as_the_load_that_keeps_a_core_busy():
    # The planning process is itself one of the runnable tasks it reads: alone on two
    # cores it must still see both cores free and start its second search.
    assert idle_cores(running=1, cpus=2) == 2
    assert idle_cores(running=2, cpus=2) == 1
    assert idle_cores(running=6, cpus=2) == 1
    assert idle_cores(running=1, cpus=1) == 1


def test_a_search_cut_short_before_its_first_solution_still_plans_the_day():
    # A loaded machine and a later wave's fraction of a second: the limit strikes inside
    # the first-solution heuristic. The day must still get rounds, not "no plan".
    p = random_mixed_day(0)
    cut_short = SearchSettings(
        time_limit_s=0.01,
        workers=1,
        overrides=(("time_limit.seconds", 0), ("time_limit.nanos", 1000)),
    )
    plan = solve(p, cut_short)
    assert plan.rounds and plan.objective > 0
    assert "first solution finished after the limit" in plan.status
    check_plan(p, plan)


def _untimed(points_km, kgs, vans_kg):
    """Drop-only stops with no hours and vans with no shift: a plain capacitated problem."""
    big = 10**9
    stops = [
        Stop(f"S{i}", delivery_g=kg * KG, delivery_parcels=1, opens_s=0, closes_s=big, service_s=0)
        for i, kg in enumerate(kgs)
    ]
    vans = [van(f"V{k}", kg=kg, start=0, end=big) for k, kg in enumerate(vans_kg)]
    metres, seconds = matrices(points_km)
    return RoutingProblem(Depot("HUB", 0, big), stops, vans, metres, 0 * seconds)


def test_the_fewest_rounds_are_the_loads_over_the_biggest_van():
    points = [[0, 0]] + [[i + 1, 0] for i in range(5)]
    model, _ = _model_and_first_plan(_untimed(points, [30, 30, 30, 30, 5], [60, 40, 40]))
    plan = Plan(model, [[1, 2], [3], [4, 5]])
    assert not plan.timed
    assert lns.fewest_rounds(plan) == 3  # 125 kg over vans of at most 60 kg
    assert lns._smallest_round(plan.routes, 3, set()) == []  # no round too many
    assert lns._smallest_round(plan.routes, 2, set()) == [3]
    assert lns._smallest_round(plan.routes, 2, {3}) == []
