"""The printed documents: read back as text and as scanned barcodes, and reproducible.

Text is read with `pdftotext` (Debian: poppler-utils) and barcodes are decoded from a
page rendered by `pdftoppm -r 200` with `zbarimg` (Debian: zbar-tools), so a printed
barcode is proven to scan. Tests needing a missing tool are skipped with the reason.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.units import kg_text
from logistics.errors import InvalidInput
from logistics.io.pdf.labels import LabelSheet, ParcelLabel, render_labels, write_labels_pdf
from logistics.io.pdf.manifest import (
    ROWS_PER_PAGE,
    ManifestDocument,
    ManifestHandover,
    ManifestLine,
    render_manifest,
    write_manifest_pdf,
)
from logistics.io.pdf.round_sheet import RoundSheetDocument, RoundStopLine, render_round_sheet
from tests.support import needs_pdftotext, needs_zbar, pdf_text, scanned_codes

STATIONS = [("青山村服务站", "ST01"), ("桃花坪村服务站", "ST02"), ("石门坎村代办点", "ST03")]
PLACES = [("四川省", "成都市"), ("广东省", "广州市"), ("新疆维吾尔自治区", "乌鲁木齐市")]
PARCELS = 45  # three manifest pages


def manifest_document() -> ManifestDocument:
    lines = []
    for i in range(PARCELS):
        station, code = STATIONS[i % 3]
        province, city = PLACES[i % 3]
        lines.append(
            ManifestLine(
                seq=i + 1,
                parcel_no=f"P20261123-{i + 1:05d}",
                tracking_no=None if i % 5 == 2 else f"73{5100000000 + i * 7919:011d}",
                origin_station=station,
                origin_station_code=code,
                dest_province=province,
                dest_city=city,
                chargeable_g=1500 + 1000 * (i % 4),
                recipient="张*  1******1234" if i % 2 else "欧阳**  1******5678",
            )
        )
    return ManifestDocument(
        manifest_no="M-ZTO-20261123-1",
        hub_name="青山镇快递物流集散中心",
        hub_code="QS01",
        courier_code="ZTO",
        courier_name="中通快递",
        service_date=date(2026, 11, 23),
        cutoff=time(17, 0),
        status=ManifestStatus.HANDED_OVER,
        issued_at=datetime(2026, 11, 23, 16, 50),
        lines=lines,
        operator_name="李明",
        load_check="已装车 45 / 45",
        handover=ManifestHandover(
            driver_name="王大力",
            vehicle_plate="川A12345",
            handed_over_at=datetime(2026, 11, 23, 17, 5),
        ),
    )


def labels() -> list[ParcelLabel]:
    return [
        ParcelLabel(
            parcel_no="P20261123-00042",
            tracking_no="78912345678901",
            origin_station="桃花坪村服务站",
            origin_station_code="ST02",
            dest_province="浙江省",
            dest_city="杭州市",
            weight_g=2500,
            recipient="张*  1******1234",
            courier_name="中通快递",
            courier_code="ZTO",
            hub_name="青山镇快递物流集散中心",
            service_date=date(2026, 11, 23),
        ),
        ParcelLabel(
            parcel_no="P20261123-00043",
            tracking_no=None,
            origin_station="青山村服务站",
            dest_province="广东省",
            dest_city="广州市",
            weight_g=800,
            recipient="欧阳**  1******5678",
            courier_name="韵达快递",
            courier_code="YUNDA",
        ),
    ]


def round_sheet_document(stops: int = 16) -> RoundSheetDocument:
    start = datetime(2026, 11, 23, 7, 30)
    lines = [
        RoundStopLine(
            seq=i + 1,
            station_name=STATIONS[i % 3][0],
            station_code=f"ST{i + 1:02d}",
            keeper_name="李秀英",
            keeper_phone=f"1390000{i:04d}",
            planned_arrival=start + timedelta(minutes=20 * i + 15),
            planned_departure=start + timedelta(minutes=20 * i + 25),
            collect_parcels=10 + i,
            collect_kg=Decimal("12.5"),
            drop_parcels=3,
            drop_kg=Decimal("4.2"),
            km_from_previous=Decimal("6.5"),
        )
        for i in range(stops)
    ]
    return RoundSheetDocument(
        round_no="R-20261123-1",
        hub_name="青山镇快递物流集散中心",
        service_date=date(2026, 11, 23),
        vehicle_code="VAN-01",
        vehicle_plate="川A-D1234",
        planned_start=start,
        planned_return=start + timedelta(hours=6),
        return_km=Decimal("8.4"),
        issued_at=datetime(2026, 11, 23, 6, 0),
        stops=lines,
        driver_name="赵师傅",
    )


def render_bytes(render, *args, **kwargs) -> bytes:
    buffer = io.BytesIO()
    render(*args, buffer, **kwargs)
    return buffer.getvalue()


# ------------------------------------------------------------------ manifest


@needs_pdftotext
def test_manifest_text_shows_chinese_names_pages_and_totals(tmp_path):
    doc = manifest_document()
    path = tmp_path / "manifest.pdf"
    assert render_manifest(doc, path) == 3

    text = pdf_text(path)
    pages = text.split("\f")
    for name in (
        "青山镇快递物流集散中心",
        "中通快递",
        "青山村服务站",
        "桃花坪村服务站",
        "乌鲁木齐市",
    ):
        assert name in text
    assert "M-ZTO-20261123-1" in text
    # Chinese names take Chinese brackets around their codes
    assert "青山镇快递物流集散中心（QS01）" in text and "中通快递（ZTO）" in text
    assert "欧阳**" in text and "1******1234" in text  # masked recipients, as given
    for number in (1, 2, 3):
        assert f"Page {number} of 3" in pages[number - 1]
        assert f"第 {number} 页 / 共 3 页" in pages[number - 1]
    total_g = sum(line.chargeable_g for line in doc.lines)
    assert kg_text(total_g) in pages[0]  # grand total in the header of every page
    first_page_g = sum(line.chargeable_g for line in doc.lines[:ROWS_PER_PAGE])
    assert f"{ROWS_PER_PAGE} 件 parcels" in pages[0]  # page total
    assert kg_text(first_page_g) in pages[0]
    assert "已交接 handed over" in pages[0]  # the status, in both languages
    assert "Total, all pages" in pages[2] and f"{PARCELS} 件 parcels" in pages[2]
    # handover filled into the signature boxes
    assert "王大力" in pages[2] and "川A12345" in pages[2] and "17:05" in pages[2]


@needs_zbar
def test_manifest_barcodes_scan_back_exactly(tmp_path):
    doc = manifest_document()
    path = tmp_path / "manifest.pdf"
    render_manifest(doc, path)

    codes = scanned_codes(path, 1, tmp_path)
    expected = {line.tracking_no or line.parcel_no for line in doc.lines[:ROWS_PER_PAGE]}
    assert doc.manifest_no in codes
    assert expected <= set(codes), f"not scanned: {sorted(expected - set(codes))}"
    assert any(code.startswith("P2026") for code in expected)  # hub id used when no tracking
    assert set(codes) <= expected | {doc.manifest_no}


def test_manifest_rerender_is_byte_identical():
    first = render_bytes(render_manifest, manifest_document())
    assert first.startswith(b"%PDF")
    assert render_bytes(render_manifest, manifest_document()) == first


def test_manifest_rerender_in_another_process_is_byte_identical(tmp_path):
    here = Path(__file__).resolve()
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('pdf_docs', {str(here)!r})\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "sys.stdout.buffer.write(mod.render_bytes(mod.render_manifest, mod.manifest_document()))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    env["PYTHONPATH"] = os.pathsep.join([str(here.parents[2]), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True)
    assert out.stdout == render_bytes(render_manifest, manifest_document())


def test_empty_manifest_still_prints_one_signable_page():
    doc = manifest_document()
    empty = ManifestDocument(**{**doc.__dict__, "lines": (), "handover": None})
    assert render_manifest(empty, io.BytesIO()) == 1


def test_tracking_number_a_barcode_cannot_carry_is_refused():
    doc = manifest_document()
    bad = ManifestLine(**{**doc.lines[0].__dict__, "tracking_no": "ZT１２３"})
    with pytest.raises(InvalidInput, match="tracking number on manifest line 1"):
        render_manifest(ManifestDocument(**{**doc.__dict__, "lines": [bad]}), io.BytesIO())


def test_a_manifest_that_cannot_print_leaves_no_file(tmp_path):
    doc = manifest_document()
    bad = ManifestLine(**{**doc.lines[0].__dict__, "tracking_no": "ZT１２３"})
    path = tmp_path / "m.pdf"
    with pytest.raises(InvalidInput, match="tracking number on manifest line 1"):
        write_manifest_pdf(ManifestDocument(**{**doc.__dict__, "lines": [bad]}), path)
    assert list(tmp_path.iterdir()) == []


def test_manifest_written_to_a_file_is_the_rendered_document(tmp_path):
    path = tmp_path / "m.pdf"
    assert write_manifest_pdf(manifest_document(), path) == 3
    assert path.read_bytes() == render_bytes(render_manifest, manifest_document())
    with pytest.raises(InvalidInput, match="already exists"):
        write_manifest_pdf(manifest_document(), path)


# ------------------------------------------------------------------ labels


@needs_pdftotext
def test_labels_show_destination_courier_and_masked_recipient(tmp_path):
    path = tmp_path / "labels.pdf"
    assert render_labels(labels(), path, issued_at=datetime(2026, 11, 23, 9, 30)) == 2
    first, second = pdf_text(path).split("\f")[:2]
    for fragment in ("中通快递", "ZTO", "杭州市", "桃花坪村服务站", "2.50 kg", "1******1234"):
        assert fragment in first
    assert "No tracking number yet" in second and "韵达快递" in second


@needs_pdftotext
def test_characters_the_printer_font_lacks_print_as_a_box_not_as_garbage(tmp_path):
    # An emoji or a rare character beyond the font's plane in a station's name: the
    # label shows a box where it was, never other characters in its place.
    from dataclasses import replace

    odd = replace(labels()[0], origin_station="🍊猕猴桃村𠀀站", dest_city="杭州\x07市")
    path = tmp_path / "labels.pdf"
    render_labels([odd], path, issued_at=datetime(2026, 11, 23, 9, 30))
    text = pdf_text(path)
    assert "□猕猴桃村□站" in text and "杭州市" in text.replace(" ", "")
    shown = set(text) - set("□猕猴桃村站杭州市")
    assert not {c for c in shown if "\u3400" <= c <= "\u4dbf"}, text  # no stray rare Han


@needs_zbar
def test_label_barcodes_scan_back_exactly(tmp_path):
    path = tmp_path / "labels.pdf"
    render_labels(labels(), path, issued_at=datetime(2026, 11, 23, 9, 30))
    assert sorted(scanned_codes(path, 1, tmp_path)) == ["78912345678901", "P20261123-00042"]
    assert scanned_codes(path, 2, tmp_path) == ["P20261123-00043"]


def test_label_sheet_written_to_a_file_is_the_rendered_labels(tmp_path):
    when = datetime(2026, 11, 23, 9, 30)
    path = tmp_path / "labels.pdf"
    assert write_labels_pdf(LabelSheet(labels(), issued_at=when), path) == 2
    assert path.read_bytes() == render_bytes(render_labels, labels(), issued_at=when)
    assert write_labels_pdf(LabelSheet(labels()[:1], issued_at=when), path, force=True) == 1


def test_labels_rerender_is_byte_identical():
    when = datetime(2026, 11, 23, 9, 30)
    first = render_bytes(render_labels, labels(), issued_at=when)
    assert render_bytes(render_labels, labels(), issued_at=when) == first


# ------------------------------------------------------------------ round sheet


@needs_pdftotext
def test_round_sheet_shows_stops_in_order_with_totals(tmp_path):
    doc = round_sheet_document()
    path = tmp_path / "round.pdf"
    pages = render_round_sheet(doc, path)
    assert pages == 2
    text = pdf_text(path)
    for fragment in (
        "趟次单",  # the glossary's word for the round sheet
        "青山村服务站",
        "石门坎村代办点",
        "李秀英",
        "13900000015",
        "赵师傅",
    ):
        assert fragment in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert text.index("ST01") < text.index("ST02") < text.index("ST16")
    assert f"{doc.total_km:.1f}" in text  # 16 x 6.5 + 8.4 = 112.4 km
    collect = sum(stop.collect_parcels for stop in doc.stops)
    assert f"{collect} 件" in text.split("\f")[1]


@needs_zbar
def test_round_number_barcode_scans(tmp_path):
    path = tmp_path / "round.pdf"
    render_round_sheet(round_sheet_document(3), path)
    assert scanned_codes(path, 1, tmp_path) == ["R-20261123-1"]


def test_round_sheet_rerender_is_byte_identical():
    first = render_bytes(render_round_sheet, round_sheet_document())
    assert render_bytes(render_round_sheet, round_sheet_document()) == first
