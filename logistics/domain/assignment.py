"""Which courier carries each parcel: the lowest total fee under capacity and minimum shares.

Pure model, no database. Build the input from rows, call :func:`assign_couriers`, render
the :class:`AssignmentResult`; :meth:`AssignmentResult.explain` tells why a parcel went
where it went.

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
4. Among those, the total fee is the lowest.

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
the network is built in input order, so the same input gives the same output. Inside a
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

import numpy as np
from ortools.graph.python import min_cost_flow

from logistics.domain.tariffs import (
    CourierTerms,
    Dimensions,
    Quote,
    Refusal,
    chargeable_weight_g,
    fee_for,
    fen_to_yuan,
    format_kg,
    province_code,
    quote,
    yuan_to_fen,
)
from logistics.errors import InvalidInput, NotFound

SHARE_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class ParcelToAssign:
    """One parcel to give a courier.

    ``id``: the hub parcel id (``parcel_no``); ``province``: GB/T 2260 code of the
    destination ("52" or "520102"); ``weight_g``: actual grams; ``dims_cm``: optional
    (length, width, height) in cm; ``fixed_courier``: code of the courier whose tracking
    number the parcel already carries (it then stays with that courier).
    """

    id: str
    province: str
    weight_g: int
    dims_cm: Dimensions | None = None
    fixed_courier: str | None = None


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


class Exclusion(StrEnum):
    """Why a courier did not get a parcel (see :class:`CourierOption`)."""

    PROVINCE_EXCLUDED = "province_excluded"
    PROVINCE_NOT_SERVED = "province_not_served"
    OVER_MAX_WEIGHT = "over_max_weight"
    CAPACITY_FULL = "capacity_full"
    FIXED_TRACKING_NUMBER = "fixed_tracking_number"
    MINIMUM_SHARE = "minimum_share"
    """The chosen courier needed the parcel to reach its minimum share."""
    MORE_EXPENSIVE = "more_expensive"
    SAME_FEE = "same_fee"
    NOT_EXPLAINED = "not_explained"
    """Should never happen in an optimal solution; kept so explain() never fails."""


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
class CourierOption:
    """One courier's fee for the explained parcel and why it got / did not get it."""

    courier: str
    fee: Decimal | None
    chargeable_g: int
    chosen: bool
    exclusion: Exclusion | None
    reason: str


@dataclass(frozen=True)
class Explanation:
    parcel_id: str
    courier: str | None
    fee: Decimal | None
    fixed: bool
    unassigned_reason: UnassignedReason | None
    options: tuple[CourierOption, ...]
    """Every courier: the chosen one first, then by fee (cheapest first), refusals last."""
    summary: str


@dataclass(frozen=True)
class _Context:
    parcels: dict[str, ParcelToAssign]
    couriers: tuple[CourierDay, ...]
    count: dict[str, int]
    free_count: dict[str, int]
    free_capacity: dict[str, int]
    min_parcels: dict[str, int]


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


# -------------------------------------------------------------------------- solver


def _fraction(value: Decimal | Fraction | int | str | float, what: str) -> Fraction:
    try:
        result = Fraction(Decimal(str(value))) if isinstance(value, float) else Fraction(value)
    except (ValueError, TypeError, ArithmeticError):
        raise InvalidInput(f"{what} must be a fraction between 0 and 1, got {value!r}.") from None
    if not 0 <= result <= 1:
        raise InvalidInput(f"{what} must be a fraction between 0 and 1, got {value}.")
    return result


def _dims(parcel: ParcelToAssign) -> Dimensions | None:
    return tuple(parcel.dims_cm) if parcel.dims_cm is not None else None


