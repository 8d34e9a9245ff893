"""Upgrading a hub's database: a database of the previous release, holding data, keeps
every row and afterwards refuses words the hub does not know.

Runs on SQLite and, with HUB_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, MetaData, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

import logistics.models  # noqa: F401  (registers every table on the metadata)
from logistics import db
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.round_status import RoundStatus
from logistics.domain.verdicts import LoadOutcome
from logistics.errors import RuleBroken

VERSIONS = Path(db.__file__).parent / "migrations" / "versions"
MORNING = datetime(2026, 11, 23, 8, 0)


def _revision(filename: str):
    spec = importlib.util.spec_from_file_location(filename, VERSIONS / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_words_migration_0002_allows_are_the_enums_of_today():
    # A migration lists its words literally; when an enum gains a word, a new revision
    # must widen the check, and this test says so.
    checks = _revision("0002_vocabulary_checks.py")
    assert tuple(Direction) == checks.DIRECTIONS
    assert tuple(Status) == checks.PARCEL_STATUSES
    assert tuple(ManifestStatus) == checks.MANIFEST_STATUSES
    assert tuple(RoundStatus) == checks.ROUND_STATUSES
    assert tuple(LoadOutcome) == checks.LOAD_OUTCOMES


def _words(sql: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sql))


def test_the_migrated_checks_are_the_models_checks(database_url):
    # Alembic's comparison of models and migrations does not look at CHECK constraints.
    expected = {
        (table.name, constraint.name): _words(str(constraint.sqltext))
        for table in SQLModel.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    with db.make_engine(database_url).connect() as connection:
        inspector = inspect(connection)
        found = {
            (table, check["name"]): _words(check["sqltext"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
    assert len(expected) == 9  # eight of 0002, the hub language of 0003
    assert found == expected


@pytest.fixture
def previous_release(database_url) -> str:
    """The test's database as release 0001 left it: schema 0001, no data yet."""
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # 0010's views and functions depend on the tables: take the schema whole.
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            everything = MetaData()
            everything.reflect(connection)
            everything.drop_all(connection)
    with engine.begin() as connection:
        command.upgrade(db.alembic_config(connection), "0001")
    assert db.schema_version(engine) == "0001"
    return database_url


def _fill(url: str, *, parcel_status: str = "at_hub") -> None:
    """A small working hub, written as rows (not through today's models)."""
    rows = {
        "hub": [
            dict(
                id=1,
                code="GD",
                name="高都分拨中心",
                timezone="Asia/Shanghai",
                lat=35.59,
                lon=112.97,
                sort_minutes=30,
                road_factor=1.35,
                van_speed_kmh=35.0,
                retention_days=7,
            )
        ],
        "station": [
            dict(
                id=1,
                hub_id=1,
                code="GD01",
                name="高都村服务站",
                village="高都村",
                keeper_phone="13800000001",
                lat=35.6,
                lon=112.98,
                opens=time(8, 0),
                closes=time(18, 0),
                service_minutes=5,
                active=True,
            )
        ],
        "courier": [
            dict(
                id=1,
                code="ZTO",
                name="中通",
                cutoff=time(17, 0),
                daily_capacity=1000,
                min_share=0.2,
                volumetric_divisor=8000,
                weight_step_g=1000,
                active=True,
            )
        ],
        "courier_tariff": [
            dict(id=1, courier_id=1, province_code="*", first_kg_fen=800, extra_kg_fen=200)
        ],
        "vehicle": [
            dict(
                id=1,
                hub_id=1,
                code="VAN1",
                plate="晋E12345",
                capacity_g=800_000,
                capacity_parcels=300,
                shift_start=time(7, 30),
                shift_end=time(17, 30),
                cost_per_km_fen=120,
                fixed_cost_fen=15000,
                active=True,
            )
        ],
        "round": [
            dict(
                id=1,
                round_no="R-20261123-1",
                service_date=date(2026, 11, 23),
                vehicle_id=1,
                status="started",
                planned_start=MORNING,
                planned_end=MORNING.replace(hour=12),
                planned_m=42_000,
                planned_s=9_000,
                started_at=MORNING,
            )
        ],
        "round_stop": [
            dict(
                id=1,
                round_id=1,
                seq=1,
                station_id=1,
                arrive_at=MORNING.replace(hour=9),
                depart_at=MORNING.replace(hour=9, minute=5),
                metres_from_previous=21_000,
                pickup_parcels=2,
                pickup_g=5000,
                drop_parcels=1,
                drop_g=800,
            )
        ],
        "manifest": [
            dict(
                id=1,
                manifest_no="M-ZTO-20261123-1",
                courier_id=1,
                service_date=date(2026, 11, 23),
                cutoff=time(17, 0),
                status="closed",
                created_at=MORNING,
                closed_at=MORNING.replace(hour=16),
                forced=False,
            )
        ],
    }
    parcels = [
        (1, "outbound", "registered", None, None, None),
        (2, "outbound", parcel_status, None, 1, None),
        (3, "outbound", "manifested", None, None, 1),
        (4, "outbound", "held", "at_hub", None, None),
        (5, "inbound", "at_station", None, None, None),
    ]
    rows["parcel"] = [
        dict(
            id=number,
            parcel_no=f"P20261123-{number:05d}",
            tracking_no=f"ZT{number:010d}" if number == 3 else None,
            direction=direction,
            station_id=1,
            recipient_name="张三丰",
            recipient_phone="13812345678",
            province_code="44" if direction == "outbound" else None,
            weight_g=2500,
            courier_id=1 if number == 3 else None,
            courier_fixed=number == 3,
            status=status,
            held_from=held_from,
            registered_at=MORNING,
            registered_on=date(2026, 11, 23),
            status_at=MORNING.replace(hour=10),
            round_id=round_id,
            manifest_id=manifest_id,
            fee_fen=1000 if number == 3 else None,
        )
        for number, direction, status, held_from, round_id, manifest_id in parcels
    ]
    rows["parcel_event"] = [
        dict(
            id=number,
            parcel_id=number,
            at=MORNING,
            action="register",
            from_status=None,
            to_status="arrived_hub" if direction == "inbound" else "registered",
            operator="tester",
        )
        for number, direction, *_ in parcels
    ] + [
        dict(
            id=10,
            parcel_id=5,
            at=MORNING.replace(hour=9),
            action="at-station",
            from_status="arrived_hub",
            to_status="at_station",
            place="GD01",
            operator="tester",
            note="shelf 3",
        )
    ]
    rows["manifest_load_scan"] = [
        dict(
            id=1,
            manifest_id=1,
            parcel_id=3,
            code="ZT0000000003",
            outcome="loaded",
            at=MORNING.replace(hour=16, minute=30),
            operator="driver",
        )
    ]
    engine = db.make_engine(url)
    with engine.begin() as connection:
        schema = MetaData()
        schema.reflect(connection)
        for table, table_rows in rows.items():
            connection.execute(schema.tables[table].insert(), table_rows)


