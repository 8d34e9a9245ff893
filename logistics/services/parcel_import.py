"""Bulk import of parcels from CSV or XLSX, and the empty template to fill in.

The file is read and every row checked first, without holding the database: columns
by header name (any order, English or Chinese), every problem of every bad row
collected. Then, by default, a file with any bad row is refused as a whole
(:class:`~logistics.errors.ImportRejected` lists each bad row: file, row, column and
what was expected) and the database is left unchanged; with ``skip_invalid`` the good
rows are imported and the bad ones written, with the reason, to a rejects file that
can be fixed and imported again. The rejects file is written by
:func:`logistics.io.tables.write_rejects` before the good rows are stored, so a
rejects file the hub may not write (the input itself, the database, an existing file
without ``force``) stops the import with nothing changed.

A bad row is counted once, however many problems it has; its problems are listed
under it. A file with a header and no data rows is refused (nothing to import is not
an import), and a header row missing required columns is refused naming all of them.

Rows whose order reference or tracking number the hub already has are skipped and
counted as already imported; the same order reference or tracking number twice inside
one file is a bad row. Rows with neither cannot be recognised, so the hub also
remembers every imported file by the SHA-256 of its bytes (:class:`ImportedFile`,
recorded in the import's own transaction) and refuses the same file again, under any
name, unless ``again``: a retry after an import was killed between its commit and its
summary adds nothing. The summary counts the rows imported without any reference
(``unreferenced``): an edited or re-saved copy of the file would add them again.

The file is read with the table reader's fast path (one tuple of cleaned cells a row)
and checked with one prepared row check. The good rows are written in one transaction
(the parcels with one DBAPI executemany of tuples, then their first events with one
INSERT ... SELECT; see :func:`~logistics.services.parcel_register.insert_parcels`): a crash
leaves either the whole file or nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from logistics.domain.parcel_rows import (
    CHINESE_HEADERS,
    FIELDS,
    PARCEL_HEADERS,
    REQUIRED,
    ParcelSpec,
    RowInvalid,
    direction_of,
    field_label,
    row_checker,
)
from logistics.domain.parcel_status import Direction
from logistics.domain.text import typed_code
from logistics.errors import ImportRejected, InvalidInput, RuleBroken
from logistics.i18n import _, ngettext
from logistics.io.files import check_target
from logistics.io.tables import TableRow, open_table, write_rejects
from logistics.models import Parcel
from logistics.models.imports import ImportedFile
from logistics.services.network import current_hub
from logistics.services.parcel_register import _lock_day, insert_parcels, load_network

Progress = Callable[[int, int | None], None]

_CHUNK = 2000  # values per IN (...) when looking for parcels the hub already has
_PROGRESS_EVERY = 2000


@dataclass
class ImportSummary:
    """What an import did."""

    file: str
    direction: Direction
    rows: int = 0  # data rows read
    imported: int = 0
    already: int = 0  # rows whose order_ref or tracking_no the hub already had
    rejected: int = 0  # bad rows skipped (only with skip_invalid)
    rejects_file: str | None = None
    parcel_nos: list[str] = field(default_factory=list, repr=False)
    seconds: float = 0.0
    #: products the list does not know, as typed -> rows imported with it (stored as other)
    unknown_products: dict[str, int] = field(default_factory=dict)
    #: parcels imported with neither order_ref nor tracking_no: a second import of the
    #: same rows in another file could not be recognised
    unreferenced: int = 0
    digest: str = ""  # SHA-256 of the file's bytes

    @property
    def first(self) -> str | None:
        return self.parcel_nos[0] if self.parcel_nos else None

    @property
    def last(self) -> str | None:
        return self.parcel_nos[-1] if self.parcel_nos else None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


class RowsRejected(ImportRejected):
    """A file with bad rows, counted as rows: a row with five problems is one bad row,
    its problems listed under it. ``rows`` is how many rows are bad; ``problems`` the
    lines to show (a row with one problem is one line, a row with several a line naming
    the row and then one indented line per problem); ``bad_rows`` (row number,
    [(column, problem)]) per row."""

    def __init__(self, source: str, bad_rows: list[tuple[int, list[tuple[str, str]]]]):
        self.source = source
        self.bad_rows = bad_rows
        self.rows = len(bad_rows)
        blocks = [_row_lines(source, number, found) for number, found in bad_rows]
        self.problems = [line for block in blocks for line in block]
        shown = [line for block in blocks[: self.shown] for line in block]
        more = self.rows - min(self.rows, self.shown)
        head = ngettext(
            "{file}: {n} bad row, nothing was imported.",
            "{file}: {n} bad rows, nothing was imported.",
            self.rows,
        ).format(file=source, n=f"{self.rows:,}")
        tail = (
            [
                ngettext("... and {n} more bad row.", "... and {n} more bad rows.", more).format(
                    n=f"{more:,}"
                )
            ]
            if more
            else []
        )
        InvalidInput.__init__(self, "\n".join([head, *shown, *tail]))


def _row_lines(file: str, number: int, found: list[tuple[str, str]]) -> list[str]:
    if len(found) == 1:
        column, problem = found[0]
        return [
            _("{file} row {row}, column {column}: {problem}").format(
                file=file, row=number, column=column, problem=problem
            )
        ]
    under = _("column {column}: {problem}")
    return [
        _("{file} row {row}, {n} problems:").format(file=file, row=number, n=len(found)),
        *("  " + under.format(column=column, problem=problem) for column, problem in found),
    ]


def import_parcels(
    session: Session,
    path: str | Path,
    *,
    operator: str,
    direction: str | Direction = Direction.OUTBOUND,
    station: str | None = None,
    skip_invalid: bool = False,
    rejects: str | Path | None = None,
    force: bool = False,
    again: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a parcel file (see the module's description); commits once.

    ``station`` is the station of rows that name none (a file of one station's parcels).
    ``rejects`` is where the bad rows go with ``skip_invalid``; ``force`` lets it replace
    an existing file. ``again`` imports a file the hub has already imported (its rows
    with an order reference or tracking number are still skipped). ``progress(rows_read,
    total_rows_or_None)`` is called as the file is read.
    """
    started = time.perf_counter()
    path = Path(path)
    direction = direction_of(direction)
    network = load_network(session)
    default_station = None
    if station:
        default_station = typed_code(station)
        if default_station not in network.rules.stations:
            raise InvalidInput(
                _(
                    "There is no active station with code '{station}': "
                    "`hub station list` shows them."
                ).format(station=station)
            )
    session.commit()  # do not hold the database while the file is read

    required = [f for f in REQUIRED[direction] if f != "station"]
    if direction is Direction.OUTBOUND and default_station is None:
        required.insert(0, "station")
    table = open_table(path, PARCEL_HEADERS, required, encoding=encoding)
    if skip_invalid and rejects is not None:
        check_target(rejects, force=force)  # refused before the file is read, not after
    summary = ImportSummary(file=table.name, direction=direction, digest=table.digest)
    if not again:  # said before the file is read; checked again when the rows are stored
        _refuse_known_file(session, summary, network.tz)
        session.commit()

    def column(fld: str) -> str:
        """The column as the file names it (重量), else as people know the field."""
        index = table.columns.get(fld)
        header = table.headers[index].strip() if index is not None else ""
        return header if header and header.casefold() != fld else field_label(fld)

    specs: list[ParcelSpec] = []
    problems: list[tuple[int, list[tuple[str, str]]]] = []  # per bad row
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
            problems.append((number, [(column(p.field), p.message) for p in error.problems]))
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
            message = _(
                "{field} '{value}' repeats row {first} of this file: expected each parcel once."
            ).format(field=field_label(fld), value=value, first=first)
            problems.append((number, [(column(fld), message)]))
            row = TableRow(number, dict(zip(FIELDS, values, strict=True)), cells)
            bad_rows.append((row, message))
            continue
        specs.append(spec)
    summary.rows = count
    if progress is not None:
        progress(count, count)

    if count == 0:
        raise InvalidInput(
            _("File '{file}' has no data rows: nothing was imported.").format(file=name)
        )
    if problems and not skip_invalid:
        raise RowsRejected(name, problems)
    if bad_rows:
        summary.rejected = len(bad_rows)
        if rejects is not None:
            headers = [h for h in table.headers if h.strip()] or list(FIELDS)
            write_rejects(
                rejects,
                headers,
                ((_original(table, row), reason) for row, reason in bad_rows),
                force=force,
            )
            summary.rejects_file = str(rejects)

    # the write transaction: lock, leave out what the hub already has, insert the rest
    if specs:
        from logistics.domain.clock import to_local, utcnow

        moment = utcnow()
        _lock_day(session, network.hub.id, to_local(moment, network.tz).date())
        remembered = None
        if again:
            remembered = _imported_file(session, summary.digest)
        else:
            _refuse_known_file(session, summary, network.tz)
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
        summary.unreferenced = sum(
            1 for s in fresh if s.order_ref is None and s.tracking_no is None
        )
        summary.unknown_products = dict(
            Counter(s.category_typed for s in fresh if s.category_typed).most_common()
        )
        if remembered is None:
            remembered = ImportedFile(digest=summary.digest)
        remembered.file_name = name[:255]
        remembered.parcels_added = summary.imported
        remembered.imported_at = moment
        remembered.operator = operator
        session.add(remembered)
        try:
            session.flush()
        except IntegrityError:  # the same file, imported at this moment by another operator
            session.rollback()
            _refuse_known_file(session, summary, network.tz)
            raise
    session.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _imported_file(session: Session, digest: str) -> ImportedFile | None:
    return session.exec(select(ImportedFile).where(ImportedFile.digest == digest)).first()


