"""`hub report monthly` and `hub report daily` as an operator runs them, and their files."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.support import month_of_parcels, stored

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def october(make_parcel, session, monkeypatch):
    """A few October 2026 parcels; the hub's clock says 23 November 2026."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    made = [
        ("handed_over", "GD01", "ZTO", "44", 2500, 1250, datetime(2026, 10, 1, 0, 30)),
        ("handed_over", "GD01", "ZTO", "33", 5200, 1800, datetime(2026, 10, 2, 10, 0)),
        ("handed_over", "GD02", "YTO", "44", 800, 900, datetime(2026, 10, 2, 11, 0)),
        ("handed_over", "GD02", "STO", "32", 10300, 3100, datetime(2026, 10, 15, 9, 0)),
        ("picked_up", "GD01", "ZTO", None, 1500, None, datetime(2026, 10, 3, 9, 0)),
        ("registered", "GD03", None, "44", 600, None, datetime(2026, 9, 20, 9, 0)),
    ]
    month_of_parcels(make_parcel, session, made)
    return made


def test_monthly_report_in_the_terminal(hub, october):
    result = hub("report", "monthly", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "monthly report 2026-10" in out
    assert "高都村服务站" in out and "中通快递" in out and "广东" in out
    assert "By day" in out and "█" in out and "░" in out  # the bar chart by day
    assert "10-01 Thu" in out and "10-31 Sat" in out
    assert "Median time, registration to handover" in out and "20.00 hours" in out
    assert "70.50 yuan" in out  # 12.50 + 18.00 + 9.00 + 31.00, the October fees
    assert "Traceback" not in out


def test_default_month_is_the_last_complete_one(hub, october):
    result = hub("report", "monthly")
    assert result.exit_code == 0, result.output
    assert "monthly report 2026-10" in result.output


def test_monthly_report_as_json(hub, october):
    result = hub("report", "monthly", "--month", "2026-10", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["month"] == "2026-10"
    assert data["totals"]["outbound_parcels"] == 4
    assert data["totals"]["inbound_parcels"] == 1
    assert data["totals"]["fees"] == "70.50"
    assert data["totals"]["previous_parcels"] == 1
    assert data["stations"][0] == {
        "rank": 1,
        "code": "GD01",
        "name": "高都村服务站",
        "outbound": 2,
        "inbound": 1,
        "parcels": 3,
        "kg": "9.20",
        "previous": 0,
        "growth": None,
    }
    zto = next(row for row in data["couriers"] if row["code"] == "ZTO")
    assert zto["outbound"] == 2 and zto["share"] == 0.5 and zto["fees"] == "30.50"
    assert data["provinces"][0]["code"] == "44" and data["provinces"][0]["parcels"] == 2
    assert len(data["days"]) == 31 and data["days"][0]["outbound"] == 1
    assert data["service"]["median_hours"] == 20.0


def test_monthly_report_as_a_folder_of_csv_files(hub, october, tmp_path):
    folder = tmp_path / "report-2026-10"
    result = hub("report", "monthly", "--month", "2026-10", "--csv", folder)
    assert result.exit_code == 0, result.output
    assert "Wrote 7 CSV files" in result.output
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "categories.csv",
        "couriers.csv",
        "days.csv",
        "provinces.csv",
        "service.csv",
        "stations.csv",
        "totals.csv",
    ]
    raw = (folder / "stations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel shows the Chinese names
    with open(folder / "stations.csv", encoding="utf-8-sig", newline="") as f:
        stations = list(csv.DictReader(f))
    assert stations[0]["name"] == "高都村服务站" and stations[0]["parcels"] == "3"
    with open(folder / "totals.csv", encoding="utf-8-sig", newline="") as f:
        totals = {row["figure"]: row["value"] for row in csv.DictReader(f)}
    assert totals["outbound_parcels"] == "4" and totals["fees"] == "70.50"


def test_monthly_report_as_xlsx_keeps_numbers_as_numbers(hub, october, tmp_path):
    path = tmp_path / "2026-10.xlsx"
    result = hub("report", "monthly", "--month", "2026-10", "--xlsx", path)
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == [
        "totals",
        "stations",
        "couriers",
        "days",
        "provinces",
        "categories",
        "service",
    ]
    stations = list(book["stations"].iter_rows(values_only=True))
    assert stations[0][:4] == ("Rank", "Code", "Station", "Outbound")
    assert stations[1][:6] == (1, "GD01", "高都村服务站", 2, 1, 3)
    assert isinstance(stations[1][6], float) and stations[1][6] == pytest.approx(9.2)
    couriers = {row[0]: row for row in book["couriers"].iter_rows(min_row=2, values_only=True)}
    assert couriers["ZTO"][1] == "中通快递"
    assert couriers["ZTO"][3] == 0.5 and couriers["ZTO"][5] == pytest.approx(30.5)
    assert book["couriers"]["D2"].number_format == "0.0%"
    totals = {row[0]: row[1:] for row in book["totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["Outbound parcels"] == (4, "parcels")  # words, not the key CSV keeps
    assert totals["Fees"] == (pytest.approx(70.5), "yuan")
    assert totals["Outbound weight"] == (pytest.approx(18.8), "kg")
    days = list(book["days"].iter_rows(min_row=2, values_only=True))
    assert len(days) == 31 and days[0][0].date().isoformat() == "2026-10-01"


def test_monthly_report_as_pdf(hub, october, tmp_path):
    path = tmp_path / "2026-10.pdf"
    result = hub("report", "monthly", "--month", "2026-10", "--pdf", path)
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "monthly report 2026-10" in text
    assert "Parcels by day" in text and "Couriers' shares of outbound parcels" in text
    assert "高都村服务站" in text and "中通快递" in text
    assert re.search(r"ZTO\s+50\.0 %", text)  # the pie's legend


def test_all_files_at_once_and_json_stays_parseable(hub, october, tmp_path):
    result = hub(
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--json",
        "--xlsx",
        tmp_path / "r.xlsx",
        "--csv",
        tmp_path / "csv",
    )
    assert result.exit_code == 0
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "csv" / "days.csv").exists()
    json_text = result.stdout
    assert json.loads(json_text)["month"] == "2026-10"


def test_a_bad_month_is_one_sentence_and_exit_1(hub, october):
    result = hub("report", "monthly", "--month", "2026-13")
    assert result.exit_code == 1
    assert "'2026-13' is not a month: expected YYYY-MM" in result.output
    assert "Traceback" not in result.output


def test_daily_report_in_the_terminal_and_as_json(hub, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    morning = stored(datetime(2026, 11, 23, 9, 0))
    make_parcel("registered", station="GD01", registered_at=morning)
    make_parcel("handed_over", station="GD02", registered_at=morning)
    make_parcel("at_station", station="GD04", registered_at=stored(datetime(2026, 11, 10, 9)))
    result = hub("report", "daily")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "end of day 2026-11-23" in out
    assert "Registered outbound 2" in out and "handed over 1" in out
    assert "高都村服务站" in out  # GD01 has a parcel to collect
    assert "Manifests: 0 open, 0 closed, 0 handed over." in out
    data = json.loads(hub("report", "daily", "--date", "2026-11-23", "--json").output)
    assert data["day"] == "2026-11-23"
    assert data["totals"]["registered_outbound"] == 2
    assert {row["code"] for row in data["waiting"]} == {"GD01", "GD04"}
    bad = hub("report", "daily", "--date", "23/11")
    assert bad.exit_code == 1 and "is not a date" in bad.output


def test_an_export_over_an_existing_file_needs_force(hub, october, tmp_path):
    xlsx, pdf = tmp_path / "2026-10.xlsx", tmp_path / "2026-10.pdf"
    xlsx.write_text("last month's workbook")
    pdf.write_text("last month's pdf")
    for option, path in (("--xlsx", xlsx), ("--pdf", pdf)):
        refused = hub("report", "monthly", "--month", "2026-10", option, path)
        assert refused.exit_code == 1
        assert f"File '{path}' already exists: add --force to replace it" in refused.output
        assert "Traceback" not in refused.output
    assert xlsx.read_text() == "last month's workbook" and pdf.read_text() == "last month's pdf"

    result = hub("report", "monthly", "--month", "2026-10", "--xlsx", xlsx, "--pdf", pdf, "--force")
    assert result.exit_code == 0, result.output
    assert load_workbook(xlsx).sheetnames[0] == "totals"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_csv_files_in_an_existing_folder_are_replaced_only_with_force(hub, october, tmp_path):
    folder = tmp_path / "csv"  # last month's export, kept by the operator
    folder.mkdir()
    (folder / "totals.csv").write_text("old")
    refused = hub("report", "monthly", "--month", "2026-10", "--csv", folder)
    assert refused.exit_code == 1 and "already exists: add --force" in refused.output
    assert [path.name for path in folder.iterdir()] == ["totals.csv"]  # nothing was written
    assert (folder / "totals.csv").read_text() == "old"
    result = hub("report", "monthly", "--month", "2026-10", "--csv", folder, "--force")
    assert result.exit_code == 0, result.output
    assert "outbound_parcels" in (folder / "totals.csv").read_text(encoding="utf-8-sig")


def test_a_month_typed_in_chinese_reads_as_yyyy_mm(hub, october):
    def figures(month: str) -> dict:
        result = hub("report", "monthly", "--month", month, "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        data.pop("generated_at")
        return data

    assert figures("2026年10月") == figures("2026-10")
    assert figures("2026年11月")["month"] == "2026-11"


def test_a_day_typed_in_chinese_reads_as_the_date(hub, make_parcel, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    make_parcel("registered", station="GD01", registered_at=stored(datetime(2026, 11, 22, 9, 0)))
    for typed in ("2026年11月22日", "昨天", "11月22日"):
        data = json.loads(hub("report", "daily", "--date", typed, "--json").output)
        assert data["day"] == "2026-11-22" and data["totals"]["registered_outbound"] == 1
