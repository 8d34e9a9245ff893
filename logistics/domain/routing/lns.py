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

Speed: numpy's cost per call, not the arithmetic, is the floor, so the loop makes few
calls. A place's refusals (past the round's end, opening hours, loads, blinks) are added
to its cost as ``OUT`` instead of kept in masks; each step checkpoints the arrays, so a
refused step is undone with one copy instead of rebuilding its rounds; an insertion
patches its round's legs, cost and room; and visit -> round (``where``) follows each
change instead of being rebuilt. ``benchmarks/lns_steps.py`` measures it: 3,000 steps
from a saved GLS start, two seeds, the same rounds as before (2026-12-02, quiet machine,
steps per CPU second): X-n200-k36 6,000 -> 8,200, X-n101-k25 6,300-6,700 -> 8,800-9,100,
RC101 4,650-4,750 -> 6,000. Tried without gain: ``out=`` buffers (numpy 2.4 makes these
small arrays faster than it fills given ones), one assignment for several rows, one
table read for distance and travel together.
"""

from __future__ import annotations

import math
import random
import time as _time
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

OUT = 2**60
"""What a place that is no place costs (past a round's end, over capacity, too late,
blinked): added or set once or twice, so it stays far below int64's 2**63 and far above
any real extra cost, and argmin never picks it while a real place is left."""


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
    round_removal: float = 0.05
    """On plans without opening hours: the share of steps that also remove the round with
    the fewest visits, while the plan uses more rounds than its loads need at the least.
    String removals alone seldom empty a round: X-n200-k36 stayed at 37 rounds (2.2 %
    over the best known) in one run of seven; with this, 36 in eight of eight (0.9-1.5 %).
    With opening hours the load bound is far below what the hours need (RC101, R101), and
    there it only cost steps (R101 0.4 % against 0.0 %)."""
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
    (k+1)-th stop (the hub at both ends); columns past the round's end are not places
    (``base`` holds -``OUT`` there, so they cost ``OUT`` more than any place).
    """

    def __init__(self, model, routes: list[list[int]], blink_rate: float = 0.01):
        self.dist = np.asarray(model.distance, dtype=np.int64)
        self.n = self.dist.shape[0] - 1
        self.vans = len(model.vans)
        self.price = np.array([v.cost_per_km_fen or 1 for v in model.vans], dtype=np.int64)
        self.priced = bool((self.price != 1).any())
        self._price = self.price.tolist()
        self._fixed = [v.fixed_cost_fen * 1000 for v in model.vans]
        self.price_col = self.price[:, None]
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
        # With one of pickups or drops a visit takes drop + pick of the round's room.
        self._size = [[d + p for p, d in zip(*pd, strict=True)] for pd in self._loads]
        self.capacity = [c.tolist() for _, _, c in self.loads]
        self.cap_col = [c[:, None] for _, _, c in self.loads]
        self.dist_t = np.ascontiguousarray(self.dist.T)
        self.travel_t = np.ascontiguousarray(self.travel.T)
        # Row c: service at c, then the drive on from c (the sum best_place adds).
        self.onward = self.travel + self.service[:, None]
        # _order's "biggest first" and "farthest first" keys.
        first = self.loads[0][0] + self.loads[0][1] if self.loads else self.dist[0]
        self._first_size = first.tolist()
        self.blinks = np.random.default_rng(0).random(1 << 16) >= blink_rate
        self._blinked = np.where(self.blinks, 0, OUT)
        self.routes = [list(r) for r in routes]
        self.width = max(8, max(len(r) for r in self.routes) + 4)
        self._alloc()
        for r in range(self.vans):
            self.update(r)
        served = {k for r in self.routes for k in r}
        self.unassigned = {k for k in range(1, self.n + 1) if k not in served}
        self._saved = None

    def _alloc(self) -> None:
        # Every per-place array is a slice of one block, so ``checkpoint`` and
        # ``rollback`` copy them all in one numpy call.
        shape = (self.vans, self.width + 1)
        names = ["prev", "next", "base"]
        if self.timed:
            names += ["depart", "due"]
        # A dimension with pickups and drops needs the highest load before and after each
        # place; with only one of them the round's total decides (one number per round).
        for i, m in enumerate(self.mixed):
            if m:
                names += [f"before{i}", f"after{i}"]
        self._block = np.zeros((len(names), *shape), dtype=np.int64)
        at = {name: self._block[j] for j, name in enumerate(names)}
        self.prev, self.next, self.base = at["prev"], at["next"], at["base"]
        self.depart, self.due = at.get("depart"), at.get("due")
        self.before = [at.get(f"before{i}") for i in range(len(self.mixed))]
        self.after = [at.get(f"after{i}") for i in range(len(self.mixed))]
        # Room left in each round, per dimension without mixed loads.
        self.slack = np.zeros((len(self.loads), self.vans), dtype=np.int64)
        # What update and best_place read per dimension, gathered once.
        self._rooms = [
            (self.slack[i], self._size[i], self.capacity[i])
            for i, m in enumerate(self.mixed)
            if not m
        ]
        self._peaks = [
            (self.before[i], self.after[i], pick, drop, self.cap_col[i], self.capacity[i])
            for i, (pick, drop) in enumerate(self._loads)
            if self.mixed[i]
        ]
        self.feasible = [True] * self.vans
        self.route_cost = [0] * self.vans

    def update(self, r: int) -> None:
        """Recompute round r's row after its list changed."""
        seq = self.routes[r]
        m = len(seq)
        if m > self.width:
            self._grow(m)
            return
        d = self._d
        a = [0, *seq]
        b = [*seq, 0]
        self.prev[r, : m + 1] = a
        self.next[r, : m + 1] = b
        legs = [d[x][y] for x, y in zip(a, b, strict=False)]  # equal lengths; strict costs
        price = self._price[r]
        fixed = self._fixed[r] if m else 0
        self.route_cost[r] = price * sum(legs) + fixed
        # ``base`` is in cost units, so best_place subtracts it after pricing the two new
        # legs: price x (in - out) + fixed = price x in - (price x out - fixed), the
        # fixed cost counting on the first visit of an empty round.
        if self.priced:
            legs = [price * x for x in legs]
        if not m:
            legs[0] -= self._fixed[r]
        self.base[r, : m + 1] = legs
        self.base[r, m + 1 :] = -OUT
        ok = self._schedule(r, seq) if self.timed else True
        rooms = [capacity[r] - sum([size[x] for x in seq]) for _, size, capacity in self._rooms]
        self._settle(r, seq, ok, rooms)

    def insert(self, c: int, r: int, k: int) -> None:
        """Put c at place k of round r: the same arrays as ``update`` gives, for less."""
        route = self.routes[r]
        route.insert(k, c)
        m = len(route)
        if m > self.width:
            self._grow(m)
            return
        # Only one place changes: the leg p -> n becomes p -> c -> n, so the cost and the
        # row of ``base`` are patched (the same integers ``update`` sums), and each
        # round's room shrinks by c's size. Columns past the round's end stay marked.
        d = self._d
        p = route[k - 1] if k else 0
        n = route[k + 1] if k + 1 < m else 0
        self.prev[r, : m + 1] = [0, *route]
        self.next[r, : m + 1] = [*route, 0]
        price = self._price[r]
        into, out = price * d[p][c], price * d[c][n]
        self.base[r, k + 2 : m + 1] = self.base[r, k + 1 : m]  # numpy copies overlaps safely
        self.base[r, k : k + 2] = [into, out]  # (an empty round's fixed cost goes)
        self.route_cost[r] += into + out - price * d[p][n] + (self._fixed[r] if m == 1 else 0)
        ok = self._schedule(r, route) if self.timed else True
        self._settle(r, route, ok, [int(slack[r]) - size[c] for slack, size, _ in self._rooms])

    def _settle(self, r: int, seq: list[int], ok: bool, rooms: list[int]) -> None:
        """Round r's room left in each load (``rooms``) and whether it keeps every rule."""
        for (slack, _size, _capacity), room in zip(self._rooms, rooms, strict=True):
            slack[r] = room
            if room < 0:
                ok = False
        if self._peaks and not self._peak_loads(r, seq):
            ok = False
        self.feasible[r] = ok

    def _grow(self, m: int) -> None:
        """Wider arrays for a round of m stops, every row recomputed."""
        self.width = m * 2
        self._alloc()
        for q in range(self.vans):
            self.update(q)

    def _schedule(self, r: int, seq: list[int]) -> bool:
        """Round r's rows of ``depart`` and ``due``; False if it misses an opening hour or
        its van's return."""
        m = len(seq)
        ok = True
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
        lates = [due]  # built backwards, then turned round
        latest, after = due, 0
        for x in reversed(seq):
            latest = latest - t[x][after] - s[x]
            if latest > late[x]:
                latest = late[x]
            lates.append(latest)
            after = x
        lates.reverse()
        self.depart[r, : m + 1] = departs
        self.due[r, : m + 1] = lates
        return ok

    def _peak_loads(self, r: int, seq: list[int]) -> bool:
        """Round r's rows of ``before`` and ``after`` for the dimensions with pickups and
        drops; False if the van is over capacity somewhere."""
        m = len(seq)
        ok = True
        for high_before, high_after, pick, drop, _, capacity in self._peaks:
            load = sum(drop[x] for x in seq)
            levels = [load]
            for x in seq:
                load += pick[x] - drop[x]
                levels.append(load)
            highest = list(accumulate(levels, max))
            high_before[r, : m + 1] = highest
            high_after[r, : m + 1] = list(accumulate(reversed(levels), max))[::-1]
            if highest[-1] > capacity[r]:
                ok = False
        return ok

    def checkpoint(self) -> None:
        """Remember the arrays, so ``rollback`` puts them back without recomputing."""
        self._saved = (
            self._block.copy(),
            self.slack.copy(),
            self.route_cost.copy(),
            self.feasible.copy(),
        )

    def rollback(self, saved: dict[int, list[int]]) -> None:
        """Put back the rounds ``saved`` (round -> its list at the checkpoint) and the
        arrays as they were at the checkpoint; rounds not in ``saved`` must not have
        changed since."""
        for r, route in saved.items():
            self.routes[r] = route
        block, slack, route_cost, feasible = self._saved
        if block.shape != self._block.shape:  # the arrays grew since: recompute
            for r in saved:
                self.update(r)
            return
        self._block[...] = block
        self.slack[...] = slack
        self.route_cost, self.feasible = route_cost, feasible

    def cost(self) -> int:
        """The model's objective: costs of the vans used plus penalties of visits left out."""
        return sum(self.route_cost) + sum(self._penalty[k] for k in self.unassigned)

    def best_place(self, c: int, blink: float, rng: random.Random):
        """(extra cost, round, column) of the cheapest feasible place for c, or None."""
        prev, nxt = self.prev, self.next
        extra = self.dist_t[c][prev]
        extra += self.dist[c][nxt]
        if self.priced:
            extra *= self.price_col
        extra -= self.base  # the leg replaced, a fixed cost, OUT past the round's end
        refused = None  # places refused by a per-place rule
        if self.timed:
            begin = self.depart + self.travel_t[c][prev]
            np.maximum(begin, self._open[c], out=begin)
            refused = begin > self._late[c]
            begin += self.onward[c][nxt]
            refused |= begin > self.due
        for before, after, pick, drop, cap, _ in self._peaks:
            over = np.maximum(before + drop[c], after + pick[c]) > cap
            if refused is None:
                refused = over
            else:
                refused |= over
        full = None  # rounds without room for c
        for slack, size, _ in self._rooms:
            short = slack < size[c]
            full = short if full is None else full | short
        if full is not None:
            if refused is None:
                extra[full] = OUT
            else:
                refused |= full[:, None]
        if refused is not None:
            extra[refused] = OUT
        if blink:  # skip each place with probability ``blink`` (a window of a random pool)
            size = extra.size
            if 2 * size > len(self.blinks):
                self.blinks = np.random.default_rng(c).random(4 * size) >= blink
                self._blinked = np.where(self.blinks, 0, OUT)
            at = rng.randrange(len(self.blinks) - size)
            extra += self._blinked[at : at + size].reshape(extra.shape)
        flat = int(extra.argmin())
        r, k = divmod(flat, extra.shape[1])
        value = int(extra[r, k])
        if value >= OUT // 2:  # every place refused (a real cost is far below)
            return None
        return value, r, k


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
        avg_len = len(where) / (len(routes) - routes.count([]))
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
        size = plan._first_size
        return sorted(removed, key=lambda k: -size[k])
    hub = plan._d[0]
    if pick < 10:
        return sorted(removed, key=lambda k: -hub[k])
    return sorted(removed, key=lambda k: hub[k])


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
    # Kept up to date with each removal, insertion and undo, not rebuilt every step.
    where = _where(plan)
    fewest = fewest_rounds(plan)
    round_removal = 0.0 if plan.timed else settings.round_removal
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
                        where = _where(plan)
        steps += 1
        plan.checkpoint()
        removed = ruin(plan.routes, where)
        if round_removal and rng.random() < round_removal:
            removed += _smallest_round(plan.routes, fewest, set(removed))
        saved = {where[k]: list(plan.routes[where[k]]) for k in removed}
        # Not copied: the loop gives plan.unassigned a new set below and never changes
        # this one.
        saved_unassigned = plan.unassigned
        gone = set(removed)
        for k in removed:
            del where[k]
        for r in saved:
            plan.routes[r] = [k for k in plan.routes[r] if k not in gone]
            plan.update(r)
        if not all(plan.feasible[r] for r in saved):  # a matrix without the triangle rule
            _restore(plan, saved, saved_unassigned, where)
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
            where[c] = r
        if plan.unassigned and (plan.penalty[list(plan.unassigned)] < 0).any():
            _restore(plan, saved, saved_unassigned, where)
            continue
        cost = plan.cost()
        if cost < current - temperature * math.log(1.0 - rng.random()):
            current = cost
            if cost < best:
                best, improved = cost, True
                best_routes = [list(r) for r in plan.routes]
        else:
            _restore(plan, saved, saved_unassigned, where)
    return best_routes, steps