class _FeeTable:
    """Quotes in fen with caches, so 5,000 parcels x 8 couriers stay cheap."""

    def __init__(self, couriers: Sequence[CourierDay]):
        self.terms = [c.terms for c in couriers]
        self._tariff: dict[tuple[int, str], object] = {}
        self._charge: dict[tuple, int] = {}
        self._fee: dict[tuple[int, str, int], int] = {}

    def chargeable(self, index: int, weight_g: int, dims) -> int:
        terms = self.terms[index]
        key = (weight_g, dims, terms.volumetric_divisor, terms.weight_step_g)
        charge = self._charge.get(key)
        if charge is None:
            charge = chargeable_weight_g(
                weight_g, dims, terms.volumetric_divisor, terms.weight_step_g
            )
            self._charge[key] = charge
        return charge

    def entry(self, index: int, province: str, weight_g: int, dims) -> int | Refusal:
        """Fee in fen, or the refusal, for courier ``index``."""
        terms = self.terms[index]
        key = (index, province)
        tariff = self._tariff.get(key)
        if tariff is None:
            if province in terms.excluded_provinces:
                tariff = Refusal.PROVINCE_EXCLUDED
            else:
                tariff = terms.tariff_for(province) or Refusal.PROVINCE_NOT_SERVED
            self._tariff[key] = tariff
        if isinstance(tariff, Refusal):
            return tariff
        if terms.max_weight_g is not None and weight_g > terms.max_weight_g:
            return Refusal.OVER_MAX_WEIGHT
        charge = self.chargeable(index, weight_g, dims)
        fkey = (index, province, charge)
        fee = self._fee.get(fkey)
        if fee is None:
            fee = yuan_to_fen(fee_for(tariff, charge))
            self._fee[fkey] = fee
        return fee


def _solve_flow(
    groups: list[tuple[tuple, list[int]]],
    n_couriers: int,
    free_capacity: list[int],
    quota: list[int],
    overflow_cost: int,
) -> list[list[int]]:
    """Min-cost max-flow; returns counts[group][courier]."""
    n_groups = len(groups)
    source, sink = 0, n_groups + n_couriers + 1
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    total = 0
    for g, (_key, members) in enumerate(groups):
        size = len(members)
        total += size
        tails.append(source)
        heads.append(1 + g)
        caps.append(size)
        costs.append(0)
    courier_arcs: list[tuple[int, int, int]] = []
    for g, (key, members) in enumerate(groups):
        for c, fee in enumerate(key):
            if fee >= 0:
                courier_arcs.append((g, c, len(tails)))
                tails.append(1 + g)
                heads.append(1 + n_groups + c)
                caps.append(len(members))
                costs.append(fee)
    for c in range(n_couriers):
        node = 1 + n_groups + c
        tails += [node, node]
        heads += [sink, sink]
        caps += [quota[c], free_capacity[c] - quota[c]]
        costs += [0, overflow_cost]
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    smcf.set_node_supply(source, total)
    smcf.set_node_supply(sink, -total)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:  # pragma: no cover - would be a bug in the network
        raise RuntimeError(f"courier assignment flow failed with status {status}")
    counts = [[0] * n_couriers for _ in groups]
    if courier_arcs:
        flows = smcf.flows(np.array([a for _, _, a in courier_arcs], dtype=np.int32))
        for (g, c, _), flow in zip(courier_arcs, flows, strict=True):
            counts[g][c] = int(flow)
    return counts


