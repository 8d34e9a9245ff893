"""Reading CSV and XLSX tables for imports; writing rejected rows and empty templates.

``open_table(path, aliases, required)`` finds the columns an import needs by
header name (any order, any letter case, full-width forms, Chinese aliases),
checks that the required ones are there, and then streams the rows:

    table = open_table("parcels.csv", PARCEL_ALIASES, required=["station", "weight_kg"])
    for row in table:            # TableRow(number=2, values={"station": "S01", ...})
        ...

Row numbers are the ones the spreadsheet shows (the header is row 1 when it is the
first row). Cell values are NFKC-normalised (full-width ``１２３`` -> ``123``) and
stripped; blank and missing cells are ``''``; entirely blank rows are skipped.

CSV files may be UTF-8, UTF-8 with BOM, GB18030 (what Chinese Excel saves) or
UTF-16 (Excel's "Unicode text"), told apart by :mod:`logistics.io.encodings`, which
refuses a file whose bytes do not say (a Latin-1 file) unless ``encoding=`` names it;
the delimiter is a comma, a tab or a semicolon, whichever the header line uses. XLSX
files are read with openpyxl in read-only mode from the first sheet that has the
required headers, and only up to the sheet's last row holding a value.

Every file is read within the limits of :mod:`logistics.io.budgets` (columns, cell
and line lengths, how far an XLSX file unpacks, runs of empty rows), so a damaged or
hostile file is refused early with a sentence instead of exhausting time or memory.

Every problem with the file is raised as :class:`~logistics.errors.InvalidInput`
with one sentence naming the file. A file opened here is protected
(:func:`logistics.io.files.protect`) so the same command can never write over it, say
as its rejects file. Rejects and templates are written through
:mod:`logistics.io.files`, which words a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import operator
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.reader.excel
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io import budgets, encodings, files
from logistics.io.csv_export import write_csv

CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
ACCEPTED = "a .csv, .txt or .xlsx file"

#: How many non-blank rows at the top of a sheet are searched for the header row
#: (spreadsheets often carry a title such as "11月发货清单" above the headers).
HEADER_SEARCH_ROWS = 10

_CHUNK = 1 << 20
_DELIMITERS = (",", "\t", ";")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its number as the spreadsheet shows it and its values by field."""

    number: int
    values: dict[str, str]
    cells: Sequence[str] = field(default=(), repr=False, compare=False)
    """The row's raw cells in file order (as read, padded to the columns of its fields)."""


def header_key(text: Any) -> str:
    """Fold a header for matching: NFKC, case-folded, no spaces, ``_``, ``-`` or ``*``.

    ``" Weight (KG) "``, ``"weight_(kg)"`` and ``"ＷＥＩＧＨＴ（ｋｇ）"`` fold alike;
    a trailing ``*`` that templates use to mark required columns is ignored.
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return "".join(ch for ch in text if not (ch.isspace() or ch in "_-*")).casefold()


def clean_cell(text: str) -> str:
    """A cell's text as imports see it: NFKC-normalised and stripped."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


