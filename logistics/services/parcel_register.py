"""Creating parcels: the hub parcel ids of a day, one parcel registered by hand, and the
one insert every new parcel goes through.

Bulk import (:mod:`logistics.services.parcel_import`) and an inbound arrival scan
(:mod:`logistics.services.scanning`) create parcels through :func:`insert_parcels`
too, so a parcel registered by hand, imported from a file or created by a scan looks
the same: a hub parcel id of the hub's local day, and a first event (``register``, or
``arrive-inbound`` for an inbound parcel) in its log.

Hub parcel ids (``P20261123-00042``) number each hub-local day's parcels from 1. The
next number is taken inside the write transaction: SQLite's writing sessions hold the
write lock from their first statement (BEGIN IMMEDIATE), and on PostgreSQL a
transaction-level advisory lock per day serialises the few milliseconds between
reading the day's highest id and inserting, so concurrent registrations never clash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlmodel import Session

from logistics.domain import parcel_rows
from logistics.domain.clock import to_local, utcnow, zone
from logistics.domain.parcel_ids import (
    check_room,
    parcel_no_prefix,
    parse_parcel_no,
)
from logistics.domain.parcel_rows import ParcelSpec, RowRules
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.models import Courier, Hub, Parcel, ParcelEvent, Station
from logistics.services.network import current_hub

PARCELS = Parcel.__table__
EVENTS = ParcelEvent.__table__


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
        courier_names={code: c.name for code, c in couriers.items()},
    )
    return Network(hub, stations, couriers, rules)


# ------------------------------------------------------------------ creating parcels


#: The class of the advisory locks of id allocation (one per hub and day); the pair of
#: 32-bit keys is a lock space apart from the single 64-bit keys of services/locks.py.
DAY_LOCK_CLASS = 730_000_000


def _lock_day(session: Session, hub_id: int, day: date) -> None:
    """On PostgreSQL, serialise one hub's id allocation for one day until the
    transaction ends (hubs number their parcels apart)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key, :day)"),
            {"key": DAY_LOCK_CLASS + hub_id, "day": day.toordinal()},
        )


def allocate_parcel_nos(session: Session, day: date, count: int) -> list[str]:
    """The next ``count`` hub parcel ids of ``day``; call inside the write transaction."""
    if count <= 0:
        return []
    hub_id = current_hub(session).id
    _lock_day(session, hub_id, day)
    prefix = parcel_no_prefix(day)
    last = session.execute(
        select(func.max(Parcel.parcel_no)).where(
            Parcel.hub_id == hub_id,
            Parcel.registered_on == day,
            Parcel.parcel_no.like(prefix + "%"),
        )
    ).scalar()
    start = parse_parcel_no(last).seq + 1 if last else 1
    check_room(day, start - 1, count)
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
_INSERT_CONSTANTS = ("hub_id", "registered_at", "registered_on", "status_at")

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
    DBAPI executemany of plain tuples inside the session's transaction (on PostgreSQL
    with psycopg, one COPY), their first events with one INSERT ... SELECT of the parcels
    just inserted, so a big import spends its time in the database, not in Python.
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
    # plain str values: sqlite3 binds a str subclass only after a failed adapter lookup
    stored = {direction: direction.value for direction in Direction}
    first_status = {
        Direction.OUTBOUND: Status.REGISTERED.value,
        Direction.INBOUND: Status.ARRIVED_HUB.value,
    }
    rows = [
        (
            parcel_no,
            tracking_no,
            order_ref,
            stored[direction],
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
            _typed,
        ) in zip(numbers, specs, strict=True)
    ]
    hub_id = network.hub.id
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy_parcels(connection, rows, (hub_id, moment, day, moment))
    else:
        constants = {
            "hub_id": str(int(hub_id)),
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
    # Events are never updated (an audit trail): a parcel whose product the list does not
    # know gets its first event with the product as typed in its note, apart.
    typed = {
        number: f"{note}; {PRODUCT_NOTE}{spec.category_typed}"
        if note
        else PRODUCT_NOTE + spec.category_typed
        for number, spec in zip(numbers, specs, strict=True)
        if spec.category_typed
    }
    inbound = columns.direction == Direction.INBOUND
    stations = Station.__table__

    def first_events(note_value):
        return (
            select(
                literal(hub_id, Integer()),
                columns.id,
                literal(moment, DateTime()),
                case((inbound, Action.ARRIVE_INBOUND.value), else_="register"),
                columns.status,
                case((inbound, literal(network.hub.code, String())), else_=stations.c.code),
                literal(operator, String()),
                note_value,
            )
            .join(stations, stations.c.id == columns.station_id)
            .where(columns.hub_id == hub_id)
        )

    event_columns = ["hub_id", "parcel_id", "at", "action", "to_status", "place", "operator"]
    plain = first_events(literal(note, String())).where(
        columns.parcel_no.between(numbers[0], numbers[-1])
    )
    if typed:
        plain = plain.where(columns.parcel_no.notin_(list(typed)))
    connection.execute(
        insert(EVENTS).from_select([*event_columns, "note"], plain.order_by(columns.parcel_no))
    )
    if typed:
        connection.execute(
            insert(EVENTS).from_select(
                [*event_columns, "note"],
                first_events(bindparam("typed_note", type_=String())).where(
                    columns.parcel_no == bindparam("number")
                ),
            ),
            [{"number": number, "typed_note": text_} for number, text_ in typed.items()],
        )
    return numbers


def _copy_parcels(connection, rows: list[tuple], constants: tuple) -> None:
    """Stream the parcels to PostgreSQL with COPY inside the session's transaction: one
    stream for the whole import instead of one bound statement per row (an import of
    99,000 rows measured 24 s against 35 s with executemany; docs/scaling.md)."""
    names = ", ".join(_INSERT_COLUMNS + _INSERT_CONSTANTS)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {PARCELS.name} ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row + constants)
    finally:
        cursor.close()


#: How the first event's note keeps a product the list does not know (the parcel stores
#: ``other``); :func:`typed_product` reads it back.
PRODUCT_NOTE = "product: "


def typed_product(note: str | None) -> str | None:
    """The product as typed, kept in a first event's note by an import or registration."""
    if not note:
        return None
    head, found, typed = note.rpartition(PRODUCT_NOTE)
    return typed if found and (not head or head.endswith("; ")) else None


def register_parcel(
    session: Session,
    values: dict[str, Any],
    *,
    operator: str,
    direction: str | Direction = Direction.OUTBOUND,
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
                _(
                    "{field} '{value}' is already registered as parcel {parcel}: "
                    "expected a new one (`hub parcel show` shows the parcel)."
                ).format(field=parcel_rows.field_label(fld), value=value, parcel=known)
            )
