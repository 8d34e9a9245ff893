"""Pickup manifests through the service: build, close, load check, handover, print, labels.

PDFs are read back with pdftotext and their barcodes decoded from a page rendered by
`pdftoppm -r 200` with `zbarimg` (Debian: poppler-utils, zbar-tools).
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from logistics.domain.clock import local_today, to_local, zone
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.verdicts import LoadOutcome
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.io.manifest_csv import manifest_csv_rows, write_manifest_csv
from logistics.io.pdf.labels import write_labels_pdf
from logistics.io.pdf.manifest import write_manifest_pdf
from logistics.models import Manifest, ManifestLoadScan, Parcel, ParcelEvent
from logistics.services import manifests
from logistics.services.parcel_events import record_step
from tests.support import needs_pdftotext, needs_zbar, pdf_text, scanned_codes

OP = "tester"


def today() -> str:
    return local_today(zone("Asia/Shanghai")).strftime("%Y%m%d")


def zto(n: int) -> str:
    return f"7{73100000000000 + n:013d}"


def reload(session, parcel: Parcel) -> Parcel:
    session.expire_all()
    return session.get(Parcel, parcel.id)


def print_pdf(session, number: str, path, *, force: bool = False) -> int:
    """What `hub manifest print --pdf` does: the service's document, written by io."""
    return write_manifest_pdf(manifests.manifest_document(session, number), path, force=force)


def print_labels(session, codes, path) -> int:
    """What `hub parcel label` does: the sheet, written by io, then noted."""
    sheet = manifests.label_sheet(session, codes)
    pages = write_labels_pdf(sheet, path)
    manifests.note_labels_printed(session, sheet, operator=OP)
    return pages


def closed_manifest(session, make_parcel, count: int = 3) -> tuple[str, list[Parcel]]:
    parcels = [make_parcel(courier="ZTO", tracking_no=zto(i), commit=False) for i in range(count)]
    session.commit()
    number = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    manifests.close_manifest(session, number.manifest_no, operator=OP)
    return number.manifest_no, parcels


# ------------------------------------------------------------------ build


def test_build_puts_each_courier_waiting_parcels_on_its_own_numbered_manifest(session, make_parcel):
    zto_parcels = [make_parcel(courier="ZTO", tracking_no=zto(i)) for i in range(3)]
    sto_parcel = make_parcel(courier="STO")
    not_here = make_parcel(status="collected", courier="ZTO")
    no_courier = make_parcel(courier=None)
    held = make_parcel(courier="ZTO")
    record_step(session, held, "hold", operator=OP)
    session.commit()

    result = manifests.build_manifests(session, operator=OP)

    by_courier = {m.courier_code: m for m in result.manifests}
    assert set(by_courier) == {"ZTO", "STO"}
    assert by_courier["ZTO"].manifest_no == f"M-ZTO-{today()}-1"
    assert by_courier["STO"].manifest_no == f"M-STO-{today()}-1"
    assert by_courier["ZTO"].parcels == 3 and by_courier["ZTO"].created
    zto_manifest = manifests.get_manifest(session, f"m-zto-{today()}-1")
    assert zto_manifest.status == "open"
    assert {p.id for p in manifests.members(session, zto_manifest)} == {p.id for p in zto_parcels}
    assert reload(session, sto_parcel).manifest_id != zto_manifest.id
    for parcel in (not_here, no_courier, held):
        assert reload(session, parcel).manifest_id is None
    # parcels stay at the hub until the manifest is closed
    assert {reload(session, p).status for p in zto_parcels} == {"at_hub"}


def test_second_build_adds_new_arrivals_to_the_open_manifest(session, make_parcel):
    first = make_parcel(courier="ZTO")
    manifests.build_manifests(session, courier="ZTO", operator=OP)
    later = make_parcel(courier="ZTO")
    other = make_parcel(courier="YTO")

    result = manifests.build_manifests(session, courier="ZTO", operator=OP)

    (built,) = result.manifests  # --courier ZTO: YTO untouched
    assert built.manifest_no == f"M-ZTO-{today()}-1"
    assert not built.created and built.added == 1 and built.parcels == 2
    manifest = manifests.get_manifest(session, built.manifest_no)
    assert [p.id for p in manifests.members(session, manifest)] == [first.id, later.id]
    assert reload(session, other).manifest_id is None
    assert len(session.exec(select(Manifest)).all()) == 1


