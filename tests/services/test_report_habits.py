"""Reports under an operator's habits (issue 14): a month with nothing to report, rounds in
the order people count them, and the rounds' missing parcels among the day's exceptions."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from logistics.errors import InvalidInput
from logistics.models import Round, Vehicle
from logistics.services import planning, reports, round_finish, rounds
from logistics.services.scanning import scan_codes
from tests.support import stored

TZ = ZoneInfo("Asia/Shanghai")
OP = "tester"


@pytest.fixture
def november(monkeypatch):
    """The hub's clock says 23 November 2026, 18:00."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")


# ---------------------------------------------------------------- item 11: empty and future months


def test_a_month_in_the_future_is_refused_naming_this_month(sample_network, november):
    with pytest.raises(InvalidInput, match=r"2026-12 has not begun: this month is 2026-11"):
        reports.monthly_report(sample_network, "2026-12")
    assert reports.monthly_report(sample_network, "2026-11").month == "2026-11"  # in progress


def test_a_future_month_writes_nothing_and_says_why(hub, sample_network, november, tmp_path):
    out = tmp_path / "out"  # the test's database lives in tmp_path
    out.mkdir()
    xlsx, pdf, folder = out / "m.xlsx", out / "m.pdf", out / "csv"
    for extra in ((), ("--json",), ("--xlsx", xlsx, "--pdf", pdf, "--csv", folder)):
        result = hub("report", "monthly", "--month", "2027-01", *extra)
        assert result.exit_code == 1, result.output
        assert "2027-01 has not begun: this month is 2026-11." in result.output
        assert "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_a_past_month_without_parcels_writes_no_file(hub, sample_network, november, tmp_path):
    out = tmp_path / "out"  # the test's database lives in tmp_path
    out.mkdir()
    xlsx, pdf, folder = out / "m.xlsx", out / "m.pdf", out / "csv"
    result = hub(
        "report", "monthly", "--month", "2026-08", "--xlsx", xlsx, "--pdf", pdf, "--csv", folder
    )
    assert result.exit_code == 1, result.output
    assert "No parcels were registered in 2026-08: no report was written." in result.output
    assert list(out.iterdir()) == []
    # --force does not make an empty report either.
    forced = hub("report", "monthly", "--month", "2026-08", "--pdf", pdf, "--force")
    assert forced.exit_code == 1 and not pdf.exists()


def test_a_past_month_without_parcels_in_the_terminal_is_one_sentence(
    hub, sample_network, november
):
    result = hub("report", "monthly", "--month", "2026-08")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["No parcels were registered in 2026-08: no report was written."]
    # A script asking for the figures still gets them: zeros, said as zeros.
    data = json.loads(hub("report", "monthly", "--month", "2026-08", "--json").output)
    assert data["totals"]["parcels"] == 0 and data["service"]["registered"] == 0


