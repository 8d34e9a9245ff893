import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.text import (
    format_hours,
    normalize,
    parse_decimal,
    parse_hours,
    parse_int,
    parse_time_of_day,
)
from logistics.errors import InvalidInput


def test_normalize():
    assert normalize(" 贵州　 贵阳\t云岩区 ") == "贵州 贵阳 云岩区"
    assert normalize("ＡＢＣ１２３") == "ABC123"
    assert normalize(None) == ""
    assert normalize(12) == "12"


@pytest.mark.parametrize(
    "text, value",
    [
        ("2.5", "2.5"),
        ("１２．５", "12.5"),
        (" 3 ", "3"),
        ("1,234.50", "1234.50"),
        ("-3.5", "-3.5"),
        (".5", "0.5"),
    ],
)
def test_parse_decimal(text, value):
    assert parse_decimal(text, "weight_kg") == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "2.5kg", "1e3", "NaN", "Infinity", "1.2.3", "--1"])
def test_parse_decimal_refuses_with_field_value_and_example(text):
    with pytest.raises(InvalidInput) as info:
        parse_decimal(text, "weight_kg")
    assert str(info.value) == f"weight_kg must be a number such as 2.5, got '{text}'."


def test_parse_decimal_bounds_places_and_blank():
    with pytest.raises(InvalidInput, match="weight_kg must be more than 0, got '0'"):
        parse_decimal("0", "weight_kg", positive=True)
    with pytest.raises(InvalidInput, match="lat must be between -90 and 90, got '91'"):
        parse_decimal("91", "lat", minimum=-90, maximum=90)
    with pytest.raises(InvalidInput, match="fee must have at most 2 decimal places, got '1.234'"):
        parse_decimal("1.234", "fee", places=2)
    assert parse_decimal("1.230", "fee", places=2) == Decimal("1.23")
    with pytest.raises(InvalidInput, match="weight_kg is required: expected a number such as 2.5"):
        parse_decimal("  ", "weight_kg")
    assert parse_decimal("", "length_cm", default=None) is None


def test_parse_int():
    assert parse_int("１２", "capacity") == 12
    assert parse_int("1,200", "capacity") == 1200
    assert parse_int("12.0", "capacity") == 12
    assert parse_int("", "capacity", default=0) == 0
    with pytest.raises(InvalidInput, match="capacity must be a whole number such as 12, got '1.5'"):
        parse_int("1.5", "capacity")
    with pytest.raises(InvalidInput, match="capacity must be at least 1, got '0'"):
        parse_int("0", "capacity", minimum=1)


@pytest.mark.parametrize(
    "text, value",
    [
        ("08:30", (8, 30)),
        ("8:30", (8, 30)),
        ("08:30:15", (8, 30, 15)),
        ("０８：３０", (8, 30)),
        ("0830", (8, 30)),
        ("8点", (8, 0)),
        ("8点30分", (8, 30)),
        ("8点半", (8, 30)),
        ("23:59", (23, 59)),
    ],
)
def test_parse_time_of_day(text, value):
    assert parse_time_of_day(text, "cutoff") == dt.time(*value)


@pytest.mark.parametrize("text", ["24:00", "8", "8:3", "12:60", "noon", "25:00"])
def test_parse_time_of_day_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_time_of_day(text, "cutoff")
    assert str(info.value) == f"cutoff must be a time of day such as 08:30, got '{text}'."


@pytest.mark.parametrize(
    "text",
    [
        "08:00-18:00",
        "8:00~18:00",
        "08:00－18:00",
        "０８：００～１８：００",
        "08:00 - 18:00",
        "08:00—18:00",
        "8点至18点",
        "08:00 to 18:00",
    ],
)
def test_parse_hours_in_the_forms_people_write(text):
    assert parse_hours(text, "opening_hours") == (dt.time(8), dt.time(18))


def test_parse_hours_round_day_and_format():
    opens, closes = parse_hours("00:00-24:00", "opening_hours")
    assert (opens, closes) == (dt.time(0), dt.time(23, 59))
    assert format_hours(dt.time(8), dt.time(18)) == "08:00-18:00"


def test_parse_hours_must_close_after_opening():
    with pytest.raises(InvalidInput) as info:
        parse_hours("18:00-08:00", "opening_hours")
    assert str(info.value) == (
        "opening_hours must close after it opens (as in 08:00-18:00), got '18:00-08:00'."
    )


@pytest.mark.parametrize("text", ["08:00", "08:00-", "8-18-20", "morning", "08:00-25:00"])
def test_parse_hours_refuses_other_forms(text):
    with pytest.raises(
        InvalidInput, match=r"opening_hours must be opening hours such as 08:00-18:00"
    ):
        parse_hours(text, "opening_hours")


@given(st.text(max_size=20))
def test_parsers_raise_only_invalid_input(text):
    for parse in (parse_decimal, parse_int, parse_time_of_day, parse_hours):
        try:
            parse(text, "field")
        except InvalidInput as error:
            assert str(error).startswith("field ")


@given(st.text(max_size=30))
def test_what_is_shown_visible_has_no_control_or_invisible_character(text):
    from logistics.domain.text import REFUSED, visible

    assert not REFUSED.search(visible(text))
    assert visible(visible(text)) == visible(text)
