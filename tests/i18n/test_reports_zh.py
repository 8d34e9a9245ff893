"""The daily and monthly reports in Chinese: the terminal, the JSON labels, the XLSX sheets
and the PDF a county commerce bureau receives (page numbers, signatures, stamp)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from logistics.io.report_text import figure_text
from logistics.services.report_tables import (
    FIGURE_COLUMNS,
    category_label,
    direction_label,
    province_label,
    weekday_label,
)
from tests.support import month_of_parcels, stored

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def october(make_parcel, session, monkeypatch):
    """Four outbound parcels and one inbound in October 2026; the clock says 23 November."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    made = [
        ("handed_over", "GD01", "ZTO", "44", 2500, 1250, datetime(2026, 10, 1, 0, 30)),
        ("handed_over", "GD01", "ZTO", "33", 5200, 1800, datetime(2026, 10, 2, 10, 0)),
        ("handed_over", "GD02", "YTO", "44", 800, 900, datetime(2026, 10, 2, 11, 0)),
        ("handed_over", "GD02", "STO", "32", 10300, 3100, datetime(2026, 10, 15, 9, 0)),
        ("picked_up", "GD01", "ZTO", None, 1500, None, datetime(2026, 10, 3, 9, 0)),
    ]
    month_of_parcels(make_parcel, session, made)


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# ---------------------------------------------------------------- labels


def test_row_labels_read_in_the_chosen_language(chinese):
    assert category_label("kiwi") == "猕猴桃"
    assert category_label("cured_meat") == "腊肉"
    assert category_label(None) == "（无）"
    assert category_label("solar_panels") == "solar_panels"  # data reads as typed
    assert province_label("44") == "广东" and province_label(None) == "（未知）"
    assert weekday_label(3) == "周四" and direction_label("inbound") == "进港"
    value = FIGURE_COLUMNS[2]
    assert figure_text({"value": Decimal("70.5"), "unit": "yuan"}, value) == "70.50 元"
    assert figure_text({"value": Decimal("41.5"), "unit": "km"}, value) == "41.5 km"


def test_row_labels_in_english_are_english():
    assert category_label("kiwi") == "kiwi fruit"
    assert weekday_label(3) == "Thu" and direction_label("outbound") == "outbound"


# ---------------------------------------------------------------- the terminal


