"""`hub db move-to`: a hub that started on SQLite moves, with its whole history, into
the county's database, next to a hub already working there.

The source is a SQLite file holding two hubs (a day of the sample township driven end to
end, old history, erased personal data, an export record), the target a database where
another hub already has rows with the same ids. The target is a fresh PostgreSQL
database on the server of HUB_TEST_DATABASE_URL (skipped without one), and a SQLite file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from logistics import db
from logistics.domain.clock import local_today, utcnow, zone
from logistics.errors import RuleBroken
from logistics.models import (
    Hub,
    ImportedFile,
    Manifest,
    Parcel,
    ParcelEvent,
    PersonalExport,
    Round,
    Station,
)
from logistics.services import hub_move, hubs, network_sample, personal_data, sample
from logistics.services.network import current_hub

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL")
HUB = "GAODU"

pytestmark = pytest.mark.usefixtures("_english_after")


@pytest.fixture(scope="module")
def _source_file(tmp_path_factory) -> Iterator[Path]:
    """A SQLite database holding GAODU (a whole day driven, plus old history) and a
    second hub, LINGCHUAN, with its own parcels."""
    from logistics.services import demo

    path = tmp_path_factory.mktemp("source") / "hub.db"
    url = f"sqlite:///{path}"
    demo.run_day(url, operator="王师傅", with_month=False)
    with db.session_scope(url, hub=HUB) as session:
        tz = zone(current_hub(session).timezone)
        old = local_today(tz) - timedelta(days=200)
        sample.generate(session, 2, 7, start=old, parcels_per_day=60)
        personal_data.erase_personal(session)
        session.add(
            PersonalExport(
                kind="handover",
                at=utcnow(),
                operator="王师傅",
                parcels=3,
                file_name="yunda.xlsx",
                subject="M-1",
            )
        )
        session.add(
            ImportedFile(
                digest="0" * 64,
                file_name="parcels.csv",
                parcels_added=0,
                imported_at=utcnow(),
                operator="王师傅",
            )
        )
        session.commit()
    with db.session_scope(url, any_hub=True) as session:
        other = hubs.add_hub(session, code="LINGCHUAN", name="陵川镇", lat=35.77, lon=113.28)
        session.commit()
    with db.session_scope(url, hub="LINGCHUAN") as session:
        network_sample.load_sample_network(session)
        sample.generate(session, 1, 3, start=old, parcels_per_day=40)
    assert other.id
    db.dispose_engine(url)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    yield path


@pytest.fixture
def source(_source_file, tmp_path) -> Iterator[str]:
    path = tmp_path / "township.db"
    shutil.copyfile(_source_file, path)
    url = f"sqlite:///{path}"
    yield url
    db.dispose_engine(url)


def _with_another_hub(url: str) -> None:
    """The county's database already runs XILING, whose row ids are GAODU's ids too."""
    db.upgrade(url)
    with db.session_scope(url, any_hub=True) as session:
        hubs.add_hub(session, code="XILING", name="西岭镇", lat=35.42, lon=112.85)
        session.commit()
    with db.session_scope(url, hub="XILING") as session:
        network_sample.load_sample_network(session)
        yesterday = local_today(zone(None)) - timedelta(days=1)
        sample.generate(session, 1, 11, start=yesterday, parcels_per_day=50)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'county.db'}"
        _with_another_hub(url)
        yield url
        db.dispose_engine(url)
        return
    if not PG_URL:
        pytest.skip("needs a PostgreSQL server: set HUB_TEST_DATABASE_URL")
    name = f"hub_move_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _with_another_hub(url)
    yield url
    db.dispose_engine(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _counts(url: str, code: str) -> dict[str, int]:
    """Rows of the hub in every table it owns."""
    with db.session_scope(url, write=False, any_hub=True) as session:
        hub_id = session.execute(select(Hub.id).where(Hub.code == code)).scalar()
        if hub_id is None:
            return {}
        found = {}
        for table in hub_move.moved_tables():
            mine = table.c.id if table.name == "hub" else table.c.hub_id
            found[table.name] = session.execute(
                select(func.count()).select_from(table).where(mine == hub_id)
            ).scalar_one()
        return found


def _timeline(url: str, parcel_no: str) -> tuple:
    """A parcel as a person sees it: its fields by code, and every event."""
    with db.session_scope(url, write=False, hub=HUB) as session:
        parcel = session.execute(select(Parcel).where(Parcel.parcel_no == parcel_no)).scalar_one()
        station = session.get(Station, parcel.station_id).code
        round_no = session.get(Round, parcel.round_id).round_no if parcel.round_id else None
        manifest = session.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
        fields = parcel.model_dump(exclude={"id", "hub_id", "station_id", "round_id"})
        fields.pop("manifest_id")
        fields.pop("courier_id")
        events = session.execute(
            select(
                ParcelEvent.at,
                ParcelEvent.action,
                ParcelEvent.from_status,
                ParcelEvent.to_status,
                ParcelEvent.place,
                ParcelEvent.operator,
                ParcelEvent.note,
            )
            .where(ParcelEvent.parcel_id == parcel.id)
            .order_by(ParcelEvent.id)
        ).all()
        return fields, station, round_no, manifest and manifest.manifest_no, [*map(tuple, events)]


def _busiest_parcel(url: str) -> str:
    """The handed-over parcel with the longest timeline."""
    with db.session_scope(url, write=False, hub=HUB) as session:
        return session.execute(
            select(Parcel.parcel_no)
            .join(ParcelEvent, ParcelEvent.parcel_id == Parcel.id)
            .where(Parcel.manifest_id.is_not(None))
            .group_by(Parcel.parcel_no)
            .order_by(func.count().desc(), Parcel.parcel_no)
            .limit(1)
        ).scalar_one()


def _fingerprint(url: str) -> str:
    """Every row of the source, hashed: the move only reads it."""
    digest = hashlib.sha256()
    with sqlite3.connect(db.sqlite_path(url)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
        for table in sorted(t for t in tables if not t.startswith(("ix_", "ux_", "sqlite_"))):
            try:
                rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            except sqlite3.OperationalError:
                continue  # an index or trigger name
            digest.update(repr((table, rows)).encode())
    connection.close()
    return digest.hexdigest()


def test_the_hub_arrives_whole_next_to_the_other_hub(source, target):
    before_source = _counts(source, HUB)
    others = _counts(target, "XILING")
    fingerprint = _fingerprint(source)
    parcel_no = _busiest_parcel(source)
    assert all(before_source[t] for t in ("parcel", "round", "manifest", "manifest_load_scan"))

    result = hub_move.move_hub(source, target, hub_code=HUB)

    assert result.counts == before_source
    assert _counts(target, HUB) == before_source
    assert _counts(target, "XILING") == others
    assert _timeline(target, parcel_no) == _timeline(source, parcel_no)
    assert _fingerprint(source) == fingerprint
    assert "LINGCHUAN" not in {row["code"] for row in _hub_list(target)}
    from logistics.services import integrity

    assert integrity.check_database(target) == []
    # New rows of the moved hub get ids of their own (the sequences were moved on).
    with db.session_scope(target, hub=HUB) as session:
        session.add(Station(code="NEW1", name="新站", village="新村", lat=35.6, lon=113.0))
        session.commit()


def _numbers(url: str) -> list[tuple]:
    with db.session_scope(url, write=False, hub=HUB) as session:
        return session.execute(
            select(Parcel.parcel_no, Parcel.tracking_no, Parcel.pickup_code).order_by(
                Parcel.parcel_no
            )
        ).all()


def test_the_copy_keeps_the_ids_people_know(source, target):
    kept = _numbers(source)
    hub_move.move_hub(source, target, hub_code=HUB)
    assert _numbers(target) == kept
    assert any(number for _no, number, _code in kept)


def test_a_hub_that_never_planned_a_round_moves_too(source, target):
    """LINGCHUAN has parcels but no round or manifest for them to point at."""
    before = _counts(source, "LINGCHUAN")
    assert before["parcel"] and not before["round"] and not before["manifest"]
    assert hub_move.move_hub(source, target, hub_code="LINGCHUAN").counts == before
    assert _counts(target, "LINGCHUAN") == before


def test_a_hub_already_there_is_refused(source, target):
    hub_move.move_hub(source, target, hub_code=HUB)
    copied = _counts(target, HUB)
    with pytest.raises(RuleBroken, match="already has a hub GAODU: nothing was copied"):
        hub_move.move_hub(source, target, hub_code=HUB)
    assert _counts(target, HUB) == copied


def test_a_database_of_several_hubs_needs_the_hub_named(source, target):
    with pytest.raises(RuleBroken, match="--hub CODE"):
        hub_move.move_hub(source, target)
    assert _counts(target, HUB) == {}


class Interrupted(Exception):
    pass


def test_interrupted_in_the_middle_leaves_nothing(source, target):
    fingerprint = _fingerprint(source)
    others = _counts(target, "XILING")

    def stop(table: str, copied: int, total: int) -> None:
        if table == "parcel_event" and copied:
            raise Interrupted

    with pytest.raises(Interrupted):
        hub_move.move_hub(source, target, hub_code=HUB, progress=stop)
    assert _counts(target, HUB) == {}
    assert _counts(target, "XILING") == others
    assert _fingerprint(source) == fingerprint
    # and the move can simply be run again
    assert hub_move.move_hub(source, target, hub_code=HUB).counts == _counts(target, HUB)


def test_a_killed_move_leaves_nothing(source, target):
    fingerprint = _fingerprint(source)
    script = textwrap.dedent(
        """
        import os, signal, sys
        from logistics.services import hub_move

        def die(table, copied, total):
            if table == "parcel_event" and copied:
                os.kill(os.getpid(), signal.SIGKILL)

        hub_move.move_hub(sys.argv[1], sys.argv[2], hub_code="GAODU", progress=die)
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script, source, target], capture_output=True, timeout=300
    )
    assert finished.returncode == -9, finished.stderr.decode()
    db.dispose_engine(target)
    assert _counts(target, HUB) == {}
    assert _fingerprint(source) == fingerprint


