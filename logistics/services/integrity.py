"""Is the database consistent? One check an operator (or a test) can run at any time.

:func:`check` reads the whole database and returns a list of problems, one sentence
each (an empty list means all is well). It looks for what a crash, a half-applied
change or a bug could leave behind:

* SQLite only: the file itself (``PRAGMA quick_check``) and dangling references
  (``PRAGMA foreign_key_check``); a damaged file is the one finding (the rest cannot be
  read), and :func:`check_database` reports a file SQLite cannot open at all the same way;
* a parcel with no event, or whose status is not the ``to_status`` of its last event
  (the event log is the truth a parcel's status must agree with);
* an event whose ``from_status`` is not the previous event's ``to_status`` (a step
  lost or doubled between two others), or an event of no parcel;
* a status the parcel's direction does not have; a held parcel that does not know what
  it was held from, or a parcel that is not held but still says so;
* manifests: a manifested parcel that is on no manifest or on one that is not closed,
  a handed-over parcel on a manifest that was not handed over (history generated or
  migrated without manifests is on none, which is fine), a closed manifest
  with a parcel on it that is not manifested, a handed-over manifest with a parcel that
  is not handed over, a closed manifest without its closing time;
* the audit trail: an event recorded before the event ahead of it in the log (ids and
  times disagree), a handover file without its ``personal_export`` record, an audit
  trigger of revision 0010 missing or disabled, and on PostgreSQL, once ``hub db roles``
  made roles, a hub table without row-level security.

Each kind of problem is reported for at most :data:`SHOWN` parcels or manifests, then
counted, so a badly damaged database still gives a short answer.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from logistics import db
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import (
    INBOUND_STATES,
    OUTBOUND_STATES,
    REGISTER_ACTION,
    Action,
    Direction,
    Status,
)
from logistics.i18n import N_, _, is_chinese
from logistics.models import Manifest, ManifestExport, Parcel, ParcelEvent, PersonalExport
from logistics.services import access

SHOWN = 10


def check_database(url: str) -> list[str]:
    """:func:`check` on the database at ``url``; a file too damaged to open is a finding."""
    damage = db.damage(url)
    if damage is not None:
        return [damage]
    with db.session_scope(url, write=False, any_hub=True) as session:
        return check(session)


def check(session: Session) -> list[str]:
    """Every consistency problem found, one sentence each; ``[]`` when there is none.

    Reads only; leaves the session's transaction rolled back.
    """
    problems: list[str] = []
    try:
        if session.get_bind().dialect.name == "sqlite":
            damage = _damage(session)
            if damage:
                return damage  # the rest cannot be read
            problems += _dangling(session)
        problems += _parcels_and_events(session)
        problems += _event_chains(session)
        problems += _states(session)
        problems += _manifests(session)
        problems += _event_times(session)
        problems += _exports_recorded(session)
        problems += access.audit_problems(session.connection())
    finally:
        session.rollback()
    return problems


def _listed(rows: list, total: int, describe, more: str) -> list[str]:
    """A finding per row, at most SHOWN, then ``more`` (an N_ sentence with ``{n}``)."""
    lines = [describe(row) for row in rows[:SHOWN]]
    if total > SHOWN:
        lines.append(_(more).format(n=total - SHOWN))
    return lines


def _state(stored: str | None) -> str:
    """A parcel's state as the finding shows it: the code as stored in English (the
    database's words), the state's name in Chinese; an unknown value reads as itself."""
    if stored is None:
        return _("nothing")
    return Status.label_of(stored) if is_chinese() else stored


def _manifest_state(stored: str | None) -> str:
    if stored is None:
        return _("nothing")
    return ManifestStatus.label_of(stored) if is_chinese() else stored


def _step(action: str) -> str:
    """An event's action: as stored in English, the step's name in Chinese."""
    if not is_chinese():
        return action
    if action == REGISTER_ACTION:
        return _("register")
    try:
        return Action(action).label
    except ValueError:
        return action


def _direction(stored: str) -> str:
    if not is_chinese():
        return stored
    try:
        return Direction(stored).label
    except ValueError:
        return stored


def _damage(session: Session) -> list[str]:
    """The SQLite file's own check (``PRAGMA quick_check``): one sentence when it is damaged."""
    try:
        verdict = [row[0] for row in session.execute(text("PRAGMA quick_check")).all()]
    except DatabaseError as error:
        if not db.is_damaged(error):
            raise
        session.rollback()
        verdict = [str(getattr(error, "orig", error)).strip()]
    if verdict == ["ok"]:
        return []
    return [_("The SQLite file is damaged: {details}.").format(details="; ".join(verdict[:SHOWN]))]


