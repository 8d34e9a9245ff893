"""Writing the papers of ``hub demo``'s day into its folder.

The folder is laid out as the hub files them::

    round-sheets/R-20261123-1.pdf ...
    manifests/M-ZTO-20261123-1.pdf, .csv ...
    labels.pdf
    report-2026-10.pdf, .xlsx

A folder that already holds an earlier demo's papers is refused before the day is run
(unless ``force``), so a long run never ends on "file exists".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from logistics.errors import InvalidInput
from logistics.i18n import N_, _
from logistics.io import files

if TYPE_CHECKING:  # the documents only; reportlab is loaded when they are written
    from logistics.io.pdf.labels import LabelSheet
    from logistics.io.pdf.manifest import ManifestDocument
    from logistics.io.pdf.round_sheet import RoundSheetDocument
    from logistics.services.reports import MonthlyReport

ROUND_SHEETS = "round-sheets"
MANIFESTS = "manifests"
LABELS = "labels.pdf"
STEP = N_("Writing the printouts")

Progress = Callable[[str, int, int], None]


def check_folder(folder: str | os.PathLike[str], *, force: bool = False) -> Path:
    """The folder, made if missing; InvalidInput when it is a file, or holds an earlier
    demo's papers and ``force`` is not given."""
    where = Path(folder)
    if where.exists() and not where.is_dir():
        raise InvalidInput(
            _("'{path}' is a file: expected a folder for the demo's papers.").format(path=where)
        )
    earlier = [
        where / name for name in (ROUND_SHEETS, MANIFESTS, LABELS) if (where / name).exists()
    ]
    earlier += sorted(where.glob("report-*.pdf")) if where.is_dir() else []
    if earlier and not force:
        raise InvalidInput(
            _(
                "Folder '{folder}' already holds the papers of an earlier demo ({file}): "
                "add --force to replace them, or choose another folder."
            ).format(folder=where, file=earlier[0].name)
        )
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise files.cannot_write(str(where), error) from None
    return where


def write_papers(
    folder: str | os.PathLike[str],
    *,
    round_sheets: Sequence[RoundSheetDocument],
    manifests: Sequence[ManifestDocument],
    labels: LabelSheet | None,
    month: MonthlyReport | None,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the day's documents under ``folder``, laid out as above; returns the files
    written, in that order."""
    from logistics.io import report_export
    from logistics.io.manifest_csv import write_manifest_csv
    from logistics.io.pdf.labels import write_labels_pdf
    from logistics.io.pdf.manifest import write_manifest_pdf
    from logistics.io.pdf.round_sheet import write_round_sheet_pdf

    tick = progress or (lambda _step, _done, _total: None)
    where = Path(folder)
    written: list[Path] = []
    total = len(round_sheets) + len(manifests) + (labels is not None) + (month is not None)
    done = 0

    def wrote(*paths: Path) -> None:
        nonlocal done
        written.extend(paths)
        done += 1
        tick(STEP, done, total)

    tick(STEP, 0, total)
    sheets = _subfolder(where / ROUND_SHEETS) if round_sheets else where
    for doc in round_sheets:
        path = sheets / f"{doc.round_no}.pdf"
        write_round_sheet_pdf(doc, path, force=force)
        wrote(path)
    lists = _subfolder(where / MANIFESTS) if manifests else where
    for doc in manifests:
        pdf, csv = lists / f"{doc.manifest_no}.pdf", lists / f"{doc.manifest_no}.csv"
        write_manifest_pdf(doc, pdf, force=force)
        write_manifest_csv(doc, csv, force=force)
        wrote(pdf, csv)
    if labels is not None:
        write_labels_pdf(labels, where / LABELS, force=force)
        wrote(where / LABELS)
    if month is not None:
        stem = where / f"report-{month.month}"
        pdf = report_export.write_pdf(month, f"{stem}.pdf", force=force)
        xlsx = report_export.write_xlsx(month, f"{stem}.xlsx", force=force)
        wrote(Path(pdf), Path(xlsx))
    return written


def _subfolder(path: Path) -> Path:
    try:
        path.mkdir(exist_ok=True)
    except OSError as error:
        raise files.cannot_write(str(path), error) from None
    return path


def work_folder() -> Path:
    """A new temporary folder for one demo run (its database, and its printouts when no
    folder is given)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="hub-demo-"))


def folder_size(folder: str | os.PathLike[str]) -> int:
    """Bytes held by the files under ``folder`` (0 when it is gone)."""
    total = 0
    for path in Path(folder).rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:
            continue
    return total


def remove_folder(folder: str | os.PathLike[str]) -> int:
    """Remove a demo's temporary folder and everything in it; returns the bytes freed."""
    import shutil

    size = folder_size(folder)
    shutil.rmtree(folder, ignore_errors=True)
    return size
