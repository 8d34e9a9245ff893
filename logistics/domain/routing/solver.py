"""Solve a `RoutingProblem` into a `RoutingPlan` with OR-Tools routing.

Search settings live in `SearchSettings` and `search_parameters` only (ruin and recreate
settings in `lns.LnsSettings`).

How it searches (OR-Tools 9.15):

- Time limit under ``lns_from_s`` (4 s; every hub day, whose planning service shares
  0.6 s over its waves, and the 2 s default): two worker processes (fork),
  PATH_CHEAPEST_ARC + GUIDED_LOCAL_SEARCH and SAVINGS + GUIDED_LOCAL_SEARCH, best
  objective wins. Unchanged from before the ruin and recreate work: the 30-station hub
  day (``benchmarks/vrp_quality.py --hub-day 30``) gives the same rounds and costs
  (715.16 / 639.71 / 689.94 yuan for seeds 0-2) in 2.1 s, ``benchmarks/plan_day.py``
  2.4-2.7 s end to end (load 3.4).
- From ``lns_from_s`` on, each ``.../LNS`` entry runs GLS for ``lns_head`` (10 %) of
  the time, then our own ruin and recreate (``lns.py``: SISR string removals, cheapest
  insertion with blinks over every round at once in numpy, simulated annealing) until
  ``polish_share`` (3 %) of the time is left; on a new best plan, at most once a
  second, an OR-Tools greedy descent polishes it and the loop goes on from there; the
  best rounds end with one more descent, which also reads them back into OR-Tools. A
  second worker starts only when a core is idle (``idle_cores_only``).

Latest, 2026-12-02 (stop 14), a quiet machine, 10 s, one core each (ours 9.7-9.8 CPU s,
PyVRP 9.9-10.0): with 1.3-1.4x more ruin-and-recreate steps per CPU second (``lns.py``)
and a whole round removed in 5 % of the steps of plans without hours: A-n32-k5 0.00,
E-n51-k5 0.00, E-n76-k10 0.72, X-n101-k25 0.27, X-n200-k36 0.99, C101 0.00, C201 0.00,
R101 0.00, R201 0.58, RC101 0.71 %: mean 0.33 % against PyVRP's 0.35 % (PyVRP 2.00 % on
X-n200-k36 with 37 rounds); held out (``--random 3``) 0.22 % against 0.26 %. Alone, more
runs: X-n200-k36 0.90-1.51 % with 36 rounds, 2.56 % in the one run of twelve that kept 37
(without the round removal one of seven, 2.25 %; with it at 20 %, one of eight, 2.19 %);
RC101 0.00-1.08 %, X-n101-k25 0.86-1.24 %. Making room after a removed round (strings
near what found no place, twice) kept 36 rounds in eight of eight, then 37 in one of
twelve, and raised the mean to 1.5 %; the three shortest rounds instead of the shortest,
37 in three of twelve; a charge per round (3 or 10 mean arcs) for the first 30-50 % of
the time, then no new round once at the load bound: 36 in 43 of 45 runs, but the
whole table worse (mean 0.49-0.55 % against PyVRP's 0.35 %, E-n76-k10 1.57 and 2.29 %,
a generated CVRP held at 74 rounds where 76 were better). All left out.

Measured 2026-12-02 at 10 s, one core each (``vrp_quality.py``, best-known values from
``benchmarks/best_known.csv``; annealing then from 0.3 of the mean arc; load average
3.3 falling to 1.9 on the 2 cores, ours 6.5-9.8 CPU s, PyVRP 0.14 6.4-10.0 CPU s):

  instance     GLS x2 (old)   OR-Tools LNS (old)   own R&R (now)   PyVRP
  A-n32-k5      0.00 %         0.00 %               0.00 %          0.00 %
  E-n51-k5      0.96 %         0.00 %               1.34 %          0.00 %
  E-n76-k10     4.46 %         1.93-2.17 %          1.08 %          0.60 %
  X-n101-k25    5.42 %         1.83-2.74 %          1.65 %          0.22 %
  X-n200-k36    3.64 %         3.75-3.90 %          1.77 %          2.12 %
  C101 / C201   0.00 %         0.00 %               0.00 %          0.00 %
  R101          1.43 %         0.59-1.40 %          0.65 %          0.00 %
  R201          2.52 %         0.53-1.19 %          0.60 %          0.00 %
  RC101         4.34 %         3.43-5.01 %          1.08 %          0.89 %
  mean          2.28 %         1.39-1.46 %          0.82 %          0.38 %

Within 2 % on all ten, 0.43 points above PyVRP's mean.

2026-12-02, a quiet machine (load 1-1.9, both 9.5-10 CPU s): RC101 still went over, 2.30 %
at 16 vans, and four seeds of it gave 1.19-2.42 %. With opening hours a window refuses
most places, so the plan sits in deeper valleys: timed plans now anneal from 0.6 to 0.02
of the mean arc (``LnsSettings.timed_temperatures``; four seeds of RC101: 0.00-1.48 %, two
of them at 15 vans; from 1.0 to 0.01: 0.83-2.18 %) and put visits back also by their hours
(SISR's three VRPTW orders, within noise alone). Two seeds each on R101, R201, C101 and
three generated VRPTW: as good or better but R101's second seed (0.65 against 0.48 %).
Whole table then: A-n32-k5 0.00, E-n51-k5 0.00, E-n76-k10 1.08, X-n101-k25 1.38,
X-n200-k36 1.83, C101 0.00, C201 0.00, R101 0.00, R201 0.23, RC101 1.93 %: mean 0.65 %
against PyVRP's 0.38 % (+0.27 points); held out (``--random 3``) 0.29 % against 0.04 %
(+0.25 points), worst 1.33 %. CVRP plans (no hours) keep 0.3 to 0.01.

Before that (the table's run): held out (``--random 3``: three generated CVRP of 150 and
three VRPTW of 100 visits, never tuned on; gap to the better of the two): ours 0.40 %,
PyVRP 0.05 %, +0.34 points, worst 1.13 %. The CPU share
still decides: at a load of 5-6 (2-6 CPU s per run) the mean was 1.39 % against
PyVRP's 0.53 %, worst 3.23 % (RC101); at a load of 10-12 (1-5 CPU s) 1.93 % against
0.65 % (RC101 7.66 % on 1.1 CPU s), held out +1.04 points. E-n51-k5 (a tight
capacity, 97 % full) is the unsteady one: 521, 528 or 540 with the GLS head's luck.
Last run of this code (load 6.6-8.6, ours 2.1-4.1 CPU s, PyVRP 2.9-4.5): mean 1.55 %
against 0.51 % (+1.04 points); over 2 % on E-n51-k5 2.11, X-n101-k25 2.31, X-n200-k36
2.63, R101 3.50 (21 vans) and RC101 2.71 %; held out +0.80 points (0.89 against
0.10 %). So the targets hold with 6.5 or more CPU s in the 10 s and not with 3-4.

Tuning runs (10 s, load 3-6, two seeds each, gaps on X-n101-k25 / X-n200-k36 / RC101):
annealing from 0.1 to 0.005 of the mean arc cost 2.1-2.9 / 2.4-2.7 / 1.9-2.3 %; from
0.2 to 0.01 1.4-2.1 / 2.1-2.2 / 2.3 %; from 0.5 to 0.01 1.3-1.6 / 1.7-2.6 / 2.3 %;
from 0.3 to 0.02 with a 10 % head 1.0-1.7 / 2.7 / 1.4-2.3 %. A 10 % GLS head instead
of 20 % helped RC101 (1.1-2.2 against 1.9-2.3 %). Without the polish midway: within
noise on the X instances, RC101 2.2-2.3 against 1.9 %. Removing 15 visits on average
instead of 10 worse everywhere (3.1-3.6 %). A whole-round removal in 5 % of the steps
(to reach RC101's 15-van plans) did not help. A GLS polish over the last 25 % of the
time: worse on two of three. Counted in steps (``LnsSettings.max_steps``, the same on
a busy machine), 5,000 steps from a 0.3 s GLS plan, two or three seeds: hotter
annealing (1.0 to 0.02) reaches E-n51-k5's 521 five times in six (0.3 to 0.01: 526-540)
and helps E-n76-k10 and R201, but X-n200-k36 is worse (4.5-4.8 against 3.0-3.3 %).
A full run from 0.5 (load 9-10, 3-9 CPU s): mean 0.98 % against PyVRP's 0.44 %, but
X-n200-k36 2.58 % on 9.3 CPU s and RC101 2.31 %; so 0.3 stays. Capacity as a priced
soft limit (as in hybrid genetic search, the price adapted to keep 30-60 % of steps
within capacity): better on E-n51-k5, worse on X-n101-k25 (2.2-2.9 against 0.4-2.1 %)
and 30-60 % more CPU per step; left out.

Where the time goes (profile, X-n101-k25): one insertion (every place of every round
checked at once) 19 us, one round's arrays rebuilt 7-10 us, ~9 insertions per step:
about 3,000-4,500 steps per CPU second on 100-200 visits. numpy's per-call cost, not
the arithmetic, is the floor; arrays of only the rounds near a visit would not make
fewer calls.

Before (OR-Tools LNS, 2026-11-30): each step loaded the ruined rounds into OR-Tools
and let a greedy descent put the visits back; a descent from a 200-visit plan costs
0.14 s even when it changes nothing, so X-n200-k36 got 32 steps in 8 s and never moved
from its GLS head, and RC101 stayed at 3-5 %.

What worked before:
- One worker instead of two on this shared machine: with other work running, a second
  process did not add CPU, it halved each worker's share. Hence ``idle_cores_only``.
- PATH_CHEAPEST_ARC starts beat SAVINGS starts on the Solomon instances.

What did not (besides the earlier list below):
- OR-Tools' own ILS (``use_iterated_local_search``, SISR or spatially-close-routes
  ruin, simulated-annealing acceptance) never perturbs in 9.15 from Python: with
  GREEDY_DESCENT or AUTOMATIC it stops after the first descent (0.1 s, 7.6 % on
  E-n76-k10); with GLS or SA it gives exactly what GLS or SA give alone.
- ``ReadAssignmentFromRoutes`` runs under the last search's time limit and returns None
  once it has passed, so rounds go back with ``RoutesToAssignment`` instead.
- Arc costs x1000 on CVRPLIB (GLS penalties are truncated to integers): within noise.
- Loading partial rounds with ``close_routes=False``: the solver does not complete a
  partial assignment (6,300 calls, all without a solution).

Earlier single-worker trials of GLS alone on E-n76-k10 / X-n101-k25 / RC101 at 10 s
(mean gap, load 5-8): SAVINGS+GLS 5.9-6.4 %, PATH_CHEAPEST_ARC+GLS 7.5 %,
PARALLEL_CHEAPEST_INSERTION+GLS 7.1 %, LOCAL_CHEAPEST_INSERTION+GLS 7.4 % (best on
RC101, 3.5 %), SAVINGS+TABU 6.4 %, GLS lambda 0.3 5.9 % / 0.5 6.4 % (default 0.1
kept), GLS penalty reset + penalties in operators 7.0 %, extra LNS operators (path
LNS, close-nodes and expensive-chain insertion LNS, cross exchange, relocate
neighbors) 7.1 %, ls_operator_neighbors_ratio 0.15 12.6 %, multi-armed bandit
operator concatenation 8.3 %. Leaving the Time dimension out when nothing is timed
(CVRP) gave ~18 % more moves per CPU second.
"""

