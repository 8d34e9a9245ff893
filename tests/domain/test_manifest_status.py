"""The manifest's state machine: every allowed move and every refusal, without a database."""

from __future__ import annotations

import pytest

from logistics.domain import manifest_status
from logistics.domain.manifest_status import ManifestAction, ManifestStatus, read_status
from logistics.errors import InvalidInput, RuleBroken

OPEN, CLOSED, HANDED_OVER = ManifestStatus.OPEN, ManifestStatus.CLOSED, ManifestStatus.HANDED_OVER
NO = "M-ZTO-20261123-1"


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (OPEN, ManifestAction.BUILD, OPEN),
        (OPEN, ManifestAction.CLOSE, CLOSED),
        (CLOSED, ManifestAction.LOAD_CHECK, CLOSED),
        (CLOSED, ManifestAction.HAND_OVER, HANDED_OVER),
    ],
)
def test_allowed_moves(status, action, after):
    assert manifest_status.apply(status, action, manifest_no=NO) is after
    # the stored text works as well as the enum
    assert manifest_status.apply(str(status), action, manifest_no=NO) is after


@pytest.mark.parametrize(
    ("status", "action", "sentence"),
    [
        (
            CLOSED,
            ManifestAction.BUILD,
            f"Manifest {NO} is already closed: nothing can be added or removed any more.",
        ),
        (
            HANDED_OVER,
            ManifestAction.BUILD,
            f"Manifest {NO} is already handed over: nothing can be added or removed any more.",
        ),
        (
            CLOSED,
            ManifestAction.CLOSE,
            f"Manifest {NO} is already closed: nothing can be added or removed any more.",
        ),
        (
            HANDED_OVER,
            ManifestAction.CLOSE,
            f"Manifest {NO} is already handed over: nothing can be added or removed any more.",
        ),
        (
            OPEN,
            ManifestAction.LOAD_CHECK,
            f"Manifest {NO} is still open: close it (`hub manifest close {NO}`) "
            "before the load check.",
        ),
        (
            HANDED_OVER,
            ManifestAction.LOAD_CHECK,
            f"Manifest {NO} was already handed over: its load check is finished.",
        ),
        (
            OPEN,
            ManifestAction.HAND_OVER,
            f"Manifest {NO} is still open: close it and check the load before handing it over.",
        ),
        (HANDED_OVER, ManifestAction.HAND_OVER, f"Manifest {NO} was already handed over."),
    ],
)
def test_refusals_are_one_sentence(status, action, sentence):
    with pytest.raises(RuleBroken) as refused:
        manifest_status.apply(status, action, manifest_no=NO)
    assert str(refused.value) == sentence


def test_every_state_and_action_is_either_a_move_or_a_refusal():
    for status in ManifestStatus:
        for action in ManifestAction:
            try:
                after = manifest_status.apply(status, action, manifest_no=NO)
            except RuleBroken as refused:
                assert str(refused).startswith(f"Manifest {NO} ")
            else:
                assert after in ManifestStatus


def test_a_second_handover_names_whom_the_load_went_to():
    with pytest.raises(RuleBroken) as refused:
        manifest_status.apply(
            HANDED_OVER,
            ManifestAction.HAND_OVER,
            manifest_no=NO,
            handed_over_to="王大力 (晋E12345) at 2026-11-23 17:05",
        )
    assert str(refused.value) == (
        f"Manifest {NO} was already handed over to 王大力 (晋E12345) at 2026-11-23 17:05."
    )


def test_labels_and_stored_values():
    assert [s.value for s in ManifestStatus] == ["open", "closed", "handed_over"]
    assert HANDED_OVER.label == "handed over"
    assert ManifestStatus.label_of("closed") == "closed"
    assert ManifestStatus.label_of("lost") == "lost"


@pytest.mark.parametrize(
    "typed",
    [
        "handed_over",
        "Handed-Over",
        " handed over ",
        "HANDED_OVER",
        "已交接",
        "ｈａｎｄｅｄ＿ｏｖｅｒ",
    ],
)
def test_a_typed_status_is_read_in_any_case_and_spelling(typed):
    assert read_status(typed) is HANDED_OVER


def test_an_unknown_typed_status_is_one_sentence():
    with pytest.raises(InvalidInput) as wrong:
        read_status("opened")
    assert str(wrong.value) == (
        "'opened' is not a manifest status: expected one of open, closed, handed_over."
    )
