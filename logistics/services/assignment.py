"""Give the day's outbound parcels a courier: the lowest total fee the couriers' promises allow.

This use case loads what the pure solver (:mod:`logistics.domain.assignment`) needs from
the database, asks it to decide, and stores the answer in one commit:

* **Which parcels.** Outbound parcels at the hub (``at_hub``) registered on or before the
  day; with ``include_stations`` also those still waiting at a station (``registered``,
  ``collected``). Parcels already assigned by an earlier run are decided again (a run can
  be repeated until a parcel is on a manifest); oldest first, so under a shortage the
  oldest equally priced parcels are served first. A parcel whose courier is fixed by its
  tracking number (``courier_fixed``) keeps its courier and uses that courier's capacity.
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
* **Refused.** A named parcel that is on a manifest or handed over, with a sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, select

from logistics.domain.assignment import (
    AssignmentResult,
    CourierDay,
    ParcelToAssign,
    assign_couriers,
)
from logistics.domain.clock import day_bounds_utc, parse_day, utcnow, zone
from logistics.domain.parcel_status import Status
from logistics.domain.tariffs import (
    CourierTerms,
    ProvinceTariff,
    chargeable_weight_g,
    fee_for,
    fen_to_yuan,
    province_code,
    quote,
    yuan_to_fen,
)
from logistics.errors import HubError, RuleBroken
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Manifest,
    Parcel,
    ParcelEvent,
)
from logistics.services.network import current_hub
from logistics.services.parcel_events import find_parcel, record_notes

ASSIGN_EVENT = "assign"
AT_HUB: tuple[str, ...] = (Status.AT_HUB.value,)
AT_STATIONS: tuple[str, ...] = (Status.REGISTERED.value, Status.COLLECTED.value)
LOCKED: tuple[str, ...] = (Status.MANIFESTED.value, Status.HANDED_OVER.value)
OUTBOUND = "outbound"
NO_PROVINCE = "no_province"

BASELINE_SENTENCE = (
    "Baseline: every parcel to the courier that is cheapest on average for the day's mix "
    "({first}; the next cheapest where it cannot go), ignoring capacity and minimum shares."
)


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
class UnassignedLine:
    parcel_no: str
    reason: str
    detail: str


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
    """Parcels whose courier changed (an ``assign`` event each, unless a dry run)."""
    couriers: tuple[CourierLine, ...]
    total_fee_fen: int
    baseline_fee_fen: int
    baseline_order: tuple[str, ...]
    saving_fen: int
    unassigned: tuple[UnassignedLine, ...]
    min_shares_not_met: tuple[str, ...]
    warnings: tuple[str, ...]
    groups: int

    @property
    def baseline_sentence(self) -> str:
        first = self.baseline_order[0] if self.baseline_order else "no courier"
        return BASELINE_SENTENCE.format(first=first)

    @property
    def saving_sentence(self) -> str:
        amount = fen_to_yuan(abs(self.saving_fen))
        if self.saving_fen >= 0:
            return f"Saving against the baseline: {amount} yuan."
        return (
            f"This assignment costs {amount} yuan more than the baseline: that is what the "
            "couriers' capacity and agreed minimum shares cost today."
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["baseline"] = self.baseline_sentence
        data["saving"] = self.saving_sentence
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
    stored_courier: str | None
    stored_fee_fen: int | None
    options: tuple[OptionLine, ...]
    """Every courier: the chosen one first, then cheapest first, refusals last."""
    summary: str
    note: str | None
    day: date

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------- loading


_COLUMNS = (
    Parcel.id,
    Parcel.parcel_no,
    Parcel.province_code,
    Parcel.weight_g,
    Parcel.length_cm,
    Parcel.width_cm,
    Parcel.height_cm,
    Parcel.courier_id,
    Parcel.courier_fixed,
    Parcel.status,
    Parcel.registered_at,
    Parcel.chargeable_g,
    Parcel.fee_fen,
)
"""What a run reads of each parcel (named parcels come as whole Parcel objects)."""


@dataclass
class _Plan:
    day: date
    couriers: list[Courier]
    terms: dict[str, CourierTerms]
    code_of: dict[int, str]
    id_of: dict[str, int]
    parcels: list[Any]
    """Parcel objects or rows of _COLUMNS, oldest first."""
    inputs: dict[str, ParcelToAssign]
    bad: list[UnassignedLine]
    earlier: Counter
    result: AssignmentResult


def _dims(parcel: Parcel) -> tuple[int | Decimal, int | Decimal, int | Decimal] | None:
    """The parcel's (length, width, height) in cm, exact: whole numbers as int (the fast path)."""
    dims = (parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if not all(dims):
        return None
    return tuple(int(d) if float(d).is_integer() else Decimal(str(d)) for d in dims)  # type: ignore[return-value]


def _couriers(session: Session) -> tuple[list[Courier], dict[str, CourierTerms], dict[int, str]]:
    everyone = list(session.exec(select(Courier).order_by(Courier.id)))
    tariffs: dict[int, dict[str, ProvinceTariff]] = {}
    for row in session.exec(select(CourierTariff)):
        tariffs.setdefault(row.courier_id, {})[row.province_code] = ProvinceTariff(
            fen_to_yuan(row.first_kg_fen), fen_to_yuan(row.extra_kg_fen)
        )
    excluded: dict[int, set[str]] = {}
    for row in session.exec(select(CourierExcludedProvince)):
        excluded.setdefault(row.courier_id, set()).add(row.province_code)
    active = [c for c in everyone if c.active]
    terms = {
        c.code: CourierTerms(
            code=c.code,
            name=c.name,
            volumetric_divisor=c.volumetric_divisor,
            weight_step_g=c.weight_step_g,
            max_weight_g=c.max_weight_g,
            excluded_provinces=frozenset(excluded.get(c.id, ())),
            tariffs=tariffs.get(c.id, {}),
        )
        for c in active
    }
    return active, terms, {c.id: c.code for c in everyone}


def _earlier(session: Session, day: date, tz_name: str, run_ids: set[int]) -> Counter:
    """Parcels per courier id already given to it for ``day`` and not decided by this run."""
    start, end = day_bounds_utc(day, zone(tz_name))
    assigned_that_day = select(ParcelEvent.parcel_id).where(
        ParcelEvent.action == ASSIGN_EVENT, ParcelEvent.at >= start, ParcelEvent.at < end
    )
    manifests_that_day = select(Manifest.id).where(Manifest.service_date == day)
    # Waiting with a courier: at the hub, or at a station with a courier given by a run
    # (a tracking number's parcel counts once it reaches the hub).
    waiting = (
        (Parcel.direction == OUTBOUND)
        & (Parcel.registered_on <= day)
        & (
            Parcel.status.in_(AT_HUB)  # type: ignore[attr-defined]
            | (Parcel.status.in_(AT_STATIONS) & ~Parcel.courier_fixed)  # type: ignore[attr-defined]
        )
    )
    rows = session.exec(
        select(Parcel.id, Parcel.courier_id).where(
            Parcel.courier_id.is_not(None),  # type: ignore[union-attr]
            Parcel.status != Status.CANCELLED.value,
            or_(
                Parcel.id.in_(assigned_that_day),  # type: ignore[union-attr]
                Parcel.manifest_id.in_(manifests_that_day),  # type: ignore[union-attr]
                waiting,
            ),
        )
    )
    return Counter(courier_id for parcel_id, courier_id in rows if parcel_id not in run_ids)


def _refuse_named(parcel: Parcel, code_of: dict[int, str], session: Session) -> None:
    """Raise RuleBroken when a parcel named for a run may not be (re)assigned."""
    courier = code_of.get(parcel.courier_id) if parcel.courier_id else None
    if parcel.direction != OUTBOUND:
        raise RuleBroken(
            f"Parcel {parcel.parcel_no} is an inbound parcel; only outbound parcels are "
            "given a courier."
        )
    if parcel.status == Status.HANDED_OVER.value:
        raise RuleBroken(
            f"Parcel {parcel.parcel_no} was already handed over to {courier}; its courier "
            "can no longer change."
        )
    if parcel.status == Status.MANIFESTED.value or parcel.manifest_id is not None:
        manifest = session.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
        where = f"manifest {manifest.manifest_no}" if manifest else "a manifest"
        raise RuleBroken(
            f"Parcel {parcel.parcel_no} is on {where} of {courier} and cannot be re-assigned; "
            "take it off the manifest first."
        )
    if parcel.status not in AT_HUB + AT_STATIONS:
        label = Status.label_of(parcel.status)
        raise RuleBroken(
            f"Parcel {parcel.parcel_no} is {label}; only parcels waiting at a station or at "
            "the hub are given a courier."
        )


def _plan(
    session: Session,
    day: date | str | None,
    *,
    include_stations: bool,
    named: Sequence[str] = (),
    for_update: bool = False,
) -> _Plan:
    hub = current_hub(session)
    if not isinstance(day, date):
        day = parse_day(day, zone(hub.timezone))
    couriers, terms, code_of = _couriers(session)
    id_of = {code: cid for cid, code in code_of.items()}

    if named:
        parcels = []
        seen = set()
        for code in named:
            parcel = find_parcel(session, code, for_update=for_update)
            _refuse_named(parcel, code_of, session)
            if parcel.id not in seen:
                seen.add(parcel.id)
                parcels.append(parcel)
        parcels.sort(key=lambda p: (p.registered_at, p.id))
    else:
        statuses = AT_HUB + AT_STATIONS if include_stations else AT_HUB
        query = (
            select(*_COLUMNS)
            .where(
                Parcel.direction == OUTBOUND,
                Parcel.status.in_(statuses),  # type: ignore[attr-defined]
                Parcel.registered_on <= day,
            )
            .order_by(Parcel.registered_at, Parcel.id)
        )
        if for_update:
            query = query.with_for_update()
        parcels = list(session.exec(query))  # rows: 5,000 ORM objects would cost a second

    earlier = _earlier(session, day, hub.timezone, {p.id for p in parcels})
    days = [
        CourierDay(
            terms[c.code],
            remaining_capacity=max(0, c.daily_capacity - earlier.get(c.id, 0)),
            min_share=0 if named else Decimal(str(c.min_share)),
        )
        for c in couriers
    ]
    inputs: list[ParcelToAssign] = []
    bad: list[UnassignedLine] = []
    for p in parcels:
        if not p.province_code:
            bad.append(
                UnassignedLine(
                    p.parcel_no,
                    NO_PROVINCE,
                    f"Parcel {p.parcel_no} has no destination province; set it before "
                    "assigning a courier.",
                )
            )
            continue
        try:
            province = province_code(p.province_code)
        except HubError:
            bad.append(
                UnassignedLine(
                    p.parcel_no,
                    NO_PROVINCE,
                    f"Parcel {p.parcel_no} has destination province '{p.province_code}', "
                    "expected a two-digit GB/T 2260 code such as 44.",
                )
            )
            continue
        fixed = code_of.get(p.courier_id) if p.courier_fixed and p.courier_id else None
        inputs.append(ParcelToAssign(p.parcel_no, province, p.weight_g, _dims(p), fixed))
    result = assign_couriers(inputs, days)
    return _Plan(
        day,
        couriers,
        terms,
        code_of,
        id_of,
        parcels,
        {item.id: item for item in inputs},
        bad,
        earlier,
        result,
    )


# ------------------------------------------------------------------------- reasons


class _Reasons:
    """Short reasons for the event note of each assigned parcel, without a full explain().

    Quotes are cached by chargeable weight, so thousands of parcels cost a few hundred
    tariff look-ups (explain() would quote every courier for every parcel).
    """

    def __init__(self, plan: _Plan):
        self.terms = [plan.terms[c.code] for c in plan.couriers]
        self.summaries = {s.courier: s for s in plan.result.couriers}
        self.full = {
            code
            for code, s in self.summaries.items()
            if s.capacity_left is not None and s.capacity_left <= 0
        }
        self._charge: dict[tuple, int] = {}
        self._fee: dict[tuple[int, str, int], Decimal | None] = {}

    def fees(self, item: ParcelToAssign) -> list[tuple[str, Decimal]]:
        """(courier, fee) for every courier that takes the parcel."""
        fees = []
        for index, t in enumerate(self.terms):
            if t.max_weight_g is not None and item.weight_g > t.max_weight_g:
                continue
            key = (item.weight_g, item.dims_cm, t.volumetric_divisor, t.weight_step_g)
            charge = self._charge.get(key)
            if charge is None:
                charge = self._charge[key] = chargeable_weight_g(*key)
            fkey = (index, item.province, charge)
            if fkey not in self._fee:
                tariff = t.tariff_for(item.province)  # None: excluded or not served
                self._fee[fkey] = None if tariff is None else fee_for(tariff, charge)
            fee = self._fee[fkey]
            if fee is not None:
                fees.append((t.code, fee))
        return fees

    def why(self, item: ParcelToAssign, courier: str, fee: Decimal | None, fixed: bool) -> str:
        if fixed:
            return f"it carries a {courier} tracking number"
        cheaper = [(code, f) for code, f in self.fees(item) if fee is not None and f < fee]
        if not cheaper:
            return "the cheapest courier that takes it"
        parts = []
        for code, f in sorted(cheaper, key=lambda x: x[1]):
            if code in self.full:
                parts.append(f"{code} ({f} yuan) had no capacity left")
        s = self.summaries[courier]
        if len(parts) < len(cheaper):
            parts.append(
                f"{courier} needed it for its minimum share of {s.min_share:.0%} "
                f"({s.min_parcels} parcels)"
            )
        return "; ".join(parts)


# -------------------------------------------------------------------------- storing


def _store(
    session: Session,
    updates: list[dict[str, Any]],
    notes: list[tuple[Any, str]],
    *,
    operator: str,
    at: datetime,
) -> None:
    """Write the run's couriers and fees and its assign events, then commit once.

    Both go in bulk (one executemany each): 5,000 ORM objects alone would take longer
    than the whole run's 2 s budget.
    """
    if updates:
        session.exec(update(Parcel), params=updates)  # type: ignore[call-overload]
    record_notes(session, notes, ASSIGN_EVENT, operator=operator, at=at)
    session.commit()
    # Bulk statements bypass the identity map: reload any of these parcels the caller holds.
    changed = {row["id"] for row in updates}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Parcel) and obj.id in changed:
            session.expire(obj)


