"""Move one hub, with its whole history, into another database (the county's server).

``hub db move-to postgresql+psycopg://...`` is :func:`move_hub`. The source is only read,
in one snapshot (SQLite: one read transaction; PostgreSQL: REPEATABLE READ, read only).
The target's schema is created or upgraded first; then, in ONE transaction on the
target, every table the hub owns is copied in foreign-key order (COPY on PostgreSQL),
the counts of every table are compared with the source's and the consistency check
(``logistics.services.integrity``) runs on the copied hub; only then is it committed.
Anything that stops it (a refusal, an error, Ctrl-C, a killed process, a lost
connection) leaves nothing of the hub on the target.

The hub keeps its own ids (hub parcel ids such as P20261123-00042, tracking numbers,
round, manifest, station, courier and van codes). The integer row ids are the target's:
other hubs' rows already use the source's, so each table's ids are moved by one offset
into a range reserved from the target's sequence, and every reference to them with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from logistics import db
from logistics.errors import RuleBroken
from logistics.i18n import _, ngettext
from logistics.models import scope
from logistics.models.network import Hub
from logistics.services import integrity

Progress = Callable[[str, int, int], None]
"""``progress(table, rows copied, rows of the table)``, after each batch."""

#: Rows read and written per batch.
BATCH = 10_000
#: Tables with a hub_id that are not the hub's history: which database logins may see
#: what (``hub db roles``) belongs to the server, and is set up there again.
NOT_MOVED = frozenset({"access_role"})
#: Problems of the consistency check shown when it refuses the copy.
SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class MoveResult:
    hub_code: str
    hub_name: str
    source: str
    target: str
    counts: dict[str, int]
    """Rows copied, by table, in the order they were copied."""
    seconds: float


def moved_tables() -> list[Table]:
    """The hub's tables in foreign-key order: the hub, then every table with its hub_id."""
    return [
        table
        for table in SQLModel.metadata.sorted_tables
        if table.name == Hub.__tablename__ or ("hub_id" in table.c and table.name not in NOT_MOVED)
    ]


def move_hub(
    source_url: str,
    target_url: str,
    *,
    hub_code: str | None = None,
    progress: Progress | None = None,
) -> MoveResult:
    """Copy the hub ``hub_code`` (or the only hub) of ``source_url`` into ``target_url``.

    Refused (RuleBroken) when the target is the source or already has a hub of that
    code, and when the copy's counts or consistency check do not hold; in every case
    nothing of it stays on the target.
    """
    started = time.monotonic()
    if _same_database(source_url, target_url):
        raise RuleBroken(
            _(
                "{target} is the database the hub is in: name another database to move it to."
            ).format(target=db.describe(target_url))
        )
    source_engine = db.check_ready(source_url)
    if db.is_sqlite(source_url):
        source_engine = source_engine.execution_options(sqlite_begin="DEFERRED")
    else:
        source_engine = source_engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    with Session(source_engine) as source:
        hub_id = scope.enter(source, hub_code)
        if hub_id is None:
            raise RuleBroken(
                _("{source} holds no hub yet: there is nothing to move.").format(
                    source=db.describe(source_url)
                )
            )
        hub = source.get(Hub, hub_id)
        code, name = hub.code, hub.name
        reading = source.connection()
        db.upgrade(target_url)
        with db.make_engine(target_url).connect() as writing, writing.begin():
            _refuse_existing_on(writing, target_url, code)
            counts = _copy(reading, writing, hub_id, progress or _quiet)
            new_hub_id = _new_id(writing, code)
            _verify(writing, new_hub_id, counts)
            _reset_sequences(writing)
        source.rollback()
    return MoveResult(
        hub_code=code,
        hub_name=name,
        source=db.describe(source_url),
        target=db.describe(target_url),
        counts=counts,
        seconds=time.monotonic() - started,
    )


def _quiet(_table: str, _done: int, _total: int) -> None:
    pass


def _same_database(source_url: str, target_url: str) -> bool:
    source, target = db.sqlite_path(source_url), db.sqlite_path(target_url)
    if source is not None and target is not None:
        return source.resolve() == target.resolve()
    return db.describe(source_url) == db.describe(target_url)


def _refuse_existing_on(connection: Connection, target_url: str, code: str) -> None:
    hub = Hub.__table__
    found = connection.execute(
        select(hub.c.code).where(func.upper(hub.c.code) == code.upper())
    ).first()
    if found is not None:
        raise RuleBroken(
            _(
                "{target} already has a hub {code}: nothing was copied. A hub is moved "
                "once; to move it again, remove it there first."
            ).format(target=db.describe(target_url), code=found.code)
        )


