"""Every speed figure of the issues in one table, each beside a floor measured in the same run.

    python benchmarks/run.py [--quick] [--with-vrp | --no-vrp] [--with-peak | --no-peak]
                             [--json] [--vrp-time-limit S]

One row per figure: what was measured (wall and CPU seconds), the floor measured in this
same run (what a bare implementation of the same work costs on this machine right now),
the ratio of the figure's seconds to the floor's (wall and CPU), the issue's target and
ok / SLOW. On a shared 2-core machine the wall figures move with the load; the CPU
figures and the ratios are the ones to compare between runs.

Rows (the benchmark each one reuses, by importing it):

- parcel import, rows/s (parcel_import.py): floor raw sqlite3 executemany of the same
  parcels and events; target >= 50,000 rows/s.
- scan session, committed scans/s (scan_session.py): floor the raw sqlite3 loop doing one
  scan's statements per code; target >= 1,000/s.
- one `hub scan` process, wall (scan_session.py): floor
  ``python -c "import typer, rich, sqlmodel"``; the issues set no number.
- `hub plan` on the 30-station sample day (plan_day.py): floor the solver's own seconds
  inside the same `hub plan` (its ``--json`` run); target < 3 s. A second row is what is
  not solving (interpreter, imports, CLI, load, store, summary, render; plan_breakdown.py)
  beside the floor no change to the hub's code removes: the bare interpreter and the
  libraries it needs imported alone; target < 0.5 s (issue 16). Then the same in
  `--replan`, and in `hub plan` processes while `hub standby` runs (floor: the bare
  interpreter that hands the command over).
- plan quality (vrp_quality.py, run as a subprocess; minutes, so ``--quick`` leaves it
  out unless ``--with-vrp`` and ``--no-vrp`` leaves it out of a full run):
  our mean gap to best known beside PyVRP's at the same time limit; target within 1
  percentage point of PyVRP's mean and within 2 % on every instance. Its per-instance
  lines and its mean gap line are printed under the table as it printed them.
- assignment of 5,000 parcels through the service (assignment_service.py): floor the pure
  solver ``assign_couriers`` on exactly the parcels the service handed it; target < 2 s.
- 3,000-parcel manifest PDF through the service (manifest_service.py, `print_pdf`:
  document from the database + render, first print): floor the pure renderer
  ``render_manifest`` on the same document; target < 5 s.
- monthly report on a year of generated data (monthly_report.py, the year cached under
  /tmp exactly as it does): floor one bare SQL GROUP BY of the same month; target < 2 s.
  ``--quick`` uses the cached year when it is there and otherwise a one-month sample
  (November 2025 only, cached beside it), and the table says which.
- peak day (peak_day.py; minutes, so ``--quick`` leaves it out unless ``--with-peak``, and
  ``--no-peak`` leaves it out of a full run): the sample township's Double 11 day of about
  30,000 parcels, each step of the day on it beside its floor: `hub plan` (floor its
  solver's seconds; target < 10 s), assignment (floor the pure solver), manifest build +
  close and printing every PDF (floor the pure renderer), the daily report (floor one bare
  GROUP BY), the parcel import of 30,000 CSV rows (floor raw sqlite3). Targets other than
  the plan's are the ordinary day's scaled to the parcels (peak_day.py says which).

``--quick`` also uses fewer rows, scans, runs and repeats (the table says how many).
``--json`` prints the figures as JSON instead of the table (progress goes to stderr).
Exit status 1 when a figure misses its target or a measurement failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

INSTANCES = HERE.parent.parent / "shared" / "bench" / "instances"
MONTH = "2025-11"
QUICK_MONTH_START = date(2025, 11, 1)


def _say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}"


def _row(name: str, **fields) -> dict:
    row = {
        "figure": name,
        "unit": "s",
        "wall": None,
        "cpu": None,
        "shown": "",
        "floor_name": "",
        "floor_wall": None,
        "floor_cpu": None,
        "floor_shown": "",
        "target": "",
        "verdict": "",
        "note": "",
    }
    row.update(fields)
    for key in ("wall", "cpu"):
        floor = row[f"floor_{key}"]
        row[f"ratio_{key}"] = row[key] / floor if row[key] and floor else None
    return row


# ----------------------------------------------------------------------------- the figures


def _throughput_row(name: str, n: int, unit: str, m: dict, floor_name: str, target: int, **extra):
    """A row for ``n`` things done in ``m["seconds"]`` beside the floor ``m["floor"]``."""
    rate, cpu_rate = n / m["seconds"], n / m["cpu"]
    return _row(
        name,
        wall=m["seconds"],
        cpu=m["cpu"],
        shown=f"{rate:,.0f} {unit}/s wall\n{cpu_rate:,.0f} {unit}/s CPU",
        rate_wall=rate,
        rate_cpu=cpu_rate,
        floor_name=floor_name,
        floor_wall=m["floor"],
        floor_cpu=m["floor_cpu"],
        floor_shown=f"{_rate(n, m['floor'])} {unit}/s wall\n"
        f"{_rate(n, m['floor_cpu'])} {unit}/s CPU",
        target=f">= {target:,} {unit}/s",
        verdict="ok" if rate >= target else "SLOW",
        **extra,
    )


def import_row(quick: bool) -> dict:
    import parcel_import

    rows = 20_000 if quick else 99_000
    m = parcel_import.measure(rows)
    return _throughput_row(
        f"parcel import ({rows:,} CSV rows)",
        rows,
        "rows",
        m,
        "raw sqlite3 executemany of the same parcels + events",
        50_000,
        note=f"re-import of the same file {m['reimport_seconds']:.2f} s",
    )


def scan_rows(quick: bool) -> list[dict]:
    import scan_session

    scans, runs = (2000, 3) if quick else (5000, 5)
    m = scan_session.measure(scans, runs)
    session = _throughput_row(
        f"scan session ({scans:,} arrive scans, each committed)",
        scans,
        "scans",
        m,
        "raw sqlite3 loop: one scan's statements per code, committed",
        1000,
    )
    single = _row(
        f"one `hub scan hold CODE` process (best of {runs})",
        wall=m["single"],
        cpu=m["single_cpu"],
        shown=f"{m['single'] * 1000:,.0f} ms wall\n{m['single_cpu'] * 1000:,.0f} ms CPU",
        floor_name='python -c "import typer, rich, sqlmodel"',
        floor_wall=m["start"],
        floor_cpu=m["start_cpu"],
        floor_shown=f"{m['start'] * 1000:,.0f} ms wall\n{m['start_cpu'] * 1000:,.0f} ms CPU",
        target="none set (issue 3: start fast)",
        verdict="-",
    )
    return [session, single]


def plan_rows(quick: bool) -> list[dict]:
    import plan_day

    runs = 2 if quick else 3
    m = plan_day.measure(runs, say=_say)
    times, cpus, plan = m["times"], m["cpus"], m["plan"]
    k = times.index(min(times))
    solver = float(plan["solve_seconds"])
    served = plan["parcels_served"]
    waiting = plan["outbound_waiting"] + plan["inbound_waiting"]
    whole = _row(
        f"`hub plan`, 30-station sample day ({m['outbound']:,} out + {m['inbound']:,} in "
        f"parcels; best of {runs} processes)",
        wall=times[k],
        cpu=cpus[k],
        shown=f"{times[k]:.2f} s wall\n{cpus[k]:.2f} s CPU\n"
        f"(median {statistics.median(times):.2f} s)",
        floor_name="the solver's own seconds inside `hub plan` (its --json run)",
        floor_wall=solver,
        floor_shown=f"{solver:.2f} s wall\nCPU not reported",
        target="< 3 s",
        verdict="ok" if min(times) < plan_day.TARGET_S else "SLOW",
        note=f"`hub --help` alone {m['startup']:.2f} s; {len(plan['rounds'])} rounds, "
        f"{plan['vans_used']} vans, {plan['km']} km, served {served} of {waiting} parcels, "
        f"{len(plan['carried_over'])} stations carried over",
    )
    steps = m["steps"]
    floor = steps["libraries"]
    outside = _row(
        "`hub plan` outside the solver, same day (best process less its solver seconds)",
        wall=steps["outside_solver"],
        shown=f"{steps['outside_solver']:.2f} s wall",
        floor_name="python -c pass + importing SQLModel, numpy, OR-Tools, Typer, rich alone",
        floor_wall=floor,
        floor_shown=f"{floor:.2f} s wall",
        target="< 0.5 s (issue 16)",
        verdict="ok" if steps["outside_solver"] < 0.5 else "SLOW",
        note=plan_day.steps_text(steps),
        steps=steps,
    )
    replan = _row(
        f"`hub plan --replan`: each plan again in the same process ({plan_day.REPLANS} "
        "Enters), less its solver seconds",
        wall=steps["replan_outside_solver"],
        shown=f"{steps['replan_outside_solver']:.2f} s wall",
        floor_name="none: no start-up, only load, store and the tables",
        floor_wall=None,
        floor_shown="-",
        target="< 0.5 s (issue 16)",
        verdict="ok" if steps["replan_outside_solver"] < 0.5 else "SLOW",
        note=plan_day.replan_text(steps),
    )
    standby = _row(
        "`hub plan` processes with `hub standby` running, less each one's solver seconds",
        wall=steps["standby_outside_solver"],
        shown=f"{steps['standby_outside_solver']:.2f} s wall",
        floor_name="python -c pass: the `hub` process that hands its command over",
        floor_wall=steps["interpreter"],
        floor_shown=f"{steps['interpreter']:.2f} s wall",
        target="< 0.5 s (issue 16)",
        verdict="ok" if steps["standby_outside_solver"] < 0.5 else "SLOW",
        note=plan_day.standby_text(steps),
    )
    return [whole, outside, replan, standby]


def assignment_row(quick: bool) -> dict:
    import assignment_service

    repeat = 1 if quick else 3
    m = assignment_service.measure(5000, repeat)
    firsts = m["firsts"]
    k = firsts.index(min(firsts))
    run = m["run"]
    return _row(
        f"assignment, 5,000 parcels through the service (first run, best of {repeat} fresh "
        "databases)",
        wall=firsts[k],
        cpu=m["first_cpus"][k],
        shown=f"{firsts[k]:.2f} s wall\n{m['first_cpus'][k]:.2f} s CPU",
        floor_name=f"pure solver assign_couriers on the same {m['solver_parcels']:,} parcels "
        f"(best of {repeat})",
        floor_wall=m["solver"],
        floor_cpu=m["solver_cpu"],
        floor_shown=f"{m['solver']:.2f} s wall\n{m['solver_cpu']:.2f} s CPU",
        target="< 2 s",
        verdict="ok" if firsts[k] < 2 else "SLOW",
        note=f"{run.assigned} assigned, {len(run.unassigned)} unassigned; re-run "
        f"{m['rerun']:.2f} s, dry run {m['dry']:.2f} s; solver inside the service "
        f"{m['solver_in_service']:.2f} s",
    )


def manifest_row(quick: bool) -> dict:
    import manifest_service

    m = manifest_service.measure(3000)
    wall, cpu = m["figures"]["print_pdf"]
    reprint = m["figures"]["reprint_pdf"][0]
    return _row(
        f"manifest PDF, {m['parcels']:,} parcels, {m['pages']} pages (service print: "
        "document + render)",
        wall=wall,
        cpu=cpu,
        shown=f"{wall:.2f} s wall\n{cpu:.2f} s CPU\n(reprint {reprint:.2f} s)",
        floor_name="pure renderer render_manifest on the same document (warm)",
        floor_wall=m["render"],
        floor_cpu=m["render_cpu"],
        floor_shown=f"{m['render']:.2f} s wall\n{m['render_cpu']:.2f} s CPU",
        target="< 5 s",
        verdict="ok" if wall < manifest_service.TARGET_SECONDS else "SLOW",
        note=f"build {m['figures']['build'][0]:.2f} s, close {m['figures']['close'][0]:.2f} s, "
        f"reprint byte-identical: {m['identical']}",
    )


def monthly_row(quick: bool) -> dict:
    import monthly_report

    year = monthly_report.data_path(1)
    repeat = 3 if quick else 5
    if quick and not (year.exists() and year.with_suffix(".done").exists()):
        url = monthly_report.ensure_data(1, days=30, start=QUICK_MONTH_START)
        sample = "QUICK: one-month sample (Nov 2025 only), NOT a year"
        path = monthly_report.data_path(1, 30, QUICK_MONTH_START)
    else:
        url = monthly_report.ensure_data(1)
        sample = "a year (2025)"
        path = year
    parcels, events = monthly_report.counts(url)
    drift = monthly_report.schema_drift(url)
    m = monthly_report.measure(url, MONTH, repeat)
    times, cpus = m["times"], m["cpus"]
    median, cpu = statistics.median(times), statistics.median(cpus)
    j = m["floors"].index(min(m["floors"]))
    return _row(
        f"monthly report {MONTH} on {sample}: {parcels:,} parcels, {events:,} events "
        f"(median of {repeat} warm)",
        wall=median,
        cpu=cpu,
        shown=f"{median:.3f} s wall\n{cpu:.3f} s CPU\n(cold {m['cold']:.3f} s)",
        floor_name="one bare SQL GROUP BY of the same month by station (best)",
        floor_wall=m["floors"][j],
        floor_cpu=m["floor_cpus"][j],
        floor_shown=f"{m['floors'][j]:.3f} s wall\n{m['floor_cpus'][j]:.3f} s CPU",
        target="< 2 s",
        verdict="ok" if median < monthly_report.TARGET_S else "SLOW",
        note=f"{m['outbound']:,} outbound and {m['inbound']:,} inbound parcels in the month; "
        f"data {path}"
        + (
            f"; CACHED DATA PREDATES THE CURRENT SCHEMA, indexes differ: {', '.join(drift)} "
            "(delete the file to regenerate)"
            if drift
            else "; indexes match the current migrations"
        ),
        schema_drift=drift,
    )


def peak_rows(parcels: int = 30_000) -> list[dict]:
    """The Double 11 day's rows (peak_day.py), one per step, each beside its floor."""
    import peak_day

    m = peak_day.measure(parcels, say=_say)
    goal = peak_day.targets(m)
    n = m["day"]["parcels"]
    group = f"peak day ({n:,} parcels): "
    p, plan = m["plan"], m["plan"]["plan"]
    solver = float(plan["solve_seconds"])
    backlog = plan.get("backlog") or {}
    rows = [
        _row(
            group + f"`hub plan`, 30 stations, {m['day']['outbound']:,} out + "
            f"{m['day']['inbound']:,} in",
            wall=p["wall"],
            cpu=p["cpu"],
            shown=f"{p['wall']:.2f} s wall\n{p['cpu']:.2f} s CPU",
            floor_name="the solver's own seconds inside `hub plan` (its --json run)",
            floor_wall=solver,
            floor_shown=f"{solver:.2f} s wall\nCPU not reported",
            target=f"< {goal['plan']:.0f} s",
            verdict="ok" if p["wall"] < goal["plan"] else "SLOW",
            note=f"{len(plan['rounds'])} rounds, {plan['vans_used']} vans, {plan['waves']} "
            f"waves, served {plan['parcels_served']:,}; "
            + backlog.get("sentence", "nothing waits"),
        )
    ]
    a = m["assignment"]
    rows.append(
        _row(
            group + f"assignment of {a['parcels']:,} parcels through the service",
            wall=a["wall"],
            cpu=a["cpu"],
            shown=f"{a['wall']:.2f} s wall\n{a['cpu']:.2f} s CPU",
            floor_name="pure solver assign_couriers on the same parcels",
            floor_wall=a["floor"],
            floor_cpu=a["floor_cpu"],
            floor_shown=f"{a['floor']:.2f} s wall\n{a['floor_cpu']:.2f} s CPU",
            target=f"< {goal['assignment']:.0f} s (2 s per 5,000)",
            verdict="ok" if a["wall"] < goal["assignment"] else "SLOW",
            note=f"{a['assigned']:,} assigned, {a['unassigned']:,} unassigned (couriers' "
            "capacity x10 for Double 11)",
        )
    )
    mf = m["manifests"]
    written = mf["build"] + mf["close"]
    written_cpu = mf["build_cpu"] + mf["close_cpu"]
    rows.append(
        _row(
            group + f"{mf['manifests']} manifests, {mf['parcels']:,} parcels: build + close "
            "(bulk UPDATE by ids, INSERT ... SELECT of the events)",
            wall=written,
            cpu=written_cpu,
            shown=f"{written:.2f} s wall\n{written_cpu:.2f} s CPU",
            floor_name="bare sqlite3 of the same rows (UPDATE, UPDATE, INSERT ... SELECT a "
            "manifest) on a copy taken before the build",
            floor_wall=mf["bare"],
            floor_cpu=mf["bare_cpu"],
            floor_shown=f"{mf['bare']:.2f} s wall\n{mf['bare_cpu']:.2f} s CPU",
            target=f"< {goal['build_close']:.1f} s (1 s per 5,000)",
            verdict="ok" if written < goal["build_close"] else "SLOW",
            note=f"build {mf['build']:.2f} s, close {mf['close']:.2f} s; progress reports "
            f"(what the bar shows): build {mf['ticks']['build']}, close "
            f"{mf['ticks']['close']}, print {mf['ticks']['print']}",
        )
    )
    rows.append(
        _row(
            group + f"{mf['manifests']} manifests, {mf['parcels']:,} parcels, {mf['pages']:,} "
            "pages: print every PDF (document + render)",
            wall=mf["print"],
            cpu=mf["print_cpu"],
            shown=f"{mf['print']:.2f} s wall\n{mf['print_cpu']:.2f} s CPU",
            floor_name="pure renderer render_manifest on the same documents (warm)",
            floor_wall=mf["floor"],
            floor_cpu=mf["floor_cpu"],
            floor_shown=f"{mf['floor']:.2f} s wall\n{mf['floor_cpu']:.2f} s CPU",
            target=f"< {goal['manifests']:.0f} s (5 s per 3,000)",
            verdict="ok" if mf["print"] < goal["manifests"] else "SLOW",
        )
    )
    r = m["report"]
    rows.append(
        _row(
            group + "daily report of the day",
            wall=r["wall"],
            cpu=r["cpu"],
            shown=f"{r['wall']:.3f} s wall\n{r['cpu']:.3f} s CPU",
            floor_name="one bare SQL GROUP BY of the day by station, direction, status",
            floor_wall=r["floor"],
            floor_cpu=r["floor_cpu"],
            floor_shown=f"{r['floor']:.3f} s wall\n{r['floor_cpu']:.3f} s CPU",
            target=f"< {goal['report']:.0f} s",
            verdict="ok" if r["wall"] < goal["report"] else "SLOW",
        )
    )
    im = m["import"]
    rows.append(
        _throughput_row(
            group + f"parcel import ({im['rows']:,} CSV rows)",
            im["rows"],
            "rows",
            im,
            "raw sqlite3 executemany of the same parcels + events",
            goal["import"],
        )
    )
    return rows


_PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)%")


def vrp_row(time_limit: float) -> tuple[dict, list[str]]:
    """Run vrp_quality.py as a subprocess on the shared CVRP and Solomon instances; return
    the row and its per-instance lines and mean gap line as printed."""
    paths = sorted((INSTANCES / "cvrp").glob("*.vrp")) + sorted((INSTANCES / "vrptw").glob("*.txt"))
    if not paths:
        raise RuntimeError(f"no instances under {INSTANCES}")
    command = [
        sys.executable,
        str(HERE / "vrp_quality.py"),
        *map(str, paths),
        "--time-limit",
        f"{time_limit:g}",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent) as child:
        assert child.stdout is not None
        for line in child.stdout:
            line = line.rstrip("\n")
            _say(f"  vrp_quality | {line}")
            lines.append(line)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if child.returncode != 0:
        raise RuntimeError(f"vrp_quality.py exited with status {child.returncode}")
    names = {p.stem for p in paths}
    instance_lines = [line for line in lines if line.split(" ", 1)[0] in names]
    mean_lines = [line for line in lines if line.startswith("mean gap")]
    relayed = instance_lines + mean_lines
    if not mean_lines:
        raise RuntimeError("vrp_quality.py printed no 'mean gap' line")
    means = [float(x) for x in _PERCENT.findall(mean_lines[-1])]
    ours = means[0]
    pyvrp = means[1] if len(means) > 1 else None
    worst = max(
        (float(found[0]) for line in instance_lines if (found := _PERCENT.findall(line))),
        default=None,
    )
    within = worst is not None and worst <= 2.0
    if pyvrp is None:
        verdict, floor_shown = ("ok" if within else "MISSED"), "PyVRP not installed"
    else:
        verdict = "ok" if within and ours <= pyvrp + 1.0 else "MISSED"
        floor_shown = f"PyVRP mean gap {pyvrp:.2f} %"
    row = _row(
        f"plan quality: mean gap to best known, {len(instance_lines)} shared instances at "
        f"{time_limit:g} s (vrp_quality.py)",
        unit="%",
        shown=f"ours {ours:.2f} %\nworst {worst:.2f} %" if worst is not None else f"{ours:.2f} %",
        gap=ours,
        worst_gap=worst,
        pyvrp_gap=pyvrp,
        floor_name="PyVRP at the same time limit, same instances",
        floor_shown=floor_shown,
        target="<= PyVRP + 1 pp; each instance <= 2 %",
        verdict=verdict,
        note=f"vrp_quality.py took {wall:.0f} s wall, {cpu:.0f} s CPU",
        vrp_wall=wall,
        vrp_cpu=cpu,
    )
    if pyvrp is not None:
        row["difference_pp"] = ours - pyvrp
    return row, relayed