# -------------------------------------------------------------------------- use cases


def assign_day(
    session: Session,
    day: date | str | None = None,
    *,
    dry_run: bool = False,
    include_stations: bool = False,
    parcels: Sequence[str] = (),
    operator: str = "hub",
) -> AssignmentRun:
    """Give the day's waiting outbound parcels a courier at the lowest total fee.

    ``day``: a date, an operator's ``--date`` text, or None for the hub's today.
    ``parcels``: hub parcel ids or tracking numbers to decide alone (the rest of the
    day keeps its couriers); a named parcel on a manifest or handed over is refused
    with :class:`RuleBroken`. With ``dry_run`` nothing is stored.
    """
    plan = _plan(
        session, day, include_stations=include_stations, named=parcels, for_update=not dry_run
    )
    result = plan.result
    by_no = {p.parcel_no: p for p in plan.parcels}
    reasons = _Reasons(plan)
    moment = utcnow()
    changed = 0
    updates: list[dict[str, Any]] = []
    notes: list[tuple[Any, str]] = []

    for a in result.assignments:
        parcel = by_no[a.parcel_id]
        courier_id = plan.id_of[a.courier]
        fee_fen = None if a.fee is None else yuan_to_fen(a.fee)
        if parcel.courier_id != courier_id:
            changed += 1
            if not dry_run:
                before = plan.code_of.get(parcel.courier_id) if parcel.courier_id else None
                why = reasons.why(plan.inputs[a.parcel_id], a.courier, a.fee, a.fixed)
                fee = "no tariff" if a.fee is None else f"{a.fee} yuan"
                note = f"{a.courier}, {fee}: {why}" + (f" (was {before})" if before else "")
                notes.append((parcel, note))
        if (parcel.courier_id, parcel.chargeable_g, parcel.fee_fen) != (
            courier_id,
            a.chargeable_g,
            fee_fen,
        ):
            updates.append(
                {
                    "id": parcel.id,
                    "courier_id": courier_id,
                    "chargeable_g": a.chargeable_g,
                    "fee_fen": fee_fen,
                }
            )

    unassigned = [UnassignedLine(u.parcel_id, u.reason.value, u.detail) for u in result.unassigned]
    unassigned += plan.bad
    for line in unassigned:
        parcel = by_no[line.parcel_no]
        if parcel.courier_fixed or parcel.courier_id is None:
            continue  # a tracking number's courier is never taken away
        changed += 1
        before = plan.code_of.get(parcel.courier_id)
        notes.append((parcel, f"no courier (was {before}): {line.detail}"))
        updates.append({"id": parcel.id, "courier_id": None, "chargeable_g": None, "fee_fen": None})

    if not dry_run:
        _store(session, updates, notes, operator=operator, at=moment)

    lines = []
    for c, s in zip(plan.couriers, result.couriers, strict=True):
        lines.append(
            CourierLine(
                courier=s.courier,
                name=s.name,
                parcels=s.parcels,
                fixed_parcels=s.fixed_parcels,
                earlier=plan.earlier.get(c.id, 0),
                weight_g=s.weight_g,
                chargeable_g=s.chargeable_g,
                fee_fen=yuan_to_fen(s.fee),
                share=s.share,
                min_share=s.min_share,
                min_parcels=s.min_parcels,
                min_share_met=s.min_share_met,
                daily_capacity=c.daily_capacity,
                capacity_left=s.capacity_left,
            )
        )
    order = {p.parcel_no: i for i, p in enumerate(plan.parcels)}
    unassigned.sort(key=lambda line: order[line.parcel_no])
    return AssignmentRun(
        day=plan.day,
        dry_run=dry_run,
        include_stations=include_stations,
        parcels=len(plan.parcels),
        assigned=len(result.assignments),
        changed=changed,
        couriers=tuple(lines),
        total_fee_fen=yuan_to_fen(result.total_fee),
        baseline_fee_fen=yuan_to_fen(result.baseline_fee),
        baseline_order=result.baseline_order,
        saving_fen=yuan_to_fen(result.saving),
        unassigned=tuple(unassigned),
        min_shares_not_met=result.min_shares_not_met,
        warnings=result.warnings,
        groups=result.groups,
    )


