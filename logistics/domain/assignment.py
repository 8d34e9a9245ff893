"""Which courier carries each parcel: the lowest total fee under capacity and minimum shares.

Pure model, no database. Build the input from rows, call :func:`assign_couriers`, render
the :class:`AssignmentResult`; :meth:`AssignmentResult.explain` tells why a parcel went
where it went (worded in :mod:`logistics.domain.assignment_reasons`).

Rules, in order of priority (lexicographic, solved exactly):

1. A parcel that carries a courier's tracking number (``fixed_courier``) stays with that
   courier, whatever its capacity, coverage or fee. It is not re-decided.
2. Every other parcel goes to a courier that serves its province and takes its weight,
   and no courier gets more free parcels than its remaining capacity (see
   :class:`CourierDay`). As many parcels as possible are assigned; the rest are listed
   in :attr:`AssignmentResult.unassigned` with the reason.
3. Minimum shares are met as far as possible: the total number of parcels missing to
   reach the couriers' minimum shares is made as small as possible. Couriers whose
   share is still short are listed in :attr:`AssignmentResult.min_shares_not_met`.
4. Among those, the total fee is the lowest, where each parcel that has waited counts
   its priority (see below) against its fee: under a shortage older parcels go first.

Whose courier may change at all is decided once, by :func:`courier_lock`: not a parcel
in a final state (handed over, cancelled, ...), not a parcel on a manifest (open or
closed: the operator takes it off the manifest first), and a parcel whose tracking number
names its courier keeps that courier (rule 1). Every path of ``hub assign`` asks it.

Ageing (who waits under a shortage): with the fee alone as the cost, the heavy and remote
parcels would be the ones left over every day, the same ones day after day. So each full
day a parcel has waited since it was registered (``waited_days``) lowers its effective
cost by ``AGE_BONUS_FEN_PER_DAY`` (10.00 yuan), for at most ``AGE_DAYS_CAP`` days
(70.00 yuan). In the sample township's parcel mix (5,000 parcels, the benchmark's) the
cheapest fee of 95 % of parcels lies within 10.40 yuan of the cheapest parcel's and 99 %
within 18.70 yuan, so one day of waiting outweighs a typical heavy or remote parcel's
fee difference and two days outweigh 99 % of them; after 7 days even the dearest parcel
of that mix (70.10 yuan) goes before a fresh one. The bonus is the same with every
courier, so it never changes which courier a served parcel gets, only which parcels are
served when capacity is short (the round planner weighs a station's waiting days the same
way, :mod:`logistics.domain.routing.problem`).

Day volume and share: ``day_volume`` = the parcels given a courier by this run, that is
the fixed parcels plus the free parcels assigned (unassigned parcels do not count). A
courier's share = (its fixed parcels + its free parcels assigned) / ``day_volume``. A
minimum share ``m`` is met when the courier has at least ``ceil(m * day_volume)``
parcels. Parcels already handed to couriers by earlier runs are not part of the run;
pass them in again (as fixed parcels) if the share should count them.

Method: free parcels whose fee vector over all couriers is identical (same price, or
same refusal, with each courier) are interchangeable, so they form one group; 5,000
parcels collapse to a few hundred groups. A min-cost max-flow (OR-Tools
``SimpleMinCostFlow.solve_max_flow_with_min_cost``) runs over
source -> group -> courier -> sink. Minimum shares are soft lower bounds: each courier's
arc to the sink is split into a quota arc (capacity = parcels still needed, cost 0) and
an overflow arc (the rest of its capacity, cost ``Q`` larger than any possible total
fee), so the flow fills quotas before it saves money. The solver is deterministic and
the network is built in input order, so the same input gives the same output. Parcels
with the same fee vector but different (capped) waiting days form different groups; a
group's priority is the cost of its arc from the source, ``top - priority_fen(days)``
(never negative; the same constant on every served parcel changes nothing). Inside a
group, parcels go to couriers in input order (pass parcels oldest first, so under a
shortage the oldest of equally priced parcels are served first).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from logistics.domain.assignment_flow import solve_flow
from logistics.domain.assignment_reasons import (
    CourierOption,
    Exclusion,
    Explanation,
    explain,
)
from logistics.domain.parcel_status import FINAL, Status
from logistics.domain.tariffs import (
    CourierTerms,
    Dimensions,
    FeeBook,
    Quote,
    Refusal,
    province_code,
)
from logistics.domain.units import kg_text, province_text, yuan
from logistics.errors import InvalidInput
from logistics.i18n import N_, _, ngettext

__all__ = [
    "AGE_BONUS_FEN_PER_DAY",
    "AGE_DAYS_CAP",
    "Assignment",
    "AssignmentResult",
    "CourierDay",
    "CourierLock",
    "CourierOption",
    "CourierSummary",
    "Exclusion",
    "Explanation",
    "ParcelToAssign",
    "Unassigned",
    "UnassignedReason",
    "assign_couriers",
    "courier_lock",
    "explain",
    "priority_fen",
]

SHARE_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")

AGE_BONUS_FEN_PER_DAY = 1_000
"""Each full day a parcel has waited lowers its effective cost by 10.00 yuan (see the
module docstring for why this figure)."""
AGE_DAYS_CAP = 7
"""Waiting days count up to this many (70.00 yuan); it also bounds the flow's groups."""


