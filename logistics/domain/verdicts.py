"""What a scan answers: the scan verdict at the hub and the load check's outcome."""

from __future__ import annotations

from logistics.domain.words import Word
from logistics.i18n import N_


class ScanVerdict(Word):
    """The answer to one ``hub scan``: the step was made, was already made, or refused."""

    DONE = "done"
    ALREADY = "already"
    REFUSED = "refused"

    @classmethod
    def _labels(cls):
        return _SCAN_LABELS


class LoadOutcome(Word):
    """The answer to one scan of the courier driver's load check (stored per scan)."""

    LOADED = "loaded"
    REPEAT = "repeat"
    REFUSED = "refused"

    @classmethod
    def _labels(cls):
        return _LOAD_LABELS


_SCAN_LABELS = {
    ScanVerdict.DONE: N_("done"),
    ScanVerdict.ALREADY: N_("already"),
    ScanVerdict.REFUSED: N_("refused"),
}
_LOAD_LABELS = {
    LoadOutcome.LOADED: N_("loaded"),
    LoadOutcome.REPEAT: N_("repeat"),
    LoadOutcome.REFUSED: N_("refused"),
}
