"""The round's own state machine.

    planned --start--> started --finish--> finished
    planned --replan--> (replaced by a new plan)

A planned round may be replaced by a new plan of its day; a started round's van is
on the road; a finished round has been reconciled stop by stop.

What a round holds (``holds_van``, ``claim_on``) is ruled here once: a started round
holds its van until its planned return and its parcels; a re-plan of a day with
started rounds plans the vans free after them and the parcels they do not carry.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from logistics.domain.words import Word
from logistics.errors import RuleBroken
from logistics.i18n import N_, _


class RoundStatus(Word):
    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"

    @classmethod
    def _labels(cls):
        return _LABELS


class RoundAction(StrEnum):
    START = "start"
    FINISH = "finish"
    REPLAN = "replan"


_LABELS = {
    RoundStatus.PLANNED: N_("planned"),
    RoundStatus.STARTED: N_("started"),
    RoundStatus.FINISHED: N_("finished"),
}

_MOVES: dict[RoundAction, tuple[RoundStatus, RoundStatus]] = {
    RoundAction.START: (RoundStatus.PLANNED, RoundStatus.STARTED),
    RoundAction.FINISH: (RoundStatus.STARTED, RoundStatus.FINISHED),
    RoundAction.REPLAN: (RoundStatus.PLANNED, RoundStatus.PLANNED),
}


def allows(status: RoundStatus | str, action: RoundAction) -> bool:
    """Whether ``action`` may happen to a round in ``status``."""
    return RoundStatus(status) is _MOVES[action][0]


def apply(
    status: RoundStatus | str,
    action: RoundAction,
    *,
    round_no: str,
    service_date: date | None = None,
    van: str | None = None,
) -> RoundStatus:
    """The round's state after ``action``, or RuleBroken with the sentence that says why not.

    ``service_date`` and ``van`` name the round more fully in a re-plan refusal, which
    the planner gives for a whole day.
    """
    status = RoundStatus(status)
    source, target = _MOVES[action]
    if status is source:
        return target
    if action is RoundAction.START:
        raise RuleBroken(
            _("Round {round} is already {status}: only a planned round can be started.").format(
                round=round_no, status=status.label
            )
        )
    if action is RoundAction.FINISH:
        if status is RoundStatus.PLANNED:
            message = _(
                "Round {round} is {status}: only a started round can be finished (start it first)."
            )
        else:
            message = _(
                "Round {round} is {status}: only a started round can be finished (it is done)."
            )
        raise RuleBroken(message.format(round=round_no, status=status.label))
    if service_date is not None and van:
        message = _(
            "Round {round} of {date} has {status} ({van}): "
            "the day's plan can no longer be replaced."
        )
    elif service_date is not None:
        message = _(
            "Round {round} of {date} has {status}: the day's plan can no longer be replaced."
        )
    elif van:
        message = _("Round {round} has {status} ({van}): the day's plan can no longer be replaced.")
    else:
        message = _("Round {round} has {status}: the day's plan can no longer be replaced.")
    raise RuleBroken(
        message.format(round=round_no, date=service_date, status=status.label, van=van)
    )


def check_scan(status: RoundStatus | str, *, round_no: str) -> None:
    """A scan is noted on a round only while its van is on the road (started); else
    RuleBroken with the sentence that says why not."""
    status = RoundStatus(status)
    if status is RoundStatus.PLANNED:
        raise RuleBroken(
            _(
                "Round {round} has not started: a scan is noted only on a round on the road "
                "(`hub round start {round}` as the van leaves)."
            ).format(round=round_no)
        )
    if status is RoundStatus.FINISHED:
        raise RuleBroken(
            _(
                "Round {round} is already finished: a scan is noted only on a round on the road."
            ).format(round=round_no)
        )


# ---------------------------------------------------------------- what a round holds


def holds_van(status: RoundStatus | str) -> bool:
    """A started round holds its van until its planned return (it is on the road); a
    planned round holds nothing yet, a finished one nothing any more."""
    return RoundStatus(status) is RoundStatus.STARTED


def van_back(
    status: RoundStatus | str, planned_end: datetime, finished_at: datetime | None
) -> datetime | None:
    """When a round of the day gives its van back for another round: a started round
    at its planned return, a finished one when it came back; a planned round (which a
    new plan replaces) None."""
    status = RoundStatus(status)
    if holds_van(status):
        return planned_end
    if status is RoundStatus.FINISHED:
        return finished_at or planned_end
    return None


class Claim(StrEnum):
    """What a plan of one day may do with a parcel already on a round."""

    FREE = "free"
    """Plan it: it is on no round, on the day's own unstarted plan (which is replaced),
    on a finished round that did not collect it, or on a past day's plan never driven."""
    KEEP = "keep"
    """Leave it: it is on a van's way (a started round), or an earlier day's plan (today
    or later) has it."""
    MOVE = "move"
    """Plan it and say so: a later day's unstarted plan has it, and this day comes first."""


def claim_on(status: RoundStatus | str, round_day: date, day: date, today: date) -> Claim:
    """What the plan of ``day`` may do with a parcel on a round of ``round_day`` in
    ``status`` (``today`` is the hub's local day).

    A started round holds its parcels; a finished one holds none (what it did not
    collect waits again). A planned round of the same day is being replaced; of a later
    day it gives its parcels up to the earlier day (they are moved, and the plan says
    so); of an earlier day it keeps them, unless that day is past and the plan was never
    driven.
    """
    status = RoundStatus(status)
    if status is RoundStatus.STARTED:
        return Claim.KEEP
    if status is RoundStatus.FINISHED or round_day == day:
        return Claim.FREE
    if round_day > day:
        return Claim.MOVE
    return Claim.KEEP if round_day >= today else Claim.FREE
