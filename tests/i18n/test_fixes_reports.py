"""The reports and `hub assign` as a Chinese (and English) reader sees them in an 80-column
terminal, and the monthly report's files: an id or a figure is never broken across lines,
a table shows each thing once (no code beside its words), and a figure gives its unit
once, in the terminal, on paper and in the workbook."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from sqlmodel import select

from logistics.cli import output
from logistics.models import Courier, Manifest, ParcelEvent, Round, Vehicle
from tests.support import month_of_parcels, stored

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def narrow(monkeypatch):
    """An 80-column terminal (the shared console read COLUMNS when it was made)."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(output.console, "_width", 80)


def wide_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if cell_len(line) > 80]


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# ---------------------------------------------------------------- the day, at 80 columns


@pytest.fixture
def busy_day(make_parcel, session, monkeypatch):
    """23 November 2026: twelve finished rounds that missed parcels, a held parcel with a
    long note, and handed-over manifests of the courier with the longest code."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    morning = stored(datetime(2026, 11, 23, 9, 0))
    van = session.exec(select(Vehicle)).first()
    missed = [make_parcel("registered", station="GD17", registered_at=morning) for _ in range(3)]
    held = make_parcel("at_hub", station="GD03", registered_at=morning, commit=False)
    held.status = "held"
    session.add(
        ParcelEvent(
            parcel_id=held.id,
            at=morning + timedelta(hours=2),
            action="hold",
            from_status="at_hub",
            to_status="held",
            operator="hub-op-2",
            note="prohibited item, the sender is called back",
        )
    )
    numbers = []
    for k in range(1, 13):
        number = f"R-20261123-{k}"
        numbers.append(number)
        session.add(
            Round(
                round_no=number,
                service_date=datetime(2026, 11, 23).date(),
                vehicle_id=van.id,
                status="finished",
                planned_start=morning,
                planned_end=morning + timedelta(hours=3),
                planned_m=48400,
                finished_at=morning + timedelta(hours=3),
                reconciliation=json.dumps(
                    {"missing": [missed[k % 3].parcel_no] if k >= 10 else [], "extra": []}
                ),
            )
        )
    deppon = session.exec(select(Courier).where(Courier.code == "DEPPON")).one()
    manifests = [f"M-DEPPON-20261123-{k}" for k in (1, 2)]
    for number in manifests:
        session.add(
            Manifest(
                manifest_no=number,
                courier_id=deppon.id,
                service_date=datetime(2026, 11, 23).date(),
                cutoff=time(17, 0),
                status="handed_over",
                created_at=morning,
            )
        )
    session.commit()
    return {
        "parcels": [p.parcel_no for p in missed] + [held.parcel_no],
        "rounds": numbers,
        "manifests": manifests,
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_daily_report_at_80_columns_never_breaks_an_id(hub, busy_day, narrow, lang):
    result = hub("--lang", lang, "report", "daily")
    assert result.exit_code == 0, result.output
    out = result.output
    assert not wide_lines(out), wide_lines(out)
    for number in busy_day["parcels"] + busy_day["rounds"] + busy_day["manifests"]:
        assert re.search(rf"(?<![\w-]){re.escape(number)}(?![\w-])", out), (number, out)
    assert "48.4" in out  # a round's km, whole
    if lang == "zh":
        assert "问题件" in out and "趟次少收" in out and "DEPPON" in out


# ---------------------------------------------------------------- the month, at 80 columns


@pytest.fixture
def heavy_october(make_parcel, session, monkeypatch):
    """October 2026 with tonnes of kiwi fruit (wide figures); the clock says 23 November."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    made = [
        ("handed_over", "GD01", "ZTO", "44", 27_866_770, 9_999_999, datetime(2026, 10, 1, 0, 30)),
        ("handed_over", "GD17", "DEPPON", "33", 5_200_000, 1_800_000, datetime(2026, 10, 2, 10)),
        ("handed_over", "GD02", "YTO", "44", 800, 900, datetime(2026, 10, 2, 11, 0)),
        ("handed_over", "GD02", "STO", "32", 10300, 3100, datetime(2026, 10, 15, 9, 0)),
        ("picked_up", "GD01", "ZTO", None, 1500, None, datetime(2026, 10, 3, 9, 0)),
    ]
    month_of_parcels(
        make_parcel, session, made, lambda courier: "cured_meat" if courier == "DEPPON" else "kiwi"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monthly_report_at_80_columns_never_breaks_a_figure(hub, heavy_october, narrow, lang):
    result = hub("--lang", lang, "report", "monthly", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    out = result.output
    assert not wide_lines(out), wide_lines(out)
    for figure in ("27,866.77", "33,077.87", "99,999.99", "GD17", "DEPPON", "27,868.27"):
        assert figure in out, (figure, out)
    if lang == "zh":
        assert "谷堆头村服务站" in out or "谷堆头村" in out


def _line_with(out: str, label: str) -> str:
    [line] = [line for line in out.splitlines() if label in line]
    return line


def test_monthly_key_figures_give_their_unit_once_in_the_terminal(hub, heavy_october, narrow):
    out = hub("--lang", "zh", "report", "monthly", "--month", "2026-10").output
    weight = _line_with(out, "寄出重量")
    assert "33,077.87 kg" in weight and weight.count("kg") == 1, weight
    median = _line_with(out, "登记到交接用时（中位数）")
    assert "20.00 小时" in median, median
    km = _line_with(out, "行驶里程")
    assert km.count("km") == 1, km
    english = hub("report", "monthly", "--month", "2026-10").output
    weight = _line_with(english, "Outbound weight")
    assert weight.count("kg") == 1 and "33,077.87 kg" in weight, weight
    assert "20.00 hours" in _line_with(english, "Median time, registration to handover")


# ---------------------------------------------------------------- the month's files


def test_monthly_xlsx_shows_words_not_keys_and_one_category_column(hub, heavy_october, tmp_path):
    path = tmp_path / "2026-10.xlsx"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--xlsx", path)
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    categories = list(book["品类"].iter_rows(values_only=True))
    assert categories[0] == ("方向", "品类", "件数", "占比", "重量（kg）")
    assert categories[1][:3] == ("寄出", "猕猴桃", 3)
    assert not any(cell in ("kiwi", "cured_meat") for row in categories for cell in row)
    for sheet in ("合计", "服务情况"):
        rows = list(book[sheet].iter_rows(values_only=True))
        assert rows[0] == ("项目", "数值", "单位"), rows[0]
        keys = ("outbound_parcels", "outbound_kg", "fees", "median_hours", "handed_over")
        assert not any(cell in keys for row in rows for cell in row), rows
    totals = {row[0]: row[1:] for row in book["合计"].iter_rows(min_row=2, values_only=True)}
    assert totals["寄出重量"] == (pytest.approx(33077.87), "kg")
    assert totals["运费"] == (pytest.approx(118039.99), "元")
    service = {row[0]: row[1:] for row in book["服务情况"].iter_rows(min_row=2, values_only=True)}
    assert service["登记到交接用时（中位数）"] == (pytest.approx(20.0), "小时")
    assert service["行驶里程"][1] == "km"


def test_monthly_csv_keeps_the_keys_and_codes_for_scripts(hub, heavy_october, tmp_path):
    folder = tmp_path / "csv"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--csv", folder)
    assert result.exit_code == 0, result.output
    with open(folder / "categories.csv", encoding="utf-8-sig", newline="") as f:
        first = next(csv.DictReader(f))
    assert first["category"] == "kiwi" and first["label"] == "猕猴桃"
    with open(folder / "totals.csv", encoding="utf-8-sig", newline="") as f:
        figures = {row["figure"]: row for row in csv.DictReader(f)}
    assert figures["outbound_kg"]["value"] == "33077.87" and figures["outbound_kg"]["unit"] == "kg"


def test_monthly_pdf_shows_one_category_column_and_each_unit_once(hub, heavy_october, tmp_path):
    path = tmp_path / "2026-10.pdf"
    result = hub("--lang", "zh", "report", "monthly", "--month", "2026-10", "--pdf", path)
    assert result.exit_code == 0, result.output
    text = pdf_text(path)
    assert "猕猴桃" in text and "腊肉" in text
    assert "kiwi" not in text and "cured_meat" not in text
    median = _line_with(text, "登记到交接用时（中位数）")
    assert "20.00 小时" in median, median
    weight = _line_with(text, "寄出重量")
    assert "33,077.87 kg" in weight and weight.count("kg") == 1, weight


# ---------------------------------------------------------------- hub assign, at 80 columns


@pytest.fixture
def morning_with_deppon(make_parcel, couriers, monkeypatch):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T10:00:00")
    for k in range(2):
        make_parcel(courier="DEPPON", tracking_no=f"DPK36000000{k}")
    for _ in range(4):
        make_parcel(weight_g=2500)
    make_parcel(weight_g=32_500, province="11")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_assign_at_80_columns_keeps_courier_codes_and_fees_whole(
    hub, morning_with_deppon, narrow, lang
):
    result = hub("--lang", lang, "assign", "--dry-run", "--courier", "DEPPON")
    assert result.exit_code == 0, result.output
    out = result.output
    assert not wide_lines(out), wide_lines(out)
    rows = [line.split("│")[1:-1] for line in out.splitlines() if line.startswith("│")]
    assert "DEPPON" in {cells[0].strip() for cells in rows}, out
    for cells in rows:
        if cells[0].strip():
            continue
        # a line that continues a row holds no piece of a code, an id or a figure
        for cell in (cell.strip() for cell in cells):
            assert not re.fullmatch(r"[\d.,% -]+|[A-Z]{1,3}", cell), (cell, out)
    if lang == "zh":
        assert "带有 DEPPON 的运单号" in out
