"""`sample.generate` writes whole days of seeded parcels and their events to the database."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from logistics.errors import RuleBroken
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Parcel,
    ParcelEvent,
    Station,
)
from logistics.services import sample

START = date(2025, 3, 3)


def _hub(session) -> Hub:
    hub = Hub(code="GAODU", name="高都镇分拨中心", lat=35.5946, lon=112.9688)
    session.add(hub)
    session.flush()
    return hub


def _network(session) -> None:
    hub = _hub(session)
    for code, village, households in (
        ("GD01", "高都村", 2400),
        ("GD02", "东沟村", 900),
        ("GD03", "西沟村", 300),
    ):
        session.add(
            Station(
                hub_id=hub.id,
                code=code,
                name=f"{village}服务站",
                village=village,
                lat=35.59,
                lon=112.96,
                opens=time(8, 0),
                closes=time(18, 0),
                households=households,
            )
        )
    for code, pattern, capacity, cutoff in (
        ("ZTO", r"^7\d{13}$", 500, time(17, 0)),
        ("YTO", r"^YT\d{13}$", 400, time(17, 30)),
        ("SF", r"^SF\d{13}$", 100, time(18, 0)),
    ):
        session.add(
            Courier(
                code=code,
                name=code,
                tracking_pattern=pattern,
                daily_capacity=capacity,
                cutoff=cutoff,
            )
        )
    session.flush()
    couriers = {c.code: c.id for c in session.exec(select(Courier)).scalars()}
    for code, first, extra in (("ZTO", 800, 300), ("YTO", 750, 320), ("SF", 1600, 800)):
        session.add(
            CourierTariff(
                courier_id=couriers[code], province_code="*", first_kg_fen=first, extra_kg_fen=extra
            )
        )
        session.add(
            CourierTariff(
                courier_id=couriers[code], province_code="14", first_kg_fen=400, extra_kg_fen=150
            )
        )
    session.add(CourierExcludedProvince(courier_id=couriers["ZTO"], province_code="54"))
    session.commit()


def _count(session, table) -> int:
    return session.exec(select(func.count()).select_from(table)).scalar_one()


def test_generate_history_writes_whole_lives(session):
    _network(session)
    calls: list[tuple[int, int]] = []
    summary = sample.generate(
        session, 3, seed=5, start=START, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert (summary.first_day, summary.last_day, summary.days) == (START, date(2025, 3, 5), 3)
    # Three stations are a tenth of the reference township: about 330 parcels a day.
    assert 600 < summary.parcels < 1500
    assert summary.outbound + summary.inbound == summary.parcels
    assert _count(session, Parcel) == summary.parcels
    assert _count(session, ParcelEvent) == summary.events

    # Every parcel's status equals its last event's.
    last = (
        select(ParcelEvent.parcel_id, func.max(ParcelEvent.id).label("last_id"))
        .group_by(ParcelEvent.parcel_id)
        .subquery()
    )
    rows = session.exec(
        select(Parcel.status, ParcelEvent.to_status, Parcel.status_at, ParcelEvent.at)
        .join(last, last.c.parcel_id == Parcel.id)
        .join(ParcelEvent, ParcelEvent.id == last.c.last_id)
    ).all()
    assert len(rows) == summary.parcels
    assert all(status == to and status_at == at for status, to, status_at, at in rows)

    # Event times increase along each parcel's life.
    events = session.exec(
        select(ParcelEvent.parcel_id, ParcelEvent.at).order_by(
            ParcelEvent.parcel_id, ParcelEvent.id
        )
    ).all()
    for (p1, at1), (p2, at2) in zip(events, events[1:], strict=False):
        if p1 == p2:
            assert at2 > at1

    handed = session.exec(select(Parcel).where(Parcel.status == "handed_over")).scalars().all()
    assert len(handed) > 0.9 * summary.outbound
    assert all(p.courier_id and p.fee_fen and p.fee_fen > 0 and p.chargeable_g for p in handed)
    inbound = session.exec(select(Parcel).where(Parcel.direction == "inbound")).scalars().all()
    assert all(p.courier_fixed and p.tracking_no and p.courier_id for p in inbound)

    numbers = (
        session.exec(
            select(Parcel.parcel_no).where(Parcel.registered_on == START).order_by(Parcel.parcel_no)
        )
        .scalars()
        .all()
    )
    assert numbers[0] == "P20250303-00001"
    assert numbers[-1] == f"P20250303-{len(numbers):05d}"
    assert all(re.fullmatch(r"P20250303-\d{5}", n) for n in numbers)


def test_biggest_station_sends_the_most(session):
    _network(session)
    sample.generate(session, 3, seed=9, start=START)
    sent = dict(
        session.exec(
            select(Station.code, func.count(Parcel.id))
            .join(Parcel, Parcel.station_id == Station.id)
            .where(Parcel.direction == "outbound")
            .group_by(Station.code)
        ).all()
    )
    assert sent["GD01"] > sent["GD02"] > sent["GD03"]


def test_same_seed_again_skips_days_and_another_seed_continues_the_numbers(session):
    _network(session)
    first = sample.generate(session, 2, seed=5, start=START)
    again = sample.generate(session, 2, seed=5, start=START)
    assert (again.days, again.skipped_days, again.parcels) == (0, 2, 0)
    assert _count(session, Parcel) == first.parcels

    other = sample.generate(session, 1, seed=6, start=START)
    assert other.parcels > 0
    day_numbers = (
        session.exec(
            select(Parcel.parcel_no).where(Parcel.registered_on == START).order_by(Parcel.parcel_no)
        )
        .scalars()
        .all()
    )
    assert day_numbers == [f"P20250303-{k:05d}" for k in range(1, len(day_numbers) + 1)]
    assert _count(session, Parcel) == first.parcels + other.parcels


def test_same_seed_same_parcels_as_the_pure_generator(session):
    from logistics.sample.generator import CourierSpec, SampleGenerator, StationSpec

    _network(session)
    sample.generate(session, 1, seed=3, start=START)
    stored = session.exec(
        select(Parcel.order_ref, Parcel.weight_g, Parcel.status).order_by(Parcel.parcel_no)
    ).all()
    stations = [
        StationSpec(s.code, s.households, s.opens, s.closes, s.village)
        for s in session.exec(select(Station).order_by(Station.id)).scalars()
    ]
    couriers = [
        CourierSpec(c.code, c.daily_capacity) for c in session.exec(select(Courier)).scalars()
    ]
    batch = SampleGenerator(stations, couriers, seed=3).day(START)
    made = list(
        zip(
            batch.parcels["order_ref"].tolist(),
            batch.parcels["weight_g"].tolist(),
            batch.parcels["status"].tolist(),
            strict=True,
        )
    )
    assert [tuple(row) for row in stored] == made


def test_today_mode_leaves_parcels_to_plan(session, monkeypatch):
    _network(session)
    monkeypatch.setenv("HUB_NOW", "2026-11-23T10:30:00")
    summary = sample.generate(session, 1, seed=5, today=True)
    assert summary.today and summary.first_day == date(2026, 11, 23)
    rows = session.exec(select(Parcel.direction, Parcel.status).distinct()).all()
    assert set(rows) == {("outbound", "registered"), ("inbound", "arrived_hub")}
    assert _count(session, ParcelEvent) == summary.parcels
    unassigned = session.exec(
        select(func.count()).where(Parcel.direction == "outbound", Parcel.courier_id.is_(None))
    ).scalar_one()
    assert unassigned > 0.5 * summary.outbound


def test_refuses_an_empty_network(session):
    with pytest.raises(RuleBroken, match="No hub is set up"):
        sample.generate(session, 1, seed=1, start=START)
    _hub(session)
    session.commit()
    with pytest.raises(RuleBroken, match="no active stations"):
        sample.generate(session, 1, seed=1, start=START)
    assert _count(session, Parcel) == 0
