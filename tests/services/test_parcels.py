"""Registering, listing, showing parcels; ids per day; overdue inbound parcels."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from logistics.domain.clock import read_day, utcnow
from logistics.domain.parcel_status import Direction
from logistics.errors import InvalidInput, NotFound
from logistics.models import ParcelEvent
from logistics.services import parcel_register, parcels

VALUES = {
    "station": "GD03",
    "recipient_name": "张三丰",
    "recipient_phone": "13812345678",
    "province": "广东",
    "address": "广东省广州市天河区体育西路1号",
    "weight_kg": "2.5",
}


def test_register_gives_a_readable_id_per_day_and_a_first_event(sample_network):
    first = parcel_register.register_parcel(sample_network, VALUES, operator="amy")
    second = parcel_register.register_parcel(sample_network, VALUES, operator="amy")
    assert first.parcel_no.startswith("P") and first.parcel_no.endswith("-00001")
    assert second.parcel_no.endswith("-00002")
    assert first.status == "registered" and first.weight_g == 2500
    events = sample_network.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == first.id)).all()
    assert [(e.action, e.to_status, e.place, e.operator) for e in events] == [
        ("register", "registered", "GD03", "amy")
    ]


def test_register_continues_after_the_highest_id_of_the_day(make_parcel, sample_network):
    existing = make_parcel("registered", registered_at=utcnow())
    made = parcel_register.register_parcel(sample_network, VALUES, operator="amy")
    assert made.parcel_no > existing.parcel_no
    assert made.parcel_no[:10] == existing.parcel_no[:10]


def test_register_refuses_a_known_tracking_number(sample_network):
    parcel_register.register_parcel(
        sample_network, {**VALUES, "tracking_no": "73100000000001"}, operator="a"
    )
    with pytest.raises(InvalidInput, match="already registered as parcel"):
        parcel_register.register_parcel(
            sample_network, {**VALUES, "tracking_no": "7310-0000-0000-01"}, operator="a"
        )


def test_list_masks_names_and_phones_and_filters(make_parcel, sample_network):
    make_parcel("registered", station="GD01")
    make_parcel("at_hub", station="GD02", courier="ZTO")
    rows = parcels.list_parcels(sample_network)
    assert len(rows) == 2
    assert {r["recipient"] for r in rows} == {"张**"}
    assert {r["recipient_phone"] for r in rows} == {"1******5678"}
    assert [r["station"] for r in parcels.list_parcels(sample_network, station="GD02")] == ["GD02"]
    assert len(parcels.list_parcels(sample_network, status="registered")) == 1
    assert len(parcels.list_parcels(sample_network, courier="ZTO")) == 1
    assert len(parcels.list_parcels(sample_network, direction=Direction.INBOUND)) == 0
    with pytest.raises(InvalidInput, match="status 'lost' is not known"):
        parcels.list_parcels(sample_network, status="lost")


def test_show_gives_the_timeline_and_masks(make_parcel, sample_network):
    parcel = make_parcel("at_hub", tracking_no="73100000000001")
    shown = parcels.show_parcel(sample_network, "73100000000001")
    assert shown["parcel_no"] == parcel.parcel_no
    assert [e["to_status"] for e in shown["timeline"]] == ["registered", "collected", "at_hub"]
    assert shown["recipient"] == "张**" and "13812345678" not in str(shown)
    with pytest.raises(NotFound):
        parcels.show_parcel(sample_network, "P20200101-00001")


def test_overdue_lists_inbound_parcels_past_the_retention_period(make_parcel, sample_network):
    old = make_parcel("at_station", registered_at=utcnow() - timedelta(days=12))
    make_parcel("at_station", registered_at=utcnow() - timedelta(days=2))
    rows = parcels.overdue_parcels(sample_network)
    assert [r["parcel_no"] for r in rows] == [old.parcel_no]
    assert rows[0]["retention_days"] == 7 and rows[0]["days_waiting"] >= 7


def test_list_reads_typed_days_in_the_hubs_time_zone(sample_network):
    made = parcel_register.register_parcel(sample_network, VALUES, operator="amy")
    today = parcels.list_parcels(sample_network, day=read_day("今天"))
    assert [r["parcel_no"] for r in today] == [made.parcel_no]
    assert today[0]["weight_kg"] == Decimal("2.50")
    assert parcels.list_parcels(sample_network, since=read_day("tomorrow")) == []
    assert len(parcels.list_parcels(sample_network, until=read_day("today"))) == 1
    assert [p.parcel_no for p in parcels.parcels_of_day(sample_network, read_day("today"))] == [
        made.parcel_no
    ]