def _dangling(session: Session) -> list[str]:
    dangling = session.execute(text("PRAGMA foreign_key_check")).all()
    return _listed(
        dangling,
        len(dangling),
        lambda row: _("Row {row} of table {table} refers to a missing row of {other}.").format(
            row=row[1], table=row[0], other=row[2]
        ),
        N_("... and {n} more dangling references."),
    )


def _parcels_and_events(session: Session) -> list[str]:
    problems = []
    last = (
        select(ParcelEvent.parcel_id, func.max(ParcelEvent.id).label("last_id"))
        .group_by(ParcelEvent.parcel_id)
        .subquery()
    )
    no_events = select(Parcel.parcel_no).outerjoin(last, last.c.parcel_id == Parcel.id)
    no_events = no_events.where(last.c.last_id.is_(None))
    rows, total = _first_by_parcel_no(session, no_events)
    problems += _listed(
        rows,
        total,
        lambda row: _("Parcel {parcel} has no event: every parcel starts with one.").format(
            parcel=row.parcel_no
        ),
        N_("... and {n} more parcels without events."),
    )

    disagree = (
        select(Parcel.parcel_no, Parcel.status, ParcelEvent.to_status, ParcelEvent.action)
        .join(last, last.c.parcel_id == Parcel.id)
        .join(ParcelEvent, ParcelEvent.id == last.c.last_id)
        .where(Parcel.status != ParcelEvent.to_status)
    )
    rows, total = _first_by_parcel_no(session, disagree)
    problems += _listed(
        rows,
        total,
        lambda row: _(
            "Parcel {parcel} is {state} but its last event ({action}) left it {last}: "
            "the two must agree."
        ).format(
            parcel=row.parcel_no,
            state=_state(row.status),
            action=_step(row.action),
            last=_state(row.to_status),
        ),
        N_("... and {n} more parcels whose status disagrees with their last event."),
    )

    orphans = (
        select(ParcelEvent.id, ParcelEvent.parcel_id)
        .outerjoin(Parcel, Parcel.id == ParcelEvent.parcel_id)
        .where(Parcel.id.is_(None))
        .order_by(ParcelEvent.id)
    )
    rows, total = _first(session, orphans)
    problems += _listed(
        rows,
        total,
        lambda row: _(
            "Event {event} belongs to parcel id {parcel_id}, which does not exist."
        ).format(event=row.id, parcel_id=row.parcel_id),
        N_("... and {n} more events without a parcel."),
    )
    return problems


def _event_chains(session: Session) -> list[str]:
    """Each event starts where the previous one of the same parcel ended."""
    previous = (
        func.lag(ParcelEvent.to_status)
        .over(partition_by=ParcelEvent.parcel_id, order_by=ParcelEvent.id)
        .label("previous")
    )
    ordered = select(
        ParcelEvent.id,
        ParcelEvent.parcel_id,
        ParcelEvent.action,
        ParcelEvent.from_status,
        previous,
    ).subquery()
    broken = (
        select(Parcel.parcel_no, ordered.c.id, ordered.c.action)
        .add_columns(ordered.c.from_status, ordered.c.previous)
        .join(Parcel, Parcel.id == ordered.c.parcel_id)
        .where(ordered.c.from_status.is_distinct_from(ordered.c.previous))
        .order_by(ordered.c.id)
    )
    rows, total = _first(session, broken)
    return _listed(
        rows,
        total,
        lambda row: _(
            "Parcel {parcel}: event {event} ({action}) starts from {start} but the event "
            "before it left the parcel {previous}: a step is missing or doubled."
        ).format(
            parcel=row.parcel_no,
            event=row.id,
            action=_step(row.action),
            start=_state(row.from_status),
            previous=_state(row.previous),
        ),
        N_("... and {n} more broken event chains."),
    )


