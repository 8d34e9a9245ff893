"""The sample generator's Double 11 week: outbound 5 to 10 times an ordinary day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from logistics.sample.generator import (
    TODAY,
    CourierSpec,
    Peak,
    SampleGenerator,
    StationSpec,
    double11_of,
)

PEAK_DAY = date(2026, 11, 11)
STATIONS = [StationSpec(code=f"S{i:02d}", households=150 + 40 * i) for i in range(30)]
COURIERS = [CourierSpec(code="ZTO", daily_capacity=900), CourierSpec(code="YTO")]


def outbound(batch) -> np.ndarray:
    return batch.parcels["direction"] == "outbound"


@pytest.fixture(scope="module")
def weeks():
    """The peak week and the same weekdays three weeks before, of one seeded township."""
    generator = SampleGenerator(STATIONS, COURIERS, 7, parcels_per_day=1000, peak=Peak(PEAK_DAY))
    first = PEAK_DAY - timedelta(days=2)
    peak = [generator.day(first + timedelta(days=k), TODAY) for k in range(7)]
    before = [generator.day(first + timedelta(days=k - 21), TODAY) for k in range(7)]
    return peak, before


def test_the_peak_week_sends_five_to_ten_times_the_outbound_parcels(weeks):
    peak, before = weeks
    ratios = [
        int(outbound(p).sum()) / int(outbound(b).sum()) for p, b in zip(peak, before, strict=True)
    ]
    assert all(5 <= r <= 10 for r in ratios), ratios
    # up to the peak day, then easing off
    assert ratios.index(max(ratios)) == 2
    assert ratios[0] < ratios[1] < ratios[2] and ratios[2] > ratios[4] > ratios[6]
    # online purchases arrive after the day, not before it
    inbound = [
        int((~outbound(p)).sum()) / int((~outbound(b)).sum())
        for p, b in zip(peak, before, strict=True)
    ]
    assert inbound[0] < 1.3 and max(inbound[3:]) > 1.8


def test_the_peak_comes_from_the_shop_villages_and_their_gift_boxes(weeks):
    peak, before = weeks
    day, ordinary = peak[2], before[2]
    counts = np.bincount(day.parcels["station"][outbound(day)], minlength=len(STATIONS))
    usual = np.bincount(ordinary.parcels["station"][outbound(ordinary)], minlength=len(STATIONS))
    growth = counts / np.maximum(usual, 1)
    assert growth.max() > 2 * growth.min(), "not every village grows alike"

    def share(batch, category):
        out = batch.parcels["category"][outbound(batch)]
        return float((out == category).mean())

    assert share(day, "kiwi") > share(ordinary, "kiwi")
    printed = day.parcels["courier_fixed"][outbound(day)].mean()
    assert printed > ordinary.parcels["courier_fixed"][outbound(ordinary)].mean() + 0.15


def test_without_a_peak_the_days_are_unchanged():
    plain = SampleGenerator(STATIONS, COURIERS, 7, parcels_per_day=300)
    peaked = SampleGenerator(STATIONS, COURIERS, 7, parcels_per_day=300, peak=Peak(PEAK_DAY))
    for day in (PEAK_DAY - timedelta(days=3), PEAK_DAY + timedelta(days=5)):
        a, b = plain.day(day, TODAY), peaked.day(day, TODAY)
        assert a.n_parcels == b.n_parcels
        assert list(a.parcels["tracking_no"]) == list(b.parcels["tracking_no"])


def test_the_default_week_is_the_latest_one_over():
    assert double11_of(date(2026, 12, 2)) == date(2026, 11, 11)
    assert double11_of(date(2026, 11, 12)) == date(2025, 11, 11)
    assert Peak(PEAK_DAY).first == date(2026, 11, 9)
