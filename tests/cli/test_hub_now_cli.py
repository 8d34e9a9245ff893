"""A HUB_NOW that is not a moment: `hub` says so in one sentence, no Python words."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("value", ["garbage", "2026-12-02T25:00:00"])
def test_hub_with_a_bad_hub_now_says_what_is_expected(hub, sample_network, monkeypatch, value):
    monkeypatch.setenv("HUB_NOW", value)
    result = hub("plan", "--time-limit", "0.3")
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert (
        f"HUB_NOW is '{value}', not a moment: expected the hub's local date and time "
        "as 2026-12-02T07:30."
    ) in out
    for python in ("Traceback", "isoformat", "ValueError", "Unexpected error"):
        assert python not in out
