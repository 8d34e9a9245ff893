"""Habits with network files and sample data that must never lose or overwrite anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from logistics.domain.network import Change
from logistics.errors import InvalidInput
from logistics.models import Courier, CourierExcludedProvince, Station, Vehicle
from logistics.services import network, network_import, network_sample


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def snapshot(row) -> dict:
    return row.model_dump(exclude={"id"})


# ---------------------------------------------------------------- item 2: partial files


def test_a_file_with_some_columns_changes_only_those(sample_network, tmp_path):
    session = sample_network
    before = snapshot(network.station_by_code(session, "GD05"))
    others = {s.code: snapshot(s) for s in session.exec(select(Station)) if s.code != "GD05"}
    path = write(
        tmp_path / "s.csv",
        "code,name,lat,lon,hours\nGD05,岭上村服务站,35.64712,112.83637,08:00-17:30\n"
        "GD06,新站,35.6,112.9,08:00-18:00\n",
    )
    result = network_import.import_stations(session, path)
    after = snapshot(network.station_by_code(session, "GD05"))
    # the keeper's phone, stop minutes, households and village are as they were
    for name in ("keeper_name", "keeper_phone", "service_minutes", "households", "village"):
        assert after[name] == before[name], name
    assert f"{after['opens']:%H:%M}" == "08:00" and f"{after['closes']:%H:%M}" == "17:30"
    rows = {row.code: row for row in result.changes}
    assert rows["GD05"].change is Change.UPDATED
    assert rows["GD05"].fields == [("hours", "07:30-18:00", "08:00-17:30")]
    assert rows["GD06"].change is Change.UPDATED
    assert {f for f, _old, _new in rows["GD06"].fields} == {"name", "lat", "lon"}
    gd06 = snapshot(network.station_by_code(session, "GD06"))
    assert gd06["village"] == others["GD06"]["village"] != "新站"
    assert gd06["keeper_phone"] == others["GD06"]["keeper_phone"]


def test_a_blank_cell_keeps_what_is_stored_and_unchanged_rows_are_said(sample_network, tmp_path):
    session = sample_network
    path = write(
        tmp_path / "s.csv",
        "code,keeper_phone,households\nGD05,,700\nGD07,,\nGD99x,,\n",
    )
    with pytest.raises(InvalidInput, match="row 4"):  # a new station needs name, lat, lon
        network_import.import_stations(session, path)
    session.rollback()
    write(path, "code,keeper_phone,households\nGD05,,700\nGD07,,\n")
    result = network_import.import_stations(session, path)
    assert [(r.code, r.change) for r in result.changes] == [
        ("GD05", Change.UPDATED),
        ("GD07", Change.UNCHANGED),
    ]
    gd05 = network.station_by_code(session, "GD05")
    assert (gd05.keeper_phone, gd05.households) == ("13683524485", 700)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)


def test_unknown_columns_are_named_and_refused_unless_ignored(sample_network, tmp_path):
    session = sample_network
    path = write(
        tmp_path / "s.csv",
        "code,name,lat,lon,站长电话,服务分钟\nGD05,岭上村服务站,35.64712,112.83637,139,9\n",
    )
    with pytest.raises(InvalidInput) as refused:
        network_import.import_stations(session, path)
    said = str(refused.value)
    assert "站长电话" in said and "服务分钟" in said and "--ignore-unknown" in said
    session.rollback()
    assert network.station_by_code(session, "GD05").keeper_phone == "13683524485"
    result = network_import.import_stations(session, path, ignore_unknown=True)
    assert result.unchanged == 1
    assert network.station_by_code(session, "GD05").service_minutes == 6


def test_dry_run_lists_and_saves_nothing(sample_network, tmp_path):
    session = sample_network
    path = write(tmp_path / "v.csv", "code,plate\nVAN1,晋E·N0001\nVAN9,晋E·N0009\n")
    with pytest.raises(InvalidInput, match="VAN9|capacity_kg"):  # a new van needs capacity
        network_import.import_vehicles(session, path, dry_run=True)
    session.rollback()
    write(path, "code,plate\nVAN1,晋E·N0001\n")
    result = network_import.import_vehicles(session, path, dry_run=True)
    assert result.dry_run and result.changes[0].fields == [("plate", "晋E·A1234", "晋E·N0001")]
    van = session.exec(select(Vehicle).where(Vehicle.code == "VAN1")).one()
    session.refresh(van)
    assert van.plate == "晋E·A1234"
    network_import.import_vehicles(session, path)
    session.refresh(van)
    assert (van.plate, van.capacity_g, van.capacity_parcels) == ("晋E·N0001", 1200000, 150)


def test_courier_file_of_two_columns_keeps_terms_and_provinces_not_served(sample_network, tmp_path):
    session = sample_network
    zto = session.exec(select(Courier).where(Courier.code == "ZTO")).one()
    before = snapshot(zto)
    excluded = session.exec(
        select(func.count()).where(CourierExcludedProvince.courier_id == zto.id)
    ).one()
    result = network_import.import_couriers(
        session, write(tmp_path / "c.csv", "code,daily_capacity\nZTO,1000\n")
    )
    assert result.changes[0].fields == [("daily_capacity", "900", "1000")]
    session.refresh(zto)
    after = snapshot(zto)
    assert after.pop("daily_capacity") == 1000
    before.pop("daily_capacity")
    assert after == before
    assert (
        session.exec(select(func.count()).where(CourierExcludedProvince.courier_id == zto.id)).one()
        == excluded
        == 2
    )


# ---------------------------------------------------------------- item 3: sample data


def test_sample_parcels_never_go_into_a_hub_with_real_parcels(make_parcel, sample_network):
    from logistics.errors import RuleBroken
    from logistics.models import Parcel
    from logistics.services import sample

    real = make_parcel("at_hub")
    with pytest.raises(RuleBroken, match=f"real parcels \\(such as {real.parcel_no}\\)"):
        sample.generate(sample_network, 1, seed=3)
    sample_network.rollback()
    assert sample_network.exec(select(func.count()).select_from(Parcel)).one() == 1


def test_sample_history_cut_at_now_leaves_the_database_consistent(sample_network, monkeypatch):
    from logistics.services import integrity, sample

    monkeypatch.setenv("HUB_NOW", "2026-11-23T09:20:00")  # 17:20 at the hub: handing over
    made = sample.generate(sample_network, 2, seed=11)
    assert made.parcels > 0
    again = sample.generate(sample_network, 2, seed=12)  # a sample-made hub takes more
    assert again.parcels > 0
    assert integrity.check(sample_network) == []


def test_today_twice_does_not_double_the_day(sample_network, monkeypatch):
    from logistics.models import Parcel
    from logistics.services import sample

    monkeypatch.setenv("HUB_NOW", "2026-11-23T02:00:00")
    first = sample.generate(sample_network, 1, seed=42, today=True)
    second = sample.generate(sample_network, 1, seed=2026, today=True)
    assert first.parcels > 0
    assert (second.parcels, second.days, second.skipped_days) == (0, 0, 1)
    total = sample_network.exec(select(func.count()).select_from(Parcel)).one()
    assert total == first.parcels


def test_init_sample_on_an_existing_hub_adds_only_what_is_missing(sample_network):
    session = sample_network
    gd05 = network.station_by_code(session, "GD05")
    gd05.keeper_phone, gd05.service_minutes = "13900000000", 9
    session.add(gd05)
    session.delete(network.station_by_code(session, "GD30"))
    van = session.exec(select(Vehicle).where(Vehicle.code == "VAN1")).one()
    van.capacity_parcels = 99
    session.add(van)
    session.commit()
    loaded = network_sample.load_sample_network(session)
    assert loaded["stations"] == 1 and loaded["couriers"] == 0 and loaded["vans"] == 0
    assert loaded["kept"] == ["GD05", "VAN1"]
    gd05 = network.station_by_code(session, "GD05")
    assert (gd05.keeper_phone, gd05.service_minutes) == ("13900000000", 9)
    session.refresh(van)
    assert van.capacity_parcels == 99
    assert network.station_by_code(session, "GD30").name
