"""One set of digits for weights, distances and money, and one name for a province."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics.domain.units import (
    fen,
    grams,
    kg,
    kg_text,
    km,
    km_text,
    province_name,
    yuan,
    yuan_text,
)


@pytest.mark.parametrize(
    ("weight_g", "shown"),
    [
        (1250, "1.25"),
        (1255, "1.26"),  # half up at the boundary, not to the even digit
        (1245, "1.25"),
        (1244, "1.24"),
        (5, "0.01"),
        (4, "0.00"),
        (0, "0.00"),
        (None, "0.00"),
        (-1255, "-1.26"),  # a correction of a weight rounds away from 0 like the weight
    ],
)
def test_grams_show_as_kg_with_two_decimals_half_up(weight_g, shown):
    assert kg(weight_g) == Decimal(shown)
    assert str(kg(weight_g)) == shown


@pytest.mark.parametrize(
    ("metres", "shown"),
    [
        (48_456, "48.5"),
        (48_450, "48.5"),  # half up
        (48_449, "48.4"),
        (50, "0.1"),
        (49, "0.0"),
        (None, "0.0"),
        (1234.6, "1.2"),  # a solver's float metres are whole metres first
    ],
)
def test_metres_show_as_km_with_one_decimal_half_up(metres, shown):
    assert str(km(metres)) == shown


@pytest.mark.parametrize(
    ("amount_fen", "shown"),
    [(179_365, "1793.65"), (5, "0.05"), (100, "1.00"), (0, "0.00"), (None, "0.00")],
)
def test_fen_show_as_yuan_exactly(amount_fen, shown):
    assert str(yuan(amount_fen)) == shown


def test_yuan_and_kg_back_to_whole_units_half_up():
    assert fen(Decimal("3.455")) == 346
    assert fen("3.454") == 345
    assert fen(12) == 1200
    assert grams(Decimal("1.2345")) == 1235
    assert grams("0.0004") == 0
    assert grams(2.5) == 2500


def test_text_for_people_separates_thousands_and_leaves_nothing_for_none():
    assert kg_text(1_250_500) == "1,250.50"
    assert kg_text(999) == "1.00"
    assert km_text(1_234_560) == "1,234.6"
    assert yuan_text(179_365) == "1,793.65"
    assert yuan_text(123_456_789) == "1,234,567.89"
    assert (kg_text(None), km_text(None), yuan_text(None)) == ("", "", "")
    assert (kg_text(0), yuan_text(0)) == ("0.00", "0.00")


def test_text_and_value_show_the_same_digits():
    for weight_g in (1, 499, 1255, 987_654):
        assert kg_text(weight_g).replace(",", "") == str(kg(weight_g))


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("52", "贵州"),
        ("520000", "贵州"),
        ("贵州省", "贵州"),
        ("Guizhou", "贵州"),
        ("14", "山西"),
        ("61", "陕西"),
        ("65", "新疆"),
    ],
)
def test_a_province_reads_as_its_short_chinese_name(written, name):
    assert province_name(written) == name


def test_an_unknown_province_reads_as_written_and_none_as_nothing():
    assert province_name("99") == "99"
    assert province_name("*") == "*"  # a courier's tariff row for every other province
    assert province_name(None) == ""
    assert province_name("") == ""
