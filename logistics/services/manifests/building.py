"""Building and closing manifests.

* **build** puts the parcels at the hub (``at_hub``) that are assigned to a courier and
  on no manifest onto that courier's *open* manifest of the day and cut-off, creating
  it when there is none; a later build adds the parcels that arrived since. Parcels on
  an open manifest stay ``at_hub``; one that was held, cancelled or given to another
  courier meanwhile leaves the open manifest at the next build or at close.
* **close** locks the manifest: in one transaction every parcel on it becomes
  ``manifested`` (a ``manifest`` event each); nothing is added or removed afterwards.

A Double 11 day puts thousands of parcels on one manifest, so both write in bulk: the
parcels are read as bare rows (no ORM objects), each step is still checked parcel by
parcel by the status machine, and the rows are changed by one UPDATE of a set of ids
and their events written by one INSERT ... SELECT, per chunk of ids (the statements are
Core, so they name the hub themselves). ``progress(done, total)`` is called after each
chunk, in parcels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import DateTime, String, bindparam, insert, literal, update
from sqlmodel import Session, select

from logistics.domain import manifest_status, parcel_status
from logistics.domain.clock import Day, parse_day, utcnow, zone
from logistics.domain.manifest_status import ManifestAction, ManifestStatus
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.domain.units import kg
from logistics.errors import RuleBroken
from logistics.i18n import _
from logistics.models import Courier, Manifest, Parcel, ParcelEvent, scope
from logistics.services.locks import one_at_a_time
from logistics.services.manifests.lookup import (
    count_and_grams,
    drop_strays,
    get_manifest,
    manifest_no_for,
)
from logistics.services.network import courier_by_code, current_hub

Progress = Callable[[int, int], None]
"""``progress(parcels_done, parcels_in_all)``."""

_PARCELS = Parcel.__table__
_EVENTS = ParcelEvent.__table__
# ids per statement: under SQLite's and PostgreSQL's limits of bound values, and small
# enough that a progress bar moves on a peak day's manifest
_CHUNK = 2000
_IDS = bindparam("ids", expanding=True)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _expire(session: Session, ids: set[int]) -> None:
    """Bulk statements bypass the identity map: reload the caller's objects of these parcels."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Parcel) and obj.id in ids:
            session.expire(obj)


def _hub(session: Session) -> int:
    return scope.hub_id_of(session) or current_hub(session).id


@dataclass(frozen=True)
class BuiltManifest:
    manifest_no: str
    courier_code: str
    courier_name: str
    cutoff: str
    created: bool
    added: int
    removed: int
    parcels: int
    weight_g: int

    @property
    def weight_kg(self) -> Decimal:
        return kg(self.weight_g)


@dataclass(frozen=True)
class BuildResult:
    service_date: date
    manifests: list[BuiltManifest]
    still_open: list[str] = field(default_factory=list)
    """Open manifests of earlier days (close or hand them over)."""

    @property
    def added(self) -> int:
        return sum(m.added for m in self.manifests)


@one_at_a_time
def build_manifests(
    session: Session,
    *,
    courier: str | None = None,
    day: str | Day | date | None = None,
    operator: str,
    progress: Progress | None = None,
) -> BuildResult:
    """Put the waiting parcels at the hub on their courier's open manifest of ``day``
    (default the hub's today) and cut-off, creating it when needed; commits once.

    ``courier`` limits the build to one courier (code). Couriers with nothing waiting
    and no open manifest get none; an open manifest is reported even when nothing new
    was added. ``progress(parcels_put_on, parcels_waiting)`` follows the build.
    """
    service_date = parse_day(day, zone(current_hub(session).timezone))
    if courier:
        chosen = [courier_by_code(session, courier)]
    else:
        chosen = list(session.exec(select(Courier).order_by(Courier.code)))
    now = utcnow()
    waiting = [(item, _waiting(session, item)) for item in chosen]
    ticker = _Ticker(progress, sum(len(ids) for _item, ids in waiting))
    built = [
        found
        for item, ids in waiting
        if (found := _build_one(session, item, ids, service_date, now=now, ticker=ticker))
        is not None
    ]
    still_open = list(
        session.exec(
            select(Manifest.manifest_no)
            .where(Manifest.status == ManifestStatus.OPEN, Manifest.service_date < service_date)
            .order_by(Manifest.manifest_no)
        )
    )
    session.commit()
    ticker.finish()
    return BuildResult(service_date, built, still_open)


