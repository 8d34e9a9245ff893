"""Give the day's outbound parcels a courier: the lowest total fee the couriers' promises allow.

This use case loads what the pure solver (:mod:`logistics.domain.assignment`) needs from
the database, asks it to decide, and stores the answer in one commit:

* **Which parcels.** Outbound parcels at the hub (``at_hub``) registered on or before the
  day; with ``include_stations`` also those still waiting at a station (``registered``,
  ``collected``). Parcels already assigned by an earlier run are decided again (a run can
  be repeated until a parcel is on a manifest); oldest first, so under a shortage the
  oldest equally priced parcels are served first. Whose courier may change is one rule,
  :func:`logistics.domain.assignment.courier_lock`, asked by every path (a day run,
  ``parcels=``, ``include_stations``, :func:`explain`): a parcel on a manifest, open or
  closed, keeps its courier and is left out of every run (it counts against its courier's
  capacity) until the operator takes it off the manifest; a parcel whose courier is fixed
  by its tracking number (``courier_fixed``) keeps its courier and uses its capacity.
* **Who waits.** Under a shortage a parcel that has waited goes first: each full day since
  it was registered counts against its fee (see the domain module), and the explanation
  says so.
* **Re-sorting.** A run that changes the courier of a parcel at the hub that already had
  one lists it in ``resorted`` (from which courier's cage to which), so the operator
  moves it physically; a dry run lists what it would move.
* **Remaining capacity.** A courier's ``daily_capacity`` minus the parcels already given
  to it for the hub-local day that this run does not decide again: parcels assigned that
  day (an ``assign`` event), parcels on that day's manifests, and parcels still waiting
  with that courier outside the run (at the hub, or at a station after a run gave them
  the courier).
* **Minimum shares** are fractions of the parcels this run gives a courier (the day's
  volume when the day is assigned in one run, as usual). A run over a few named parcels
  (``parcels=``) leaves minimum shares out: a handful of parcels is not the day's mix.
* **Stored.** ``courier_id``, ``chargeable_g`` and ``fee_fen`` on each parcel; an
  ``assign`` event (courier code, fee, reason) on each parcel whose courier changed, so a
  repeated run that changes nothing logs nothing. Both are written in bulk (see
  :func:`_store`: the event rows are exactly what ``record_note`` writes). A dry run
  stores nothing.
* **Progress.** ``progress(done, total)``: ``total`` is None while the parcels are read
  and decided, then the parcels to store, counted as they are written (a Double 11 day
  stores tens of thousands).
* **Refused.** A named parcel that is on a manifest or handed over, with a sentence.
* **One courier's parcels.** ``courier=`` (a code or a name as people type it: ZTO,
  zto, 中通快递, 中通) lists the parcels the run gives that courier, with the fee and
  why; the run itself is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from logistics.domain import assignment_reasons as reasons
from logistics.domain.assignment import CourierLock, UnassignedReason
from logistics.domain.assignment_reasons import Exclusion, Explanation
from logistics.domain.clock import Day, utcnow
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.units import fen, province_name, yuan
from logistics.errors import RuleBroken
from logistics.i18n import _
from logistics.models import Parcel
from logistics.services.assignment_plan import (
    ASSIGN_EVENT,
    AT_HUB,
    AT_STATIONS,
    Couriers,
    Plan,
    UnassignedLine,
    hub_day,
    load_couriers,
    lock_of,
    manifest_no,
    parcel_dims,
    plan_run,
    refuse_named,
)
from logistics.services.locks import one_at_a_time
from logistics.services.parcel_events import find_parcel, record_notes

Progress = Callable[[int, int | None], None]
"""``progress(done, total)``: ``total`` None while unknown."""

# rows per statement when storing: a progress bar moves on a peak day
_CHUNK = 2000

__all__ = [
    "ASSIGN_EVENT",
    "AssignmentRun",
    "CourierLine",
    "CourierParcelLine",
    "OptionLine",
    "ParcelExplanation",
    "ResortLine",
    "UnassignedLine",
    "assign_day",
    "explain",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CourierLine:
    """One courier's part of the run. Weights in grams, money in fen, shares 0..1."""

    courier: str
    name: str
    parcels: int
    fixed_parcels: int
    earlier: int
    """Parcels given to the courier earlier that day that this run does not decide again."""
    weight_g: int
    chargeable_g: int
    fee_fen: int
    share: Decimal
    min_share: Decimal
    min_parcels: int
    min_share_met: bool
    daily_capacity: int
    capacity_left: int | None


