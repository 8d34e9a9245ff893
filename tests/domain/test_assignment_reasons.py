"""The one wording of why a parcel went to its courier: event notes, explanations, sentences."""

from decimal import Decimal

from logistics.domain.assignment import (
    CourierDay,
    ParcelToAssign,
    assign_couriers,
    destination_problem,
)
from logistics.domain.assignment_reasons import (
    Exclusion,
    assigned_note,
    baseline_sentence,
    explain_locked,
    locked_state,
    money,
    saving_sentence,
    unassigned_note,
)
from logistics.domain.tariffs import CourierTerms, ProvinceTariff

D = Decimal


def terms(code, first, extra, *, excluded=()):
    return CourierTerms(
        code=code,
        name=code,
        volumetric_divisor=6000,
        weight_step_g=1000,
        excluded_provinces=frozenset(excluded),
        tariffs={"*": ProvinceTariff(D(first), D(extra))},
    )


JT = terms("JT", "3.20", "1.95")  # 7.10 yuan for 3 kg
YTO = terms("YTO", "4.10", "1.90")  # 7.90 yuan for 3 kg
ZTO = terms("ZTO", "8", "0", excluded={"54"})


def parcels(n, province="44"):
    return [ParcelToAssign(f"P{i}", province, 2500) for i in range(n)]


def note_of(result, parcel_id, was=None):
    assignment = next(a for a in result.assignments if a.parcel_id == parcel_id)
    return assigned_note(result, assignment, was)


def test_the_cheapest_courier_is_named_with_its_fee():
    result = assign_couriers(parcels(1), [CourierDay(JT), CourierDay(YTO)])
    assert note_of(result, "P0") == "JT, 7.10 yuan: the cheapest courier that takes it"
    assert note_of(result, "P0", was="YTO").endswith("(was YTO)")


def test_a_full_cheaper_courier_is_named_in_the_note_and_the_explanation():
    result = assign_couriers(parcels(2), [CourierDay(JT, 1), CourierDay(YTO)])
    assert note_of(result, "P1") == "YTO, 7.90 yuan: JT (7.10 yuan) had no capacity left"
    why = result.explain("P1")
    jt = next(o for o in why.options if o.courier == "JT")
    assert jt.exclusion is Exclusion.CAPACITY_FULL
    assert why.summary == (
        "Parcel P1 goes to YTO at 7.90 yuan: "
        "JT is cheaper but its remaining capacity (1 parcels) is full."
    )


def test_a_minimum_share_is_named_with_its_size():
    days = [CourierDay(JT), CourierDay(YTO, min_share=D("0.5"))]
    result = assign_couriers(parcels(2), days)
    yto = next(a for a in result.assignments if a.courier == "YTO")
    assert note_of(result, yto.parcel_id).endswith(
        "YTO needed it for its minimum share of 50% (1 parcels)"
    )
    assert "minimum share" in result.explain(yto.parcel_id).summary


def test_a_tracking_number_decides():
    parcel = ParcelToAssign("T", "44", 2500, fixed_courier="YTO")
    result = assign_couriers([parcel], [CourierDay(JT), CourierDay(YTO)])
    assert note_of(result, "T") == "YTO, 7.90 yuan: it carries a YTO tracking number"


def test_taking_a_courier_away_and_the_run_sentences():
    assert unassigned_note("No courier serves province 54 of parcel P1.", "ZTO") == (
        "no courier (was ZTO): No courier serves province 54 of parcel P1."
    )
    assert saving_sentence(156_265) == "Saving against the baseline: 1,562.65 yuan."
    assert saving_sentence(-180).startswith("This assignment costs 1.80 yuan more")
    assert "(JT; the next cheapest" in baseline_sentence("JT")
    assert "(no courier;" in baseline_sentence(None)
    assert (money(D("1234.5")), money(None)) == ("1,234.50 yuan", "-")


def test_a_locked_parcel_keeps_its_courier():
    state = locked_state("ZTO", handed_over=False, manifest_no="M-ZTO-20261123-1")
    assert state == "is on manifest M-ZTO-20261123-1 of ZTO"
    assert locked_state("ZTO", handed_over=True, manifest_no=None) == "was handed over to ZTO"
    ex = explain_locked(
        [JT, ZTO], "P1", "54", 2500, None, courier="ZTO", fee=D("8.00"), fixed=False, state=state
    )
    assert [o.courier for o in ex.options] == ["ZTO", "JT"]
    assert ex.options[1].exclusion is Exclusion.LOCKED
    assert ex.summary.startswith(f"Parcel P1 {state} at 8.00 yuan; its courier can no longer")
    assert (
        explain_locked(
            [JT], "P2", None, 100, None, courier=None, fee=None, fixed=False, state=state
        ).options
        == ()
    )


def test_a_parcel_needs_a_province_code():
    assert destination_problem("P1", "44") is None
    assert destination_problem("P1", "440305") is None
    assert "no destination province" in destination_problem("P1", None)
    assert "expected a two-digit GB/T 2260 code" in destination_problem("P1", "Guangdong")
