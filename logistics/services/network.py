"""The hub's network: the hub, stations, couriers with tariffs, vans. Add, list, show.

The work is split by job: this module reads the network and adds or updates one row
(``hub station add``); :mod:`.network_import` imports station, courier, tariff and van
files, row by row, with what each row changes; :mod:`.network_sample` loads the sample
township. This module is the one name callers import: it also hands out the names of
the other two (see ``_ELSEWHERE``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, select

from logistics.domain import network as rules
from logistics.domain.clock import zone
from logistics.domain.courier_names import courier_key
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.text import typed_code
from logistics.domain.units import kg, province_name
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.i18n import _
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Parcel,
    Station,
    Vehicle,
    scope,
)

if TYPE_CHECKING:
    from logistics.services.network_import import ImportResult as ImportResult
    from logistics.services.network_import import RowChange as RowChange
    from logistics.services.network_import import import_couriers as import_couriers
    from logistics.services.network_import import import_stations as import_stations
    from logistics.services.network_import import import_vehicles as import_vehicles
    from logistics.services.network_import import read_specs as read_specs
    from logistics.services.network_import import t_normal_code as t_normal_code
    from logistics.services.network_sample import HUB_HEADERS as HUB_HEADERS
    from logistics.services.network_sample import load_sample_network as load_sample_network
    from logistics.services.network_sample import sample_file as sample_file

# ---------------------------------------------------------------- the hub


def current_hub(session: Session) -> Hub:
    """The hub the session works on (``logistics.models.scope``): the one it is scoped
    to, else the only hub of the database (several hubs and no choice are refused)."""
    hub_id = scope.hub_id_of(session)
    if hub_id is None:
        hub_id = scope.enter(session)
    hub = session.get(Hub, hub_id) if hub_id is not None else None
    if hub is None:
        raise RuleBroken(
            _(
                "No hub is set up in this database: run `hub init --sample` for the sample "
                "township, or `hub init --hub-name NAME --lat LAT --lon LON`."
            )
        )
    return hub


def set_hub(
    session: Session,
    *,
    code: str,
    name: str,
    lat: float,
    lon: float,
    timezone: str = "Asia/Shanghai",
    address: str | None = None,
    commit: bool = True,
    **settings: Any,
) -> Hub:
    """Create the hub, or update it when the code exists."""
    zone(timezone)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(
            _("The hub's location {lat}, {lon} is not a latitude and longitude.").format(
                lat=lat, lon=lon
            )
        )
    code = rules.code_of(code)
    hub = session.exec(select(Hub).where(Hub.code == code)).first() or Hub(
        code=code, name=name, lat=lat, lon=lon
    )
    hub.name, hub.lat, hub.lon, hub.timezone, hub.address = name, lat, lon, timezone, address
    for key, value in settings.items():
        if value is not None:
            setattr(hub, key, value)
    session.add(hub)
    if commit:
        session.commit()
    return hub


# ---------------------------------------------------------------- stations


def _apply(target: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(target, name, value)


def _upsert_by_code(
    session: Session, model: type, specs: Iterable, **fixed: Any
) -> tuple[int, int]:
    """Insert the specs' rows, or update the row with the same code; (added, updated)."""
    existing = {row.code: row for row in session.exec(select(model))}
    added = updated = 0
    for spec in specs:
        row = existing.get(spec.code)
        if row is None:
            row = model(**fixed, **asdict(spec))
            added += 1
        else:
            _apply(row, asdict(spec))
            updated += 1
        session.add(row)
    return added, updated


def upsert_stations(session: Session, specs: Iterable[rules.StationSpec]) -> tuple[int, int]:
    return _upsert_by_code(session, Station, specs, hub_id=current_hub(session).id)


def add_station(session: Session, values: Mapping[str, str]) -> Station:
    spec = rules.parse_station(values)
    upsert_stations(session, [spec])
    session.commit()
    return station_by_code(session, spec.code)


