"""Which language `hub` speaks: --lang, HUB_LANG, the hub's setting, the locale, English."""

from __future__ import annotations

import pytest

from logistics import i18n
from logistics.cli.language import split_language


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zh", "zh"),
        ("zh_CN.UTF-8", "zh"),
        ("zh-Hans", "zh"),
        ("中文", "zh"),
        ("en_US", "en"),
        ("EN", "en"),
        ("fr", None),
        ("", None),
    ],
)
def test_language_names_people_type(typed, expected):
    assert i18n.normalise(typed) == expected


def test_order_is_option_then_hub_lang_then_setting_then_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("HUB_LANG", raising=False)
    assert i18n.choose() == "zh"
    assert i18n.choose(hub_setting="en") == "en"
    monkeypatch.setenv("HUB_LANG", "zh")
    assert i18n.choose(hub_setting="en") == "zh"
    assert i18n.choose("en", hub_setting="zh") == "en"
    monkeypatch.delenv("HUB_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.choose() == "en"


def test_lang_is_taken_from_anywhere_on_the_command_line():
    assert split_language(["scan", "arrive", "--lang", "zh", "P1"]) == (
        "zh",
        ["scan", "arrive", "P1"],
    )
    assert split_language(["--lang=en", "plan"]) == ("en", ["plan"])
    assert split_language(["scan", "--", "--lang", "zh"]) == (None, ["scan", "--", "--lang", "zh"])


def test_chinese_is_read_from_the_compiled_catalog():
    i18n.use("zh")
    assert i18n._("Options") == "选项"
    i18n.use("en")
    assert i18n._("Options") == "Options"