def _everything(url: str) -> dict[str, list[dict]]:
    """Every row of every table, as plain values, in primary-key order."""
    with db.make_engine(url).connect() as connection:
        schema = MetaData()
        schema.reflect(connection)
        return {
            name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in schema.tables.items()
            if name != "alembic_version"
        }


def _hub_init(url: str, monkeypatch):
    from typer.testing import CliRunner

    from logistics.cli.main import app

    monkeypatch.setenv("HUB_DATABASE_URL", url)
    return CliRunner().invoke(app, ["init"], catch_exceptions=False)


def test_hub_init_upgrades_a_database_of_the_previous_release_keeping_every_row(
    previous_release, monkeypatch
):
    _fill(previous_release)
    before = _everything(previous_release)
    assert sum(len(rows) for rows in before.values()) == 20

    result = _hub_init(previous_release, monkeypatch)

    assert result.exit_code == 0, result.output
    assert f"from schema 0001 to {db.SCHEMA_HEAD}" in result.output
    assert db.schema_version(db.make_engine(previous_release)) == db.SCHEMA_HEAD
    after = _everything(previous_release)
    # Every row and value kept; what later revisions add (the hub's language) starts empty.
    added = {"language", "pickup_code", "driven_m", "odometer_out_km", "odometer_in_km"}
    # 0009: personal data kept 90 days by default, none erased yet
    assert [row["keep_personal_days"] for row in after["hub"]] == [90]
    assert all(row["personal_erased_at"] is None for row in after["parcel"])
    added |= {"keep_personal_days", "personal_erased_at"}
    # 0008: every row that grows belongs to the one hub of the previous release
    hub_id = after["hub"][0]["id"]
    assert all(row["hub_id"] == hub_id for table in HUB_KEYED for row in after.get(table, []))
    added.add("hub_id")
    assert all(
        row[column] is None
        for row in after["hub"]
        for column in added & set(row) - {"keep_personal_days"}
    )
    # 0006 gives the parcel already waiting at its station its pickup code (2.5 kg: layer 2)
    assert {row["parcel_no"]: row["pickup_code"] for row in after["parcel"]} == {
        "P20261123-00001": None,
        "P20261123-00002": None,
        "P20261123-00003": None,
        "P20261123-00004": None,
        "P20261123-00005": "1-2-1001",
    }
    assert {
        table: [
            {
                k: v
                for k, v in row.items()
                if k not in added or (k == "hub_id" and table not in HUB_KEYED)
            }
            for row in rows
        ]
        for table, rows in after.items()
        if table in before  # tables of later revisions start empty
    } == before
    assert all(not rows for table, rows in after.items() if table not in before)
    db.check_ready(previous_release)


