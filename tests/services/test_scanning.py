"""The scan session: done / already / refused, each accepted scan committed at once."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import Session, select

from logistics import db
from logistics.domain.verdicts import ScanVerdict
from logistics.errors import InvalidInput
from logistics.models import Parcel, ParcelEvent
from logistics.services.scanning import ScanSession


def scanner(session, action, **kw):
    session.commit()  # the test's own session must not hold SQLite's write lock
    return ScanSession(session.get_bind(), action, "bob", **kw)


def events_of(session, parcel):
    with Session(session.get_bind()) as fresh:
        return fresh.exec(
            select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id).order_by(ParcelEvent.id)
        ).all()


def test_collect_then_repeat_then_refuse(make_parcel, sample_network, started_round):
    parcel = make_parcel("registered", station="GD05")
    scan = scanner(sample_network, "collect", station="GD05", round_ref=started_round)
    first = scan.scan(parcel.parcel_no.lower())
    assert (first.verdict, first.status) == (ScanVerdict.DONE, "collected")
    last = events_of(sample_network, parcel)[-1]
    assert (last.action, last.place, last.operator, last.note) == (
        "collect",
        "GD05",
        "bob",
        f"round {started_round}",
    )
    again = scan.scan(parcel.parcel_no)
    assert again.verdict == ScanVerdict.ALREADY and "nothing changed" in again.message
    assert len(events_of(sample_network, parcel)) == 2
    picked = scanner(sample_network, "picked-up").scan(parcel.parcel_no)
    assert picked.verdict == ScanVerdict.REFUSED
    assert parcel.parcel_no in picked.message and "allowed next" in picked.message
    assert dict(scan.tally) == {ScanVerdict.DONE: 1, ScanVerdict.ALREADY: 1}


def test_tracking_number_and_unknown_code(make_parcel, sample_network):
    make_parcel("collected", tracking_no="73100000000001")
    scan = scanner(sample_network, "arrive")
    assert scan.scan("7310 0000 0000 01").verdict == ScanVerdict.DONE
    unknown = scan.scan("NOPE")
    assert unknown.verdict == ScanVerdict.REFUSED and "No parcel has" in unknown.message


def test_collect_needs_a_station_and_checks_it(make_parcel, sample_network):
    with pytest.raises(InvalidInput, match="needs --station"):
        scanner(sample_network, "collect")
    parcel = make_parcel("registered", station="GD01")
    result = scanner(sample_network, "collect", station="GD02").scan(parcel.parcel_no)
    assert result.verdict == ScanVerdict.REFUSED and "belongs to station GD01" in result.message


def test_an_inbound_parcel_scanned_for_collection_is_refused_for_what_it_is(
    make_parcel, sample_network
):
    # "属于服务站 GD25，不属于 GD05" for an inbound parcel at the hub: the station was
    # not the mistake, collecting an inbound parcel was (a user trial)
    parcel = make_parcel("arrived_hub", station="GD25")
    result = scanner(sample_network, "collect", station="GD05").scan(parcel.parcel_no)
    assert result.verdict == ScanVerdict.REFUSED
    assert "is an inbound parcel arrived at the hub, so it cannot be collected" in (result.message)
    # an outbound parcel already collected elsewhere still names its station
    other = make_parcel("collected", station="GD01")
    elsewhere = scanner(sample_network, "collect", station="GD02").scan(other.parcel_no)
    assert elsewhere.verdict == ScanVerdict.REFUSED
    assert "belongs to station GD01" in elsewhere.message


@pytest.mark.parametrize(
    ("typed", "shown"), [("ls", "'ls'"), ("cd ..", "'cd ..'"), ("ｑ1", "'ｑ1'")]
)
def test_an_unknown_code_is_named_as_typed(sample_network, typed, shown):
    # "没有中心编号或运单号为 CD.. 的包裹" for `cd ..` (a user trial)
    result = scanner(sample_network, "arrive").scan(typed)
    assert result.verdict == ScanVerdict.REFUSED
    assert f"No parcel has the hub id or tracking number {shown}" in result.message, result


def test_hold_and_release(make_parcel, sample_network):
    parcel = make_parcel("at_hub")
    assert scanner(sample_network, "hold").scan(parcel.parcel_no).status == "held"
    assert scanner(sample_network, "release").scan(parcel.parcel_no).status == "at_hub"


def test_inbound_arrival_scan_registers_an_unknown_tracking_number(sample_network):
    scan = scanner(sample_network, "arrive-inbound", station="GD05")
    result = scan.scan("YT1234567890123")
    assert result.verdict == ScanVerdict.DONE and result.status == "arrived_hub"
    parcel = sample_network.exec(
        select(Parcel).where(Parcel.tracking_no == "YT1234567890123")
    ).one()
    assert parcel.direction == "inbound" and parcel.courier_fixed
    sample_network.commit()
    again = scan.scan("YT1234567890123")
    assert again.verdict == ScanVerdict.ALREADY, again.message
    no_station = scanner(sample_network, "arrive-inbound").scan("YT1234567890124")
    assert no_station.verdict == ScanVerdict.REFUSED


def test_inbound_flow_to_pickup(make_parcel, sample_network):
    parcel = make_parcel("arrived_hub", station="GD04")
    for action, status in [("dispatch", "out_for_delivery"), ("at-station", "at_station")]:
        assert (
            scanner(sample_network, action, station="GD04").scan(parcel.parcel_no).status == status
        )
    assert scanner(sample_network, "picked-up").scan(parcel.parcel_no).status == "picked_up"
    # picked up at its station, even when the keeper scanned without --station
    assert events_of(sample_network, parcel)[-1].place == "GD04"


def test_a_scan_session_reads_each_parcel_afresh(make_parcel, sample_network):
    """One database session serves every scan, yet a change made by another operator
    between two scans is seen: nothing of one scan is kept for the next."""
    from logistics.services.parcel_events import record_step

    parcel = make_parcel("collected")
    scan = scanner(sample_network, "arrive")
    assert scan.scan(parcel.parcel_no).verdict == ScanVerdict.DONE
    with Session(sample_network.get_bind()) as other:
        mine = other.get(Parcel, parcel.id)
        record_step(other, mine, "hold", operator="eve")
        other.commit()
    again = scan.scan(parcel.parcel_no)
    assert again.verdict == ScanVerdict.REFUSED and "held" in again.message
    release = scanner(sample_network, "release")
    assert release.scan(parcel.parcel_no).status == "at_hub"
    assert scan.scan(parcel.parcel_no).verdict == ScanVerdict.ALREADY
    assert [e.action for e in events_of(sample_network, parcel)][-3:] == [
        "arrive",
        "hold",
        "release",
    ]
    scan.close()
    release.close()


def test_record_step_keeps_the_object_and_its_other_changes(make_parcel, sample_network):
    from logistics.services.parcel_events import record_step

    session = sample_network
    parcel = make_parcel("at_hub")
    parcel.fee_fen = 1234  # a change of the caller's, not yet flushed
    outcome = record_step(session, parcel, "hold", operator="eve", note="wet box")
    assert outcome.changed
    assert (parcel.status, parcel.held_from) == ("held", "at_hub")
    session.commit()
    with Session(session.get_bind()) as fresh:
        stored = fresh.get(Parcel, parcel.id)
        assert (stored.status, stored.held_from, stored.fee_fen) == ("held", "at_hub", 1234)
        assert stored.status_at == parcel.status_at
    last = events_of(session, parcel)[-1]
    assert (last.action, last.from_status, last.to_status, last.note) == (
        "hold",
        "at_hub",
        "held",
        "wet box",
    )
    assert last.at == parcel.status_at


@pytest.mark.sqlite_only
def test_a_scan_refused_as_busy_leaves_the_session_able_to_scan_on(
    make_parcel, sample_network, database_url
):
    first, second = make_parcel("collected"), make_parcel("collected")
    scan = scanner(sample_network, "arrive")
    scan._connection.exec_driver_sql("PRAGMA busy_timeout=100")  # do not wait 5 s here
    scan._connection.commit()
    writer = sqlite3.connect(db.sqlite_path(database_url), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another terminal's long write
    try:
        busy = scan.scan(first.parcel_no)
    finally:
        writer.rollback()
        writer.close()
    assert busy.verdict == ScanVerdict.REFUSED and db.BUSY_SENTENCE in busy.message
    assert [e.action for e in events_of(sample_network, first)] == ["register", "collect"]
    # The writer is gone: the same session scans the same parcel, and the next one.
    assert scan.scan(first.parcel_no).verdict == ScanVerdict.DONE
    assert scan.scan(second.parcel_no).verdict == ScanVerdict.DONE
    assert [e.to_status for e in events_of(sample_network, first)][-1] == "at_hub"
    assert dict(scan.tally) == {ScanVerdict.REFUSED: 1, ScanVerdict.DONE: 2}
