"""The manifest's own state machine.

    open --close--> closed --hand over--> handed_over

An open manifest takes and drops parcels (``build``); closing locks its list and
marks its parcels manifested; the courier driver checks the load of a closed
manifest and signs for it at handover. Nothing changes a handed-over manifest.
"""

from __future__ import annotations

from enum import StrEnum

from logistics.domain.parcel_status import choice_words, read_word
from logistics.domain.words import Word
from logistics.errors import InvalidInput, RuleBroken
from logistics.i18n import N_, _


class ManifestStatus(Word):
    OPEN = "open"
    CLOSED = "closed"
    HANDED_OVER = "handed_over"

    @classmethod
    def _labels(cls):
        return _LABELS


class ManifestAction(StrEnum):
    BUILD = "build"  # add or drop parcels
    CLOSE = "close"
    LOAD_CHECK = "load"
    HAND_OVER = "handover"


_LABELS = {
    ManifestStatus.OPEN: N_("open"),
    ManifestStatus.CLOSED: N_("closed"),
    ManifestStatus.HANDED_OVER: N_("handed over"),
}

# action -> (the one state it may start from, the state it leads to)
_MOVES: dict[ManifestAction, tuple[ManifestStatus, ManifestStatus]] = {
    ManifestAction.BUILD: (ManifestStatus.OPEN, ManifestStatus.OPEN),
    ManifestAction.CLOSE: (ManifestStatus.OPEN, ManifestStatus.CLOSED),
    ManifestAction.LOAD_CHECK: (ManifestStatus.CLOSED, ManifestStatus.CLOSED),
    ManifestAction.HAND_OVER: (ManifestStatus.CLOSED, ManifestStatus.HANDED_OVER),
}


def read_status(text: str) -> ManifestStatus:
    """A status an operator typed, by its code (``handed-over``, ``Closed``), its English
    words or its Chinese (``已封单``); InvalidInput lists the choices in the chosen language."""
    found = read_word(text, _LABELS)
    if found is None:
        raise InvalidInput(
            _("'{text}' is not a manifest status: expected one of {choices}.").format(
                text=str(text).strip(), choices=choice_words(ManifestStatus)
            )
        )
    return found


def apply(
    status: ManifestStatus | str,
    action: ManifestAction,
    *,
    manifest_no: str,
    handed_over_to: str = "",
) -> ManifestStatus:
    """The manifest's state after ``action``, or RuleBroken with the sentence that says why not.

    ``handed_over_to`` (driver, plate and time) names whom a handed-over manifest went
    to when a second handover is refused, so the operator can find the load.
    """
    status = ManifestStatus(status)
    source, target = _MOVES[action]
    if status is source:
        return target
    raise RuleBroken(_refusal(status, action, manifest_no, handed_over_to))


def _refusal(status: ManifestStatus, action: ManifestAction, no: str, handed_over_to: str) -> str:
    if status is ManifestStatus.OPEN:
        if action is ManifestAction.LOAD_CHECK:
            return _(
                "Manifest {manifest} is still open: close it (`hub manifest close {manifest}`) "
                "before the load check."
            ).format(manifest=no)
        return _(
            "Manifest {manifest} is still open: close it and check the load before handing it over."
        ).format(manifest=no)
    if status is ManifestStatus.HANDED_OVER:
        if action is ManifestAction.LOAD_CHECK:
            return _(
                "Manifest {manifest} was already handed over: its load check is finished."
            ).format(manifest=no)
        if action is ManifestAction.HAND_OVER:
            if handed_over_to:
                return _("Manifest {manifest} was already handed over to {whom}.").format(
                    manifest=no, whom=handed_over_to
                )
            return _("Manifest {manifest} was already handed over.").format(manifest=no)
    if status is ManifestStatus.CLOSED:
        return _(
            "Manifest {manifest} is already closed: nothing can be added or removed any more."
        ).format(manifest=no)
    return _(
        "Manifest {manifest} is already handed over: nothing can be added or removed any more."
    ).format(manifest=no)


def check_export(status: ManifestStatus | str, *, manifest_no: str) -> None:
    """A handover file is written for a closed or handed-over manifest only: an open one
    still takes and drops parcels. RuleBroken says so."""
    if ManifestStatus(status) is ManifestStatus.OPEN:
        raise RuleBroken(
            _(
                "Manifest {manifest} is still open: close it (`hub manifest close {manifest}`) "
                "first, so that the handover file lists exactly the parcels on it."
            ).format(manifest=manifest_no)
        )