def priority_fen(waited_days: int) -> int:
    """What a parcel's waiting counts against its fee, in fen (0 for a parcel of today)."""
    return min(max(0, waited_days), AGE_DAYS_CAP) * AGE_BONUS_FEN_PER_DAY


# ---------------------------------------------------------------- whose courier is fixed


class CourierLock(StrEnum):
    """Why a run may not change a parcel's courier (see :func:`courier_lock`)."""

    FINAL = "final"
    """Handed over, cancelled, picked up or returned: the parcel's journey is decided."""
    ON_MANIFEST = "on_manifest"
    """On a manifest, open or closed: the operator takes it off the manifest first."""
    TRACKING_NUMBER = "tracking_number"
    """It carries its courier's tracking number: it stays with that courier (rule 1)."""

    @property
    def keeps_out_of_runs(self) -> bool:
        """True when a run leaves the parcel out altogether (its courier uses capacity as
        an earlier parcel); a tracking number's parcel is in the run, fixed."""
        return self is not CourierLock.TRACKING_NUMBER


def courier_lock(
    status: str, *, on_manifest: bool, tracking_number: bool = False
) -> CourierLock | None:
    """Why a parcel's courier may not change, or None when a run may decide it.

    The one rule every path of the courier assignment asks (a day run, ``--parcel``,
    ``--include-stations``, ``--explain``): a parcel in a final state keeps its courier;
    a parcel on a manifest (``on_manifest``: it has a manifest, open or closed, or it is
    ``manifested``) keeps it until the operator takes it off; a parcel whose courier its
    tracking number names (``tracking_number``) keeps it always.
    """
    state = Status(status)
    if state in FINAL:
        return CourierLock.FINAL
    if on_manifest or state is Status.MANIFESTED:
        return CourierLock.ON_MANIFEST
    if tracking_number:
        return CourierLock.TRACKING_NUMBER
    return None


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class ParcelToAssign:
    """One parcel to give a courier.

    ``id``: the hub parcel id (``parcel_no``); ``province``: GB/T 2260 code of the
    destination ("52" or "520102"); ``weight_g``: actual grams; ``dims_cm``: optional
    (length, width, height) in cm; ``fixed_courier``: code of the courier whose tracking
    number the parcel already carries (it then stays with that courier);
    ``waited_days``: full days since it was registered (its priority under a shortage);
    ``current_courier``: the courier an earlier run gave it, kept among equally priced
    choices so that a repeated run moves as few parcels between cages as it can.
    """

    id: str
    province: str
    weight_g: int
    dims_cm: Dimensions | None = None
    fixed_courier: str | None = None
    waited_days: int = 0
    current_courier: str | None = None


@dataclass(frozen=True)
class CourierDay:
    """A courier's terms and today's limits.

    ``remaining_capacity``: parcels the courier can still take today (None = no limit).
    The run's fixed parcels of that courier use it first; free parcels get what is left.
    ``min_share``: agreed minimum fraction (0..1, Decimal/Fraction/int/str) of the run's
    day volume, see the module docstring.
    """

    terms: CourierTerms
    remaining_capacity: int | None = None
    min_share: Decimal | Fraction | int | str = 0

    @property
    def code(self) -> str:
        return self.terms.code


