import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.errors import InvalidInput
from logistics.io.csv_export import safe_cell, write_csv


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","click")',
        "+86 138 0000 1234",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "  =1+1",
        "-",
    ],
)
def test_formula_like_text_is_shown_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value, shown",
    [
        (-3.5, "-3.5"),
        ("-3.5", "-3.5"),
        ("+12", "+12"),
        (-7, "-7"),
        (Decimal("-12.50"), "-12.50"),
        (2.0, "2"),
        (None, ""),
        (True, "true"),
        (dt.date(2026, 11, 23), "2026-11-23"),
        (dt.datetime(2026, 11, 23, 8, 30), "2026-11-23 08:30:00"),
        ("张三", "张三"),
        ("13800001234", "13800001234"),
        ("a=b", "a=b"),
    ],
)
def test_plain_values_are_unchanged(value, shown):
    assert safe_cell(value) == shown


def test_file_has_bom_and_excel_sees_chinese_and_no_formula(tmp_path):
    path = tmp_path / "out.csv"
    count = write_csv(
        path,
        ["name", "fee"],
        [{"name": "张三", "fee": Decimal("12.00")}, {"name": "=cmd|' /C calc'!A0"}, ["李四", -3.5]],
    )
    assert count == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["name", "fee"],
        ["张三", "12.00"],
        ["'=cmd|' /C calc'!A0", ""],
        ["李四", "-3.5"],
    ]


def test_stream_gets_no_bom_unless_asked():
    out = io.StringIO()
    write_csv(out, ["a"], [["x"]])
    assert out.getvalue() == "a\r\nx\r\n"
    out = io.StringIO()
    write_csv(out, ["a"], [], bom=True)
    assert out.getvalue() == "\ufeffa\r\n"


def test_file_without_bom(tmp_path):
    path = tmp_path / "o.csv"
    write_csv(path, ["a"], [], bom=False)
    assert path.read_bytes() == b"a\r\n"


def test_unwritable_target_is_one_sentence(tmp_path):
    with pytest.raises(InvalidInput, match="cannot be written"):
        write_csv(tmp_path / "missing" / "o.csv", ["a"], [])


@given(st.text())
def test_no_text_cell_starts_a_formula(text):
    shown = safe_cell(text).lstrip(" ")
    if shown[:1] in ("=", "+", "-", "@", "\t", "\r"):
        float(shown)  # only a plain number may start that way
