"""Parcel import speed: rows per second of `import_parcels` into SQLite for a ~100k-row CSV.

99,000 rows by default: one import registers its parcels on one hub-local day, and a
day's hub parcel ids stop at P........-99999.

Target: at least 50,000 rows/s. The floor printed beside it is raw sqlite3 executemany
of the same rows (already parsed, parcels and their events) into the same schema, in the
same process. Wall and CPU seconds are both shown: on a shared machine the CPU figures
and the ratio to the floor are the ones to compare between runs.

    python benchmarks/parcel_import.py [ROWS]
"""

from __future__ import annotations

import csv
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from logistics import db
from logistics.services import network_sample
from logistics.services.parcel_import import import_parcels

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
PROVINCES = ["44", "广东", "浙江省", "Jiangsu", "31", "北京", "山东", "14", "贵州省", "Sichuan"]
CATEGORIES = ["kiwi", "cured meat", "rice tofu", "tea", "crafts"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            ["站点", "订单号", "收件人", "电话", "省份", "城市", "地址", "重量", "品类", "运单号"]
        )
        for n in range(rows):
            tracking = f"7{rng.randrange(10**12, 10**13):013d}" if n % 3 == 0 else ""
            out.writerow(
                [
                    f"GD{rng.randint(1, 30):02d}",
                    f"TB{n:09d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
                    rng.choice(PROVINCES),
                    "某市",
                    f"某区某路{rng.randint(1, 999)}号",
                    f"{rng.choice([0.5, 1, 1.5, 2.5, 2.5, 5, 10])}",
                    rng.choice(CATEGORIES),
                    tracking,
                ]
            )


def raw_floor(url: str, database: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of raw sqlite3 executemany of the parcels just imported, plus
    their events."""
    with sqlite3.connect(database) as source:
        parcels = source.execute("SELECT * FROM parcel ORDER BY id").fetchall()
        events = source.execute("SELECT * FROM parcel_event ORDER BY id").fetchall()
        source.execute("DROP TRIGGER IF EXISTS parcel_event_no_delete")  # a scratch copy
        source.execute("DELETE FROM parcel_event")
        source.execute("DELETE FROM parcel")
    source.close()
    db.dispose_engine(url)
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    started, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")
    marks = ",".join("?" * len(parcels[0]))
    connection.executemany(f"INSERT INTO parcel VALUES ({marks})", parcels)
    marks = ",".join("?" * len(events[0]))
    connection.executemany(f"INSERT INTO parcel_event VALUES ({marks})", events)
    connection.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return seconds, cpu


def measure(rows: int = 99_000) -> dict:
    """Import ``rows`` generated rows into a fresh SQLite hub, then the raw floor.

    Returns rows, csv_mb, seconds/cpu (the import), floor/floor_cpu (raw sqlite3
    executemany of the same parcels and events), reimport_seconds and already."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "parcels.csv"
        database = Path(folder) / "hub.db"
        write_csv(path, rows)
        url = f"sqlite:///{database}"
        db.upgrade(url)
        with db.session_scope(url) as session:
            network_sample.load_sample_network(session)
        csv_mb = path.stat().st_size / 1e6
        with db.session_scope(url) as session:
            started, cpu = time.perf_counter(), time.process_time()
            summary = import_parcels(session, path, operator="bench")
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert summary.imported == rows, summary
        with db.session_scope(url) as session:
            again = import_parcels(session, path, operator="bench", again=True)
        assert again.imported == 0 and again.already == rows
        floor, floor_cpu = raw_floor(url, database)
    return {
        "rows": rows,
        "csv_mb": csv_mb,
        "seconds": seconds,
        "cpu": cpu,
        "floor": floor,
        "floor_cpu": floor_cpu,
        "reimport_seconds": again.seconds,
        "already": again.already,
    }


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 99_000
    m = measure(rows)
    seconds, cpu, floor, floor_cpu = m["seconds"], m["cpu"], m["floor"], m["floor_cpu"]
    print(f"{rows:,} rows, {m['csv_mb']:.1f} MB CSV (Chinese headers)")
    print(
        f"hub parcel import: {seconds:6.2f} s  {rows / seconds:10,.0f} rows/s wall; "
        f"{cpu:6.2f} s  {rows / cpu:10,.0f} rows/s CPU  (target >= 50,000)"
    )
    print(
        f"raw sqlite3 executemany (parcels + events, no parsing): {floor:6.2f} s  "
        f"{rows / floor:10,.0f} rows/s wall; {floor_cpu:6.2f} s  "
        f"{rows / floor_cpu:10,.0f} rows/s CPU"
    )
    print(f"ratio to the floor: {seconds / floor:.2f}x wall, {cpu / floor_cpu:.2f}x CPU")
    print(f"re-import of the same file: {m['reimport_seconds']:.2f} s, {m['already']:,} already")


if __name__ == "__main__":
    main()