# ------------------------------------------------------------------------------- the table


def _failed(name: str, error: BaseException) -> dict:
    return _row(name, shown="FAILED", verdict="FAILED", note=f"{type(error).__name__}: {error}")


def _ratio(row: dict) -> str:
    if row.get("difference_pp") is not None:
        return f"{row['difference_pp']:+.2f} pp"
    parts = []
    if row["ratio_wall"]:
        parts.append(f"{row['ratio_wall']:.1f}x wall")
    if row["ratio_cpu"]:
        parts.append(f"{row['ratio_cpu']:.1f}x CPU")
    return "\n".join(parts) or "-"


def render(rows: list[dict], relayed: list[str] | None, header: str, footer: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)
    table = Table(
        title=f"hub speed figures: {header}",
        caption=footer,
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column("figure", width=40, overflow="fold")
    table.add_column("measured", no_wrap=True)
    table.add_column("floor, measured in this run", width=34)
    table.add_column("ratio to floor", no_wrap=True)
    table.add_column("target", width=16)
    table.add_column("", no_wrap=True, min_width=6)
    styles = {"ok": "green", "SLOW": "bold red", "MISSED": "bold red", "FAILED": "bold red"}
    for row in rows:
        figure = row["figure"] + (f"\n[dim]{row['note']}[/dim]" if row["note"] else "")
        floor = row["floor_name"] + (
            f"\n[bold]{row['floor_shown']}[/bold]" * bool(row["floor_shown"])
        )
        verdict = row["verdict"]
        measured = row["shown"]
        table.add_row(
            figure,
            f"[bold]{measured}[/bold]",
            floor,
            _ratio(row) if row["ratio_wall"] or row.get("difference_pp") is not None else "-",
            row["target"],
            f"[{styles[verdict]}]{verdict}[/]" if verdict in styles else verdict,
        )
    console.print(table)
    if relayed:
        console.print("vrp_quality.py, per instance and mean gap, as it printed them:")
        for line in relayed:
            console.print(line, markup=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, fewer repeats")
    parser.add_argument(
        "--with-vrp",
        action="store_true",
        default=None,
        help="run vrp_quality.py (minutes; the default of a full run, not of --quick)",
    )
    parser.add_argument(
        "--no-vrp", dest="with_vrp", action="store_false", help="leave plan quality out"
    )
    parser.add_argument("--vrp-time-limit", type=float, default=10.0, metavar="S")
    parser.add_argument(
        "--with-peak",
        action="store_true",
        default=None,
        help="run the Double 11 day group (minutes; the default of a full run, not of --quick)",
    )
    parser.add_argument(
        "--no-peak", dest="with_peak", action="store_false", help="leave the peak day out"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.with_vrp is None:
        args.with_vrp = not args.quick
    if args.with_peak is None:
        args.with_peak = not args.quick

    load_before = os.getloadavg()
    began, began_cpu = time.perf_counter(), time.process_time()
    rows: list[dict] = []
    relayed: list[str] | None = None

    def step(name: str, work: Callable[[], dict | list[dict]]) -> None:
        _say(f"-- {name} ...")
        t0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(sys.stderr):
                made = work()
        except (Exception, SystemExit) as error:  # noqa: BLE001  (one row fails, not the table)
            traceback.print_exc(file=sys.stderr)
            made = _failed(name, error)
        rows.extend(made if isinstance(made, list) else [made])
        _say(f"   done in {time.perf_counter() - t0:.0f} s")

    step("parcel import", lambda: import_row(args.quick))
    step("scan session and one `hub scan`", lambda: scan_rows(args.quick))
    step("`hub plan` on the sample day", lambda: plan_rows(args.quick))
    if args.with_vrp:

        def vrp() -> dict:
            nonlocal relayed
            row, relayed = vrp_row(args.vrp_time_limit)
            return row

        step("plan quality (vrp_quality.py)", vrp)
    else:
        rows.append(
            _row(
                "plan quality: mean gap to best known vs PyVRP (vrp_quality.py)",
                unit="%",
                shown="skipped (--quick or --no-vrp)",
                floor_name="PyVRP at the same time limit",
                floor_shown="skipped",
                target="<= PyVRP + 1 pp; each instance <= 2 %",
                verdict="-",
            )
        )
    step("assignment of 5,000 parcels", lambda: assignment_row(args.quick))
    step("3,000-parcel manifest PDF", lambda: manifest_row(args.quick))
    step("monthly report", lambda: monthly_row(args.quick))
    if args.with_peak:
        step("peak day (Double 11, about 30,000 parcels)", peak_rows)
    else:
        rows.append(
            _row(
                "peak day (Double 11, about 30,000 parcels): plan, assignment, manifests, "
                "daily report, import (peak_day.py)",
                shown="skipped (--quick or --no-peak)",
                floor_shown="skipped",
                target="plan < 10 s",
                verdict="-",
            )
        )

    load_after = os.getloadavg()
    total = time.perf_counter() - began
    mode = "QUICK (smaller samples, fewer repeats)" if args.quick else "full"
    header = (
        f"{mode}, {date.today()}, {os.cpu_count()} cores, load average "
        f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} at the start"
    )
    footer = (
        f"load average at the end {' '.join(f'{x:.2f}' for x in load_after)}; this run took "
        f"{total:.0f} s wall ({time.process_time() - began_cpu:.0f} s CPU in this process). "
        "Ratio = the figure's seconds / the floor's seconds (x slower than the floor). "
        "On a shared machine compare CPU seconds and ratios between runs."
    )
    failed = any(r["verdict"] in ("SLOW", "MISSED", "FAILED") for r in rows)
    if args.json:
        out = {
            "mode": "quick" if args.quick else "full",
            "cpu_count": os.cpu_count(),
            "load_before": load_before,
            "load_after": load_after,
            "seconds": total,
            "rows": rows,
            "vrp_quality_lines": relayed,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        render(rows, relayed, header, footer)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
