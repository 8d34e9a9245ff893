"""Pickup codes (取件码): given at the station, unique among the parcels waiting there,
found by `picked-up` at that station only; the keeper's list and the notice file."""

from __future__ import annotations

import csv
import stat

import pytest
from sqlmodel import Session, select

from logistics.domain import pickup_codes
from logistics.domain.pickup_codes import PickupCode
from logistics.domain.verdicts import ScanVerdict
from logistics.models import Parcel, ParcelEvent
from logistics.services import pickups
from logistics.services.scanning import ScanSession


def scanner(session, action, **kw):
    session.commit()
    return ScanSession(session.get_bind(), action, "keeper", **kw)


def fresh(session, parcel) -> Parcel:
    with Session(session.get_bind()) as other:
        return other.get(Parcel, parcel.id)


# ------------------------------------------------------------------ the rule


def test_the_code_reads_and_prints_as_shelf_layer_number():
    assert str(PickupCode(3, 2, 1045)) == "3-2-1045"
    assert pickup_codes.parse("3-2-1045") == PickupCode(3, 2, 1045)
    assert pickup_codes.parse(" ３－２－１０４５ ") == PickupCode(3, 2, 1045)
    assert pickup_codes.parse("3 2 1045") == PickupCode(3, 2, 1045)
    for other in ("P20261123-00042", "73100000000001", "3-2-45", "3-2-0999", "", None):
        assert pickup_codes.parse(other) is None


def test_shelf_round_robin_by_number_layer_by_weight_number_after_the_last_free():
    assert [pickup_codes.shelf_of(n) for n in (1001, 1002, 1003, 1004)] == [1, 2, 3, 1]
    assert [pickup_codes.layer_of(g) for g in (8000, 5000, 2500, 1000, 300, 0)] == [
        1, 1, 2, 2, 3, 2,
    ]  # fmt: skip
    assert pickup_codes.next_number([]) == 1001
    assert pickup_codes.next_number([1001, 1002], last=1002) == 1003
    assert pickup_codes.next_number([1006], last=1005) == 1007  # in use: skipped
    assert pickup_codes.next_number([], last=1003) == 1004  # picked up: not given again yet
    assert pickup_codes.next_number([1001], last=9999) == 1002  # back to the start
    assert pickup_codes.assign(6000, [], last=1044) == PickupCode(3, 1, 1045)
    assert pickup_codes.phone_tail("138 1234 5678") == "5678"
    assert pickup_codes.sms_number("+86 138-1234-5678") == "13812345678"


# ------------------------------------------------------------------ at the station


def test_reaching_the_station_gives_unique_codes_and_the_answer_says_it(
    make_parcel, sample_network
):
    weights = [6000, 2500, 300, 0]
    parcels = [make_parcel("out_for_delivery", station="GD05", weight_g=g) for g in weights]
    other = make_parcel("out_for_delivery", station="GD04")
    scan = scanner(sample_network, "at-station", station="GD05")
    results = [scan.scan(p.parcel_no) for p in parcels]
    codes = [r.pickup_code for r in results]
    assert codes == ["1-1-1001", "2-2-1002", "3-3-1003", "1-2-1004"]
    assert all(r.verdict is ScanVerdict.DONE for r in results)
    assert "pickup code 1-1-1001" in results[0].message
    assert [fresh(sample_network, p).pickup_code for p in parcels] == codes
    # numbers are per station: the next station starts at 1001 too
    assert scanner(sample_network, "at-station").scan(other.parcel_no).pickup_code == "1-2-1001"
    # a repeat gives no second code
    again = scan.scan(parcels[0].parcel_no)
    assert again.verdict is ScanVerdict.ALREADY and fresh(sample_network, parcels[0]).pickup_code
    scan.close()


def test_picked_up_by_its_code_at_its_station_and_the_number_is_not_given_again_at_once(
    make_parcel, sample_network
):
    first, second = (make_parcel("out_for_delivery", station="GD05") for _ in range(2))
    at_station = scanner(sample_network, "at-station", station="GD05")
    code = at_station.scan(first.parcel_no).pickup_code
    assert code == "1-2-1001"

    keeper = scanner(sample_network, "picked-up", station="GD05")
    picked = keeper.scan(code)
    assert (picked.verdict, picked.parcel_no, picked.status) == (
        ScanVerdict.DONE,
        first.parcel_no,
        "picked_up",
    )
    assert keeper.scan(code).verdict is ScanVerdict.ALREADY  # scanned twice: nothing twice
    # the next parcel gets the next number, not the one just freed
    assert at_station.scan(second.parcel_no).pickup_code == "2-2-1002"
    # the code names nothing at another station, and needs a station at all
    elsewhere = scanner(sample_network, "picked-up", station="GD04").scan("2-2-1002")
    assert elsewhere.verdict is ScanVerdict.REFUSED and "at station GD04" in elsewhere.message
    bare = scanner(sample_network, "picked-up").scan("2-2-1002")
    assert bare.verdict is ScanVerdict.REFUSED and "--station" in bare.message
    assert fresh(sample_network, second).status == "at_station"
    for session in (at_station, keeper):
        session.close()


