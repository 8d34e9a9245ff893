"""The rules of a day with more work than the vans carry (Double 11): how many rounds a
van makes, how a station's work is cut so every van leaves full, and what the plan
says of the work left."""

from logistics.domain import carry_over, waves


def test_the_four_rounds_are_an_ordinary_days_and_a_peak_day_goes_on():
    assert waves.rounds_left(0) == waves.MAX_WAVES == 4
    assert waves.rounds_left(4) == 0
    assert waves.rounds_left(4, peak=True) == waves.PEAK_MAX_WAVES - 4 > 0
    assert waves.rounds_left(waves.PEAK_MAX_WAVES + 1, peak=True) == 0


def test_a_stations_work_is_cut_at_each_size_of_free_van():
    vans = [(150, 1_200_000), (220, 1_800_000), (100, 800_000), (150, 1_200_000)]
    assert waves.load_steps(vans) == [(100, 800_000), (150, 1_200_000), (220, 1_800_000)]
    # pieces of 100, 50 and 70: any van takes a full load of its size from one station
    assert waves.load_steps([(220, 1_800_000)]) == [(220, 1_800_000)]


def test_a_step_is_never_below_the_one_before_in_either_unit():
    # a van with more parcels but fewer kg than another: the kg never step back
    steps = waves.load_steps([(100, 900_000), (150, 600_000), (150, 900_000)])
    assert steps == [(100, 900_000), (150, 900_000)]


def test_the_reasons_say_what_stopped_the_plan():
    back = 15 * 3600 + 1800
    reasons = carry_over.CarryOverReasons(back)
    reasons.most_rounds([1], 12, peak=True)
    reasons.closed(2, 11 * 3600)
    reasons.plan_ended(3)
    assert reasons.of(1) == (
        "every van that could still serve it already makes 12 rounds that day: on a day with "
        "more work than the vans can carry, the plan stops at 12 rounds a van"
    )
    assert reasons.of(2) == (
        "a van could serve it, but the vans' time until it closed at 11:00 went to other "
        "stations' work"
    )
    assert reasons.of(3) == (
        "a van is still free to serve it before the 15:30 return, but the planner's search "
        "ended without it; plan again with a longer --time-limit"
    )
    reasons.cannot(2, "no van is big enough for one visit")  # what cannot be done comes first
    assert reasons.of(2) == "no van is big enough for one visit"
