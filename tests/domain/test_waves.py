"""The day's search time shared over the waves, and why work is carried over."""

from datetime import date

import pytest

from logistics.domain import carry_over, waves
from logistics.domain.routing import SearchSettings
from logistics.errors import InvalidInput


def test_the_first_wave_gets_the_biggest_share_and_all_cores():
    settings = SearchSettings(time_limit_s=99, workers=2)
    each = waves.wave_settings(settings, 2.0)
    assert len(each) == waves.MAX_WAVES
    assert [s.time_limit_s for s in each] == pytest.approx([0.9, 0.5, 0.34, 0.26])
    assert each[0].workers == 2 and all(s.workers == 1 for s in each[1:])


def test_no_wave_searches_less_than_the_minimum():
    each = waves.wave_settings(SearchSettings(), 0.6)
    assert min(s.time_limit_s for s in each) == waves.MIN_WAVE_S


def test_a_wave_of_a_few_stations_searches_briefly():
    settings = SearchSettings(time_limit_s=1.0)
    assert waves.for_stations(settings, 2).time_limit_s == waves.SMALL_WAVE_S
    assert waves.for_stations(settings, 30).time_limit_s == pytest.approx(0.6)
    assert waves.for_stations(settings, 500).time_limit_s == 1.0


def test_a_van_back_early_reloads_before_going_out_again():
    assert waves.back_at_hub_s(10 * 3600) == 10 * 3600 + waves.RELOAD_MINUTES * 60


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "2"])
def test_the_time_limit_must_be_a_positive_number(bad):
    with pytest.raises(InvalidInput, match="positive number of seconds"):
        waves.day_time_limit(bad)


def test_the_default_time_limit_is_the_days():
    assert waves.day_time_limit(None) == waves.DAY_TIME_LIMIT_S
    assert waves.day_time_limit(5) == 5.0


def test_waiting_days_count_from_the_oldest_parcel():
    day = date(2026, 11, 23)
    assert carry_over.waiting_days(day, [date(2026, 11, 20), date(2026, 11, 22)]) == 3
    assert carry_over.waiting_days(day, []) == 0
    assert carry_over.waiting_days(day, [date(2026, 11, 24)]) == 0


def test_the_reason_is_the_rule_not_the_wave():
    back = 15 * 3600 + 1800
    reasons = carry_over.CarryOverReasons(back)
    reasons.no_van([1])
    reasons.cannot(2, "opening hours 05:00-06:00 cannot be reached")
    reasons.no_van([5], busy=True)
    assert reasons.of(1) == carry_over.NO_VAN
    assert reasons.of(2) == "opening hours 05:00-06:00 cannot be reached"
    assert reasons.of(5) == (
        "no van is back at the hub in time for another round before the 15:30 return"
    )
    reasons.trimmed(3)
    reasons.trimmed(2)  # what cannot be served at all says so first
    assert reasons.of(3) == carry_over.CAPACITY_TRIM
    assert reasons.of(2) == "opening hours 05:00-06:00 cannot be reached"
    reasons.most_rounds([6], 4)
    assert reasons.of(6) == (
        "every van that could serve it already makes 4 rounds that day, the most a van makes "
        "in a day"
    )
    assert reasons.of(4) == (
        "a van could serve it, but the vans' time until the 15:30 return went to other "
        "stations' work"
    )


def test_a_van_is_free_after_the_rounds_it_is_on():
    start = 7 * 3600
    assert waves.free_from_s(start, []) == start
    assert waves.free_from_s(start, [10 * 3600]) == 10 * 3600 + waves.RELOAD_MINUTES * 60
    assert waves.free_from_s(start, [6 * 3600]) == start


def test_a_vans_started_and_finished_rounds_count_toward_its_rounds_of_the_day():
    assert waves.rounds_left(0) == waves.MAX_WAVES
    assert waves.rounds_left(1) == waves.MAX_WAVES - 1
    assert waves.rounds_left(waves.MAX_WAVES + 1) == 0
