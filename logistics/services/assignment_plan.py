"""Load what a courier assignment needs and let the solver decide; nothing is stored.

The parcels of the run (the day's waiting outbound parcels, or a few named ones), the
active couriers with their terms, and what each courier already carries that day: see
:mod:`logistics.services.assignment` for the rules and what is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from logistics.domain import assignment_reasons as reasons
from logistics.domain.assignment import (
    AssignmentResult,
    CourierDay,
    CourierLock,
    ParcelToAssign,
    UnassignedReason,
    assign_couriers,
    courier_lock,
    destination_problem,
)
from logistics.domain.clock import Day, day_bounds_utc, parse_day, zone
from logistics.domain.courier_names import courier_key
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.tariffs import CourierTerms, ProvinceTariff
from logistics.domain.units import yuan
from logistics.errors import NotFound, RuleBroken
from logistics.i18n import _, listing
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Manifest,
    Parcel,
    ParcelEvent,
)
from logistics.services.network import current_hub
from logistics.services.parcel_events import find_parcel

ASSIGN_EVENT = "assign"
AT_HUB: tuple[Status, ...] = (Status.AT_HUB,)
AT_STATIONS: tuple[Status, ...] = (Status.REGISTERED, Status.COLLECTED)
NO_PROVINCE = UnassignedReason.NO_PROVINCE.value


def lock_of(parcel: Any) -> CourierLock | None:
    """Why a run may not change this parcel's courier (a Parcel or a row of COLUMNS):
    :func:`logistics.domain.assignment.courier_lock`, the one rule."""
    return courier_lock(
        parcel.status,
        on_manifest=parcel.manifest_id is not None,
        tracking_number=bool(parcel.courier_fixed),
    )


def in_runs(parcel: Any) -> bool:
    """True when a run may take the parcel in (decided, or kept by its tracking number)."""
    lock = lock_of(parcel)
    return lock is None or not lock.keeps_out_of_runs


@dataclass(frozen=True)
class UnassignedLine:
    parcel_no: str
    reason: str
    detail: str
    waited_days: int = 0
    """Full days the parcel has waited since it was registered."""


COLUMNS = (
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
    Parcel.registered_on,
    Parcel.manifest_id,
    Parcel.chargeable_g,
    Parcel.fee_fen,
)
"""What a run reads of each parcel (named parcels come as whole Parcel objects)."""


@dataclass(frozen=True)
class Couriers:
    active: list[Courier]
    terms: dict[str, CourierTerms]
    """The active couriers' terms, by code."""
    code_of: dict[int, str]
    """Every courier's code by id, active or not (a parcel may still name an old one)."""

    def code(self, courier_id: int | None) -> str | None:
        return self.code_of.get(courier_id) if courier_id else None

    def named(self, typed: str) -> str:
        """The active courier ``typed`` names (ZTO, zto, 中通快递, 中通 -> ZTO).

        Raises NotFound with the couriers there are when it names none.
        """
        code = courier_key(typed, {c.code: c.name for c in self.active})
        if code is None:
            raise NotFound(
                _("No courier is called '{typed}'; the couriers are {codes}.").format(
                    typed=typed.strip(),
                    codes=listing(c.code for c in self.active),
                )
            )
        return code


@dataclass
class Plan:
    day: date
    couriers: Couriers
    parcels: list[Any]
    """Parcel objects or rows of COLUMNS, oldest first."""
    bad: list[UnassignedLine]
    """Parcels listed before the run: no usable destination province."""
    earlier: Counter
    result: AssignmentResult

    @property
    def unassigned(self) -> list[UnassignedLine]:
        lines = [
            UnassignedLine(
                u.parcel_id, u.reason.value, u.detail, self.result.waited_days(u.parcel_id)
            )
            for u in self.result.unassigned
        ]
        return lines + self.bad


