"""The round's own state machine.

    planned --start--> started --finish--> finished
    planned --replan--> (replaced by a new plan)

A planned round may be replaced by a new plan of its day; a started round's van is
on the road; a finished round has been reconciled stop by stop.
"""

from __future__ import annotations

from enum import StrEnum

from logistics.errors import RuleBroken


class RoundStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"

    @property
    def label(self) -> str:
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
    RoundStatus.PLANNED: "planned",
    RoundStatus.STARTED: "started",
    RoundStatus.FINISHED: "finished",
}

_MOVES: dict[RoundAction, tuple[RoundStatus, RoundStatus]] = {
    RoundAction.START: (RoundStatus.PLANNED, RoundStatus.STARTED),
    RoundAction.FINISH: (RoundStatus.STARTED, RoundStatus.FINISHED),
    RoundAction.REPLAN: (RoundStatus.PLANNED, RoundStatus.PLANNED),
}


def apply(status: RoundStatus | str, action: RoundAction, *, round_no: str) -> RoundStatus:
    """The round's state after ``action``, or RuleBroken with the sentence that says why not."""
    status = RoundStatus(status)
    source, target = _MOVES[action]
    if status is source:
        return target
    if action is RoundAction.START:
        raise RuleBroken(
            f"Round {round_no} is already {status.label}: only a planned round can be started."
        )
    if action is RoundAction.FINISH:
        hint = "start it first" if status is RoundStatus.PLANNED else "it is done"
        raise RuleBroken(
            f"Round {round_no} is {status.label}: only a started round can be finished ({hint})."
        )
    raise RuleBroken(
        f"Round {round_no} has {status.label}: the day's plan can no longer be replaced."
    )