from __future__ import annotations

import multiprocessing
import os
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from logistics.domain.routing import lns
from logistics.domain.routing.model import MILLI, Model, build_model
from logistics.domain.routing.params import copy_params, set_time_limit, time_limit_s
from logistics.domain.routing.plan import Round, RoutingPlan, Unserved, Visit
from logistics.domain.routing.problem import RoutingProblem, clock
from logistics.domain.routing.visits import VisitWork, split_stop, van_window, why_impossible
from logistics.i18n import _

FirstSolution = routing_enums_pb2.FirstSolutionStrategy.Value
Metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.Value


@dataclass(frozen=True)
class SearchSettings:
    """How hard and how to search.

    ``portfolio`` entries are ``"FIRST_SOLUTION_STRATEGY/METAHEURISTIC"`` (OR-Tools enum
    names; ``ITERATED_LOCAL_SEARCH`` switches on OR-Tools' ruin-and-recreate ILS; ``LNS``
    is GLS then our ruin and recreate loop, or plain GLS below ``lns_from_s``). With
    ``workers`` > 1 each entry runs in its own process (one per core, each with its own
    seed) and the best plan wins; with one worker only the first entry runs.
    ``time_limit_s`` is the search time of each worker. ``overrides`` sets any other
    RoutingSearchParameters field by dotted name, for experiments.
    """

    time_limit_s: float = 2.0
    portfolio: tuple[str, ...] = (
        "PATH_CHEAPEST_ARC/LNS",
        "SAVINGS/LNS",
    )
    workers: int = 2
    guided_local_search_lambda: float = 0.1
    ruin_max_sequence: int = 10
    ruin_avg_visits: int = 10
    overrides: tuple[tuple[str, object], ...] = ()
    log_search: bool = False
    lns: lns.LnsSettings = field(default_factory=lns.LnsSettings)
    lns_head: float = 0.1
    """With ``.../LNS``: the share of the time limit for the first GLS run."""
    polish_share: float = 0.03
    """With ``.../LNS``: the share of the time limit kept for the final OR-Tools search."""
    polish_with: str = "GREEDY_DESCENT"
    lns_from_s: float = 4.0
    """``.../LNS`` entries run as plain ``.../GUIDED_LOCAL_SEARCH`` below this time limit
    (a hub day's fraction of a second is better spent on one GLS run)."""
    seed: int = 0
    idle_cores_only: bool = True
    """With ruin and recreate on (time limit >= ``lns_from_s``), start a second worker
    only when a core is idle: on a busy machine it halves the first one's CPU."""

    def with_time_limit(self, seconds: float) -> SearchSettings:
        return replace(self, time_limit_s=seconds)


