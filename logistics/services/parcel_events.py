"""The one place a parcel changes state: every step is checked by the status machine and
appended to the parcel's event log in the same transaction, so a parcel's status always
agrees with its last event.

Callers (scans, rounds, assignment, manifests) commit; a step is never half written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from logistics.domain import parcel_status
from logistics.domain.clock import utcnow
from logistics.domain.parcel_status import Action, Outcome, Status
from logistics.errors import NotFound
from logistics.models import Parcel, ParcelEvent


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
    does not fit.
    """
    outcome = parcel_status.apply(
        parcel.direction, parcel.status, action, parcel.held_from, label=parcel.parcel_no
    )
    if not outcome.changed:
        return outcome
    moment = at or utcnow()
    session.add(
        ParcelEvent(
            parcel_id=parcel.id,
            at=moment,
            action=outcome.action.value,
            from_status=outcome.previous.value,
            to_status=outcome.status.value,
            place=place,
            operator=operator,
            note=note,
        )
    )
    parcel.status = outcome.status.value
    parcel.status_at = moment
    parcel.held_from = outcome.held_from.value if outcome.status is Status.HELD else None
    if outcome.leaves_manifest:
        parcel.manifest_id = None
    session.add(parcel)
    return outcome


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
    rows = [
        {
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


def find_parcel(session: Session, code: str, *, for_update: bool = False) -> Parcel:
    """The parcel a scanned or typed code names: its hub parcel id or its tracking number.

    With for_update the row is locked until commit (PostgreSQL), so two operators
    scanning the same parcel at once queue instead of both writing.
    """
    code = code.strip().upper()
    query = select(Parcel).where((Parcel.parcel_no == code) | (Parcel.tracking_no == code))
    if for_update:
        query = query.with_for_update()
    parcel = session.exec(query).first()
    if parcel is None:
        raise NotFound(
            f"No parcel has the hub id or tracking number '{code}': check the label, "
            "or register the parcel first."
        )
    return parcel


def timeline(session: Session, parcel_ids: Iterable[int]) -> list[ParcelEvent]:
    ids = list(parcel_ids)
    return list(
        session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.parcel_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(ParcelEvent.parcel_id, ParcelEvent.id)
        )
    )
