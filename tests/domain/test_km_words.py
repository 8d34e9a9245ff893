"""What a user trial found in the km of a round, the dates and the peak words (issue 16,
round km): km typed as people type them, one rule for a distance, the name of what was
typed, the bounds the road learning uses, 12月2号, 双十一."""

from __future__ import annotations

from datetime import date

import pytest

from logistics.domain import road_factors
from logistics.domain.clock import read_day
from logistics.errors import InvalidInput
from logistics.sample.generator import DOUBLE11, peak_named


def _metres(km=None, out=None, back=None, *, km_name="--km", planned_m=40_000):
    return road_factors.driven_metres(
        km=km,
        odometer_out=out,
        odometer_in=back,
        planned_m=planned_m,
        round_no="R-1",
        km_name=km_name,
    )


# ---------------------------------------------------------------- km as typed


@pytest.mark.parametrize(
    ("typed", "km"),
    [
        ("48.5", 48.5),
        ("48.5公里", 48.5),
        ("48.5 公里", 48.5),
        ("48.5 km", 48.5),
        ("48.5KM", 48.5),
        ("48.5千米", 48.5),
        ("５１", 51.0),  # full-width digits of a Chinese input method
        ("４８．５公里", 48.5),
        (" 51 ", 51.0),
        ("12,034.5", 12034.5),  # the odometer as `hub round show` prints it
        ("-3", -3.0),  # read as typed; the rules of a distance refuse it after
    ],
)
def test_km_are_read_as_people_type_them(typed, km):
    assert road_factors.read_km(typed, name="--km", round_no="R-1") == km


def test_a_decimal_comma_is_refused_with_what_was_typed_and_what_to_type():
    with pytest.raises(InvalidInput) as refused:
        road_factors.read_km("48,5", name="--km", round_no="R-1")
    sentence = str(refused.value)
    assert "--km 48,5" in sentence and "48.5" in sentence.replace("48,5", "")
    with pytest.raises(InvalidInput, match="--odometer-in 12083,0 .*12083.0"):
        road_factors.read_km("12083,0", name="--odometer-in", round_no="R-1")


@pytest.mark.parametrize("typed", ["abc", "4_8", "1e3", "nan", "inf", "48.5 miles", "公里"])
def test_what_is_no_number_of_km_is_refused_by_name(typed):
    with pytest.raises(InvalidInput, match=f"Round R-1: KM {typed}.* is not a number of km"):
        road_factors.read_km(typed, name="KM", round_no="R-1")


def test_km_typed_as_text_give_the_metres():
    assert _metres("48.5公里") == 48_500
    assert _metres(out="12,034.5", back="12083.0 km") == 48_500


# ---------------------------------------------------------------- one rule


def test_zero_and_minus_km_say_the_same_rule():
    sentences = []
    for typed in ("0", "-5", 0, -5.0):
        with pytest.raises(InvalidInput) as refused:
            _metres(typed)
        sentences.append(str(refused.value))
    assert all("expected more than 0 km" in s for s in sentences)
    assert "0 or more" not in " ".join(sentences)
    assert "--km 0 " in sentences[0] and "--km -5 " in sentences[1]


def test_the_km_argument_is_named_as_typed():
    with pytest.raises(InvalidInput) as refused:
        _metres("-3", km_name="KM")
    assert "KM -3" in str(refused.value) and "--km" not in str(refused.value)
    with pytest.raises(InvalidInput) as refused:
        _metres("60", "12034.5", "12083.0", km_name="KM")
    assert "KM 60 does not agree" in str(refused.value)


def test_an_odometer_reading_may_be_zero_but_not_minus():
    assert _metres(out="0", back="48.5") == 48_500
    with pytest.raises(InvalidInput, match="--odometer-out -1 .*0 km or more"):
        _metres(out="-1", back="48.5")


# ---------------------------------------------------------------- the learning's bounds


def test_the_learning_uses_what_lies_between_the_straight_line_and_five_times_it():
    assert road_factors.learnable(30.0, 20.0)
    assert road_factors.learnable(19.6, 20.0)  # roads snap a little short
    assert not road_factors.learnable(19.0, 20.0)
    assert road_factors.learnable(100.0, 20.0)
    assert not road_factors.learnable(101.0, 20.0)
    assert not road_factors.learnable(10.0, 0.0)


def test_the_learning_leaves_out_what_learnable_refuses():
    hub = (35.5946, 112.9688)
    places = {"A": (35.59482, 112.95994), "B": (35.49219, 112.97310)}
    line = road_factors.route_straight_km(hub, [places["A"], places["B"]])
    far = road_factors.DrivenRound(("A", "B"), line * 5.5)
    fine = road_factors.DrivenRound(("A", "B"), line * 1.4)
    assert not road_factors.learnable(far.driven_km, line)
    learned = road_factors.learn([far, fine], hub, places, 1.35)
    assert (learned.rounds_used, learned.rounds_left_out) == (1, 1)


# ---------------------------------------------------------------- 12月2号, 双十一


@pytest.mark.parametrize("typed", ["12月2号", "12月2日", "１２月２号", "12 月 2 号"])
def test_a_day_of_the_month_takes_hao_like_ri(typed):
    assert read_day(typed).month_day == (12, 2)


@pytest.mark.parametrize("typed", ["12/3", "12-03", "12/03", "１２／３"])
def test_a_month_and_day_typed_with_a_slash_or_dash_is_taken(typed):
    # A trial's dispatcher typed --date 12/3 for 3 December and was refused.
    assert read_day(typed).month_day == (12, 3)


@pytest.mark.parametrize("typed", ["13/3", "2/30", "12/", "1203"])
def test_a_month_and_day_that_is_no_date_is_refused(typed):
    with pytest.raises(InvalidInput, match="is not a date"):
        read_day(typed)


def test_a_full_date_takes_hao_too():
    assert read_day("2026年12月2号").fixed == date(2026, 12, 2)


@pytest.mark.parametrize("word", ["double11", "Double11", "双十一", "双11", "双１１", " 双十一 "])
def test_the_peak_is_named_in_either_language(word):
    assert peak_named(word) == DOUBLE11


def test_an_unknown_peak_is_none():
    assert peak_named("双十二") is None


@pytest.mark.parametrize(
    ("typed", "month"),
    [("11月", "2026-11"), ("12月", "2026-12"), ("１月份", "2026-01"), ("2026年11月", "2026-11")],
)
def test_a_month_typed_without_its_year_is_the_last_that_has_begun(typed, month, monkeypatch):
    # `hub report monthly --month 11月` was refused (a user trial); 12月 on 2 December is
    # this December, not last year's
    from logistics.domain.clock import read_month

    monkeypatch.setenv("HUB_NOW", "2026-12-02T10:00:00")
    assert read_month(typed) == month


def test_a_month_later_in_the_year_without_its_year_is_last_years(monkeypatch):
    from logistics.domain.clock import read_month

    monkeypatch.setenv("HUB_NOW", "2026-03-02T10:00:00")
    assert read_month("11月") == "2025-11"