def _refuse_known_file(session: Session, summary: ImportSummary, tz) -> None:
    """Refuse a file the hub has imported before (same bytes, any name)."""
    from logistics.domain.clock import to_local

    known = _imported_file(session, summary.digest)
    if known is None:
        return None
    when = to_local(known.imported_at, tz).strftime("%Y-%m-%d %H:%M")
    n = known.parcels_added
    if known.file_name == summary.file:
        message = ngettext(
            "File '{file}' was already imported on {when} by {operator}, adding {n} parcel: "
            "nothing was imported (add --again to import it once more).",
            "File '{file}' was already imported on {when} by {operator}, adding {n} parcels: "
            "nothing was imported (add --again to import it once more).",
            n,
        )
    else:
        message = ngettext(
            "File '{file}' was already imported as '{earlier}' on {when} by {operator}, "
            "adding {n} parcel: nothing was imported (add --again to import it once more).",
            "File '{file}' was already imported as '{earlier}' on {when} by {operator}, "
            "adding {n} parcels: nothing was imported (add --again to import it once more).",
            n,
        )
    session.rollback()
    raise RuleBroken(
        message.format(
            file=summary.file,
            earlier=known.file_name,
            when=when,
            operator=known.operator,
            n=f"{n:,}",
        )
    )


def _original(table, row: TableRow) -> dict[str, str]:
    values = table.original(row)
    if values:
        return values
    return {f: row.values.get(f, "") for f in FIELDS}


