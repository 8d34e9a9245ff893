"""Every printout embeds the Chinese font it uses, so every viewer shows the same text.

The manifest, the labels, the round sheet and the monthly report are written through the
io writers and read back with poppler: ``pdffonts`` must list an embedded subset of a
TrueType CJK font, and ``pdftotext`` must give back the Chinese and the plate 晋E·A2235
(whose middle dot the old CID font could not encode).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics import i18n
from logistics.io.pdf import fonts
from logistics.io.pdf.labels import LabelSheet, write_labels_pdf
from logistics.io.pdf.manifest import ROWS_PER_PAGE, ManifestLine, write_manifest_pdf
from logistics.io.pdf.round_sheet import write_round_sheet_pdf
from tests.io.test_pdf_documents import labels, manifest_document, round_sheet_document
from tests.support import needs_pdftotext, pdf_text

PLATE = "晋E·A2235"

needs_pdffonts = pytest.mark.skipif(
    shutil.which("pdffonts") is None,
    reason="pdffonts is not installed (Debian package poppler-utils)",
)


def listed_fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub for each font of the file."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        if match:
            name, kind, _encoding, emb, sub, _uni = match.groups()
            rows.append({"name": name, "type": kind, "emb": emb, "sub": sub})
    return rows


def assert_embeds_cjk_subset(path: Path) -> None:
    cjk = [row for row in listed_fonts(path) if "WenQuanYi" in row["name"]]
    assert cjk, listed_fonts(path)
    for row in cjk:
        assert row["type"].startswith("TrueType") or "TrueType" in row["type"], row
        assert row["emb"] == "yes" and row["sub"] == "yes", row
        assert re.match(r"[A-Z]{6}\+", row["name"]), row  # a subset's tag
    # nothing else is left for a viewer to substitute
    others = [row for row in listed_fonts(path) if row not in cjk]
    assert {row["name"] for row in others} <= {
        "Helvetica",
        "Helvetica-Bold",
        "Courier",
        "Courier-Bold",
    }, others


@needs_pdffonts
@needs_pdftotext
def test_manifest_embeds_the_cjk_font_and_prints_the_plate(tmp_path):
    doc = manifest_document()
    doc = replace(doc, handover=replace(doc.handover, vehicle_plate=PLATE))
    path = tmp_path / "manifest.pdf"
    write_manifest_pdf(doc, path)
    assert_embeds_cjk_subset(path)
    text = pdf_text(path)
    assert PLATE in text
    assert "揽收交接清单" in text and "青山村服务站" in text and "新疆维吾尔自治区" in text


@needs_pdffonts
@needs_pdftotext
def test_labels_embed_the_cjk_font(tmp_path):
    path = tmp_path / "labels.pdf"
    write_labels_pdf(LabelSheet(labels=labels(), issued_at=datetime(2026, 11, 23, 8)), path)
    assert_embeds_cjk_subset(path)
    text = pdf_text(path)
    assert "桃花坪村服务站" in text and "浙江省" in text and "中通快递" in text


@needs_pdffonts
@needs_pdftotext
def test_round_sheet_embeds_the_cjk_font_and_prints_the_plate(tmp_path):
    doc = replace(round_sheet_document(stops=4), vehicle_plate=PLATE)
    path = tmp_path / "round.pdf"
    write_round_sheet_pdf(doc, path)
    assert_embeds_cjk_subset(path)
    text = pdf_text(path)
    assert PLATE in text and "赵师傅" in text and "青山镇快递物流集散中心" in text


TZ = ZoneInfo("Asia/Shanghai")


@needs_pdffonts
@needs_pdftotext
def test_monthly_report_in_chinese_embeds_the_cjk_font(session, make_parcel, monkeypatch, tmp_path):
    from logistics.io.report_export import write_pdf
    from logistics.services.reports import monthly_report

    monkeypatch.setenv("HUB_NOW", "2026-11-23T18:00:00")
    for day, station in ((1, "GD01"), (2, "GD02"), (15, "GD01")):
        local = datetime(2026, 10, day, 9, 0, tzinfo=TZ)
        parcel = make_parcel(
            "handed_over",
            station=station,
            courier="ZTO",
            province="52",
            weight_g=2500,
            registered_at=local.astimezone(UTC).replace(tzinfo=None),
            commit=False,
        )
        parcel.fee_fen = 1250
        parcel.status_at = parcel.registered_at + timedelta(hours=20)
    session.commit()
    i18n.use("zh")
    report = monthly_report(session, "2026-10")
    path = tmp_path / "report.pdf"
    write_pdf(report, path)
    assert_embeds_cjk_subset(path)
    text = pdf_text(path)
    assert "月报" in text and "高都村服务站" in text and "中通快递" in text


@needs_pdffonts
def test_a_twenty_page_manifest_stays_small(tmp_path):
    doc = manifest_document()
    places = ["贵州省", "云南省", "内蒙古自治区", "广西壮族自治区", "黑龙江省", "西藏自治区"]
    lines = [
        replace(
            doc.lines[i % len(doc.lines)],
            seq=i + 1,
            parcel_no=f"P20261123-{i + 1:05d}",
            tracking_no=f"73{5100000000 + i * 7919:011d}",
            dest_province=places[i % len(places)],
            origin_station=f"第{i % 97}村服务站",
        )
        for i in range(ROWS_PER_PAGE * 20)
    ]
    assert all(isinstance(line, ManifestLine) for line in lines)
    path = tmp_path / "manifest-20.pdf"
    pages = write_manifest_pdf(replace(doc, lines=lines), path)
    assert pages >= 20
    size = path.stat().st_size
    print(f"20-page manifest: {pages} pages, {size:,} bytes")
    assert size < 1_000_000
    assert_embeds_cjk_subset(path)


def test_a_character_the_font_lacks_prints_as_a_box():
    fonts.register_fonts()
    assert fonts.embedded()
    assert fonts.printable(PLATE) == PLATE
    assert fonts.printable("王\U0001f600强") == "王\u25a1强"  # an emoji: no glyph
    assert fonts.printable("a\tb") == "a b"


@needs_pdffonts
@needs_pdftotext
def test_without_the_font_file_chinese_falls_back_to_the_cid_font(tmp_path):
    """A damaged install (the font file gone) still prints Chinese, with the CID font."""
    path = tmp_path / "labels.pdf"
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "from pathlib import Path\n"
        "from logistics.io.pdf import fonts\n"
        "fonts.FONT_FILE = Path('/nonexistent/wqy.ttc')\n"
        "sys.path.insert(0, '.')\n"
        "from tests.io.test_pdf_documents import labels\n"
        "from logistics.io.pdf.labels import LabelSheet, write_labels_pdf\n"
        "write_labels_pdf(LabelSheet(labels=labels(), issued_at=datetime(2026, 11, 23, 8)),"
        f" {str(path)!r})\n"
        "assert not fonts.embedded()\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", script], cwd=root, check=True, env={**os.environ}, timeout=120
    )
    names = {row["name"] for row in listed_fonts(path)}
    assert "STSong-Light" in names
    assert "桃花坪村服务站" in pdf_text(path)
