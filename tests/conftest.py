"""Fixtures: a fresh, migrated database per test on SQLite (default) or PostgreSQL.

Set HUB_TEST_DATABASE_URL=postgresql+psycopg://user@host/db to run the suite on a
PostgreSQL server: each test then gets its own database cloned from a migrated
template, as SQLite tests get their own copy of a migrated file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("COLUMNS", "200")
os.environ.setdefault("HUB_OPERATOR", "tester")
os.environ.pop("HUB_DATABASE_URL", None)
os.environ.pop("HUB_NOW", None)
os.environ.pop("HUB_LANG", None)
# A developer's own `hub standby` process never runs the suite's commands.
os.environ["HUB_STANDBY"] = "off"

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from logistics import db  # noqa: E402

PG_URL = os.environ.get("HUB_TEST_DATABASE_URL")
BACKEND = "postgresql" if PG_URL else "sqlite"


@pytest.fixture(autouse=True)
def _morning_at_the_hub(monkeypatch):
    """The clock pinned to 07:00 of today at the hub (Asia/Shanghai), before the vans'
    shifts: a plan of today made later leaves from that hour, and the suite runs at any
    hour. A test that needs another moment pins its own ``HUB_NOW``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    monkeypatch.setenv("HUB_NOW", f"{today}T07:00:00")


def _admin_engine():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url_for(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database to copy: a file path (SQLite) or a database name (PostgreSQL)."""
    if PG_URL:
        name = f"hub_tpl_{uuid.uuid4().hex[:10]}"
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = _pg_url_for(name)
        db.upgrade(url)
        db.dispose_engine(url)
        yield name
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "hub.db"
        url = f"sqlite:///{path}"
        db.upgrade(url)
        db.dispose_engine(url)
        # Fold the WAL back into the file so a plain copy is the whole database.
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        yield str(path)


@pytest.fixture
def database_url(_template, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty hub database for this test."""
    if PG_URL:
        name = f"hub_t_{uuid.uuid4().hex[:12]}"
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"'))
        url = _pg_url_for(name)
        yield url
        db.dispose_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "hub.db"
        shutil.copyfile(_template, path)
        url = f"sqlite:///{path}"
        yield url
        db.dispose_engine(url)


@pytest.fixture
def session(database_url) -> Iterator[Session]:
    """A session on the test's fresh database (services commit through it)."""
    with db.session_scope(database_url) as session:
        yield session


@pytest.fixture
def sample_network(session) -> Session:
    """The sample township (hub, 30 stations, 8 couriers with tariffs, vans) loaded."""
    from logistics.services import network_sample

    network_sample.load_sample_network(session)
    return session


@pytest.fixture
def hub(database_url, monkeypatch):
    """Run `hub ARGS...` against the test's database; returns the click Result."""
    from typer.testing import CliRunner

    from logistics.cli.main import app

    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, [str(arg) for arg in args], input=input, catch_exceptions=False)

    return run


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only on the SQLite pass")
    config.addinivalue_line("markers", "postgresql_only: runs only on the PostgreSQL pass")


def pytest_runtest_setup(item):
    if "sqlite_only" in item.keywords and BACKEND != "sqlite":
        pytest.skip("SQLite only (this pass runs on PostgreSQL)")
    if "postgresql_only" in item.keywords and BACKEND != "postgresql":
        pytest.skip("PostgreSQL only (set HUB_TEST_DATABASE_URL)")


