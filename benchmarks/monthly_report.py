"""How fast is the monthly report? A year of sample parcels on SQLite (target < 2 s).

    python benchmarks/monthly_report.py [--seed 1] [--month 2025-11] [--repeat 5]

The first run generates a year (2025) of the sample township's parcels with their whole
lives and event logs (about 1.2 million parcels and 5.5 million events) with the seeded
generator into a SQLite file under /tmp keyed by the seed; later runs reuse it (delete
the file, or pass --fresh, to make it again). Generation takes a few minutes.

Then it times ``reports.monthly_report`` for the month (default November, the busiest:
kiwi season and Double 11), cold (first run, new connection) and warm (the best and the
median of the repeats), and, as the floor, one bare SQL GROUP BY of the same month's
parcels by station: the report cannot be faster than reading the month once, so the
ratio says how many "month reads" the whole report costs.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from logistics import db  # noqa: E402

# The covering index proposed for logistics/models/parcels.py: every monthly GROUP BY
# (and the handover hours) is then read from the index alone, never from the table rows.
PROPOSED_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_parcel_month_report ON parcel (registered_on, direction, "
    "status, station_id, courier_id, province_code, category, weight_g, fee_fen, "
    "registered_at, status_at)"
)
YEAR_START = date(2025, 1, 1)
DAYS = 365
TARGET_S = 2.0


def data_path(seed: int, days: int = DAYS, start: date = YEAR_START) -> Path:
    name = f"hub-bench-monthly-seed{seed}.db"
    if (days, start) != (DAYS, YEAR_START):  # a smaller sample (run.py --quick)
        name = f"hub-bench-monthly-seed{seed}-{start}-{days}d.db"
    return Path(tempfile.gettempdir()) / name


def ensure_data(seed: int, fresh: bool = False, days: int = DAYS, start: date = YEAR_START) -> str:
    """The URL of the cached sample data for `seed` (a year by default; ``days`` from
    ``start`` otherwise), generated when missing."""
    from logistics.services.sample import generate
    from logistics.services.setup import initialise

    path = data_path(seed, days, start)
    marker = path.with_suffix(".done")
    if fresh:
        for stale in (path, marker, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    if marker.exists() and path.exists():
        return url
    print(f"generating {days} days of sample parcels (seed {seed}) into {path} ...", flush=True)
    initialise(url, sample=not path.exists() or _no_hub(url))
    began = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 30 == 0 or done == total:
            print(f"  {done}/{total} days, {time.perf_counter() - began:.0f} s", flush=True)

    with db.session_scope(url) as session:
        summary = generate(session, days, seed, start=start, progress=progress)
    print(
        f"made {summary.parcels:,} parcels and {summary.events:,} events in "
        f"{summary.seconds:.0f} s ({summary.skipped_days} days were already there)",
        flush=True,
    )
    db.dispose_engine(url)
    with sqlite3.connect(path) as connection:  # fold the WAL back into the file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    marker.write_text("ok\n")
    return url


def indexed_copy(seed: int) -> str:
    """A copy of the cached year with the proposed index added (made once)."""
    source = data_path(seed)
    path = source.with_name(source.stem + "-indexed.db")
    marker = path.with_suffix(".done")
    if not (marker.exists() and path.exists()):
        print(f"copying the year to {path} and adding the proposed index ...", flush=True)
        shutil.copyfile(source, path)
        with sqlite3.connect(path) as connection:
            connection.execute(PROPOSED_INDEX)
        connection.close()
        marker.write_text("ok\n")
    return f"sqlite:///{path}"


def _no_hub(url: str) -> bool:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM hub")).scalar() == 0
    except Exception:  # noqa: BLE001  (a file without the schema yet)
        return True
    finally:
        db.dispose_engine(url)


def floor_query(url: str, month: str) -> float:
    """Seconds for one bare GROUP BY of the month's parcels by station."""
    return floor_query_cpu(url, month)[0]


def floor_query_cpu(url: str, month: str) -> tuple[float, float]:
    """Wall and CPU seconds for one bare GROUP BY of the month's parcels by station."""
    from logistics.domain.clock import month_bounds

    first, following = month_bounds(month)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        began, began_cpu = time.perf_counter(), time.process_time()
        connection.execute(
            text(
                "SELECT station_id, direction, count(*), sum(weight_g), sum(fee_fen) "
                "FROM parcel WHERE registered_on >= :first AND registered_on < :following "
                "GROUP BY station_id, direction"
            ),
            {"first": first.isoformat(), "following": following.isoformat()},
        ).all()
        return time.perf_counter() - began, time.process_time() - began_cpu