@dataclass(frozen=True)
class CourierParcelLine:
    """A parcel the run gives the courier asked for (``courier=``). Money in fen."""

    parcel_no: str
    province: str | None
    province_label: str
    weight_g: int
    chargeable_g: int
    fee_fen: int | None
    fixed: bool
    changed: bool
    """True when the run changes the parcel's courier to this one."""
    why: str


@dataclass(frozen=True)
class ResortLine:
    """A parcel at the hub whose courier the run changes: move it to the new courier's cage."""

    parcel_no: str
    from_courier: str
    to_courier: str | None
    """None when the run leaves it without a courier (take it out of the old cage)."""

    @property
    def move(self) -> str:
        return reasons.resort_sentence(self.parcel_no, self.from_courier, self.to_courier)


@dataclass(frozen=True)
class AssignmentRun:
    """What a run decided (and, unless ``dry_run``, stored). Money in integer fen."""

    day: date
    dry_run: bool
    include_stations: bool
    parcels: int
    """Parcels in the run (assigned + unassigned)."""
    assigned: int
    changed: int
    """Parcels whose courier changed (an ``assign`` event each, unless a dry run): the
    ``given`` + ``switched`` + ``dropped`` below."""
    couriers: tuple[CourierLine, ...]
    total_fee_fen: int
    baseline_fee_fen: int
    baseline_order: tuple[str, ...]
    saving_fen: int
    unassigned: tuple[UnassignedLine, ...]
    min_shares_not_met: tuple[str, ...]
    warnings: tuple[str, ...]
    groups: int
    courier: str | None = None
    """The courier whose parcels are listed (``courier=``), else None."""
    courier_parcels: tuple[CourierParcelLine, ...] = ()
    resorted: tuple[ResortLine, ...] = ()
    """Parcels at the hub that change from one courier to another (or to none): re-sort
    them physically. Oldest first."""
    given: int = 0
    """Parcels without a courier before that the run gives one."""
    switched: int = 0
    """Parcels that had a courier and get another."""
    dropped: int = 0
    """Parcels that had a courier and are left without one."""

    @property
    def baseline_sentence(self) -> str:
        return reasons.baseline_sentence(self.baseline_order[0] if self.baseline_order else None)

    @property
    def saving_sentence(self) -> str:
        return reasons.saving_sentence(self.saving_fen)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["baseline"] = self.baseline_sentence
        data["saving"] = self.saving_sentence
        for line in data["unassigned"]:
            line["reason_label"] = UnassignedReason.label_of(line["reason"])
        for line, resort in zip(data["resorted"], self.resorted, strict=True):
            line["move"] = resort.move
        return data


@dataclass(frozen=True)
class OptionLine:
    """One courier's fee for the explained parcel and why it got it or not."""

    courier: str
    fee_fen: int | None
    chargeable_g: int
    chosen: bool
    exclusion: str | None
    reason: str


@dataclass(frozen=True)
class ParcelExplanation:
    parcel_no: str
    tracking_no: str | None
    status: str
    province: str | None
    weight_g: int
    courier: str | None
    """The courier a run on ``day`` gives the parcel (for a locked parcel: its courier)."""
    fee_fen: int | None
    fixed: bool
    locked: bool
    """True when the parcel is on a manifest or handed over: its courier can no longer change."""
    waited_days: int
    """Full days since the parcel was registered."""
    priority_fen: int
    """What its waiting counts against its fee when capacity is short (0 when locked/fixed)."""
    ageing: str | None
    """The ageing rule with its numbers, when it mattered for this parcel."""
    stored_courier: str | None
    stored_fee_fen: int | None
    options: tuple[OptionLine, ...]
    """Every courier: the chosen one first, then cheapest first, refusals last."""
    summary: str
    note: str | None
    day: date

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status_label"] = Status.label_of(self.status)
        data["province_label"] = province_name(self.province)
        for option in data["options"]:
            code = option["exclusion"]
            option["exclusion_label"] = Exclusion.label_of(code) if code else None
        return data