# -------------------------------------------------------------------------- output


class UnassignedReason(StrEnum):
    NO_COURIER_SERVES_PROVINCE = "no_courier_serves_province"
    OVER_MAX_WEIGHT = "over_max_weight"
    CAPACITY_EXHAUSTED = "capacity_exhausted"
    UNKNOWN_COURIER = "unknown_courier"
    """The parcel carries the tracking number of a courier that is not in today's run."""
    NO_PROVINCE = "no_province"
    """The parcel has no destination province, or not a GB/T 2260 code (see
    :func:`destination_problem`); the caller lists it before the run."""

    @property
    def label(self) -> str:
        """The reason in a few words, in the chosen language (a table cell, ``*_label``)."""
        return _(_UNASSIGNED_LABELS[self])

    @classmethod
    def label_of(cls, stored: str) -> str:
        """The words of a stored reason code; an unknown code reads as itself."""
        try:
            return cls(stored).label
        except ValueError:
            return stored


_UNASSIGNED_LABELS = {
    UnassignedReason.NO_COURIER_SERVES_PROVINCE: N_("no courier serves the province"),
    UnassignedReason.OVER_MAX_WEIGHT: N_("too heavy for every courier"),
    UnassignedReason.CAPACITY_EXHAUSTED: N_("no capacity left"),
    UnassignedReason.UNKNOWN_COURIER: N_("courier not in today's run"),
    UnassignedReason.NO_PROVINCE: N_("no destination province"),
}


@dataclass(frozen=True)
class Assignment:
    """A parcel's courier. ``fee`` is None only for a fixed parcel its courier would refuse."""

    parcel_id: str
    courier: str
    fee: Decimal | None
    chargeable_g: int
    fixed: bool


@dataclass(frozen=True)
class Unassigned:
    parcel_id: str
    reason: UnassignedReason
    detail: str
    """One sentence for the operator."""


@dataclass(frozen=True)
class CourierSummary:
    """One courier's part of the run. Weights in grams, fee in yuan, share a fraction 0..1."""

    courier: str
    name: str
    parcels: int
    fixed_parcels: int
    weight_g: int
    chargeable_g: int
    fee: Decimal
    share: Decimal
    min_share: Decimal
    min_parcels: int
    """Parcels needed for the minimum share: ceil(min_share * day_volume)."""
    min_share_met: bool
    remaining_capacity: int | None
    capacity_left: int | None
    """remaining_capacity minus parcels (may be negative if fixed parcels overflow it)."""


@dataclass(frozen=True)
class _Context:
    """What explaining a parcel needs of the run."""

    parcels: dict[str, ParcelToAssign]
    couriers: tuple[CourierDay, ...]
    book: FeeBook
    tally: dict[str, CourierTally]
    fees: dict[str, tuple[int, ...]]
    """Each free parcel's fee in fen with every courier (-1: refuses), its group's key."""
    short: bool = False
    """True when capacity left parcels without a courier: waiting then decided who went."""


@dataclass(frozen=True)
class AssignmentResult:
    """The outcome of :func:`assign_couriers`. Money in Decimal yuan."""

    assignments: tuple[Assignment, ...]
    """Assigned parcels (fixed and free), in input order."""
    unassigned: tuple[Unassigned, ...]
    couriers: tuple[CourierSummary, ...]
    """One row per courier, in input order."""
    total_fee: Decimal
    baseline_fee: Decimal
    """Same assigned parcels, each free one to the courier cheapest on average (see
    ``baseline_order``) that can take it, ignoring capacity and shares; fixed parcels
    keep their fee."""
    baseline_order: tuple[str, ...]
    """Couriers by average fee over the free parcels each can take, cheapest first."""
    saving: Decimal
    """baseline_fee - total_fee (negative when capacity or shares force dearer choices)."""
    day_volume: int
    groups: int
    """Number of fee-identical parcel groups in the flow network."""
    min_shares_not_met: tuple[str, ...]
    warnings: tuple[str, ...]
    _context: _Context = field(repr=False, compare=False)

    def assignment_of(self, parcel_id: str) -> Assignment | None:
        for item in self.assignments:
            if item.parcel_id == parcel_id:
                return item
        return None

    def explain(self, parcel_id: str) -> Explanation:
        return explain(self, parcel_id)

    def waited_days(self, parcel_id: str) -> int:
        """Full days the parcel had waited (0 for a parcel not in the run)."""
        parcel = self._context.parcels.get(parcel_id)
        return parcel.waited_days if parcel is not None else 0