def station_by_code(session: Session, code: str) -> Station:
    """The station a person's typed code names (full-width or lower case alike)."""
    station = session.exec(select(Station).where(Station.code == typed_code(code))).first()
    if station is None:
        raise NotFound(
            _("There is no station with code '{code}': `hub station list` shows them.").format(
                code=code
            )
        )
    return station


def list_stations(session: Session) -> list[dict[str, Any]]:
    waiting = dict(
        session.exec(
            select(Parcel.station_id, func.count())
            .where(Parcel.direction == Direction.OUTBOUND, Parcel.status == Status.REGISTERED)
            .group_by(Parcel.station_id)
        ).all()
    )
    return [
        {
            "code": s.code,
            "name": s.name,
            "village": s.village,
            "keeper": s.keeper_name,
            "phone": s.keeper_phone,
            "lat": s.lat,
            "lon": s.lon,
            "hours": f"{s.opens:%H:%M}-{s.closes:%H:%M}",
            "service_minutes": s.service_minutes,
            "households": s.households,
            "waiting": waiting.get(s.id, 0),
            "active": s.active,
        }
        for s in session.exec(select(Station).order_by(Station.code))
    ]


def show_station(session: Session, code: str) -> dict[str, Any]:
    station = station_by_code(session, code)
    counts = {
        (direction, status): count
        for direction, status, count in session.exec(
            select(Parcel.direction, Parcel.status, func.count())
            .where(Parcel.station_id == station.id)
            .group_by(Parcel.direction, Parcel.status)
        ).all()
    }
    hub = session.get(Hub, station.hub_id)
    retention = station.retention_days or (hub.retention_days if hub else 7)
    return {
        **station.model_dump(exclude={"id", "hub_id", "opens", "closes"}),
        "hours": f"{station.opens:%H:%M}-{station.closes:%H:%M}",
        "retention_days": retention,
        "outbound_waiting": counts.get((Direction.OUTBOUND, Status.REGISTERED), 0),
        "inbound_waiting": counts.get((Direction.INBOUND, Status.AT_STATION), 0),
    }


# ---------------------------------------------------------------- couriers


def _courier_values(spec: rules.CourierSpec) -> dict[str, Any]:
    values = asdict(spec)
    values.pop("excluded_provinces")
    return values


def upsert_couriers(session: Session, specs: Iterable[rules.CourierSpec]) -> tuple[int, int]:
    existing = {c.code: c for c in session.exec(select(Courier))}
    added = updated = 0
    for spec in specs:
        courier = existing.get(spec.code)
        if courier is None:
            courier = Courier(**_courier_values(spec))
            added += 1
        else:
            _apply(courier, _courier_values(spec))
            updated += 1
        session.add(courier)
        session.flush()
        for old in session.exec(
            select(CourierExcludedProvince).where(CourierExcludedProvince.courier_id == courier.id)
        ):
            session.delete(old)
        session.flush()
        for code in spec.excluded_provinces:
            session.add(CourierExcludedProvince(courier_id=courier.id, province_code=code))
    return added, updated


def upsert_tariffs(session: Session, specs: Iterable[rules.TariffSpec]) -> int:
    couriers = {c.code: c for c in session.exec(select(Courier))}
    existing = {(t.courier_id, t.province_code): t for t in session.exec(select(CourierTariff))}
    count = 0
    for spec in specs:
        courier = couriers.get(spec.courier_code)
        if courier is None:
            raise NotFound(
                _(
                    "The tariff names courier '{courier}', which is not set up: "
                    "import it with `hub courier import` first."
                ).format(courier=spec.courier_code)
            )
        tariff = existing.get((courier.id, spec.province_code)) or CourierTariff(
            courier_id=courier.id, province_code=spec.province_code, first_kg_fen=0, extra_kg_fen=0
        )
        tariff.first_kg_fen, tariff.extra_kg_fen = spec.first_kg_fen, spec.extra_kg_fen
        session.add(tariff)
        count += 1
    return count


