"""Hostile and unlucky restores, damaged databases and the files' modes (issue 17, items 1, 5).

Every hostile file is made here, in the test's own folder: a foreign SQLite file with
only an ``alembic_version`` table, 32 KB of random bytes, a real backup with damaged
pages, a backup of a newer hub. A restore checks the backup before it touches the live
database, keeps the database it replaces beside it, and refuses while another process
(a running scan session) has the database open.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from logistics import db
from logistics.errors import DatabaseBusy, InvalidInput
from logistics.models import Station

pytestmark = pytest.mark.sqlite_only

MODE_600 = 0o600


def _stations(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        count = connection.execute("SELECT COUNT(*) FROM station").fetchone()[0]
    connection.close()
    return count


def _quick_check(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    connection.close()
    return verdict


def _foreign_file(path: Path, version: str = db.SCHEMA_HEAD) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (version,))
    connection.close()
    return path


def _random_file(path: Path, size: int = 32 * 1024) -> Path:
    path.write_bytes(random.Random(17).randbytes(size))
    return path


def _damage_pages(path: Path) -> Path:
    """Scribble over the pages of the hub's tables: the file opens and says which schema
    it has, the stations, couriers and parcels are garbage."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        pages = connection.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('station', 'courier', 'parcel', "
            "'parcel_event', 'hub', 'courier_tariff')"
        ).fetchall()
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    noise = random.Random(5)
    for (number,) in pages:
        start = (number - 1) * size
        for offset in range(start, start + size, 7):
            data[offset] = noise.randrange(256)
    path.write_bytes(bytes(data))
    return path


def _backup_of_newer_hub(database_url: str, path: Path) -> Path:
    db.backup(database_url, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return path


@pytest.fixture
def live(database_url, sample_network) -> Path:
    """The test's live SQLite file with the sample township (30 stations) in it."""
    sample_network.close()
    sample_network.get_bind().dispose()
    return db.sqlite_path(database_url)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_foreign_file, "is not a hub database"),
        (_random_file, "is not a SQLite database"),
    ],
    ids=["only-alembic-version", "32KB-random-bytes"],
)
def test_a_foreign_file_is_refused_and_the_live_data_is_untouched(
    database_url, live, tmp_path, make, expected
):
    hostile = make(tmp_path / "hostile.db")
    with pytest.raises(InvalidInput, match=expected):
        db.restore(database_url, hostile)
    assert _stations(live) == 30
    assert _quick_check(live) == "ok"
    assert not list(live.parent.glob("*.before-restore-*"))


def test_a_backup_with_damaged_pages_is_refused(database_url, live, tmp_path):
    db.backup(database_url, tmp_path / "b.db")
    damaged = _damage_pages(tmp_path / "b.db")
    with pytest.raises(InvalidInput, match="is damaged"):
        db.restore(database_url, damaged)
    assert _stations(live) == 30
    assert _quick_check(live) == "ok"


def test_a_backup_of_a_newer_hub_is_refused(database_url, live, tmp_path):
    newer = _backup_of_newer_hub(database_url, tmp_path / "newer.db")
    with pytest.raises(InvalidInput, match="schema 9999"):
        db.restore(database_url, newer)
    assert _stations(live) == 30


def test_a_restore_keeps_the_replaced_database_beside_it(database_url, live, tmp_path):
    backup = tmp_path / "b.db"
    db.backup(database_url, backup)
    with db.session_scope(database_url) as session:
        station = session.exec(select(Station).where(Station.code == "GD01")).one()
        station.name = "changed after the backup"
        session.add(station)
        session.commit()

    result = db.restore(database_url, backup)

    kept = list(live.parent.glob(f"{live.name}.before-restore-*"))
    assert [result.kept] == kept
    assert kept[0].stat().st_mode & 0o777 == MODE_600
    with sqlite3.connect(kept[0]) as old:
        name = old.execute("SELECT name FROM station WHERE code = 'GD01'").fetchone()[0]
    old.close()
    assert name == "changed after the backup"
    assert result.counts["stations"] == 30
    with db.session_scope(database_url) as session:
        station = session.exec(select(Station).where(Station.code == "GD01")).one()
        assert station.name == "高都村服务站"
    assert live.stat().st_mode & 0o777 == MODE_600
    assert sorted(path.name for path in tmp_path.glob("b.db*")) == ["b.db"]


