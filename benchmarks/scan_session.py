"""Scan speed on SQLite: committed scans per second in one scan session (target >= 1,000/s),
and the wall time of one `hub scan` process beside `python -c "import typer, rich, sqlmodel"`.

    python benchmarks/scan_session.py [SCANS]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from logistics import db
from logistics.services import network
from logistics.services.parcel_import import import_parcels
from logistics.services.scanning import DONE, ScanSession


def wall(args: list[str], env: dict[str, str], runs: int = 5) -> float:
    """Best of ``runs`` wall times of a process, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    scans = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "hub.db"
        url = f"sqlite:///{database}"
        db.upgrade(url)
        with db.session_scope(url) as session:
            network.load_sample_network(session)
        csv_path = Path(folder) / "p.csv"
        with open(csv_path, "w", encoding="utf-8") as f:
            f.write("station,order_ref,recipient_name,recipient_phone,province,address,weight_kg\n")
            for n in range(scans):
                f.write(f"GD{n % 30 + 1:02d},B{n},张三,13812345678,44,1号,1.5\n")
        with db.session_scope(url) as session:
            codes = import_parcels(session, csv_path, operator="bench").parcel_nos

        session = ScanSession(db.check_ready(url), "arrive", "bench")
        started = time.perf_counter()
        for code in codes:
            assert session.scan(code).verdict == DONE
        seconds = time.perf_counter() - started
        print(
            f"scan session (arrive, each committed): {scans:,} scans in {seconds:.2f} s = "
            f"{scans / seconds:,.0f} scans/s (target >= 1,000)"
        )

        hub = shutil.which("hub")
        env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_OPERATOR": "bench"}
        command = [hub] if hub else [sys.executable, "-m", "logistics"]
        single = wall([*command, "scan", "hold", codes[0]], env)
        floor = wall([sys.executable, "-c", "import typer, rich, sqlmodel"], env)
        print(
            f"one `hub scan` process: {single * 1000:.0f} ms; "
            f'python -c "import typer, rich, sqlmodel": {floor * 1000:.0f} ms; '
            f"ratio {single / floor:.1f}x"
        )


if __name__ == "__main__":
    main()
