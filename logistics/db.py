"""The database: which one, how to connect, whether it is ready, migrations, backups.

SQLite (the default, a file `hub.db` in the working folder) runs in WAL mode with
foreign keys on and a busy timeout, and writing sessions take the write lock when
they begin (BEGIN IMMEDIATE): two operators scanning at once then queue for a moment
instead of one of them failing on a stale snapshot. PostgreSQL is reached through
`postgresql+psycopg://...`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from logistics.errors import (
    DatabaseBusy,
    DatabaseNotReady,
    InvalidInput,
    RuleBroken,
    SchemaOutdated,
)
from logistics.io import files

if TYPE_CHECKING:
    from alembic.config import Config

# The Alembic revision this code expects; a test checks it is the migrations' head.
SCHEMA_HEAD = "0005"
DEFAULT_URL = "sqlite:///hub.db"
BUSY_TIMEOUT_MS = int(os.environ.get("HUB_BUSY_TIMEOUT_MS", "5000"))

BUSY_SENTENCE = (
    "The database is busy: another operator's command is writing to it; try again in a moment."
)


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the argument, else HUB_DATABASE_URL, else hub.db here.

    A bare path (no '://') means a SQLite file.
    """
    url = url or os.environ.get("HUB_DATABASE_URL") or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(_bad_url(url)) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(_bad_url(url))
    return url


def _bad_url(url: str) -> str:
    return (
        f"'{url}' is not a database this hub can use: expected a file path such as hub.db, "
        "sqlite:///hub.db or postgresql+psycopg://user:password@host/dbname."
    )


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


_ENGINES: dict[str, Engine] = {}


def make_engine(url: str) -> Engine:
    """One engine (and connection pool) per database URL in this process."""
    if url in _ENGINES:
        return _ENGINES[url]
    try:
        if is_sqlite(url):
            path = sqlite_path(url)
            if path is not None:
                files.protect(path, with_companions=True)
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
        else:
            # Wait for a row another operator holds as long as SQLite would, then say busy.
            engine = create_engine(
                url,
                pool_pre_ping=True,
                connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}"},
            )
    except (NoSuchModuleError, ArgumentError):
        raise InvalidInput(_bad_url(url)) from None
    _ENGINES[url] = engine
    return engine


def dispose_engine(url: str) -> None:
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event choose how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision of the database, or None when it was never initialised."""
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(BUSY_SENTENCE) from None
            return None
        except Exception:  # the table is missing: PostgreSQL raises ProgrammingError
            return None


def check_ready(url: str) -> Engine:
    """The engine of an initialised, current database, or a sentence saying what to do."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseNotReady(
            f"There is no hub database at {path}: run `hub init` to create one "
            "(`hub init --sample` loads the sample township), or pass --db."
        )
    engine = make_engine(url)
    try:
        version = schema_version(engine)
    except OperationalError as error:
        raise DatabaseNotReady(
            f"Cannot open the database {describe(url)}: {_first_line(error)}."
        ) from None
    if version is None:
        raise DatabaseNotReady(
            f"The database {describe(url)} is not initialised: run `hub init` "
            "(`hub init --sample` loads the sample township)."
        )
    if version != SCHEMA_HEAD:
        raise SchemaOutdated(
            f"The database {describe(url)} is at schema {version} but this hub needs "
            f"{SCHEMA_HEAD}: run `hub db upgrade`."
        )
    return engine


def check_ready_or_old(url: str) -> None:
    """Like check_ready, but an older schema is fine (it is about to be upgraded)."""
    with suppress(SchemaOutdated):
        check_ready(url)


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error)
    return message.strip().splitlines()[0].rstrip(".") if message.strip() else type(error).__name__


def is_busy(error: BaseException) -> bool:
    """SQLite's busy timeout or PostgreSQL's lock timeout (SQLSTATE 55P03) ran out."""
    original = getattr(error, "orig", error)
    if getattr(original, "sqlstate", None) == "55P03":
        return True
    text_ = str(original).lower()
    return "database is locked" in text_ or "database is busy" in text_


@contextmanager
def session_scope(url: str, *, write: bool = True) -> Iterator[Session]:
    """A session on a ready database; services commit, anything uncommitted is rolled back.

    Read-only sessions on SQLite begin DEFERRED so listings never wait for a writer.
    """
    engine = check_ready(url)
    if not write and is_sqlite(url):
        engine = engine.execution_options(sqlite_begin="DEFERRED")
    with Session(engine, expire_on_commit=False) as session:
        yield session


def alembic_config(connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "logistics:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade(url: str) -> tuple[str | None, str]:
    """Create or upgrade the schema to the head; returns (version before, version after)."""
    from alembic import command

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        before = schema_version(engine)
        with (
            engine.connect() as connection,
            _foreign_keys_off(connection),
            connection.begin(),
        ):
            command.upgrade(alembic_config(connection), "head")
            _check_foreign_keys(connection)
    except OperationalError as error:
        if is_busy(error):
            raise DatabaseBusy(BUSY_SENTENCE) from None
        raise DatabaseNotReady(
            f"Cannot open the database {describe(url)}: {_first_line(error)}."
        ) from None
    return before, schema_version(engine) or SCHEMA_HEAD


@contextmanager
def _foreign_keys_off(connection) -> Iterator[None]:
    """SQLite foreign keys off while a migration copies tables into new ones.

    SQLite adds a constraint by copying a table, dropping the old one and renaming
    the copy; with foreign keys on, dropping a table that other rows point at fails.
    The pragma only takes effect outside a transaction, so it is set on the driver's
    connection before the migration begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection) -> None:
    """Refuse (and roll back) an upgrade that left a row pointing at nothing."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        shown = ", ".join(sorted({f"{row[0]} -> {row[2]}" for row in broken}))
        raise RuleBroken(
            f"The upgrade would leave {len(broken)} rows pointing at rows that do not exist "
            f"({shown}); nothing was changed."
        )


def backup(url: str, target: Path, *, force: bool = False) -> int:
    """A consistent copy of a SQLite database, taken while others may be writing; bytes written.

    The copy holds personal data, so it is readable by its owner only; an existing
    file is replaced only with ``force``.
    """
    source = sqlite_path(url)
    if source is None:
        raise RuleBroken(
            "hub db backup copies SQLite files; for PostgreSQL use pg_dump, "
            "e.g. pg_dump -Fc -f hub.dump DBNAME."
        )
    check_ready(url)

    def fill(temporary: Path) -> None:
        with sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000) as live:
            with sqlite3.connect(temporary) as copy:
                live.backup(copy)
            copy.close()
        live.close()

    return files.write_file(target, fill, force=force, private=True).stat().st_size


def restore(url: str, source_file: Path) -> None:
    """Replace a SQLite database by a backup (the current data is overwritten)."""
    target = sqlite_path(url)
    if target is None:
        raise RuleBroken("hub db restore writes SQLite files; for PostgreSQL use pg_restore.")
    if not source_file.exists():
        raise InvalidInput(f"There is no backup file at {source_file}.")
    files.protect(source_file, with_companions=True)
    try:
        with sqlite3.connect(source_file) as backup_db:
            backup_db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise InvalidInput(f"{source_file} is not a hub database backup.") from None
    dispose_engine(url)
    with sqlite3.connect(source_file) as backup_db, sqlite3.connect(target) as live:
        backup_db.backup(live)
    backup_db.close()
    live.close()