def _states(session: Session) -> list[str]:
    problems = []
    strange = (
        select(Parcel.parcel_no, Parcel.direction, Parcel.status)
        .where(
            ~(
                and_(Parcel.direction == Direction.OUTBOUND, Parcel.status.in_(OUTBOUND_STATES))
                | and_(Parcel.direction == Direction.INBOUND, Parcel.status.in_(INBOUND_STATES))
            )
        )
        .order_by(Parcel.parcel_no)
    )
    rows, total = _first(session, strange)
    problems += _listed(
        rows,
        total,
        lambda row: _(
            "Parcel {parcel} ({direction}) is '{state}', which is not a state of its direction."
        ).format(parcel=row.parcel_no, direction=_direction(row.direction), state=row.status),
        N_("... and {n} more parcels in unknown states."),
    )
    held = Status.HELD
    held_wrong = (
        select(Parcel.parcel_no, Parcel.status, Parcel.held_from)
        .where(
            ((Parcel.status == held) & Parcel.held_from.is_(None))
            | ((Parcel.status != held) & Parcel.held_from.is_not(None))
        )
        .order_by(Parcel.parcel_no)
    )
    rows, total = _first(session, held_wrong)
    problems += _listed(
        rows,
        total,
        lambda row: (
            _("Parcel {parcel} is held but does not record what it was held from.").format(
                parcel=row.parcel_no
            )
            if row.status == held
            else _("Parcel {parcel} is {state} but still records being held from {held}.").format(
                parcel=row.parcel_no, state=_state(row.status), held=_state(row.held_from)
            )
        ),
        N_("... and {n} more parcels with a wrong held state."),
    )
    return problems


def _manifests(session: Session) -> list[str]:
    problems = []
    manifested, handed_over = Status.MANIFESTED, Status.HANDED_OVER
    opened, closed = ManifestStatus.OPEN, ManifestStatus.CLOSED
    manifest_handed_over = ManifestStatus.HANDED_OVER

    off = (
        select(Parcel.parcel_no, Manifest.manifest_no, Manifest.status.label("manifest_status"))
        .outerjoin(Manifest, Manifest.id == Parcel.manifest_id)
        .where(
            Parcel.direction == Direction.OUTBOUND,
            ((Parcel.status == manifested) & (func.coalesce(Manifest.status, "") != closed))
            | ((Parcel.status == handed_over) & (Manifest.status != manifest_handed_over)),
        )
        .order_by(Parcel.parcel_no)
    )
    rows, total = _first(session, off)
    problems += _listed(
        rows,
        total,
        lambda row: (
            _("Parcel {parcel} is on no manifest although it is manifested or handed over.").format(
                parcel=row.parcel_no
            )
            if row.manifest_no is None
            else _(
                "Parcel {parcel} is manifested or handed over but its manifest {manifest} "
                "is {state}."
            ).format(
                parcel=row.parcel_no,
                manifest=row.manifest_no,
                state=_manifest_state(row.manifest_status),
            )
        ),
        N_("... and {n} more parcels manifested outside a closed manifest."),
    )

    wrong_members = (
        select(Manifest.manifest_no, Manifest.status, Parcel.parcel_no)
        .add_columns(Parcel.status.label("parcel_status"))
        .join(Parcel, Parcel.manifest_id == Manifest.id)
        .where(
            ((Manifest.status == closed) & (Parcel.status != manifested))
            | ((Manifest.status == manifest_handed_over) & (Parcel.status != handed_over))
            | ((Manifest.status == opened) & Parcel.status.in_([manifested, handed_over]))
        )
        .order_by(Manifest.manifest_no, Parcel.parcel_no)
    )
    rows, total = _first(session, wrong_members)
    problems += _listed(
        rows,
        total,
        lambda row: _(
            "Manifest {manifest} is {manifest_state} but its parcel {parcel} is {state}."
        ).format(
            manifest=row.manifest_no,
            manifest_state=_manifest_state(row.status),
            parcel=row.parcel_no,
            state=_state(row.parcel_status),
        ),
        N_("... and {n} more parcels whose state does not fit their manifest."),
    )

    unstamped = (
        select(Manifest.manifest_no, Manifest.status)
        .where(
            ((Manifest.status != opened) & Manifest.closed_at.is_(None))
            | ((Manifest.status == manifest_handed_over) & Manifest.handed_over_at.is_(None))
            | Manifest.status.not_in(list(ManifestStatus))
        )
        .order_by(Manifest.manifest_no)
    )
    rows, total = _first(session, unstamped)
    problems += _listed(
        rows,
        total,
        lambda row: _(
            "Manifest {manifest} is '{state}' without the time it was closed or handed over, "
            "or in a state manifests do not have."
        ).format(manifest=row.manifest_no, state=_manifest_state(row.status)),
        N_("... and {n} more manifests with a wrong state."),
    )
    return problems


