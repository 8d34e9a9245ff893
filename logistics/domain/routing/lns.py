"""Ruin and recreate of our own, with OR-Tools before and after it.

OR-Tools' guided local search (GLS) settles, in seconds, in one region of the search
space, and OR-Tools' own search is too slow to restart thousands of times (a descent
from a ruined 200-visit plan costs 0.1-0.3 s, ``solver.py`` has the figures). So the
loop here keeps its plan in plain lists and numpy arrays and does everything itself,
after SISR (Christiaens & Vanden Berghe, "Slack induction by string removals for vehicle
routing problems", Transportation Science 54(2), 2020):

1. ruin: remove a few strings of consecutive visits (sometimes with a gap kept inside)
   from rounds that pass near a random visit;
2. recreate: put the visits back one by one (in a random, biggest-first, farthest-first
   or nearest-first order, and on plans with opening hours also narrowest window,
   earliest opening or latest closing first), each at its cheapest feasible place over
   all rounds, skipping each place with a small "blink" probability so equal moves do
   not always win;
3. accept by simulated annealing (temperature falling geometrically to the deadline,
   hotter with opening hours), keep the best plan.

Feasibility is the model's own: every load dimension with pickups and drops on one
round (the van leaves with its stops' inbound parcels), opening hours with service and
waiting, each van's departure and return, its price per km and fixed cost, and the
drop penalties of optional visits. Each round keeps, per place between two stops, the
earliest departure before it, the latest service start after it and the highest load
before and after it, so one numpy expression checks every place at once.

The caller loads the best rounds back into OR-Tools (``to_assignment``) for a final
descent, which also checks them against the model.
"""

from __future__ import annotations

import math
import random
import time as _time
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

BIG = np.int64(2**62)


@dataclass(frozen=True)
class LnsSettings:
    """SISR's settings (names as in the paper) and the annealing schedule."""

    max_string: int = 10
    """L^max: the longest string removed from one round."""
    avg_removed: int = 10
    """c-bar: visits removed per step on average."""
    split_rate: float = 0.5
    """Share of strings removed with a run of visits kept inside ("split string")."""
    blink_rate: float = 0.01
    start_temperature: float = 0.3
    """Annealing temperature at the start, as a share of the mean arc cost of the plan."""
    end_temperature: float = 0.01
    timed_temperatures: tuple[float, float] = (0.6, 0.02)
    """Start and end temperatures when visits have opening hours: a window refuses most
    places, so a plan gets stuck in fewer, deeper valleys and needs more heat to leave."""
    polish_every_s: float = 1.0
    """Least time between two OR-Tools descents from a new best plan (``search``)."""
    window_orders: bool = True
    """On timed plans, also put visits back by opening hours (SISR's VRPTW orders)."""
    seed: int = 0
    max_steps: float = math.inf
    """Stop after about this many steps (checked every 16) even before the deadline:
    a search that does the same on a busy machine (tests, tuning)."""


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


def to_assignment(routing, routes: list[list[int]]):
    """Rounds as an OR-Tools start assignment, None if the model refuses them.
    (``ReadAssignmentFromRoutes`` runs under the last search's time limit, so once that
    has passed it fails; this does not search.)"""
    assignment = routing.solver().Assignment()
    if not routing.RoutesToAssignment(routes, True, True, assignment):
        return None
    return assignment