DEFAULT_SETTINGS = SearchSettings()


def search_parameters(settings: SearchSettings, entry: str):
    """The one place where OR-Tools search parameters are set."""
    first, _, meta = entry.partition("/")
    meta = meta or "GUIDED_LOCAL_SEARCH"
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FirstSolution.Value(first)
    if meta == "ITERATED_LOCAL_SEARCH":
        params.use_iterated_local_search = True
        params.local_search_metaheuristic = Metaheuristic.Value("GREEDY_DESCENT")
        ils = params.iterated_local_search_parameters
        sisr = ils.ruin_recreate_parameters.ruin_strategies.add().sisr
        sisr.max_removed_sequence_size = settings.ruin_max_sequence
        sisr.avg_num_removed_visits = settings.ruin_avg_visits
        sisr.bypass_factor = 0.01
        annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
        annealing.automatic_temperatures = True
    else:
        params.local_search_metaheuristic = Metaheuristic.Value(meta)
    params.guided_local_search_lambda_coefficient = settings.guided_local_search_lambda
    set_time_limit(params, settings.time_limit_s)
    for dotted, value in settings.overrides:
        *path, name = dotted.split(".")
        target = params
        for part in path:
            target = getattr(target, part)
        setattr(target, name, value)
    params.log_search = settings.log_search
    return params


