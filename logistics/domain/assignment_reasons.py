"""Why a parcel went to its courier: the one wording of the courier assignment's reasons.

The operator's explanation (``hub assign --explain``: a sentence for every courier and a
summary), the short note each ``assign`` event keeps, and the run's baseline and saving
sentences are all worded here. Every courier that did not get a parcel is given one
:class:`Exclusion`, decided once by :func:`_exclusion`, whichever of them is shown.

Pure: reads an :class:`~logistics.domain.assignment.AssignmentResult`, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from logistics.domain.tariffs import CourierTerms, Dimensions, Quote, province_code, quote
from logistics.domain.units import fen, yuan, yuan_text
from logistics.errors import NotFound
from logistics.i18n import N_, _, is_chinese, ngettext

if TYPE_CHECKING:
    from logistics.domain.assignment import (
        Assignment,
        AssignmentResult,
        ParcelToAssign,
        UnassignedReason,
        _Context,
    )

BASELINE_SENTENCE = N_(
    "Baseline: every parcel to the courier that is cheapest on average for the day's mix "
    "({first}; the next cheapest where it cannot go), ignoring capacity and minimum shares."
)


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
    LOCKED = "locked"
    """The parcel is on a manifest or handed over: no run changes its courier."""
    NOT_EXPLAINED = "not_explained"
    """Should never happen in an optimal solution; kept so explain() never fails."""

    @property
    def label(self) -> str:
        """The reason in a few words, in the chosen language (a table cell, ``*_label``)."""
        return _(_EXCLUSION_LABELS[self])

    @classmethod
    def label_of(cls, stored: str | None) -> str:
        """The words of a stored exclusion code; an unknown code reads as itself."""
        if not stored:
            return ""
        try:
            return cls(stored).label
        except ValueError:
            return stored


_EXCLUSION_LABELS = {
    Exclusion.PROVINCE_EXCLUDED: N_("does not serve the province"),
    Exclusion.PROVINCE_NOT_SERVED: N_("no tariff for the province"),
    Exclusion.OVER_MAX_WEIGHT: N_("too heavy"),
    Exclusion.CAPACITY_FULL: N_("capacity full"),
    Exclusion.FIXED_TRACKING_NUMBER: N_("another courier's tracking number"),
    Exclusion.MINIMUM_SHARE: N_("minimum share of another courier"),
    Exclusion.MORE_EXPENSIVE: N_("dearer"),
    Exclusion.SAME_FEE: N_("same fee"),
    Exclusion.LOCKED: N_("courier can no longer change"),
    Exclusion.NOT_EXPLAINED: N_("not explained"),
}


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
    waited_days: int = 0
    """Full days the parcel has waited since it was registered."""
    priority_fen: int = 0
    """What its waiting counted against its fee in the run (0 for a fixed parcel)."""
    ageing: str | None = None
    """The ageing rule with its numbers, when it mattered (the parcel waited or was left)."""


def money(fee: Decimal | None) -> str:
    """A fee in a sentence: ``7.10 yuan`` / ``7.10 元`` (``-`` for none)."""
    return "-" if fee is None else _("{amount} yuan").format(amount=yuan_text(fen(fee)))


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between English ones, none between Chinese."""
    return ("" if is_chinese() else " ").join(part for part in parts if part)


def _full_stop(sentence: str) -> str:
    if sentence.endswith((".", "。")):
        return sentence
    return sentence + ("。" if is_chinese() else ".")


# ------------------------------------------------------------------------ ageing


_CAPACITY_EXHAUSTED = "capacity_exhausted"
"""``UnassignedReason.CAPACITY_EXHAUSTED`` (its module imports this one)."""


def _priority_fen(days: int) -> int:
    from logistics.domain.assignment import priority_fen  # the rule's home imports this one

    return priority_fen(days)


def waited_words(days: int) -> str:
    """``waited 2 days: priority raised by 20.00 yuan`` (empty for a parcel of today)."""
    if days <= 0:
        return ""
    return ngettext(
        "waited {n} day: priority raised by {amount}",
        "waited {n} days: priority raised by {amount}",
        days,
    ).format(n=days, amount=money(yuan(_priority_fen(days))))


