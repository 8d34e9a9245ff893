"""Scan speed on SQLite: committed scans per second in one scan session (target >= 1,000/s),
and the wall time of one `hub scan` process beside `python -c "import typer, rich, sqlmodel"`,
in English and in Chinese (HUB_LANG=zh: the same imports, plus reading the catalog).

The scan session's floor is raw sqlite3 doing what one scan does (BEGIN IMMEDIATE, read
the parcel, update it, append its event, COMMIT) on the same database. Wall and CPU
seconds are both shown: on a shared machine compare the CPU figures and the ratios.

    python benchmarks/scan_session.py [SCANS]
"""

from __future__ import annotations

import datetime
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from logistics import db
from logistics.services import network_sample
from logistics.services.parcel_import import import_parcels
from logistics.services.scanning import DONE, ScanSession


def wall(args: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Best of ``runs`` wall times of a process, in seconds."""
    return wall_cpu(args, env, runs)[0]


def wall_cpu(args: list[str], env: dict[str, str], runs: int = 5) -> tuple[float, float]:
    """Best of ``runs`` wall times of a process and the least CPU seconds (user + system)
    one run took, in seconds."""
    best = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        best_cpu = min(best_cpu, cpu)
    return best, best_cpu


def raw_floor(database: Path, codes: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of raw sqlite3 doing one scan's statements per code."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    started, cpu = time.perf_counter(), time.process_time()
    for code in codes:
        connection.execute("BEGIN IMMEDIATE")
        parcel_id, status = connection.execute(
            "SELECT id, status FROM parcel WHERE parcel_no = ? OR tracking_no = ?", (code, code)
        ).fetchone()
        at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        connection.execute(
            "UPDATE parcel SET status = ?, status_at = ?, held_from = ? WHERE id = ?",
            ("held", at, status, parcel_id),
        )
        connection.execute(
            "INSERT INTO parcel_event (parcel_id, at, action, from_status, to_status, place,"
            " operator, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (parcel_id, at, "hold", status, "held", "HUB", "bench", None),
        )
        connection.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return seconds, cpu


def measure(scans: int = 5000, runs: int = 5) -> dict:
    """Scan session and single `hub scan` figures, with their floors (seconds).

    Keys: scans, seconds/cpu (the session), floor/floor_cpu (raw sqlite3, scaled to
    ``scans``), single/single_cpu (one `hub scan hold` process, best of ``runs``),
    single_zh/single_zh_cpu (the same in Chinese), start/start_cpu
    (``python -c "import typer, rich, sqlmodel"``, best of ``runs``)."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "hub.db"
        url = f"sqlite:///{database}"
        db.upgrade(url)
        with db.session_scope(url) as session:
            network_sample.load_sample_network(session)
        csv_path = Path(folder) / "p.csv"
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write("station,order_ref,recipient_name,recipient_phone,province,address,weight_kg\n")
            for n in range(scans):
                f.write(f"GD{n % 30 + 1:02d},B{n},张三,13812345678,44,1号,1.5\n")
        with db.session_scope(url) as session:
            codes = import_parcels(session, csv_path, operator="bench").parcel_nos

        session = ScanSession(db.check_ready(url), "arrive", "bench")
        started, cpu = time.perf_counter(), time.process_time()
        for code in codes:
            assert session.scan(code).verdict == DONE
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        session.close()
        held = codes[1:]  # codes[0] is left for the `hub scan hold` below
        floor, floor_cpu = raw_floor(database, held)
        floor, floor_cpu = floor * scans / len(held), floor_cpu * scans / len(held)
        db.dispose_engine(url)

        hub = shutil.which("hub")
        env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_OPERATOR": "bench", "HUB_LANG": "en"}
        command = [hub] if hub else [sys.executable, "-m", "logistics"]
        single, single_cpu = wall_cpu([*command, "scan", "hold", codes[0]], env, runs)
        single_zh, single_zh_cpu = wall_cpu(
            [*command, "scan", "hold", codes[0]], {**env, "HUB_LANG": "zh"}, runs
        )
        start, start_cpu = wall_cpu(
            [sys.executable, "-c", "import typer, rich, sqlmodel"], env, runs
        )
    return {
        "scans": scans,
        "seconds": seconds,
        "cpu": cpu,
        "floor": floor,
        "floor_cpu": floor_cpu,
        "single": single,
        "single_cpu": single_cpu,
        "single_zh": single_zh,
        "single_zh_cpu": single_zh_cpu,
        "start": start,
        "start_cpu": start_cpu,
    }


def main() -> None:
    scans = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    m = measure(scans)
    seconds, cpu, floor, floor_cpu = m["seconds"], m["cpu"], m["floor"], m["floor_cpu"]
    print(
        f"scan session (arrive, each committed): {scans:,} scans in {seconds:.2f} s = "
        f"{scans / seconds:,.0f} scans/s wall; {cpu:.2f} s = {scans / cpu:,.0f} scans/s "
        "CPU (target >= 1,000)"
    )
    print(
        f"raw sqlite3, the same steps (hold): {scans / floor:,.0f} scans/s wall, "
        f"{scans / floor_cpu:,.0f} scans/s CPU; ratio {seconds / floor:.1f}x wall, "
        f"{cpu / floor_cpu:.1f}x CPU"
    )
    single, single_zh, floor = m["single"], m["single_zh"], m["start"]
    print(
        f"one `hub scan` process: {single * 1000:.0f} ms "
        f"({m['single_cpu'] * 1000:.0f} ms CPU), in Chinese {single_zh * 1000:.0f} ms "
        f"({m['single_zh_cpu'] * 1000:.0f} ms CPU); "
        f'python -c "import typer, rich, sqlmodel": {floor * 1000:.0f} ms '
        f"({m['start_cpu'] * 1000:.0f} ms CPU); ratio {single / floor:.1f}x"
    )


if __name__ == "__main__":
    main()
