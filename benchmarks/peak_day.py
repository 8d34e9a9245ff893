"""A Double 11 day at the hub: about 30,000 parcels through every step of the day.

    python benchmarks/peak_day.py [--parcels 30000] [--keep DIR]

Builds a fresh SQLite hub with the sample township (30 stations, 5 vans, 8 couriers)
and its Double 11 day from the sample generator (`hub sample generate --peak double11
--today`), scaled to about ``--parcels`` parcels (mostly outbound: the villagers' shops'
orders), then times each step of the day on it, beside a floor measured in the same run:

- `hub plan` as a process (default settings): floor, the solver's own seconds in it;
  target under 10 s (issue 16). The plan's rounds, waves and backlog sentence are shown.
- assignment of every outbound parcel (all collected to the hub first, untimed, as if the
  vans had brought them): `assign_day` through the service; floor, the pure solver
  `assign_couriers` on exactly the parcels the service handed it. The couriers' daily
  capacity is raised tenfold first, as their line-haul is on Double 11.
- manifests: `build_manifests` for every courier, then `close_manifest` of each (one
  figure each); floor, the same rows written by bare sqlite3 on a copy of the database
  taken before the build (per manifest: one UPDATE putting the courier's parcels on it,
  one UPDATE making them manifested, one INSERT ... SELECT of their events, a commit).
  Then printing every manifest's PDF as `hub manifest print --pdf` does (document from
  the database + render, with the progress callback the CLI's bar uses); floor, the
  pure renderer `render_manifest` on the same documents, warm.
- the daily report of the day (`daily_report`); floor, one bare SQL GROUP BY of the day's
  parcels by station, direction and status.
- the parcel import of a ``--parcels``-row CSV (`parcel_import.measure`, its own
  database); floor, raw sqlite3 executemany of the same parcels and events.

The issue sets a number only for the plan; the other targets are the ordinary day's
scaled to the parcels (assignment 2 s per 5,000 parcels, manifest PDFs 5 s per 3,000,
the import's 50,000 rows/s, the report the monthly's 2 s; build + close 1 s per 5,000
parcels, a dock waiting on a close for no longer than on a scan round). Progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PEAK_DAY = date(2026, 11, 11)
PLAN_TARGET_S = 10.0
SAMPLE_PARCELS = 25_950  # the sample township's Double 11 day at the default volume
ASSIGN_S_PER_PARCEL = 2.0 / 5000
PDF_S_PER_PARCEL = 5.0 / 3000
BUILD_CLOSE_S_PER_PARCEL = 1.0 / 5000
REPORT_TARGET_S = 2.0
IMPORT_TARGET = 50_000


def _say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def build(url: str, parcels: int, seed: int = 7) -> dict:
    """The sample township and its Double 11 day of about ``parcels`` parcels."""
    from sqlmodel import select

    from logistics import db
    from logistics.models import Courier
    from logistics.services import network_sample, sample

    db.upgrade(url)
    with db.session_scope(url) as session:
        network_sample.load_sample_network(session)
        for courier in session.exec(select(Courier)):
            courier.daily_capacity *= 10
        session.commit()
        made = sample.generate(
            session,
            None,
            seed,
            today=True,
            peak="double11",
            peak_day=PEAK_DAY,
            parcels_per_day=3300 * parcels / SAMPLE_PARCELS,
        )
    db.dispose_engine(url)
    return {"parcels": made.parcels, "outbound": made.outbound, "inbound": made.inbound}


def plan(env: dict[str, str]) -> dict:
    """`hub plan` as the operator runs it, then once more with --json for its figures."""
    command = [sys.executable, "-m", "logistics", "plan", "--date", PEAK_DAY.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"hub plan failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    shown = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True)
    if shown.returncode != 0:
        raise RuntimeError(f"hub plan --json failed: {shown.stderr[-2000:]}")
    return {"wall": wall, "cpu": cpu, "plan": json.loads(shown.stdout)}


def collect_all(url: str) -> int:
    """Every outbound parcel of the day brought to the hub (setup, untimed)."""
    from sqlalchemy import update

    from logistics import db
    from logistics.domain.parcel_status import Direction, Status
    from logistics.models import Parcel

    table = Parcel.__table__
    with db.session_scope(url) as session:
        moved = session.connection().execute(
            update(table)
            .where(table.c.direction == Direction.OUTBOUND.value)
            .where(table.c.status == Status.REGISTERED.value)
            .values(status=Status.AT_HUB.value, round_id=None)
        )
        session.commit()
        return moved.rowcount


def assignment(url: str) -> dict:
    from logistics import db
    from logistics.services import assignment as service
    from logistics.services import assignment_plan

    solver = assignment_plan.assign_couriers
    calls: list[tuple[tuple, dict]] = []

    def watched(*args, **kwargs):
        calls.append((args, kwargs))
        return solver(*args, **kwargs)

    assignment_plan.assign_couriers = watched
    try:
        with db.session_scope(url) as session:
            wall, cpu, run = _timed(lambda: service.assign_day(session, PEAK_DAY, operator="bench"))
    finally:
        assignment_plan.assign_couriers = solver
    args, kwargs = calls[-1]
    floor_wall, floor_cpu, _ = _timed(lambda: solver(*args, **kwargs))
    return {
        "wall": wall,
        "cpu": cpu,
        "floor": floor_wall,
        "floor_cpu": floor_cpu,
        "assigned": run.assigned,
        "unassigned": len(run.unassigned),
        "parcels": len(args[0]),
    }


def _copy(path: Path, to: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as source, sqlite3.connect(to) as target:
        source.backup(target)


def bare_build_and_close(path: Path, built: Path) -> tuple[float, float]:
    """The floor of build + close: the same rows written by bare sqlite3 on ``path`` (a
    copy taken before the build), the manifests' own rows copied from ``built``."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("ATTACH DATABASE ? AS built", (str(built),))
    manifests = conn.execute(
        "SELECT id, manifest_no, courier_id, hub_id FROM built.manifest ORDER BY id"
    ).fetchall()
    conn.execute("INSERT INTO manifest SELECT * FROM built.manifest")
    conn.execute("UPDATE manifest SET status = 'open', closed_at = NULL")
    conn.commit()
    conn.execute("DETACH DATABASE built")
    at = f"{PEAK_DAY} 06:30:00.000000"

    def work():
        for manifest_id, _number, courier_id, hub_id in manifests:
            conn.execute(
                "UPDATE parcel SET manifest_id = ? WHERE hub_id = ? AND courier_id = ? AND "
                "status = 'at_hub' AND direction = 'outbound' AND manifest_id IS NULL",
                (manifest_id, hub_id, courier_id),
            )
        conn.commit()
        for manifest_id, number, _courier_id, hub_id in manifests:
            conn.execute(
                "UPDATE parcel SET status = 'manifested', status_at = ? WHERE hub_id = ? AND "
                "manifest_id = ?",
                (at, hub_id, manifest_id),
            )
            conn.execute(
                "INSERT INTO parcel_event (hub_id, parcel_id, at, action, from_status, "
                "to_status, place, operator, note) SELECT hub_id, id, ?, 'manifest', "
                "'at_hub', 'manifested', 'HUB', 'bench', ? FROM parcel WHERE manifest_id = ? "
                "ORDER BY parcel_no",
                (at, number, manifest_id),
            )
            conn.execute(
                "UPDATE manifest SET status = 'closed', closed_at = ? WHERE id = ?",
                (at, manifest_id),
            )
            conn.commit()

    wall, cpu, _ = _timed(work)
    conn.close()
    return wall, cpu