def test_nothing_waiting_makes_no_manifest(session, make_parcel):
    make_parcel(status="collected", courier="ZTO")
    result = manifests.build_manifests(session, operator=OP)
    assert result.manifests == [] and session.exec(select(Manifest)).all() == []


def test_unknown_courier_and_manifest_are_named(session, sample_network):
    with pytest.raises(NotFound, match="no courier with code 'XX'"):
        manifests.build_manifests(session, courier="XX", operator=OP)
    with pytest.raises(NotFound, match="M-ZTO-20990101-1"):
        manifests.show_manifest(session, "M-ZTO-20990101-1")


# ------------------------------------------------------------------ close


def test_close_manifests_every_parcel_and_locks_the_manifest(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel)

    manifest = manifests.get_manifest(session, number)
    assert manifest.status == "closed" and manifest.closed_at is not None
    for parcel in parcels:
        parcel = reload(session, parcel)
        assert parcel.status == "manifested" and parcel.manifest_id == manifest.id
        last = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.parcel_id == parcel.id)
            .order_by(ParcelEvent.id.desc())
        ).first()
        assert (last.action, last.to_status, last.note) == ("manifest", "manifested", number)

    with pytest.raises(RuleBroken, match=f"{number} is already closed"):
        manifests.close_manifest(session, number, operator=OP)

    # a parcel arriving after the close goes on the courier's next manifest of the day
    late = make_parcel(courier="ZTO")
    (built,) = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests
    assert built.manifest_no == f"M-ZTO-{today()}-2" and built.parcels == 1
    assert len(manifests.members(session, manifest)) == 3
    assert reload(session, late).manifest_id != manifest.id


def test_parcel_held_while_on_an_open_manifest_leaves_it_at_close(session, make_parcel):
    keep = make_parcel(courier="ZTO")
    held = make_parcel(courier="ZTO")
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    record_step(session, held, "hold", operator=OP)
    session.commit()

    result = manifests.close_manifest(session, built.manifest_no, operator=OP)

    assert result.parcels == 1 and result.removed == 1
    assert reload(session, keep).status == "manifested"
    held = reload(session, held)
    assert held.status == "held" and held.manifest_id is None


def test_empty_manifest_cannot_be_closed(session, make_parcel):
    parcel = make_parcel(courier="ZTO")
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    record_step(session, parcel, "cancel", operator=OP)
    session.commit()
    with pytest.raises(RuleBroken, match="has no parcels"):
        manifests.close_manifest(session, built.manifest_no, operator=OP)
    assert manifests.get_manifest(session, built.manifest_no).status == "open"


# ------------------------------------------------------------------ load check and handover


def test_load_check_refuses_a_parcel_of_another_manifest_and_keeps_every_scan(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel)
    stranger = make_parcel(courier="STO", tracking_no="773000000000001")
    (sto,) = manifests.build_manifests(session, courier="STO", operator=OP).manifests

    check = manifests.open_load_check(session, number, operator="driver")
    assert check.progress.expected == 3 and check.progress.loaded == 0

    first = check.scan(parcels[0].tracking_no)
    again = check.scan(parcels[0].parcel_no.lower())  # the same parcel by its hub id
    wrong = check.scan(stranger.tracking_no)
    unknown = check.scan("NOSUCHCODE")

    assert first.outcome == "loaded"
    assert again.outcome == "repeat" and "already loaded" in again.message
    assert wrong.outcome == "refused" and sto.manifest_no in wrong.message
    assert unknown.outcome == "refused" and "NOSUCHCODE" in unknown.message
    progress = check.progress
    assert (progress.loaded, progress.expected) == (1, 3)
    assert progress.missing == [parcels[1].tracking_no, parcels[2].tracking_no]

    stored = session.exec(
        select(ManifestLoadScan).order_by(ManifestLoadScan.id)  # type: ignore[arg-type]
    ).all()
    assert [s.outcome for s in stored] == ["loaded", "repeat", "refused", "refused"]
    assert stored[2].parcel_id == stranger.id and stored[0].operator == "driver"
    # a new session continues where the last one stopped
    assert manifests.open_load_check(session, number, operator=OP).progress.loaded == 1


def test_load_check_refuses_a_parcel_on_no_manifest_naming_its_state(session, make_parcel):
    number, _ = closed_manifest(session, make_parcel)
    waiting = make_parcel("registered")  # still at its station: on no manifest
    check = manifests.open_load_check(session, number, operator="driver")
    result = check.scan(waiting.parcel_no)
    assert result.outcome == "refused"
    assert "on no manifest" in result.message and waiting.parcel_no in result.message
    assert "registered" in result.message