# --------------------------------------------------------------- applying, storing


@dataclass
class _Changes:
    """What the run changes on the parcels, and the assign events that say so."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    notes: list[tuple[Any, str]] = field(default_factory=list)
    given: int = 0
    switched: int = 0
    dropped: int = 0
    resorted: dict[str, ResortLine] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.given + self.switched + self.dropped

    def resort(self, parcel: Any, was: str | None, now: str | None) -> None:
        """A parcel at the hub that had a courier moves to another cage (or out of it)."""
        if was is not None and parcel.status == Status.AT_HUB:
            self.resorted[parcel.parcel_no] = ResortLine(parcel.parcel_no, was, now)


def _changes(plan: Plan, *, with_notes: bool) -> _Changes:
    by_no = {p.parcel_no: p for p in plan.parcels}
    id_of = {code: cid for cid, code in plan.couriers.code_of.items()}
    out = _Changes()
    for a in plan.result.assignments:
        parcel = by_no[a.parcel_id]
        courier_id = id_of[a.courier]
        fee_fen = None if a.fee is None else fen(a.fee)
        if parcel.courier_id != courier_id:
            if parcel.courier_id is None:
                out.given += 1
            else:
                out.switched += 1
            was = plan.couriers.code(parcel.courier_id)
            out.resort(parcel, was, a.courier)
            if with_notes:
                out.notes.append((parcel, reasons.assigned_note(plan.result, a, was)))
        stored = (parcel.courier_id, parcel.chargeable_g, parcel.fee_fen)
        if stored != (courier_id, a.chargeable_g, fee_fen):
            out.updates.append(
                {
                    "id": parcel.id,
                    "courier_id": courier_id,
                    "chargeable_g": a.chargeable_g,
                    "fee_fen": fee_fen,
                }
            )
    for line in plan.unassigned:
        parcel = by_no[line.parcel_no]
        if parcel.courier_id is None or lock_of(parcel) is not None:
            continue  # a tracking number's courier is never taken away
        out.dropped += 1
        was = plan.couriers.code(parcel.courier_id)
        out.resort(parcel, was, None)
        out.notes.append((parcel, reasons.unassigned_note(line.detail, was)))
        out.updates.append(
            {"id": parcel.id, "courier_id": None, "chargeable_g": None, "fee_fen": None}
        )
    return out


def _store(
    session: Session,
    changes: _Changes,
    *,
    operator: str,
    at: datetime,
    progress: Progress | None = None,
) -> None:
    """Write the run's couriers and fees and its assign events, then commit once.

    Both go in bulk (executemany, a chunk at a time): 5,000 ORM objects alone would take
    longer than the whole run's 2 s budget. ``progress`` counts the parcels written.
    """
    # every parcel with an event has its row changed too: the rows count the parcels
    updates, notes = changes.updates, changes.notes
    for start in range(0, max(len(updates), len(notes)), _CHUNK):
        chunk = updates[start : start + _CHUNK]
        if chunk:
            session.exec(update(Parcel), params=chunk)  # type: ignore[call-overload]
        record_notes(session, notes[start : start + _CHUNK], ASSIGN_EVENT, operator=operator, at=at)
        if progress is not None:
            progress(min(start + _CHUNK, len(updates)), len(updates))
    session.commit()
    # Bulk statements bypass the identity map: reload any of these parcels the caller holds.
    changed = {row["id"] for row in changes.updates}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Parcel) and obj.id in changed:
            session.expire(obj)


def _courier_parcels(plan: Plan, courier: str) -> tuple[CourierParcelLine, ...]:
    """The parcels the run gives ``courier``, in the run's order (oldest first)."""
    by_no = {p.parcel_no: p for p in plan.parcels}
    courier_id = next(c.id for c in plan.couriers.active if c.code == courier)
    lines = []
    for a in plan.result.assignments:
        if a.courier != courier:
            continue
        parcel = by_no[a.parcel_id]
        lines.append(
            CourierParcelLine(
                parcel_no=a.parcel_id,
                province=parcel.province_code,
                province_label=province_name(parcel.province_code),
                weight_g=parcel.weight_g,
                chargeable_g=a.chargeable_g,
                fee_fen=None if a.fee is None else fen(a.fee),
                fixed=a.fixed,
                changed=parcel.courier_id != courier_id,
                why=reasons.why_won(plan.result, a),
            )
        )
    return tuple(lines)


