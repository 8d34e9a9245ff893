"""The seeded sample generator makes parcels shaped like a real township's (no database)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest

from logistics.domain import parcel_status, tariffs
from logistics.sample.generator import (
    HISTORY,
    TODAY,
    CourierSpec,
    SampleGenerator,
    StationSpec,
    spring_festival,
)

COURIERS = (
    ("ZTO", 900, r"^7\d{13}$", time(17, 0)),
    ("STO", 500, r"^77\d{13}$", time(16, 30)),
    ("YTO", 600, r"^YT\d{13}$", time(17, 30)),
    ("YUNDA", 600, r"^[34]\d{14}$|^\d{13}$", time(17, 0)),
    ("JT", 500, r"^JT\d{13}$", time(16, 0)),
    ("EMS", 300, r"^[19]\d{12}$", time(18, 0)),
    ("SF", 250, r"^SF\d{13}$", time(18, 0)),
    ("DEPPON", 150, r"^DPK\d{12}$", time(16, 30)),
)


def township(seed: int = 11) -> tuple[list[StationSpec], list[CourierSpec]]:
    """30 stations of 150..3,000 households and 8 couriers, like the reference township."""
    rng = np.random.default_rng(seed)
    households = rng.integers(150, 3000, 30)
    stations = [
        StationSpec(f"GD{i + 1:02d}", int(h), time(8, 0), time(18, 30), f"村{i + 1}")
        for i, h in enumerate(households)
    ]
    couriers = []
    for k, (code, capacity, pattern, cutoff) in enumerate(COURIERS):
        tariff = {"*": (800 + 50 * k, 300 + 20 * k), "14": (300, 120), "44": (600 + 30 * k, 250)}
        excluded = frozenset({"54", "65"}) if k < 5 else frozenset()
        couriers.append(
            CourierSpec(
                code,
                capacity,
                tracking_pattern=pattern,
                cutoff=cutoff,
                volumetric_divisor=12000 if code == "SF" else 8000,
                weight_step_g=500 if code == "SF" else 1000,
                tariff=tariff,
                excluded=excluded,
            )
        )
    return stations, couriers


@pytest.fixture(scope="module")
def network():
    return township()


@pytest.fixture(scope="module")
def generator(network):
    stations, couriers = network
    return SampleGenerator(stations, couriers, seed=42)


@pytest.fixture(scope="module")
def november(generator):
    """An ordinary week of history (complete lives)."""
    return [generator.day(date(2026, 11, 2) + timedelta(days=k)) for k in range(7)]


def _same(a, b) -> None:
    assert a.parcels.keys() == b.parcels.keys()
    for key in a.parcels:
        assert np.array_equal(a.parcels[key], b.parcels[key]), key
    for key in a.events:
        assert np.array_equal(a.events[key], b.events[key]), key


def test_same_seed_gives_the_same_parcels(network):
    stations, couriers = network
    one = SampleGenerator(stations, couriers, seed=7).day(date(2026, 3, 10))
    two = SampleGenerator(stations, couriers, seed=7).day(date(2026, 3, 10))
    _same(one, two)


def test_a_day_does_not_depend_on_the_days_generated_with_it(generator):
    alone = generator.day(date(2026, 5, 6))
    in_a_run = list(generator.days(date(2026, 5, 4), 3))[2]
    _same(alone, in_a_run)


def test_different_seed_gives_different_parcels(network):
    stations, couriers = network
    one = SampleGenerator(stations, couriers, seed=7).day(date(2026, 3, 10))
    two = SampleGenerator(stations, couriers, seed=8).day(date(2026, 3, 10))
    assert one.n_parcels != two.n_parcels or not np.array_equal(
        one.parcels["weight_g"], two.parcels["weight_g"]
    )
    assert set(one.parcels["order_ref"]) - {None} != set(two.parcels["order_ref"]) - {None}


def test_an_average_day_has_about_3300_parcels(generator):
    year = [date(2026, 1, 1) + timedelta(days=k) for k in range(365)]
    expected = [sum(part.sum() for part in generator.expected(d)) for d in year]
    assert np.mean(expected) == pytest.approx(3300, rel=0.01)
    # What is generated follows the expectation (Poisson noise only).
    days = [date(2026, 9, 1) + timedelta(days=k) for k in range(7)]
    made = sum(generator.day(d).n_parcels for d in days)
    planned = sum(sum(part.sum() for part in generator.expected(d)) for d in days)
    assert made == pytest.approx(planned, rel=0.03)
    assert 2800 < made / 7 < 4200


def test_about_60_percent_outbound(november):
    directions = Counter(d for b in november for d in b.parcels["direction"])
    share = directions["outbound"] / sum(directions.values())
    assert 0.55 < share < 0.68


def test_double_11_is_busier_than_an_ordinary_november_day(generator):
    ordinary = [generator.day(date(2026, 11, d)).n_parcels for d in (3, 4, 5)]
    double_11 = generator.day(date(2026, 11, 11)).n_parcels
    week_after = generator.day(date(2026, 11, 13)).n_parcels
    assert double_11 > 1.3 * max(ordinary)
    assert week_after > 1.3 * max(ordinary)


def test_spring_festival_peak_before_then_a_lull(generator):
    festival = spring_festival(2027)
    assert festival == date(2027, 2, 6)

    def outbound(day):
        return generator.expected(day)[0].sum()

    ordinary = np.mean([outbound(date(2027, 3, 16) + timedelta(days=k)) for k in range(7)])
    assert outbound(festival - timedelta(days=18)) > 1.4 * ordinary
    assert outbound(festival + timedelta(days=1)) < 0.4 * ordinary
    peak = generator.day(festival - timedelta(days=18))
    cured = Counter(peak.parcels["category"][peak.parcels["direction"] == "outbound"])
    summer = generator.day(date(2026, 7, 15))
    cured_summer = Counter(summer.parcels["category"][summer.parcels["direction"] == "outbound"])
    assert cured["cured_meat"] > 3 * cured_summer["cured_meat"]


def test_the_biggest_stations_send_the_most(network, november):
    stations, _ = network
    households = np.array([s.households for s in stations])
    sent = np.zeros(len(stations))
    for batch in november:
        out = batch.parcels["direction"] == "outbound"
        sent += np.bincount(batch.parcels["station"][out], minlength=len(stations))
    by_size = np.argsort(households)
    assert sent[by_size[-5:]].sum() > 3 * sent[by_size[:5]].sum()
    assert sent[by_size[-1]] > sent[by_size[len(by_size) // 2]]
    assert np.corrcoef(households, sent)[0, 1] > 0.8


def test_every_status_equals_its_last_event_and_times_increase(november):
    for batch in november:
        p, e = batch.parcels, batch.events
        assert np.all(np.diff(e["parcel"]) >= 0)
        same = e["parcel"][1:] == e["parcel"][:-1]
        assert np.all(e["at"][1:][same] > e["at"][:-1][same])
        # Each event starts where the previous one ended.
        assert np.array_equal(e["from_status"][1:][same], e["to_status"][:-1][same])
        first = np.r_[True, ~same]
        assert all(s is None for s in e["from_status"][first])
        last = np.r_[~same, True]
        assert np.array_equal(e["parcel"][last], np.arange(batch.n_parcels))
        assert np.array_equal(e["to_status"][last], p["status"])
        assert np.array_equal(e["at"][last], p["status_at"])
        assert np.array_equal(e["at"][first], p["registered_at"])
        assert np.all(np.diff(p["registered_at"]) >= np.timedelta64(0, "s"))


def test_lives_follow_the_hub_flow(november):
    batch = november[2]
    e = batch.events
    out = batch.parcels["direction"] == "outbound"
    paths = Counter()
    for parcel in np.flatnonzero(out)[:2000]:
        paths[tuple(e["action"][e["parcel"] == parcel])] += 1
    normal = ("register", "collect", "arrive", "manifest", "handover")
    assert paths.most_common(1)[0][0] == normal
    assert paths[normal] > 0.95 * sum(paths.values())
    statuses = Counter(batch.parcels["status"])
    assert statuses["handed_over"] > 0.95 * out.sum()
    assert statuses["picked_up"] > 0.95 * (~out).sum()
    all_statuses = Counter(s for b in november for s in b.parcels["status"])
    assert all_statuses["cancelled"] > 0 and all_statuses["held"] >= 0
    assert all_statuses["returned"] > 0


def test_history_handovers_have_a_courier_and_the_tariff_fee(network, november):
    _, couriers = network
    terms = [
        tariffs.CourierTerms(
            code=c.code,
            name=c.code,
            volumetric_divisor=c.volumetric_divisor,
            weight_step_g=c.weight_step_g,
            excluded_provinces=c.excluded,
            tariffs={
                k: tariffs.ProvinceTariff(Decimal(f) / 100, Decimal(x) / 100)
                for k, (f, x) in c.tariff.items()
            },
        )
        for c in couriers
    ]
    p = november[3].parcels
    handed = np.flatnonzero(p["status"] == "handed_over")
    assert len(handed) > 1000
    assert np.all(p["courier"][handed] >= 0)
    assert np.all(p["fee_fen"][handed] > 0)
    assert np.all(p["chargeable_g"][handed] >= p["weight_g"][handed])
    for i in handed[:300]:
        quote = tariffs.quote(
            terms[p["courier"][i]],
            p["province_code"][i],
            int(p["weight_g"][i]),
            (int(p["length_cm"][i]), int(p["width_cm"][i]), int(p["height_cm"][i])),
        )
        assert quote.ok, quote.message
        assert quote.chargeable_g == p["chargeable_g"][i]
        assert tariffs.yuan_to_fen(quote.fee) == p["fee_fen"][i]


def test_tracking_numbers_fix_the_courier_and_look_real(network, november):
    _, couriers = network
    seen: set[str] = set()
    for batch in november:
        p = batch.parcels
        has = np.flatnonzero(p["tracking_no"] != None)  # noqa: E711
        assert np.array_equal(has, np.flatnonzero(p["courier_fixed"]))
        for i in has:
            number = p["tracking_no"][i]
            assert re.fullmatch(couriers[p["courier"][i]].tracking_pattern, number), number
        numbers = set(p["tracking_no"][has])
        assert len(numbers) == len(has) and not numbers & seen
        seen |= numbers
        inbound = p["direction"] == "inbound"
        assert np.all(p["courier_fixed"][inbound])
        share = p["courier_fixed"][~inbound].mean()
        assert 0.25 < share < 0.35


def test_order_refs_names_and_phones(november):
    refs: list[str] = []
    for batch in november:
        p = batch.parcels
        refs += [r for r in p["order_ref"] if r is not None]
        for phone in np.concatenate([p["sender_phone"], p["recipient_phone"]]):
            assert re.fullmatch(r"1[3-9]\d{9}", phone)
        for name in p["recipient_name"][:500]:
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name)
    assert len(refs) == len(set(refs))


def test_weights_by_product_and_destinations(november):
    p = {k: np.concatenate([b.parcels[k] for b in november]) for k in november[0].parcels}
    kiwi = p["weight_g"][p["category"] == "kiwi"]
    assert 2600 <= np.median(kiwi) <= 2900
    tea = p["weight_g"][p["category"] == "tea"]
    assert np.median(tea) < 800
    out = p["direction"] == "outbound"
    provinces = Counter(p["province_code"][out])
    top = [code for code, _ in provinces.most_common(3)]
    assert top[0] == "44"  # Guangdong
    assert set(top) <= {"44", "33", "32"}
    assert set(p["province_code"][~out]) == {"14"}


def test_registrations_within_opening_hours(network, november):
    stations, _ = network
    p = november[0].parcels
    out = p["direction"] == "outbound"
    local = p["registered_at"][out] + np.timedelta64(8, "h")  # Asia/Shanghai
    minutes = (local - local.astype("datetime64[D]")).astype(int) // 60
    assert minutes.min() >= 8 * 60 and minutes.max() < 18 * 60 + 30


def test_today_mode_waits_to_be_planned(generator):
    now = datetime(2026, 11, 23, 3, 0)  # 11:00 at the hub
    batch = generator.day(date(2026, 11, 23), TODAY, now)
    p = batch.parcels
    out = p["direction"] == "outbound"
    assert set(p["status"][out]) == {"registered"}
    assert set(p["status"][~out]) == {"arrived_hub"}
    assert batch.n_events == batch.n_parcels
    assert np.all(p["fee_fen"] == -1)
    assert np.all(p["courier"][out & ~p["courier_fixed"]] == -1)
    assert p["registered_at"].max() <= np.datetime64(now)
    assert 2500 < batch.n_parcels < 6000


def test_history_is_cut_at_now(generator):
    day = date(2026, 11, 20)
    now = datetime(2026, 11, 21, 4, 0)  # 12:00 the next day at the hub
    batch = generator.day(day, HISTORY, now)
    p, e = batch.parcels, batch.events
    assert e["at"].max() <= np.datetime64(now)
    statuses = Counter(p["status"])
    assert statuses["handed_over"] > 0
    assert statuses["at_station"] + statuses["out_for_delivery"] + statuses["at_hub"] > 0
    waiting = np.isin(p["status"], ["registered", "collected", "at_hub"])
    assert waiting.any()
    assert np.all(p["fee_fen"][waiting] == -1)


def test_every_life_is_allowed_by_the_status_machine(november):
    batch = november[4]
    p, e = batch.parcels, batch.events
    starts = np.r_[0, np.flatnonzero(e["parcel"][1:] != e["parcel"][:-1]) + 1, batch.n_events]
    for k in range(0, batch.n_parcels, 7):
        direction = p["direction"][k]
        status, held_from = None, None
        for j in range(starts[k], starts[k + 1]):
            action = e["action"][j]
            if action == "register":
                assert status is None and direction == "outbound"
                status = parcel_status.initial_status(direction)
                continue
            outcome = parcel_status.apply(direction, status, action, held_from)
            assert outcome.changed and outcome.status == e["to_status"][j]
            status, held_from = outcome.status, outcome.held_from or held_from
        assert status == p["status"][k]
        assert p["held_from"][k] == (held_from if status == "held" else None)


def test_sample_categories_are_the_canonical_product_keys(generator):
    """The report counts products by key: the generator stores only keys of the one list,
    so every sample parcel has a label in both languages."""
    from logistics.domain.products import PRODUCTS

    keys = {product.key for product in PRODUCTS}
    seen: set[str] = set()
    for day in (date(2026, 1, 20), date(2026, 4, 15), date(2026, 10, 8)):
        seen |= set(generator.day(day).parcels["category"])
    assert seen <= keys, seen - keys
    assert {"kiwi", "cured_meat", "rice_tofu", "tea", "apparel", "farm_inputs"} <= seen
