from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.tariffs import (
    CourierTerms,
    FeeBook,
    ProvinceTariff,
    Refusal,
    chargeable_weight_g,
    extra_kg_count,
    fee_for,
    fen_to_yuan,
    province_code,
    quote,
    yuan_to_fen,
)
from logistics.errors import InvalidInput

D = Decimal


def zto(**changes):
    values = dict(
        code="ZTO",
        name="ZTO Express",
        volumetric_divisor=6000,
        weight_step_g=500,
        max_weight_g=30_000,
        excluded_provinces=frozenset({"54", "65"}),
        tariffs={
            "*": ProvinceTariff(D("8"), D("5")),
            "52": ProvinceTariff(D("5"), D("2.5")),
        },
    )
    values.update(changes)
    return CourierTerms(**values)


@pytest.mark.parametrize(
    ("weight_g", "step", "expected"),
    [
        (1, 500, 500),
        (500, 500, 500),
        (501, 500, 1000),
        (1200, 500, 1500),
        (1200, 1000, 2000),
        (2000, 1000, 2000),
        (2001, 1000, 3000),
        (0, 500, 500),
    ],
)
def test_actual_weight_rounds_up_to_the_courier_step(weight_g, step, expected):
    assert chargeable_weight_g(weight_g, None, 6000, step) == expected


def test_volumetric_weight_wins_for_a_light_bulky_parcel():
    # 40 x 30 x 20 cm = 24,000 cm3; / 6000 = 4 kg, heavier than the 800 g on the scale.
    assert chargeable_weight_g(800, (40, 30, 20), 6000, 500) == 4000
    # Same box with an 8000 divisor: 3 kg.
    assert chargeable_weight_g(800, (40, 30, 20), 8000, 500) == 3000
    # Heavy small box: actual weight wins.
    assert chargeable_weight_g(5200, (10, 10, 10), 6000, 1000) == 6000


def test_volumetric_weight_is_exact_and_rounds_up():
    # 30 x 20 x 10.1 cm = 6060 cm3 / 6000 = 1.01 kg -> 1.5 kg at a 500 g step.
    assert chargeable_weight_g(100, (30, 20, D("10.1")), 6000, 500) == 1500
    # Exactly 1 kg of volume stays 1 kg: no float drift pushes it to the next step.
    assert chargeable_weight_g(100, (D("10.0"), 20, 30), 6000, 500) == 1000
    # A float is read through its shortest decimal text: 10.1 means 10.1, not 10.0999...
    assert chargeable_weight_g(100, (30, 20, 10.1), 6000, 500) == 1500
    assert chargeable_weight_g(100, (30.0, 20, 10), 6000, 500) == 1000


def test_fee_is_first_kg_plus_each_started_extra_kg():
    tariff = ProvinceTariff(D("5"), D("2.5"))
    assert [extra_kg_count(g) for g in (500, 1000, 1500, 2000, 2001, 3000)] == [0, 0, 1, 1, 2, 2]
    assert fee_for(tariff, 1000) == D("5.00")
    assert fee_for(tariff, 1500) == D("7.50")  # 1.5 kg = first + 1 extra
    assert fee_for(tariff, 2000) == D("7.50")
    assert fee_for(tariff, 2500) == D("10.00")
    assert str(fee_for(tariff, 500)) == "5.00"


def test_quote_uses_the_province_row_or_the_default():
    terms = zto()
    guizhou = quote(terms, "52", 1200)
    assert (guizhou.fee, guizhou.chargeable_g, guizhou.ok) == (D("7.50"), 1500, True)
    beijing = quote(terms, "110105", 3000)  # a district code is read as its province
    assert beijing.fee == D("18.00")


def test_quote_refuses_excluded_unserved_and_too_heavy_parcels():
    terms = zto()
    tibet = quote(terms, "54", 1000)
    assert tibet.refusal is Refusal.PROVINCE_EXCLUDED and tibet.fee is None
    assert "54" in tibet.message

    no_default = zto(tariffs={"52": ProvinceTariff(D("5"), D("2"))})
    assert quote(no_default, "44", 1000).refusal is Refusal.PROVINCE_NOT_SERVED

    heavy = quote(terms, "52", 30_001)
    assert heavy.refusal is Refusal.OVER_MAX_WEIGHT
    # Two decimals of kg would read "30.00 kg ... 30.00 kg": grams say what is over.
    assert "at most 30,000 g and the parcel weighs 30,001 g" in heavy.message
    assert "at most 30.00 kg and the parcel weighs 31.50 kg" in quote(terms, "52", 31_500).message
    assert quote(terms, "52", 30_000).ok

    # Exclusion beats an explicit province row.
    assert quote(zto(excluded_provinces=frozenset({"52"})), "52", 1000).ok is False


def test_bad_terms_and_parcels_are_refused_with_a_sentence():
    with pytest.raises(InvalidInput, match="volumetric divisor"):
        zto(volumetric_divisor=0)
    with pytest.raises(InvalidInput, match="weight step"):
        zto(weight_step_g=-500)
    with pytest.raises(InvalidInput, match="Decimal"):
        ProvinceTariff(5.0, D("1"))
    with pytest.raises(InvalidInput, match="Province code"):
        province_code("Guizhou")
    with pytest.raises(InvalidInput, match="weight"):
        quote(zto(), "52", -1)
    with pytest.raises(InvalidInput, match="positive"):
        quote(zto(), "52", 100, (10, 0, 10))


@given(
    province=st.sampled_from(["52", "44", "54", "11"]),
    weight=st.integers(0, 40_000),
    dims=st.none() | st.tuples(*[st.integers(1, 80)] * 3),
)
def test_the_fee_book_quotes_what_quote_does(province, weight, dims):
    couriers = [zto(), zto(code="STO", weight_step_g=1000, max_weight_g=None)]
    book = FeeBook(couriers)
    for _ in range(2):  # the second time from the cache
        for index, terms in enumerate(couriers):
            one = quote(terms, province, weight, dims)
            assert book.quote(index, province, weight, dims) == one
            entry = book.entry(index, province, weight, dims)
            assert entry == (one.refusal or yuan_to_fen(one.fee))


def test_fen_round_trip():
    assert yuan_to_fen(D("12.34")) == 1234
    assert fen_to_yuan(1234) == D("12.34")
    assert fen_to_yuan(500) == D("5.00")


@given(
    weight=st.integers(0, 60_000),
    dims=st.none() | st.tuples(*[st.integers(1, 120)] * 3),
    step=st.sampled_from([500, 1000]),
    divisor=st.sampled_from([5000, 6000, 8000]),
)
def test_chargeable_weight_is_the_smallest_step_multiple_covering_both(weight, dims, step, divisor):
    charge = chargeable_weight_g(weight, dims, divisor, step)
    volumetric = 0 if dims is None else dims[0] * dims[1] * dims[2] * 1000 / divisor
    assert charge % step == 0 and charge >= step
    assert charge >= weight and charge * divisor >= volumetric * divisor - 1e-6
    # One step less would not cover the heavier of the two (unless we are at the minimum).
    lower = charge - step
    assert lower == 0 or lower < weight or lower * divisor < volumetric * divisor
