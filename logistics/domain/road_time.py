"""Time on the road as people read it: the plan and the round show the same hours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HOURS_STEP = Decimal("0.01")


def hours(seconds: int | None) -> Decimal:
    """Seconds as hours, two decimals, half up; None counts as 0."""
    return (Decimal(int(seconds or 0)) / 3600).quantize(HOURS_STEP, ROUND_HALF_UP)