class Plan:
    """Rounds of one model as lists, with the per-place arrays the insertion reads.

    Row r of every array is van r's round; column k is the place between its k-th and
    (k+1)-th stop (the hub at both ends); columns past the round's end are not places.
    """

    def __init__(self, model, routes: list[list[int]], blink_rate: float = 0.01):
        self.dist = np.asarray(model.distance, dtype=np.int64)
        self.n = self.dist.shape[0] - 1
        self.vans = len(model.vans)
        self.price = np.array([v.cost_per_km_fen or 1 for v in model.vans], dtype=np.int64)
        self.fixed = np.array([v.fixed_cost_fen * 1000 for v in model.vans], dtype=np.int64)
        self.priced = bool((self.price != 1).any())
        self._price, self._fixed = self.price.tolist(), self.fixed.tolist()
        self.fixed_any = bool(self.fixed.any())
        self.penalty = np.asarray(model.penalty, dtype=np.int64)
        self._penalty = self.penalty.tolist()
        self.timed = model.time is not None
        self.travel = np.asarray(model.travel, dtype=np.int64)
        self.service = np.asarray(model.service, dtype=np.int64)
        self.opens = np.asarray(model.opens, dtype=np.int64)
        self.latest = np.asarray(model.latest_start, dtype=np.int64)
        self.windows = list(model.windows)
        self.loads = [(p, d, np.asarray(c, dtype=np.int64)) for p, d, c in model.loads]
        self.mixed = [bool(p.any() and d.any()) for p, d, _ in self.loads]
        # Python lists for the per-stop loops, transposed copies for column reads.
        self._d = self.dist.tolist()
        self._t = self.travel.tolist()
        self._s = self.service.tolist()
        self._open = self.opens.tolist()
        self._late = self.latest.tolist()
        self._loads = [(p.tolist(), d.tolist()) for p, d, _ in self.loads]
        self.capacity = [c.tolist() for _, _, c in self.loads]
        self.dist_t = np.ascontiguousarray(self.dist.T)
        self.travel_t = np.ascontiguousarray(self.travel.T)
        self.blinks = np.random.default_rng(0).random(1 << 16) >= blink_rate
        self.routes = [list(r) for r in routes]
        self.width = max(8, max(len(r) for r in self.routes) + 4)
        self._alloc()
        for r in range(self.vans):
            self.update(r)
        served = {k for r in self.routes for k in r}
        self.unassigned = {k for k in range(1, self.n + 1) if k not in served}

    def _alloc(self) -> None:
        shape = (self.vans, self.width + 1)
        self.prev = np.zeros(shape, dtype=np.int64)
        self.next = np.zeros(shape, dtype=np.int64)
        self.base = np.zeros(shape, dtype=np.int64)
        self.columns = np.arange(self.width + 1)[None, :]
        self.stops = np.zeros(self.vans, dtype=np.int64)
        self.depart = np.zeros(shape, dtype=np.int64)
        self.due = np.zeros(shape, dtype=np.int64)
        # A dimension with pickups and drops needs the highest load before and after each
        # place; with only one of them the round's total decides (one number per round).
        self.before = [np.zeros(shape, dtype=np.int64) if m else None for m in self.mixed]
        self.after = [np.zeros(shape, dtype=np.int64) if m else None for m in self.mixed]
        self.total = [np.zeros(self.vans, dtype=np.int64) for _ in self.loads]
        self.feasible = [True] * self.vans
        self.route_cost = [0] * self.vans

    def update(self, r: int) -> None:
        """Recompute round r's row after its list changed."""
        seq = self.routes[r]
        m = len(seq)
        if m > self.width:
            self.width = m * 2
            self._alloc()
            for q in range(self.vans):
                self.update(q)
            return
        d = self._d
        a = [0, *seq]
        b = [*seq, 0]
        self.prev[r, : m + 1] = a
        self.next[r, : m + 1] = b
        legs = [d[x][y] for x, y in zip(a, b, strict=True)]
        self.base[r, : m + 1] = legs
        self.stops[r] = m
        self.route_cost[r] = self._price[r] * sum(legs) + (self._fixed[r] if m else 0)
        ok = True
        if self.timed:
            t, s, op, late = self._t, self._s, self._open, self._late
            start, due = self.windows[r]
            leave, prev = start, 0
            departs = [start]
            for x in seq:
                begin = leave + t[prev][x]
                if begin < op[x]:
                    begin = op[x]
                elif begin > late[x]:
                    ok = False
                leave = begin + s[x]
                departs.append(leave)
                prev = x
            if leave + t[prev][0] > due:
                ok = False
            lates = [due] * (m + 1)
            latest, after = due, 0
            for k in range(m - 1, -1, -1):
                x = seq[k]
                latest = latest - t[x][after] - s[x]
                if latest > late[x]:
                    latest = late[x]
                lates[k] = latest
                after = x
            self.depart[r, : m + 1] = departs
            self.due[r, : m + 1] = lates
        for i, (pick, drop) in enumerate(self._loads):
            if not self.mixed[i]:
                total = sum(drop[x] + pick[x] for x in seq)
                self.total[i][r] = total
                if total > self.capacity[i][r]:
                    ok = False
                continue
            load = sum(drop[x] for x in seq)
            levels = [load]
            for x in seq:
                load += pick[x] - drop[x]
                levels.append(load)
            highest = list(accumulate(levels, max))
            self.before[i][r, : m + 1] = highest
            self.after[i][r, : m + 1] = list(accumulate(reversed(levels), max))[::-1]
            if highest[-1] > self.capacity[i][r]:
                ok = False
        self.feasible[r] = ok

    def cost(self) -> int:
        """The model's objective: costs of the vans used plus penalties of visits left out."""
        return sum(self.route_cost) + sum(self._penalty[k] for k in self.unassigned)

    def best_place(self, c: int, blink: float, rng: random.Random):
        """(extra cost, round, column) of the cheapest feasible place for c, or None."""
        prev, nxt = self.prev, self.next
        extra = self.dist_t[c][prev]
        extra += self.dist[c][nxt]
        extra -= self.base
        if self.priced:
            extra *= self.price[:, None]
        if self.fixed_any:
            extra[:, 0] += np.where(self.stops > 0, 0, self.fixed)
        ok = self.columns <= self.stops[:, None]
        if self.timed:
            begin = np.maximum(self.opens[c], self.depart + self.travel_t[c][prev])
            ok &= begin <= self.latest[c]
            begin += self.service[c] + self.travel[c][nxt]
            ok &= begin <= self.due
        rows = None
        for i, (pick, drop, cap) in enumerate(self.loads):
            if self.mixed[i]:
                worst = np.maximum(self.before[i] + drop[c], self.after[i] + pick[c])
                ok &= worst <= cap[:, None]
            else:
                fits = self.total[i] + (drop[c] + pick[c]) <= cap
                rows = fits if rows is None else rows & fits
        if rows is not None:
            ok &= rows[:, None]
        if blink:  # skip each place with probability ``blink`` (a window of a random pool)
            if 2 * ok.size > len(self.blinks):
                self.blinks = np.random.default_rng(c).random(4 * ok.size) >= blink
            at = rng.randrange(len(self.blinks) - ok.size)
            ok &= self.blinks[at : at + ok.size].reshape(ok.shape)
        extra[~ok] = BIG
        flat = int(extra.argmin())
        r, k = divmod(flat, extra.shape[1])
        if extra[r, k] >= BIG:
            return None
        return int(extra[r, k]), r, k

    def insert(self, c: int, r: int, k: int) -> None:
        self.routes[r].insert(k, c)
        self.update(r)


