"""The manifest's own state machine.

    open --close--> closed --hand over--> handed_over

An open manifest takes and drops parcels (``build``); closing locks its list and
marks its parcels manifested; the courier driver checks the load of a closed
manifest and signs for it at handover. Nothing changes a handed-over manifest.
"""

from __future__ import annotations

from enum import StrEnum

from logistics.errors import RuleBroken


class ManifestStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    HANDED_OVER = "handed_over"

    @property
    def label(self) -> str:
        """How the state reads in a sentence: ``open``, ``handed over``."""
        return _LABELS[self]

    @classmethod
    def label_of(cls, stored: str) -> str:
        try:
            return cls(stored).label
        except ValueError:
            return str(stored)


class ManifestAction(StrEnum):
    BUILD = "build"  # add or drop parcels
    CLOSE = "close"
    LOAD_CHECK = "load"
    HAND_OVER = "handover"


_LABELS = {
    ManifestStatus.OPEN: "open",
    ManifestStatus.CLOSED: "closed",
    ManifestStatus.HANDED_OVER: "handed over",
}

# action -> (the one state it may start from, the state it leads to)
_MOVES: dict[ManifestAction, tuple[ManifestStatus, ManifestStatus]] = {
    ManifestAction.BUILD: (ManifestStatus.OPEN, ManifestStatus.OPEN),
    ManifestAction.CLOSE: (ManifestStatus.OPEN, ManifestStatus.CLOSED),
    ManifestAction.LOAD_CHECK: (ManifestStatus.CLOSED, ManifestStatus.CLOSED),
    ManifestAction.HAND_OVER: (ManifestStatus.CLOSED, ManifestStatus.HANDED_OVER),
}


def apply(
    status: ManifestStatus | str, action: ManifestAction, *, manifest_no: str
) -> ManifestStatus:
    """The manifest's state after ``action``, or RuleBroken with the sentence that says why not."""
    status = ManifestStatus(status)
    source, target = _MOVES[action]
    if status is source:
        return target
    raise RuleBroken(_refusal(status, action, manifest_no))


def _refusal(status: ManifestStatus, action: ManifestAction, no: str) -> str:
    if status is ManifestStatus.OPEN:
        if action is ManifestAction.LOAD_CHECK:
            return (
                f"Manifest {no} is still open: close it (`hub manifest close {no}`) "
                "before the load check."
            )
        return f"Manifest {no} is still open: close it and check the load before handing it over."
    if status is ManifestStatus.HANDED_OVER:
        if action is ManifestAction.LOAD_CHECK:
            return f"Manifest {no} was already handed over: its load check is finished."
        if action is ManifestAction.HAND_OVER:
            return f"Manifest {no} was already handed over."
    return f"Manifest {no} is already {status.label}: nothing can be added or removed any more."