@dataclass
class _Prepared:
    visits: list[VisitWork]
    impossible: list[tuple[VisitWork, str]]
    vans: list
    notes: list[str] = field(default_factory=list)


def _prepare(problem: RoutingProblem) -> _Prepared:
    vans = []
    notes = []
    for van in problem.vans:
        start, due = van_window(problem, van)
        if start > due:
            notes.append(
                _("van {van} not used: its shift starts at {start}, after the {due} return").format(
                    van=van.key, start=clock(start), due=clock(due)
                )
            )
        else:
            vans.append(van)
    visits, impossible = [], []
    for i, stop in enumerate(problem.stops):
        if not stop.has_work:
            continue
        for w in split_stop(i, stop, tuple(vans)):
            reason = why_impossible(problem, w, tuple(vans))
            if reason is None:
                visits.append(w)
            else:
                impossible.append((w, reason))
    return _Prepared(visits, impossible, vans, notes)


def _status_name(routing: pywrapcp.RoutingModel) -> str:
    try:
        return routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    except (AttributeError, ValueError):
        return str(routing.status())


def _extract(problem: RoutingProblem, model: Model, solution) -> tuple[list[Round], list]:
    routing, manager = model.routing, model.manager
    time = model.time
    rounds, dropped = [], []
    for v, van in enumerate(model.vans):
        if not routing.IsVehicleUsed(solution, v):
            continue
        index = solution.Value(routing.NextVar(routing.Start(v)))
        nodes = []
        while not routing.IsEnd(index):
            nodes.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        works = [model.visits[k - 1] for k in nodes]
        load_g = sum(w.delivery_g for w in works)
        load_p = sum(w.delivery_parcels for w in works)
        start_g, start_p = load_g, load_p
        if time is None:  # nothing to schedule: the van leaves as its day starts
            depart = van_window(problem, van)[0]
        else:
            depart = solution.Min(time.CumulVar(routing.Start(v)))
        prev_node, prev_leave = 0, depart
        metres = 0
        out = []
        for k, w in zip(nodes, works, strict=True):
            leg = int(model.distance[prev_node, k])
            arrival = prev_leave + int(model.travel[prev_node, k])
            start = arrival
            if time is not None:
                start = max(arrival, solution.Min(time.CumulVar(manager.NodeToIndex(k))))
            load_g += w.pickup_g - w.delivery_g
            load_p += w.pickup_parcels - w.delivery_parcels
            leave = start + w.service_s
            out.append(
                Visit(
                    key=problem.stops[w.stop_index].key,
                    arrival_s=arrival,
                    service_start_s=start,
                    departure_s=leave,
                    pickup_g=w.pickup_g,
                    pickup_parcels=w.pickup_parcels,
                    delivery_g=w.delivery_g,
                    delivery_parcels=w.delivery_parcels,
                    load_g=load_g,
                    load_parcels=load_p,
                    metres_from_previous=leg,
                    part=w.part,
                    parts=w.parts,
                )
            )
            metres += leg
            prev_node, prev_leave = k, leave
        metres += int(model.distance[prev_node, 0])
        back = prev_leave + int(model.travel[prev_node, 0])
        cost = round(metres * van.cost_per_km_fen / 1000) + van.fixed_cost_fen
        rounds.append(Round(van.key, depart, back, tuple(out), metres, start_g, start_p, cost))
    for k in range(1, len(model.visits) + 1):
        index = manager.NodeToIndex(k)
        if solution.Value(routing.NextVar(index)) == index:
            dropped.append(model.visits[k - 1])
    return rounds, dropped


