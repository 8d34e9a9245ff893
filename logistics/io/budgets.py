"""What an input file may cost: the limits every reader of ``io/`` keeps to.

An input file (a parcel CSV or XLSX, a road table, a courier's waybill file) comes
from outside the hub and may be damaged or built to hurt. Every reader checks it
against these limits *before* the work that a bad file would make expensive, and
refuses with one sentence naming the file, the row and the limit, so any file is
accepted or refused within seconds and with memory bounded by the rows it keeps,
never by how wide or how packed the file claims to be (``benchmarks/hostile_inputs.py``
measures it). The numbers are far above what Excel, WPS or Numbers write for a real
file:

* :data:`MAX_COLUMNS`: columns a row may have up to its last non-blank cell;
* :data:`MAX_CELL_CHARS`: characters in one cell (Excel's own limit);
* :data:`MAX_LINE_CHARS`: characters in one physical line of a CSV file;
* :data:`XLSX_MAX_RATIO`, :data:`XLSX_MAX_UNPACKED_BYTES`, :data:`XLSX_MAX_PART_BYTES`:
  how far an XLSX file (a zip) may unpack, checked from the sizes its zip declares
  before openpyxl opens it (the zip reader never unpacks more than a part declares);
* :data:`XLSX_MAX_ROWS`: rows an XLSX sheet may hold (counted from its XML before
  openpyxl reads any row);
* :data:`EMPTY_ROW_RUN`: empty rows read one by one before a sheet is taken to have
  ended; the sheet's real end is found by scanning its XML, so trailing empty rows
  are never read, and data after a longer run of empty rows is refused, not dropped.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from logistics.errors import InvalidInput
from logistics.i18n import _

#: Columns a row may have, counted up to its last non-blank cell.
MAX_COLUMNS = 500
#: Characters in one cell: Excel's own limit (it cannot save a longer cell).
MAX_CELL_CHARS = 32_767
#: Characters in one physical line of a CSV file (a row of MAX_COLUMNS ordinary cells
#: fits many times over).
MAX_LINE_CHARS = 2_000_000
#: An XLSX file may unpack to at most this many times its own size.
XLSX_MAX_RATIO = 100
#: An XLSX file may unpack to at most this many bytes in all.
XLSX_MAX_UNPACKED_BYTES = 500_000_000
#: Any part of an XLSX file other than its sheets (shared strings, styles, ...), which
#: openpyxl holds in memory whole, may unpack to at most this many bytes.
XLSX_MAX_PART_BYTES = 64_000_000
#: An XLSX file may have at most this many parts (files inside its zip).
XLSX_MAX_PARTS = 10_000
#: Empty rows in a row that end a sheet: data after a longer run is refused.
EMPTY_ROW_RUN = 1_000
#: Rows of an XLSX sheet: openpyxl reads about 6,000 rows a second here, so a bigger
#: sheet would take longer than the ten seconds an import may; CSV has no such limit
#: (it reads ten times faster), and a peak day (Double 11) is 30,000 rows.
XLSX_MAX_ROWS = 55_000


def megabytes(size: int) -> str:
    """A byte count for a sentence: ``'311 KB'``, ``'300.0 MB'``."""
    if size < 1_000_000:
        return f"{max(size, 1) / 1000:,.0f} KB"
    return f"{size / 1_000_000:,.1f} MB"


# --------------------------------------------------------------------------- rows


def check_row(name: str, number: int, cells: list[str], what: str | None = None) -> list[str]:
    """``cells`` without trailing blank cells if the row is wider than MAX_COLUMNS;
    InvalidInput if it is still too wide or has a cell over MAX_CELL_CHARS.

    Call it for a row when ``len(cells) > MAX_COLUMNS`` or when its joined text is
    longer than MAX_CELL_CHARS (both cheap to know), so ordinary rows cost nothing.
    ``what`` is how the sentence names the row (``"row 3"`` by default).
    """
    where = what or _("row {row}").format(row=number)
    if len(cells) > MAX_COLUMNS:
        end = len(cells)
        while end and not cells[end - 1].strip():
            end -= 1
        if end > MAX_COLUMNS:
            raise InvalidInput(
                _(
                    "File '{file}' {where} has {n} columns: expected at most {limit}; "
                    "delete the columns the import does not need and import it again."
                ).format(file=name, where=where, n=f"{end:,}", limit=f"{MAX_COLUMNS:,}")
            )
        del cells[end:]
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise InvalidInput(
                _(
                    "File '{file}' {where} column {column} has {n} characters in one cell: "
                    "expected at most {limit}."
                ).format(
                    file=name,
                    where=where,
                    column=index + 1,
                    n=f"{len(cell):,}",
                    limit=f"{MAX_CELL_CHARS:,}",
                )
            )
    return cells


def cell_too_long(name: str, line: int) -> InvalidInput:
    """The sentence for a CSV field the csv module itself found too long."""
    return InvalidInput(
        _(
            "File '{file}' line {line} has a cell of more than {limit} characters: "
            "expected at most {limit}."
        ).format(file=name, line=line, limit=f"{MAX_CELL_CHARS:,}")
    )


def text_lines(f: IO[str], path: Path) -> Iterator[str] | IO[str]:
    """The lines of an open text file for ``csv.reader``, none longer than MAX_LINE_CHARS.

    A file smaller than the limit cannot hold a longer line and is returned as it is
    (the fast path); a bigger one is read line by line with ``readline(limit)``, so a
    file of one endless line never sits in memory whole.
    """
    try:
        size = os.fstat(f.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        size = None
    if size is not None and size <= MAX_LINE_CHARS:
        return f
    return _bounded_lines(f, path.name)


def _bounded_lines(f: IO[str], name: str) -> Iterator[str]:
    readline = f.readline
    limit = MAX_LINE_CHARS
    number = 0
    while line := readline(limit):
        number += 1
        if len(line) >= limit and line[-1] != "\n":
            raise InvalidInput(
                _(
                    "File '{file}' line {line} is longer than {limit} characters: "
                    "expected a CSV file with one row a line."
                ).format(file=name, line=number, limit=f"{limit:,}")
            )
        yield line


# --------------------------------------------------------------------------- XLSX


def check_xlsx(path: Path) -> None:
    """Refuse an XLSX file whose zip would unpack far beyond its size, before any
    part of it is unpacked (the sizes are the ones the zip declares; the zip reader
    stops at a declared size and fails the part's checksum if there is more)."""
    name = path.name
    try:
        packed = path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except OSError:
        return  # the reader words it
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return  # openpyxl refuses it in its own words
    if len(parts) > XLSX_MAX_PARTS:
        raise InvalidInput(
            _(
                "File '{file}' holds {n} parts: a workbook has at most {limit}; "
                "open it in Excel or WPS and save it again as .xlsx or CSV."
            ).format(file=name, n=f"{len(parts):,}", limit=f"{XLSX_MAX_PARTS:,}")
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > XLSX_MAX_UNPACKED_BYTES or unpacked > XLSX_MAX_RATIO * max(packed, 1 << 20):
        raise InvalidInput(
            _(
                "File '{file}' unpacks to {unpacked} from {packed}: far more than a "
                "workbook of its size; open it in Excel or WPS and save it again as "
                ".xlsx or CSV."
            ).format(file=name, unpacked=megabytes(unpacked), packed=megabytes(packed))
        )
    for part in parts:
        if part.file_size > XLSX_MAX_PART_BYTES and not _is_sheet(part.filename):
            raise InvalidInput(
                _(
                    "File '{file}' has a part '{part}' of {size}: expected at most "
                    "{limit}; open it in Excel or WPS and save it again as .xlsx or CSV."
                ).format(
                    file=name,
                    part=part.filename,
                    size=megabytes(part.file_size),
                    limit=megabytes(XLSX_MAX_PART_BYTES),
                )
            )


def _is_sheet(filename: str) -> bool:
    return filename.lower().startswith("xl/worksheets/") and filename.lower().endswith(".xml")


# One pass over a sheet's XML finds the rows that hold a value: row start tags (with
# their attributes, for r="N") and value tags (<v> of a number or shared string, <is>
# of an inline string), any namespace prefix. After a value, the rest of its row is
# skipped by the regular expression itself, so a row costs two matches at most.
_SHEET_TAGS = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>"
    rb"|<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s/>].*?</(?:[A-Za-z_][\w.-]*:)?row>"
    rb"|<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s/>]",
    re.S,
)
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s/>]")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_CHUNK = 1 << 20


