"""A county's hubs scanning at once on one PostgreSQL server lose and double nothing.

Twenty hubs, one scan session each (a thread with its own connection; the benchmark
benchmarks/county_scale.py runs them as processes), all at the same time. Every hub
numbers its parcels from P........-00001, so the twenty sessions scan the very same
codes: each must move its own hub's parcels only, each exactly once.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from logistics import db

pytestmark = pytest.mark.postgresql_only

HUBS = 20
PARCELS = 50
DAY = "20261201"


def hub_code(n: int) -> str:
    return f"TS{n:02d}"


@pytest.fixture
def county(database_url) -> str:
    """Twenty hubs, each with the sample network and PARCELS parcels collected at a station."""
    from logistics.services import hubs, network_sample

    for n in range(1, HUBS + 1):
        with db.session_scope(database_url, any_hub=True) as session:
            hubs.add_hub(session, code=hub_code(n), name=f"第{n}乡镇", lat=35 + n / 10, lon=112.5)
            network_sample.load_sample_network(session)
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO parcel (hub_id, parcel_no, direction, station_id, weight_g, "
                "courier_fixed, status, registered_at, registered_on, status_at) "
                "SELECT h.id, 'P' || :day || '-' || lpad(n::text, 5, '0'), 'outbound', "
                "(SELECT min(s.id) FROM station s WHERE s.hub_id = h.id), 1000, false, "
                "'collected', now() AT TIME ZONE 'UTC', CAST(:day AS date), "
                "now() AT TIME ZONE 'UTC' FROM hub h, generate_series(1, :parcels) n"
            ),
            {"day": DAY, "parcels": PARCELS},
        )
        connection.execute(
            text(
                "INSERT INTO parcel_event (hub_id, parcel_id, at, action, from_status, "
                "to_status, place, operator) SELECT hub_id, id, registered_at, 'collect', "
                "'registered', 'collected', 'GD01', 'tester' FROM parcel"
            )
        )
    return database_url


def test_twenty_hubs_scanning_the_same_codes_at_once(county):
    from sqlalchemy import create_engine

    from logistics.services.scanning import ScanSession

    codes = [f"P{DAY}-{n:05d}" for n in range(1, PARCELS + 1)]
    # one connection each, all open at once: more than the hub's own engine pools
    engine = create_engine(county, pool_size=HUBS)
    start = threading.Barrier(HUBS)

    def scan(hub: str) -> Counter:
        with ScanSession(engine, "arrive", f"op-{hub}", hub=hub) as session:
            start.wait(timeout=60)
            # twice through: the second pass finds every parcel at the hub already
            return Counter(session.scan(code).verdict for code in codes + codes)

    try:
        with ThreadPoolExecutor(HUBS) as pool:
            tallies = list(pool.map(scan, [hub_code(n) for n in range(1, HUBS + 1)]))
    finally:
        engine.dispose()
    assert tallies == [{"done": PARCELS, "already": PARCELS}] * HUBS

    engine = db.make_engine(county)
    with engine.connect() as connection:
        statuses = connection.execute(
            text("SELECT status, count(*) FROM parcel GROUP BY status")
        ).all()
        arrivals = connection.execute(
            text(
                "SELECT h.code, e.operator, e.hub_id = p.hub_id, count(*), "
                "count(DISTINCT e.parcel_id) FROM parcel_event e "
                "JOIN parcel p ON p.id = e.parcel_id JOIN hub h ON h.id = p.hub_id "
                "WHERE e.action = 'arrive' GROUP BY 1, 2, 3 ORDER BY 1"
            )
        ).all()
    assert statuses == [("at_hub", HUBS * PARCELS)]
    # one arrival per parcel, recorded by its own hub's session, filed under its hub
    assert arrivals == [
        (hub_code(n), f"op-{hub_code(n)}", True, PARCELS, PARCELS) for n in range(1, HUBS + 1)
    ]


def test_a_hub_session_refuses_a_parcel_of_another_hub(county):
    from logistics.services.scanning import open_scan_session

    engine = db.make_engine(county)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE parcel SET parcel_no = 'P' || :day || '-09999' "
                "WHERE hub_id = (SELECT id FROM hub WHERE code = 'TS02') "
                "AND parcel_no = 'P' || :day || '-00001'"
            ),
            {"day": DAY},
        )
    with open_scan_session(county, "arrive", operator="op", hub="TS01") as scan:
        result = scan.scan(f"P{DAY}-09999")
    assert not result.accepted
    with engine.connect() as connection:
        moved = connection.execute(
            text("SELECT count(*) FROM parcel WHERE status <> 'collected'")
        ).scalar()
    assert moved == 0
