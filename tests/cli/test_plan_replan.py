"""`hub plan --replan`: the dispatcher at the dock changes what changed and plans again
in the same process, and a wrong word costs nothing but the question again."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from logistics import i18n
from logistics.services import planning
from logistics.services.planning.summary import Backlog
from tests.support import said


@pytest.fixture
def day(make_parcel):
    for station, weight in (("GD05", 2000), ("GD05", 1200), ("GD06", 1500), ("GD12", 900)):
        make_parcel("registered", station=station, weight_g=weight)
    make_parcel("arrived_hub", station="GD06", weight_g=800)


def stored_vans(hub) -> set[str]:
    """The vans of the rounds stored now: those of the plan shown last."""
    return {r["van"] for r in json.loads(hub("round", "list", "--json").output)}


def answered(hub, answers: str, *args: str):
    """`hub ARGS` with ``answers`` typed at its questions; it must end well. The result,
    and its output on one line (sentences wrap at the terminal's width)."""
    result = hub(*args, input=answers)
    assert result.exit_code == 0, result.output
    return result, " ".join(result.output.split())


def summaries(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Plan for ")]


def test_each_line_plans_again_and_the_last_plan_is_the_one_stored(hub, day):
    result, out = answered(
        hub, "--vans VAN1\n\n--vans VAN2,VAN3\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    plans = summaries(result.output)
    assert len(plans) == 4  # the first, then three answers to the question
    assert result.output.count("Enter to plan again, q to stop") == 4
    assert ", 1 vans," in plans[1] and ", 1 vans," in plans[2]  # Enter kept --vans VAN1
    assert set() < stored_vans(hub) <= {"VAN2", "VAN3"}
    assert "5 of 5 parcels served" in plans[3]


def test_mistakes_at_the_question_are_said_and_asked_again(hub, day):
    result, out = answered(
        hub, "--vanz VAN2\n--time-limit soon\n--vans \"VAN2\n--vans VAN2 extra\n--vans NOPE\n"
        "--help\n",
        "plan", "--time-limit", "0.3", "--vans", "VAN1", "--replan",
    )  # fmt: skip
    out = result.output
    assert "No such option: --vanz" in out
    assert "Invalid value for '--time-limit'" in out
    assert "The quotation marks or backslashes on that line do not pair up; type it again." in out
    assert "Got unexpected extra argument" in out and "extra" in out
    assert "NOPE" in out  # the service's own sentence about the unknown van
    assert "Usage: hub plan" in out  # --help shows the page and asks again
    assert len(summaries(out)) == 1  # nothing planned again, the first plan stays
    assert out.count("Enter to plan again, q to stop") == 7  # the end of input stops it
    assert stored_vans(hub) == {"VAN1"}


def test_replan_is_for_the_terminal_not_for_json(hub, day):
    result = hub("plan", "--replan", "--json")
    assert result.exit_code == 2
    assert "leave out --json" in said(result)  # in the error box, wrapped at its width
    assert json.loads(hub("round", "list", "--json").output) == []


def test_the_question_and_its_refusals_in_chinese(hub, day, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    try:
        result = hub(
            "--lang", "zh", "plan", "--time-limit", "0.3", "--replan",
            input="--vanz X\n--vans VAN1 extra\n\"x\n退出\n",
        )  # fmt: skip
    finally:
        i18n.use("en")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "回车" in out and "--vanz" in out and "没有这个选项" in out
    assert "多出了无法识别的参数（extra）" in out
    for english in ("Enter to plan again", "No such option", "unexpected", "quotation"):
        assert english not in out


def test_ctrl_c_during_a_plan_says_what_was_kept_not_the_scanners_words(hub, day, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(planning, "solve_in_waves", interrupted)
    result = hub("plan", "--time-limit", "0.3")
    assert result.exit_code == 130
    assert "what was done before is kept, what was under way is not saved" in result.output
    assert "answered line" not in result.output
    assert json.loads(hub("round", "list", "--json").output) == []


def test_one_round_trip_is_said_in_the_singular():
    def said(trips: int) -> str:
        return Backlog(
            parcels=40,
            outbound_parcels=40,
            inbound_parcels=0,
            stations=("GD04",),
            round_trips=trips,
            van_hours=Decimal("1.2"),
        ).sentence

    assert "(1 round trip of an average van)" in said(1)
    assert "(3 round trips of an average van)" in said(3)


def test_the_question_refuses_what_hub_chooses_at_start_and_does_not_keep_the_map(
    hub, day, tmp_path
):
    page = tmp_path / "day.html"
    result, out = answered(
        hub, f"--json\n--lang=zh\n--vans VAN1 --map {page}\n\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    for option in ("--json", "--lang"):
        assert f"{option} is chosen when hub starts, not at this question." in out
    assert page.exists()
    assert "already exists" not in out  # Enter planned again without writing the map
    assert len(summaries(result.output)) == 3
    assert "Options now: --time-limit 0.3 --vans VAN1" in out
    assert "--map" not in out.split("Options now:")[-1]
    assert not out.lstrip().startswith("{")  # no JSON was printed


def test_ctrl_c_at_the_question_stops_with_130_and_during_a_plan_asks_again(hub, day, monkeypatch):
    from logistics.cli import output

    answers = iter(["--vans VAN1", KeyboardInterrupt])

    def typed(prompt: str = "") -> str:
        answer = next(answers)
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt
        return answer

    calls = {"n": 0}
    real = planning.solve_in_waves

    def interrupted_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the re-plan typed at the question
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(output.console, "input", typed)
    monkeypatch.setattr(planning, "solve_in_waves", interrupted_once)
    result = hub("plan", "--time-limit", "0.3", "--replan")
    assert result.exit_code == 130
    out = " ".join(result.output.split())
    assert "Interrupted; the plan shown before stays stored." in out
    assert "Stopped; the plan shown last is the one stored." in out
    assert len(summaries(result.output)) == 1 and stored_vans(hub)  # the first plan stays


def test_full_width_letters_typed_with_a_chinese_input_method_are_read_as_ascii(hub, day):
    result, out = answered(
        hub, "－－ｖａｎｓ　ＶＡＮ１，ＶＡＮ３\nｑ\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    out = result.output
    assert "unexpected" not in out and "No such option" not in out
    assert len(summaries(out)) == 2  # the full-width line planned again
    assert out.count("Enter to plan again, q to stop") == 2  # the full-width q stopped
    assert set() < stored_vans(hub) <= {"VAN1", "VAN3"}


def test_the_whole_command_typed_again_at_the_question_is_read_as_its_options(hub, day):
    result, out = answered(
        hub, "hub plan --vans VAN1\nplan --vans VAN2\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    out = result.output
    assert "unexpected" not in out
    assert len(summaries(out)) == 3
    assert stored_vans(hub) == {"VAN2"}


def test_an_unknown_van_on_the_first_plan_is_said_and_the_question_asked(hub, day):
    result, out = answered(
        hub, "--vans VAN1\nq\n",
        "plan", "--time-limit", "0.3", "--replan", "--vans", "VAN9",
    )  # fmt: skip
    out = result.output
    assert "There is no van with code 'VAN9'" in out
    assert out.count("Enter to plan again, q to stop") == 2
    assert len(summaries(out)) == 1  # the plan with --vans VAN1
    assert stored_vans(hub) == {"VAN1"}


def test_enter_after_a_map_says_the_map_shows_the_plan_before(hub, day, tmp_path):
    first, second = tmp_path / "day.html", tmp_path / "noon.html"
    result, out = answered(
        hub, f"\n--map {second}\n\n\nq\n",
        "plan", "--time-limit", "0.3", "--map", first, "--replan",
    )  # fmt: skip
    assert "already exists" not in out  # Enter after the command line's map plans again
    assert len(summaries(result.output)) == 5
    said = "shows the plan before this one: add --map again to draw this one."
    assert out.count(said) == 2  # after the Enter following each map, not after the last
    assert f"The map {first} {said}" in out and f"The map {second} {said}" in out
    assert first.exists() and second.exists()


def test_replan_typed_again_on_the_line_is_left_out_and_the_rest_planned(hub, day):
    result, out = answered(
        hub, "hub plan --replan --vans VAN2\n--replan\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    assert "is chosen when hub starts" not in out
    assert len(summaries(result.output)) == 3  # both lines planned again
    assert stored_vans(hub) == {"VAN2"}
    assert "Options now: --time-limit 0.3 --vans VAN2" in out


def test_json_and_lang_are_still_refused_beside_a_replan_typed_again(hub, day):
    result, out = answered(
        hub, "--replan --json\nhub plan --replan --lang zh --vans VAN2\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    assert "--json is chosen when hub starts, not at this question." in out
    assert "--lang is chosen when hub starts, not at this question." in out
    assert len(summaries(result.output)) == 1  # neither line planned again
    assert not out.lstrip().startswith("{")


def test_bare_words_without_an_option_are_told_to_be_typed_as_options(hub, day):
    result, out = answered(
        hub, "VAN1\nhub plan VAN1 VAN3\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    assert out.count("Type options as on the command line, e.g. --vans VAN1.") == 2
    assert "unexpected extra argument" not in out
    assert len(summaries(result.output)) == 1  # nothing planned again


def test_options_now_shows_the_values_as_typed_without_shell_quotes(hub, day):
    result, out = answered(
        hub, "--vans VAN1、VAN4\n--vans 'VAN1 VAN3'\nq\n",
        "plan", "--time-limit", "0.3", "--replan",
    )  # fmt: skip
    shown = [line for line in result.output.splitlines() if line.startswith("Options now:")]
    assert shown[1] == "Options now: --time-limit 0.3 --vans VAN1、VAN4"
    assert shown[2] == "Options now: --time-limit 0.3 --vans 'VAN1 VAN3'"  # a space is quoted