def ageing_rule() -> str:
    """The ageing rule with its numbers, one sentence."""
    from logistics.domain.assignment import AGE_BONUS_FEN_PER_DAY, AGE_DAYS_CAP

    return _(
        "When capacity is short, each full day a parcel has waited since it was registered "
        "counts {per_day} against its fee, for at most {days} days ({most}): parcels that "
        "waited go before newer ones, even dearer ones."
    ).format(
        per_day=money(yuan(AGE_BONUS_FEN_PER_DAY)),
        days=AGE_DAYS_CAP,
        most=money(yuan(AGE_BONUS_FEN_PER_DAY * AGE_DAYS_CAP)),
    )


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:] if words and not is_chinese() else words


# ------------------------------------------------------------------- the decision


def _quotes(ctx: _Context, parcel: ParcelToAssign) -> list[Quote]:
    province = province_code(parcel.province)
    dims = tuple(parcel.dims_cm) if parcel.dims_cm is not None else None
    return [ctx.book.quote(c, province, parcel.weight_g, dims) for c in range(len(ctx.couriers))]


def _exclusion(
    ctx: _Context, q: Quote, chosen: str | None, chosen_fee: Decimal | None, fixed: bool
) -> Exclusion:
    """Why courier ``q.courier`` did not get the parcel: the first rule that applies."""
    if fixed:
        return Exclusion.FIXED_TRACKING_NUMBER
    if not q.ok:
        return Exclusion(q.refusal.value)
    if chosen_fee is not None and q.fee > chosen_fee:
        return Exclusion.MORE_EXPENSIVE
    if chosen_fee is not None and q.fee == chosen_fee:
        return Exclusion.SAME_FEE
    tally = ctx.tally[q.courier]
    if tally.free >= tally.free_capacity:
        return Exclusion.CAPACITY_FULL
    if chosen is not None and ctx.tally[chosen].parcels <= ctx.tally[chosen].min_parcels:
        return Exclusion.MINIMUM_SHARE
    return Exclusion.NOT_EXPLAINED  # pragma: no cover - not reachable in an optimal solution


# ------------------------------------------------------------------- explanation


def _why_not(
    ctx: _Context, why: Exclusion, q: Quote, chosen: str | None, chosen_fee: Decimal | None
) -> str:
    code = q.courier
    if why is Exclusion.FIXED_TRACKING_NUMBER:
        return _("The parcel carries a {courier} tracking number.").format(courier=chosen)
    if not q.ok:
        return q.message
    if why is Exclusion.MORE_EXPENSIVE:
        return _("{courier} costs {amount} more than {chosen}.").format(
            courier=code, amount=money(q.fee - chosen_fee), chosen=chosen
        )
    if why is Exclusion.SAME_FEE:
        return _("{courier} costs the same as {chosen}; the parcel went to {chosen}.").format(
            courier=code, chosen=chosen
        )
    if why is Exclusion.CAPACITY_FULL:
        cap = ctx.tally[code].free_capacity
        if chosen:
            return _(
                "{courier} is cheaper but its remaining capacity ({n} parcels) is full."
            ).format(courier=code, n=f"{cap:,}")
        return _(
            "{courier} could take it but its remaining capacity ({n} parcels) is full."
        ).format(courier=code, n=f"{cap:,}")
    if why is Exclusion.MINIMUM_SHARE:
        needed = ctx.tally[chosen]
        return _(
            "{courier} is cheaper but {chosen} needs {needed} parcels for "
            "its minimum share and has {has}."
        ).format(courier=code, chosen=chosen, needed=needed.min_parcels, has=needed.parcels)
    return _("{courier} is cheaper; no rule of the run explains why it was not chosen.").format(
        courier=code
    )


def _why_chosen(parcel_id: str, q: Quote, fixed: bool, quotes: Sequence[Quote]) -> str:
    code = q.courier
    if fixed:
        return _("Parcel {parcel} carries a {courier} tracking number.").format(
            parcel=parcel_id, courier=code
        )
    if any(o.ok and o.fee < q.fee for o in quotes):
        return _("{courier} is the cheapest courier left; the cheaper ones say why not.").format(
            courier=code
        )
    return _("{courier} is the cheapest courier that can take it.").format(courier=code)


