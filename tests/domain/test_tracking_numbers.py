import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.tracking_numbers import (
    DEFAULT_DESCRIPTIONS,
    DEFAULT_PATTERNS,
    check,
    compile_pattern,
    matching_couriers,
    normalize_tracking_no,
)
from logistics.errors import InvalidInput

P = DEFAULT_PATTERNS

SAMPLES = {
    "ZTO": "75012345678901",
    "STO": "773012345678901",
    "YTO": "YT1234567890123",
    "YUNDA": "312345678901234",
    "JT": "JT0012345678901",
    "EMS": "9812345678901",
    "SF": "SF1234567890123",
    "DEPPON": "DPK123456789012",
}


def test_every_default_courier_has_a_description():
    assert set(DEFAULT_DESCRIPTIONS) == set(DEFAULT_PATTERNS)


@pytest.mark.parametrize("code, number", SAMPLES.items())
def test_courier_is_detected_from_its_number(code, number):
    assert matching_couriers(number, P) == [code]
    assert check(number, None, P) == code
    assert check(number, code, P) == code
    assert check(number, code.lower(), P) == code


def test_yunda_13_digits():
    assert check("2123456789012", None, P) == "YUNDA"


def test_input_is_normalised():
    assert normalize_tracking_no(" yt 1234-5678 ") == "YT12345678"
    assert normalize_tracking_no("ＹＴ１２３") == "YT123"
    assert check(" yt1234567890123 ", None, P) == "YTO"
    assert check("７５０１２３４５６７８９０１", "zto", P) == "ZTO"


def test_number_of_another_courier_is_refused():
    with pytest.raises(InvalidInput) as info:
        check("YT1234567890123", "ZTO", P)
    assert str(info.value) == (
        "Tracking number 'YT1234567890123' looks like a YTO number, not ZTO "
        "(ZTO numbers are 14 digits starting with 7)."
    )


def test_number_matching_no_courier_is_refused():
    with pytest.raises(InvalidInput, match="'ABC123' does not match any active courier's pattern"):
        check("abc123", None, P)
    with pytest.raises(InvalidInput) as info:
        check("12345", "SF", P)
    assert str(info.value) == (
        "Tracking number '12345' is not a SF number: expected SF and 13 digits."
    )


def test_ambiguous_number_needs_its_courier():
    patterns = {**P, "YUNDA": r"[34]\d{14}|\d{13}"}  # Yunda edited to take any 13 digits
    number = "1123456789012"  # 13 digits starting 1: EMS or Yunda
    assert matching_couriers(number, patterns) == ["YUNDA", "EMS"]
    with pytest.raises(InvalidInput, match="could belong to YUNDA or EMS: name its courier"):
        check(number, None, patterns)
    assert check(number, "EMS", patterns) == "EMS"
    assert check(number, "YUNDA", patterns) == "YUNDA"


def test_default_patterns_never_overlap():
    for code, number in SAMPLES.items():
        assert matching_couriers(number, P) == [code]
    assert matching_couriers("1123456789012", P) == ["EMS"]


def test_only_active_couriers_count():
    active = {code: P[code] for code in ("ZTO", "YTO")}
    expected = r"does not match any active courier's pattern \(ZTO, YTO\)"
    with pytest.raises(InvalidInput, match=expected):
        check(SAMPLES["SF"], None, active)
    with pytest.raises(InvalidInput, match="Courier 'SF' is not an active courier"):
        check(SAMPLES["SF"], "SF", active)


def test_edited_pattern_and_courier_without_pattern():
    patterns = {"ZTO": r"7\d{11}", "LOCAL": ""}
    assert check("712345678901", None, patterns) == "ZTO"
    assert check("anything-goes", "LOCAL", patterns) == "LOCAL"
    with pytest.raises(InvalidInput, match=r"expected the pattern 7\\d\{11\}"):
        check("75012345678901", "ZTO", patterns)


def test_broken_pattern_is_one_sentence():
    with pytest.raises(InvalidInput, match="Courier ZTO's tracking-number pattern '7\\(' is not"):
        compile_pattern("ZTO", "7(")


def test_blank_number():
    with pytest.raises(InvalidInput, match="tracking_no is empty"):
        check("  ", None, P)


@given(st.text(max_size=30), st.sampled_from([None, *DEFAULT_PATTERNS]))
def test_any_text_gives_a_courier_or_a_sentence(text, courier):
    try:
        code = check(text, courier, P)
    except InvalidInput as error:
        assert str(error).endswith(".")
    else:
        assert code in matching_couriers(text, P)