class Ruin:
    """SISR string removal: strings of consecutive visits from rounds near a seed visit."""

    def __init__(self, distance: np.ndarray, settings: LnsSettings, rng: random.Random):
        d = np.asarray(distance, dtype=float)
        d = d + d.T  # symmetric closeness
        np.fill_diagonal(d, -1)  # each visit first in its own list
        d[:, 0] = np.inf  # the hub is never removed
        self.near = np.argsort(d, axis=1)[:, :-1].tolist()
        self.settings = settings
        self.rng = rng

    def __call__(self, routes: list[list[int]], where: dict[int, int]) -> list[int]:
        s, rng = self.settings, self.rng
        if not where:
            return []
        avg_len = len(where) / sum(1 for r in routes if r)
        longest = min(s.max_string, avg_len)
        strings_max = 4 * s.avg_removed / (1 + longest) - 1
        strings = int(rng.uniform(1, strings_max + 1))
        seed = rng.randrange(1, len(self.near))
        while seed not in where:
            seed = rng.randrange(1, len(self.near))
        removed: list[int] = []
        ruined: set[int] = set()
        for c in self.near[seed]:
            if len(ruined) >= strings:
                break
            r = where.get(c)
            if r is None or r in ruined:
                continue
            route = routes[r]
            length = int(rng.uniform(1, min(len(route), longest) + 1))
            pos = route.index(c)
            if rng.random() < s.split_rate and length < len(route):
                removed += self._split(route, pos, length)
            else:
                first = rng.randint(max(0, pos - length + 1), min(pos, len(route) - length))
                removed += route[first : first + length]
            ruined.add(r)
        return removed

    def _split(self, route: list[int], pos: int, length: int) -> list[int]:
        """A string of ``length + kept`` visits through ``pos``, a run of ``kept`` inside stays."""
        rng = self.rng
        kept = 1
        while length + kept < len(route) and rng.random() < 0.5:
            kept += 1
        span = length + kept
        first = rng.randint(max(0, pos - span + 1), min(pos, len(route) - span))
        keep_from = first + rng.randint(0, length)
        return [
            k
            for i, k in enumerate(route[first : first + span], start=first)
            if not keep_from <= i < keep_from + kept
        ]