class Table:
    """A CSV or XLSX table opened for import; iterate it to get :class:`TableRow` s.

    Attributes: ``path``; ``format`` (``"csv"`` or ``"xlsx"``); ``encoding`` (CSV only);
    ``delimiter`` (CSV only); ``sheet`` (XLSX only); ``headers`` (the header row as
    written); ``header_row`` (its row number); ``columns`` (field -> 0-based column
    index, for the fields found); ``ignored_headers`` (headers of columns no field
    uses); ``total_rows_hint`` (roughly how many data rows, for a progress bar; may be
    None).
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        headers: list[str],
        header_row: int,
        columns: dict[str, int],
        ignored_headers: list[str],
        total_rows_hint: int | None,
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
        extent: budgets.SheetExtent | None = None,
    ) -> None:
        self.path = path
        self.format = fmt
        self.headers = headers
        self.header_row = header_row
        self.columns = columns
        self.ignored_headers = ignored_headers
        self.total_rows_hint = total_rows_hint
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self._extent = extent

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def digest(self) -> str:
        """SHA-256 of the file's bytes (64 hex digits): the same file under any name."""
        return file_digest(self.path)

    def original(self, row: TableRow) -> dict[str, str]:
        """The row's raw cells keyed by the file's own headers (for :func:`write_rejects`)."""
        return {h: c for h, c in zip(self.headers, row.cells, strict=False) if h}

    def __iter__(self) -> Iterator[TableRow]:
        fields = tuple(self.columns)
        for number, cells, values in self.records(fields):
            yield TableRow(number, dict(zip(fields, values, strict=True)), cells)

    def records(self, fields: Sequence[str]) -> Iterator[tuple[int, list[str], tuple[str, ...]]]:
        """The data rows as ``(number, cells, values)``, the fast way for big files.

        ``values`` are the cleaned cells of ``fields``, in that order, exactly as
        :attr:`TableRow.values` has them (``''`` for a field without a column); ``cells``
        are the row's own raw cells in file order, padded only as far as the columns of
        ``fields`` (so memory follows the rows, never the header's width).
        """
        raw = self._raw_rows()
        try:
            yield from self._records(raw, tuple(fields))
        finally:
            raw.close()

    def _records(
        self, raw: Iterator[tuple[int, list[str]]], fields: tuple[str, ...]
    ) -> Iterator[tuple[int, list[str], tuple[str, ...]]]:
        missing = any(f not in self.columns for f in fields)
        # a field without a column reads the '' appended to the row's cells
        indexes = [self.columns.get(f, -1) for f in fields]
        if not indexes:
            pick = lambda cells: ()  # noqa: E731
        elif len(indexes) == 1:
            index = indexes[0]
            pick = lambda cells: (cells[index],)  # noqa: E731
        else:
            pick = operator.itemgetter(*indexes)
        width = max(indexes, default=-1) + 1
        header_row = self.header_row
        name = self.name
        max_columns = budgets.MAX_COLUMNS
        max_chars = budgets.MAX_CELL_CHARS
        normalize = unicodedata.normalize
        is_normalized = unicodedata.is_normalized
        strip = str.strip
        empty = [""]
        for number, cells in raw:
            if number <= header_row:
                continue
            joined = "".join(cells)
            if len(cells) > max_columns or len(joined) > max_chars:
                cells = budgets.check_row(name, number, cells)
            if not joined.strip():
                continue  # an entirely blank row
            if len(cells) < width:
                cells += empty * (width - len(cells))
            if missing:
                cells.append("")
            if joined.isascii() or is_normalized("NFKC", joined):
                values = tuple(map(strip, pick(cells)))
            else:
                values = tuple(normalize("NFKC", c).strip() for c in pick(cells))
            yield number, cells, values

    def _raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.format == "csv":
            return _csv_rows(self.path, self.encoding or "utf-8", self.delimiter or ",")
        return _xlsx_rows(self.path, self.sheet, self._extent)


# --------------------------------------------------------------------------- CSV