class _Ticker:
    """Counts parcels done and tells ``progress``, if any."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = total
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n
        if self.progress is not None and n:
            self.progress(self.done, max(self.total, self.done))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))


def _build_one(
    session: Session,
    item: Courier,
    waiting: list[int],
    service_date: date,
    *,
    now: datetime,
    ticker: _Ticker,
) -> BuiltManifest | None:
    manifest = session.exec(
        select(Manifest).where(
            Manifest.courier_id == item.id,
            Manifest.service_date == service_date,
            Manifest.cutoff == item.cutoff,
            Manifest.status == ManifestStatus.OPEN,
        )
    ).first()
    if manifest is None and not waiting:
        return None
    created = manifest is None
    if manifest is None:
        manifest = Manifest(
            manifest_no=_next_number(session, item, service_date),
            courier_id=item.id,
            service_date=service_date,
            cutoff=item.cutoff,
            status=ManifestStatus.OPEN,
            created_at=now,
        )
        session.add(manifest)
        session.flush()
    manifest_status.apply(manifest.status, ManifestAction.BUILD, manifest_no=manifest.manifest_no)
    removed = drop_strays(session, manifest)
    session.flush()
    hub_id = _hub(session)
    connection = session.connection()
    put_on = (
        update(_PARCELS)
        .where(_PARCELS.c.hub_id == hub_id, _PARCELS.c.id.in_(_IDS))
        .values(manifest_id=manifest.id)
    )
    for ids in _chunks(waiting):
        connection.execute(put_on, {"ids": ids})
        ticker.add(len(ids))
    _expire(session, set(waiting))
    count, grams = count_and_grams(session, manifest)
    return BuiltManifest(
        manifest_no=manifest.manifest_no,
        courier_code=item.code,
        courier_name=item.name,
        cutoff=item.cutoff.strftime("%H:%M"),
        created=created,
        added=len(waiting),
        removed=removed,
        parcels=count,
        weight_g=grams,
    )


def _waiting(session: Session, item: Courier) -> list[int]:
    """The courier's outbound parcels at the hub that are on no manifest yet (ids), locked."""
    # Builds, assign and close run one at a time (locks.one_at_a_time). The courier's row
    # is locked against changes too, but FOR NO KEY UPDATE: a parcel given this courier
    # meanwhile (its foreign key's share lock) does not wait for the build, nor it for it.
    session.exec(
        select(Courier.id).where(Courier.id == item.id).with_for_update(key_share=True)
    ).first()
    found = session.connection().execute(_WAITING, {"hub": _hub(session), "courier": item.id})
    return [parcel_id for (parcel_id,) in found]


_WAITING = (
    select(_PARCELS.c.id)
    .where(
        _PARCELS.c.hub_id == bindparam("hub"),
        _PARCELS.c.courier_id == bindparam("courier"),
        _PARCELS.c.status == Status.AT_HUB.value,
        _PARCELS.c.direction == Direction.OUTBOUND.value,
        _PARCELS.c.manifest_id.is_(None),
    )
    .order_by(_PARCELS.c.parcel_no)
    .with_for_update()
)


def _next_number(session: Session, courier: Courier, day: date) -> str:
    prefix = manifest_no_for(courier.code, day, 0)[:-1]
    numbers = session.exec(
        select(Manifest.manifest_no).where(Manifest.manifest_no.like(prefix + "%"))  # type: ignore[attr-defined]
    ).all()
    taken = [int(no[len(prefix) :]) for no in numbers if no[len(prefix) :].isdigit()]
    return manifest_no_for(courier.code, day, max(taken, default=0) + 1)


_ON_MANIFEST = (
    select(
        *(
            _PARCELS.c[name]
            for name in (
                "id",
                "parcel_no",
                "direction",
                "status",
                "held_from",
                "courier_id",
                "chargeable_g",
                "weight_g",
            )
        )
    )
    .where(_PARCELS.c.hub_id == bindparam("hub"), _PARCELS.c.manifest_id == bindparam("manifest"))
    .order_by(_PARCELS.c.parcel_no)
    .with_for_update()
)


def _lock_parcels_on(session: Session, manifest: Manifest) -> tuple[list, list[int]]:
    """Lock every parcel on the open manifest first (by hub parcel id), then take off those
    no longer at the hub for its courier: the rows that stay, and the ids that left.

    Locked before they are sorted, so a parcel held by a scan a moment ago is read as it
    is now and leaves, and one not yet held waits on the manifest until it is closed.
    """
    hub_id = _hub(session)
    connection = session.connection()
    # bare rows, not ORM ones: a peak day's manifest holds thousands
    on_it = connection.execute(_ON_MANIFEST, {"hub": hub_id, "manifest": manifest.id}).all()
    kept, left = [], []
    for row in on_it:
        if row.status == Status.AT_HUB and row.courier_id == manifest.courier_id:
            kept.append(row)
        else:
            left.append(row.id)
    if left:
        take_off = (
            update(_PARCELS)
            .where(_PARCELS.c.hub_id == hub_id, _PARCELS.c.id.in_(_IDS))
            .values(manifest_id=None)
        )
        for ids in _chunks(left):
            connection.execute(take_off, {"ids": ids})
    return kept, left