def _unserved(problem: RoutingProblem, left: list[tuple[VisitWork, str]]) -> tuple[Unserved, ...]:
    """Merge the visits left over into one line per stop and reason."""
    merged: dict[tuple[int, str], list[int]] = {}
    for w, reason in left:
        q = merged.setdefault((w.stop_index, reason), [0, 0, 0, 0])
        q[0] += w.pickup_g
        q[1] += w.pickup_parcels
        q[2] += w.delivery_g
        q[3] += w.delivery_parcels
    out = []
    for (i, reason), q in sorted(merged.items()):
        stop = problem.stops[i]
        out.append(Unserved(stop.key, q[0], q[1], q[2], q[3], stop.waiting_days, reason))
    return tuple(out)


def solve_with(problem: RoutingProblem, settings: SearchSettings, strategy: str) -> RoutingPlan:
    """Solve with one first-solution strategy in this process."""
    began = _time.perf_counter()
    prepared = _prepare(problem)
    left = list(prepared.impossible)
    if not prepared.visits or not prepared.vans:
        return RoutingPlan(
            rounds=(),
            unserved=_unserved(problem, left),
            status="NOTHING_TO_PLAN",
            objective=sum(problem.stops[w.stop_index].penalty_fen * MILLI for w, _ in left),
            cost_fen=0,
            solve_seconds=_time.perf_counter() - began,
            strategy=strategy,
            notes=tuple(prepared.notes),
        )
    first, _sep, meta = strategy.partition("/")
    lns_search = meta == "LNS" and settings.time_limit_s >= settings.lns_from_s
    if meta == "LNS" and not lns_search:
        strategy = f"{first}/GUIDED_LOCAL_SEARCH"
    if lns_search:  # a GLS start, then ruin and recreate (lns.py) until the deadline
        deadline = began + settings.time_limit_s
        head = settings.with_time_limit(settings.time_limit_s * settings.lns_head)
        params = search_parameters(head, f"{first}/GUIDED_LOCAL_SEARCH")
    else:
        params = search_parameters(settings, strategy)
    model = build_model(problem, prepared.visits, prepared.vans)
    solution = model.routing.SolveWithParameters(params)
    status = _status_name(model.routing)
    empty_objective = None
    if solution is None or _serves_nothing(model, solution):
        # The time ran out inside the first-solution heuristic (a loaded machine, a
        # fraction of a second per wave), which then leaves every visit out or gives
        # up. Build a first solution with a fast heuristic, past the limit if need be:
        # a plan beats none.
        before = None if solution is None else solution.ObjectiveValue()
        finished = model.routing.SolveWithParameters(_first_solution_only(params))
        if finished is not None and (before is None or finished.ObjectiveValue() < before):
            solution = finished
            status = _status_name(model.routing) + " (first solution finished after the limit)"
        elif before is not None:
            empty_objective = before  # serving nothing is the best found
    if lns_search and solution is not None and empty_objective is None:
        solution, steps = _ruin_and_recreate(model, solution, params, deadline, settings)
        status += f" (+{steps} ruin-and-recreate steps)"
    if solution is None and any(problem.stops[w.stop_index].required for w in prepared.visits):
        model = build_model(problem, prepared.visits, prepared.vans, relax_required=True)
        solution = model.routing.SolveWithParameters(params)
        status = _status_name(model.routing) + " (required stops relaxed)"
    latest = max(van_window(problem, v)[1] for v in prepared.vans)
    no_room = _("does not fit in the vans' capacity before the {time} return").format(
        time=clock(latest)
    )
    if solution is None:
        reason = _("the planner found no feasible plan in the time allowed")
        left += [(w, reason) for w in prepared.visits]
        rounds, objective = [], -1
    elif empty_objective is not None:
        left += [(w, no_room) for w in prepared.visits]
        rounds, objective = [], empty_objective
    else:
        rounds, dropped = _extract(problem, model, solution)
        left += [(w, no_room) for w in dropped]
        objective = solution.ObjectiveValue()
    return RoutingPlan(
        rounds=tuple(rounds),
        unserved=_unserved(problem, left),
        status=status,
        objective=objective,
        cost_fen=sum(r.cost_fen for r in rounds),
        solve_seconds=_time.perf_counter() - began,
        strategy=strategy,
        notes=tuple(prepared.notes),
    )


