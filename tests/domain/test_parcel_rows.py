"""One import row checked into a parcel spec: aliases, units, provinces, tracking numbers."""

from __future__ import annotations

import pytest

from logistics.domain.parcel_rows import (
    INBOUND,
    PARCEL_HEADERS,
    RowInvalid,
    RowRules,
    parse_row,
    weight_grams,
)
from logistics.domain.tracking_numbers import DEFAULT_PATTERNS
from logistics.io.tables import header_key

RULES = RowRules(
    stations={"GD01", "GD02", "GD03"},
    villages={"高都村": "GD01", "东沟村": "GD02", "西沟村服务站": "GD03"},
    patterns=DEFAULT_PATTERNS,
)

GOOD = {
    "station": "GD01",
    "recipient_name": "张三",
    "recipient_phone": "13812345678",
    "province": "贵州省",
    "address": "贵阳市云岩区中华北路1号",
    "weight_kg": "2.5",
}


def test_a_good_row_becomes_a_spec_in_grams_with_the_province_code():
    spec = parse_row(GOOD, RULES)
    assert spec.station_code == "GD01"
    assert spec.weight_g == 2500
    assert spec.province_code == "52"
    assert spec.courier_code is None and not spec.courier_fixed


@pytest.mark.parametrize("written", ["52", "贵州", "贵州省", "Guizhou", "ＧＵＩＺＨＯＵ", "５２"])
def test_province_as_code_chinese_or_pinyin(written):
    assert parse_row({**GOOD, "province": written}, RULES).province_code == "52"


def test_full_width_digits_are_digits():
    spec = parse_row(
        {**GOOD, "weight_kg": "１２．５", "recipient_phone": "１３８１２３４５６７８"}, RULES
    )
    assert spec.weight_g == 12500
    assert spec.recipient_phone == "13812345678"


def test_every_problem_of_a_row_is_listed_with_its_column():
    with pytest.raises(RowInvalid) as caught:
        parse_row({**GOOD, "station": "XX9", "weight_kg": "heavy", "province": "Atlantis"}, RULES)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["province", "weight_kg", "station"]
    message = str(caught.value)
    assert "weight_kg must be a weight in kg such as 2.5, got 'heavy'" in message
    assert "'Atlantis' is not a province" in message


def test_missing_required_values_are_named():
    with pytest.raises(RowInvalid) as caught:
        parse_row({"station": "GD01"}, RULES)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"recipient_name", "recipient_phone", "province", "address", "weight_kg"}


@pytest.mark.parametrize("weight", ["0", "-1", "1e5", "999999", "nan", "2,5kg!"])
def test_impossible_weights_are_refused(weight):
    with pytest.raises(RowInvalid):
        parse_row({**GOOD, "weight_kg": weight}, RULES)


def test_weight_rounds_to_the_gram():
    assert weight_grams("0.0005") == 1
    assert weight_grams("2.5kg") == 2500


def test_tracking_number_detects_and_fixes_the_courier():
    spec = parse_row({**GOOD, "tracking_no": "yt 1234567890123"}, RULES)
    assert spec.courier_code == "YTO" and spec.tracking_no == "YT1234567890123"
    assert spec.courier_fixed


def test_tracking_number_of_another_courier_than_named_is_refused():
    with pytest.raises(RowInvalid, match="looks like a ZTO number, not SF"):
        parse_row({**GOOD, "courier": "SF", "tracking_no": "73100000000001"}, RULES)


def test_tracking_number_matching_no_courier_is_refused():
    with pytest.raises(RowInvalid, match="does not match any active courier"):
        parse_row({**GOOD, "tracking_no": "XX123"}, RULES)


def test_unknown_courier_is_refused():
    with pytest.raises(RowInvalid, match="not an active courier"):
        parse_row({**GOOD, "courier": "DHL"}, RULES)


def test_inbound_station_comes_from_the_village_in_the_address():
    row = {
        "tracking_no": "73100000000001",
        "recipient_name": "王五",
        "recipient_phone": "13900001111",
        "address": "山西省晋城市泽州县高都镇东沟村3组",
        "weight_kg": "1",
    }
    spec = parse_row(row, RULES, direction=INBOUND)
    assert spec.station_code == "GD02" and spec.courier_code == "ZTO"
    with pytest.raises(RowInvalid, match="no station's village appears"):
        parse_row({**row, "address": "某地某村"}, RULES, direction=INBOUND)


def test_formula_text_in_a_name_is_kept_as_text():
    spec = parse_row({**GOOD, "recipient_name": "=cmd|' /C calc'!A0"}, RULES)
    assert spec.recipient_name.startswith("=cmd")


def test_formula_text_in_a_phone_is_refused():
    with pytest.raises(RowInvalid, match="recipient_phone must be a phone number"):
        parse_row({**GOOD, "recipient_phone": "=1+2"}, RULES)


def test_chinese_headers_are_aliases_of_the_fields():
    lookup = {header_key(a): f for f, names in PARCEL_HEADERS.items() for a in names}
    for header, fld in {
        "站点": "station",
        "订单号": "order_ref",
        "寄件人": "sender_name",
        "收件人": "recipient_name",
        "电话": "recipient_phone",
        "省份": "province",
        "城市": "city",
        "地址": "address",
        "重量": "weight_kg",
        "长": "length_cm",
        "宽": "width_cm",
        "高": "height_cm",
        "品类": "category",
        "快递": "courier",
        "运单号": "tracking_no",
    }.items():
        assert lookup[header_key(header)] == fld


def test_the_one_pass_check_agrees_with_the_check_of_every_field():
    """parse_row's fast way through a row gives what the field-by-field check gives, for
    good rows and for rows with any mix of problems."""
    import random

    from logistics.domain.parcel_rows import FIELDS, OUTBOUND, row_checker

    choices = {
        "station": ["GD01", "gd02", "高都村", "XX9", ""],
        "order_ref": ["TB0001", "", "bad ref!", "A" * 70],
        "sender_name": ["", "李四", "x\x07y"],
        "sender_phone": ["", "13812345678", "0356-1234567", "=1+2"],
        "recipient_name": ["张三", "", "=cmd|' /C calc'!A0", "名" * 65],
        "recipient_phone": ["13812345678", "", "12", "010 1234 5678"],
        "province": ["52", "贵州省", "Guizhou", "", "Atlantis"],
        "city": ["", "贵阳", "c\x01"],
        "address": ["东沟村3组", "", "某地"],
        "weight_kg": ["2.5", "", "0", "heavy", "0.0005", "201"],
        "length_cm": ["", "30", "0", "501", "x"],
        "width_cm": ["", "20.5cm"],
        "height_cm": ["", "10"],
        "category": ["", "tea", "t" * 33],
        "courier": ["", "ZTO", "SF", "DHL", "yto"],
        "tracking_no": ["", "73100000000001", "YT1234567890123", "XX123", "yt 1234567890123"],
    }
    rng = random.Random(5)
    for direction in (OUTBOUND, INBOUND):
        for default in (None, "GD03"):
            check = row_checker(RULES, direction=direction, default_station=default)
            for _ in range(3000):
                values = tuple(rng.choice(choices[f]) for f in FIELDS)
                try:
                    fast = check(values)
                except RowInvalid as error:
                    fast = [(p.field, p.message) for p in error.problems]
                try:
                    slow = check.slow(values)
                except RowInvalid as error:
                    slow = [(p.field, p.message) for p in error.problems]
                assert fast == slow, values
