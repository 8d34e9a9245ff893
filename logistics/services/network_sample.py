"""The Gaodu sample township, and the sample county of three townships.

Read from the CSV files shipped in ``logistics/sample/data`` through the same checks as
an import (:mod:`.network_import`); only what the database lacks is added.

The county (``hub init --sample county``) is Gaodu (30 stations, 8 couriers, 5 vans)
and two smaller townships some 25 km away, each with its own hub, stations, vans and
courier accounts (a subset of the couriers, with its own tariffs): XILING (18
stations, 5 couriers, 3 vans) and DONGYU (10 stations, 3 couriers, 2 vans). Their
rows are listed in ``county_hubs.csv`` and ``<hub>_stations.csv``, ``<hub>_couriers.csv``,
``<hub>_tariffs.csv``, ``<hub>_vehicles.csv`` (Gaodu's are the township's own files).
Couriers and vans share codes across hubs (ZTO, VAN1), as codes are unique within a hub.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from logistics.domain import network as rules
from logistics.models import Hub, Station, Vehicle, scope
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


#: The sample township's hub; its network files have no prefix.
SAMPLE_HUB = "GAODU"


def _hub_rows(name: str) -> list[dict[str, str]]:
    from logistics.io.tables import open_table

    return [row.values for row in open_table(sample_file(name), HUB_HEADERS, ("code", "name"))]


def _set_sample_hub(session: Session, values: dict[str, str]) -> Hub:
    hub = set_hub(
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
    return hub


def load_sample_network(session: Session, prefix: str = "") -> dict[str, Any]:
    """The Gaodu sample township: hub, 30 stations, 8 couriers with tariffs, 5 vans
    (``prefix`` names another township's files, ``xiling_``, into the session's hub).

    On a database that already holds a hub or rows of the network, only what is missing
    is added: the hub, a station, courier, tariff row or van that exists is never
    overwritten. Returns the counts added and, under ``kept``, the codes of the rows
    left alone because they differ from the sample's (someone edited them)."""
    if session.exec(select(Hub.id)).first() is None:
        _set_sample_hub(session, _hub_rows("hub.csv")[0])

    def specs(name: str, headers, parse) -> list:
        return read_specs(sample_file(prefix + name), headers, (), parse)

    stations = specs("stations.csv", rules.STATION_HEADERS, rules.parse_station)
    couriers = specs("couriers.csv", rules.COURIER_HEADERS, rules.parse_courier)
    tariffs = specs("tariffs.csv", rules.TARIFF_HEADERS, rules.parse_tariff)
    vans = specs("vehicles.csv", rules.VEHICLE_HEADERS, rules.parse_vehicle)
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


def load_sample_county(session: Session) -> list[dict[str, Any]]:
    """The sample county: GAODU, XILING and DONGYU, each hub with its own network.

    Like the township, only what is missing is added, so running it again adds nothing.
    Returns one entry per hub: its ``code`` and ``name`` and the counts
    :func:`load_sample_network` returns. The session is left unscoped."""
    loaded = []
    for values in _hub_rows("county_hubs.csv"):
        scope.leave(session)
        code = rules.code_of(values["code"])
        hub = session.exec(select(Hub).where(Hub.code == code)).first()
        if hub is None:
            hub = _set_sample_hub(session, values)
        scope.scope_to(session, hub.id)
        prefix = "" if code == SAMPLE_HUB else f"{code.lower()}_"
        counts = load_sample_network(session, prefix)
        loaded.append({"code": hub.code, "name": hub.name, **counts})
    scope.leave(session)
    return loaded