def time_report(url: str, month: str) -> tuple[float, float, object]:
    """Wall and CPU seconds of one monthly report (SQLite runs in this process, so the CPU
    time counts the queries too, and is less disturbed by other work on the machine)."""
    from logistics.services import reports

    with db.session_scope(url, write=False) as session:
        began, began_cpu = time.perf_counter(), time.process_time()
        report = reports.monthly_report(session, month)
        return time.perf_counter() - began, time.process_time() - began_cpu, report


def measure(url: str, month: str, repeat: int) -> dict:
    """Time the monthly report and its floor on one database, without printing.

    Keys: cold (first report, new connection), times/cpus (the repeats), floors/floor_cpus
    (at least 3 bare GROUP BYs), outbound/inbound (the month's parcels)."""
    cold, _cpu, report = time_report(url, month)
    times, cpus = [], []
    for _ in range(repeat):
        seconds, cpu, report = time_report(url, month)
        times.append(seconds)
        cpus.append(cpu)
    floors = [floor_query_cpu(url, month) for _ in range(max(repeat, 3))]
    db.dispose_engine(url)
    return {
        "cold": cold,
        "times": times,
        "cpus": cpus,
        "floors": [wall for wall, _ in floors],
        "floor_cpus": [cpu for _, cpu in floors],
        "outbound": report.totals["outbound_parcels"],
        "inbound": report.totals["inbound_parcels"],
    }


def counts(url: str) -> tuple[int, int]:
    """Parcels and events (the highest event id) in a database."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        parcels = connection.execute(text("SELECT count(*) FROM parcel")).scalar()
        events = connection.execute(text("SELECT max(id) FROM parcel_event")).scalar()
    db.dispose_engine(url)
    return parcels, events


def schema_drift(url: str) -> list[str]:
    """Names of the parcel and event indexes that differ between the cached database and a
    fresh database at the current migrations (the cache is never rebuilt on its own)."""

    def indexes(path: str) -> dict[str, str | None]:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(
                connection.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name IN ('parcel', 'parcel_event')"
                )
            )
        finally:
            connection.close()

    with tempfile.TemporaryDirectory() as folder:
        fresh = f"sqlite:///{folder}/fresh.db"
        db.upgrade(fresh)
        db.dispose_engine(fresh)
        current = indexes(f"{folder}/fresh.db")
    cached = indexes(url.removeprefix("sqlite:///"))
    return sorted(
        name for name in current.keys() | cached.keys() if current.get(name) != cached.get(name)
    )


def report(url: str, month: str, repeat: int, label: str) -> tuple[float, float]:
    """Print and return the median report time and the floor for one database."""
    print(f"-- {label}")
    m = measure(url, month, repeat)
    times, cold = m["times"], m["cold"]
    best, median, floor = min(times), statistics.median(times), min(m["floors"])
    print(f"   month {month}: {m['outbound']:,} outbound and {m['inbound']:,} inbound parcels")
    print(
        f"   monthly report: cold {cold:.3f} s, best {best:.3f} s, median {median:.3f} s "
        f"({', '.join(f'{t:.2f}' for t in times)}); CPU median {statistics.median(m['cpus']):.3f} s"
    )
    print(
        f"   floor (one GROUP BY of the month by station): {floor:.3f} s; "
        f"report / floor = {best / floor:.1f}"
    )
    verdict = "met" if median < TARGET_S else "NOT met"
    print(f"   target < {TARGET_S:.0f} s: {verdict}")
    db.dispose_engine(url)
    return median, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--month", default="2025-11")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="generate the year again")
    parser.add_argument(
        "--no-proposed-index",
        action="store_true",
        help="skip the run on a copy with the proposed covering index",
    )
    args = parser.parse_args()

    url = ensure_data(args.seed, fresh=args.fresh)
    parcels, events = counts(url)
    print(f"database: {data_path(args.seed)} ({parcels:,} parcels, {events:,} events)")
    report(url, args.month, args.repeat, "schema as it is")
    if not args.no_proposed_index:
        report(indexed_copy(args.seed), args.month, args.repeat, "with the proposed index")
        print(f"proposed index: {PROPOSED_INDEX}")


if __name__ == "__main__":
    main()