def test_monthly_report_in_the_terminal_in_chinese(hub, october, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    result = hub("report", "monthly", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2026-10 月报" in out
    assert "业务量不含已取消的包裹。" in out
    assert "已交接的寄出包裹" in out and "登记到交接用时（中位数）" in out
    assert "70.50 元" in out  # money as a Chinese reader writes it
    assert "按服务站" in out and "高都村服务站" in out and "环比" in out
    assert "按日" in out and "10-01 周四" in out and "10-31 周六" in out
    assert "寄出目的省份前 10 名" in out and "广东" in out
    assert "猕猴桃" in out and "品类" in out
    for english in ("monthly report", "By day", "Median hours", "yuan", "Thu", "Outbound"):
        assert english not in out, english


def test_daily_report_in_the_terminal_in_chinese(hub, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    morning = stored(datetime(2026, 11, 23, 9, 0))
    make_parcel("registered", station="GD01", registered_at=morning)
    make_parcel("handed_over", station="GD02", registered_at=morning)
    result = hub("report", "daily", "--lang", "zh")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2026-11-23 日报" in out
    assert "登记寄出 2 件，进港到件 0 件，已交接 1 件，已取件 0 件。" in out
    assert "交接清单：未封单 0 张，已封单 0 张，已交接 0 张。" in out
    assert "趟次：当天没有趟次。" in out and "问题件：无。" in out
    assert "待揽收" in out and "高都村服务站" in out
    assert "handed_over" not in out and "at_hub" not in out  # states never read as codes
    for english in ("end of day", "Registered outbound", "Manifests:", "Rounds", "none."):
        assert english not in out, english


def test_daily_report_in_english_shows_states_as_words(hub, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    make_parcel("handed_over", station="GD02", registered_at=stored(datetime(2026, 11, 23, 9)))
    out = hub("report", "daily").output
    assert "end of day 2026-11-23" in out
    assert "Manifests: 0 open, 0 closed, 0 handed over." in out
    assert "handed_over" not in out


# ---------------------------------------------------------------- JSON keeps codes, adds labels


def test_json_keeps_codes_and_adds_labels_in_chinese(hub, october):
    data = json.loads(
        hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--json").output
    )
    day = data["days"][0]
    assert day["weekday"] == "Thu" and day["weekday_label"] == "周四"
    kiwi = data["categories"][0]
    assert kiwi["direction"] == "outbound" and kiwi["direction_label"] == "寄出"
    assert kiwi["category"] == "kiwi" and kiwi["label"] == "猕猴桃"
    assert data["totals"]["fees"] == "70.50"

    daily = json.loads(
        hub("--lang", "zh", "report", "daily", "--date", "2026-10-02", "--json").output
    )
    row = daily["registered"][0]
    assert row["direction"] == "outbound" and row["direction_label"] == "寄出"
    assert row["status"] == "handed_over" and row["status_label"]


# ---------------------------------------------------------------- files


def test_xlsx_in_chinese_names_its_sheets_and_headers_in_chinese(hub, october, tmp_path):
    path = tmp_path / "2026-10.xlsx"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--xlsx", path)
    assert result.exit_code == 0, result.output
    assert f"已写入 {path}。" in result.output
    book = load_workbook(path)
    assert book.sheetnames == ["合计", "服务站", "快递公司", "每日", "目的省份", "品类", "服务情况"]
    assert book.properties.title.endswith("2026-10 月报")
    stations = list(book["服务站"].iter_rows(values_only=True))
    assert stations[0][:4] == ("排名", "编码", "服务站", "寄出")
    assert stations[0][7] == "2026-09 件数"
    assert stations[1][:3] == (1, "GD01", "高都村服务站")
    days = list(book["每日"].iter_rows(values_only=True))
    assert days[0][:2] == ("日期", "星期") and days[1][1] == "周四"
    totals = {row[0]: row for row in book["合计"].iter_rows(min_row=2, values_only=True)}
    assert totals["运费"] == ("运费", pytest.approx(70.5), "元")  # the words, not "fees"
    categories = list(book["品类"].iter_rows(min_row=2, values_only=True))
    assert categories[0][:3] == ("寄出", "猕猴桃", 4)  # one 品类 column: the product


def test_csv_files_keep_codes_for_scripts_in_chinese(hub, october, tmp_path):
    folder = tmp_path / "csv"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--csv", folder)
    assert result.exit_code == 0, result.output
    assert "写入 7 个 CSV 文件。" in result.output
    with open(folder / "days.csv", encoding="utf-8-sig", newline="") as f:
        first = next(csv.DictReader(f))
    assert first["weekday"] == "Thu"


def test_pdf_in_chinese_has_page_numbers_the_hub_and_a_place_to_sign(hub, october, tmp_path):
    path = tmp_path / "2026-10.pdf"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--pdf", path)
    assert result.exit_code == 0, result.output
    text = pdf_text(path)
    pages = text.split("\f")
    count = sum(1 for page in pages if page.strip())
    assert count >= 2
    for number in range(1, count + 1):
        assert f"第 {number} 页，共 {count} 页" in pages[number - 1]
        assert "高都镇快递物流分拨中心 2026-10 月报" in pages[number - 1]
    assert "至 2026-10-31，时区 Asia/Shanghai" in text
    assert "每日包裹量" in text and "各快递公司寄出占比" in text
    assert "按服务站" in text and "运费（元）" in text and "周四" in text and "猕猴桃" in text
    assert "70.50 元" in text
    assert "填报人：" in pages[count - 1] and "审核人：" in pages[count - 1]
    assert "（盖章）" in pages[count - 1]
    for english in ("Page ", "monthly report", "Parcels by day", "Prepared by", "yuan"):
        assert english not in text, english


def test_pdf_in_english_has_page_numbers_and_a_place_to_sign(hub, october, tmp_path):
    path = tmp_path / "2026-10.pdf"
    assert hub("report", "monthly", "--month", "2026-10", "--pdf", path).exit_code == 0
    text = pdf_text(path)
    assert "Page 1 of " in text and "monthly report 2026-10" in text
    assert "Prepared by: ________" in text and "Checked by: ________" in text
    assert "(Stamp)" in text and "Thu" in text and "kiwi fruit" in text


# ---------------------------------------------------------------- habits (issue 14)


def test_a_future_or_empty_month_is_one_chinese_sentence(hub, sample_network, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    future = hub("--lang", "zh", "report", "monthly", "--month", "2026-12")
    assert future.exit_code == 1 and "2026-12 还没开始：本月是 2026-11。" in future.output
    empty = hub("--lang", "zh", "report", "monthly", "--month", "2026-08")
    assert empty.exit_code == 1 and "2026-08 没有登记任何包裹：未生成报表。" in empty.output
