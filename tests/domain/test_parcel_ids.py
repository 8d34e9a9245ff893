import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.parcel_ids import (
    ParcelNo,
    ScannedCode,
    classify_code,
    format_parcel_no,
    is_parcel_no,
    next_parcel_no,
    parcel_no_prefix,
    parse_parcel_no,
)
from logistics.errors import InvalidInput, RuleBroken

DAY = dt.date(2026, 11, 23)


def test_format_and_prefix():
    assert format_parcel_no(DAY, 42) == "P20261123-00042"
    assert format_parcel_no(DAY, 99_999) == "P20261123-99999"
    assert parcel_no_prefix(DAY) == "P20261123-"


def test_a_day_past_99999_parcels_is_refused():
    with pytest.raises(RuleBroken, match="already registered 99,999 parcels on 2026-11-23"):
        format_parcel_no(DAY, 100_000)


def test_next_parcel_no():
    assert next_parcel_no(DAY, None) == "P20261123-00001"
    assert next_parcel_no(DAY, "P20261123-09999") == "P20261123-10000"


@pytest.mark.parametrize(
    "text",
    [
        "P20261123-00042",
        "p20261123-42",
        "P2026112300042",
        " P20261123-0042 ",
        "Ｐ２０２６１１２３－４２",
    ],
)
def test_parse_is_lenient_and_gives_the_canonical_id(text):
    assert parse_parcel_no(text) == ParcelNo(DAY, 42)
    assert str(parse_parcel_no(text)) == "P20261123-00042"


@pytest.mark.parametrize("text", ["P20261323-00001", "P20261123-00000", "P20261123", "X1", ""])
def test_not_a_parcel_id(text):
    assert not is_parcel_no(text)
    expected = "is not a hub parcel id: expected P, the day and a number"
    with pytest.raises(InvalidInput, match=expected):
        parse_parcel_no(text)


def test_ids_sort_by_day_then_sequence_as_text():
    days = [DAY, DAY + dt.timedelta(days=1), dt.date(2027, 1, 2)]
    ids = [format_parcel_no(d, s) for d in days for s in (1, 9, 10, 9_999, 10_000, 99_999)]
    assert sorted(ids) == ids
    assert sorted(parse_parcel_no(i) for i in ids) == [parse_parcel_no(i) for i in ids]


def test_classify_scanned_codes():
    assert classify_code("p20261123-42") == ScannedCode("parcel_no", "P20261123-00042")
    assert classify_code(" yt1234567890123\r") == ScannedCode("tracking_no", "YT1234567890123")
    assert classify_code("75012345678901") == ScannedCode("tracking_no", "75012345678901")
    with pytest.raises(InvalidInput, match="The scanned code is empty"):
        classify_code("  ")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("到件", "'到件'"),  # a scanner in the wrong input mode: shown as read, not \u5230
        ("P20261203-00408,P20261203-00549", "'P20261203-00408,P20261203-00549'"),  # as typed
        ("AB\x1bC", "'AB\\x1bC'"),  # what cannot be seen is still shown as an escape
        (  # a long code is cut where it says so
            "https://m.yto.net.cn/q?no=YT4462162170434&src=scan",
            "'https://m.yto.net.cn/q?no=YT446216217043…'",
        ),
    ],
)
def test_a_code_that_is_no_code_is_shown_as_the_operator_typed_it(typed, shown):
    with pytest.raises(InvalidInput) as refused:
        classify_code(typed)
    assert str(refused.value).startswith(f"{shown} is not a code"), str(refused.value)


@given(st.dates(min_value=dt.date(2000, 1, 1)), st.integers(1, 99_999))
def test_round_trip(day, seq):
    text = format_parcel_no(day, seq)
    assert parse_parcel_no(text) == ParcelNo(day, seq)
    assert classify_code(text) == ScannedCode("parcel_no", text)


def test_a_day_near_its_last_id_says_how_many_are_left_and_how_many_were_asked():
    from logistics.domain.parcel_ids import check_room

    check_room(dt.date(2026, 11, 23), 3_984, 1_000)  # plenty of room: nothing said
    with pytest.raises(RuleBroken) as refused:
        check_room(dt.date(2026, 11, 23), 99_000, 3_000)
    sentence = str(refused.value)
    assert "99,000 parcels" in sentence and "999 left" in sentence and "3,000" in sentence
    assert "already registered 99,999" not in sentence