def _first_by_parcel_no(session: Session, query) -> tuple[list, int]:
    """The findings of ``query`` (a healthy hub has none), the first by parcel id, and
    how many there are. Sorted here rather than by ``ORDER BY ... LIMIT``: PostgreSQL
    then walks the parcel ids one by one into the grouped events (a nested loop that ran
    for minutes on 172,000 parcels), where without them it joins by hashing in a second."""
    rows = session.execute(query).all()
    return sorted(rows, key=lambda row: row.parcel_no)[: SHOWN + 1], len(rows)


def _first(session: Session, query) -> tuple[list, int]:
    """The first findings of ``query`` (one more than are shown, so ``_listed`` can say
    how many more) and how many there are, counted only when there are more."""
    rows = session.execute(query.limit(SHOWN + 1)).all()
    return rows, _count(session, query) if len(rows) > SHOWN else len(rows)


def _count(session: Session, query) -> int:
    return session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()


def _event_times(session: Session) -> list[str]:
    """Each parcel's events are numbered in the order they happened."""
    earlier = func.lag(ParcelEvent.at).over(
        partition_by=ParcelEvent.parcel_id, order_by=ParcelEvent.id
    )
    ordered = select(
        ParcelEvent.id, ParcelEvent.parcel_id, ParcelEvent.at, earlier.label("earlier")
    ).subquery()
    backwards = (
        select(Parcel.parcel_no, ordered.c.id)
        .join(Parcel, Parcel.id == ordered.c.parcel_id)
        .where(ordered.c.at < ordered.c.earlier)
        .order_by(ordered.c.id)
    )
    rows, total = _first(session, backwards)
    return _listed(
        rows,
        total,
        lambda row: _(
            "Parcel {parcel}: event {event} is dated before the event logged ahead of it: "
            "the log was written out of order or changed."
        ).format(parcel=row.parcel_no, event=row.id),
        N_("... and {n} more events dated before the one ahead of them."),
    )


def _exports_recorded(session: Session) -> list[str]:
    """Every handover file written has its record among the exports of personal data."""
    recorded = (
        select(PersonalExport.id)
        .where(
            PersonalExport.hub_id == ManifestExport.hub_id,
            PersonalExport.kind == access.HANDOVER_EXPORT,
            PersonalExport.file_name == ManifestExport.file_name,
            PersonalExport.at == ManifestExport.at,
        )
        .exists()
    )
    missing = (
        select(Manifest.manifest_no, ManifestExport.file_name, ManifestExport.id)
        .join(Manifest, Manifest.id == ManifestExport.manifest_id)
        .where(~recorded)
        .order_by(ManifestExport.id)
    )
    rows, total = _first(session, missing)
    return _listed(
        rows,
        total,
        lambda row: _(
            "The handover file {file} of manifest {manifest} is not in the record of "
            "personal data exports."
        ).format(file=row.file_name, manifest=row.manifest_no),
        N_("... and {n} more handover files missing from the record of exports."),
    )