def destination_problem(parcel_id: str, province: str | None) -> str | None:
    """Why a parcel cannot be given a courier for its destination, or None when it can."""
    if not province:
        return _(
            "Parcel {parcel} has no destination province; set it before assigning a courier."
        ).format(parcel=parcel_id)
    try:
        province_code(province)
    except InvalidInput:
        return _(
            "Parcel {parcel} has destination province '{province}', "
            "expected a two-digit GB/T 2260 code such as 44."
        ).format(parcel=parcel_id, province=province)
    return None


# ------------------------------------------------------------------ the run's parts


@dataclass
class CourierTally:
    """One courier's figures as the run builds them up, phase by phase."""

    day: CourierDay
    min_share: Fraction
    fixed: int = 0
    """Parcels that carry the courier's tracking number."""
    free_capacity: int = 0
    """What its remaining capacity leaves for free parcels (never more than there are)."""
    free: int = 0
    """Free parcels the flow gave it."""
    min_parcels: int = 0
    parcels: int = 0
    weight_g: int = 0
    chargeable_g: int = 0
    fee: Decimal = ZERO

    @property
    def code(self) -> str:
        return self.day.code

    @property
    def min_share_decimal(self) -> Decimal:
        return Decimal(self.min_share.numerator) / Decimal(self.min_share.denominator)


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A parcel a tracking number gives to courier ``courier`` (its position)."""

    parcel: ParcelToAssign
    courier: int
    quote: Quote


@dataclass(frozen=True, slots=True)
class _Free:
    """A parcel the run decides; its group's key holds its fee with every courier."""

    parcel: ParcelToAssign
    province: str
    dims: Dimensions | None


Group = tuple[tuple[int, ...], list[_Free]]
"""Fee in fen with each courier (-1: refuses), and the parcels with exactly those fees."""


@dataclass
class _Sorted:
    """The parcels sorted out before the flow: fixed, grouped, or without a courier."""

    fixed: list[_Fixed] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    priorities: list[int] = field(default_factory=list)
    """Each group's priority in fen (:func:`priority_fen` of its parcels' waiting days)."""
    unassigned: dict[str, Unassigned] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(len(members) for _, members in self.groups)


# --------------------------------------------------------------------------- phases


def _fraction(value: Decimal | Fraction | int | str | float, courier: str) -> Fraction:
    """A courier's minimum share as an exact fraction 0..1."""
    wrong = _("Minimum share of courier {courier} must be a fraction between 0 and 1, got {value}.")
    try:
        result = Fraction(Decimal(str(value))) if isinstance(value, float) else Fraction(value)
    except (ValueError, TypeError, ArithmeticError):
        raise InvalidInput(wrong.format(courier=courier, value=repr(value))) from None
    if not 0 <= result <= 1:
        raise InvalidInput(wrong.format(courier=courier, value=value))
    return result


def _tallies(
    parcels: Sequence[ParcelToAssign], couriers: Sequence[CourierDay]
) -> list[CourierTally]:
    """One tally per courier; refuses duplicate parcels or couriers and impossible limits."""
    codes = [c.code for c in couriers]
    if len(set(codes)) != len(codes):
        dup = next(c for c, n in Counter(codes).items() if n > 1)
        raise InvalidInput(
            _("Courier {courier} appears twice in the assignment input.").format(courier=dup)
        )
    ids = Counter(p.id for p in parcels)
    if len(ids) != len(parcels):
        dup = next(i for i, n in ids.items() if n > 1)
        raise InvalidInput(
            _("Parcel {parcel} appears twice in the assignment input.").format(parcel=dup)
        )
    tallies = []
    for c in couriers:
        share = _fraction(c.min_share, c.code)
        if c.remaining_capacity is not None and c.remaining_capacity < 0:
            raise InvalidInput(
                _(
                    "Remaining capacity of courier {courier} must be 0 or more parcels, "
                    "got {value}."
                ).format(courier=c.code, value=c.remaining_capacity)
            )
        tallies.append(CourierTally(c, share))
    return tallies


