"""Helpers several test modules share: reading printed PDFs back as a person would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext is not installed (Debian package poppler-utils)",
)
needs_zbar = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
    reason="pdftoppm and zbarimg are needed (Debian packages poppler-utils and zbar-tools)",
)


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext reads it."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def scanned_codes(path: Path, page: int, tmp_path: Path) -> list[str]:
    """The Code128 barcodes a scanner reads off one page printed at 200 dpi."""
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(path), str(prefix)],
        check=True,
        capture_output=True,
    )
    # zbarimg exits 4 when it finds nothing; the assertions then say what is missing.
    out = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Scode128.enable", f"{prefix}.png"],
        capture_output=True,
    )
    return out.stdout.decode("utf-8").split()


def said(result) -> str:
    """The output with its table folds undone (cells and sentences wrap at 80 columns)."""
    return " ".join(result.output.replace("│", " ").split())


def tight(result) -> str:
    """The output with no space at all: a Chinese cell may fold between two characters."""
    return "".join(result.output.replace("│", " ").split())


def stored(local):
    """A wall-clock time at the sample hub (Asia/Shanghai) as the database stores it."""
    from logistics.domain.clock import to_utc, zone

    return to_utc(local, zone("Asia/Shanghai"))


def month_of_parcels(make_parcel, session, made, category=None) -> None:
    """Parcels for a report: ``made`` rows of (status, station, courier, province, grams,
    fen, hub-local registration time); handed-over ones reach the courier 20 hours later.
    ``category`` gives each parcel's product from its courier (None leaves it out)."""
    from datetime import timedelta

    for status, station, courier, province, grams, fen, local in made:
        extra = {"category": category(courier)} if category else {}
        parcel = make_parcel(
            status,
            station=station,
            courier=courier,
            province=province,
            weight_g=grams,
            registered_at=stored(local),
            commit=False,
            **extra,
        )
        parcel.fee_fen = fen
        if status == "handed_over":
            parcel.status_at = stored(local + timedelta(hours=20))
    session.commit()
