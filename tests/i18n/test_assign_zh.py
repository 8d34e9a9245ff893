"""`hub assign` in Chinese: the run, the --explain page, the reasons a courier won or lost,
the event notes, JSON labels, couriers typed by name (中通快递), and English unchanged."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from sqlmodel import select

from logistics import i18n
from logistics.domain.assignment import CourierDay, ParcelToAssign, assign_couriers
from logistics.domain.assignment_reasons import assigned_note
from logistics.domain.courier_names import courier_key
from logistics.domain.tariffs import CourierTerms, ProvinceTariff, quote
from logistics.models import ParcelEvent

CJK = "快递公司"


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv("HUB_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # the reasons fit without folding
    yield
    i18n.use("en")


def _terms(code: str, first: str, extra: str, **kw) -> CourierTerms:
    return CourierTerms(
        code=code,
        name=code,
        volumetric_divisor=8000,
        weight_step_g=1000,
        tariffs={"*": ProvinceTariff(D(first), D(extra))},
        **kw,
    )


JT = _terms("JT", "3.20", "1.95")  # 7.10 yuan for 3 kg
YTO = _terms("YTO", "4.10", "1.90", excluded_provinces=frozenset({"54"}))  # 7.90 yuan


def _full_jt():
    """Two parcels, JT (cheaper) takes one: the second goes to YTO."""
    parcels = [ParcelToAssign(f"P{i}", "44", 2500) for i in range(2)]
    return assign_couriers(parcels, [CourierDay(JT, 1), CourierDay(YTO)])


# ------------------------------------------------------------------ domain words


def test_a_capacity_reason_reads_in_chinese(chinese):
    result = _full_jt()
    why = result.explain("P1")
    jt = next(o for o in why.options if o.courier == "JT")
    assert jt.reason == "JT 更便宜，但剩余处理量（1 件）已满。"
    assert why.summary == "包裹 P1 交给 YTO，运费 7.90 元：JT 更便宜，但剩余处理量（1 件）已满。"
    note = assigned_note(result, result.assignment_of("P1"), "ZTO")
    assert note == "YTO，7.90 元：JT（7.10 元）处理量已满（原为 ZTO）"


def test_the_same_reason_stays_english_in_english():
    result = _full_jt()
    jt = next(o for o in result.explain("P1").options if o.courier == "JT")
    assert jt.reason == "JT is cheaper but its remaining capacity (1 parcels) is full."
    note = assigned_note(result, result.assignment_of("P1"), None)
    assert note == "YTO, 7.90 yuan: JT (7.10 yuan) had no capacity left"


def test_a_refusal_names_the_province_not_its_code(chinese):
    assert quote(YTO, "54", 1000).message == "YTO 不送西藏。"
    heavy = quote(_terms("SF", "12", "2", max_weight_g=30_000), "52", 31_500)
    assert heavy.message == "SF 最多收 30.00 kg，这件包裹重 31.50 kg。"
    i18n.use("en")
    assert quote(YTO, "54", 1000).message == "YTO does not serve province 54 (西藏)."


@pytest.mark.parametrize(
    "typed", ["ZTO", "zto", " Zto ", "ＺＴＯ", "中通", "中通快递", "中 通 快 递"]
)
def test_every_way_of_typing_zto_names_zto(typed):
    couriers = {"ZTO": "中通快递", "STO": "申通快递", "YTO": "圆通速递", "SF": "顺丰速运"}
    assert courier_key(typed, couriers) == "ZTO"


def test_a_name_that_fits_no_courier_or_two_names_none():
    assert courier_key("韵达", {"ZTO": "中通快递"}) is None
    assert courier_key("", {"ZTO": "中通快递"}) is None
    # a short name two couriers share names neither; a code wins over a name
    assert courier_key("通达", {"A": "通达快递", "B": "通达物流"}) is None
    assert courier_key("a", {"A": "通达快递", "B": "a"}) == "A"


# ------------------------------------------------------------------ the command

pytestmark_cli = pytest.mark.usefixtures("assignment_morning")


def _only_zto_has_room(session, couriers):
    for code, courier in couriers.items():
        if code != "ZTO":
            courier.daily_capacity = 0
            session.add(courier)
    session.commit()


@pytestmark_cli
def test_the_explain_page_reads_in_chinese(hub, session, couriers, make_parcel, monkeypatch):
    couriers["JT"].daily_capacity = 0
    session.add(couriers["JT"])
    session.commit()
    parcel = make_parcel(tracking_no=None)
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("assign", "--explain", parcel.parcel_no)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"包裹 {parcel.parcel_no}：寄往广东，2.50 kg" in out
    for header in ("快递公司", "运费（元）", "计费重量（kg）", "选中", "理由"):
        assert header in out
    assert "JT 更便宜，但剩余处理量（0 件）已满。" in out
    assert "ZTO 比 YTO 贵 0.10 元。" in out
    assert f"包裹 {parcel.parcel_no} 交给 YTO，运费 7.90 元" in out
    assert "还未保存：运行 `hub assign`" in out
    for english in ("cheaper", "Courier", "Why", "province 44", "yuan", "Not stored"):
        assert english not in out


@pytestmark_cli
def test_the_explain_json_keeps_codes_and_adds_labels(
    hub, session, couriers, make_parcel, monkeypatch
):
    couriers["JT"].daily_capacity = 0
    session.add(couriers["JT"])
    session.commit()
    parcel = make_parcel(tracking_no=None)
    monkeypatch.setenv("HUB_LANG", "zh")
    data = json.loads(hub("assign", "--explain", parcel.parcel_no, "--json").stdout)
    assert (data["status"], data["province"], data["province_label"]) == ("at_hub", "44", "广东")
    assert "status_label" in data and data["status_label"] != "at_hub"
    jt = next(o for o in data["options"] if o["courier"] == "JT")
    assert (jt["exclusion"], jt["exclusion_label"]) == ("capacity_full", "日处理上限已满")
    chosen = next(o for o in data["options"] if o["chosen"])
    assert chosen["exclusion"] is None and chosen["exclusion_label"] is None


@pytestmark_cli
def test_the_run_reads_in_chinese_and_the_event_note_too(
    hub, session, couriers, make_parcel, monkeypatch
):
    parcel = make_parcel()
    heavy = make_parcel(weight_g=75_000)
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("assign")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2026-11-23 快递公司分配（分拨中心）" in out
    for header in ("件数", "自带单号", "运费（元）", "最低份额", "达标", "剩余处理量"):
        assert header in out
    assert "运费合计：7.10 元，共 1 件（基准 7.10 元）。" in out
    assert "比基准节省：0.00 元。" in out
    assert "1 件包裹没有快递公司" in out
    assert "超过所有快递公司的重量上限" in out and "over_max_weight" not in out
    assert f"包裹 {heavy.parcel_no} 重 75.00 kg，超过所有送达广东的快递公司的重量上限。" in out
    assert "已保存：1 件包裹分到快递公司" in out
    for english in ("Total fee", "Baseline", "Saving", "Courier", "yuan", "Stored"):
        assert english not in out
    note = session.exec(
        select(ParcelEvent.note).where(
            ParcelEvent.parcel_id == parcel.id, ParcelEvent.action == "assign"
        )
    ).one()
    assert note == "JT，7.10 元：能接的快递公司中最便宜"
    session.commit()  # end the read, so the next `hub` command can write

    data = json.loads(hub("assign", "--json").stdout)
    [line] = data["unassigned"]
    assert (line["reason"], line["reason_label"]) == (
        "over_max_weight",
        "超过所有快递公司的重量上限",
    )


@pytestmark_cli
@pytest.mark.parametrize("typed", ["中通快递", "中通", "zto"])
def test_a_courier_typed_by_its_chinese_name_is_accepted(
    hub, session, couriers, make_parcel, monkeypatch, typed
):
    _only_zto_has_room(session, couriers)
    parcel = make_parcel()
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("assign", "--dry-run", "--courier", typed)
    assert result.exit_code == 0, result.output
    assert "本次分给 ZTO 的包裹：1 件" in result.output
    assert parcel.parcel_no in result.output and "广东" in result.output
    assert "试运行：没有保存；正式运行会保存：1 件包裹分到快递公司。" in result.output

    data = json.loads(hub("assign", "--dry-run", "--courier", typed, "--json").stdout)
    assert data["courier"] == "ZTO"
    [line] = data["courier_parcels"]
    assert (line["parcel_no"], line["province_label"], line["fee_fen"]) == (
        parcel.parcel_no,
        "广东",
        800,
    )


@pytestmark_cli
def test_an_unknown_courier_is_refused_in_chinese(hub, couriers, make_parcel, monkeypatch):
    make_parcel()
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("assign", "--dry-run", "--courier", "顺风")
    assert result.exit_code == 1
    assert "没有叫“顺风”的快递公司；现有快递公司：ZTO、STO" in result.output
    assert "No courier is called" not in result.output and "Traceback" not in result.output


@pytestmark_cli
def test_english_is_unchanged(hub, session, couriers, make_parcel):
    _only_zto_has_room(session, couriers)
    parcel = make_parcel(tracking_no=None)
    result = hub("assign", "--dry-run", "--courier", "中通快递")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Courier assignment for 2026-11-23 (at the hub)" in out
    assert "Total fee: 8.00 yuan for 1 parcel (baseline 7.10 yuan)." in out
    assert "1 parcel to ZTO in this run" in out
    assert "JT (7.10 yuan) had no capacity left" in out
    assert "Dry run: nothing was stored; a run would store: 1 parcel given a courier." in out
    assert CJK not in out
    explained = hub("assign", "--explain", parcel.parcel_no).output
    assert f"Parcel {parcel.parcel_no}: to province 44 (广东), 2.50 kg" in explained
    assert "JT is cheaper but its remaining capacity (0 parcels) is full." in explained
    assert "运费" not in explained and "元" not in explained


def test_waiting_and_re_sorting_read_in_chinese(chinese):
    from logistics.domain.assignment_reasons import resort_sentence

    parcels = [ParcelToAssign("OLD", "44", 2500, waited_days=2), ParcelToAssign("NEW", "44", 2500)]
    result = assign_couriers(parcels, [CourierDay(JT, 1), CourierDay(YTO, 0)])
    served = result.explain("OLD")
    assert "已等 2 天：优先级提高 20.00 元" in served.summary
    assert "每等满一天，就在运费上抵减 10.00 元，最多算 7 天（70.00 元）" in served.ageing
    assert resort_sentence("P1", "ZTO", "YTO") == "把 P1 从 ZTO 的笼车移到 YTO 的笼车。"
    assert resort_sentence("P1", "ZTO", None) == "把 P1 从 ZTO 的笼车取出：它现在没有快递公司。"