def _sort_out(
    parcels: Sequence[ParcelToAssign], tallies: Sequence[CourierTally], book: FeeBook
) -> _Sorted:
    """Fix the parcels a tracking number decides, group the rest by their fees with every
    courier, and list those no courier takes."""
    index = {t.code: c for c, t in enumerate(tallies)}
    n_c = len(tallies)
    out = _Sorted()
    groups: dict[tuple[tuple[int, ...], int], list[_Free]] = {}
    for p in parcels:
        province = province_code(p.province)
        dims = tuple(p.dims_cm) if p.dims_cm is not None else None
        if p.fixed_courier is not None:
            _fix(out, p, index.get(p.fixed_courier), book, province, dims)
            continue
        key = []
        refusals = []
        for c in range(n_c):
            entry = book.entry(c, province, p.weight_g, dims)
            if isinstance(entry, Refusal):
                refusals.append(entry)
                key.append(-1)
            else:
                key.append(entry)
        if all(k < 0 for k in key):
            out.unassigned[p.id] = _nobody_takes(p, province, refusals)
            continue
        priority = priority_fen(p.waited_days)
        groups.setdefault((tuple(key), priority), []).append(_Free(p, province, dims))
    out.groups = [(key, members) for (key, _priority), members in groups.items()]
    out.priorities = [priority for _key, priority in groups]
    for item in out.fixed:
        tallies[item.courier].fixed += 1
    return out


def _fix(
    out: _Sorted,
    p: ParcelToAssign,
    courier: int | None,
    book: FeeBook,
    province: str,
    dims: Dimensions | None,
) -> None:
    if courier is None:
        out.unassigned[p.id] = Unassigned(
            p.id,
            UnassignedReason.UNKNOWN_COURIER,
            _(
                "Parcel {parcel} carries a tracking number of courier {courier}, "
                "which is not among today's couriers."
            ).format(parcel=p.id, courier=p.fixed_courier),
        )
        return
    q = book.quote(courier, province, p.weight_g, dims)
    if not q.ok:
        out.warnings.append(
            _(
                "Parcel {parcel} stays with {courier} because of its tracking "
                "number although {refusal}"
            ).format(parcel=p.id, courier=p.fixed_courier, refusal=q.message)
        )
    out.fixed.append(_Fixed(p, courier, q))


def _nobody_takes(p: ParcelToAssign, province: str, refusals: list[Refusal]) -> Unassigned:
    if refusals and not all(r.is_coverage for r in refusals):
        return Unassigned(
            p.id,
            UnassignedReason.OVER_MAX_WEIGHT,
            _(
                "Parcel {parcel} weighs {kg} kg, above the maximum "
                "weight of every courier that serves {province}."
            ).format(parcel=p.id, kg=kg_text(p.weight_g), province=province_text(province)),
        )
    return Unassigned(
        p.id,
        UnassignedReason.NO_COURIER_SERVES_PROVINCE,
        _("No courier serves {province}, the destination of parcel {parcel}.").format(
            province=province_text(province), parcel=p.id
        ),
    )


def _share_out_capacity(tallies: Sequence[CourierTally], sorted_out: _Sorted) -> None:
    """What each courier's remaining capacity leaves for free parcels after its fixed ones."""
    n_free = sorted_out.free
    for t in tallies:
        left = t.day.remaining_capacity
        if left is None:
            t.free_capacity = n_free
            continue
        if t.fixed > left:
            sorted_out.warnings.append(
                _(
                    "Courier {courier} has {fixed} parcels with its own tracking "
                    "numbers but only {left} parcels of capacity left today."
                ).format(courier=t.code, fixed=t.fixed, left=left)
            )
        t.free_capacity = min(n_free, max(0, left - t.fixed))