def test_the_upgraded_database_still_has_its_indexes_and_foreign_keys(previous_release):
    with db.make_engine(previous_release).connect() as connection:
        inspector = inspect(connection)
        shape = {
            table: (
                _index_names(inspector, table),
                sorted(
                    (tuple(key["constrained_columns"]), key["referred_table"])
                    for key in inspector.get_foreign_keys(table)
                ),
            )
            for table in inspector.get_table_names()
        }
    db.upgrade(previous_release)
    with db.make_engine(previous_release).connect() as connection:
        inspector = inspect(connection)
        for table, (indexes, keys) in shape.items():
            names = _index_names(inspector, table)
            # indexes later revisions add: 0006 the pickup code at its station, 0008 the
            # hub of each small table and the parcel's (hub, day)
            later = {
                "parcel": ["ix_parcel_station_id_pickup_code", "ix_parcel_hub_id_registered_on"]
            }.get(table, [f"ix_{table}_hub_id"] if table in HUB_INDEXED else [])
            assert names == sorted(indexes + later)
            # 0008 gives every table that grows a foreign key to its hub
            hub_key = [(("hub_id",), "hub")] if table in HUB_KEYED else []
            assert sorted(
                (tuple(key["constrained_columns"]), key["referred_table"])
                for key in inspector.get_foreign_keys(table)
            ) == sorted(keys + hub_key)


def _index_names(inspector, table: str) -> list[str]:
    """The table's indexes, without those PostgreSQL makes for unique constraints (0008
    renames the unique keys; the models' comparison in test_db checks them)."""
    unique = {key["name"] for key in inspector.get_unique_constraints(table)}
    return sorted(
        index["name"] for index in inspector.get_indexes(table) if index["name"] not in unique
    )


#: Revision 0008: the tables given a hub_id (with a foreign key) and those of them whose
#: hub_id is indexed on its own.
HUB_KEYED = {
    "courier",
    "imported_file",
    "courier_tariff",
    "courier_excluded_province",
    "parcel",
    "parcel_event",
    "round",
    "round_stop",
    "manifest",
    "manifest_load_scan",
    "manifest_export",
}
HUB_INDEXED = HUB_KEYED - {"parcel", "parcel_event", "manifest_load_scan"}


def _try(url: str, sql_table: str, **changes) -> None:
    """Insert one row like the first of ``sql_table`` but with ``changes``; commits."""
    engine = db.make_engine(url)
    with engine.begin() as connection:
        schema = MetaData()
        schema.reflect(connection, only=[sql_table])
        table = schema.tables[sql_table]
        rows = connection.execute(select(table).order_by(table.c.id)).all()
        # The rows were written with their ids, so PostgreSQL's sequence has not moved.
        row = {**rows[0]._mapping, "id": rows[-1].id + 1}
        connection.execute(table.insert(), [{**row, **changes}])


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("parcel", {"parcel_no": "P20261123-00099", "status": "at-hub"}),
        ("parcel", {"parcel_no": "P20261123-00099", "direction": "outbond"}),
        ("parcel", {"parcel_no": "P20261123-00099", "status": "held", "held_from": "hub"}),
        ("parcel_event", {"to_status": "AT_HUB"}),
        ("parcel_event", {"from_status": "registerd"}),
        ("manifest", {"manifest_no": "M-ZTO-20261123-9", "status": "opened"}),
        ("round", {"round_no": "R-20261123-9", "status": "done"}),
        ("manifest_load_scan", {"outcome": "ok"}),
    ],
)
def test_after_the_upgrade_an_unknown_word_is_refused(previous_release, table, changes):
    _fill(previous_release)
    db.upgrade(previous_release)
    with pytest.raises(IntegrityError):
        _try(previous_release, table, **changes)


def test_after_the_upgrade_known_words_and_foreign_keys_work_as_before(previous_release):
    _fill(previous_release)
    db.upgrade(previous_release)
    _try(previous_release, "manifest", manifest_no="M-ZTO-20261123-2", status="handed_over")
    _try(previous_release, "parcel_event", from_status=None, to_status="held")
    # The upgrade turned SQLite's foreign keys off for its table copies, and back on.
    with pytest.raises(IntegrityError):
        _try(previous_release, "parcel_event", parcel_id=999)


def test_after_the_upgrade_events_and_load_scans_are_insert_only(previous_release):
    # 0010: the audit trail of a database holding data refuses changes from then on.
    _fill(previous_release)
    db.upgrade(previous_release)
    before = _everything(previous_release)
    engine = db.make_engine(previous_release)
    for statement in (
        "UPDATE parcel_event SET note = 'rewritten'",
        "DELETE FROM manifest_load_scan",
    ):
        with pytest.raises(DBAPIError, match="hub audit: "), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    assert _everything(previous_release) == before
    assert before["access_role"] == []
    _try(previous_release, "parcel_event", from_status=None, to_status="held")  # still added


def test_a_database_holding_an_unknown_word_is_not_upgraded_and_says_where(previous_release):
    _fill(previous_release, parcel_status="at-hub")
    before = _everything(previous_release)
    with pytest.raises(RuleBroken, match=r"parcel\.status 'at-hub' \(1 row\)"):
        db.upgrade(previous_release)
    assert db.schema_version(db.make_engine(previous_release)) == "0001"
    assert _everything(previous_release) == before