def _fen(fee: Decimal | None) -> int | None:
    return None if fee is None else yuan_to_fen(fee)


def explain(
    session: Session,
    code: str,
    *,
    day: date | str | None = None,
    include_stations: bool = False,
) -> ParcelExplanation:
    """One parcel's fee with every courier and why its courier won (or a cheaper one lost).

    ``code``: hub parcel id or tracking number. The parcel is explained as part of the
    run ``assign_day`` would make on ``day`` (a parcel still at a station brings the
    station parcels into that run). A parcel on a manifest or handed over is shown with
    its courier, which can no longer change. Nothing is stored.
    """
    parcel = find_parcel(session, code)
    hub = current_hub(session)
    if not isinstance(day, date):
        day = parse_day(day, zone(hub.timezone))
    _, terms, code_of = _couriers(session)
    stored = code_of.get(parcel.courier_id) if parcel.courier_id else None
    common = dict(
        parcel_no=parcel.parcel_no,
        tracking_no=parcel.tracking_no,
        status=parcel.status,
        province=parcel.province_code,
        weight_g=parcel.weight_g,
        stored_courier=stored,
        stored_fee_fen=parcel.fee_fen,
        day=day,
    )
    if parcel.direction == OUTBOUND and (parcel.status in LOCKED or parcel.manifest_id is not None):
        return _explain_locked(session, parcel, terms, stored, common)
    if parcel.direction != OUTBOUND or parcel.status not in AT_HUB + AT_STATIONS:
        _refuse_named(parcel, code_of, session)
    if parcel.registered_on > day:
        raise RuleBroken(
            f"Parcel {parcel.parcel_no} was registered on {parcel.registered_on}, after "
            f"{day}; explain it for {parcel.registered_on} or later."
        )
    include = include_stations or parcel.status in AT_STATIONS
    plan = _plan(session, day, include_stations=include)
    bad = next((b for b in plan.bad if b.parcel_no == parcel.parcel_no), None)
    if bad is not None:
        raise RuleBroken(bad.detail)
    ex = plan.result.explain(parcel.parcel_no)
    options = tuple(
        OptionLine(
            o.courier,
            _fen(o.fee),
            o.chargeable_g,
            o.chosen,
            o.exclusion.value if o.exclusion else None,
            o.reason,
        )
        for o in ex.options
    )
    note = None
    if ex.courier != stored and not (parcel.courier_fixed and ex.courier is None):
        if stored is None:
            note = "Not stored yet: run `hub assign` to give the parcel this courier."
        else:
            now = ex.courier or "no courier"
            note = (
                f"Stored courier is {stored} from an earlier run; a run now gives {now}: "
                "run `hub assign` to apply it."
            )
    return ParcelExplanation(
        courier=ex.courier,
        fee_fen=_fen(ex.fee),
        fixed=ex.fixed,
        locked=False,
        options=options,
        summary=ex.summary,
        note=note,
        **common,
    )