def _encoding(path: Path, encoding: str | None) -> str:
    """The codec to read a CSV file with: the one named, checked over the whole file,
    else the one its bytes show (:mod:`logistics.io.encodings`)."""
    try:
        if encoding is not None:
            return encodings.check(path, encodings.resolve(encoding))
        return encodings.detect(path)
    except OSError as error:
        raise _os_error(path, error) from None


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes as 64 lowercase hex digits, read in chunks."""
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with _open_binary(path) as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise _os_error(path, error) from None
    return digest.hexdigest()


def _open_binary(path: Path):
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller's with
    except OSError as error:
        raise _os_error(path, error) from None


def _os_error(path: Path, error: OSError) -> InvalidInput:
    if isinstance(error, FileNotFoundError):
        return _missing(path)
    if isinstance(error, IsADirectoryError):
        return _folder(path)
    if isinstance(error, PermissionError):
        return InvalidInput(_("File '{file}' cannot be read: permission denied.").format(file=path))
    reason = error.strerror or type(error).__name__
    return InvalidInput(
        _("File '{file}' cannot be read: {reason}.").format(file=path, reason=reason)
    )


def _missing(path: Path) -> InvalidInput:
    return InvalidInput(_("File '{file}' does not exist.").format(file=path))


def _folder(path: Path) -> InvalidInput:
    return InvalidInput(
        _("'{file}' is a folder, expected a .csv, .txt or .xlsx file.").format(file=path)
    )


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    try:
        f = open(path, encoding=encoding, newline="")  # noqa: SIM115 - generator closes it
    except OSError as error:
        raise _os_error(path, error) from None
    reader = csv.reader(budgets.text_lines(f, path), delimiter=delimiter, strict=False)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as error:
        if "field limit" in str(error):
            raise budgets.cell_too_long(path.name, reader.line_num) from None
        raise InvalidInput(
            _("File '{file}' line {line} is not valid CSV ({error}).").format(
                file=path.name, line=reader.line_num, error=error
            )
        ) from None
    except UnicodeDecodeError:  # the file changed since its encoding was checked
        raise InvalidInput(
            _("File '{file}' line {line} is not {encoding} text.").format(
                file=path.name, line=reader.line_num + 1, encoding=encodings.label(encoding)
            )
        ) from None
    finally:
        f.close()


def _pick_delimiter(lines: list[str]) -> str:
    """Comma, tab or semicolon: whichever the first lines use most (comma when none)."""
    counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _csv_size_hint(path: Path, encoding: str, header_row: int) -> int | None:
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            sample = f.read(1 << 16)
    except OSError:
        return None
    if len(sample) >= size:
        lines = sample.count(b"\n") + (0 if sample.endswith(b"\n") else 1)
        return max(lines - header_row, 0)
    lines = max(sample.count(b"\n"), 1)
    return max(int(size / (len(sample) / lines)) - header_row, 0)


def _open_csv(
    path: Path, encoding: str | None
) -> tuple[dict[str, Any], list[tuple[int, list[str]]]]:
    encoding = _encoding(path, encoding)
    try:
        with open(path, encoding=encoding, newline="") as f:
            lines = itertools.islice(budgets.text_lines(f, path), 50)
            first_lines = [line for line in lines if line.strip()][:10]
    except OSError as error:
        raise _os_error(path, error) from None
    delimiter = _pick_delimiter(first_lines)
    top = _top_rows(_csv_rows(path, encoding, delimiter), path.name)
    return {"encoding": encoding, "delimiter": delimiter}, top


def _top_rows(raw: Iterator[tuple[int, list[str]]], name: str) -> list[tuple[int, list[str]]]:
    """The first HEADER_SEARCH_ROWS non-blank rows (each within the budgets)."""
    top: list[tuple[int, list[str]]] = []
    try:
        for number, cells in raw:
            if len(cells) > budgets.MAX_COLUMNS or sum(map(len, cells)) > budgets.MAX_CELL_CHARS:
                cells = budgets.check_row(name, number, cells)
            if any(clean_cell(c) for c in cells):
                top.append((number, cells))
                if len(top) >= HEADER_SEARCH_ROWS:
                    break
    finally:
        raw.close()  # type: ignore[attr-defined]
    return top


# -------------------------------------------------------------------------- XLSX


def xlsx_text(value: Any) -> str:
    """An XLSX cell value as the text a person sees: 12 not 12.0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return str(value)


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its ``<dimension>`` when opened.

    openpyxl's own looks for it by parsing the sheet, and a sheet without one is parsed
    to its end, every empty row kept in memory until then (3 million empty rows: 70 s
    and 1.4 GB before a single row is read). The hub never trusts the dimension anyway:
    where the sheet's values end comes from :func:`budgets.sheet_extent`.
    """

    def _get_size(self) -> None:
        pass


def _load_workbook(path: Path):
    budgets.check_xlsx(path)  # before openpyxl unpacks anything
    # openpyxl makes its read-only sheets by this name: for the time of the load, ours
    reader_module = openpyxl.reader.excel
    reader_module.ReadOnlyWorksheet = _UnsizedSheet
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise _os_error(path, error) from None
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _damaged(path) from None
    finally:
        reader_module.ReadOnlyWorksheet = ReadOnlyWorksheet


def _damaged(path: Path) -> InvalidInput:
    return InvalidInput(
        _(
            "File '{file}' could not be read as an XLSX workbook: "
            "open it in Excel or WPS and save it again as .xlsx or CSV."
        ).format(file=path.name)
    )


def _sheet_extent(path: Path, ws) -> budgets.SheetExtent:
    """Where the sheet's values are, from one scan of its XML (see budgets.sheet_extent)."""
    try:
        with ws.parent._archive.open(ws._worksheet_path) as stream:
            return budgets.sheet_extent(stream)
    except OSError as error:
        raise _os_error(path, error) from None
    except Exception:  # a damaged zip part
        raise _damaged(path) from None


