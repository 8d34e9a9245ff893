"""Ruin and recreate around OR-Tools: large neighbourhood search over a routing model.

OR-Tools' guided local search (GLS) makes small moves and, given seconds rather than
minutes, settles in one region of the search space. This loop shakes it out again:

1. keep the best plan found so far and a current plan;
2. ruin: take 10-20 % of the visits off the current plan, chosen by one of
   string removal (a few strings of consecutive visits from neighbouring rounds, as in
   SISR), related removal (a visit and those nearest to it) or random removal;
3. recreate: load the partial rounds with ``RoutesToAssignment`` and let a short
   OR-Tools search (``SolveFromAssignmentWithParameters``, a GLS burst of a fraction
   of a second) put the removed visits back and improve the whole plan;
4. accept the result as the current plan by record-to-record travel (within a small,
   shrinking margin of the best), keep it as the best when it is better.

Visits are optional in the model (a disjunction with a drop penalty), so a partial
plan is always a valid starting point and the burst's insertion operators put the
removed visits back. Everything stays in the model's own objective (milli-fen).
"""

from __future__ import annotations

import random
import time as _time
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import routing_enums_pb2

from logistics.domain.routing.params import copy_params, set_time_limit

GREEDY_DESCENT = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT


@dataclass(frozen=True)
class LnsSettings:
    """How the loop ruins and accepts. Fractions are of the visits in the model."""

    burst_s: float = 0.25
    min_removed: float = 0.05
    max_removed: float = 0.15
    max_string: int = 10
    start_threshold: float = 0.01
    """Record-to-record margin at the start (fraction of the best objective); it falls
    linearly to zero at the deadline."""
    seed: int = 0
    greedy_bursts: bool = True
    """Recreate with a plain descent (True) or a GLS burst of ``burst_s`` (False)."""
    neighbors_ratio: float = 1.0
    """``ls_operator_neighbors_ratio`` of the bursts (1: every move is tried)."""


def routes_of(model, solution) -> list[list[int]]:
    """Each van's visits (model node numbers, hub left out), empty lists for idle vans."""
    routing, manager = model.routing, model.manager
    out = []
    for v in range(len(model.vans)):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        nodes = []
        while not routing.IsEnd(index):
            nodes.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        out.append(nodes)
    return out


class Ruin:
    """The three ways to take visits off a plan."""

    def __init__(self, distance: np.ndarray, settings: LnsSettings, rng: random.Random):
        d = distance.astype(float)
        d = d + d.T  # symmetric closeness
        self.near = np.argsort(d, axis=1)  # row k: nodes by closeness to k (k first)
        self.n = distance.shape[0] - 1
        self.settings = settings
        self.rng = rng

    def count(self) -> int:
        s = self.settings
        low = max(1, round(s.min_removed * self.n))
        high = max(low, round(s.max_removed * self.n))
        return self.rng.randint(low, high)

    def __call__(self, routes: list[list[int]]) -> set[int]:
        pick = self.rng.random()
        if pick < 0.5:
            return self.strings(routes)
        if pick < 0.85:
            return self.related()
        return self.random()

    def random(self) -> set[int]:
        return set(self.rng.sample(range(1, self.n + 1), min(self.n, self.count())))

    def related(self) -> set[int]:
        seed = self.rng.randint(1, self.n)
        k = self.count()
        out = []
        for node in self.near[seed]:
            if node != 0:
                out.append(int(node))
                if len(out) >= k:
                    break
        return set(out)

    def strings(self, routes: list[list[int]]) -> set[int]:
        """SISR-like: strings of consecutive visits from rounds near a seed visit."""
        where = {node: (r, i) for r, route in enumerate(routes) for i, node in enumerate(route)}
        k = self.count()
        seed = self.rng.randint(1, self.n)
        removed: set[int] = set()
        ruined: set[int] = set()
        for node in self.near[seed]:
            node = int(node)
            if len(removed) >= k:
                break
            if node == 0 or node not in where:
                continue
            r, i = where[node]
            if r in ruined:
                continue
            ruined.add(r)
            route = routes[r]
            length = self.rng.randint(1, min(len(route), self.settings.max_string))
            first = max(0, min(i - self.rng.randint(0, length - 1), len(route) - length))
            removed.update(route[first : first + length])
        return removed


def search(model, first_solution, burst_params, deadline: float, settings: LnsSettings):
    """Improve ``first_solution`` until ``deadline`` (perf_counter); the best solution.

    ``burst_params`` are the OR-Tools search parameters of one recreate step (their
    time limit is the burst length). Returns ``(solution, iterations)``; the solution
    is None only if the best rounds could not be read back.
    """
    routing = model.routing
    rng = random.Random(settings.seed)
    ruin = Ruin(model.distance, settings, rng)
    best_routes = current_routes = routes_of(model, first_solution)
    best = current = first_solution.ObjectiveValue()
    burst_params = copy_params(burst_params)
    if settings.greedy_bursts:
        burst_params.local_search_metaheuristic = GREEDY_DESCENT
    burst_params.ls_operator_neighbors_ratio = settings.neighbors_ratio
    started = _time.perf_counter()
    span = max(deadline - started, 1e-6)
    iterations = 0
    while True:
        now = _time.perf_counter()
        left = deadline - now
        if left < 0.05:
            break
        removed = ruin(current_routes)
        partial = [[k for k in route if k not in removed] for route in current_routes]
        start = _assignment(routing, partial)
        if start is None:
            continue
        set_time_limit(burst_params, min(settings.burst_s, left))
        found = routing.SolveFromAssignmentWithParameters(start, burst_params)
        iterations += 1
        if found is None:
            continue
        cost = found.ObjectiveValue()
        threshold = settings.start_threshold * (1 - (now - started) / span)
        if cost < best:
            best, best_routes = cost, routes_of(model, found)
            current, current_routes = cost, best_routes
        elif cost <= current or cost <= best * (1 + threshold):
            current, current_routes = cost, routes_of(model, found)
    # Read the best rounds back with a quick descent so the answer carries its times
    # (the solver reuses its solution object, so earlier ones are not kept).
    polish = copy_params(burst_params)
    polish.local_search_metaheuristic = GREEDY_DESCENT
    set_time_limit(polish, 0.5)
    start = _assignment(routing, best_routes)
    found = routing.SolveFromAssignmentWithParameters(start, polish) if start else None
    return found, iterations


def _assignment(routing, routes: list[list[int]]):
    """Rounds as a start assignment. (``ReadAssignmentFromRoutes`` runs under the last
    search's time limit, so once that has passed it fails; this does not search.)"""
    assignment = routing.solver().Assignment()
    if not routing.RoutesToAssignment(routes, True, True, assignment):
        return None
    return assignment