def manifests(url: str, folder: Path) -> dict:
    from logistics import db
    from logistics.io.pdf.manifest import render_manifest, write_manifest_pdf
    from logistics.services import manifests as service

    path = Path(url.removeprefix("sqlite:///"))
    before = folder / "before-build.db"
    _copy(path, before)
    ticks = {"build": 0, "close": 0, "print": 0}

    def counting(step):
        def progress(done, total):
            ticks[step] += 1

        return progress

    with db.session_scope(url) as session:
        build_wall, build_cpu, built = _timed(
            lambda: service.build_manifests(
                session, day=PEAK_DAY, operator="bench", progress=counting("build")
            )
        )
        numbers = [m.manifest_no for m in built.manifests]

        def close_all():
            for number in numbers:
                service.close_manifest(
                    session, number, operator="bench", progress=counting("close")
                )

        close_wall, close_cpu, _ = _timed(close_all)

        def print_all():
            pages = parcels = 0
            for k, number in enumerate(numbers):
                doc = service.manifest_document(session, number)
                session.rollback()
                parcels += len(doc.lines)
                pages += write_manifest_pdf(
                    doc, folder / f"manifest-{k}.pdf", progress=counting("print")
                )
            return pages, parcels

        print_wall, print_cpu, (pages, parcels) = _timed(print_all)
        documents = []
        for number in numbers:
            documents.append(service.manifest_document(session, number))
            session.rollback()
    floor_wall, floor_cpu, _ = _timed(
        lambda: [render_manifest(d, folder / f"floor-{k}.pdf") for k, d in enumerate(documents)]
    )
    db.dispose_engine(url)
    bare_wall, bare_cpu = bare_build_and_close(before, path)
    return {
        "manifests": len(numbers),
        "parcels": parcels,
        "pages": pages,
        "build": build_wall,
        "build_cpu": build_cpu,
        "close": close_wall,
        "close_cpu": close_cpu,
        "bare": bare_wall,
        "bare_cpu": bare_cpu,
        "ticks": ticks,
        "print": print_wall,
        "print_cpu": print_cpu,
        "floor": floor_wall,
        "floor_cpu": floor_cpu,
    }