def _solve(
    groups: list[Group], priorities: list[int], tallies: Sequence[CourierTally], n_fixed: int
) -> list[list[int]]:
    """How many parcels of each group go to each courier.

    First the cheapest flow (fees less priorities) that serves the most parcels; only when
    it leaves a minimum share short, a second flow that fills the shares first (``quota``
    arcs) and then saves money. Sets each tally's ``free`` and ``min_parcels``.
    """
    n_c = len(tallies)
    free_capacity = [t.free_capacity for t in tallies]
    counts = solve_flow(groups, n_c, free_capacity, [0] * n_c, 0, priorities)
    _count_free(tallies, counts)
    day_volume = n_fixed + sum(t.free for t in tallies)
    for t in tallies:
        t.min_parcels = math.ceil(t.min_share * day_volume)
    if any(t.fixed + t.free < t.min_parcels for t in tallies):
        quota = [min(t.free_capacity, max(0, t.min_parcels - t.fixed)) for t in tallies]
        # Dearer than any possible total fee, so quotas come before money.
        top = max(priorities, default=0)
        overflow_cost = sum((max(key) + top) * len(members) for key, members in groups) + 1
        counts = solve_flow(groups, n_c, free_capacity, quota, overflow_cost, priorities)
        _count_free(tallies, counts)
        assert n_fixed + sum(t.free for t in tallies) == day_volume
    return counts


def _count_free(tallies: Sequence[CourierTally], counts: list[list[int]]) -> None:
    for c, t in enumerate(tallies):
        t.free = sum(row[c] for row in counts)


def _hand_out(
    groups: list[Group],
    counts: list[list[int]],
    tallies: Sequence[CourierTally],
    book: FeeBook,
    unassigned: dict[str, Unassigned],
) -> dict[str, Assignment]:
    """Give each group's first parcels (input order: the oldest) to the couriers the flow
    chose, each to the courier it already has where that courier has a place in the group
    (the fee is the same), the rest in courier order; the ones left over have no courier
    with capacity."""
    index = {t.code: c for c, t in enumerate(tallies)}
    chosen: dict[str, Assignment] = {}
    for (key, members), row in zip(groups, counts, strict=True):
        served = members[: sum(row)]
        left = list(row)
        places: list[int | None] = [None] * len(served)
        for i, free in enumerate(served):
            c = index.get(free.parcel.current_courier)  # type: ignore[arg-type]
            if c is not None and left[c] > 0:
                places[i] = c
                left[c] -= 1
        rest = iter([c for c, n in enumerate(left) for _i in range(n)])
        for free, place in zip(served, places, strict=True):
            c = next(rest) if place is None else place
            p = free.parcel
            charge = book.chargeable(c, p.weight_g, free.dims)
            chosen[p.id] = Assignment(p.id, tallies[c].code, yuan(key[c]), charge, False)
        able = [t.code for t, fee in zip(tallies, key, strict=True) if fee >= 0]
        for free in members[len(served) :]:
            pid = free.parcel.id
            unassigned[pid] = Unassigned(
                pid,
                UnassignedReason.CAPACITY_EXHAUSTED,
                ngettext(
                    "Parcel {parcel} has no courier: {couriers} has no capacity left today.",
                    "Parcel {parcel} has no courier: {couriers} have no capacity left today.",
                    len(able),
                ).format(parcel=pid, couriers=", ".join(able)),
            )
    return chosen


def _in_input_order(
    parcels: Sequence[ParcelToAssign],
    fixed: list[_Fixed],
    chosen: dict[str, Assignment],
    tallies: Sequence[CourierTally],
) -> list[Assignment]:
    """Fixed and free assignments in input order, added up on their couriers' tallies."""
    for item in fixed:
        q = item.quote
        p = item.parcel
        chosen[p.id] = Assignment(p.id, tallies[item.courier].code, q.fee, q.chargeable_g, True)
    by_code = {t.code: t for t in tallies}
    assignments = []
    for p in parcels:
        a = chosen.get(p.id)
        if a is None:
            continue
        assignments.append(a)
        t = by_code[a.courier]
        t.parcels += 1
        t.weight_g += p.weight_g
        t.chargeable_g += a.chargeable_g
        if a.fee is not None:
            t.fee += a.fee
    return assignments


