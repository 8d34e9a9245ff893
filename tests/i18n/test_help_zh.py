"""Help pages and usage errors in Chinese, as an operator reads them in an 80-column
terminal: the framework's own words (Usage, Options, No such option, Did you mean) too."""

from __future__ import annotations

import re
import unicodedata

import pytest
from typer.testing import CliRunner

from logistics import i18n
from logistics.cli.main import app

ENGLISH_FRAMEWORK = ("Usage:", "Options", "Commands", "Show this message", "No such option")


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERMINAL_WIDTH", "80")
    monkeypatch.delenv("HUB_LANG", raising=False)
    yield CliRunner()
    i18n.use("en")


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _command_paths(group=None, prefix=()):
    import typer

    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        yield [*prefix, name]
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))


def test_every_help_page_in_chinese_fits_80_columns_and_has_no_english_frame(runner):
    for path in [[], *_command_paths()]:
        result = runner.invoke(app, ["--lang", "zh", *path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "用法：" in result.output and "选项" in result.output, path
        for word in ENGLISH_FRAMEWORK:
            assert word not in result.output, (path, word)
        too_wide = [line for line in result.output.splitlines() if _cells(line) > 80]
        assert too_wide == [], (path, too_wide)
        # A Chinese sentence has no spaces to wrap at: it is folded, never cut with "…"
        # (a help text's own "……" is Chinese punctuation).
        assert re.search("(?<!…)…(?!…)", result.output) is None, (path, result.output)


def test_a_help_page_in_chinese_reads_the_command_in_chinese(runner):
    result = runner.invoke(app, ["db", "backup", "--help", "--lang", "zh"])
    assert "给 SQLite 数据库做一份完整备份" in result.output
    assert "示例：" in result.output
    assert "hub db backup backups/hub-2026-11-23.db" in result.output  # examples as written
    assert "Write a consistent copy" not in result.output


def test_a_flag_shows_no_value_in_help(runner):
    result = runner.invoke(app, ["db", "backup", "--help"])
    assert re.search(r"--force\s+<bool>", result.output) is None
    assert "--force" in result.output


def test_values_show_in_an_operators_words_not_a_programmers_types(runner):
    for path in _command_paths():
        result = runner.invoke(app, ["--lang", "zh", *path, "--help"])
        jargon = re.findall(r"<(?:str|int|float|path|list\[\w+\])[^>]*>", result.output)
        assert jargon == [], (path, jargon)
        assert "{round_ref}" not in result.output and "{file}" not in result.output, path
    page = runner.invoke(app, ["--lang", "zh", "round", "show", "--help"]).output
    assert "hub round show [选项] {ROUND_REF}" in page
    assert re.search(r"ROUND_REF\s+趟次号", page)
    page = runner.invoke(app, ["--lang", "zh", "station", "add", "--help"]).output
    assert re.search(r"--lat\s+数字\s+纬度", page) and re.search(r"--households\s+整数", page)


def test_an_extra_word_is_refused_in_chinese(runner):
    # click 8.2 and later write "argument(s)"; the sentence stayed English.
    result = runner.invoke(app, ["--lang", "zh", "round", "list", "extra"])
    assert result.exit_code == 2
    assert "多出了无法识别的参数（extra）" in result.output
    assert "unexpected" not in result.output


def test_a_command_line_without_a_command_says_so_in_chinese(runner, tmp_path):
    result = runner.invoke(app, ["--lang", "zh", "--db", str(tmp_path / "plan"), "--hub", "X"])
    assert result.exit_code == 2
    assert "缺少命令" in result.output and "Missing command" not in result.output


def test_near_options_are_offered_as_near_and_joined_the_chinese_way(runner):
    result = runner.invoke(app, ["--lang", "zh", "plan", "--van", "VAN1"])
    assert result.exit_code == 2
    assert "相近的选项：" in result.output and "可用的选项" not in result.output
    assert "--vans" in result.output and ", --" not in result.output


def test_usage_errors_in_chinese(runner):
    result = runner.invoke(app, ["--lang", "zh", "db", "backup", "x.db", "--forse"])
    assert result.exit_code == 2
    assert "没有这个选项：--forse" in result.output
    assert "No such option" not in result.output
    result = runner.invoke(app, ["--lang", "zh", "stat"])
    assert "没有这个命令" in result.output and "您是不是要输入" in result.output
    result = runner.invoke(app, ["--lang", "zh", "db", "backup"])
    assert "缺少参数" in result.output


def test_hub_lang_environment_and_unknown_language(runner, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    assert "用法：" in runner.invoke(app, ["db", "--help"]).output
    assert "Usage:" in runner.invoke(app, ["--lang", "en", "db", "--help"]).output
    result = runner.invoke(app, ["--lang", "fr", "db", "--help"])
    assert result.exit_code == 2
    assert "不是可选的语言" in result.output


def test_the_hub_keeps_its_language_for_every_terminal(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    result = runner.invoke(app, ["init", "--sample", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "本中心的每台电脑今后都用中文显示" in result.output
    # another terminal, nothing chosen: the hub's setting speaks
    assert "用法：" in runner.invoke(app, ["db", "--help"]).output
    assert "数据库一致" in runner.invoke(app, ["db", "check"]).output
    # HUB_LANG and --lang still choose for one person
    assert "Usage:" in runner.invoke(app, ["--lang", "en", "db", "--help"]).output


def test_a_wrong_number_in_an_option_is_said_in_chinese(runner):
    result = runner.invoke(app, ["--lang", "zh", "parcel", "list", "--limit", "abc"])
    assert result.exit_code == 2
    assert "应为整数" in result.output
    assert "Input should be" not in result.output


def _panel_text(output: str) -> str:
    """The error panel's words without its frame and the line breaks of 80 columns."""
    return re.sub(r"[\s│╭╮╰╯─]", "", output)


def test_a_near_command_follows_the_chinese_full_stop_without_a_space(runner):
    # "没有这个命令：'lst'。 您是不是要输入 'list'？": a space after 。 (a user trial)
    result = runner.invoke(app, ["--lang", "zh", "round", "lst"])
    assert result.exit_code == 2
    assert "没有这个命令：“lst”。您是不是要输入“list”？" in result.output
    option = runner.invoke(app, ["--lang", "zh", "parcel", "list", "--limt", "3"])
    assert "没有这个选项：--limt（相近的选项" in _panel_text(option.output)
    assert "--limt （" not in option.output
    english = runner.invoke(app, ["round", "lst"])
    assert "No such command 'lst'. Did you mean 'list'?" in english.output


def test_a_missing_argument_says_what_it_is_for(runner):
    # "缺少参数 'ACTION'。" alone sent the operator to the help page (a user trial)
    result = runner.invoke(app, ["--lang", "zh", "scan"])
    assert result.exit_code == 2
    said = _panel_text(result.output)
    assert "缺少参数“ACTION”。对包裹做什么操作：collect（揽收）" in said, said
    english = runner.invoke(app, ["scan"])
    assert "Missing argument 'ACTION'." in english.output
    assert "collect" in english.output.split("Missing argument")[1]


def test_the_frameworks_check_of_a_range_is_said_in_chinese(runner):
    # "Input should be greater than or equal to 0" (a user trial)
    result = runner.invoke(app, ["--lang", "zh", "parcel", "list", "--limit", "-1"])
    assert result.exit_code == 2
    assert "“--limit”的值不对：应不小于0。" in _panel_text(result.output), result.output


def test_a_usage_line_in_chinese_names_its_parts_in_chinese(runner):
    # "用法：hub round [OPTIONS] COMMAND [ARGS]..." and "输入 'hub round -h' 查看帮助。"
    # in an otherwise Chinese error (a user trial)
    result = runner.invoke(app, ["--lang", "zh", "round", "lst"])
    assert "用法：hub round [选项] 命令 [参数]..." in result.output, result.output
    assert "输入“hub round -h”查看帮助。" in result.output
    assert "OPTIONS" not in result.output and "'" not in result.output
    english = runner.invoke(app, ["round", "lst"])
    assert "Usage: hub round [OPTIONS] COMMAND [ARGS]..." in english.output


def test_an_option_taking_a_folder_says_folder(runner):
    # `hub demo --help` showed --folder 文件 (a user trial)
    page = runner.invoke(app, ["--lang", "zh", "demo", "--help"]).output
    assert re.search(r"--folder\s+文件夹\s", page), page
    page = runner.invoke(app, ["--lang", "zh", "report", "monthly", "--help"]).output
    assert re.search(r"--csv\s+文件夹\s", page), page