def test_load_check_needs_a_closed_manifest(session, make_parcel):
    make_parcel(courier="ZTO")
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    with pytest.raises(RuleBroken, match="still open"):
        manifests.open_load_check(session, built.manifest_no, operator=OP)


def test_handover_is_refused_while_parcels_are_missing(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel)
    manifests.load_scan(session, number, [parcels[0].parcel_no], operator="driver")

    with pytest.raises(RuleBroken, match=r"2 of 3 parcels were not scanned") as refusal:
        manifests.handover_manifest(session, number, driver="王大力", plate="晋E12345", operator=OP)
    assert parcels[1].tracking_no in str(refusal.value)
    with pytest.raises(InvalidInput, match="needs --reason"):
        manifests.handover_manifest(
            session, number, driver="王大力", plate="晋E12345", operator=OP, force=True
        )
    manifest = manifests.get_manifest(session, number)
    assert manifest.status == "closed"
    assert {reload(session, p).status for p in parcels} == {"manifested"}


def test_complete_load_check_hands_over_with_driver_and_plate(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel)
    results, progress = manifests.load_scan(
        session, number, [p.tracking_no for p in parcels], operator="driver"
    )
    assert progress.complete and {r.outcome for r in results} == {"loaded"}

    result = manifests.handover_manifest(
        session, number, driver=" 王大力 ", plate="晋e 12345", operator=OP
    )

    assert not result.forced and result.parcels == 3
    manifest = manifests.get_manifest(session, number)
    assert (manifest.status, manifest.driver_name, manifest.plate) == (
        "handed_over",
        "王大力",
        "晋E12345",
    )
    assert manifest.handed_over_at is not None and not manifest.forced
    assert {reload(session, p).status for p in parcels} == {"handed_over"}
    with pytest.raises(RuleBroken, match="already handed over to 王大力"):
        manifests.handover_manifest(session, number, driver="x", plate="y", operator=OP)


def test_forced_handover_records_the_reason(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel)
    manifests.load_scan(session, number, [parcels[0].tracking_no], operator="driver")

    result = manifests.handover_manifest(
        session,
        number,
        driver="王大力",
        plate="晋E12345",
        operator=OP,
        force=True,
        reason="扫描枪没电, counted by hand",
    )

    assert result.forced and result.missing == 2
    manifest = manifests.get_manifest(session, number)
    assert manifest.forced and manifest.force_reason == "扫描枪没电, counted by hand"
    assert {reload(session, p).status for p in parcels} == {"handed_over"}
    unscanned = session.exec(
        select(ParcelEvent).where(
            ParcelEvent.parcel_id == parcels[2].id, ParcelEvent.action == "handover"
        )
    ).one()
    assert "扫描枪没电" in unscanned.note


# ------------------------------------------------------------------ printing


@needs_pdftotext
def test_pdf_shows_chinese_names_and_masked_recipients_only(session, make_parcel, tmp_path):
    make_parcel(courier="ZTO", tracking_no=zto(1), station="GD03", province="51")
    make_parcel(
        courier="ZTO",
        tracking_no=zto(2),
        recipient_name="欧阳娜娜",
        recipient_phone="13987654321",
    )
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    manifests.close_manifest(session, built.manifest_no, operator=OP)
    path = tmp_path / "m.pdf"

    assert print_pdf(session, built.manifest_no, path) == 1

    text = pdf_text(path)
    for fragment in ("中通快递", "高都村服务站", "西沟村服务站", "高都镇快递物流分拨中心"):
        assert fragment in text
    assert "四川" in text and "广东" in text  # the province's short name, as everywhere
    assert built.manifest_no in text and "张**" in text and "欧阳**" in text
    assert "1******5678" in text and "1******4321" in text
    for secret in ("13812345678", "13987654321", "张三丰", "娜娜"):
        assert secret not in text


@needs_zbar
def test_pdf_barcodes_decode_to_tracking_numbers_and_manifest_number(
    session, make_parcel, tmp_path
):
    number, parcels = closed_manifest(session, make_parcel, 4)
    no_tracking = make_parcel(courier="ZTO")  # goes on manifest 2: printed by hub id
    (second,) = manifests.build_manifests(session, operator=OP).manifests
    path = tmp_path / "m.pdf"
    print_pdf(session, number, path)

    codes = scanned_codes(path, 1, tmp_path)
    assert sorted(codes) == sorted([number] + [p.tracking_no for p in parcels])

    print_pdf(session, second.manifest_no, path, force=True)
    assert sorted(scanned_codes(path, 1, tmp_path)) == sorted(
        [second.manifest_no, no_tracking.parcel_no]
    )


