"""What a scan answers: the scan verdict at the hub and the load check's outcome."""

from __future__ import annotations

from enum import StrEnum


class ScanVerdict(StrEnum):
    """The answer to one ``hub scan``: the step was made, was already made, or refused."""

    DONE = "done"
    ALREADY = "already"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return _SCAN_LABELS[self]


class LoadOutcome(StrEnum):
    """The answer to one scan of the courier driver's load check (stored per scan)."""

    LOADED = "loaded"
    REPEAT = "repeat"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return _LOAD_LABELS[self]


_SCAN_LABELS = {
    ScanVerdict.DONE: "done",
    ScanVerdict.ALREADY: "already",
    ScanVerdict.REFUSED: "refused",
}
_LOAD_LABELS = {
    LoadOutcome.LOADED: "loaded",
    LoadOutcome.REPEAT: "repeat",
    LoadOutcome.REFUSED: "refused",
}