def daily_report(url: str) -> dict:
    from sqlalchemy import func, select

    from logistics import db
    from logistics.models import Parcel
    from logistics.services import reports

    with db.session_scope(url, write=False) as session:
        wall, cpu, report = _timed(lambda: reports.daily_report(session, PEAK_DAY))
    table = Parcel.__table__
    query = (
        select(table.c.station_id, table.c.direction, table.c.status, func.count())
        .where(table.c.registered_on == PEAK_DAY)
        .group_by(table.c.station_id, table.c.direction, table.c.status)
    )
    with db.session_scope(url, write=False) as session:
        conn = session.connection()
        floor_wall, floor_cpu, rows = _timed(lambda: conn.execute(query).all())
    return {
        "wall": wall,
        "cpu": cpu,
        "floor": floor_wall,
        "floor_cpu": floor_cpu,
        "groups": len(rows),
        "report": report,
    }


def parcel_import(rows: int) -> dict:
    sys.path.insert(0, str(HERE))
    import parcel_import as bench

    return bench.measure(rows)


def measure(parcels: int = 30_000, keep: Path | None = None, say=_say) -> dict:
    """Build the peak day and time every step on it; returns each step's figures."""
    folder = keep or Path(tempfile.mkdtemp(prefix="hub-peak-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hub.db"
    for leftover in folder.glob("hub.db*"):
        leftover.unlink()
    url = f"sqlite:///{path}"
    env = dict(os.environ, HUB_DATABASE_URL=url, HUB_NOW=f"{PEAK_DAY}T06:30", COLUMNS="120")
    saved_now = os.environ.get("HUB_NOW")
    os.environ["HUB_NOW"] = env["HUB_NOW"]
    out: dict = {}
    try:
        say(f"building the Double 11 day of about {parcels:,} parcels ...")
        out["day"] = build(url, parcels)
        say(
            f"  {out['day']['parcels']:,} parcels ({out['day']['outbound']:,} outbound, "
            f"{out['day']['inbound']:,} inbound)"
        )
        say("hub plan ...")
        out["plan"] = plan(env)
        say(f"  {out['plan']['wall']:.2f} s")
        out["collected"] = collect_all(url)
        say(f"assignment of {out['collected']:,} outbound parcels at the hub ...")
        out["assignment"] = assignment(url)
        say(f"  {out['assignment']['wall']:.2f} s")
        say("manifests: build, close, print ...")
        out["manifests"] = manifests(url, folder)
        say(
            f"  build {out['manifests']['build']:.2f} s, close {out['manifests']['close']:.2f}"
            f" s, print {out['manifests']['print']:.2f} s"
        )
        say("daily report ...")
        out["report"] = daily_report(url)
        say(f"  {out['report']['wall']:.2f} s")
    finally:
        if saved_now is None:
            os.environ.pop("HUB_NOW", None)
        else:
            os.environ["HUB_NOW"] = saved_now
        from logistics import db

        db.dispose_engine(url)
        if not keep:
            for leftover in folder.iterdir():
                leftover.unlink()
            folder.rmdir()
    say(f"parcel import of {parcels:,} CSV rows ...")
    out["import"] = parcel_import(parcels)
    out["import"]["rows"] = parcels
    return out


def targets(m: dict) -> dict[str, float]:
    """Each step's target in seconds (the import's in rows/s)."""
    return {
        "plan": PLAN_TARGET_S,
        "assignment": ASSIGN_S_PER_PARCEL * m["assignment"]["parcels"],
        "manifests": PDF_S_PER_PARCEL * m["manifests"]["parcels"],
        "build_close": BUILD_CLOSE_S_PER_PARCEL * m["manifests"]["parcels"],
        "report": REPORT_TARGET_S,
        "import": IMPORT_TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=30_000)
    parser.add_argument("--keep", type=Path, help="build the database in this folder, keep it")
    args = parser.parse_args(argv)
    m = measure(args.parcels, args.keep)
    goal = targets(m)
    p, a, mf, r, im = m["plan"], m["assignment"], m["manifests"], m["report"], m["import"]
    plan_json = p["plan"]
    backlog = plan_json.get("backlog") or {}
    print(
        f"peak day {PEAK_DAY}: {m['day']['parcels']:,} parcels, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(
        f"hub plan {p['wall']:.2f} s wall, {p['cpu']:.2f} s CPU (solver "
        f"{plan_json['solve_seconds']} s; target < {goal['plan']:.0f} s): "
        f"{len(plan_json['rounds'])} rounds, "
        f"{plan_json['vans_used']} vans, {plan_json['waves']} waves, served "
        f"{plan_json['parcels_served']:,}; {backlog.get('sentence', 'nothing waits')}"
    )
    print(
        f"assignment {a['wall']:.2f} s wall, {a['cpu']:.2f} s CPU for {a['parcels']:,} parcels "
        f"(solver alone {a['floor']:.2f} s; target < {goal['assignment']:.0f} s): "
        f"{a['assigned']:,} assigned, {a['unassigned']:,} unassigned"
    )
    print(
        f"manifests: build {mf['build']:.2f} s + close {mf['close']:.2f} s wall, "
        f"{mf['build_cpu'] + mf['close_cpu']:.2f} s CPU (bare sqlite3 of the same rows "
        f"{mf['bare']:.2f} s wall, {mf['bare_cpu']:.2f} s CPU); progress reports "
        f"{mf['ticks']}"
    )
    print(
        f"manifests: print {mf['manifests']} PDFs "
        f"({mf['pages']:,} pages, {mf['parcels']:,} parcels) {mf['print']:.2f} s wall, "
        f"{mf['print_cpu']:.2f} s CPU (renderer alone {mf['floor']:.2f} s; target < "
        f"{goal['manifests']:.0f} s)"
    )
    print(
        f"daily report {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU (bare GROUP BY "
        f"{r['floor']:.3f} s; target < {goal['report']:.0f} s)"
    )
    rate = im["rows"] / im["seconds"]
    print(
        f"parcel import {rate:,.0f} rows/s ({im['seconds']:.2f} s; raw floor "
        f"{im['rows'] / im['floor']:,.0f} rows/s; target >= {goal['import']:,})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