def assign_couriers(
    parcels: Iterable[ParcelToAssign], couriers: Sequence[CourierDay]
) -> AssignmentResult:
    """Give each parcel a courier at the lowest total fee (see the module docstring).

    Raises :class:`InvalidInput` for duplicate parcel ids or courier codes, a negative
    capacity, a minimum share outside 0..1, or a malformed parcel.
    """
    parcels = list(parcels)
    couriers = tuple(couriers)
    codes = [c.code for c in couriers]
    if len(set(codes)) != len(codes):
        dup = next(c for c, n in Counter(codes).items() if n > 1)
        raise InvalidInput(f"Courier {dup} appears twice in the assignment input.")
    ids = Counter(p.id for p in parcels)
    if len(ids) != len(parcels):
        dup = next(i for i, n in ids.items() if n > 1)
        raise InvalidInput(f"Parcel {dup} appears twice in the assignment input.")
    min_share = []
    for c in couriers:
        min_share.append(_fraction(c.min_share, f"Minimum share of courier {c.code}"))
        if c.remaining_capacity is not None and c.remaining_capacity < 0:
            raise InvalidInput(
                f"Remaining capacity of courier {c.code} must be 0 or more parcels, "
                f"got {c.remaining_capacity}."
            )
    index = {code: i for i, code in enumerate(codes)}
    n_c = len(couriers)
    table = _FeeTable(couriers)
    warnings: list[str] = []

    fixed: list[tuple[ParcelToAssign, int, Quote]] = []
    unassigned: dict[str, Unassigned] = {}
    groups: dict[tuple, list[int]] = {}
    provinces: dict[str, str] = {}
    for pos, p in enumerate(parcels):
        province = province_code(p.province)
        provinces[p.id] = province
        dims = _dims(p)
        if p.fixed_courier is not None:
            c = index.get(p.fixed_courier)
            if c is None:
                unassigned[p.id] = Unassigned(
                    p.id,
                    UnassignedReason.UNKNOWN_COURIER,
                    f"Parcel {p.id} carries a tracking number of courier {p.fixed_courier}, "
                    "which is not among today's couriers.",
                )
                continue
            q = quote(couriers[c].terms, province, p.weight_g, dims)
            if not q.ok:
                warnings.append(
                    f"Parcel {p.id} stays with {p.fixed_courier} because of its tracking "
                    f"number although {q.message[:-1]}."
                )
            fixed.append((p, c, q))
            continue
        key = []
        refusals = []
        for c in range(n_c):
            entry = table.entry(c, province, p.weight_g, dims)
            if isinstance(entry, Refusal):
                refusals.append(entry)
                key.append(-1)
            else:
                key.append(entry)
        if all(k < 0 for k in key):
            if n_c and not all(r.is_coverage for r in refusals):
                reason = UnassignedReason.OVER_MAX_WEIGHT
                detail = (
                    f"Parcel {p.id} weighs {format_kg(p.weight_g)} kg, above the maximum "
                    f"weight of every courier that serves province {province}."
                )
            else:
                reason = UnassignedReason.NO_COURIER_SERVES_PROVINCE
                detail = f"No courier serves province {province} of parcel {p.id}."
            unassigned[p.id] = Unassigned(p.id, reason, detail)
            continue
        groups.setdefault(tuple(key), []).append(pos)

    fixed_count = [0] * n_c
    for _, c, _ in fixed:
        fixed_count[c] += 1
    n_free = sum(len(m) for m in groups.values())
    free_capacity = []
    for c, day in enumerate(couriers):
        if day.remaining_capacity is None:
            free_capacity.append(n_free)
        else:
            if fixed_count[c] > day.remaining_capacity:
                warnings.append(
                    f"Courier {day.code} has {fixed_count[c]} parcels with its own tracking "
                    f"numbers but only {day.remaining_capacity} parcels of capacity left today."
                )
            free_capacity.append(min(n_free, max(0, day.remaining_capacity - fixed_count[c])))

    group_list = list(groups.items())
    # Q exceeds any possible difference in total fee, so quotas come before money.
    overflow_cost = sum(max(key) for key, members in group_list for _ in members) + 1
    zero = [0] * n_c
    counts = _solve_flow(group_list, n_c, free_capacity, zero, 0)
    free_assigned = [sum(row[c] for row in counts) for c in range(n_c)]
    day_volume = len(fixed) + sum(free_assigned)
    min_parcels = [math.ceil(m * day_volume) for m in min_share]
    if any(fixed_count[c] + free_assigned[c] < min_parcels[c] for c in range(n_c)):
        quota = [min(free_capacity[c], max(0, min_parcels[c] - fixed_count[c])) for c in range(n_c)]
        counts = _solve_flow(group_list, n_c, free_capacity, quota, overflow_cost)
        free_assigned = [sum(row[c] for row in counts) for c in range(n_c)]
        assert len(fixed) + sum(free_assigned) == day_volume

    chosen: dict[str, int] = {}
    for (key, members), row in zip(group_list, counts, strict=True):
        it = iter(members)
        for c in range(n_c):
            for _ in range(row[c]):
                chosen[parcels[next(it)].id] = c
        for pos in it:
            p = parcels[pos]
            able = [codes[c] for c in range(n_c) if key[c] >= 0]
            unassigned[p.id] = Unassigned(
                p.id,
                UnassignedReason.CAPACITY_EXHAUSTED,
                f"Parcel {p.id} has no courier: {', '.join(able)} "
                f"{'has' if len(able) == 1 else 'have'} no capacity left today.",
            )

    # Assemble assignments in input order.
    fixed_by_id = {p.id: (c, q) for p, c, q in fixed}
    assignments: list[Assignment] = []
    for p in parcels:
        if p.id in fixed_by_id:
            c, q = fixed_by_id[p.id]
            assignments.append(Assignment(p.id, codes[c], q.fee, q.chargeable_g, True))
        elif p.id in chosen:
            c = chosen[p.id]
            dims = _dims(p)
            fee = table.entry(c, provinces[p.id], p.weight_g, dims)
            charge = table.chargeable(c, p.weight_g, dims)
            assignments.append(Assignment(p.id, codes[c], fen_to_yuan(fee), charge, False))

    # Per-courier summary.
    by_id = {p.id: p for p in parcels}
    n_parcels = [0] * n_c
    weight = [0] * n_c
    charge = [0] * n_c
    fee_sum = [ZERO] * n_c
    for a in assignments:
        c = index[a.courier]
        n_parcels[c] += 1
        weight[c] += by_id[a.parcel_id].weight_g
        charge[c] += a.chargeable_g
        if a.fee is not None:
            fee_sum[c] += a.fee
    summaries = []
    not_met = []
    for c, day in enumerate(couriers):
        met = n_parcels[c] >= min_parcels[c]
        if not met:
            not_met.append(day.code)
        share = (
            (Decimal(n_parcels[c]) / Decimal(day_volume)).quantize(SHARE_PLACES, ROUND_HALF_UP)
            if day_volume
            else Decimal(0).quantize(SHARE_PLACES)
        )
        summaries.append(
            CourierSummary(
                courier=day.code,
                name=day.terms.name,
                parcels=n_parcels[c],
                fixed_parcels=fixed_count[c],
                weight_g=weight[c],
                chargeable_g=charge[c],
                fee=fee_sum[c],
                share=share,
                min_share=Decimal(min_share[c].numerator) / Decimal(min_share[c].denominator),
                min_parcels=min_parcels[c],
                min_share_met=met,
                remaining_capacity=day.remaining_capacity,
                capacity_left=(
                    None
                    if day.remaining_capacity is None
                    else day.remaining_capacity - n_parcels[c]
                ),
            )
        )

    # Baseline: couriers ranked by average fee over the free parcels each can take.
    fee_total = [0] * n_c
    fee_n = [0] * n_c
    for key, members in group_list:
        for c, fee in enumerate(key):
            if fee >= 0:
                fee_total[c] += fee * len(members)
                fee_n[c] += len(members)
    order = sorted(
        (c for c in range(n_c) if fee_n[c]),
        key=lambda c: (Fraction(fee_total[c], fee_n[c]), c),
    )
    baseline_fen = 0
    for key, members in group_list:
        first = next(c for c in order if key[c] >= 0)
        baseline_fen += key[first] * sum(1 for pos in members if parcels[pos].id in chosen)
    fixed_fee = sum((q.fee for _, _, q in fixed if q.fee is not None), ZERO)
    total_fee = sum(fee_sum, ZERO)
    baseline_fee = fixed_fee + fen_to_yuan(baseline_fen)

    context = _Context(
        parcels=by_id,
        couriers=couriers,
        count={codes[c]: n_parcels[c] for c in range(n_c)},
        free_count={codes[c]: free_assigned[c] for c in range(n_c)},
        free_capacity={codes[c]: free_capacity[c] for c in range(n_c)},
        min_parcels={codes[c]: min_parcels[c] for c in range(n_c)},
    )
    return AssignmentResult(
        assignments=tuple(assignments),
        unassigned=tuple(unassigned[p.id] for p in parcels if p.id in unassigned),
        couriers=tuple(summaries),
        total_fee=total_fee,
        baseline_fee=baseline_fee,
        baseline_order=tuple(codes[c] for c in order),
        saving=baseline_fee - total_fee,
        day_volume=day_volume,
        groups=len(group_list),
        min_shares_not_met=tuple(not_met),
        warnings=tuple(warnings),
        _context=context,
    )


