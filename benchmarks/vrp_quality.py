"""How good are the hub's rounds? Run the round planner on standard VRP instances.

    python benchmarks/vrp_quality.py ../shared/bench/instances/cvrp/*.vrp \\
        ../shared/bench/instances/vrptw/*.txt --time-limit 10

Each instance is mapped into the same `RoutingProblem` the hub plans its days with
(the same `solve`, the same search settings, only the time limit changed):

- CVRPLIB `.vrp`: arcs are the CVRPLIB integers (Euclidean rounded to the nearest
  integer, taken as metres); demands are deliveries in grams; the fleet is unlimited,
  so we give ceil(demand / capacity) * 1.15 + 2 vans; no time windows.
- Solomon `.txt`: metres = Euclidean x 1000 rounded, seconds = Euclidean x 1000 rounded
  up, windows and service x 1000; service must START inside the window; 25 vans.
  Our cost is recomputed from the routes in exact double precision.

Best-known values are distance-only and come from ``benchmarks/best_known.csv`` (value,
vans, source, year), else from the instance's `.sol` file; when neither has one the
line says so and shows no gap (a CVRPLIB comment line is shown as "comment says", never
used: some are decades old). Li & Lim pickup-and-delivery pairs are not in the hub's
model: such files are named and skipped.

One line per instance: name, our cost, best known, gap %, vans used, seconds and our CPU
seconds (solver workers included); then PyVRP's cost, gap, vans and CPU seconds at the
same time limit and the same number of cores (``--cores``: ours runs that many workers,
PyVRP that many seeds in parallel, best kept) when `pyvrp` is installed. Mean gaps and
their difference end the table. ``--random N`` adds N generated CVRP and N VRPTW
instances (fixed seeds, never tuned on); their reference is the better of the two
results, so a gap there is the distance to PyVRP or 0.
The load average is printed before and after: on a shared machine the CPU share
decides the result.
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing
import os
import re
import resource
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import vrplib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from logistics.domain.routing import (  # noqa: E402
    DEFAULT_SETTINGS,
    Depot,
    RoutingProblem,
    Stop,
    Van,
    solve,
)

GENERATED = "generated; its reference is the better of ours and PyVRP's, and PyVRP did not run"
BEST_KNOWN_CSV = Path(__file__).resolve().parent / "best_known.csv"


@dataclass(frozen=True)
class BestKnown:
    value: float
    vans: int | None
    objective: str
    source: str
    year: str


def best_known_table(path: Path = BEST_KNOWN_CSV) -> dict[str, BestKnown]:
    """The table of best-known values, by instance name."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["instance"]] = BestKnown(
                float(row["best_known"]),
                int(row["vehicles"]) if row["vehicles"] else None,
                row["objective"],
                row["source"],
                row["year"],
            )
    return out


SOLOMON_SCALE = 1000


@dataclass
class Instance:
    name: str
    kind: str  # "cvrp" or "vrptw"
    coords: np.ndarray
    demand: np.ndarray
    capacity: int
    vans: int
    distance: np.ndarray  # integer matrix the solvers see
    duration: np.ndarray
    windows: np.ndarray | None  # (n+1, 2) scaled
    service: np.ndarray | None  # (n+1,) scaled
    best_known: float | None
    scale: int
    best_from: str = ""
    """Where ``best_known`` comes from, or why there is none."""
    comment_says: str = ""

    def exact_cost(self, routes: list[list[int]]) -> float:
        """Cost of routes (lists of node indices, depot 0 implied) in the instance's rules."""
        total = 0.0
        for route in routes:
            path = [0, *route, 0]
            for a, b in zip(path, path[1:], strict=False):
                d = float(np.hypot(*(self.coords[a] - self.coords[b])))
                total += math.floor(d + 0.5) if self.kind == "cvrp" else d
        return total


