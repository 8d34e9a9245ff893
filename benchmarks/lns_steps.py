"""Steps per CPU second of our ruin and recreate loop (``lns.search``), from a fixed start.

    python benchmarks/lns_steps.py ../shared/bench/instances/cvrp/X-n200-k36.vrp \\
        ../shared/bench/instances/cvrp/X-n101-k25.vrp \\
        ../shared/bench/instances/vrptw/RC101.txt --steps 3000 --seeds 0 1

Each instance is mapped as in ``vrp_quality.py`` and built into the solver's model. The
start is a short OR-Tools GLS plan (``--gls-seconds``), saved as JSON under ``--starts``
the first time and read back after, so runs of two versions of the loop begin from the
same rounds (a timed GLS run is not repeatable). The loop then runs exactly ``--steps``
steps (rounded up to a multiple of 16; the deadline is far away), which makes it
deterministic for a seed: same seed, same rounds, whatever the machine's load.

One line per instance and seed: steps, CPU seconds (``time.process_time``, best of
``--repeat``), steps per CPU second and the final cost (model units). ``--against
OLD_LNS.py`` also runs another copy of ``lns.py`` (e.g. the version before a speed-up)
on the same start and seed, and says whether its rounds and step count are the same.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vrp_quality import read_instance, to_problem  # noqa: E402

from logistics.domain.routing import lns  # noqa: E402
from logistics.domain.routing.model import build_model  # noqa: E402
from logistics.domain.routing.solver import (  # noqa: E402
    SearchSettings,
    _prepare,
    search_parameters,
)

FAR = 1e12
"""A deadline no run reaches: the step count alone stops the loop."""


def model_of(path: Path):
    problem = to_problem(read_instance(path))
    prepared = _prepare(problem)
    return build_model(problem, prepared.visits, prepared.vans)


def start_routes(model, path: Path, starts: Path, gls_seconds: float) -> list[list[int]]:
    """The saved start of this instance, or a new GLS plan saved for next time."""
    saved = starts / f"lns_start_{path.stem}.json"
    if saved.exists():
        return json.loads(saved.read_text())
    params = search_parameters(
        SearchSettings(time_limit_s=gls_seconds), "PATH_CHEAPEST_ARC/GUIDED_LOCAL_SEARCH"
    )
    solution = model.routing.SolveWithParameters(params)
    routes = lns.routes_of(model, solution)
    saved.write_text(json.dumps(routes))
    return routes


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"lns_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def run(module, model, routes, seed: int, steps: int, repeat: int):
    """(rounds, steps, best CPU seconds, cost) of ``repeat`` equal runs."""
    settings = replace(module.LnsSettings(), seed=seed, max_steps=steps)
    best_cpu = float("inf")
    for _ in range(repeat):
        cpu = time.process_time()
        found, done = module.search(model, [list(r) for r in routes], FAR, settings)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return found, done, best_cpu, module.Plan(model, found).cost()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instances", nargs="+", type=Path)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per seed; the least CPU counts")
    ap.add_argument("--gls-seconds", type=float, default=1.0)
    ap.add_argument("--starts", type=Path, default=Path("/tmp"))
    ap.add_argument("--against", type=Path, help="another lns.py to compare with")
    args = ap.parse_args(argv)
    other = load_module(args.against) if args.against else None
    all_equal = True
    for path in args.instances:
        model = model_of(path)
        routes = start_routes(model, path, args.starts, args.gls_seconds)
        start_cost = lns.Plan(model, routes).cost()
        print(f"{path.stem}: {model.distance.shape[0] - 1} visits, start cost {start_cost}")
        for seed in args.seeds:
            found, done, cpu, cost = run(lns, model, routes, seed, args.steps, args.repeat)
            line = f"  seed {seed}: {done} steps {cpu:.2f} CPU s {done / cpu:,.0f}/s cost {cost}"
            if other is not None:
                old, old_done, old_cpu, _ = run(other, model, routes, seed, args.steps, args.repeat)
                same = old == found and old_done == done
                all_equal &= same
                line += f" | other {old_cpu:.2f} CPU s {old_done / old_cpu:,.0f}/s"
                line += f" x{old_cpu / cpu:.2f}, {'same rounds' if same else 'DIFFERENT ROUNDS'}"
            print(line, flush=True)
    return 0 if all_equal else 1


if __name__ == "__main__":
    sys.exit(main())