@pytest.fixture
def make_parcel(sample_network):
    """Insert a parcel of the sample township in a given state, with a consistent event log.

    make_parcel(status="at_hub", province="44", weight_g=2500, station="GD03", ...) -> Parcel
    """
    from datetime import timedelta

    from sqlmodel import select

    from logistics.domain.clock import to_local, utcnow, zone
    from logistics.models import Courier, Hub, Parcel, ParcelEvent, Station

    session = sample_network
    hub = session.exec(select(Hub)).first()
    stations = {s.code: s for s in session.exec(select(Station))}
    couriers = {c.code: c for c in session.exec(select(Courier))}
    paths = {
        "registered": [],
        "collected": ["collected"],
        "at_hub": ["collected", "at_hub"],
        "manifested": ["collected", "at_hub", "manifested"],
        "handed_over": ["collected", "at_hub", "manifested", "handed_over"],
        "arrived_hub": [],
        "out_for_delivery": ["out_for_delivery"],
        "at_station": ["out_for_delivery", "at_station"],
        "picked_up": ["out_for_delivery", "at_station", "picked_up"],
    }
    action_to = {
        "collected": "collect",
        "at_hub": "arrive",
        "manifested": "manifest",
        "handed_over": "handover",
        "out_for_delivery": "dispatch",
        "at_station": "at-station",
        "picked_up": "picked-up",
    }
    counter = {"n": 0}

    def make(
        status: str = "at_hub",
        *,
        station: str = "GD01",
        province: str | None = "44",
        weight_g: int = 2500,
        dims: tuple[float, float, float] | None = None,
        courier: str | None = None,
        tracking_no: str | None = None,
        registered_at=None,
        category: str = "kiwi",
        recipient_name: str = "张三丰",
        recipient_phone: str = "13812345678",
        commit: bool = True,
    ) -> Parcel:
        counter["n"] += 1
        inbound = status in ("arrived_hub", "out_for_delivery", "at_station", "picked_up")
        start = registered_at or utcnow() - timedelta(hours=3)
        local_day = to_local(start, zone(hub.timezone)).date()
        parcel = Parcel(
            parcel_no=f"P{local_day:%Y%m%d}-{90000 + counter['n']:05d}",
            tracking_no=tracking_no,
            direction="inbound" if inbound else "outbound",
            station_id=stations[station].id,
            sender_name="李四",
            sender_phone="13900001111",
            recipient_name=recipient_name,
            recipient_phone=recipient_phone,
            province_code=None if inbound else province,
            city="广州" if province == "44" else None,
            address="某某路1号",
            weight_g=weight_g,
            length_cm=dims[0] if dims else None,
            width_cm=dims[1] if dims else None,
            height_cm=dims[2] if dims else None,
            category=category,
            courier_id=couriers[courier].id if courier else None,
            courier_fixed=bool(tracking_no),
            status=status,
            registered_at=start,
            registered_on=local_day,
            status_at=start,
        )
        session.add(parcel)
        session.flush()
        first = "arrived_hub" if inbound else "registered"
        moment = start
        session.add(
            ParcelEvent(
                parcel_id=parcel.id,
                at=moment,
                action="register",
                from_status=None,
                to_status=first,
                operator="tester",
            )
        )
        previous = first
        for step in paths[status]:
            moment = moment + timedelta(minutes=20)
            session.add(
                ParcelEvent(
                    parcel_id=parcel.id,
                    at=moment,
                    action=action_to[step],
                    from_status=previous,
                    to_status=step,
                    operator="tester",
                )
            )
            previous = step
        parcel.status_at = moment
        if commit:
            session.commit()
        return parcel

    return make


@pytest.fixture
def couriers(sample_network):
    """The sample couriers by code, with minimum shares off unless a test sets them."""
    from sqlmodel import select

    from logistics.models import Courier

    session = sample_network
    found = {c.code: c for c in session.exec(select(Courier))}
    for courier in found.values():
        courier.min_share = 0.0
        session.add(courier)
    session.commit()
    return found


@pytest.fixture
def assignment_morning(monkeypatch):
    """The clock pinned to 10:00 on Monday 23 November 2026, the assignment tests' day."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T10:00:00")


@pytest.fixture
def chinese_terminal(monkeypatch):
    """An operator reading Chinese in an 80-column terminal; English again afterwards."""
    from logistics import i18n

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("HUB_LANG", "zh")
    yield
    i18n.use("en")


@pytest.fixture(autouse=True)
def _english_after():
    """Every test starts and ends in English, whatever language an earlier one chose."""
    from logistics import i18n

    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
def chinese():
    """The process speaks Chinese for this test (a service or domain call)."""
    from logistics import i18n

    i18n.use("zh")
    yield


@pytest.fixture
def started_round(sample_network, make_parcel, hub):
    """One started round of VAN1 through GD05 and GD06; returns its number."""
    make_parcel("registered", station="GD05", weight_g=2000)
    make_parcel("registered", station="GD06", weight_g=1000)
    planned = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json")
    assert planned.exit_code == 0, planned.output
    round_no = json.loads(planned.output)["rounds"][0]["round_no"]
    assert hub("round", "start", round_no).exit_code == 0
    return round_no
