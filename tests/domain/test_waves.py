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


def test_the_first_waves_reason_stands():
    reasons = carry_over.CarryOverReasons()
    reasons.no_van([1], wave=1, latest_return_s=15 * 3600 + 1800)
    reasons.unserved(2, "the van is full")
    reasons.no_van([1, 2, 3], wave=2, latest_return_s=15 * 3600 + 1800)
    assert reasons.of(1) == carry_over.NO_VAN
    assert reasons.of(2) == "the van is full"
    assert reasons.of(3) == (
        "no van is back at the hub in time for another round before the 15:30 return"
    )
    reasons.trimmed(2)
    assert reasons.of(2) == carry_over.CAPACITY_TRIM
    assert reasons.of(4) == carry_over.LEFT_FOR_ANOTHER_DAY
