"""The km a round drove: given at the finish (--km or the odometer), or later on the
finished round; refused when no van drives it; shown against the planned km."""

from __future__ import annotations

import pytest
from sqlmodel import select

from logistics.errors import InvalidInput, RuleBroken
from logistics.models import Round
from logistics.services import planning, round_finish, rounds

OP = "tester"


@pytest.fixture
def started(sample_network, make_parcel):
    """One started round of VAN1 through GD05 and GD06."""
    session = sample_network
    make_parcel("registered", station="GD05", weight_g=2000)
    make_parcel("registered", station="GD06", weight_g=1000)
    summary = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    (planned,) = summary.rounds
    rounds.start_round(session, planned.round_no, operator=OP)
    return session, planned.round_no


def _stored(session) -> Round:
    session.expire_all()
    return session.exec(select(Round)).one()


def test_finish_with_km_keeps_the_distance(started):
    session, round_no = started
    result = round_finish.finish_round(session, round_no, operator=OP, km=48.5)
    assert result.driven_m == 48_500 and result.planned_m == _stored(session).planned_m
    stored = _stored(session)
    assert stored.status == "finished" and stored.driven_m == 48_500
    record = rounds.show_round(session, round_no)
    assert str(record["driven_km"]) == "48.5"
    planned = stored.planned_m
    assert record["driven_vs_planned_pct"] == round((48_500 - planned) * 100 / planned, 1)


def test_finish_with_the_odometer_keeps_both_readings(started):
    session, round_no = started
    round_finish.finish_round(
        session, round_no, operator=OP, odometer_out=12034.5, odometer_in=12083.0
    )
    stored = _stored(session)
    assert (stored.driven_m, stored.odometer_out_km, stored.odometer_in_km) == (
        48_500,
        12034.5,
        12083.0,
    )


def test_finish_without_km_is_allowed_and_records_none(started):
    session, round_no = started
    result = round_finish.finish_round(session, round_no, operator=OP)
    assert result.driven_m is None
    assert _stored(session).driven_m is None
    assert rounds.show_round(session, round_no)["driven_km"] is None


def test_a_wrong_distance_leaves_the_round_started(started):
    session, round_no = started
    with pytest.raises(InvalidInput, match="does not agree with the odometer"):
        round_finish.finish_round(
            session, round_no, operator=OP, km=60, odometer_out=12034.5, odometer_in=12083.0
        )
    with pytest.raises(InvalidInput, match="-2 is not a distance"):
        round_finish.finish_round(session, round_no, operator=OP, km=-2)
    with pytest.raises(InvalidInput, match="at most 10 times the planned km"):
        round_finish.finish_round(session, round_no, operator=OP, km=1999)
    stored = _stored(session)
    assert stored.status == "started" and stored.driven_m is None


def test_the_km_of_a_finished_round_are_recorded_later(started):
    session, round_no = started
    round_finish.finish_round(session, round_no, operator=OP)
    result = round_finish.record_distance(session, round_no, km=48.5)
    assert (result.driven_m, result.replaced_m) == (48_500, None)
    corrected = round_finish.record_distance(
        session, round_no, odometer_out=100.0, odometer_in=147.2
    )
    assert (corrected.driven_m, corrected.replaced_m) == (47_200, 48_500)
    assert _stored(session).driven_m == 47_200
    with pytest.raises(RuleBroken, match="is already finished with 47.2 km recorded"):
        round_finish.finish_round(session, round_no, operator=OP, km=50)
    with pytest.raises(InvalidInput, match="give the km it drove"):
        round_finish.record_distance(session, round_no)


def test_a_finish_with_km_of_a_round_finished_without_them_says_how_to_record_them(started):
    session, round_no = started
    round_finish.finish_round(session, round_no, operator=OP)
    with pytest.raises(RuleBroken, match="is already finished: record the km"):
        round_finish.finish_round(session, round_no, operator=OP, km=50)


def test_the_km_of_a_round_not_finished_wait_for_its_finish(started):
    session, round_no = started
    with pytest.raises(RuleBroken, match="not finished: its km are recorded as it finishes"):
        round_finish.record_distance(session, round_no, km=48.5)
