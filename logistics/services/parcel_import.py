"""Bulk import of parcels from CSV or XLSX, and the empty template to fill in.

The file is read and every row checked first, without holding the database: columns
by header name (any order, English or Chinese), every problem of every bad row
collected. Then, by default, a file with any bad row is refused as a whole
(:class:`~logistics.errors.ImportRejected` lists each bad row: file, row, column and
what was expected) and the database is left unchanged; with ``skip_invalid`` the good
rows are imported and the bad ones written, with the reason, to a rejects file that
can be fixed and imported again.

Rows whose order reference or tracking number the hub already has are skipped and
counted as already imported, so importing a file twice creates no duplicates; the
same order reference or tracking number twice inside one file is a bad row.

The file is read with the table reader's fast path (one tuple of cleaned cells a row)
and checked with one prepared row check. The good rows are written in one transaction
(the parcels with one DBAPI executemany of tuples, then their first events with one
INSERT ... SELECT; see :func:`~logistics.services.parcels.insert_parcels`): a crash
leaves either the whole file or nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from logistics.domain import parcel_rows
from logistics.domain.parcel_rows import (
    FIELDS,
    PARCEL_HEADERS,
    REQUIRED,
    ParcelSpec,
    RowInvalid,
    row_checker,
)
from logistics.errors import ImportRejected, InvalidInput
from logistics.io.tables import TableRow, open_table, write_rejects
from logistics.models import Parcel
from logistics.services.parcels import _lock_day, insert_parcels, load_network

Progress = Callable[[int, int | None], None]

_CHUNK = 2000  # values per IN (...) when looking for parcels the hub already has
_PROGRESS_EVERY = 2000


@dataclass
class ImportSummary:
    """What an import did."""

    file: str
    direction: str
    rows: int = 0  # data rows read
    imported: int = 0
    already: int = 0  # rows whose order_ref or tracking_no the hub already had
    rejected: int = 0  # bad rows skipped (only with skip_invalid)
    rejects_file: str | None = None
    parcel_nos: list[str] = field(default_factory=list, repr=False)
    seconds: float = 0.0

    @property
    def first(self) -> str | None:
        return self.parcel_nos[0] if self.parcel_nos else None

    @property
    def last(self) -> str | None:
        return self.parcel_nos[-1] if self.parcel_nos else None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def import_parcels(
    session: Session,
    path: str | Path,
    *,
    operator: str,
    direction: str = parcel_rows.OUTBOUND,
    station: str | None = None,
    skip_invalid: bool = False,
    rejects: str | Path | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a parcel file (see the module's description); commits once.

    ``station`` is the station of rows that name none (a file of one station's parcels).
    ``progress(rows_read, total_rows_or_None)`` is called as the file is read.
    """
    started = time.perf_counter()
    path = Path(path)
    if direction not in (parcel_rows.OUTBOUND, parcel_rows.INBOUND):
        raise InvalidInput(f"direction must be outbound or inbound, got '{direction}'.")
    network = load_network(session)
    default_station = None
    if station:
        default_station = station.strip().upper()
        if default_station not in network.rules.stations:
            raise InvalidInput(
                f"There is no active station with code '{station}': `hub station list` shows them."
            )
    session.commit()  # do not hold the database while the file is read

    required = [f for f in REQUIRED[direction] if f != "station"]
    if direction == parcel_rows.OUTBOUND and default_station is None:
        required.insert(0, "station")
    table = open_table(path, PARCEL_HEADERS, required)
    summary = ImportSummary(file=table.name, direction=direction)

    def column(fld: str) -> str:
        index = table.columns.get(fld)
        header = table.headers[index].strip() if index is not None else ""
        return header if header and header.casefold() != fld else fld

    specs: list[ParcelSpec] = []
    problems: list[str] = []
    bad_rows: list[tuple[TableRow, str]] = []
    seen_refs: dict[str, int] = {}
    seen_tracking: dict[str, int] = {}
    total = table.total_rows_hint
    check = row_checker(network.rules, direction=direction, default_station=default_station)
    name = table.name
    count = 0
    next_tick = _PROGRESS_EVERY if progress is not None else -1
    for number, cells, values in table.records(FIELDS):
        count += 1
        if count == next_tick:
            progress(count, total)  # type: ignore[misc]
            next_tick += _PROGRESS_EVERY
        try:
            spec = check(values)
        except RowInvalid as error:
            lines = [
                f"{name} row {number}, column {column(p.field)}: {p.message}"
                for p in error.problems
            ]
            problems.extend(lines)
            row = TableRow(number, dict(zip(FIELDS, values, strict=True)), cells)
            bad_rows.append((row, " ".join(p.message for p in error.problems)))
            continue
        repeat = None
        ref = spec.order_ref
        if ref is not None:
            first = seen_refs.setdefault(ref, number)
            if first != number:
                repeat = ("order_ref", ref, first)
        tracking = spec.tracking_no
        if repeat is None and tracking is not None:
            first = seen_tracking.setdefault(tracking, number)
            if first != number:
                repeat = ("tracking_no", tracking, first)
        if repeat is not None:
            fld, value, first = repeat
            message = (
                f"{fld} '{value}' repeats row {first} of this file: expected each parcel once."
            )
            problems.append(f"{name} row {number}, column {column(fld)}: {message}")
            row = TableRow(number, dict(zip(FIELDS, values, strict=True)), cells)
            bad_rows.append((row, message))
            continue
        specs.append(spec)
    summary.rows = count
    if progress is not None:
        progress(count, count)

    if problems and not skip_invalid:
        raise ImportRejected(name, problems)
    if bad_rows:
        summary.rejected = len(bad_rows)
        if rejects is not None:
            headers = [h for h in table.headers if h.strip()] or list(FIELDS)
            write_rejects(
                rejects,
                headers,
                ((_original(table, row), reason) for row, reason in bad_rows),
            )
            summary.rejects_file = str(rejects)

    # the write transaction: lock, leave out what the hub already has, insert the rest
    if specs:
        from logistics.domain.clock import to_local, utcnow

        moment = utcnow()
        _lock_day(session, to_local(moment, network.tz).date())
        known = _known(session, specs)
        fresh = [
            s
            for s in specs
            if not (
                (s.order_ref is not None and ("o", s.order_ref) in known)
                or (s.tracking_no is not None and ("t", s.tracking_no) in known)
            )
        ]
        summary.already = len(specs) - len(fresh)
        summary.parcel_nos = insert_parcels(
            session,
            network,
            fresh,
            operator=operator,
            note=f"imported from {name}",
            at=moment,
        )
        summary.imported = len(fresh)
    session.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _original(table, row: TableRow) -> dict[str, str]:
    values = table.original(row)
    if values:
        return values
    return {f: row.values.get(f, "") for f in FIELDS}