def test_a_held_parcel_keeps_its_number_and_gets_it_back_on_release(make_parcel, sample_network):
    parcels = [make_parcel("out_for_delivery", station="GD05") for _ in range(2)]
    scan = scanner(sample_network, "at-station", station="GD05")
    code = scan.scan(parcels[0].parcel_no).pickup_code
    scanner(sample_network, "hold").scan(parcels[0].parcel_no)
    assert scan.scan(parcels[1].parcel_no).pickup_code != code
    released = scanner(sample_network, "release").scan(parcels[0].parcel_no)
    assert released.status == "at_station" and fresh(sample_network, parcels[0]).pickup_code == code
    scan.close()


def test_a_service_step_to_the_station_gives_the_code_too(make_parcel, sample_network):
    from logistics.services.parcel_events import record_step

    parcel = make_parcel("out_for_delivery", station="GD05")
    record_step(sample_network, parcel, "at-station", operator="van1")
    sample_network.commit()
    assert parcel.pickup_code == "1-2-1001" == fresh(sample_network, parcel).pickup_code


# ------------------------------------------------------------------ the keeper's list


@pytest.fixture
def waiting(make_parcel, sample_network):
    """Three parcels waiting at GD05 (two for one villager), one without a phone."""
    made = [
        make_parcel("out_for_delivery", station="GD05", recipient_phone="13812345671"),
        make_parcel("out_for_delivery", station="GD05", recipient_phone="13812345672"),
        make_parcel("out_for_delivery", station="GD05", recipient_phone="13812345671"),
        make_parcel("out_for_delivery", station="GD05", recipient_phone=""),
        make_parcel("out_for_delivery", station="GD04"),
    ]
    scan = scanner(sample_network, "at-station")
    for parcel in made:
        scan.scan(parcel.parcel_no)
    scan.close()
    sample_network.expire_all()  # the scans were made on their own connection
    return made


def test_the_keepers_list_is_by_code_masked_with_the_phones_last_four(waiting, sample_network):
    rows = pickups.waiting_parcels(sample_network, "gd05")
    assert [row["pickup_code"] for row in rows] == ["1-2-1001", "1-2-1004", "2-2-1002", "3-2-1003"]
    assert {row["recipient"] for row in rows} == {"张**"}
    assert [row["phone_tail"] for row in rows] == ["5671", "", "5672", "5671"]
    assert all("138" not in str(row) for row in rows)
    assert all(row["days_waiting"] == 0 and not row["overdue"] for row in rows)


def test_notices_one_per_recipient_written_private_and_noted_on_each_parcel(
    waiting, sample_network, tmp_path
):
    from logistics.io.pickup_notices import write_notices

    doc = pickups.pickup_notices(sample_network, "GD05")
    assert [(n.phone, n.codes) for n in doc.notices] == [
        ("13812345671", ("1-2-1001", "3-2-1003")),
        ("13812345672", ("2-2-1002",)),
    ]
    assert doc.no_phone == (waiting[3].parcel_no,)
    path = tmp_path / "sms.csv"
    assert write_notices(doc, path) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[1] == {
        "phone": "13812345672",
        "message": "【高都镇快递物流分拨中心】您的包裹已到岭上村服务站，取件码 2-2-1002，"
        "请凭码取件。站点电话 13683524485。",
    }
    assert "1-2-1001、3-2-1003" in rows[0]["message"]
    english = tmp_path / "sms-en.csv"
    write_notices(doc, english, language="en")
    assert "Your parcel has arrived at 岭上村服务站, pickup code 2-2-1002" in english.read_text(
        encoding="utf-8-sig"
    )

    assert pickups.note_notices(sample_network, doc, file_name="sms.csv", operator="keeper") == 3
    notes = sample_network.exec(
        select(ParcelEvent).where(ParcelEvent.action == pickups.NOTICE_EVENT)
    ).all()
    assert {n.parcel_id for n in notes} == {waiting[i].id for i in (0, 1, 2)}
    assert {(n.operator, n.note) for n in notes} == {("keeper", "pickup notice file sms.csv")}