def _copy(reading: Connection, writing: Connection, hub_id: int, progress: Progress) -> dict:
    """Copy every table of the hub; the rows copied by table."""
    offsets: dict[str, int] = {}
    counts: dict[str, int] = {}
    for table in moved_tables():
        mine = table.c.id == hub_id if table.name == Hub.__tablename__ else table.c.hub_id == hub_id
        total, lowest, highest = reading.execute(
            select(func.count(), func.min(table.c.id), func.max(table.c.id)).where(mine)
        ).one()
        counts[table.name] = int(total)
        if not total:
            offsets[table.name] = 0  # nothing refers to a row of it
            progress(table.name, 0, 0)
            continue
        first_new = _reserve(writing, table, highest - lowest + 1)
        offsets[table.name] = first_new - lowest
        remap = _remapper(table, offsets)
        rows = reading.execute(
            select(table).where(mine).order_by(table.c.id),
            execution_options={"stream_results": True, "yield_per": BATCH},
        )
        done = 0
        for batch in rows.partitions(BATCH):
            _write(writing, table, [remap(row) for row in batch])
            done += len(batch)
            progress(table.name, done, int(total))
    return counts


def _remapper(table: Table, offsets: dict[str, int]):
    """A function giving a source row as the target's: its id and every reference
    moved by the offset of the table they point at."""
    moves = []
    for index, column in enumerate(table.columns):
        if column.name == "id":
            moves.append((index, offsets[table.name]))
            continue
        for key in column.foreign_keys:
            moves.append((index, offsets[key.column.table.name]))

    def remap(row) -> tuple:
        values = list(row)
        for index, offset in moves:
            if values[index] is not None:
                values[index] += offset
        return tuple(values)

    return remap


def _reserve(writing: Connection, table: Table, span: int) -> int:
    """The first of ``span`` consecutive new ids of ``table`` nobody else will take."""
    highest = writing.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    if writing.dialect.name != "postgresql":
        # SQLite: this transaction holds the write lock, nobody else adds rows meanwhile.
        return int(highest) + 1
    # setval is not undone by a rollback: ids a failed move reserved stay unused, and
    # another hub adding rows meanwhile draws its ids after the reserved range.
    sequence = _sequence(writing, table)
    last = writing.execute(
        text(
            f"SELECT setval('{sequence}', GREATEST(:highest, (SELECT last_value FROM {sequence}))"
            " + :span)"
        ),
        {"highest": int(highest), "span": span},
    ).scalar_one()
    return int(last) - span + 1


def _sequence(writing: Connection, table: Table) -> str:
    return writing.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": f'"{table.name}"'}
    ).scalar_one()


def _write(writing: Connection, table: Table, rows: list[tuple]) -> None:
    names = [column.name for column in table.columns]
    if writing.dialect.name != "postgresql":
        writing.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    quoted = ", ".join(f'"{name}"' for name in names)
    cursor = writing.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _new_id(writing: Connection, code: str) -> int:
    hub = Hub.__table__
    return writing.execute(select(hub.c.id).where(hub.c.code == code)).scalar_one()


def _verify(writing: Connection, hub_id: int, counts: dict[str, int]) -> None:
    """The copy holds as many rows of each table as the source, and is consistent."""
    for table in moved_tables():
        mine = table.c.id == hub_id if table.name == Hub.__tablename__ else table.c.hub_id == hub_id
        copied = writing.execute(select(func.count()).select_from(table).where(mine)).scalar_one()
        if copied != counts[table.name]:
            raise RuleBroken(
                _(
                    "The copy of table {table} does not hold what the source holds "
                    "({copied} of {rows} rows), so nothing was copied."
                ).format(table=table.name, copied=copied, rows=counts[table.name])
            )
    postgresql = writing.dialect.name == "postgresql"
    if postgresql:
        # Fresh statistics: without them the check's joins over the copied rows are
        # planned as if the tables were empty.
        for table in moved_tables():
            writing.execute(text(f'ANALYZE "{table.name}"'))
        # The check looks for the first few of (almost always) no rows: PostgreSQL then
        # plans nested loops expecting to stop early, and on a year of parcels they run
        # for hours. Hash joins read each table once.
        writing.execute(text("SET LOCAL enable_nestloop = off"))
    with Session(bind=writing, join_transaction_mode="create_savepoint") as checking:
        scope.scope_to(checking, hub_id)
        problems = integrity.check(checking)
    if postgresql:
        writing.execute(text("SET LOCAL enable_nestloop = on"))
    if problems:
        shown = " ".join(problems[:SHOWN_PROBLEMS])
        raise RuleBroken(
            ngettext(
                "The copy fails the consistency check ({n} problem), so nothing was "
                "copied: {problems}",
                "The copy fails the consistency check ({n} problems), so nothing was "
                "copied: {problems}",
                len(problems),
            ).format(n=len(problems), problems=shown)
        )


def _reset_sequences(writing: Connection) -> None:
    """Every sequence at least at its table's highest id, so new rows never clash."""
    if writing.dialect.name != "postgresql":
        return
    for table in moved_tables():
        sequence = _sequence(writing, table)
        writing.execute(
            text(
                f"SELECT setval('{sequence}', GREATEST((SELECT COALESCE(MAX(id), 0) FROM "
                f'"{table.name}"), (SELECT last_value FROM {sequence})))'
            )
        )