def _xlsx_rows(
    path: Path, sheet: str | None, extent: budgets.SheetExtent | None = None, wb=None
) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows up to its last row holding a value (``extent``; scanned when not
    given); the empty rows after it are never read. A run of more than EMPTY_ROW_RUN
    empty rows with a value after it is refused when the reading gets there."""
    own = wb is None
    if own:
        wb = _load_workbook(path)
    try:
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        if extent is None:
            extent = _sheet_extent(path, ws)
        stop = extent.last if extent.gap is None else extent.gap[0] - 1
        if stop > budgets.XLSX_MAX_ROWS:
            raise InvalidInput(
                _(
                    "File '{file}' sheet '{sheet}' has {n} rows: an XLSX file may have at most "
                    "{limit}; save it as CSV (UTF-8), which has no such limit, or split it."
                ).format(
                    file=path.name,
                    sheet=ws.title,
                    n=f"{stop:,}",
                    limit=f"{budgets.XLSX_MAX_ROWS:,}",
                )
            )
        number = 0
        if stop > 0:
            ws.reset_dimensions()  # do not trust a wrong <dimension>: read every cell
            rows = ws.iter_rows(max_row=stop, values_only=True)
            text = xlsx_text
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    break
                except Exception:
                    raise InvalidInput(
                        _(
                            "File '{file}' row {row} could not be read: "
                            "the workbook is damaged; save it again as .xlsx or CSV."
                        ).format(file=path.name, row=number + 1)
                    ) from None
                number += 1
                yield number, [text(v) for v in values]
        if extent.gap is not None:
            first, row = extent.gap
            raise InvalidInput(
                _(
                    "File '{file}' sheet '{sheet}' has {n} empty rows (rows {first} to "
                    "{last}) and then more data in row {row}: delete the empty rows (or "
                    "move the data up) and import it again."
                ).format(
                    file=path.name,
                    sheet=ws.title,
                    n=f"{row - first:,}",
                    first=f"{first:,}",
                    last=f"{row - 1:,}",
                    row=f"{row:,}",
                )
            )
    finally:
        if own:
            wb.close()


# ------------------------------------------------------------------------ header


def _match_header(
    cells: list[str], aliases: Mapping[str, Sequence[str]]
) -> tuple[dict[str, int], list[str], list[tuple[str, str, str]]]:
    """Map fields to columns. Returns (columns, ignored headers, duplicate clashes)."""
    lookup: dict[str, str] = {}
    for fld, names in aliases.items():
        for name in (fld, *names):
            lookup.setdefault(header_key(name), fld)
    columns: dict[str, int] = {}
    ignored: list[str] = []
    clashes: list[tuple[str, str, str]] = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        fld = lookup.get(key)
        if fld is None:
            ignored.append(clean_cell(cell))
        elif fld in columns:
            clashes.append((fld, clean_cell(cells[columns[fld]]), clean_cell(cell)))
        else:
            columns[fld] = index
    return columns, ignored, clashes


def _accepted(fld: str, aliases: Mapping[str, Sequence[str]]) -> str:
    names = list(dict.fromkeys([fld, *aliases.get(fld, ())]))
    return ", ".join(f"'{n}'" for n in names)


def _choose_header(
    path: Path,
    top: list[tuple[int, list[str]]],
    aliases: Mapping[str, Sequence[str]],
    required: list[str],
) -> tuple[int, list[str], dict[str, int], list[str]]:
    if not top:
        raise InvalidInput(
            _("File '{file}' is empty: expected a header row and data rows.").format(file=path.name)
        )
    best = None
    for number, cells in top:
        columns, ignored, clashes = _match_header(cells, aliases)
        if all(f in columns for f in required) and columns:
            best = (number, cells, columns, ignored, clashes)
            break
    if best is None:
        # the row most like a header (a title row above it names no field): its missing
        # columns are the ones to name, all of them in one sentence
        matches = [(number, cells, _match_header(cells, aliases)) for number, cells in top]
        number, cells, (columns, ignored, clashes) = max(
            matches, key=lambda match: len(match[2][0])
        )
        missing = [f for f in required if f not in columns]
        if len(missing) == 1:
            raise InvalidInput(
                _(
                    "File '{file}' has no '{field}' column in its header row "
                    "(row {row}): expected a header such as {headers}."
                ).format(
                    file=path.name,
                    field=missing[0],
                    row=number,
                    headers=_accepted(missing[0], aliases),
                )
            )
        if missing:
            raise InvalidInput(
                _(
                    "File '{file}' has no {fields} columns in its header row "
                    "(row {row}): expected headers such as {headers}."
                ).format(
                    file=path.name,
                    fields=", ".join(f"'{f}'" for f in missing),
                    row=number,
                    headers="; ".join(_accepted(f, aliases) for f in missing),
                )
            )
        best = (number, cells, columns, ignored, clashes)
    number, cells, columns, ignored, clashes = best
    if clashes:
        fld, first, second = clashes[0]
        raise InvalidInput(
            _(
                "File '{file}' has two columns for '{field}' ('{first}' and '{second}') "
                "in row {row}: keep one of them."
            ).format(file=path.name, field=fld, first=first, second=second, row=number)
        )
    return number, cells, columns, ignored


# -------------------------------------------------------------------------- API


def open_table(
    path: str | os.PathLike[str],
    aliases: Mapping[str, Sequence[str]],
    required: Iterable[str] = (),
    *,
    encoding: str | None = None,
) -> Table:
    """Open a CSV or XLSX file and find its columns by header name.

    ``aliases`` maps each field to the headers accepted for it (the field name itself
    is always accepted), e.g. ``{"station": ["站点", "站点编码"], ...}``; matching
    ignores letter case, spaces, ``_``/``-``, a trailing ``*`` and full-width forms.
    ``encoding`` names a CSV file's encoding (``--encoding``: utf-8, gb18030, utf-16,
    latin-1, ...) instead of telling it from the bytes.
    Raises InvalidInput for a missing file, an unsupported extension, an undecodable
    CSV or one whose encoding cannot be told, a damaged workbook, a file beyond the
    budgets of :mod:`logistics.io.budgets`, a missing required column or two columns for
    one field.
    """
    path = Path(path)
    required = list(required)
    for fld in required:
        if fld not in aliases:
            aliases = {**aliases, fld: ()}
    if path.is_dir():
        raise _folder(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_EXTENSIONS and suffix not in XLSX_EXTENSIONS:
        if suffix == ".xls":
            raise InvalidInput(
                _(
                    "File '{file}' is an old .xls workbook: save it as .xlsx or CSV "
                    "in Excel or WPS and import that."
                ).format(file=path.name)
            )
        raise InvalidInput(
            _("File '{file}' is not a .csv, .txt or .xlsx file.").format(file=path.name)
        )
    if not path.exists():
        raise _missing(path)
    files.protect(path)

    if suffix in CSV_EXTENSIONS:
        options, top = _open_csv(path, encoding)
        number, cells, columns, ignored = _choose_header(path, top, aliases, required)
        hint = _csv_size_hint(path, options["encoding"], number)
        return Table(path, "csv", cells, number, columns, ignored, hint, **options)

    wb = _load_workbook(path)
    try:
        if not wb.worksheets:
            raise InvalidInput(_("File '{file}' has no worksheet.").format(file=path.name))
        first_problem: InvalidInput | None = None
        for ws in wb.worksheets:
            try:
                extent = _sheet_extent(path, ws)
                top = _top_rows(_xlsx_rows(path, ws.title, extent, wb), path.name)
                number, cells, columns, ignored = _choose_header(path, top, aliases, required)
            except InvalidInput as problem:
                first_problem = first_problem or problem
                continue
            hint = max(extent.last - number, 0)
            return Table(
                path,
                "xlsx",
                cells,
                number,
                columns,
                ignored,
                hint,
                sheet=ws.title,
                extent=extent,
            )
    finally:
        wb.close()
    assert first_problem is not None
    raise first_problem


def write_rejects(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rejects: Iterable[tuple[Mapping[str, str], str]],
    *,
    force: bool = False,
) -> int:
    """Write rejected rows with a ``reason`` column as UTF-8-with-BOM CSV; returns the count.

    Each reject is ``(values by header, reason)``; the file has ``headers`` followed by
    ``reason`` (``reject_reason`` if ``reason`` is already a header), so it can be
    corrected in Excel and imported again (the extra column is ignored on import).
    Values are written as they were read, so a re-import sees the same data, except that
    a cell that would start a spreadsheet formula gets a leading apostrophe (the file is
    meant to be opened in Excel; such a cell is the reason for a reject anyway). The
    rows carry names and phone numbers, so the file is readable by its owner only.
    """
    headers = list(headers)
    reason = _("reason")
    reason_header = reason if reason not in headers else "reject_reason"
    rows = ([*(values.get(h, "") for h in headers), reason] for values, reason in rejects)
    return write_csv(path, [*headers, reason_header], rows, force=force, private=True)


def write_template(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    *,
    force: bool = False,
    sheet_title: str = "parcels",
) -> Path:
    """Write an empty import file of ``headers``: .xlsx (one sheet, ``sheet_title``), or
    CSV (UTF-8 with BOM)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":

        def fill(temporary: Path) -> None:
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = sheet_title
            sheet.append(list(headers))
            for index in range(1, len(headers) + 1):
                sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 14
            book.save(temporary)

        return files.write_file(target, fill, force=force)
    if suffix not in (".csv", ".txt"):
        raise InvalidInput(_("'{file}' is not a .csv or .xlsx file name.").format(file=target.name))
    write_csv(target, headers, [], force=force)
    return target
