"""Rounds after planning: list, show, the driver's sheet, start and finish (reconciliation)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlmodel import select

from logistics.domain.clock import read_day
from logistics.errors import NotFound, RuleBroken
from logistics.io.pdf.round_sheet import kg_shown, km_shown, write_round_sheet_pdf
from logistics.models import Parcel, ParcelEvent, Round, RoundStop
from logistics.services import planning, round_finish, rounds
from logistics.services.scanning import scan_codes

OP = "tester"

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext is not installed (Debian package poppler-utils)",
)


@pytest.fixture
def planned(sample_network, make_parcel):
    """One round: 3 parcels to collect at GD05, 2 at GD06, 1 inbound to drop at GD06."""
    session = sample_network
    parcels = {
        "GD05": [make_parcel("registered", station="GD05", weight_g=2000) for _ in range(3)],
        "GD06": [make_parcel("registered", station="GD06", weight_g=1000) for _ in range(2)],
        "in": [make_parcel("arrived_hub", station="GD06", weight_g=500)],
    }
    summary = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    assert len(summary.rounds) == 1
    return session, summary.rounds[0].round_no, parcels


def later_that_morning(session, monkeypatch) -> None:
    """The van leaves five minutes after the scans made so far (the suite's clock stands
    at 07:00)."""
    day = session.exec(select(Round)).first().service_date
    monkeypatch.setenv("HUB_NOW", f"{day}T07:05:00")


def test_list_and_show_give_the_stored_round(planned):
    session, round_no, _ = planned
    rows = rounds.list_rounds(session, read_day("today"))
    assert [r["round_no"] for r in rows] == [round_no]
    assert rows[0]["pickup_parcels"] == 5 and rows[0]["drop_parcels"] == 1
    assert rows[0]["status"] == "planned" and rows[0]["van"] == "VAN1"
    record = rounds.show_round(session, round_no)
    assert {s["station"] for s in record["stops"]} == {"GD05", "GD06"}
    gd06 = next(s for s in record["stops"] if s["station"] == "GD06")
    assert (gd06["pickup_parcels"], gd06["drop_parcels"]) == (2, 1)
    assert gd06["keeper_phone"]
    by_id = rounds.show_round(session, str(session.exec(select(Round)).first().id))
    assert by_id["round_no"] == round_no


def test_an_unknown_round_is_named(planned):
    session, _, _ = planned
    with pytest.raises(NotFound, match="R-20990101-9"):
        rounds.show_round(session, "R-20990101-9")


def test_start_dispatches_the_inbound_parcels(planned):
    session, round_no, parcels = planned
    result = rounds.start_round(session, round_no, operator=OP)
    assert result.dispatched == 1 and result.pickup_parcels == 5
    session.expire_all()
    assert session.get(Parcel, parcels["in"][0].id).status == "out_for_delivery"
    assert session.get(Parcel, parcels["GD05"][0].id).status == "registered"
    assert session.exec(select(Round)).first().status == "started"
    with pytest.raises(RuleBroken, match="already started"):
        rounds.start_round(session, round_no, operator=OP)


def test_finish_needs_a_started_round(planned):
    session, round_no, _ = planned
    with pytest.raises(RuleBroken, match="only a started round can be finished"):
        round_finish.finish_round(session, round_no, operator=OP)


def test_finish_reconciles_missing_and_extra_per_stop(planned, make_parcel):
    session, round_no, parcels = planned
    rounds.start_round(session, round_no, operator=OP)
    late = make_parcel("registered", station="GD05")  # registered after the plan was made
    gd05 = parcels["GD05"]
    codes = [gd05[0].parcel_no, gd05[1].parcel_no, late.parcel_no]
    results = scan_codes(session, "collect", codes, operator=OP, station="GD05", round_ref=round_no)
    assert all(r.accepted for r in results)
    # A scan at GD06 noted for another van's round is not this round's business.
    other = make_parcel("registered", station="GD06")
    second = planning.plan_day(session, time_limit=0.3, vans=["VAN2"]).rounds[0].round_no
    rounds.start_round(session, second, operator=OP)
    (scanned,) = scan_codes(
        session, "collect", [other.parcel_no], operator=OP, station="GD06", round_ref=second
    )
    assert scanned.accepted, scanned.message

    result = round_finish.finish_round(session, round_no, operator=OP)

    lines = {s.station: s for s in result.stops}
    assert (lines["GD05"].expected, lines["GD05"].collected) == (3, 3)
    assert lines["GD05"].missing == (gd05[2].parcel_no,)
    assert lines["GD05"].extra == (late.parcel_no,)
    assert (lines["GD06"].expected, lines["GD06"].collected) == (2, 0)
    assert set(lines["GD06"].missing) == {p.parcel_no for p in parcels["GD06"]}
    assert lines["GD06"].extra == ()
    assert (result.missing, result.extra) == (3, 1)

    session.expire_all()
    rnd = session.exec(select(Round).where(Round.round_no == round_no)).one()
    assert rnd.status == "finished" and rnd.finished_at is not None
    stops = {
        s.station_id: s for s in session.exec(select(RoundStop).where(RoundStop.round_id == rnd.id))
    }
    stop05 = stops[gd05[0].station_id]
    assert (stop05.collected_parcels, stop05.missing_parcels, stop05.extra_parcels) == (3, 1, 1)
    kept = json.loads(rnd.reconciliation)
    assert kept["missing"] == 3 and kept["extra"] == 1
    kept05 = next(s for s in kept["stops"] if s["station"] == "GD05")
    assert kept05["missing"] == [gd05[2].parcel_no] and kept05["extra"] == [late.parcel_no]
    # The extra parcel came on this round; the missing one waits to be planned again.
    assert session.get(Parcel, late.id).round_id == rnd.id
    shown = rounds.show_round(session, round_no)
    assert shown["reconciliation"]["stops"] == kept["stops"]


def test_missing_parcels_are_planned_again_another_day(planned):
    session, round_no, parcels = planned
    rounds.start_round(session, round_no, operator=OP)
    round_finish.finish_round(session, round_no, operator=OP)
    day = session.exec(select(Round)).first().service_date
    summary = planning.plan_day(session, day + timedelta(days=1), time_limit=0.3)
    assert summary.outbound_waiting == 5  # all five were missing: they wait again


def test_collect_scans_before_the_start_do_not_count(planned, monkeypatch):
    session, round_no, parcels = planned
    first = parcels["GD05"][0]
    scan_codes(session, "collect", [first.parcel_no], operator=OP, station="GD05")
    event = session.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == first.id)).all()
    assert event[-1].action == "collect"
    later_that_morning(session, monkeypatch)
    rounds.start_round(session, round_no, operator=OP)
    result = round_finish.finish_round(session, round_no, operator=OP)
    gd05 = next(s for s in result.stops if s.station == "GD05")
    assert (gd05.collected, len(gd05.missing), gd05.extra) == (0, 3, ())


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


@needs_pdftotext
def test_the_sheet_says_when_it_was_printed_and_when_the_van_leaves(planned, tmp_path, monkeypatch):
    """Printed at 05:39 for a 07:xx departure: the footer gives 05:39, the header the
    planned departure, each named as what it is."""
    session, round_no, _ = planned
    service_date = session.exec(select(Round)).first().service_date
    monkeypatch.setenv("HUB_NOW", f"{service_date}T05:39:00")
    doc = rounds.sheet_document(session, round_no)
    assert f"{doc.issued_at:%Y-%m-%d %H:%M}" == f"{service_date} 05:39"
    assert doc.planned_start != doc.issued_at
    path = tmp_path / "sheet.pdf"
    write_round_sheet_pdf(doc, path)
    text = pdf_text(path)
    assert f"打印时间 Printed {service_date} 05:39" in text
    assert f"Printed {service_date} {doc.planned_start:%H:%M}" not in text
    assert "计划出车 / 返回 Planned departure / return" in text
    assert f"{doc.planned_start:%H:%M} / {doc.planned_return:%H:%M}" in text


@needs_pdftotext
def test_sheet_pdf_uses_the_glossary_words(planned, tmp_path):
    session, round_no, _ = planned
    path = tmp_path / "sheet.pdf"
    write_round_sheet_pdf(rounds.sheet_document(session, round_no), path)
    text = pdf_text(path)
    for term in ("趟次单", "趟次 Round", "服务站", "分拨中心调度", "问题件 Problems"):
        assert term in text
    for old in ("路线单", "集散中心 Hub", "异常 Problems"):
        assert old not in text


@needs_pdftotext
def test_sheet_pdf_shows_the_stations_in_chinese(planned, tmp_path, monkeypatch):
    session, round_no, _ = planned
    monkeypatch.setenv("HUB_NOW", "2026-11-23T06:00:00")
    doc = rounds.sheet_document(session, round_no)
    assert [s.station_code for s in doc.stops]
    path = tmp_path / "sheet.pdf"
    assert write_round_sheet_pdf(doc, path) == 1
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert round_no in text
    assert "岭上村服务站" in text and "东坡村服务站" in text
    again = tmp_path / "again.pdf"
    write_round_sheet_pdf(rounds.sheet_document(session, round_no), again)
    assert again.read_bytes() == path.read_bytes()


def test_a_sheet_gives_the_same_figures_as_the_round(planned):
    session, round_no, _ = planned
    doc = rounds.sheet_document(session, round_no)
    shown = rounds.show_round(session, round_no)
    assert km_shown(doc.total_km) == f"{shown['km']:,}"
    by_station = {s["station"]: s for s in shown["stops"]}
    assert str(by_station["GD05"]["pickup_kg"]) == "6.00"  # two decimals, as everywhere
    assert str(by_station["GD06"]["drop_kg"]) == "0.50"
    sheet_gd06 = next(s for s in doc.stops if s.station_code == "GD06")
    assert kg_shown(sheet_gd06.drop_kg) == "0.50"


def test_finish_reconciles_drops_each_station_confirmed(planned, make_parcel):
    """The inbound parcel dropped at GD06 counts as delivered once GD06 scans it in;
    a drop its station never scanned is listed as not confirmed, and counted."""
    session, round_no, parcels = planned
    second = make_parcel("arrived_hub", station="GD05", weight_g=700)
    rnd = session.exec(select(Round).where(Round.round_no == round_no)).one()
    second.round_id = rnd.id  # a second drop, at GD05
    session.add(second)
    session.commit()
    rounds.start_round(session, round_no, operator=OP)
    dropped = parcels["in"][0]
    scanned = scan_codes(session, "at-station", [dropped.parcel_no], operator=OP, station="GD06")
    assert all(r.accepted for r in scanned)

    result = round_finish.finish_round(session, round_no, operator=OP)

    lines = {s.station: s for s in result.stops}
    assert (lines["GD06"].drops, lines["GD06"].delivered, lines["GD06"].unconfirmed) == (1, 1, ())
    assert (lines["GD05"].drops, lines["GD05"].delivered) == (1, 0)
    assert lines["GD05"].unconfirmed == (second.parcel_no,)
    assert (result.drops, result.delivered, result.unconfirmed) == (2, 1, 1)
    session.expire_all()
    assert session.get(Parcel, dropped.id).status == "at_station"
    assert session.get(Parcel, second.id).status == "out_for_delivery"
    kept = json.loads(session.get(Round, rnd.id).reconciliation)
    assert (kept["drops"], kept["delivered"], kept["unconfirmed"]) == (2, 1, 1)
    kept05 = next(s for s in kept["stops"] if s["station"] == "GD05")
    assert kept05["unconfirmed"] == [second.parcel_no] and kept05["missing"]
    kept06 = next(s for s in kept["stops"] if s["station"] == "GD06")
    assert kept06["unconfirmed"] == [] and kept06["delivered"] == 1


def test_a_drop_scanned_before_the_start_is_not_confirmed(planned, monkeypatch):
    session, round_no, parcels = planned
    dropped = parcels["in"][0]
    scan_codes(session, "at-station", [dropped.parcel_no], operator=OP, station="GD06")
    later_that_morning(session, monkeypatch)
    rounds.start_round(session, round_no, operator=OP)
    result = round_finish.finish_round(session, round_no, operator=OP)
    gd06 = next(s for s in result.stops if s.station == "GD06")
    assert (gd06.drops, gd06.delivered, gd06.unconfirmed) == (1, 0, (dropped.parcel_no,))
