"""`hub plan` and `hub round ...` in Chinese: what the hub operator and the van driver read
at the loading dock (carried-over stations and why, refusals, the reconciliation), the
JSON labels beside the round status codes, and the English unchanged."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from logistics import i18n
from logistics.domain import round_status
from logistics.domain.round_status import RoundAction, RoundStatus
from logistics.domain.routing import Depot, RoutingProblem, SearchSettings, Stop, Van, solve
from logistics.errors import RuleBroken
from logistics.models import Vehicle

H = 3600
KG = 1000


@pytest.fixture(autouse=True)
def _english_after(monkeypatch):
    monkeypatch.delenv("HUB_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    yield
    i18n.use("en")


@pytest.fixture
def day(make_parcel):
    return {
        "GD05": [make_parcel("registered", station="GD05", weight_g=2000) for _ in range(2)],
        "GD06": [make_parcel("registered", station="GD06", weight_g=1500)],
        "in": [make_parcel("arrived_hub", station="GD06", weight_g=800)],
    }


@pytest.fixture
def no_van(sample_network, day):
    """Every van of the sample township is out of service today."""
    session = sample_network
    for van in session.exec(select(Vehicle)):
        van.active = False
        session.add(van)
    session.commit()
    return day


def planned_round(hub) -> str:
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["rounds"][0]["round_no"]


# ------------------------------------------------------------------ words of the domain


def test_round_states_read_in_the_glossary_words(chinese):
    assert [s.label for s in RoundStatus] == ["已计划", "已出车", "已收车"]
    assert RoundStatus.label_of("started") == "已出车"
    assert RoundStatus.STARTED.english == "started"


def test_a_start_refusal_is_one_chinese_sentence(chinese):
    with pytest.raises(RuleBroken) as caught:
        round_status.apply("started", RoundAction.START, round_no="R-20261123-1")
    assert str(caught.value) == "趟次 R-20261123-1 已出车：只有已计划的趟次才能出车。"


def test_the_planner_says_why_a_station_is_left_in_chinese(chinese):
    # 20 km at 36 km/h: the 07:00 van reaches EARLY at 07:34, after it closes at 07:10.
    stops = [Stop("EARLY", pickup_g=5 * KG, pickup_parcels=2, opens_s=6 * H, closes_s=7 * H + 600)]
    metres = [[0, 20_000], [20_000, 0]]
    seconds = [[0, 2_000], [2_000, 0]]
    problem = RoutingProblem(
        Depot("HUB", 7 * H, 16 * H + 1800),
        stops,
        [Van("V1", 100 * KG, 100, 7 * H, 18 * H, 150, 0)],
        metres,
        seconds,
    )
    plan = solve(problem, SearchSettings(time_limit_s=0.3, workers=1))
    (left,) = plan.unserved
    assert left.reason.startswith("营业时间 06:00-07:10 内赶不到（最早 07:33 到")
    assert "opening hours" not in left.reason


# ------------------------------------------------------------------ hub plan


def test_a_carried_over_station_and_its_reason_read_in_chinese(hub, no_van):
    result = hub("plan", "--time-limit", "0.3", "--lang", "zh")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "顺延：GD05 " in out and "待揽收 2 件（4.00 kg）" in out
    assert "当天没有可用的车辆。" in out
    assert "没有在用的车辆：用 `hub vehicle` 添加或启用车辆" in out
    assert "没有计划趟次" in out
    for english in ("Carried over", "no van is available", "Plan for", "Note:"):
        assert english not in out


def test_a_carried_over_reason_is_unchanged_in_english(hub, no_van):
    out = hub("plan", "--time-limit", "0.3").output
    assert "Carried over: GD05 " in out and ": no van is available for the day." in out
    assert "Note: no active van: add or activate vans with `hub vehicle`." in out
    assert "顺延" not in out


def test_the_plan_table_and_summary_read_in_chinese(hub, day):
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--lang", "zh")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "到达" in out and "离开" in out and "揽收" in out and "回分拨中心" in out
    assert "的计划：1 个趟次，1 辆车" in out
    assert "4 件包裹中 4 件有车（揽收 3 件，派送 1 件）" in out
    assert "15:30 前返回" in out
    for english in ("Arrive", "back to the hub", "rounds,", "parcels served"):
        assert english not in out


def test_the_plan_json_keeps_codes_and_adds_the_status_label(hub, day):
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json", "--lang", "zh")
    (rnd,) = json.loads(result.output)["rounds"]
    assert rnd["status"] == "planned" and rnd["status_label"] == "已计划"


def test_a_road_table_error_reads_in_chinese(hub, day, tmp_path):
    roads = tmp_path / "roads.csv"
    roads.write_text("from,to,km\nGAODU,GD05,abc\n", encoding="utf-8")
    result = hub("plan", "--vans", "VAN1", "--matrix", roads, "--lang", "zh")
    assert result.exit_code == 1
    assert "roads.csv 第 2 行：公里数和分钟数必须是数字" in result.output
    assert "must be numbers" not in result.output


# ------------------------------------------------------------------ hub round


def test_round_list_shows_the_status_word_and_json_adds_its_label(hub, day):
    round_no = planned_round(hub)
    table = hub("round", "list", "--lang", "zh").output
    assert round_no in table and "已计划" in table and "状态" in table and "车辆" in table
    assert "planned" not in table and "Status" not in table
    (row,) = json.loads(hub("round", "list", "--json", "--lang", "zh").output)
    assert row["status"] == "planned" and row["status_label"] == "已计划"
    shown = json.loads(hub("round", "show", round_no, "--json", "--lang", "zh").output)
    assert shown["status"] == "planned" and shown["status_label"] == "已计划"
    english = json.loads(hub("round", "list", "--json").output)
    assert english[0]["status_label"] == "planned"
    assert "planned" in hub("round", "list").output
    assert hub("round", "list", "--csv").output.splitlines()[0].startswith("round_no,")


def test_round_show_and_sheet_read_in_chinese(hub, day):
    round_no = planned_round(hub)
    shown = hub("round", "show", round_no, "--lang", "zh").output
    assert "计划出车" in shown and "已计划" in shown and "站长电话" in shown
    assert "Planned start" not in shown
    sheet = hub("round", "sheet", round_no, "--lang", "zh").output
    assert f"趟次单 {round_no}" in sheet and "站长签名" in sheet and "司机 ____" in sheet
    assert "Keeper's signature" not in sheet and "Round sheet" not in sheet


def test_a_second_start_is_refused_in_chinese(hub, day):
    round_no = planned_round(hub)
    started = hub("round", "start", round_no, "--lang", "zh")
    assert started.exit_code == 0, started.output
    assert f"趟次 {round_no} 已出车（VAN1）：2 个站点停靠，1 件进港包裹派送中" in started.output
    again = hub("round", "start", round_no, "--lang", "zh")
    assert again.exit_code == 1
    assert f"趟次 {round_no} 已出车：只有已计划的趟次才能出车。" in again.output
    assert "only a planned round" not in again.output
    replan = hub("plan", "--time-limit", "0.3", "--lang", "zh")
    assert replan.exit_code == 0, replan.output
    said = "".join(replan.output.split())
    assert f"已出车或已收车的1个趟次：{round_no}（VAN1，已出车，".replace(" ", "") in said
    assert "Kept" not in replan.output
    english = hub("round", "start", round_no)
    assert f"Round {round_no} is already started: only a planned round can be started." in (
        english.output
    )


def test_the_reconciliation_reads_in_chinese(hub, day):
    round_no = planned_round(hub)
    hub("round", "start", round_no)
    collected = day["GD05"][0].parcel_no
    scan = hub("scan", "collect", "--station", "GD05", "--round", round_no, collected)
    assert scan.exit_code == 0, scan.output
    finished = hub("round", "finish", round_no, "--lang", "zh")
    assert finished.exit_code == 0, finished.output
    out = finished.output
    assert f"趟次 {round_no}（VAN1）：收车核对" in out
    for header in ("应收", "实收", "少收", "多收"):
        assert header in out
    assert f"少收：{day['GD05'][1].parcel_no}" in out
    assert "应收 3 件，实收 1 件，少收 2 件，多收 0 件。" in out
    said = "".join(out.split())
    assert "派送1件，服务站已确认到站0件，未确认1件。" in said
    assert f"派送未确认：{day['in'][0].parcel_no}" in out
    for english in ("Expected", "Missing", "reconciliation", "collected of"):
        assert english not in out
    shown = hub("round", "show", round_no, "--lang", "zh").output
    assert "已收车" in shown and f"少收：{day['GD05'][1].parcel_no}" in shown


def test_the_reconciliation_is_unchanged_in_english(hub, day):
    round_no = planned_round(hub)
    hub("round", "start", round_no)
    out = hub("round", "finish", round_no).output
    assert "Expected" in out and "Collected" in out and "Missing" in out and "Extra" in out
    assert "0 collected of 3 expected, 3 missing, 0 extra." in out
    assert "应收" not in out
