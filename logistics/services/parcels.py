"""Parcels: register one, list them, show one with its timeline, find the overdue ones.

Bulk import lives in :mod:`logistics.services.parcel_import`; scans in
:mod:`logistics.services.scanning`. Both create parcels through :func:`insert_parcels`
here, so a parcel registered by hand, imported from a file or created by an inbound
arrival scan looks the same: a hub parcel id of the hub's local day, and a first
event (``register``, or ``arrive-inbound`` for an inbound parcel) in its log.

Hub parcel ids (``P20261123-00042``) number each hub-local day's parcels from 1. The
next number is taken inside the write transaction: SQLite's writing sessions hold the
write lock from their first statement (BEGIN IMMEDIATE), and on PostgreSQL a
transaction-level advisory lock per day serialises the few milliseconds between
reading the day's highest id and inserting, so concurrent registrations never clash.

Every listing and `show` mask the recipient's and sender's names and phone numbers
(GB/T 41833-2022): ``张*``, ``1******1234``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, String, case, func, insert, literal, or_, select, text
from sqlmodel import Session

from logistics.domain import parcel_rows
from logistics.domain.clock import local_today, to_local, utcnow, zone
from logistics.domain.parcel_ids import format_parcel_no, parcel_no_prefix, parse_parcel_no
from logistics.domain.parcel_rows import ParcelSpec, RowRules
from logistics.domain.parcel_status import INBOUND_STATES, OUTBOUND_STATES, Action, Status
from logistics.domain.privacy import mask_address, mask_name, mask_phone
from logistics.errors import InvalidInput, NotFound
from logistics.models import Courier, Hub, Parcel, ParcelEvent, Station
from logistics.services.network import current_hub, station_by_code
from logistics.services.parcel_events import find_parcel

PARCELS = Parcel.__table__
EVENTS = ParcelEvent.__table__

DEFAULT_RETENTION_DAYS = 7


# ------------------------------------------------------------------ what rows are checked against


@dataclass
class Network:
    """The hub, its stations and its active couriers, read once per import or register."""

    hub: Hub
    stations: dict[str, Station]
    couriers: dict[str, Courier]
    rules: RowRules

    @property
    def tz(self):
        return zone(self.hub.timezone)


def load_network(session: Session) -> Network:
    hub = current_hub(session)
    stations = {s.code: s for s in session.scalars(select(Station).order_by(Station.code))}
    couriers = {
        c.code: c
        for c in session.scalars(select(Courier).where(Courier.active).order_by(Courier.code))
    }
    villages: dict[str, str] = {}
    for station in stations.values():
        if not station.active:
            continue
        for name in (station.name, station.village):
            if name:
                villages.setdefault(name, station.code)
    rules = RowRules(
        stations={code for code, s in stations.items() if s.active},
        villages=villages,
        patterns={code: c.tracking_pattern for code, c in couriers.items()},
    )
    return Network(hub, stations, couriers, rules)


# ------------------------------------------------------------------ creating parcels


def _lock_day(session: Session, day: date) -> None:
    """On PostgreSQL, serialise id allocation for one day until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": 730_000_000 + day.toordinal()}
        )


def allocate_parcel_nos(session: Session, day: date, count: int) -> list[str]:
    """The next ``count`` hub parcel ids of ``day``; call inside the write transaction."""
    if count <= 0:
        return []
    _lock_day(session, day)
    prefix = parcel_no_prefix(day)
    last = session.execute(
        select(func.max(Parcel.parcel_no)).where(
            Parcel.registered_on == day, Parcel.parcel_no.like(prefix + "%")
        )
    ).scalar()
    start = parse_parcel_no(last).seq + 1 if last else 1
    format_parcel_no(day, start + count - 1)  # refuses a day past 99,999 parcels
    return [f"{prefix}{seq:05d}" for seq in range(start, start + count)]


# The parcel columns an insert fills; the others (held_from, round_id, manifest_id,
# chargeable_g, fee_fen) start NULL, so they are not bound at all.
_INSERT_COLUMNS = (
    "parcel_no",
    "tracking_no",
    "order_ref",
    "direction",
    "station_id",
    "sender_name",
    "sender_phone",
    "recipient_name",
    "recipient_phone",
    "province_code",
    "city",
    "address",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "category",
    "courier_id",
    "courier_fixed",
    "status",
)
# ... and the ones with the same value for every parcel of an insert, written into the
# statement as literals rather than bound once per row.
_INSERT_CONSTANTS = ("registered_at", "registered_on", "status_at")