def test_a_backup_restores_over_a_database_sqlite_cannot_read(database_url, live, tmp_path):
    backup = tmp_path / "b.db"
    db.backup(database_url, backup)
    db.dispose_engine(database_url)
    for companion in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        companion.unlink(missing_ok=True)
    garbage = _random_file(live).read_bytes()

    result = db.restore(database_url, backup)

    assert result.kept is not None and result.kept.read_bytes() == garbage
    assert result.kept.stat().st_mode & 0o777 == MODE_600
    assert _quick_check(live) == "ok"
    assert _stations(live) == 30


SCANNER = """
import sys
from logistics.services.scanning import open_scan_session
scan = open_scan_session(sys.argv[1], "arrive", operator="op")
for line in sys.stdin:
    print(scan.scan(line.strip()).verdict, flush=True)
"""


def test_a_restore_is_refused_while_a_scan_session_has_the_database_open(
    database_url, live, tmp_path, make_parcel, sample_network
):
    parcels = [make_parcel("collected").parcel_no for _ in range(3)]
    sample_network.close()
    sample_network.get_bind().dispose()  # this process keeps no connection open
    backup = tmp_path / "b.db"
    db.backup(database_url, backup)
    scanner = subprocess.Popen(
        [sys.executable, "-c", SCANNER, database_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        scanner.stdin.write(parcels[0] + "\n")
        scanner.stdin.flush()
        assert scanner.stdout.readline().strip() == "done"

        with pytest.raises(DatabaseBusy, match="Another process has the database .* open"):
            db.restore(database_url, backup)

        # The scanner goes on and what it answers is kept.
        scanner.stdin.write(parcels[1] + "\n")
        scanner.stdin.flush()
        assert scanner.stdout.readline().strip() == "done"
    finally:
        scanner.stdin.close()
        scanner.wait(timeout=30)
    with sqlite3.connect(live) as connection:
        statuses = dict(connection.execute("SELECT parcel_no, status FROM parcel").fetchall())
    connection.close()
    assert [statuses[p] for p in parcels] == ["at_hub", "at_hub", "collected"]
    assert not list(live.parent.glob("*.before-restore-*"))

    # Once the scanner has stopped, the restore goes ahead.
    db.restore(database_url, backup)
    with sqlite3.connect(live) as connection:
        assert connection.execute("SELECT COUNT(*) FROM parcel").fetchone()[0] == 3
    connection.close()


def test_the_restore_command_refuses_a_foreign_file_with_one_sentence(hub, live, tmp_path):
    hostile = _foreign_file(tmp_path / "hostile.db")
    result = hub("db", "restore", hostile, "--yes")
    assert result.exit_code == 1
    assert "is not a hub database" in result.output
    assert "Unexpected error" not in result.output
    assert _stations(live) == 30


def test_the_restore_command_says_what_it_restored_and_where_the_old_one_is(
    hub, database_url, live, tmp_path
):
    backup = tmp_path / "b.db"
    db.backup(database_url, backup)
    result = hub("db", "restore", backup, "--yes")
    assert result.exit_code == 0, result.output
    assert "30 stations" in result.output
    assert ".before-restore-" in result.output


@pytest.mark.parametrize(
    "damage",
    [lambda path: _random_file(path), _damage_pages],
    ids=["random-bytes", "damaged-pages"],
)
def test_db_check_reports_a_damaged_database_as_a_finding(hub, live, damage):
    for companion in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        companion.unlink(missing_ok=True)
    damage(live)
    result = hub("db", "check")
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert "Unexpected error" not in result.output


def test_a_damaged_database_is_one_sentence_for_every_command(hub, live):
    _random_file(live)
    result = hub("station", "list")
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert "Unexpected error" not in result.output


# ------------------------------------------------------------------ item 1: file modes


def test_init_creates_the_database_and_its_companions_readable_by_the_owner_only(
    tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from logistics.cli.main import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HUB_DATABASE_URL", raising=False)
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["init", "--sample"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        # a second process opening it keeps the -wal and -shm files in place
        with sqlite3.connect(tmp_path / "hub.db") as connection:
            connection.execute("SELECT COUNT(*) FROM station").fetchone()
            modes = {
                path.name: path.stat().st_mode & 0o777
                for path in tmp_path.iterdir()
                if path.name.startswith("hub.db")
            }
        connection.close()
    finally:
        os.umask(old)
        db.dispose_engine(db.DEFAULT_URL)
    assert "hub.db" in modes
    assert {"hub.db-wal", "hub.db-shm"} <= set(modes)
    assert modes == dict.fromkeys(modes, MODE_600)
