"""HUB_NOW pins the clock; a value that is not a moment is said in one sentence."""

from __future__ import annotations

from datetime import datetime

import pytest

from logistics.domain import clock
from logistics.errors import InvalidInput


@pytest.mark.parametrize("value", ["garbage", "2026-12-02T25:00:00", "2026-13-01", "明天"])
def test_a_hub_now_that_is_not_a_moment_is_refused_with_one_sentence(monkeypatch, value):
    monkeypatch.setenv("HUB_NOW", value)
    with pytest.raises(InvalidInput) as caught:
        clock.utcnow()
    message = str(caught.value)
    assert message == (
        f"HUB_NOW is '{value}', not a moment: expected the hub's local date and time "
        "as 2026-12-02T07:30."
    )
    assert "isoformat" not in message


def test_a_hub_now_in_the_hubs_time_is_read_as_before(monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-12-02T07:30")
    monkeypatch.delenv("HUB_TIMEZONE", raising=False)
    assert clock.utcnow() == datetime(2026, 12, 1, 23, 30)