def test_a_copy_failing_the_check_is_not_committed(source, target):
    with sqlite3.connect(db.sqlite_path(source)) as connection:
        connection.execute(
            "UPDATE parcel SET status = 'at_hub' WHERE id = (SELECT MIN(id) FROM parcel "
            "WHERE status = 'handed_over')"
        )
    connection.close()
    with pytest.raises(RuleBroken, match="fails the consistency check"):
        hub_move.move_hub(source, target, hub_code=HUB)
    assert _counts(target, HUB) == {}


def test_move_to_on_the_command_line(source, target, monkeypatch):
    from typer.testing import CliRunner

    from logistics.cli.main import app

    monkeypatch.setenv("HUB_DATABASE_URL", source)
    result = CliRunner().invoke(app, ["--hub", HUB, "db", "move-to", target])
    assert result.exit_code == 0, result.output
    parcels = _counts(source, HUB)["parcel"]
    assert "Moved hub GAODU" in result.output
    assert f"{parcels:,} parcels" in result.output
    again = CliRunner().invoke(app, ["--hub", HUB, "db", "move-to", target])
    assert again.exit_code == 1
    assert "already has a hub GAODU" in again.output
    assert "Traceback" not in again.output


def _hub_list(url: str) -> list[dict]:
    with db.session_scope(url, write=False, any_hub=True) as session:
        return hubs.list_hubs(session)
