"""Chinese lines at 80 columns break between characters, never inside a code, a time or
a number, and never put closing punctuation at the start of a line."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from logistics.cli import line_breaks
from logistics.cli.output import console  # noqa: F401  (installs the line breaking)


def wrapped(text: str, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(text)
    return out.getvalue().rstrip("\n").split("\n")


def test_a_waiting_list_of_station_codes_breaks_between_codes():
    sentence = (
        "2,644 件包裹还在 17 个服务站等待（GD01、GD04、GD05、GD09、GD11、GD13、GD15、"
        "GD16、GD18、GD19、GD21、GD22、GD23、GD25、GD26、GD28、GD29）：大约再需 28.2 车辆"
        "小时（普通车辆往返 19 趟）才能运完。"
    )
    for width in range(30, 81):
        lines = wrapped(sentence, width)
        assert all(cell_len(line) <= width for line in lines), width
        for code in ("GD01", "GD25", "GD29", "28.2", "2,644"):
            assert any(code in line for line in lines), (width, code, lines)
        assert not any(line[:1] in line_breaks.CLOSING for line in lines), (width, lines)
        assert not any(line.rstrip()[-1:] in line_breaks.OPENING for line in lines), lines
        assert "".join(line.strip() for line in lines).replace(" ", "") == sentence.replace(" ", "")


def test_english_wraps_at_spaces_as_before():
    assert wrapped("Plan for 2026-12-02: 7 rounds, 5 vans", 20) == [
        "Plan for 2026-12-02:",
        "7 rounds, 5 vans",
    ]


codes = st.from_regex(r"[A-Z]{1,3}[0-9]{1,4}", fullmatch=True)
chinese = st.text(alphabet="服务站包裹车辆趟次揽收派送等待", min_size=1, max_size=6)
marks = st.sampled_from(["、", "，", "。", "：", "（", "）", " ", ""])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(chinese, codes, marks), min_size=1, max_size=20), st.integers(12, 80))
def test_no_code_is_ever_cut_and_no_line_is_too_wide(parts, width):
    text = "".join(a + b + c for a, b, c in parts)
    lines = wrapped(text, width)
    assert all(cell_len(line) <= width for line in lines)
    for _, code, _ in parts:
        assert any(code in line for line in lines), (code, lines)


def test_a_number_keeps_its_unit_and_a_short_command_stays_whole():
    sentence = (
        "顺延：GD26 后河村服务站：待揽收 44 件（100.11 kg），已等 0 天；车速 35 km/h；"
        "请计划明天的趟次：`hub plan --date 明天`。"
    )
    for width in range(24, 81):
        lines = wrapped(sentence, width)
        for kept in ("44 件", "100.11 kg", "0 天", "35 km/h", "`hub plan --date"):
            assert any(kept in line for line in lines), (width, kept, lines)


def test_a_short_chinese_word_stays_whole():
    # "西藏、青/海", "已进/港", "快递公/司" in narrow tables (a user trial)
    provinces = "西藏、青海、宁夏、新疆、内蒙古、黑龙江、西藏、青海、宁夏、新疆"
    for width in range(8, 40):
        lines = wrapped(provinces, width)
        said = [part for line in lines for part in line.strip().split("、") if part]
        assert sorted(said) == sorted(provinces.split("、")), (width, lines)
    assert wrapped("已进港", 6) == ["已进港"]
    assert wrapped("快递公司", 8) == ["快递公司"]


def test_a_long_chinese_run_still_breaks_between_characters():
    lines = wrapped("没有中心编号或运单号为这个编号的包裹", 10)
    assert all(cell_len(line) <= 10 for line in lines) and len(lines) == 4


def test_a_date_and_time_stay_on_one_line():
    # the timeline of `hub parcel show` broke 2026-12-03 / 06:30 at 80 columns
    lines = [line.rstrip() for line in wrapped("2026-12-03 06:30 collected", 17)]
    assert lines == ["2026-12-03 06:30", "collected"]
    assert line_breaks.least_cells("2026-12-03 06:30:15") == 19