def _report(
    plan: Plan,
    changes: _Changes,
    *,
    dry_run: bool,
    include_stations: bool,
    courier: str | None = None,
) -> AssignmentRun:
    result = plan.result
    lines = tuple(
        CourierLine(
            courier=s.courier,
            name=s.name,
            parcels=s.parcels,
            fixed_parcels=s.fixed_parcels,
            earlier=plan.earlier.get(c.id, 0),
            weight_g=s.weight_g,
            chargeable_g=s.chargeable_g,
            fee_fen=fen(s.fee),
            share=s.share,
            min_share=s.min_share,
            min_parcels=s.min_parcels,
            min_share_met=s.min_share_met,
            daily_capacity=c.daily_capacity,
            capacity_left=s.capacity_left,
        )
        for c, s in zip(plan.couriers.active, result.couriers, strict=True)
    )
    order = {p.parcel_no: i for i, p in enumerate(plan.parcels)}
    unassigned = sorted(plan.unassigned, key=lambda line: order[line.parcel_no])
    return AssignmentRun(
        day=plan.day,
        dry_run=dry_run,
        include_stations=include_stations,
        parcels=len(plan.parcels),
        assigned=len(result.assignments),
        changed=changes.changed,
        given=changes.given,
        switched=changes.switched,
        dropped=changes.dropped,
        couriers=lines,
        total_fee_fen=fen(result.total_fee),
        baseline_fee_fen=fen(result.baseline_fee),
        baseline_order=result.baseline_order,
        saving_fen=fen(result.saving),
        unassigned=tuple(unassigned),
        min_shares_not_met=result.min_shares_not_met,
        warnings=result.warnings,
        groups=result.groups,
        courier=courier,
        courier_parcels=_courier_parcels(plan, courier) if courier else (),
        resorted=tuple(
            changes.resorted[p.parcel_no] for p in plan.parcels if p.parcel_no in changes.resorted
        ),
    )


# -------------------------------------------------------------------------- use cases


@one_at_a_time
def assign_day(
    session: Session,
    day: date | Day | str | None = None,
    *,
    dry_run: bool = False,
    include_stations: bool = False,
    parcels: Sequence[str] = (),
    operator: str = "hub",
    courier: str | None = None,
    progress: Progress | None = None,
) -> AssignmentRun:
    """Give the day's waiting outbound parcels a courier at the lowest total fee.

    ``day``: a date, an operator's typed ``Day`` (see :func:`logistics.cli.dates.day`),
    or None for the hub's today. ``parcels``: hub parcel ids or tracking numbers to decide
    alone (the rest of the day keeps its couriers); a named parcel on a manifest or
    handed over is refused with :class:`RuleBroken`. With ``dry_run`` nothing is stored.
    ``courier``: list the parcels the run gives this courier (code or name, 中通 -> ZTO);
    a name that fits no active courier is refused with :class:`NotFound` before anything
    is stored. ``progress``: see the module's description.
    """
    if progress is not None:
        progress(0, None)
    plan = plan_run(
        session, day, include_stations=include_stations, named=parcels, for_update=not dry_run
    )
    code = plan.couriers.named(courier) if courier else None
    moment = utcnow()
    changes = _changes(plan, with_notes=not dry_run)
    # listed before storing: the lines compare with the couriers stored until now
    listed = _report(
        plan, changes, dry_run=dry_run, include_stations=include_stations, courier=code
    )
    if not dry_run:
        _store(session, changes, operator=operator, at=moment, progress=progress)
    return listed


