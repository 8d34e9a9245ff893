"""The courier's handover file (full data, recorded) and its waybill file loaded back."""

from __future__ import annotations

import csv
import os
import stat

import pytest
from sqlmodel import select

from logistics.errors import InvalidInput, RuleBroken
from logistics.io.handover_file import HEADERS, write_handover
from logistics.io.waybills import read_waybills
from logistics.models import Parcel, ParcelEvent
from logistics.models.manifests import ManifestExport
from logistics.services import manifests

OP = "tester"


def zto(n: int) -> str:
    """A tracking number of the sample ZTO's pattern: 14 digits starting with 7."""
    return f"7{3100000000000 + n:013d}"


@pytest.fixture
def closed(session, make_parcel):
    """A closed ZTO manifest: two parcels without a tracking number, one with."""
    bare = [
        make_parcel(courier="ZTO", recipient_name="王小明", recipient_phone="13900002222"),
        make_parcel(courier="ZTO", station="GD02"),
    ]
    tracked = make_parcel(courier="ZTO", tracking_no=zto(1))
    number = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    manifests.close_manifest(session, number.manifest_no, operator=OP)
    return number.manifest_no, bare, tracked


def read_csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_waybills(path, rows) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["订单号", "运单号", "收件人姓名"])
        writer.writerows(rows)


def test_handover_file_holds_full_data_of_the_parcels_without_a_tracking_number(
    session, closed, tmp_path
):
    number, bare, tracked = closed
    path = tmp_path / "handover.csv"

    doc = manifests.handover_file(session, number)
    assert write_handover(doc, path) == 2

    rows = read_csv(path)
    assert list(rows[0]) == list(HEADERS)
    assert [r["订单号"] for r in rows] == sorted(p.parcel_no for p in bare)
    first = next(r for r in rows if r["订单号"] == bare[0].parcel_no)
    assert first["收件人姓名"] == "王小明" and first["收件人手机"] == "13900002222"  # unmasked
    assert first["收件省"] == "广东省" and first["收件详细地址"] == "某某路1号"
    assert first["寄件人姓名"] == "李四" and first["寄件省"] == "山西省"
    assert first["寄件区县"] == "泽州县" and "高都" in first["寄件详细地址"]
    assert first["物品名称"] == "猕猴桃" and first["重量(kg)"] == "2.50" and first["件数"] == "1"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # personal data: the owner only
    everything = manifests.handover_file(session, number, all_parcels=True)
    assert len(everything.rows) == 3


def test_each_export_is_recorded_and_noted_on_its_parcels(session, closed, tmp_path):
    number, bare, tracked = closed
    doc = manifests.handover_file(session, number)
    write_handover(doc, tmp_path / "h.xlsx", xlsx=True)

    manifests.note_export(session, doc, file_name="h.xlsx", operator="李会计")

    (row,) = session.exec(select(ManifestExport)).all()
    assert (row.operator, row.parcels, row.file_name) == ("李会计", 2, "h.xlsx")
    listed = manifests.list_exports(session, number)
    assert [(r["operator"], r["parcels"], r["file"]) for r in listed] == [("李会计", 2, "h.xlsx")]
    noted = session.exec(select(ParcelEvent).where(ParcelEvent.action == "handover-file")).all()
    assert sorted(e.parcel_id for e in noted) == sorted(p.id for p in bare)

    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "h.xlsx").active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == 3 and sheet["C2"].value in ("13812345678", "13900002222")


def test_an_open_manifest_has_no_handover_file(session, make_parcel):
    make_parcel(courier="ZTO")
    number = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    with pytest.raises(RuleBroken, match="still open"):
        manifests.handover_file(session, number.manifest_no)


def test_nothing_to_export_when_every_parcel_has_a_tracking_number(session, make_parcel):
    make_parcel(courier="ZTO", tracking_no=zto(3))
    number = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    manifests.close_manifest(session, number.manifest_no, operator=OP)
    with pytest.raises(InvalidInput, match="--all"):
        manifests.handover_file(session, number.manifest_no)


def test_waybills_load_the_courier_numbers_onto_labels_timeline_and_load_check(
    session, closed, tmp_path
):
    number, bare, tracked = closed
    path = tmp_path / "waybills.csv"
    write_waybills(
        path,
        [
            [bare[0].parcel_no, "7310 0000 0000 11", "王小明"],  # spaces as printed
            [bare[1].parcel_no, zto(12), ""],
            [tracked.parcel_no, tracked.tracking_no, ""],  # already known: unchanged
        ],
    )

    result = manifests.load_waybills(session, number, read_waybills(path), operator=OP)

    assert (result.stored, result.unchanged, result.rejects) == (2, 1, [])
    session.expire_all()
    assert session.get(Parcel, bare[0].id).tracking_no == zto(11)
    sheet = manifests.label_sheet(session, [bare[1].parcel_no])
    assert sheet.labels[0].tracking_no == zto(12)
    events = session.exec(
        select(ParcelEvent).where(
            ParcelEvent.parcel_id == bare[0].id, ParcelEvent.action == "waybill"
        )
    ).all()
    assert len(events) == 1 and zto(11) in events[0].note
    check = manifests.open_load_check(session, number, operator=OP)
    assert check.scan(zto(11)).outcome == "loaded"


def test_a_wrong_row_refuses_the_whole_file_one_sentence_per_row(session, closed, tmp_path):
    number, bare, tracked = closed
    path = tmp_path / "waybills.csv"
    write_waybills(
        path,
        [
            [bare[0].parcel_no, "YT1234567890123", ""],  # not a ZTO number
            [bare[1].parcel_no, zto(12), ""],
            ["P20990101-00001", zto(13), ""],  # not on this manifest
            [tracked.parcel_no, zto(14), ""],  # has another number already
        ],
    )

    with pytest.raises(InvalidInput) as refused:
        manifests.load_waybills(session, number, read_waybills(path), operator=OP)

    lines = str(refused.value).splitlines()
    assert "3 rows are wrong" in lines[0] and "nothing was stored" in lines[0]
    assert [line.split(":")[0] for line in lines[1:4]] == ["Row 2", "Row 4", "Row 5"]
    assert "YT1234567890123" in lines[1] and "P20990101-00001" in lines[2]
    assert tracked.tracking_no in lines[3]
    session.expire_all()
    assert session.get(Parcel, bare[1].id).tracking_no is None  # nothing stored

    result = manifests.load_waybills(
        session, number, read_waybills(path), operator=OP, skip_invalid=True
    )
    assert result.stored == 1 and [line.row for line, _ in result.rejects] == [2, 4, 5]
    session.expire_all()
    assert session.get(Parcel, bare[1].id).tracking_no == zto(12)


def test_a_number_of_another_parcel_or_twice_in_the_file_is_refused(session, closed, tmp_path):
    number, bare, tracked = closed
    path = tmp_path / "waybills.csv"
    write_waybills(
        path,
        [
            [bare[0].parcel_no, tracked.tracking_no, ""],
            [bare[1].parcel_no, zto(20), ""],
            [bare[0].parcel_no, zto(20), ""],
        ],
    )
    with pytest.raises(InvalidInput) as refused:
        manifests.load_waybills(session, number, read_waybills(path), operator=OP)
    text = str(refused.value)
    assert f"belongs to parcel {tracked.parcel_no}" in text and "also on row 3" in text