def _known(session: Session, specs: list[ParcelSpec]) -> set[tuple[str, str]]:
    """('o', order_ref) and ('t', tracking_no) pairs of the specs the hub already has."""
    hub_id = current_hub(session).id
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
                f"SELECT {column} FROM {Parcel.__tablename__} "
                f"WHERE hub_id = {mark} AND {column} IN ({marks})",
                (hub_id, *chunk),
            )
            known.update((kind, value) for (value,) in found)
    return known


# ------------------------------------------------------------------ template

#: The Chinese template speaks the glossary's words (服务站, 快递公司, 收件人电话); the
#: import still reads the older headers (站点, 快递, 电话: parcel_rows.PARCEL_HEADERS).
TEMPLATE_HEADERS: dict[str, dict[str, str]] = {
    "en": {f: f for f in FIELDS},
    "zh": {
        **CHINESE_HEADERS,
        "station": "服务站",
        "recipient_phone": "收件人电话",
        "courier": "快递公司",
    },
}


def template_headers(language: str = "en") -> list[str]:
    """The header row of an empty import file; required columns are marked ``*`` (the
    import ignores the mark). :func:`logistics.io.tables.write_template` writes it."""
    names = TEMPLATE_HEADERS.get(language)
    if names is None:
        raise InvalidInput(
            _("language '{language}' is not known: expected en or zh.").format(language=language)
        )
    required = set(REQUIRED[Direction.OUTBOUND])
    return [names[f] + ("*" if f in required else "") for f in FIELDS]