def explain(
    session: Session,
    code: str,
    *,
    day: date | Day | str | None = None,
    include_stations: bool = False,
) -> ParcelExplanation:
    """One parcel's fee with every courier and why its courier won (or a cheaper one lost).

    ``code``: hub parcel id or tracking number. The parcel is explained as part of the
    run ``assign_day`` would make on ``day`` (a parcel still at a station brings the
    station parcels into that run). A parcel on a manifest (open or closed) or handed over
    is shown with its courier, which can no longer change (``courier_lock``, the rule the
    runs follow). Nothing is stored.
    """
    parcel = find_parcel(session, code)
    day, _zone = hub_day(session, day)
    couriers = load_couriers(session)
    stored = couriers.code(parcel.courier_id)
    outbound = parcel.direction == Direction.OUTBOUND
    lock = lock_of(parcel) if outbound else None
    if lock is CourierLock.ON_MANIFEST or (
        lock is CourierLock.FINAL and parcel.status == Status.HANDED_OVER
    ):
        return _explain_locked(session, parcel, couriers, day)
    if not outbound or parcel.status not in AT_HUB + AT_STATIONS:
        refuse_named(parcel, couriers, session)
    if parcel.registered_on > day:
        raise RuleBroken(
            _(
                "Parcel {parcel} was registered on {registered}, after "
                "{day}; explain it for {registered} or later."
            ).format(parcel=parcel.parcel_no, registered=parcel.registered_on, day=day)
        )
    include = include_stations or parcel.status in AT_STATIONS
    plan = plan_run(session, day, include_stations=include)
    bad = next((b for b in plan.bad if b.parcel_no == parcel.parcel_no), None)
    if bad is not None:
        raise RuleBroken(bad.detail)
    ex = plan.result.explain(parcel.parcel_no)
    return _explanation(
        parcel, ex, day, stored, locked=False, note=_stored_note(parcel, ex, stored)
    )


def _stored_note(parcel: Parcel, ex: Explanation, stored: str | None) -> str | None:
    """What a run now would change against what is stored, if anything."""
    if ex.courier == stored or (parcel.courier_fixed and ex.courier is None):
        return None
    if stored is None:
        return _("Not stored yet: run `hub assign` to give the parcel this courier.")
    if ex.courier is None:
        return _(
            "Stored courier is {stored} from an earlier run; a run now gives no courier: "
            "run `hub assign` to apply it."
        ).format(stored=stored)
    return _(
        "Stored courier is {stored} from an earlier run; a run now gives {courier}: "
        "run `hub assign` to apply it."
    ).format(stored=stored, courier=ex.courier)


def _explain_locked(
    session: Session, parcel: Parcel, couriers: Couriers, day: date
) -> ParcelExplanation:
    stored = couriers.code(parcel.courier_id)
    state = reasons.locked_state(
        stored,
        handed_over=parcel.status == Status.HANDED_OVER,
        manifest_no=manifest_no(session, parcel),
    )
    ex = reasons.explain_locked(
        list(couriers.terms.values()),
        parcel.parcel_no,
        parcel.province_code,
        parcel.weight_g,
        parcel_dims(parcel),
        courier=stored,
        fee=None if parcel.fee_fen is None else yuan(parcel.fee_fen),
        fixed=parcel.courier_fixed,
        state=state,
    )
    return _explanation(parcel, ex, day, stored, locked=True, note=None)


def _explanation(
    parcel: Parcel,
    ex: Explanation,
    day: date,
    stored: str | None,
    *,
    locked: bool,
    note: str | None,
) -> ParcelExplanation:
    options = tuple(
        OptionLine(
            o.courier,
            None if o.fee is None else fen(o.fee),
            o.chargeable_g,
            o.chosen,
            o.exclusion.value if o.exclusion else None,
            o.reason,
        )
        for o in ex.options
    )
    return ParcelExplanation(
        parcel_no=parcel.parcel_no,
        tracking_no=parcel.tracking_no,
        status=parcel.status,
        province=parcel.province_code,
        weight_g=parcel.weight_g,
        courier=ex.courier,
        fee_fen=None if ex.fee is None else fen(ex.fee),
        fixed=ex.fixed,
        locked=locked,
        waited_days=max(0, (day - parcel.registered_on).days),
        priority_fen=ex.priority_fen,
        ageing=ex.ageing,
        stored_courier=stored,
        stored_fee_fen=parcel.fee_fen,
        options=options,
        summary=ex.summary,
        note=note,
        day=day,
    )