# sqlite3 looks for an adapter of every None it binds through two failed attribute
# lookups (an AttributeError built and dropped each time: most of the cost of binding a
# NULL). An adapter registered for None (returning None) skips that, for every SQLite
# connection of the process; what is stored does not change.
sqlite3.register_adapter(type(None), {}.get)


def _bind_value(dialect, column, value):
    """``value`` as the DBAPI driver takes it for ``column`` (e.g. a datetime as SQLite's text)."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def _sql_literal(dialect, column, value) -> str:
    """``value`` as an SQL literal of ``column``'s type, quoted the dialect's way."""
    return str(
        literal(value, column.type).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    )


def _marks(dialect, count: int) -> str:
    mark = "?" if dialect.paramstyle in ("qmark", "numeric") else "%s"
    return ", ".join([mark] * count)


def insert_parcels(
    session: Session,
    network: Network,
    specs: Sequence[ParcelSpec],
    *,
    operator: str,
    note: str | None = None,
    at: datetime | None = None,
) -> list[str]:
    """Insert checked parcels and their first events; returns their hub parcel ids.

    Does not commit. Outbound parcels start ``registered`` at their station, inbound
    ones ``arrived_hub`` at the hub, sorted to their station. The parcels go in with one
    DBAPI executemany of plain tuples inside the session's transaction, their first
    events with one INSERT ... SELECT of the parcels just inserted, so a big import
    spends its time in the database, not in Python.
    """
    if not specs:
        return []
    moment = at or utcnow()
    day = to_local(moment, network.tz).date()
    numbers = allocate_parcel_nos(session, day, len(specs))
    connection = session.connection()
    dialect = connection.dialect
    columns = PARCELS.c
    station_ids = {code: s.id for code, s in network.stations.items()}
    courier_ids = {code: c.id for code, c in network.couriers.items()}
    fixed = _bind_value(dialect, columns.courier_fixed, True)
    loose = _bind_value(dialect, columns.courier_fixed, False)
    first_status = {
        parcel_rows.OUTBOUND: Status.REGISTERED.value,
        parcel_rows.INBOUND: Status.ARRIVED_HUB.value,
    }
    rows = [
        (
            parcel_no,
            tracking_no,
            order_ref,
            direction,
            station_ids[station_code],
            sender_name,
            sender_phone,
            recipient_name,
            recipient_phone,
            province_code,
            city,
            address,
            weight_g,
            length_cm,
            width_cm,
            height_cm,
            category,
            courier_ids[courier_code] if courier_code is not None else None,
            fixed if courier_code is not None else loose,
            first_status[direction],
        )
        for parcel_no, (
            direction,
            station_code,
            weight_g,
            order_ref,
            sender_name,
            sender_phone,
            recipient_name,
            recipient_phone,
            province_code,
            city,
            address,
            length_cm,
            width_cm,
            height_cm,
            category,
            courier_code,
            tracking_no,
        ) in zip(numbers, specs, strict=True)
    ]
    constants = {
        "registered_at": _sql_literal(dialect, columns.registered_at, moment),
        "registered_on": _sql_literal(dialect, columns.registered_on, day),
        "status_at": _sql_literal(dialect, columns.status_at, moment),
    }
    connection.exec_driver_sql(
        f"INSERT INTO {PARCELS.name} ({', '.join(_INSERT_COLUMNS + _INSERT_CONSTANTS)}) "
        f"VALUES ({_marks(dialect, len(_INSERT_COLUMNS))}, "
        f"{', '.join(constants[name] for name in _INSERT_CONSTANTS)})",
        rows,
    )
    del rows
    # Their first events, from the rows just inserted: the hub parcel ids from the first
    # to the last number are exactly these parcels (allocated under the day's lock), and
    # reading them in that order along the parcel_no index needs no sort.
    inbound = columns.direction == parcel_rows.INBOUND
    stations = Station.__table__
    first_events = (
        select(
            columns.id,
            literal(moment, DateTime()),
            case((inbound, Action.ARRIVE_INBOUND.value), else_="register"),
            columns.status,
            case((inbound, literal(network.hub.code, String())), else_=stations.c.code),
            literal(operator, String()),
            literal(note, String()),
        )
        .join(stations, stations.c.id == columns.station_id)
        .where(columns.parcel_no.between(numbers[0], numbers[-1]))
        .order_by(columns.parcel_no)
    )
    connection.execute(
        insert(EVENTS).from_select(
            ["parcel_id", "at", "action", "to_status", "place", "operator", "note"], first_events
        )
    )
    return numbers


def register_parcel(
    session: Session,
    values: dict[str, Any],
    *,
    operator: str,
    direction: str = parcel_rows.OUTBOUND,
) -> Parcel:
    """Register one parcel from typed values (the import row's fields); commits.

    Refuses a tracking number or order reference already registered.
    """
    network = load_network(session)
    spec = parcel_rows.parse_row(values, network.rules, direction=direction)
    _refuse_known(session, spec)
    (parcel_no,) = insert_parcels(session, network, [spec], operator=operator)
    session.commit()
    return session.scalars(select(Parcel).where(Parcel.parcel_no == parcel_no)).one()


def _refuse_known(session: Session, spec: ParcelSpec) -> None:
    for fld, value in (("tracking_no", spec.tracking_no), ("order_ref", spec.order_ref)):
        if not value:
            continue
        column = getattr(Parcel, fld)
        known = session.scalars(select(Parcel.parcel_no).where(column == value)).first()
        if known is not None:
            raise InvalidInput(
                f"{fld} '{value}' is already registered as parcel {known}: "
                "expected a new one (`hub parcel show` shows the parcel)."
            )


# ------------------------------------------------------------------ looking at parcels


def _local(moment: datetime | None, tz) -> str | None:
    if moment is None:
        return None
    return to_local(moment, tz).strftime("%Y-%m-%d %H:%M")


def _row(parcel: Parcel, station: str, courier: str | None, tz) -> dict[str, Any]:
    return {
        "parcel_no": parcel.parcel_no,
        "tracking_no": parcel.tracking_no,
        "order_ref": parcel.order_ref,
        "direction": parcel.direction,
        "station": station,
        "status": parcel.status,
        "courier": courier,
        "courier_fixed": parcel.courier_fixed,
        "recipient": mask_name(parcel.recipient_name),
        "recipient_phone": mask_phone(parcel.recipient_phone),
        "province": parcel.province_code,
        "city": parcel.city,
        "weight_g": parcel.weight_g,
        "weight_kg": parcel.weight_g / 1000,
        "category": parcel.category,
        "registered": _local(parcel.registered_at, tz),
        "status_at": _local(parcel.status_at, tz),
    }


def _check_choice(value: str | None, allowed: Iterable[str], fld: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower().replace("-", "_")
    allowed = list(allowed)
    if value not in allowed:
        raise InvalidInput(f"{fld} '{value}' is not known: expected one of {', '.join(allowed)}.")
    return value


def list_parcels(
    session: Session,
    *,
    station: str | None = None,
    status: str | None = None,
    courier: str | None = None,
    direction: str | None = None,
    day: date | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 1000,
) -> list[dict[str, Any]]:
    """Parcels (newest first) filtered by station, status, courier, direction and the
    hub-local day of registration (``day``, or ``since``..``until`` inclusive)."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    states = dict.fromkeys(s.value for s in (*OUTBOUND_STATES, *INBOUND_STATES))
    query = (
        select(Parcel, Station.code, Courier.code)
        .join(Station, Station.id == Parcel.station_id)
        .outerjoin(Courier, Courier.id == Parcel.courier_id)
    )
    if station:
        query = query.where(Parcel.station_id == station_by_code(session, station).id)
    if (status := _check_choice(status, states, "status")) is not None:
        query = query.where(Parcel.status == status)
    if (direction := _check_choice(direction, ("outbound", "inbound"), "direction")) is not None:
        query = query.where(Parcel.direction == direction)
    if courier:
        if courier.strip().lower() in ("none", "-", "unassigned"):
            query = query.where(Parcel.courier_id.is_(None))
        else:
            from logistics.services.network import courier_by_code

            query = query.where(Parcel.courier_id == courier_by_code(session, courier).id)
    if day is not None:
        query = query.where(Parcel.registered_on == day)
    if since is not None:
        query = query.where(Parcel.registered_on >= since)
    if until is not None:
        query = query.where(Parcel.registered_on <= until)
    query = query.order_by(Parcel.registered_on.desc(), Parcel.parcel_no.desc())
    if limit:
        query = query.limit(limit)
    return [_row(p, s, c, tz) for p, s, c in session.execute(query).all()]


def get_parcel(session: Session, code: str) -> Parcel:
    """The parcel a hub id or tracking number names (NotFound otherwise)."""
    return find_parcel(session, code)


def show_parcel(session: Session, code: str) -> dict[str, Any]:
    """One parcel (names, phones and address masked) with its timeline, oldest first."""
    parcel = find_parcel(session, code)
    hub = current_hub(session)
    tz = zone(hub.timezone)
    station = session.get(Station, parcel.station_id)
    courier = session.get(Courier, parcel.courier_id) if parcel.courier_id else None
    record = _row(parcel, station.code if station else "", courier.code if courier else None, tz)
    record.update(
        {
            "station_name": station.name if station else None,
            "sender": mask_name(parcel.sender_name),
            "sender_phone": mask_phone(parcel.sender_phone),
            "address": mask_address(parcel.address),
            "size_cm": _size(parcel),
            "held_from": parcel.held_from,
            "round_id": parcel.round_id,
            "manifest_id": parcel.manifest_id,
            "fee_fen": parcel.fee_fen,
        }
    )
    events = session.scalars(
        select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id).order_by(ParcelEvent.id)
    ).all()
    record["timeline"] = [
        {
            "at": _local(e.at, tz),
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "place": e.place,
            "operator": e.operator,
            "note": e.note,
        }
        for e in events
    ]
    return record


