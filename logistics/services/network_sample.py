"""The Gaodu sample township: its hub, stations, couriers with tariffs and vans.

Read from the CSV files shipped in ``logistics/sample/data`` through the same checks as
an import (:mod:`.network_import`); only what the database lacks is added.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from logistics.domain import network as rules
from logistics.models import Hub, Station, Vehicle
from logistics.services.network import (
    set_hub,
    upsert_couriers,
    upsert_stations,
    upsert_tariffs,
    upsert_vehicles,
)
from logistics.services.network_import import (
    _changes,
    _courier_spec_text,
    _stored_couriers,
    _tariff_changes,
    read_specs,
)

HUB_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("hub_code",),
    "name": ("hub_name", "名称"),
    "timezone": ("time_zone", "时区"),
    "lat": ("latitude", "纬度"),
    "lon": ("lng", "longitude", "经度"),
    "address": ("地址",),
    "sort_minutes": (),
    "road_factor": (),
    "van_speed_kmh": (),
    "retention_days": (),
}


def sample_file(name: str) -> Path:
    return Path(str(resources.files("logistics.sample") / "data" / name))


def _sample_specs(name: str, headers, parse) -> list:
    return read_specs(sample_file(name), headers, (), parse)


def load_sample_network(session: Session) -> dict[str, Any]:
    """The Gaodu sample township: hub, 30 stations, 8 couriers with tariffs, 5 vans.

    On a database that already holds a hub or rows of the network, only what is missing
    is added: the hub, a station, courier, tariff row or van that exists is never
    overwritten. Returns the counts added and, under ``kept``, the codes of the rows
    left alone because they differ from the sample's (someone edited them)."""
    from logistics.io.tables import open_table

    if session.exec(select(Hub.id)).first() is None:
        hub_rows = list(open_table(sample_file("hub.csv"), HUB_HEADERS, ("code", "name")))
        values = hub_rows[0].values
        set_hub(
            session,
            code=values["code"],
            name=values["name"],
            lat=float(values["lat"]),
            lon=float(values["lon"]),
            timezone=values.get("timezone") or "Asia/Shanghai",
            address=values.get("address") or None,
            commit=False,
            sort_minutes=int(values["sort_minutes"]),
            road_factor=float(values["road_factor"]),
            van_speed_kmh=float(values["van_speed_kmh"]),
            retention_days=int(values["retention_days"]),
        )
        session.flush()
    stations = read_specs(
        sample_file("stations.csv"), rules.STATION_HEADERS, (), rules.parse_station
    )
    couriers = read_specs(
        sample_file("couriers.csv"), rules.COURIER_HEADERS, (), rules.parse_courier
    )
    tariffs = read_specs(sample_file("tariffs.csv"), rules.TARIFF_HEADERS, (), rules.parse_tariff)
    vans = read_specs(sample_file("vehicles.csv"), rules.VEHICLE_HEADERS, (), rules.parse_vehicle)
    kept: list[str] = []

    def missing(specs, stored, text, key=lambda spec: spec.code):
        fresh = []
        for change, spec in zip(_changes(specs, stored, text, key), specs, strict=True):
            if change.change is rules.Change.ADDED:
                fresh.append(spec)
            elif change.change is rules.Change.UPDATED:
                kept.append(change.code)
        return fresh

    new_stations = missing(
        stations,
        {s.code: rules.station_text(s) for s in session.exec(select(Station))},
        rules.station_text,
    )
    new_couriers = missing(couriers, _stored_couriers(session), _courier_spec_text)
    new_vans = missing(
        vans,
        {v.code: rules.vehicle_text(v) for v in session.exec(select(Vehicle))},
        rules.vehicle_text,
    )
    upsert_stations(session, new_stations)
    upsert_couriers(session, new_couriers)
    session.flush()
    tariff_changes = _tariff_changes(session, tariffs)
    new_tariffs = [
        spec
        for change, spec in zip(tariff_changes, tariffs, strict=True)
        if change.change is rules.Change.ADDED
    ]
    edited_tariffs = {c.code.split()[0] for c in tariff_changes if c.change is rules.Change.UPDATED}
    kept += sorted(edited_tariffs - set(kept))
    upsert_tariffs(session, new_tariffs)
    upsert_vehicles(session, new_vans)
    session.commit()
    return {
        "stations": len(new_stations),
        "couriers": len(new_couriers),
        "tariff_rows": len(new_tariffs),
        "vans": len(new_vans),
        "kept": kept,
    }