def add_courier(session: Session, values: Mapping[str, str]) -> Courier:
    spec = rules.parse_courier(values)
    upsert_couriers(session, [spec])
    session.commit()
    return courier_by_code(session, spec.code)


def courier_by_code(session: Session, code: str) -> Courier:
    """The courier a person typed, by code in any case or by name (``ZTO``, ``zto``,
    ``中通快递``, ``中通``: :func:`logistics.domain.courier_names.courier_key`)."""
    couriers = {c.code: c for c in session.exec(select(Courier))}
    key = courier_key(code, {c.code: c.name for c in couriers.values()})
    courier = couriers.get(key) if key else None
    if courier is None:
        raise NotFound(
            _("There is no courier with code '{code}': `hub courier list` shows them.").format(
                code=code
            )
        )
    return courier


def _excluded(session: Session) -> dict[int, list[str]]:
    excluded: dict[int, list[str]] = {}
    for row in session.exec(
        select(CourierExcludedProvince).order_by(CourierExcludedProvince.province_code)
    ):
        excluded.setdefault(row.courier_id, []).append(row.province_code)
    return excluded


def list_couriers(session: Session) -> list[dict[str, Any]]:
    excluded = _excluded(session)
    tariff_rows = dict(
        session.exec(
            select(CourierTariff.courier_id, func.count()).group_by(CourierTariff.courier_id)
        ).all()
    )
    return [
        {
            "code": c.code,
            "name": c.name,
            "cutoff": f"{c.cutoff:%H:%M}",
            "daily_capacity": c.daily_capacity,
            "min_share": round(c.min_share, 4),
            "volumetric_divisor": c.volumetric_divisor,
            "weight_step_kg": kg(c.weight_step_g),
            "max_weight_kg": None if c.max_weight_g is None else kg(c.max_weight_g),
            "not_served": [province_name(code) for code in excluded.get(c.id, [])],
            "tariff_rows": tariff_rows.get(c.id, 0),
            "tracking_pattern": c.tracking_pattern,
            "active": c.active,
        }
        for c in session.exec(select(Courier).order_by(Courier.code))
    ]


def show_courier(session: Session, code: str) -> dict[str, Any]:
    courier = courier_by_code(session, code)
    summary = next(row for row in list_couriers(session) if row["code"] == courier.code)
    tariffs = session.exec(
        select(CourierTariff)
        .where(CourierTariff.courier_id == courier.id)
        .order_by(col(CourierTariff.province_code))
    ).all()
    summary["tariffs"] = [
        {
            "province_code": t.province_code,
            "province": province_name(t.province_code),
            "first_kg_fen": t.first_kg_fen,
            "extra_kg_fen": t.extra_kg_fen,
        }
        for t in tariffs
    ]
    return summary


# ---------------------------------------------------------------- vans


def upsert_vehicles(session: Session, specs: Iterable[rules.VehicleSpec]) -> tuple[int, int]:
    return _upsert_by_code(session, Vehicle, specs, hub_id=current_hub(session).id)


def add_vehicle(session: Session, values: Mapping[str, str]) -> Vehicle:
    spec = rules.parse_vehicle(values)
    upsert_vehicles(session, [spec])
    session.commit()
    return session.exec(select(Vehicle).where(Vehicle.code == spec.code)).one()


def list_vehicles(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "code": v.code,
            "plate": v.plate,
            "capacity_kg": kg(v.capacity_g),
            "capacity_parcels": v.capacity_parcels,
            "shift": f"{v.shift_start:%H:%M}-{v.shift_end:%H:%M}",
            "cost_per_km_fen": v.cost_per_km_fen,
            "fixed_cost_fen": v.fixed_cost_fen,
            "active": v.active,
        }
        for v in session.exec(select(Vehicle).order_by(Vehicle.code))
    ]