def _by_fee(option: CourierOption) -> tuple:
    return (not option.chosen, option.fee is None, option.fee or 0)


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
        raise NotFound(
            _("Parcel {parcel} was not part of this courier assignment.").format(parcel=parcel_id)
        )
    assignment = result.assignment_of(parcel_id)
    missing = next((u for u in result.unassigned if u.parcel_id == parcel_id), None)
    quotes = _quotes(ctx, parcel)
    chosen = assignment.courier if assignment else None
    chosen_fee = assignment.fee if assignment else None
    fixed = bool(assignment and assignment.fixed)

    options = []
    for q in quotes:
        if q.courier == chosen:
            reason = _why_chosen(parcel_id, q, fixed, quotes)
            options.append(CourierOption(q.courier, q.fee, q.chargeable_g, True, None, reason))
            continue
        why = _exclusion(ctx, q, chosen, chosen_fee, fixed)
        reason = _why_not(ctx, why, q, chosen, chosen_fee)
        options.append(CourierOption(q.courier, q.fee, q.chargeable_g, False, why, reason))
    options.sort(key=_by_fee)

    if missing is not None:
        summary = missing.detail
    elif fixed:
        summary = _(
            "Parcel {parcel} goes to {courier} ({fee}) because it carries "
            "a {courier} tracking number."
        ).format(parcel=parcel_id, courier=chosen, fee=money(chosen_fee))
    else:
        cheaper = [o for o in options if o.fee is not None and o.fee < chosen_fee]
        if not cheaper:
            summary = _("Parcel {parcel} goes to {courier}, the cheapest at {fee}.").format(
                parcel=parcel_id, courier=chosen, fee=money(chosen_fee)
            )
        else:
            why = sentences(*(_full_stop(o.reason) for o in cheaper))
            summary = _("Parcel {parcel} goes to {courier} at {fee}: {why}").format(
                parcel=parcel_id, courier=chosen, fee=money(chosen_fee), why=why
            )
    waited = 0 if fixed else parcel.waited_days
    if waited > 0:
        summary = sentences(_full_stop(summary), _full_stop(_capitalised(waited_words(waited))))
    short = missing is not None and missing.reason.value == _CAPACITY_EXHAUSTED
    return Explanation(
        parcel_id=parcel_id,
        courier=chosen,
        fee=chosen_fee,
        fixed=fixed,
        unassigned_reason=missing.reason if missing else None,
        options=tuple(options),
        summary=summary,
        waited_days=parcel.waited_days,
        priority_fen=_priority_fen(waited),
        ageing=ageing_rule() if waited > 0 or short else None,
    )


def locked_state(courier: str | None, *, handed_over: bool, manifest_no: str | None) -> str:
    """Where a parcel whose courier can no longer change is: ``is on manifest M-1 of ZTO``.

    The words follow the parcel's id in a sentence (``Parcel P1 {state}.``), in both
    languages.
    """
    if handed_over:
        return _("was handed over to {courier}").format(courier=courier)
    if manifest_no:
        return _("is on manifest {manifest} of {courier}").format(
            manifest=manifest_no, courier=courier
        )
    return _("is on a manifest of {courier}").format(courier=courier)


def explain_locked(
    terms: Sequence[CourierTerms],
    parcel_id: str,
    province: str | None,
    weight_g: int,
    dims_cm: Dimensions | None,
    *,
    courier: str | None,
    fee: Decimal | None,
    fixed: bool,
    state: str,
) -> Explanation:
    """A parcel on a manifest or handed over: every courier's fee, and why none can take it.

    ``state``: where the parcel is, from :func:`locked_state`.
    """
    options = []
    for t in terms if province is not None else ():
        q = quote(t, province, weight_g, dims_cm)
        chosen = q.courier == courier
        if chosen:
            reason, why = _("Parcel {parcel} {state}.").format(parcel=parcel_id, state=state), None
        elif not q.ok:
            reason, why = q.message, Exclusion(q.refusal.value)
        else:
            reason = _("The parcel {state}; its courier can no longer change.").format(state=state)
            why = Exclusion.LOCKED
        options.append(CourierOption(q.courier, q.fee, q.chargeable_g, chosen, why, reason))
    options.sort(key=_by_fee)
    if fee is None:
        summary = _(
            "Parcel {parcel} {state}; its courier can no longer change "
            "and `hub assign` leaves it alone."
        ).format(parcel=parcel_id, state=state)
    else:
        summary = _(
            "Parcel {parcel} {state} at {fee}; its courier can no longer change "
            "and `hub assign` leaves it alone."
        ).format(parcel=parcel_id, state=state, fee=money(fee))
    return Explanation(
        parcel_id=parcel_id,
        courier=courier,
        fee=fee,
        fixed=fixed,
        unassigned_reason=None,
        options=tuple(options),
        summary=summary,
    )