def fewest_rounds(plan: Plan) -> int:
    """A lower bound on the rounds any plan needs: each load over the biggest van."""
    fewest = 1
    for pick, drop, capacity in plan.loads:
        biggest = int(capacity.max()) if len(capacity) else 0
        if biggest > 0:
            need = max(int(pick.sum()), int(drop.sum()))
            fewest = max(fewest, -(-need // biggest))
    return fewest


def _smallest_round(routes: list[list[int]], fewest: int, removed: set[int]) -> list[int]:
    """The visits of the round with the fewest visits, when more rounds than ``fewest``
    are used (none otherwise); those already in ``removed`` left out."""
    used = [route for route in routes if route]
    if len(used) <= fewest:
        return []
    smallest = min(used, key=len)
    return [k for k in smallest if k not in removed]


def _where(plan: Plan) -> dict[int, int]:
    """Visit -> its round, for the visits served."""
    return {k: r for r, route in enumerate(plan.routes) for k in route}


def _restore(
    plan: Plan, saved: dict[int, list[int]], unassigned: set[int], where: dict[int, int]
) -> None:
    """Undo a step: the rounds in ``saved`` (every round it changed) as they were at the
    step's checkpoint, the visits left out then, and ``where`` to match."""
    for r in saved:  # all out first: a visit may have moved between two of them
        for k in plan.routes[r]:
            del where[k]
    for r, route in saved.items():
        for k in route:
            where[k] = r
    plan.rollback(saved)
    plan.unassigned = unassigned
