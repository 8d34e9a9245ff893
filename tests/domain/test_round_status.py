"""A round's life: planned, started, finished; what each step refuses, in words."""

from datetime import date

import pytest

from logistics.domain import round_status
from logistics.domain.round_status import RoundAction, RoundStatus
from logistics.errors import RuleBroken


def test_a_round_is_started_then_finished():
    started = round_status.apply("planned", RoundAction.START, round_no="R-20261123-1")
    assert started is RoundStatus.STARTED
    finished = round_status.apply(started, RoundAction.FINISH, round_no="R-20261123-1")
    assert finished is RoundStatus.FINISHED
    assert finished == "finished"  # stored as before


def test_a_planned_round_may_be_replanned_and_stays_planned():
    assert round_status.allows(RoundStatus.PLANNED, RoundAction.REPLAN)
    assert (
        round_status.apply(RoundStatus.PLANNED, RoundAction.REPLAN, round_no="R-1")
        is RoundStatus.PLANNED
    )


@pytest.mark.parametrize(
    ("status", "action", "words"),
    [
        ("started", RoundAction.START, "Round R-1 is already started: only a planned round"),
        ("finished", RoundAction.START, "Round R-1 is already finished"),
        ("planned", RoundAction.FINISH, "only a started round can be finished (start it first)"),
        ("finished", RoundAction.FINISH, "only a started round can be finished (it is done)"),
        ("started", RoundAction.REPLAN, "Round R-1 has started: the day's plan can no longer"),
    ],
)
def test_a_step_out_of_turn_is_refused_with_a_sentence(status, action, words):
    assert not round_status.allows(status, action)
    with pytest.raises(RuleBroken) as caught:
        round_status.apply(status, action, round_no="R-1")
    message = str(caught.value)
    assert words in message and message.endswith(".") and "\n" not in message


def test_a_replan_refusal_names_the_day_and_the_van():
    with pytest.raises(RuleBroken) as caught:
        round_status.apply(
            "finished",
            RoundAction.REPLAN,
            round_no="R-20261123-2",
            service_date=date(2026, 11, 23),
            van="VAN3",
        )
    assert str(caught.value) == (
        "Round R-20261123-2 of 2026-11-23 has finished (VAN3): "
        "the day's plan can no longer be replaced."
    )


def test_an_unknown_stored_status_is_shown_as_written():
    assert RoundStatus.label_of("started") == "started"
    assert RoundStatus.label_of("lost") == "lost"


def test_a_started_round_holds_its_van_and_parcels():
    from datetime import date, datetime

    from logistics.domain.round_status import Claim, claim_on, holds_van, van_back

    end, back = datetime(2026, 12, 2, 3, 0), datetime(2026, 12, 2, 2, 40)
    assert holds_van("started") and not holds_van("planned") and not holds_van("finished")
    assert van_back("started", end, None) == end
    assert van_back("finished", end, back) == back
    assert van_back("planned", end, None) is None
    today, tomorrow, yesterday = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 1)
    # Planning today:
    assert claim_on("started", today, today, today) is Claim.KEEP
    assert claim_on("planned", today, today, today) is Claim.FREE
    assert claim_on("finished", today, today, today) is Claim.FREE
    assert claim_on("planned", tomorrow, today, today) is Claim.MOVE
    assert claim_on("started", tomorrow, today, today) is Claim.KEEP
    assert claim_on("planned", yesterday, today, today) is Claim.FREE  # never driven
    # Planning tomorrow leaves today's plan alone:
    assert claim_on("planned", today, tomorrow, today) is Claim.KEEP