def _known(session: Session, specs: list[ParcelSpec]) -> set[tuple[str, str]]:
    """('o', order_ref) and ('t', tracking_no) pairs of the specs the hub already has."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle in ("qmark", "numeric") else "%s"
    known: set[tuple[str, str]] = set()
    for kind, column, values in (
        ("o", "order_ref", [s.order_ref for s in specs if s.order_ref is not None]),
        ("t", "tracking_no", [s.tracking_no for s in specs if s.tracking_no is not None]),
    ):
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            marks = ", ".join([mark] * len(chunk))
            found = connection.exec_driver_sql(
                f"SELECT {column} FROM {Parcel.__tablename__} WHERE {column} IN ({marks})",
                tuple(chunk),
            )
            known.update((kind, value) for (value,) in found)
    return known


# ------------------------------------------------------------------ template

TEMPLATE_HEADERS: dict[str, dict[str, str]] = {
    "en": {f: f for f in FIELDS},
    "zh": {
        "station": "站点",
        "order_ref": "订单号",
        "sender_name": "寄件人",
        "sender_phone": "寄件人电话",
        "recipient_name": "收件人",
        "recipient_phone": "电话",
        "province": "省份",
        "city": "城市",
        "address": "地址",
        "weight_kg": "重量",
        "length_cm": "长",
        "width_cm": "宽",
        "height_cm": "高",
        "category": "品类",
        "courier": "快递",
        "tracking_no": "运单号",
    },
}


def write_template(path: str | Path, *, language: str = "en") -> list[str]:
    """Write an empty import file (.csv in UTF-8 with BOM, or .xlsx); returns its headers.

    Required columns are marked with ``*`` (the import ignores the mark).
    """
    path = Path(path)
    names = TEMPLATE_HEADERS.get(language)
    if names is None:
        raise InvalidInput(f"language '{language}' is not known: expected en or zh.")
    required = set(REQUIRED[parcel_rows.OUTBOUND])
    headers = [names[f] + ("*" if f in required else "") for f in FIELDS]
    suffix = path.suffix.lower()
    if path.exists():
        raise InvalidInput(f"{path} already exists: choose a new file name for the template.")
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "parcels"
        sheet.append(headers)
        for index, _ in enumerate(headers, 1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 14
        try:
            book.save(path)
        except OSError as error:
            raise InvalidInput(f"File '{path}' cannot be written: {error.strerror}.") from None
        return headers
    if suffix not in (".csv", ".txt"):
        raise InvalidInput(f"'{path.name}' is not a .csv or .xlsx file name.")
    from logistics.io.csv_export import write_csv

    write_csv(path, headers, [])
    return headers