def _euclid(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def best_known_for(path: Path, table: dict[str, BestKnown]) -> tuple[float | None, str]:
    """The table's value, else the .sol file's cost, with where it came from."""
    row = table.get(path.stem)
    if row is not None:
        return row.value, f"best_known.csv: {row.source} ({row.year or 'year not recorded'})"
    sol = path.with_suffix(".sol")
    if sol.exists():
        return float(vrplib.read_solution(str(sol))["cost"]), f"{sol.name}"
    return None, f"no best-known value for {path.stem} in best_known.csv or a .sol file"


def read_instance(path: Path, table: dict[str, BestKnown] | None = None) -> Instance:
    name = path.stem
    best, best_from = best_known_for(path, best_known_table() if table is None else table)
    if path.suffix == ".vrp":
        data = vrplib.read_instance(str(path))
        coords = np.asarray(data["node_coord"], dtype=float)
        demand = np.asarray(data["demand"], dtype=np.int64)
        capacity = int(data["capacity"])
        found = re.search(r"(?:Optimal|Best) value:\s*(\d+)", str(data.get("comment", "")))
        dist = np.floor(_euclid(coords) + 0.5).astype(np.int64)
        vans = math.ceil(demand.sum() / capacity * 1.15) + 2
        return Instance(
            name, "cvrp", coords, demand, capacity, vans, dist, np.zeros_like(dist),
            None, None, best, 1, best_from, found.group(1) if found else "",
        )  # fmt: skip
    data = vrplib.read_instance(str(path), instance_format="solomon")
    return solomon_instance(
        name,
        np.asarray(data["node_coord"], dtype=float),
        np.asarray(data["demand"], dtype=np.int64),
        int(data["capacity"]),
        int(data["vehicles"]),
        np.asarray(data["time_window"], dtype=np.int64),
        np.asarray(data["service_time"], dtype=np.int64),
        best,
        best_from,
    )


def solomon_instance(name, coords, demand, capacity, vans, windows, service, best, best_from):
    e = _euclid(coords) * SOLOMON_SCALE
    return Instance(
        name=name,
        kind="vrptw",
        coords=coords,
        demand=demand,
        capacity=capacity,
        vans=vans,
        distance=np.rint(e).astype(np.int64),
        duration=np.ceil(e - 1e-6).astype(np.int64),
        windows=windows * SOLOMON_SCALE,
        service=service * SOLOMON_SCALE,
        best_known=best,
        scale=SOLOMON_SCALE,
        best_from=best_from,
    )


def is_pickup_and_delivery(path: Path) -> bool:
    """Li & Lim files: the first line is ``vehicles capacity speed``, rows carry siblings."""
    with open(path, encoding="utf-8") as f:
        first = f.readline().split()
    return len(first) == 3 and all(x.isdigit() for x in first)


def random_cvrp(seed: int, n: int = 150) -> Instance:
    """An X-like CVRP: random depot, customers clustered or scattered, 1-100 demands."""
    rng = np.random.default_rng(1000 + seed)
    centres = rng.uniform(0, 1000, size=(rng.integers(3, 8), 2))
    clustered = centres[rng.integers(0, len(centres), n // 2)] + rng.normal(0, 40, (n // 2, 2))
    scattered = rng.uniform(0, 1000, size=(n - n // 2, 2))
    coords = np.vstack([rng.uniform(0, 1000, (1, 2)), clustered, scattered]).round()
    demand = np.concatenate([[0], rng.integers(1, 101, n)]).astype(np.int64)
    capacity = int(rng.choice([100, 150, 200, 300]))
    dist = np.floor(_euclid(coords) + 0.5).astype(np.int64)
    vans = math.ceil(demand.sum() / capacity * 1.15) + 2
    return Instance(
        f"rnd-cvrp-{seed}", "cvrp", coords, demand, capacity, vans, dist, np.zeros_like(dist),
        None, None, None, 1, GENERATED,
    )  # fmt: skip


def random_vrptw(seed: int, n: int = 100) -> Instance:
    """A Solomon RC1-like VRPTW: mixed clusters, 30-90 minute windows, service 10."""
    rng = np.random.default_rng(2000 + seed)
    centres = rng.uniform(0, 100, size=(4, 2))
    clustered = centres[rng.integers(0, 4, n // 2)] + rng.normal(0, 6, (n // 2, 2))
    coords = np.vstack([[[50.0, 50.0]], clustered, rng.uniform(0, 100, (n - n // 2, 2))])
    coords = coords.clip(0, 100).round()
    demand = np.concatenate([[0], rng.integers(1, 41, n)]).astype(np.int64)
    horizon = 240
    direct = np.ceil(_euclid(coords)[0]).astype(np.int64)
    width = rng.integers(30, 91, n)
    earliest = direct[1:]
    latest = horizon - 10 - direct[1:] - width
    ready = (earliest + rng.random(n) * np.maximum(latest - earliest, 0)).astype(np.int64)
    windows = np.vstack([[0, horizon], np.stack([ready, ready + width], axis=1)])
    service = np.concatenate([[0], np.full(n, 10)]).astype(np.int64)
    return solomon_instance(
        f"rnd-vrptw-{seed}", coords, demand, 200, 25, windows, service, None,
        GENERATED,
    )  # fmt: skip


def to_problem(inst: Instance) -> RoutingProblem:
    n = len(inst.demand)
    big = 10**9
    if inst.windows is not None:
        depot = Depot("0", int(inst.windows[0, 0]), int(inst.windows[0, 1]))
    else:
        depot = Depot("0", 0, big)
    stops = []
    for i in range(1, n):
        opens, closes = (0, big) if inst.windows is None else map(int, inst.windows[i])
        service = 0 if inst.service is None else int(inst.service[i])
        stops.append(
            Stop(str(i), delivery_g=int(inst.demand[i]), opens_s=opens, closes_s=closes,
                 service_s=service)
        )  # fmt: skip
    vans = [
        Van(f"v{k}", inst.capacity, 1, depot.opens_s, depot.latest_return_s, 1)
        for k in range(inst.vans)
    ]
    return RoutingProblem(
        depot, stops, vans, inst.distance, inst.duration, service_ends_by_close=False,
        name=inst.name,
    )  # fmt: skip


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the solver's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_ours(inst: Instance, seconds: float, cores: int) -> tuple[float, int, float, float, int]:
    problem = to_problem(inst)
    settings = replace(
        DEFAULT_SETTINGS.with_time_limit(seconds), workers=cores, idle_cores_only=False
    )
    began, cpu = time.perf_counter(), cpu_seconds()
    plan = solve(problem, settings)
    elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
    routes = [[int(v.key) for v in r.visits] for r in plan.rounds]
    return inst.exact_cost(routes), plan.vans_used, elapsed, cpu, len(plan.unserved)


def hub_day(n_stations: int, seed: int = 0) -> RoutingProblem:
    """A synthetic township day: stations within ~15 km, mixed pickups and drops, windows."""
    from logistics.domain.geo import distance_matrix_m, travel_time_matrix_s

    rng = np.random.default_rng(seed)
    lats = 30.0 + rng.uniform(-0.13, 0.13, n_stations + 1)
    lons = 110.0 + rng.uniform(-0.15, 0.15, n_stations + 1)
    lats[0], lons[0] = 30.0, 110.0
    metres = distance_matrix_m(lats, lons, road_factor=1.4)
    seconds = travel_time_matrix_s(metres, speed_kmh=35)
    h = 3600
    stops = []
    for i in range(n_stations):
        opens = int(rng.choice([8 * h, 8 * h, 9 * h, 13 * h]))
        stops.append(
            Stop(
                f"ST{i + 1:02d}",
                pickup_g=int(rng.integers(5, 120)) * 1000,
                pickup_parcels=int(rng.integers(3, 45)),
                delivery_g=int(rng.integers(5, 90)) * 1000,
                delivery_parcels=int(rng.integers(2, 30)),
                opens_s=opens,
                closes_s=opens + int(rng.choice([3, 4, 9])) * h,
                service_s=240,
                service_per_parcel_s=8,
                waiting_days=int(rng.integers(0, 3)),
            )
        )
    vans = [
        Van(f"VAN{k + 1}", 1_000_000 if k % 2 else 1_500_000, 200 if k % 2 else 300,
            7 * h + 1800, 18 * h, 180, 8_000)
        for k in range(5)
    ]  # fmt: skip
    depot = Depot("HUB", 7 * h, 16 * h + 1800)
    return RoutingProblem(depot, stops, vans, metres, seconds, name=f"hub-day-{n_stations}")


def run_hub_day(n_stations: int, seeds: int = 3) -> None:
    for seed in range(seeds):
        problem = hub_day(n_stations, seed)
        began, cpu = time.perf_counter(), cpu_seconds()
        plan = solve(problem)
        elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
        print(
            f"hub day, {n_stations} stations, seed {seed}: {elapsed:.2f} s total "
            f"({cpu:.1f} cpu s, default settings), {plan.vans_used} vans, "
            f"{plan.metres / 1000:.1f} km, cost {plan.cost_fen / 100:.2f} yuan, "
            f"{len(plan.unserved)} stations carried over, {plan.status}"
        )


def pyvrp_missing() -> str | None:
    """None when PyVRP can run, else the sentence saying why it is skipped."""
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        return "PyVRP is not installed (pip install '.[bench]'): the comparison is skipped."
    return None


def _pyvrp_once(args) -> tuple[float, int]:
    inst, seconds, seed = args
    import pyvrp
    from pyvrp.stop import MaxRuntime

    m = pyvrp.Model()
    locs = [m.add_location(float(x), float(y)) for x, y in inst.coords]
    if inst.windows is not None:
        depot = m.add_depot(
            locs[0], tw_early=int(inst.windows[0, 0]), tw_late=int(inst.windows[0, 1])
        )
    else:
        depot = m.add_depot(locs[0])
    m.add_vehicle_type(num_available=inst.vans, capacity=inst.capacity, start_depot=depot,
                       end_depot=depot)  # fmt: skip
    for i in range(1, len(locs)):
        kw = {}
        if inst.windows is not None:
            kw = dict(
                tw_early=int(inst.windows[i, 0]),
                tw_late=int(inst.windows[i, 1]),
                service_duration=int(inst.service[i]),
            )
        m.add_client(locs[i], delivery=int(inst.demand[i]), **kw)
    for a, la in enumerate(locs):
        for b, lb in enumerate(locs):
            if a != b:
                m.add_edge(la, lb, int(inst.distance[a, b]), int(inst.duration[a, b]))
    result = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    # Its route API changes between versions; its own distance is the sum of the same
    # integer arcs ours sees (Solomon: within 0.0005 per arc of the exact cost).
    return result.best.distance() / inst.scale, result.best.num_routes()


def run_pyvrp(inst: Instance, seconds: float, cores: int) -> tuple[float, int, float]:
    """PyVRP's best of ``cores`` seeds run side by side: cost, vans, CPU seconds."""
    cpu = cpu_seconds()
    if cores <= 1:
        results = [_pyvrp_once((inst, seconds, 1))]
    else:
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            results = pool.map(_pyvrp_once, [(inst, seconds, 1 + k) for k in range(cores)])
    cost, vans = min(results)
    return cost, vans, cpu_seconds() - cpu


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def gap(cost: float, best: float | None) -> float | None:
    return None if not best else 100.0 * (cost - best) / best


def fmt_gap(g: float | None) -> str:
    return "    n/a" if g is None else f"{g:6.2f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help=".vrp (CVRPLIB) or .txt (Solomon)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solver run")
    parser.add_argument(
        "--cores", type=int, default=1, help="cores for each solver (ours and PyVRP alike)"
    )
    parser.add_argument("--no-pyvrp", action="store_true", help="skip the PyVRP comparison")
    parser.add_argument(
        "--random", type=int, default=0, metavar="N",
        help="also N generated CVRP and N VRPTW instances (held out from tuning)",
    )  # fmt: skip
    parser.add_argument(
        "--hub-day", type=int, metavar="N", help="also time a synthetic N-station hub day"
    )
    args = parser.parse_args(argv)
    if args.hub_day:
        run_hub_day(args.hub_day)
    table = best_known_table()
    instances: list[Instance] = []
    for path in args.paths:
        if path.suffix not in (".vrp", ".txt"):
            continue
        if path.suffix == ".txt" and is_pickup_and_delivery(path):
            row = table.get(path.stem)
            known = f" (best known {row.vans} vans / {row.value:.2f})" if row else ""
            print(f"{path.stem}: pickup-and-delivery pairs are not in the hub's model; skipped"
                  f"{known}.")  # fmt: skip
            continue
        instances.append(read_instance(path, table))
    for seed in range(args.random):
        instances += [random_cvrp(seed), random_vrptw(seed)]
    if not instances:
        return 0
    skip_pyvrp = "skipped (--no-pyvrp)." if args.no_pyvrp else pyvrp_missing()
    if skip_pyvrp:
        print(skip_pyvrp)

    print(
        f"load average {_load()} on {os.cpu_count()} cores; {args.cores} core(s) per solver, "
        f"{args.time_limit:g} s; cpu = CPU seconds"
    )
    print(
        f"{'instance':<12} {'ours':>10} {'best':>10} {'gap':>7} {'vans':>4} {'sec':>5} {'cpu':>5}"
        f" | {'pyvrp':>10} {'gap':>7} {'vans':>4} {'cpu':>5}"
    )
    gaps: dict[str, tuple[list[float], list[float]]] = {"known": ([], []), "held out": ([], [])}
    notes = []
    for inst in instances:
        cost, vans, secs, cpu, missing = run_ours(inst, args.time_limit, args.cores)
        py = None if skip_pyvrp else run_pyvrp(inst, args.time_limit, args.cores)
        generated = inst.name.startswith("rnd-")
        reference = inst.best_known
        if generated and py is not None:
            reference = min(py[0], cost)
        g = gap(cost, reference) if not missing else None
        line = (
            f"{inst.name:<12} {cost:>10.2f} {reference or 0:>10.2f} {fmt_gap(g)} "
            f"{vans:>4} {secs:>5.1f} {cpu:>5.1f}"
        )
        group = gaps["held out" if generated else "known"]
        if g is not None:
            group[0].append(g)
        if py is not None:
            pg = gap(py[0], reference)
            line += f" | {py[0]:>10.2f} {fmt_gap(pg)} {py[1]:>4} {py[2]:>5.1f}"
            if pg is not None:
                group[1].append(pg)
        if missing:
            line += f" ({missing} customers unserved)"
        print(line, flush=True)
        if reference is None:
            notes.append(f"{inst.name}: {inst.best_from}")
        if inst.comment_says and float(inst.comment_says) != reference:
            notes.append(f"{inst.name}: comment says {inst.comment_says}; not used")
    for label, (ours, theirs) in gaps.items():
        if not ours:
            continue
        # benchmarks/run.py reads the first two "N.NN%" of the last mean line.
        line = f"mean gap, {label} ({len(ours)}): ours {np.mean(ours):.2f}%"
        if theirs:
            line += f", PyVRP {np.mean(theirs):.2f}%, {np.mean(ours) - np.mean(theirs):+.2f} points"
        print(f"{line}; worst ours {max(ours):.2f}%")
    if gaps["held out"][0]:
        print("held out: gaps against the better of the two solvers at the same time")
    for note in notes:
        print(note)
    print(f"load average {_load()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
