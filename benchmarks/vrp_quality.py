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

Best known values are distance-only (``../shared/bench/instances/SOURCES.md``): the
`.sol` file's cost when present, else the table below. One line per instance:
name, our cost, best known, gap %, vans used, seconds, our CPU seconds (solver workers
included); then PyVRP's cost, gap and vans at the same time limit when `pyvrp` is
installed (one process). A mean gap line ends the table; the load average is printed
before and after, since on a shared machine the CPU share decides the result.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import sys
import time
from dataclasses import dataclass
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

# Distance-only best known values (SOURCES.md); .sol files take precedence.
BEST_KNOWN = {
    "A-n32-k5": 784,
    "E-n51-k5": 521,
    "E-n76-k10": 830,
    "X-n101-k25": 27591,
    "X-n200-k36": 58578,
    "C101": 828.94,
    "C201": 591.56,
    "R101": 1642.88,
    "RC101": 1623.58,
    "R201": 1147.80,
}

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


def read_instance(path: Path) -> Instance:
    name = path.stem
    best = BEST_KNOWN.get(name)
    sol = path.with_suffix(".sol")
    if sol.exists():
        best = vrplib.read_solution(str(sol))["cost"]
    if path.suffix == ".vrp":
        data = vrplib.read_instance(str(path))
        coords = np.asarray(data["node_coord"], dtype=float)
        demand = np.asarray(data["demand"], dtype=np.int64)
        capacity = int(data["capacity"])
        if best is None:
            found = re.search(r"(?:Optimal|Best) value:\s*(\d+)", str(data.get("comment", "")))
            best = int(found.group(1)) if found else None
        dist = np.floor(_euclid(coords) + 0.5).astype(np.int64)
        vans = math.ceil(demand.sum() / capacity * 1.15) + 2
        return Instance(
            name, "cvrp", coords, demand, capacity, vans, dist, np.zeros_like(dist),
            None, None, best, 1,
        )  # fmt: skip
    data = vrplib.read_instance(str(path), instance_format="solomon")
    coords = np.asarray(data["node_coord"], dtype=float)
    e = _euclid(coords) * SOLOMON_SCALE
    return Instance(
        name=str(data.get("name", name)).strip() or name,
        kind="vrptw",
        coords=coords,
        demand=np.asarray(data["demand"], dtype=np.int64),
        capacity=int(data["capacity"]),
        vans=int(data["vehicles"]),
        distance=np.rint(e).astype(np.int64),
        duration=np.ceil(e - 1e-6).astype(np.int64),
        windows=np.asarray(data["time_window"], dtype=np.int64) * SOLOMON_SCALE,
        service=np.asarray(data["service_time"], dtype=np.int64) * SOLOMON_SCALE,
        best_known=best,
        scale=SOLOMON_SCALE,
    )


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


def run_ours(inst: Instance, seconds: float) -> tuple[float, int, float, float, int]:
    problem = to_problem(inst)
    began, cpu = time.perf_counter(), cpu_seconds()
    plan = solve(problem, DEFAULT_SETTINGS.with_time_limit(seconds))
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


def run_pyvrp(inst: Instance, seconds: float) -> tuple[float, int] | None:
    try:
        import pyvrp
        from pyvrp.stop import MaxRuntime
    except ImportError:
        return None
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
    result = m.solve(stop=MaxRuntime(seconds), display=False)
    best = result.best
    return best.distance() / inst.scale, best.num_routes()


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
    parser.add_argument("--no-pyvrp", action="store_true", help="skip the PyVRP comparison")
    parser.add_argument(
        "--hub-day", type=int, metavar="N", help="also time a synthetic N-station hub day"
    )
    args = parser.parse_args(argv)
    if args.hub_day:
        run_hub_day(args.hub_day)
    if not args.paths:
        return 0

    print(f"load average {_load()} on {os.cpu_count()} cores (cpu = our CPU seconds)")
    print(
        f"{'instance':<12} {'ours':>10} {'best':>10} {'gap':>7} {'vans':>4} {'sec':>5} {'cpu':>5}"
        f" | {'pyvrp':>10} {'gap':>7} {'vans':>4}"
    )
    ours_gaps, py_gaps = [], []
    for path in args.paths:
        if path.suffix not in (".vrp", ".txt"):
            continue
        inst = read_instance(path)
        cost, vans, secs, cpu, missing = run_ours(inst, args.time_limit)
        g = gap(cost, inst.best_known) if not missing else None
        line = (
            f"{inst.name:<12} {cost:>10.2f} {inst.best_known or 0:>10.2f} {fmt_gap(g)} "
            f"{vans:>4} {secs:>5.1f} {cpu:>5.1f}"
        )
        if missing:
            line += f" ({missing} customers unserved)"
        if g is not None:
            ours_gaps.append(g)
        py = None if args.no_pyvrp else run_pyvrp(inst, args.time_limit)
        if py is not None:
            pg = gap(py[0], inst.best_known)
            line += f" | {py[0]:>10.2f} {fmt_gap(pg)} {py[1]:>4}"
            if pg is not None:
                py_gaps.append(pg)
        print(line, flush=True)
    if ours_gaps:
        line = f"{'mean gap':<12} {'':>10} {'':>10} {np.mean(ours_gaps):6.2f}%"
        if py_gaps:
            line += f" {'':>4} {'':>5} {'':>5} | {'':>10} {np.mean(py_gaps):6.2f}%"
        print(line)
    print(f"load average {_load()} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
