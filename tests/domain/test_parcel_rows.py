"""One import row checked into a parcel spec: aliases, units, provinces, tracking numbers."""

from __future__ import annotations

import pytest

from logistics.domain.parcel_rows import (
    FIELDS,
    PARCEL_HEADERS,
    RowInvalid,
    RowRules,
    direction_of,
    parse_row,
    row_checker,
    weight_grams,
)
from logistics.domain.parcel_status import Direction
from logistics.domain.tracking_numbers import DEFAULT_PATTERNS
from logistics.errors import InvalidInput
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
    spec = parse_row(row, RULES, direction=Direction.INBOUND)
    assert spec.station_code == "GD02" and spec.courier_code == "ZTO"
    with pytest.raises(RowInvalid, match="no station's village appears"):
        parse_row({**row, "address": "某地某村"}, RULES, direction=Direction.INBOUND)


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


BAD_VALUES = {
    "station": ("XX9", "station 'XX9' is not a station of this hub"),
    "order_ref": ("bad ref!", "order_ref must be an order reference"),
    "sender_name": ("x\x07y", "sender_name must be plain text"),
    "sender_phone": ("=1+2", "sender_phone must be a phone number"),
    "recipient_name": ("名" * 65, "recipient_name must be at most 64 characters, got 65."),
    "recipient_phone": ("12", "recipient_phone must be a phone number"),
    "province": ("Atlantis", "province 'Atlantis' is not a province"),
    "city": ("c\x01", "city must be plain text"),
    "address": ("a" * 201, "address must be at most 200 characters, got 201."),
    "weight_kg": ("201", "weight_kg must be at most 200 kg"),
    "length_cm": ("501", "length_cm must be more than 0 and at most 500 cm"),
    "width_cm": ("x", "width_cm must be a length in cm"),
    "height_cm": ("0", "height_cm must be more than 0 and at most 500 cm"),
    "category": ("t" * 33, "category must be at most 32 characters, got 33."),
    "courier": ("DHL", "courier 'DHL' is not an active courier"),
    "tracking_no": ("XX123", "does not match any active courier"),
}


@pytest.mark.parametrize("fld", FIELDS)
def test_one_bad_value_is_one_problem_in_its_column(fld):
    value, words = BAD_VALUES[fld]
    with pytest.raises(RowInvalid) as caught:
        parse_row({**GOOD, fld: value}, RULES)
    assert [p.field for p in caught.value.problems] == [fld]
    assert words in caught.value.problems[0].message


def test_every_bad_value_of_a_row_is_listed_in_field_order():
    row = {fld: value for fld, (value, _) in BAD_VALUES.items()}
    with pytest.raises(RowInvalid) as caught:
        parse_row(row, RULES)
    # the courier is not active, so its tracking number is not checked against it
    expected = [f for f in FIELDS if f not in ("station", "courier", "tracking_no")]
    assert [p.field for p in caught.value.problems] == [*expected, "station", "courier"]


def test_an_empty_tracking_number_after_cleaning_is_refused():
    with pytest.raises(RowInvalid, match="tracking_no is empty"):
        parse_row({**GOOD, "tracking_no": "--"}, RULES)


def test_a_checker_is_prepared_once_per_direction_and_default_station():
    first = row_checker(RULES, direction="inbound")
    assert row_checker(RULES, direction=Direction.INBOUND) is first
    assert row_checker(RULES, direction=Direction.INBOUND, default_station="GD01") is not first


def test_direction_is_outbound_or_inbound():
    assert direction_of(" Inbound ") is Direction.INBOUND
    with pytest.raises(InvalidInput, match="direction must be outbound or inbound, got 'out'"):
        direction_of("out")