@dataclass(frozen=True)
class CloseResult:
    manifest_no: str
    parcels: int
    weight_g: int
    removed: int

    @property
    def weight_kg(self) -> Decimal:
        return kg(self.weight_g)


# One step for a set of parcels: their rows, then one event each, copied from the rows
# by the database (the same columns parcel_events.write_step writes for one parcel).


def _event_rows(
    hub_id: int,
    outcome: parcel_status.Outcome,
    *,
    at: datetime,
    place: str,
    operator: str,
    note: str,
):
    text = String()
    return (
        select(
            _PARCELS.c.hub_id,
            _PARCELS.c.id,
            literal(at, DateTime()),
            literal(outcome.action.value, text),
            literal(outcome.previous.value, text),
            literal(outcome.status.value, text),
            literal(place, text),
            literal(operator, text),
            literal(note, text),
        )
        .where(_PARCELS.c.hub_id == hub_id, _PARCELS.c.id.in_(_IDS))
        .order_by(_PARCELS.c.parcel_no)
    )


def _write_steps(
    session: Session,
    rows: Sequence,
    action: Action,
    *,
    operator: str,
    place: str,
    note: str,
    at: datetime,
    ticker: _Ticker,
) -> None:
    """``record_step`` for many parcels read as rows: each step is checked by the status
    machine (a step that does not fit raises RuleBroken naming the parcel), then the
    parcels with the same outcome are written together, chunk by chunk."""
    groups: dict[parcel_status.Outcome, list[int]] = {}
    # parcels in the same state step alike: the machine is asked once per state, and a
    # refusal names the first parcel in that state
    outcomes: dict[tuple, parcel_status.Outcome] = {}
    for row in rows:
        state = (row.direction, row.status, row.held_from)
        outcome = outcomes.get(state)
        if outcome is None:
            outcome = outcomes[state] = parcel_status.apply(
                row.direction, row.status, action, row.held_from, label=row.parcel_no
            )
        if outcome.changed:
            groups.setdefault(outcome, []).append(row.id)
    hub_id = _hub(session)
    connection = session.connection()
    columns = ["hub_id", "parcel_id", "at", "action", "from_status", "to_status", "place"]
    columns += ["operator", "note"]
    for outcome, ids in groups.items():
        values = {"status": outcome.status.value, "status_at": at}
        values["held_from"] = outcome.held_from_stored
        if outcome.leaves_manifest:
            values["manifest_id"] = None
        set_rows = (
            update(_PARCELS)
            .where(_PARCELS.c.hub_id == hub_id, _PARCELS.c.id.in_(_IDS))
            .values(**values)
        )
        add_events = insert(_EVENTS).from_select(
            columns,
            _event_rows(hub_id, outcome, at=at, place=place, operator=operator, note=note),
        )
        for chunk in _chunks(ids):
            connection.execute(set_rows, {"ids": chunk})
            connection.execute(add_events, {"ids": chunk})
            ticker.add(len(chunk))


@one_at_a_time
def close_manifest(
    session: Session, ref: str | int, *, operator: str, progress: Progress | None = None
) -> CloseResult:
    """Lock an open manifest: its parcels become manifested, in one transaction.

    ``progress(parcels_done, parcels_on_it)`` follows the parcels as they are written.
    """
    manifest = get_manifest(session, ref, for_update=True)
    closed = manifest_status.apply(
        manifest.status, ManifestAction.CLOSE, manifest_no=manifest.manifest_no
    )
    parcels, left = _lock_parcels_on(session, manifest)
    if not parcels:
        session.rollback()
        raise RuleBroken(
            _(
                "Manifest {manifest} has no parcels, so it cannot be closed: "
                "`hub manifest build` adds the parcels waiting at the hub."
            ).format(manifest=manifest.manifest_no)
        )
    now = utcnow()
    ticker = _Ticker(progress, len(parcels))
    try:
        _write_steps(
            session,
            parcels,
            Action.MANIFEST,
            operator=operator,
            place=current_hub(session).code,
            note=manifest.manifest_no,
            at=now,
            ticker=ticker,
        )
    except RuleBroken:
        session.rollback()
        raise
    manifest.status = closed
    manifest.closed_at = now
    session.add(manifest)
    session.commit()
    _expire(session, {row.id for row in parcels} | set(left))
    ticker.finish()
    grams = sum(row.weight_g if row.chargeable_g is None else row.chargeable_g for row in parcels)
    return CloseResult(manifest.manifest_no, len(parcels), grams, len(left))
