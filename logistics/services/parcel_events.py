"""The one place a parcel changes state: every step is checked by the status machine and
appended to the parcel's event log in the same transaction, so a parcel's status always
agrees with its last event.

Callers (scans, rounds, assignment, manifests) commit; a step is never half written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, insert, inspect, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from logistics.domain import parcel_status, pickup_codes
from logistics.domain.clock import utcnow
from logistics.domain.parcel_status import Action, Outcome, Status
from logistics.domain.text import visible
from logistics.errors import NotFound, RuleBroken
from logistics.i18n import _
from logistics.models import Parcel, ParcelEvent, Station, scope

_PARCELS = Parcel.__table__
_EVENTS = ParcelEvent.__table__
_STATIONS = Station.__table__

# The two statements of a step, built once (SQLAlchemy caches their compiled form).
_SET_STATUS = (
    update(_PARCELS)
    .where(_PARCELS.c.id == bindparam("parcel"))
    .values(status=bindparam("status"), status_at=bindparam("at"), held_from=bindparam("held"))
)
_SET_STATUS_OFF_MANIFEST = _SET_STATUS.values(manifest_id=None)
_ADD_EVENT = insert(_EVENTS).values(
    hub_id=select(_PARCELS.c.hub_id).where(_PARCELS.c.id == bindparam("parcel")).scalar_subquery(),
    parcel_id=bindparam("parcel"),
    at=bindparam("at"),
    action=bindparam("action"),
    from_status=bindparam("previous"),
    to_status=bindparam("status"),
    place=bindparam("place"),
    operator=bindparam("operator"),
    note=bindparam("note"),
)


def record_step(
    session: Session,
    parcel: Parcel,
    action: Action | str,
    *,
    operator: str,
    place: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Outcome:
    """Apply a step to the parcel and log it; a repeat changes nothing and logs nothing.

    Raises RuleBroken (naming the parcel, its state and what is allowed) when the step
    does not fit. The parcel's row is updated and its event inserted at once, with two
    Core statements in the session's transaction (no unit-of-work flush); ``parcel``
    shows the new state afterwards. The caller commits.
    """
    outcome = parcel_status.apply(
        parcel.direction, parcel.status, action, parcel.held_from, label=parcel.parcel_no
    )
    if not outcome.changed:
        return outcome
    state = inspect(parcel)
    if state.session is not session:
        session.add(parcel)
    if state.pending or state.modified:
        session.flush()  # the parcel's own unsaved changes go first, as before
    moment = write_step(
        session.connection(),
        parcel.id,
        outcome,
        operator=operator,
        place=place,
        note=note,
        at=at,
    )
    # the object agrees with its row without being marked changed (no second UPDATE)
    set_committed_value(parcel, "status", outcome.status.value)
    set_committed_value(parcel, "status_at", moment)
    set_committed_value(parcel, "held_from", outcome.held_from_stored)
    if outcome.leaves_manifest:
        set_committed_value(parcel, "manifest_id", None)
    if gives_pickup_code(outcome):
        set_committed_value(
            parcel, "pickup_code", give_pickup_code(session.connection(), parcel.id)
        )
    return outcome


def write_step(
    connection: Connection,
    parcel_id: int,
    outcome: Outcome,
    *,
    operator: str,
    place: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> datetime:
    """Write a changed outcome of the status machine: the parcel's row and its event, two
    Core statements in the connection's transaction; returns the moment written. The
    caller checked the step (``parcel_status.apply``) on the row as it is now and commits.
    """
    moment = at or utcnow()
    status = outcome.status.value
    connection.execute(
        _SET_STATUS_OFF_MANIFEST if outcome.leaves_manifest else _SET_STATUS,
        {"parcel": parcel_id, "status": status, "at": moment, "held": outcome.held_from_stored},
    )
    connection.execute(
        _ADD_EVENT,
        {
            "parcel": parcel_id,
            "at": moment,
            "action": outcome.action.value,
            "previous": outcome.previous.value,
            "status": status,
            "place": place,
            "operator": operator,
            "note": note,
        },
    )
    return moment


# ------------------------------------------------------------------ pickup codes

_WAITING = (Status.AT_STATION.value, Status.HELD.value)
_LOCK_STATION = (
    select(_STATIONS.c.id).where(_STATIONS.c.id == bindparam("station")).with_for_update()
)
_PARCEL_PLACE = select(_PARCELS.c.station_id, _PARCELS.c.weight_g, _PARCELS.c.pickup_code).where(
    _PARCELS.c.id == bindparam("parcel")
)
_CODES_IN_USE = select(_PARCELS.c.pickup_code).where(
    _PARCELS.c.station_id == bindparam("station"),
    _PARCELS.c.pickup_code.is_not(None),
    _PARCELS.c.status.in_(_WAITING),
)
_LAST_CODE = (
    select(_PARCELS.c.pickup_code)
    .join(_EVENTS, _EVENTS.c.parcel_id == _PARCELS.c.id)
    .where(
        _PARCELS.c.station_id == bindparam("station"),
        _PARCELS.c.pickup_code.is_not(None),
        _EVENTS.c.action == Action.AT_STATION.value,
    )
    .order_by(_EVENTS.c.id.desc())
    .limit(1)
)
_SET_PICKUP_CODE = (
    update(_PARCELS)
    .where(_PARCELS.c.id == bindparam("parcel"))
    .values(pickup_code=bindparam("code"))
)


def gives_pickup_code(outcome: Outcome) -> bool:
    """Whether the step gives the parcel its pickup code: it reached its station."""
    return outcome.changed and outcome.action is Action.AT_STATION


def give_pickup_code(connection: Connection, parcel_id: int) -> str:
    """Give a parcel that has just reached its station its pickup code
    (``logistics.domain.pickup_codes``), in the caller's transaction; returns it.

    The station's row is locked first (PostgreSQL; SQLite's writer holds the database
    already), so two keepers scanning at one station at once never give one number twice.
    """
    station_id, weight_g, current = connection.execute(_PARCEL_PLACE, {"parcel": parcel_id}).one()
    if current:
        return current
    connection.execute(_LOCK_STATION, {"station": station_id})
    in_use = {
        number
        for (code,) in connection.execute(_CODES_IN_USE, {"station": station_id})
        if (number := pickup_codes.number_of(code)) is not None
    }
    last = pickup_codes.number_of(connection.execute(_LAST_CODE, {"station": station_id}).scalar())
    try:
        code = str(pickup_codes.assign(weight_g, in_use, last))
    except ValueError:
        raise RuleBroken(
            _(
                "Every pickup code of the station is in use: hand out or return waiting "
                "parcels first."
            )
        ) from None
    connection.execute(_SET_PICKUP_CODE, {"parcel": parcel_id, "code": code})
    return code


_BY_PICKUP_CODE = (
    select(
        *(
            _PARCELS.c[name]
            for name in ("id", "parcel_no", "direction", "status", "held_from", "station_id")
        )
    )
    .where(
        _PARCELS.c.station_id == bindparam("station"),
        _PARCELS.c.pickup_code == bindparam("code"),
    )
    # a waiting parcel first; else the last one given the code (a repeat scan)
    .order_by(_PARCELS.c.status.in_(_WAITING).desc(), _PARCELS.c.status_at.desc())
    .limit(1)
    .with_for_update()
)


def lock_parcel_by_pickup_code(
    connection: Connection, station_id: int, station_code: str, code: str
) -> ParcelState:
    """The parcel a pickup code names at a station, locked as ``lock_parcel_state`` does:
    the parcel waiting there under that code, else the last one picked up under it."""
    row = connection.execute(_BY_PICKUP_CODE, {"station": station_id, "code": code}).first()
    if row is None:
        raise NotFound(
            _(
                "No parcel has the pickup code {code} at station {station}: check the code, "
                "or `hub parcel pickups --station {station}` lists them."
            ).format(code=code, station=station_code)
        )
    return ParcelState(*row)


def record_note(
    session: Session,
    parcel: Parcel,
    action: str,
    *,
    operator: str,
    note: str | None = None,
    place: str | None = None,
    at: datetime | None = None,
) -> ParcelEvent:
    """Log something that happened without a change of state (assigned, label printed...)."""
    event = ParcelEvent(
        parcel_id=parcel.id,
        at=at or utcnow(),
        action=action,
        from_status=parcel.status,
        to_status=parcel.status,
        place=place,
        operator=operator,
        note=note,
    )
    session.add(event)
    return event


def record_notes(
    session: Session,
    notes: Iterable[tuple[Parcel, str | None]],
    action: str,
    *,
    operator: str,
    at: datetime | None = None,
) -> int:
    """record_note for many parcels in one statement (an assignment run logs thousands)."""
    moment = at or utcnow()
    hub_id = scope.hub_id_of(session) or scope.enter(session)
    rows = [
        {
            "hub_id": hub_id,
            "parcel_id": parcel.id,
            "at": moment,
            "action": action,
            "from_status": parcel.status,
            "to_status": parcel.status,
            "place": None,
            "operator": operator,
            "note": note,
        }
        for parcel, note in notes
    ]
    if rows:
        session.exec(insert(ParcelEvent), params=rows)  # type: ignore[call-overload]
    return len(rows)


_FIND = select(Parcel).where(
    (Parcel.parcel_no == bindparam("code")) | (Parcel.tracking_no == bindparam("code"))
)
# a locked read shows the row as it is now, even if the session had the parcel already
_FIND_FOR_UPDATE = _FIND.with_for_update().execution_options(populate_existing=True)


def find_parcel(session: Session, code: str, *, for_update: bool = False) -> Parcel:
    """The parcel a scanned or typed code names: its hub parcel id or its tracking number.

    With for_update the row is locked until commit (PostgreSQL; a writing SQLite
    session holds the database's write lock already) and read afresh, so two operators
    scanning the same parcel at once queue instead of both writing.
    """
    code = code.strip().upper()
    query = _FIND_FOR_UPDATE if for_update else _FIND
    parcel = session.exec(query, params={"code": code}).first()
    if parcel is None:
        raise _no_parcel(code)
    return parcel


class ParcelState(NamedTuple):
    """What a scan needs of a parcel's row, read without the ORM."""

    id: int
    parcel_no: str
    direction: str
    status: str
    held_from: str | None
    station_id: int


_LOCK_STATE = (
    select(*(_PARCELS.c[name] for name in ParcelState._fields))
    .where(
        _PARCELS.c.hub_id == bindparam("hub"),
        or_(_PARCELS.c.parcel_no == bindparam("code"), _PARCELS.c.tracking_no == bindparam("code")),
    )
    .with_for_update()
)


def lock_parcel_state(
    connection: Connection, code: str, hub_id: int, *, typed: str | None = None
) -> ParcelState:
    """``find_parcel(..., for_update=True)`` on a bare connection, for the scan session's
    thousand scans a second (the ORM's per-row bookkeeping is most of a scan's time).
    ``typed``: the code as scanned, named when no parcel has it."""
    code = code.strip().upper()
    row = connection.execute(_LOCK_STATE, {"code": code, "hub": hub_id}).first()
    if row is None:
        raise _no_parcel(code if typed is None else visible(typed))
    return ParcelState(*row)


def _no_parcel(code: str) -> NotFound:
    return NotFound(
        _(
            "No parcel has the hub id or tracking number '{code}': check the label, "
            "or register the parcel first."
        ).format(code=code)
    )


def timeline(session: Session, parcel_ids: Iterable[int]) -> list[ParcelEvent]:
    ids = list(parcel_ids)
    return list(
        session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.parcel_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(ParcelEvent.parcel_id, ParcelEvent.id)
        )
    )