def _order(removed: list[int], plan: Plan, rng: random.Random, windows: bool = False) -> list[int]:
    """SISR's insertion orders, weighted 4 random : 4 biggest : 2 farthest : 1 nearest,
    and with ``windows`` 2 : 2 : 2 more for the narrowest, earliest-opening and
    latest-closing opening hours first."""
    pick = rng.random() * (17 if windows else 11)
    if pick >= 11:
        opens, latest = plan._open, plan._late
        if pick < 13:
            return sorted(removed, key=lambda k: latest[k] - opens[k])
        if pick < 15:
            return sorted(removed, key=lambda k: opens[k])
        return sorted(removed, key=lambda k: -latest[k])
    if pick < 4:
        rng.shuffle(removed)
        return removed
    if pick < 8:
        size = plan.loads[0][0] + plan.loads[0][1] if plan.loads else plan.dist[0]
        return sorted(removed, key=lambda k: -int(size[k]))
    if pick < 10:
        return sorted(removed, key=lambda k: -int(plan.dist[0, k]))
    return sorted(removed, key=lambda k: int(plan.dist[0, k]))


def search(model, routes: list[list[int]], deadline: float, settings: LnsSettings, polish=None):
    """Improve ``routes`` until ``deadline`` (perf_counter). Returns ``(best routes,
    steps)``; the best is the start itself when nothing better was found or the start
    breaks a rule this loop knows (then it does not search).

    ``polish(routes)``, when given, is a local search (OR-Tools' descent) that returns
    better rounds or None; it runs on a new best plan at most every ``polish_every_s``
    and the loop goes on from its answer.
    """
    rng = random.Random(settings.seed)
    plan = Plan(model, routes, settings.blink_rate)
    if not all(plan.feasible) or (plan.penalty[list(plan.unassigned)] < 0).any():
        return routes, 0
    ruin = Ruin(model.distance, settings, rng)
    windows = settings.window_orders and plan.timed
    current = best = plan.cost()
    best_routes = [list(r) for r in plan.routes]
    arcs = sum(len(r) + 1 for r in plan.routes if r) or 1
    mean_arc = max(1.0, best / arcs)
    hot, cold = settings.start_temperature, settings.end_temperature
    if plan.timed:
        hot, cold = settings.timed_temperatures
    t0 = hot * mean_arc
    t1 = min(t0, cold * mean_arc)
    started = _time.perf_counter()
    span = max(deadline - started, 1e-6)
    steps = 0
    temperature = t0
    polished_at, improved = started, False
    while True:
        if steps % 16 == 0:
            now = _time.perf_counter()
            if now >= deadline or steps >= settings.max_steps:
                break
            done = max((now - started) / span, steps / settings.max_steps)
            temperature = t0 * (t1 / t0) ** done
            if polish and improved and now - polished_at >= settings.polish_every_s:
                polished_at, improved = now, False
                found = polish(best_routes)
                if found is not None:
                    better = Plan(model, found, settings.blink_rate)
                    if all(better.feasible) and better.cost() < best:
                        plan, best = better, better.cost()
                        current, best_routes = best, [list(r) for r in plan.routes]
        steps += 1
        where = {k: r for r, route in enumerate(plan.routes) for k in route}
        removed = ruin(plan.routes, where)
        saved = {where[k]: list(plan.routes[where[k]]) for k in removed}
        saved_unassigned = set(plan.unassigned)
        gone = set(removed)
        for r in saved:
            plan.routes[r] = [k for k in plan.routes[r] if k not in gone]
            plan.update(r)
        if not all(plan.feasible[r] for r in saved):  # a matrix without the triangle rule
            _restore(plan, saved, saved_unassigned)
            continue
        todo = _order(removed + sorted(plan.unassigned), plan, rng, windows)
        plan.unassigned = set()
        for c in todo:
            place = plan.best_place(c, settings.blink_rate, rng)
            if place is None:
                plan.unassigned.add(c)
                continue
            _extra, r, k = place
            if r not in saved:
                saved[r] = list(plan.routes[r])
            plan.insert(c, r, k)
        if plan.unassigned and (plan.penalty[list(plan.unassigned)] < 0).any():
            _restore(plan, saved, saved_unassigned)
            continue
        cost = plan.cost()
        if cost < current - temperature * math.log(1.0 - rng.random()):
            current = cost
            if cost < best:
                best, improved = cost, True
                best_routes = [list(r) for r in plan.routes]
        else:
            _restore(plan, saved, saved_unassigned)
    return best_routes, steps


def _restore(plan: Plan, saved: dict[int, list[int]], unassigned: set[int]) -> None:
    for r, route in saved.items():
        plan.routes[r] = route
        plan.update(r)
    plan.unassigned = unassigned