# ------------------------------------------------------------ notes and sentences


def why_won(result: AssignmentResult, assignment: Assignment) -> str:
    """Why the parcel went to its courier, in a few words (the explanation's short form)."""
    ctx = result._context
    courier = assignment.courier
    if assignment.fixed:
        return _("it carries a {courier} tracking number").format(courier=courier)
    # the waiting counts in the note only when it decided something: a shortage
    waited = waited_words(ctx.parcels[assignment.parcel_id].waited_days) if ctx.short else ""
    why = _why_free(ctx, assignment)
    return ("；" if is_chinese() else "; ").join(part for part in (why, waited) if part)


def _why_free(ctx: _Context, assignment: Assignment) -> str:
    courier = assignment.courier
    fee = assignment.fee
    fees, chosen_fen = ctx.fees[assignment.parcel_id], fen(fee)
    if not any(0 <= other < chosen_fen for other in fees):  # most parcels: no quotes needed
        return _("the cheapest courier that takes it")
    cheaper = [q for q in _quotes(ctx, ctx.parcels[assignment.parcel_id]) if q.ok and q.fee < fee]
    if not cheaper:
        return _("the cheapest courier that takes it")
    parts = [
        _("{courier} ({fee}) had no capacity left").format(courier=q.courier, fee=money(q.fee))
        for q in sorted(cheaper, key=lambda q: q.fee)
        if _exclusion(ctx, q, courier, fee, False) is Exclusion.CAPACITY_FULL
    ]
    if len(parts) < len(cheaper):
        tally = ctx.tally[courier]
        parts.append(
            _("{courier} needed it for its minimum share of {share} ({n} parcels)").format(
                courier=courier, share=f"{tally.min_share_decimal:.0%}", n=tally.min_parcels
            )
        )
    return ("；" if is_chinese() else "; ").join(parts)


def assigned_note(result: AssignmentResult, assignment: Assignment, was: str | None) -> str:
    """The note of a parcel's ``assign`` event: ``JT, 7.10 yuan: the cheapest courier ...``."""
    why = why_won(result, assignment)
    if assignment.fee is None:
        note = _("{courier}, no tariff: {why}").format(courier=assignment.courier, why=why)
    else:
        note = _("{courier}, {fee}: {why}").format(
            courier=assignment.courier, fee=money(assignment.fee), why=why
        )
    if was:
        note = _("{note} (was {courier})").format(note=note, courier=was)
    return note


def resort_sentence(parcel_no: str, was: str, now: str | None) -> str:
    """What the operator does with a parcel at the hub whose courier a run changed."""
    if now is None:
        return _("Take {parcel} out of {was}'s cage: it has no courier now.").format(
            parcel=parcel_no, was=was
        )
    return _("Move {parcel} from {was}'s cage to {now}'s.").format(
        parcel=parcel_no, was=was, now=now
    )


def unassigned_note(detail: str, was: str | None) -> str:
    """The note of the ``assign`` event that takes a parcel's courier away."""
    return _("no courier (was {courier}): {detail}").format(courier=was, detail=detail)


def baseline_sentence(first: str | None) -> str:
    return _(BASELINE_SENTENCE).format(first=first or _("no courier"))


def saving_sentence(saving_fen: int) -> str:
    """What the run saves against the baseline, or what capacity and shares cost."""
    amount = _("{amount} yuan").format(amount=yuan_text(abs(saving_fen)))
    if saving_fen >= 0:
        return _("Saving against the baseline: {amount}.").format(amount=amount)
    return _(
        "This assignment costs {amount} more than the baseline: that is what the "
        "couriers' capacity and agreed minimum shares cost today."
    ).format(amount=amount)