def _ruin_and_recreate(model: Model, solution, params, deadline: float, settings):
    """Our ruin and recreate (lns.py) from the GLS plan, then an OR-Tools descent from its
    best rounds, which also checks them against the model."""
    head_routes = lns.routes_of(model, solution)
    head = solution.ObjectiveValue()
    polish_s = settings.polish_share * settings.time_limit_s
    descent = copy_params(params)
    descent.local_search_metaheuristic = Metaheuristic.Value("GREEDY_DESCENT")

    def polish_midway(routes):
        start = lns.to_assignment(model.routing, routes)
        set_time_limit(descent, polish_s)
        found = model.routing.SolveFromAssignmentWithParameters(start, descent) if start else None
        return None if found is None else lns.routes_of(model, found)

    routes, steps = lns.search(
        model,
        head_routes,
        deadline - polish_s,
        replace(settings.lns, seed=settings.seed),
        polish=polish_midway if settings.lns.polish_every_s > 0 else None,
    )
    polish = copy_params(params)
    polish.local_search_metaheuristic = Metaheuristic.Value(settings.polish_with)
    set_time_limit(polish, max(polish_s, deadline - _time.perf_counter()))
    # The solver reuses its solution object: read the head's rounds back if need be.
    for candidate in (routes, head_routes):
        start = lns.to_assignment(model.routing, candidate)
        if start is None:
            continue
        found = model.routing.SolveFromAssignmentWithParameters(start, polish)
        if found is not None and found.ObjectiveValue() <= head:
            return found, steps
    return solution, steps  # neither search answered: the GLS plan as it was