class SheetExtent:
    """Where a sheet's values are: ``last`` is the last row holding a value (0 for none);
    ``gap`` is the first run of more than EMPTY_ROW_RUN empty rows followed by a value,
    as (first empty row, row of the value), or None."""

    __slots__ = ("last", "gap")

    def __init__(self, last: int, gap: tuple[int, int] | None) -> None:
        self.last = last
        self.gap = gap


def sheet_extent(stream: IO[bytes]) -> SheetExtent:
    """Scan a worksheet's XML (an open binary part) for the rows holding values.

    Rows count as openpyxl counts them (``r="N"``, else one more than the row before),
    so reading may stop at ``last`` and never parse the empty rows after it, however
    many the file has and whatever its ``<dimension>`` claims.
    """
    row = 0
    last = 0
    gap: tuple[int, int] | None = None
    run = EMPTY_ROW_RUN
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = tail + chunk
        if chunk:
            # never cut a tag in two: what follows the last '<' waits for the next chunk
            cut = data.rfind(b"<")
            if cut == -1 or data.find(b">", cut) != -1 or len(data) - cut > _CHUNK:
                cut = len(data)
            data, tail = data[:cut], data[cut:]
        if _VALUE_TAG.search(data) is None:
            # no value in this stretch (empty rows only): just count its rows
            attrs_list = _ROW_TAG.findall(data)
            for back, attrs in enumerate(reversed(attrs_list)):
                number = _ROW_NUMBER.search(attrs)
                if number:
                    row = int(number.group(1)) + back
                    break
            else:
                row += len(attrs_list)
            data = b""
        for match in _SHEET_TAGS.finditer(data):
            attrs = match.group(1)
            if attrs is not None:
                number = _ROW_NUMBER.search(attrs)
                row = int(number.group(1)) if number else row + 1
            elif row != last:
                if gap is None and row - last > run + 1:
                    gap = (last + 1, row)
                last = row
        if not chunk:
            return SheetExtent(last, gap)
