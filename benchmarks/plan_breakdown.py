"""Where one `hub plan` process spends its time: a wall-clock breakdown by step.

    HUB_DATABASE_URL=... python benchmarks/plan_breakdown.py --date 2026-04-13

Runs `hub plan --date D` inside this process (output to /dev/null) with a clock around
each step and prints JSON: ``imports`` (the CLI, then the planning service with its
models, numpy and OR-Tools, imported before the command as `hub plan` imports them),
``cli`` (Typer building the commands, parsing, opening the session), ``load`` (reading
the day), ``solve`` (the waves: building each problem and the solver's own search),
``solver`` (the search alone, as the plan reports it), ``store``, ``summary`` and
``render`` (the terminal tables), ``total``. The interpreter's own start-up is not in
it, nor its exit: plan_day.py measures those.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

BEGAN = time.perf_counter()

from logistics.cli.start import COLLECT_EVERY  # noqa: E402  (a few lines, no libraries)

gc.set_threshold(*COLLECT_EVERY)  # as `hub` does before it imports anything


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True)
    args = parser.parse_args(argv)

    marks: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        marks[name] = marks.get(name, 0.0) + now - clock[0]
        clock[0] = now

    import logistics.cli.main as cli_main

    lap("imports")
    import logistics.cli.commands.plan as plan_cli
    import logistics.services.planning as planning

    lap("imports")

    def timed(name: str, work):
        def run(*a, **k):
            lap("cli")
            result = work(*a, **k)
            lap(name)
            return result

        return run

    originals = {
        "load_day": planning.load_day,
        "solve_in_waves": planning.solve_in_waves,
        "store_rounds": planning.store_rounds,
        "summarise": planning.summarise,
    }
    planning.load_day = timed("load", originals["load_day"])
    planning.store_rounds = timed("store", originals["store_rounds"])
    planning.summarise = timed("summary", originals["summarise"])
    solver_seconds = []

    def solve(*a, **k):
        lap("cli")
        waves = originals["solve_in_waves"](*a, **k)
        lap("solve")
        solver_seconds.append(waves.solve_seconds)
        return waves

    planning.solve_in_waves = solve
    plan_cli.show_plan = timed("render", plan_cli.show_plan)
    sys.argv = ["hub", "plan", "--date", args.date]
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the command prints through it)
    try:
        cli_main.main()
    except SystemExit as done:
        if done.code:
            raise
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout
    lap("cli")
    marks["solver"] = sum(solver_seconds)
    marks["total"] = time.perf_counter() - BEGAN
    print(json.dumps({k: round(v, 4) for k, v in marks.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