def test_the_month_in_progress_says_it_is_not_over(hub, make_parcel, november):
    make_parcel("registered", station="GD01", registered_at=stored(datetime(2026, 11, 20, 9)))
    result = hub("report", "monthly", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    assert "2026-11 is not over: the figures run to 2026-11-23." in result.output


def test_files_of_the_month_in_progress_say_it_is_not_over(hub, make_parcel, november, tmp_path):
    import openpyxl

    make_parcel("registered", station="GD01", registered_at=stored(datetime(2026, 11, 20, 9)))
    result = hub("report", "monthly", "--month", "2026-11", "--xlsx", tmp_path / "m.xlsx")
    assert result.exit_code == 0, result.output
    title = openpyxl.load_workbook(tmp_path / "m.xlsx").properties.title
    assert "not over: figures to 2026-11-23" in title


# ---------------------------------------------------------------- item 13: rounds in number order


def test_the_days_rounds_come_in_number_order(hub, session, sample_network, november):
    day = datetime(2026, 11, 23).date()
    vehicle = session.exec(select(Vehicle).order_by(Vehicle.id)).first()
    start = stored(datetime.combine(day, time(8, 0)))
    for n in (10, 2, 1, 11, 3, 20):
        session.add(
            Round(
                round_no=f"R-{day:%Y%m%d}-{n}",
                service_date=day,
                vehicle_id=vehicle.id,
                planned_start=start,
                planned_end=start + timedelta(hours=3),
            )
        )
    session.commit()
    expected = [f"R-20261123-{n}" for n in (1, 2, 3, 10, 11, 20)]
    report = reports.daily_report(session)
    assert [r["round_no"] for r in report.rounds] == expected
    out = hub("report", "daily").output
    assert [out.index(no + " ") for no in expected] == sorted(
        out.index(no + " ") for no in expected
    )


# ---------------------------------------------------------------- item 8: rounds' missing parcels


@pytest.fixture
def finished_with_missing(sample_network, make_parcel):
    """A round expected to collect 5 parcels at GD05 and GD06; 1 is scanned, plus 1 extra."""
    session = sample_network
    gd05 = [make_parcel("registered", station="GD05") for _ in range(3)]
    gd06 = [make_parcel("registered", station="GD06") for _ in range(2)]
    summary = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    round_no = summary.rounds[0].round_no
    rounds.start_round(session, round_no, operator=OP)
    late = make_parcel("registered", station="GD05")
    scan_codes(
        session,
        "collect",
        [gd05[0].parcel_no, late.parcel_no],
        operator=OP,
        station="GD05",
        round_ref=round_no,
    )
    round_finish.finish_round(session, round_no, operator=OP)
    missing = sorted(p.parcel_no for p in gd05[1:] + gd06)
    return session, round_no, missing, late.parcel_no


def test_a_rounds_missing_and_extra_parcels_are_the_days_exceptions(finished_with_missing):
    session, round_no, missing, extra = finished_with_missing
    report = reports.daily_report(session)
    assert report.totals["exceptions"] == 5
    assert (report.totals["missing"], report.totals["extra"]) == (4, 1)
    listed = {r["parcel_no"]: r for r in report.exceptions}
    assert sorted(p for p, r in listed.items() if r["what"] == "missing") == missing
    assert [p for p, r in listed.items() if r["what"] == "extra"] == [extra]
    first = listed[missing[0]]
    assert first["note"] == round_no and first["what_label"] == "missing on the round"
    assert first["status_now"] == "registered" and first["station"] in ("GD05", "GD06")
    row = next(r for r in report.rounds if r["round_no"] == round_no)
    assert (row["missing"], row["extra"]) == (4, 1)


def test_the_daily_report_in_the_terminal_names_the_missing_parcels(hub, finished_with_missing):
    _session, round_no, missing, extra = finished_with_missing
    out = hub("report", "daily").output
    assert "5 exceptions on this day." in out
    assert "Exceptions: none." not in out
    assert "4 parcels missing and 1 extra on the day's rounds." in out
    for parcel_no in [*missing, extra]:
        assert parcel_no in out
    data = json.loads(hub("report", "daily", "--json").output)
    assert data["totals"]["exceptions"] == 5 and data["totals"]["missing"] == 4


def test_stored_reconciliations_are_read_defensively(session, sample_network, november):
    """Counts only, unconfirmed drops (from a newer `round finish`), and text that is not
    JSON: each round counts what it says and nothing fails."""
    day = datetime(2026, 11, 23).date()
    vehicle = session.exec(select(Vehicle).order_by(Vehicle.id)).first()
    start = stored(datetime.combine(day, time(8, 0)))
    kept = {
        1: {"missing": 85, "extra": 2},  # totals only
        2: {
            "finished_at": "2026-11-23T12:30:00+08:00",
            "stops": [
                {"seq": 1, "station": "GD05", "missing": ["P1", "P2"], "extra": []},
                {"seq": 2, "station": "GD06", "missing": 1, "unconfirmed": ["P9"]},
            ],
        },
        3: {"unconfirmed": 3, "missing": None},
        4: "not json {",
        5: [1, 2],
    }
    for n, value in kept.items():
        session.add(
            Round(
                round_no=f"R-{day:%Y%m%d}-{n}",
                service_date=day,
                vehicle_id=vehicle.id,
                status="finished",
                planned_start=start,
                planned_end=start + timedelta(hours=3),
                reconciliation=value if isinstance(value, str) else json.dumps(value),
            )
        )
    session.commit()
    report = reports.daily_report(session)
    by_round = {r["round_no"][-1]: r for r in report.rounds}
    assert (by_round["1"]["missing"], by_round["1"]["extra"]) == (85, 2)
    assert (by_round["2"]["missing"], by_round["2"]["unconfirmed"]) == (3, 1)
    assert by_round["3"]["unconfirmed"] == 3 and by_round["3"]["missing"] == 0
    assert by_round["4"]["missing"] is None and by_round["5"]["missing"] is None
    assert report.totals["missing"] == 88 and report.totals["unconfirmed"] == 4
    assert report.totals["exceptions"] == 88 + 2 + 4
    assert {r["parcel_no"] for r in report.exceptions} == {"P1", "P2", "P9"}
    p9 = next(r for r in report.exceptions if r["parcel_no"] == "P9")
    assert p9["what"] == "unconfirmed" and p9["time"] == "12:30" and p9["station"] == "GD06"
