"""`hub scan` and the parcel states in Chinese: every answer, refusal, tally and summary a
person at the dock reads, with the English unchanged."""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len

from logistics import i18n
from logistics.domain import parcel_status
from logistics.domain.parcel_status import (
    SCAN_ACTIONS,
    Action,
    Direction,
    Status,
    apply,
)
from logistics.errors import RuleBroken


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    for _ in range(2):
        result = hub(
            "parcel", "register", "--station", "GD03", "--weight", "1", "--recipient", "张三",
            "--phone", "13812345678", "--province", "内蒙", "--address", "1号", "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return hub


def ids(hub) -> list[str]:
    return sorted(row["parcel_no"] for row in json.loads(hub("parcel", "list", "--json").output))


# ------------------------------------------------------------------ the words of the states


def test_states_steps_and_directions_speak_chinese(chinese):
    assert Status.AT_HUB.label == "已到件"
    assert Status.label_of("out_for_delivery") == "派送中"
    assert Status.label_of("held") == "问题件"
    assert Status.label_of("no_such_state") == "no_such_state"
    assert Direction.OUTBOUND.label == "寄出" and Direction.INBOUND.label == "进港"
    assert Action.COLLECT.phrase == "揽收" and Action.HOLD.label == "扣为问题件"


def test_english_words_are_unchanged():
    assert Status.AT_HUB.label == "at the hub"
    assert Direction.INBOUND.label == "inbound"
    assert Action.HANDOVER.phrase == "handed over"
    assert Action.ARRIVE.label == "arrive at hub"


def test_outcomes_and_refusals_are_whole_chinese_sentences(chinese):
    outcome = apply("outbound", "registered", "collect", label="P1")
    assert outcome.describe("P1") == "包裹 P1 已改为“已揽收”。"
    again = apply("outbound", "at_hub", "arrive", label="P1")
    assert again.describe("P1") == "包裹 P1 已经是“已到件”，没有改动。"
    off = apply("outbound", "manifested", "hold", label="P1")
    assert off.describe("P1") == "包裹 P1 已改为“问题件”，并已撤出交接清单。"

    with pytest.raises(RuleBroken) as refused:
        apply("outbound", "at_hub", "collect", label="P1")
    assert str(refused.value) == (
        "包裹 P1 的状态是“已到件”，不能揽收；接下来可以：上单、扣为问题件、取消。"
    )
    with pytest.raises(RuleBroken) as done_with:
        apply("outbound", "handed_over", "cancel", label="P1")
    assert "不能取消：这件包裹已不能再做任何操作。" in str(done_with.value)
    with pytest.raises(RuleBroken) as wrong_direction:
        apply("inbound", "at_station", "collect", label="JT0001")
    assert str(wrong_direction.value) == (
        "包裹 JT0001 是进港包裹，状态是“待取件”，不能揽收；接下来可以：取件、退回、扣为问题件。"
    )
    with pytest.raises(RuleBroken) as manifested:
        apply("outbound", "manifested", "cancel", label="P1")
    assert "须先撤出交接清单才能取消" in str(manifested.value)


def test_the_scan_help_lists_every_scan_action():
    """The help of ACTION is a literal (so it can be translated): it must name them all."""
    import typer

    from logistics.cli.main import app

    command = typer.main.get_command(app).commands["scan"]
    (argument,) = [param for param in command.params if param.name == "action"]
    listed = ", ".join(action.value for action in SCAN_ACTIONS)
    assert f": {listed}." in argument.help


# ------------------------------------------------------------------ hub scan


def test_scan_answers_tallies_and_summary_in_chinese(ready, monkeypatch):
    codes = ids(ready)
    monkeypatch.setenv("HUB_LANG", "zh")
    result = ready("scan", "collect", "--station", "GD03", *codes, codes[0])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("完成") and f"包裹 {codes[0]} 已改为“已揽收”。" in lines[0]
    assert lines[2].startswith("已做过") and "没有改动" in lines[2]
    assert "（完成 2，已做过 1，拒绝 0）" in lines[2]
    assert lines[3] == "共扫描 3 件：完成 2，已做过 1，拒绝 0。"
    # the verdict word takes the same 8 cells as in English: the sentences line up
    assert {cell_len(line.split("包裹")[0]) for line in lines[:3]} == {9}
    for english in ("done", "already", "refused", "scanned", "Parcel", "nothing changed"):
        assert english not in result.output


def test_scan_refusal_in_chinese_and_not_in_english(ready):
    codes = ids(ready)
    result = ready("--lang", "zh", "scan", "picked-up", codes[0])
    assert result.exit_code == 1
    assert result.output.startswith("拒绝")
    assert f"包裹 {codes[0]} 是寄出包裹，状态是“已登记”，不能取件；" in result.output
    assert "接下来可以：揽收、到件、扣为问题件、取消。" in result.output
    assert "allowed next" not in result.output and "refused" not in result.output

    english = ready("scan", "picked-up", codes[0])
    assert english.output.startswith("refused")
    assert "so it cannot be picked up; allowed next: collect, arrive, hold, cancel." in (
        english.output
    )
    assert "拒绝" not in english.output and "包裹" not in english.output


def test_a_parcel_of_another_station_is_refused_in_chinese(ready):
    codes = ids(ready)
    result = ready("--lang", "zh", "scan", "collect", "--station", "GD05", codes[0])
    assert result.exit_code == 1
    assert f"包裹 {codes[0]} 属于服务站 GD03，不属于 GD05：不能在这里揽收。" in result.output


def test_unknown_codes_and_actions_are_refused_in_chinese(ready):
    result = ready("--lang", "zh", "scan", "arrive", "NOPE")
    assert "没有中心编号或运单号为 NOPE 的包裹" in result.output
    assert "共扫描 1 件：完成 0，已做过 0，拒绝 1。" in result.output
    wrong = ready("--lang", "zh", "scan", "teleport", "X")
    assert wrong.exit_code == 1
    assert "“teleport”不是扫描操作" in wrong.output and "collect、arrive" in wrong.output
    no_station = ready("--lang", "zh", "scan", "collect", "X")
    assert "揽收扫描需要 --station 编码" in no_station.output  # as its help shows the value


def test_scan_help_in_chinese(ready):
    result = ready("--lang", "zh", "scan", "--help")
    assert result.exit_code == 0
    assert "扫描包裹" in result.output and "collect（揽收）" in result.output
    assert "then scan the labels" not in result.output


def test_pickup_codes_at_the_station_and_the_keepers_list_in_chinese(ready):
    register = (
        "parcel", "register", "--direction", "inbound", "--station", "GD05", "--weight", "2",
        "--recipient", "王小明", "--phone", "13812345671", "--tracking-no", "YT1234567890120",
    )  # fmt: skip
    assert ready(*register).exit_code == 0
    at_station = ready("--lang", "zh", "scan", "at-station", "--station", "GD05", "YT1234567890120")
    assert at_station.exit_code == 0
    assert "已改为“待取件”，取件码 1-2-1001。" in at_station.output
    bare = ready("--lang", "zh", "scan", "picked-up", "1-2-1001")
    assert bare.exit_code == 1 and "1-2-1001 是取件码：每个服务站各有一套" in bare.output
    wrong = ready("--lang", "zh", "scan", "picked-up", "--station", "GD05", "9-9-9999")
    assert "服务站 GD05 没有取件码为 9-9-9999 的包裹" in wrong.output
    listing = ready("--lang", "zh", "parcel", "pickups", "--station", "GD05")
    assert "服务站 GD05 待取件（1 件）" in listing.output
    assert "取件码" in listing.output and "手机尾号" in listing.output
    assert "5671" in listing.output and "13812345671" not in listing.output


# ------------------------------------------------------------------ hub db check


def test_integrity_findings_in_chinese(make_parcel, session, chinese):
    from sqlalchemy import update

    from logistics.models import Parcel
    from logistics.services import integrity

    parcel = make_parcel("at_hub")
    session.exec(update(Parcel).where(Parcel.id == parcel.id).values(status="collected"))
    session.commit()
    findings = integrity.check(session)
    assert findings == [
        f"包裹 {parcel.parcel_no} 的状态是“已揽收”，但最后一条记录（到件）之后应为“已到件”："
        "两者必须一致。"
    ]
    i18n.use("en")
    assert integrity.check(session) == [
        f"Parcel {parcel.parcel_no} is collected but its last event (arrive) left it at_hub: "
        "the two must agree."
    ]


def test_not_a_scan_action_lists_codes_in_english():
    error = parcel_status.not_a_scan_action("fly")
    assert str(error).startswith("'fly' is not a scan action: expected one of collect, arrive,")


def _terminal(monkeypatch, width: int):
    """The scan's console as an operator's terminal of ``width`` columns."""
    import io

    from rich.console import Console

    from logistics.cli.commands import scan

    screen = io.StringIO()
    terminal = Console(width=width, file=screen, force_terminal=True, color_system=None)
    monkeypatch.setattr(scan, "console", terminal)
    return screen


def test_a_long_answer_in_an_80_column_terminal_hangs_under_its_sentence(ready, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    # The terminal broke long answers at column 80 and the rest started under 拒绝,
    # so the verdict column no longer stood out (a user trial).
    first = ids(ready)[0]
    screen = _terminal(monkeypatch, 80)
    result = ready("scan", "collect", "--station", "GD05", first, "P20990101-99999")
    assert result.exit_code == 1
    lines = screen.getvalue().splitlines()
    answers = [line for line in lines if not line.startswith("共扫描")]
    assert len(answers) > 2, lines  # both refusals are longer than a line
    assert all(cell_len(line) <= 80 for line in lines), lines
    for line in answers:
        assert line.startswith(("拒绝", " " * 9)), lines
    said = "".join(line.strip() for line in answers)
    assert "不属于 GD05" in said and "P20990101-99999" in said


def test_answers_into_a_pipe_stay_one_line_each(ready, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    first = ids(ready)[0]
    result = ready("scan", "collect", "--station", "GD05", first, "P20990101-99999")
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[0].startswith("拒绝") and lines[1].startswith("拒绝")


def test_the_running_tally_is_never_broken_across_lines(ready, monkeypatch):
    # "…或先登记这件包裹。（完" over "成 0，已做过 0，拒绝 1）" (a user trial)
    monkeypatch.setenv("HUB_LANG", "zh")
    first = ids(ready)[0]
    for width in (80, 72, 66):
        screen = _terminal(monkeypatch, width)
        ready("scan", "collect", "--station", "GD05", first, "P20990101-99999", first)
        lines = screen.getvalue().splitlines()
        tallies = [line for line in lines if "已做过" in line and "）" in line]
        assert len(tallies) == 3, lines
        for line in tallies:
            assert re.search(r"（完成 \d+，已做过 \d+，拒绝 \d+）$", line.rstrip()), (width, lines)


def test_a_command_typed_into_a_scan_session_is_not_taken_as_a_code(ready, monkeypatch):
    # After `hub scan arrive` with no codes the operator typed the next commands into it:
    # "拒绝 没有中心编号或运单号为 HUBSCANARRIVE 的包裹" (a user trial)
    from logistics.cli import scanning_input

    monkeypatch.setenv("HUB_LANG", "zh")
    monkeypatch.setattr(scanning_input, "stdin_is_terminal", lambda: True)
    first, second = ids(ready)
    typed = f"hub round list\n{first}\nｑ\n{second}\n"  # ｑ: a Chinese input method's q
    result = ready("scan", "collect", "--station", "GD03", input=typed)
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())
    assert "“hubroundlist”是一条命令，不是面单" in flat, result.output
    assert "HUBROUNDLIST" not in flat
    assert "共扫描1件：完成1" in flat  # ｑ ended the session: the second was not scanned
    listed = {
        p["parcel_no"]: p["status"] for p in json.loads(ready("parcel", "list", "--json").output)
    }
    assert listed == {first: "collected", second: "registered"}


def test_a_piped_list_of_codes_is_read_as_codes_to_its_end(ready, monkeypatch):
    first, second = ids(ready)
    result = ready("scan", "collect", "--station", "GD03", input=f"{first}\nq\n{second}\n")
    assert result.exit_code == 1  # "q" from a file is a code like any other, and refused
    assert "3 scanned: 2 done, 0 already done, 1 refused." in result.output