def parcel_dims(parcel: Parcel) -> tuple[int | Decimal, int | Decimal, int | Decimal] | None:
    """The parcel's (length, width, height) in cm, exact: whole numbers as int (the fast path)."""
    dims = (parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if not all(dims):
        return None
    return tuple(int(d) if float(d).is_integer() else Decimal(str(d)) for d in dims)  # type: ignore[return-value]


def hub_day(session: Session, day: date | Day | str | None) -> tuple[date, str]:
    """The run's day resolved in the hub's time zone, and that zone's name."""
    hub = current_hub(session)
    return parse_day(day, zone(hub.timezone)), hub.timezone


def load_couriers(session: Session) -> Couriers:
    everyone = list(session.exec(select(Courier).order_by(Courier.id)))
    tariffs: dict[int, dict[str, ProvinceTariff]] = {}
    for row in session.exec(select(CourierTariff)):
        tariffs.setdefault(row.courier_id, {})[row.province_code] = ProvinceTariff(
            yuan(row.first_kg_fen), yuan(row.extra_kg_fen)
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
    return Couriers(active, terms, {c.id: c.code for c in everyone})


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
        (Parcel.direction == Direction.OUTBOUND)
        & (Parcel.registered_on <= day)
        & (
            Parcel.status.in_(AT_HUB)  # type: ignore[attr-defined]
            | (Parcel.status.in_(AT_STATIONS) & ~Parcel.courier_fixed)  # type: ignore[attr-defined]
        )
    )
    rows = session.exec(
        select(Parcel.id, Parcel.courier_id).where(
            Parcel.courier_id.is_not(None),  # type: ignore[union-attr]
            Parcel.status != Status.CANCELLED,
            or_(
                Parcel.id.in_(assigned_that_day),  # type: ignore[union-attr]
                Parcel.manifest_id.in_(manifests_that_day),  # type: ignore[union-attr]
                waiting,
            ),
        )
    )
    return Counter(courier_id for parcel_id, courier_id in rows if parcel_id not in run_ids)


def manifest_no(session: Session, parcel: Parcel) -> str | None:
    manifest = session.get(Manifest, parcel.manifest_id) if parcel.manifest_id else None
    return manifest.manifest_no if manifest else None


def refuse_named(parcel: Parcel, couriers: Couriers, session: Session) -> None:
    """Raise RuleBroken when a parcel named for a run may not be (re)assigned."""
    courier = couriers.code(parcel.courier_id)
    if parcel.direction != Direction.OUTBOUND:
        raise RuleBroken(
            _(
                "Parcel {parcel} is an inbound parcel; only outbound parcels are given a courier."
            ).format(parcel=parcel.parcel_no)
        )
    lock = lock_of(parcel)
    if lock is CourierLock.FINAL and parcel.status == Status.HANDED_OVER:
        raise RuleBroken(
            _(
                "Parcel {parcel} was already handed over to {courier}; its courier "
                "can no longer change."
            ).format(parcel=parcel.parcel_no, courier=courier)
        )
    if lock is CourierLock.ON_MANIFEST:
        state = reasons.locked_state(
            courier, handed_over=False, manifest_no=manifest_no(session, parcel)
        )
        raise RuleBroken(
            _(
                "Parcel {parcel} {state} and cannot be re-assigned; take it off the manifest first."
            ).format(parcel=parcel.parcel_no, state=state)
        )
    if parcel.status not in AT_HUB + AT_STATIONS:
        raise RuleBroken(
            _(
                "Parcel {parcel} is {status}; only parcels waiting at a station or at "
                "the hub are given a courier."
            ).format(parcel=parcel.parcel_no, status=Status.label_of(parcel.status))
        )


def _named_parcels(
    session: Session, named: Sequence[str], couriers: Couriers, *, for_update: bool
) -> list[Parcel]:
    parcels: dict[int, Parcel] = {}
    for code in named:
        parcel = find_parcel(session, code, for_update=for_update)
        refuse_named(parcel, couriers, session)
        parcels.setdefault(parcel.id, parcel)
    return sorted(parcels.values(), key=lambda p: (p.registered_at, p.id))


def _waiting_parcels(
    session: Session, day: date, *, include_stations: bool, for_update: bool
) -> list[Any]:
    statuses = AT_HUB + AT_STATIONS if include_stations else AT_HUB
    query = (
        select(*COLUMNS)
        .where(
            Parcel.direction == Direction.OUTBOUND,
            Parcel.status.in_(statuses),  # type: ignore[attr-defined]
            Parcel.registered_on <= day,
        )
        .order_by(Parcel.registered_at, Parcel.id)
    )
    if for_update:
        query = query.with_for_update()
    # rows: 5,000 ORM objects would cost a second. A parcel on a manifest (an open one
    # keeps it at the hub) is left out: its courier changes only when it is taken off.
    return [row for row in session.exec(query) if in_runs(row)]


def _to_assign(
    parcels: Sequence[Any], couriers: Couriers, day: date
) -> tuple[list[ParcelToAssign], list[UnassignedLine]]:
    """The solver's input, and the parcels it cannot take (no usable province)."""
    inputs: list[ParcelToAssign] = []
    bad: list[UnassignedLine] = []
    for p in parcels:
        waited = max(0, (day - p.registered_on).days)
        problem = destination_problem(p.parcel_no, p.province_code)
        if problem is not None:
            bad.append(UnassignedLine(p.parcel_no, NO_PROVINCE, problem, waited))
            continue
        current = couriers.code(p.courier_id)
        inputs.append(
            ParcelToAssign(
                p.parcel_no,
                p.province_code,
                p.weight_g,
                parcel_dims(p),
                current if p.courier_fixed else None,
                waited,
                current,
            )
        )
    return inputs, bad


def _courier_days(couriers: Couriers, earlier: Counter, *, shares: bool) -> list[CourierDay]:
    return [
        CourierDay(
            couriers.terms[c.code],
            remaining_capacity=max(0, c.daily_capacity - earlier.get(c.id, 0)),
            min_share=Decimal(str(c.min_share)) if shares else 0,
        )
        for c in couriers.active
    ]


def plan_run(
    session: Session,
    day: date | Day | str | None,
    *,
    include_stations: bool,
    named: Sequence[str] = (),
    for_update: bool = False,
) -> Plan:
    """Load the parcels and couriers and let the solver decide; nothing is stored."""
    day, tz_name = hub_day(session, day)
    couriers = load_couriers(session)
    if named:
        parcels = _named_parcels(session, named, couriers, for_update=for_update)
    else:
        parcels = _waiting_parcels(
            session, day, include_stations=include_stations, for_update=for_update
        )
    earlier = _earlier(session, day, tz_name, {p.id for p in parcels})
    inputs, bad = _to_assign(parcels, couriers, day)
    # A handful of named parcels is not the day's mix: minimum shares stay out.
    days = _courier_days(couriers, earlier, shares=not named)
    return Plan(day, couriers, parcels, bad, earlier, assign_couriers(inputs, days))