# ------------------------------------------------------------------------- explain


def _yuan(fee: Decimal | None) -> str:
    return "-" if fee is None else f"{fee} yuan"


def explain(result: AssignmentResult, parcel_id: str) -> Explanation:
    """The parcel's fee with every courier and why the chosen one won (or none did).

    For each courier that did not get the parcel the reason is, in this order: the parcel
    carries another courier's tracking number; the courier refuses it (province, weight);
    it is dearer or equal; its capacity is full; or the chosen courier needed the parcel
    to reach its minimum share.
    """
    ctx = result._context
    parcel = ctx.parcels.get(parcel_id)
    if parcel is None:
        raise NotFound(f"Parcel {parcel_id} was not part of this courier assignment.")
    assignment = result.assignment_of(parcel_id)
    missing = next((u for u in result.unassigned if u.parcel_id == parcel_id), None)
    province = province_code(parcel.province)
    quotes = [quote(day.terms, province, parcel.weight_g, _dims(parcel)) for day in ctx.couriers]
    chosen = assignment.courier if assignment else None
    chosen_fee = assignment.fee if assignment else None
    fixed = bool(assignment and assignment.fixed)

    options = []
    for q in quotes:
        code = q.courier
        if code == chosen:
            if fixed:
                reason = f"Parcel {parcel_id} carries a {code} tracking number."
            else:
                cheaper = any(o.ok and o.fee < q.fee for o in quotes)
                reason = (
                    f"{code} is the cheapest courier that can take it."
                    if not cheaper
                    else f"{code} is the cheapest courier left; the cheaper ones say why not."
                )
            options.append(CourierOption(code, q.fee, q.chargeable_g, True, None, reason))
            continue
        if fixed:
            exclusion = Exclusion.FIXED_TRACKING_NUMBER
            reason = f"The parcel carries a {chosen} tracking number."
        elif not q.ok:
            exclusion = Exclusion(q.refusal.value)
            reason = q.message
        elif chosen_fee is not None and q.fee > chosen_fee:
            exclusion = Exclusion.MORE_EXPENSIVE
            reason = f"{code} costs {q.fee - chosen_fee} yuan more than {chosen}."
        elif chosen_fee is not None and q.fee == chosen_fee:
            exclusion = Exclusion.SAME_FEE
            reason = f"{code} costs the same as {chosen}; the parcel went to {chosen}."
        elif ctx.free_count[code] >= ctx.free_capacity[code]:
            exclusion = Exclusion.CAPACITY_FULL
            cap = ctx.free_capacity[code]
            reason = (
                f"{code} is cheaper but its remaining capacity ({cap} parcels) is full."
                if chosen
                else f"{code} could take it but its remaining capacity ({cap} parcels) is full."
            )
        elif chosen is not None and ctx.count[chosen] <= ctx.min_parcels[chosen]:
            exclusion = Exclusion.MINIMUM_SHARE
            reason = (
                f"{code} is cheaper but {chosen} needs {ctx.min_parcels[chosen]} parcels for "
                f"its minimum share and has {ctx.count[chosen]}."
            )
        else:  # pragma: no cover - not reachable in an optimal solution
            exclusion = Exclusion.NOT_EXPLAINED
            reason = f"{code} is cheaper; no rule of the run explains why it was not chosen."
        options.append(CourierOption(code, q.fee, q.chargeable_g, False, exclusion, reason))

    options.sort(key=lambda o: (not o.chosen, o.fee is None, o.fee or 0))
    if missing is not None:
        summary = missing.detail
    elif fixed:
        summary = (
            f"Parcel {parcel_id} goes to {chosen} ({_yuan(chosen_fee)}) because it carries "
            f"a {chosen} tracking number."
        )
    else:
        cheaper = [o for o in options if o.fee is not None and o.fee < chosen_fee]
        if not cheaper:
            summary = f"Parcel {parcel_id} goes to {chosen}, the cheapest at {_yuan(chosen_fee)}."
        else:
            why = " ".join(o.reason if o.reason.endswith(".") else o.reason + "." for o in cheaper)
            summary = f"Parcel {parcel_id} goes to {chosen} at {_yuan(chosen_fee)}: {why}"
    return Explanation(
        parcel_id=parcel_id,
        courier=chosen,
        fee=chosen_fee,
        fixed=fixed,
        unassigned_reason=missing.reason if missing else None,
        options=tuple(options),
        summary=summary,
    )
