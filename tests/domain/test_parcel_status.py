import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.parcel_status import (
    FINAL,
    INBOUND_STATES,
    OUTBOUND_STATES,
    SCAN_ACTIONS,
    Action,
    Direction,
    Status,
    allowed_actions,
    apply,
    initial_status,
    parse_action,
)
from logistics.errors import InvalidInput, RuleBroken

OUT, IN = Direction.OUTBOUND, Direction.INBOUND


def walk(direction, status, *actions):
    held_from = None
    for action in actions:
        outcome = apply(direction, status, action, held_from, label="P20261123-00001")
        if outcome.held_from is not None:
            held_from = outcome.held_from
        status = outcome.status
    return status


def test_outbound_happy_path():
    assert initial_status(OUT) is Status.REGISTERED
    assert walk(OUT, "registered", "collect", "arrive", "manifest", "handover") == "handed_over"


def test_walk_in_goes_straight_to_the_hub():
    outcome = apply(OUT, Status.REGISTERED, Action.ARRIVE)
    assert outcome.changed and outcome.status is Status.AT_HUB


def test_inbound_path_and_return():
    assert initial_status(IN) is Status.ARRIVED_HUB
    assert walk(IN, "arrived_hub", "dispatch", "at-station", "picked-up") == "picked_up"
    assert walk(IN, "arrived_hub", "dispatch", "at-station", "return") == "returned"
    assert walk(IN, "arrived_hub", "at-station") == "at_station"


def test_arrive_inbound_creates_a_parcel_the_hub_did_not_know():
    outcome = apply(IN, None, "arrive-inbound")
    assert outcome.status is Status.ARRIVED_HUB and outcome.changed


def test_repeat_scan_changes_nothing_and_says_so():
    outcome = apply(OUT, "at_hub", "arrive")
    assert not outcome.changed and outcome.repeat
    assert outcome.status is Status.AT_HUB
    assert outcome.describe("P20261123-00042") == (
        "Parcel P20261123-00042 is already at the hub, nothing changed."
    )
    assert apply(OUT, "held", "hold").repeat
    assert apply(OUT, "at_hub", "release").repeat  # released twice
    assert apply(IN, "at_station", "at-station").repeat


@pytest.mark.parametrize("start", ["registered", "collected", "at_hub"])
def test_hold_and_release_returns_to_where_it_was(start):
    held = apply(OUT, start, "hold")
    assert held.status is Status.HELD and held.held_from == start and not held.leaves_manifest
    released = apply(OUT, "held", "release", held.held_from)
    assert released.status == start
    assert released.describe("P1") == f"Parcel P1 is now {Status(start).label}."


def test_holding_a_manifested_parcel_takes_it_off_the_manifest():
    held = apply(OUT, "manifested", "hold")
    assert held.leaves_manifest and held.held_from is Status.AT_HUB
    assert apply(OUT, "held", "release", held.held_from).status is Status.AT_HUB
    assert apply(OUT, "held", "release", "manifested").status is Status.AT_HUB


def test_inbound_hold_and_release():
    held = apply(IN, "at_station", "hold")
    assert apply(IN, "held", "release", held.held_from).status is Status.AT_STATION


def test_handover_before_reaching_the_hub_is_refused_with_a_sentence():
    with pytest.raises(RuleBroken) as info:
        apply(OUT, "registered", "handover", label="P20261123-00042")
    assert str(info.value) == (
        "Parcel P20261123-00042 is registered, so it cannot be handed over; "
        "allowed next: collect, arrive, hold, cancel."
    )


def test_cancel_of_a_manifested_parcel_needs_unmanifest_first():
    with pytest.raises(RuleBroken) as info:
        apply(OUT, "manifested", "cancel", label="P1")
    assert "before it is taken off its manifest" in str(info.value)
    assert "unmanifest" in str(info.value)
    back = apply(OUT, "manifested", "unmanifest")
    assert back.status is Status.AT_HUB and back.leaves_manifest
    assert apply(OUT, back.status, "cancel").status is Status.CANCELLED


@pytest.mark.parametrize("start", ["registered", "collected", "at_hub", "held"])
def test_cancel_before_manifest(start):
    assert apply(OUT, start, "cancel", "registered").status is Status.CANCELLED


def test_final_states_allow_nothing():
    for status in FINAL:
        direction = OUT if status in OUTBOUND_STATES else IN
        assert allowed_actions(direction, status) == []
        with pytest.raises(RuleBroken, match="nothing more can be done to it"):
            apply(direction, status, "hold", label="P1")


def test_scan_of_the_other_direction_is_refused():
    with pytest.raises(RuleBroken) as info:
        apply(IN, "at_station", "collect", label="JT0001")
    assert str(info.value) == (
        "Parcel JT0001 is an inbound parcel at the station, so it cannot be collected; "
        "allowed next: picked-up, return, hold."
    )


def test_unknown_parcel_and_unknown_action():
    with pytest.raises(RuleBroken, match="Parcel P9 is not known to the hub"):
        apply(OUT, None, "collect", label="P9")
    with pytest.raises(InvalidInput, match="'fly' is not a scan action: expected one of collect"):
        parse_action("fly")
    assert parse_action(" AT_STATION ") is Action.AT_STATION
    assert parse_action("picked up") is Action.PICKED_UP
    assert {a.value for a in SCAN_ACTIONS} >= {"collect", "arrive", "hold", "release", "cancel"}


def test_release_of_a_held_parcel_needs_held_from():
    with pytest.raises(ValueError):
        apply(OUT, "held", "release")


@given(
    direction=st.sampled_from(list(Direction)),
    actions=st.lists(st.sampled_from(list(Action)), max_size=12),
)
def test_any_sequence_keeps_a_valid_state_and_refuses_with_a_sentence(direction, actions):
    states = OUTBOUND_STATES if direction is OUT else INBOUND_STATES
    status, held_from = initial_status(direction), None
    for action in actions:
        try:
            outcome = apply(direction, status, action, held_from, label="P1")
        except RuleBroken as error:
            message = str(error)
            assert message.startswith("Parcel P1 is ") and message.endswith(".")
            continue
        assert outcome.status in states
        assert outcome.previous is status
        assert outcome.changed == (outcome.status is not status)
        if outcome.changed:
            assert status not in FINAL
        if outcome.held_from is not None:
            held_from = outcome.held_from
        status = outcome.status


@pytest.mark.parametrize("status", list(Status))
def test_every_state_is_read_by_its_code_english_and_chinese_words(status):
    from logistics import i18n

    typed = [status.value, status.value.upper().replace("_", "-"), status.label]
    i18n.use("zh")
    try:
        typed.append(status.label)
    finally:
        i18n.use("en")
    assert [Status.parse(t) for t in typed] == [status] * 4


@pytest.mark.parametrize(
    ("typed", "direction"),
    [("outbound", OUT), ("寄出", OUT), ("出港", OUT), ("Inbound", IN), ("进港", IN), ("派送", IN)],
)
def test_a_direction_is_read_by_its_code_and_the_glossary_s_words(typed, direction):
    assert Direction.parse(typed) is direction


def test_an_unknown_state_lists_the_choices_in_the_chosen_language():
    from logistics import i18n

    with pytest.raises(InvalidInput, match="expected one of registered, collected, at_hub"):
        Status.parse("nope")
    i18n.use("zh")
    try:
        with pytest.raises(InvalidInput, match="应为以下之一：寄出、进港。"):
            Direction.parse("往外")
    finally:
        i18n.use("en")
