"""The hub's network: the hub, stations, couriers with tariffs, vans. Add, import, list, show.

Imports are all-or-nothing: every row is checked first, and only a file without a bad
row is written, in one transaction, updating by code so a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select

from logistics.domain import network as rules
from logistics.domain.clock import zone
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.units import kg, province_name, yuan
from logistics.errors import ImportRejected, InvalidInput, NotFound, RuleBroken
from logistics.i18n import _
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Parcel,
    Station,
    Vehicle,
)

Spec = TypeVar("Spec")

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


# ---------------------------------------------------------------- the hub


def current_hub(session: Session) -> Hub:
    """The hub this database runs (the first one set up)."""
    hub = session.exec(select(Hub).order_by(Hub.id)).first()
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


# ---------------------------------------------------------------- reading files


def read_specs(
    path: Path,
    headers: Mapping[str, Iterable[str]],
    required: Iterable[str],
    parse: Callable[[Mapping[str, str]], Spec],
    key: Callable[[Spec], Any] | None = None,
    check: Callable[[Spec], None] | None = None,
    *,
    stored: Mapping[str, Mapping[str, str]] | None = None,
    ignore_unknown: bool = False,
) -> list[Spec]:
    """Every row of the file as a spec, or ImportRejected listing every bad row.

    ``check`` raises InvalidInput for a row that parses but does not fit what the hub
    has (a tariff of a courier that is not set up); it is listed like any bad row.
    ``stored`` holds the cells of the rows already stored, by code: a row of the file
    with such a code is laid over them (:func:`rules.merged`), so the columns the file
    does not carry, and its blank cells, keep what is stored. A column no field uses is
    refused, naming it, unless ``ignore_unknown``."""
    from logistics.io.tables import open_table  # openpyxl: only when a file is read

    table = open_table(path, {name: tuple(names) for name, names in headers.items()}, required)
    if table.ignored_headers and not ignore_unknown:
        raise InvalidInput(
            _(
                "File '{file}' has columns this import does not know: {columns}; "
                "rename them to the headers `--help` lists, or add --ignore-unknown "
                "to import the file without them."
            ).format(file=table.name, columns=", ".join(table.ignored_headers))
        )
    carried = set(table.columns)
    specs: list[Spec] = []
    problems: list[str] = []
    seen: dict[Any, int] = {}
    for row in table:
        try:
            values = row.values
            if stored:
                code = t_normal_code(values.get("code", ""))
                if code in stored:
                    values = rules.merged(stored[code], values, carried)
            spec = parse(values)
            if check is not None:
                check(spec)
        except InvalidInput as error:
            problems.append(
                _("{file} row {row}: {problem}").format(
                    file=table.name, row=row.number, problem=error
                )
            )
            continue
        if key is not None:
            identity = key(spec)
            if identity in seen:
                problems.append(
                    _(
                        "{file} row {row}: {code} repeats row {first}; expected each one once."
                    ).format(file=table.name, row=row.number, code=identity, first=seen[identity])
                )
                continue
            seen[identity] = row.number
        specs.append(spec)
    if problems:
        raise ImportRejected(table.name, problems)
    return specs


def t_normal_code(text: str) -> str:
    """A code as stored (GD05 for ' gd05 '), or '' when it is not one."""
    try:
        return rules.code_of(text or "")
    except InvalidInput:
        return ""


@dataclass
class RowChange:
    """One row of an import file and what it does to the stored row with its code."""

    code: str
    change: rules.Change
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    """(field, stored, new) of an update."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "change": self.change.value,
            "fields": [{"field": f, "from": old, "to": new} for f, old, new in self.fields],
        }


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do), row by row."""

    file: str
    changes: list[RowChange] = field(default_factory=list)
    dry_run: bool = False
    tariffs: list[RowChange] = field(default_factory=list)

    def count(self, change: rules.Change, *, tariffs: bool = False) -> int:
        rows = self.tariffs if tariffs else self.changes
        return sum(1 for row in rows if row.change is change)

    @property
    def added(self) -> int:
        return self.count(rules.Change.ADDED)

    @property
    def updated(self) -> int:
        return self.count(rules.Change.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(rules.Change.UNCHANGED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": [row.as_dict() for row in self.changes],
            "tariffs": [row.as_dict() for row in self.tariffs],
        }


def _changes(
    specs: Iterable[Any],
    stored: Mapping[str, Mapping[str, str]],
    text: Callable[[Any], Mapping[str, str]],
    key: Callable[[Any], str] = lambda spec: spec.code,
) -> list[RowChange]:
    changes = []
    for spec in specs:
        before = stored.get(key(spec))
        if before is None:
            changes.append(RowChange(key(spec), rules.Change.ADDED))
            continue
        fields = rules.differences(before, text(spec))
        kind = rules.Change.UPDATED if fields else rules.Change.UNCHANGED
        changes.append(RowChange(key(spec), kind, fields))
    return changes


def _finish(session: Session, result: ImportResult) -> ImportResult:
    if result.dry_run:
        session.rollback()
    else:
        session.commit()
    return result


def _apply(target: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(target, name, value)


# ---------------------------------------------------------------- stations


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


def import_stations(
    session: Session, path: Path, *, ignore_unknown: bool = False, dry_run: bool = False
) -> ImportResult:
    """Add the file's new stations and update the others by code, changing only the
    columns the file carries; with ``dry_run`` nothing is saved."""
    hub_id = current_hub(session).id
    stored = {s.code: rules.station_text(s) for s in session.exec(select(Station))}
    specs = read_specs(
        path,
        rules.STATION_HEADERS,
        ("code",),
        rules.parse_station,
        key=lambda s: s.code,
        stored=stored,
        ignore_unknown=ignore_unknown,
    )
    result = ImportResult(Path(path).name, _changes(specs, stored, rules.station_text), dry_run)
    changed = {row.code for row in result.changes if row.change is not rules.Change.UNCHANGED}
    _upsert_by_code(session, Station, [s for s in specs if s.code in changed], hub_id=hub_id)
    return _finish(session, result)


def station_by_code(session: Session, code: str) -> Station:
    station = session.exec(select(Station).where(Station.code == code.strip().upper())).first()
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


def _stored_couriers(session: Session) -> dict[str, dict[str, str]]:
    excluded = _excluded(session)
    return {
        c.code: rules.courier_text(c, excluded.get(c.id, ())) for c in session.exec(select(Courier))
    }


def _courier_spec_text(spec: rules.CourierSpec) -> dict[str, str]:
    return rules.courier_text(spec, spec.excluded_provinces)


def import_couriers(
    session: Session,
    path: Path | None,
    tariffs: Path | None = None,
    *,
    ignore_unknown: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Couriers and/or their tariff rows, all in one transaction; an update changes only
    the columns the file carries; with ``dry_run`` nothing is saved."""
    result = ImportResult(Path(path).name if path is not None else "", dry_run=dry_run)
    if path is not None:
        stored = _stored_couriers(session)
        specs = read_specs(
            path,
            rules.COURIER_HEADERS,
            ("code",),
            rules.parse_courier,
            key=lambda s: s.code,
            stored=stored,
            ignore_unknown=ignore_unknown,
        )
        result.changes = _changes(specs, stored, _courier_spec_text)
        changed = {row.code for row in result.changes if row.change is not rules.Change.UNCHANGED}
        upsert_couriers(session, [s for s in specs if s.code in changed])
        session.flush()
    if tariffs is not None:
        known = set(session.exec(select(Courier.code)))  # with those just imported

        def courier_is_set_up(spec: rules.TariffSpec) -> None:
            if spec.courier_code not in known:
                raise InvalidInput(
                    _(
                        "courier '{courier}' is not set up: add it to the couriers "
                        "file or import it with `hub courier import` first."
                    ).format(courier=spec.courier_code)
                )

        tariff_specs = read_specs(
            tariffs,
            rules.TARIFF_HEADERS,
            ("courier", "province", "first_kg", "extra_kg"),
            rules.parse_tariff,
            key=lambda s: f"{s.courier_code} {_tariff_place(s.province_code)}",
            check=courier_is_set_up,
            ignore_unknown=ignore_unknown,
        )
        result.tariffs = _tariff_changes(session, tariff_specs)
        upsert_tariffs(session, tariff_specs)
    return _finish(session, result)