FIRST_SOLUTION_S = 5.0
"""Time allowed to finish a first solution the search limit cut short."""


def _serves_nothing(model: Model, solution) -> bool:
    routing = model.routing
    return not any(routing.IsVehicleUsed(solution, v) for v in range(len(model.vans)))


def _first_solution_only(params):
    """``params`` that stop at the first complete solution, with time to reach it. The
    savings heuristic builds it: on a 30-station hub day it takes 0.04 s where the
    cheapest-arc one takes 0.6 s (2026-11-30, a slow hour of this machine)."""
    out = copy_params(params)
    out.solution_limit = 1
    out.first_solution_strategy = FirstSolution.Value("SAVINGS")
    out.local_search_metaheuristic = Metaheuristic.Value("GREEDY_DESCENT")
    set_time_limit(out, max(FIRST_SOLUTION_S, time_limit_s(out)))
    return out


def _worker(args):
    problem, settings, strategy = args
    return solve_with(problem, settings, strategy)


def _better(a: RoutingPlan, b: RoutingPlan) -> bool:
    if (a.objective < 0) != (b.objective < 0):
        return b.objective < 0
    return a.objective < b.objective


def idle_cores(running: int | None = None, cpus: int | None = None) -> int:
    """Cores nobody else is using right now, at least 1.

    ``running`` is the number of runnable tasks, this process included (the fourth field
    of /proc/loadavg; the 1-minute load average where that is missing). The planner is
    one of them, so alone on two cores it sees two idle cores, not one.
    """
    cpus = cpus or os.cpu_count() or 1
    if running is None:
        running = _running_tasks()
    if running is None:
        return 1
    return max(1, min(cpus, cpus - (running - 1)))


def _running_tasks() -> int | None:
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        try:
            return round(os.getloadavg()[0])
        except OSError:
            return None


def solve(problem: RoutingProblem, settings: SearchSettings | None = None) -> RoutingPlan:
    """Plan the day. With two or more workers, strategies run in parallel processes."""
    settings = settings or DEFAULT_SETTINGS
    strategies: Sequence[str] = settings.portfolio or ("PATH_CHEAPEST_ARC",)
    began = _time.perf_counter()
    workers = settings.workers
    if settings.time_limit_s >= settings.lns_from_s and settings.idle_cores_only:
        workers = min(workers, idle_cores())
    if workers <= 1 or len(strategies) == 1:
        plans = [solve_with(problem, settings, s) for s in strategies[: max(1, workers)]]
    else:
        ctx = multiprocessing.get_context("fork")
        # Each process gets its own seed, so two entries alike still search apart.
        jobs = [
            (problem, replace(settings, seed=settings.seed + i), s)
            for i, s in enumerate(strategies)
        ]
        with ctx.Pool(min(workers, len(jobs))) as pool:
            plans = pool.map(_worker, jobs)
    best = plans[0]
    for plan in plans[1:]:
        if _better(plan, best):
            best = plan
    return replace(best, solve_seconds=_time.perf_counter() - began)