def _size(parcel: Parcel) -> str | None:
    sides = (parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if any(s is None for s in sides):
        return None
    return " x ".join(f"{s:g}" for s in sides)


def overdue_parcels(
    session: Session, *, station: str | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Inbound parcels waiting at a station longer than its retention period.

    The retention period is the station's own (``retention_days``), else the hub's,
    else 7 days; days are counted from the at-station scan. Oldest first.
    """
    hub = current_hub(session)
    tz = zone(hub.timezone)
    now = now or utcnow()
    default_days = hub.retention_days or DEFAULT_RETENTION_DAYS
    query = (
        select(Parcel, Station)
        .join(Station, Station.id == Parcel.station_id)
        .where(Parcel.direction == "inbound", Parcel.status == Status.AT_STATION.value)
    )
    if station:
        query = query.where(Parcel.station_id == station_by_code(session, station).id)
    # no parcel waits less than the shortest retention of any station and be overdue
    shortest = min(
        [
            default_days,
            *session.scalars(
                select(Station.retention_days).where(Station.retention_days.is_not(None))
            ),
        ]
    )
    query = query.where(Parcel.status_at <= now - timedelta(days=shortest))
    rows = []
    for parcel, st in session.execute(query.order_by(Parcel.status_at, Parcel.id)).all():
        days = st.retention_days or default_days
        waited = now - parcel.status_at
        if waited < timedelta(days=days):
            continue
        rows.append(
            {
                "parcel_no": parcel.parcel_no,
                "tracking_no": parcel.tracking_no,
                "station": st.code,
                "station_name": st.name,
                "recipient": mask_name(parcel.recipient_name),
                "recipient_phone": mask_phone(parcel.recipient_phone),
                "at_station_since": _local(parcel.status_at, tz),
                "days_waiting": waited.days,
                "retention_days": days,
            }
        )
    return rows


def parcels_of_day(session: Session, day: date | None = None) -> list[Parcel]:
    """Every parcel registered on the hub-local ``day`` (default today), by hub id."""
    hub = current_hub(session)
    day = day or local_today(zone(hub.timezone))
    return list(
        session.scalars(
            select(Parcel).where(Parcel.registered_on == day).order_by(Parcel.parcel_no)
        )
    )


def find_parcels(session: Session, codes: Iterable[str]) -> list[Parcel]:
    """The parcels the codes name (hub ids or tracking numbers), in the codes' order;
    NotFound names the first code that names none."""
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    if not wanted:
        return []
    found: dict[str, Parcel] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for parcel in session.scalars(
            select(Parcel).where(or_(Parcel.parcel_no.in_(chunk), Parcel.tracking_no.in_(chunk)))
        ):
            found[parcel.parcel_no] = parcel
            if parcel.tracking_no:
                found[parcel.tracking_no] = parcel
    missing = next((c for c in wanted if c not in found), None)
    if missing is not None:
        raise NotFound(f"No parcel has the hub id or tracking number '{missing}'.")
    return [found[c] for c in wanted]