def test_reprinting_a_closed_manifest_gives_identical_bytes(session, make_parcel, tmp_path):
    number, parcels = closed_manifest(session, make_parcel)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    print_pdf(session, number, first)
    manifests.build_manifests(session, operator=OP)  # nothing new; must not disturb it
    print_pdf(session, number, second)
    assert first.read_bytes() == second.read_bytes()

    doc = manifests.manifest_document(session, number)
    manifest = manifests.get_manifest(session, number)
    closed_at = to_local(manifest.closed_at, zone("Asia/Shanghai")).replace(tzinfo=None)
    assert doc.status == ManifestStatus.CLOSED
    assert doc.issued_at.replace(second=0, microsecond=0) == closed_at.replace(
        second=0, microsecond=0
    )
    assert doc.operator_name == OP


def test_csv_has_a_bom_masked_recipients_and_no_formula(session, make_parcel, tmp_path):
    make_parcel(
        courier="ZTO",
        tracking_no=zto(1),
        recipient_name='=HYPERLINK("http://x")',
        recipient_phone="+8613812345678",
    )
    make_parcel(courier="ZTO", recipient_name="@SUM(A1)", recipient_phone="-1")
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    path = tmp_path / "m.csv"

    doc = manifests.manifest_document(session, built.manifest_no)

    assert write_manifest_csv(doc, path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "manifest_no" and len(rows) == 3
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "13812345678" not in raw.decode("utf-8-sig")
    assert rows[1][rows[0].index("dest_province")] == "广东"


# ------------------------------------------------------------------ labels


@needs_zbar
def test_labels_decode_to_the_hub_id_and_tracking_number(session, make_parcel, tmp_path):
    with_tracking = make_parcel(courier="ZTO", tracking_no=zto(7))
    plain = make_parcel()
    path = tmp_path / "labels.pdf"

    pages = print_labels(session, [with_tracking.tracking_no, plain.parcel_no], path)

    assert pages == 2
    assert sorted(scanned_codes(path, 1, tmp_path)) == sorted(
        [with_tracking.parcel_no, with_tracking.tracking_no]
    )
    assert scanned_codes(path, 2, tmp_path) == [plain.parcel_no]
    text = pdf_text(path)
    assert "中通快递" in text and "1******5678" in text and "13812345678" not in text
    notes = session.exec(select(ParcelEvent).where(ParcelEvent.action == "label")).all()
    assert {n.parcel_id for n in notes} == {with_tracking.id, plain.id}


def test_labels_for_an_unknown_code_are_refused(session, sample_network, tmp_path):
    with pytest.raises(NotFound, match="P20990101-00001"):
        manifests.label_sheet(session, ["P20990101-00001"])


def test_printing_again_to_the_same_file_needs_force(session, make_parcel, tmp_path):
    number, _ = closed_manifest(session, make_parcel)
    path = tmp_path / "m.pdf"
    print_pdf(session, number, path)
    first = path.read_bytes()
    path.write_bytes(b"the courier's own notes")

    with pytest.raises(InvalidInput, match="already exists: add --force"):
        print_pdf(session, number, path)
    assert path.read_bytes() == b"the courier's own notes"
    assert print_pdf(session, number, path, force=True) == 1
    assert path.read_bytes() == first
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_csv_weights_are_the_same_kg_figures_as_the_tables(session, make_parcel):
    make_parcel(courier="ZTO", weight_g=1255)  # 1.255 kg: half up, as everywhere
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    shown = manifests.show_manifest(session, built.manifest_no)
    doc = manifests.manifest_document(session, built.manifest_no)

    (row,) = manifest_csv_rows(doc)
    assert str(row["chargeable_kg"]) == str(shown["lines"][0]["chargeable_kg"]) == "1.26"
    assert str(built.weight_kg) == "1.26"


def test_load_outcomes_are_the_domain_verdicts(session, make_parcel):
    number, parcels = closed_manifest(session, make_parcel, 1)
    results, _ = manifests.load_scan(
        session, number, [parcels[0].parcel_no, parcels[0].parcel_no, "NOPE"], operator="d"
    )
    assert [r.outcome for r in results] == [
        LoadOutcome.LOADED,
        LoadOutcome.REPEAT,
        LoadOutcome.REFUSED,
    ]