def _tariff_text(first_kg_fen: int, extra_kg_fen: int) -> dict[str, str]:
    return {"first_kg": str(yuan(first_kg_fen)), "extra_kg": str(yuan(extra_kg_fen))}


def _tariff_changes(session: Session, specs: list[rules.TariffSpec]) -> list[RowChange]:
    codes = {c.id: c.code for c in session.exec(select(Courier))}
    stored = {
        f"{codes[t.courier_id]} {_tariff_place(t.province_code)}": _tariff_text(
            t.first_kg_fen, t.extra_kg_fen
        )
        for t in session.exec(select(CourierTariff))
    }
    return _changes(
        specs,
        stored,
        lambda s: _tariff_text(s.first_kg_fen, s.extra_kg_fen),
        key=lambda s: f"{s.courier_code} {_tariff_place(s.province_code)}",
    )


def _tariff_place(code: str) -> str:
    """A tariff row's province as people name it: 贵州, or * for the rest."""
    return code if code == "*" else province_name(code)


def courier_by_code(session: Session, code: str) -> Courier:
    courier = session.exec(select(Courier).where(Courier.code == code.strip().upper())).first()
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


def import_vehicles(
    session: Session, path: Path, *, ignore_unknown: bool = False, dry_run: bool = False
) -> ImportResult:
    """Add the file's new vans and update the others by code, changing only the columns
    the file carries; with ``dry_run`` nothing is saved."""
    hub_id = current_hub(session).id
    stored = {v.code: rules.vehicle_text(v) for v in session.exec(select(Vehicle))}
    specs = read_specs(
        path,
        rules.VEHICLE_HEADERS,
        ("code",),
        rules.parse_vehicle,
        key=lambda s: s.code,
        stored=stored,
        ignore_unknown=ignore_unknown,
    )
    result = ImportResult(Path(path).name, _changes(specs, stored, rules.vehicle_text), dry_run)
    changed = {row.code for row in result.changes if row.change is not rules.Change.UNCHANGED}
    _upsert_by_code(session, Vehicle, [s for s in specs if s.code in changed], hub_id=hub_id)
    return _finish(session, result)


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


# ---------------------------------------------------------------- the sample township


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
