"""`hub sample generate --today --date D`: the day's waiting parcels are made for D,
and a day after today (whose parcels cannot be waiting yet) is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support import said


def hub_today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the test clock's day


@pytest.mark.parametrize("typed", ["昨天", "yesterday"])
def test_today_with_a_date_makes_that_days_work(hub, sample_network, typed):
    yesterday = hub_today() - timedelta(days=1)
    result = hub("sample", "generate", "--today", "--date", typed)
    assert result.exit_code == 0, result.output
    assert f"for {yesterday} to {yesterday}" in " ".join(result.output.split())
    # today was left empty: --today alone still makes today's work
    again = hub("sample", "generate", "--today")
    assert again.exit_code == 0, again.output
    assert f"for {hub_today()} to {hub_today()}" in " ".join(again.output.split())
    # and the day given is the one that holds them now
    twice = hub("sample", "generate", "--today", "--date", typed)
    assert f"{yesterday} already holds parcels" in " ".join(twice.output.split())


def test_today_with_a_date_after_today_is_refused_naming_both_options(hub, sample_network):
    tomorrow = hub_today() + timedelta(days=1)
    result = hub("sample", "generate", "--today", "--date", "明天")
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert (
        "--today makes the parcels waiting now: --date or --start can be today or an "
        f"earlier day, not {tomorrow}."
    ) in out
    assert "Generated" not in out
    made = hub("sample", "generate", "--today")  # nothing was made for today either
    assert f"for {hub_today()} to {hub_today()}" in " ".join(made.output.split())


def test_today_with_a_date_and_a_different_start_is_refused(hub, sample_network):
    result = hub("sample", "generate", "--today", "--date", "昨天", "--start", "今天")
    assert result.exit_code == 2
    out = said(result)  # in the error box, wrapped at its width
    assert "--start and --date both give the day of --today: give one of them." in out
    assert "Generated" not in out