def _explain_locked(
    session: Session,
    parcel: Parcel,
    terms: dict[str, CourierTerms],
    stored: str | None,
    common: dict[str, Any],
) -> ParcelExplanation:
    manifest = session.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
    where = f"manifest {manifest.manifest_no}" if manifest else "a manifest"
    state = (
        f"was handed over to {stored}"
        if parcel.status == Status.HANDED_OVER.value
        else f"is on {where} of {stored}"
    )
    options = []
    province = parcel.province_code
    for code, t in terms.items():
        if province is None:
            break
        q = quote(t, province, parcel.weight_g, _dims(parcel))
        chosen = code == stored
        if chosen:
            reason = f"Parcel {parcel.parcel_no} {state}."
        elif not q.ok:
            reason = q.message
        else:
            reason = f"The parcel {state}; its courier can no longer change."
        options.append(
            OptionLine(
                code,
                _fen(q.fee),
                q.chargeable_g,
                chosen,
                None if chosen else ("locked" if q.ok else q.refusal.value),
                reason,
            )
        )
    options.sort(key=lambda o: (not o.chosen, o.fee_fen is None, o.fee_fen or 0))
    fee = "" if parcel.fee_fen is None else f" at {fen_to_yuan(parcel.fee_fen)} yuan"
    return ParcelExplanation(
        courier=stored,
        fee_fen=parcel.fee_fen,
        fixed=parcel.courier_fixed,
        locked=True,
        options=tuple(options),
        summary=(
            f"Parcel {parcel.parcel_no} {state}{fee}; its courier can no longer change "
            "and `hub assign` leaves it alone."
        ),
        note=None,
        **common,
    )
