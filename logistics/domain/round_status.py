"""The round's own state machine.

    planned --start--> started --finish--> finished
    planned --replan--> (replaced by a new plan)

A planned round may be replaced by a new plan of its day; a started round's van is
on the road; a finished round has been reconciled stop by stop.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from logistics.errors import RuleBroken
from logistics.i18n import N_, _


class RoundStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        """How the state reads in a sentence, in the chosen language: ``started``, ``已出车``."""
        return _(_LABELS[self])

    @property
    def english(self) -> str:
        """The English words whatever the language (the English half of bilingual paper)."""
        return _LABELS[self]

    @classmethod
    def label_of(cls, stored: str) -> str:
        try:
            return cls(stored).label
        except ValueError:
            return str(stored)


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