def _summary(t: CourierTally, day_volume: int) -> CourierSummary:
    share = (
        (Decimal(t.parcels) / Decimal(day_volume)).quantize(SHARE_PLACES, ROUND_HALF_UP)
        if day_volume
        else Decimal(0).quantize(SHARE_PLACES)
    )
    left = t.day.remaining_capacity
    return CourierSummary(
        courier=t.code,
        name=t.day.terms.name,
        parcels=t.parcels,
        fixed_parcels=t.fixed,
        weight_g=t.weight_g,
        chargeable_g=t.chargeable_g,
        fee=t.fee,
        share=share,
        min_share=t.min_share_decimal,
        min_parcels=t.min_parcels,
        min_share_met=t.parcels >= t.min_parcels,
        remaining_capacity=left,
        capacity_left=None if left is None else left - t.parcels,
    )


def _baseline(
    groups: list[Group], counts: list[list[int]], fixed: list[_Fixed], n_c: int
) -> tuple[Decimal, list[int]]:
    """The baseline fee and the couriers by average fee over the free parcels each can take.

    Each free parcel the run assigns goes to the first courier of that order that takes
    it; fixed parcels keep their fee.
    """
    fee_total = [0] * n_c
    fee_n = [0] * n_c
    for key, members in groups:
        for c, fee in enumerate(key):
            if fee >= 0:
                fee_total[c] += fee * len(members)
                fee_n[c] += len(members)
    order = sorted(
        (c for c in range(n_c) if fee_n[c]),
        key=lambda c: (Fraction(fee_total[c], fee_n[c]), c),
    )
    baseline_fen = 0
    for (key, _members), row in zip(groups, counts, strict=True):
        first = next(c for c in order if key[c] >= 0)
        baseline_fen += key[first] * sum(row)
    fixed_fee = sum((f.quote.fee for f in fixed if f.quote.fee is not None), ZERO)
    return fixed_fee + yuan(baseline_fen), order


# -------------------------------------------------------------------------- the run


def assign_couriers(
    parcels: Iterable[ParcelToAssign], couriers: Sequence[CourierDay]
) -> AssignmentResult:
    """Give each parcel a courier at the lowest total fee (see the module docstring).

    Raises :class:`InvalidInput` for duplicate parcel ids or courier codes, a negative
    capacity, a minimum share outside 0..1, or a malformed parcel.
    """
    parcels = list(parcels)
    couriers = tuple(couriers)
    tallies = _tallies(parcels, couriers)
    book = FeeBook([c.terms for c in couriers])

    sorted_out = _sort_out(parcels, tallies, book)
    _share_out_capacity(tallies, sorted_out)
    groups = sorted_out.groups
    counts = _solve(groups, sorted_out.priorities, tallies, len(sorted_out.fixed))
    chosen = _hand_out(groups, counts, tallies, book, sorted_out.unassigned)
    assignments = _in_input_order(parcels, sorted_out.fixed, chosen, tallies)

    day_volume = len(assignments)
    summaries = tuple(_summary(t, day_volume) for t in tallies)
    baseline_fee, order = _baseline(groups, counts, sorted_out.fixed, len(tallies))
    total_fee = sum((t.fee for t in tallies), ZERO)
    unassigned = sorted_out.unassigned
    return AssignmentResult(
        assignments=tuple(assignments),
        unassigned=tuple(unassigned[p.id] for p in parcels if p.id in unassigned),
        couriers=summaries,
        total_fee=total_fee,
        baseline_fee=baseline_fee,
        baseline_order=tuple(tallies[c].code for c in order),
        saving=baseline_fee - total_fee,
        day_volume=day_volume,
        groups=len(groups),
        min_shares_not_met=tuple(s.courier for s in summaries if not s.min_share_met),
        warnings=tuple(sorted_out.warnings),
        _context=_Context(
            parcels={p.id: p for p in parcels},
            couriers=couriers,
            book=book,
            tally={t.code: t for t in tallies},
            fees={free.parcel.id: key for key, members in groups for free in members},
            short=any(u.reason is UnassignedReason.CAPACITY_EXHAUSTED for u in unassigned.values()),
        ),
    )
