"""The database: which one, how to connect, whether it is ready, migrations, backups.

SQLite (the default, a file `hub.db` in the working folder) runs in WAL mode with
foreign keys on and a busy timeout, and writing sessions take the write lock when
they begin (BEGIN IMMEDIATE): two operators scanning at once then queue for a moment
instead of one of them failing on a stale snapshot. PostgreSQL is reached through
`postgresql+psycopg://...`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlmodel import Session

from logistics.errors import (
    DatabaseBusy,
    DatabaseNotReady,
    InvalidInput,
    RuleBroken,
    SchemaOutdated,
)
from logistics.i18n import N_, _, ngettext
from logistics.io import files

if TYPE_CHECKING:
    from alembic.config import Config

# The Alembic revision this code expects; a test checks it is the migrations' head.
SCHEMA_HEAD = "0011"

#: PostgreSQL's code for "permission denied".
INSUFFICIENT_PRIVILEGE = "42501"
DEFAULT_URL = "sqlite:///hub.db"


def busy_timeout_ms() -> int:
    """How long a command waits for another's write (HUB_BUSY_TIMEOUT_MS, 5 s); read when
    a database is opened, as the standby process imports this module before any command."""
    try:
        return max(0, int(os.environ.get("HUB_BUSY_TIMEOUT_MS", "5000")))
    except ValueError:
        return 5000


BUSY_SENTENCE = N_(
    "The database is busy: another operator's command is writing to it; try again in a moment."
)


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the argument, else HUB_DATABASE_URL, else hub.db here.

    A bare path (no '://') means a SQLite file.
    """
    url = url or os.environ.get("HUB_DATABASE_URL") or DEFAULT_URL
    if "://" not in url:
        if url.endswith(("/", os.sep)):  # Path() would drop the slash and make a file
            if Path(url.rstrip("/" + os.sep)).expanduser().is_file():
                raise InvalidInput(
                    _("--db {path} ends in /, but {file} is a file: leave out the /.").format(
                        path=url, file=url.rstrip("/" + os.sep)
                    )
                )
            raise InvalidInput(
                _("--db {path} names a folder: give the database file in it, e.g. {path}hub.db.")
                .format(path=url)
            )  # fmt: skip
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(_bad_url(url)) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(_bad_url(url))
    return url


def _bad_url(url: str) -> str:
    return _(
        "'{url}' is not a database this hub can use: expected a file path such as hub.db, "
        "sqlite:///hub.db or postgresql+psycopg://user:password@host/dbname."
    ).format(url=_without_password(url))


def _without_password(url: str) -> str:
    """The URL as typed, but with any password shown as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        head, at, tail = url.rpartition("@")
        scheme, sep, credentials = head.partition("://")
        if not at or not sep or ":" not in credentials:
            return url
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{tail}"


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
            engine = create_engine(url, connect_args={"timeout": busy_timeout_ms() / 1000})
            _configure_sqlite(engine)
        else:
            # Wait for a row another operator holds as long as SQLite would, then say busy.
            # JIT compiling costs a county report 2 to 4 s and saves nothing on the hub's
            # short queries (benchmarks/county_scale.py), so it is off for our sessions.
            engine = create_engine(
                url,
                pool_pre_ping=True,
                connect_args={"options": f"-c lock_timeout={busy_timeout_ms()} -c jit=off"},
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
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision of the database, or None when it was never initialised.

    A damaged SQLite file raises (see :func:`is_damaged`): it is not "not initialised".
    """
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(_(BUSY_SENTENCE)) from None
            if "no such table" in str(error.orig).lower():
                return None
            raise
        except ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                raise DatabaseNotReady(
                    _(
                        "This database login may not read the hub's tables: it is a role "
                        "for plain SQL (a courier's driver, a station keeper or the county "
                        "bureau read their views, docs/access.md); `hub` commands need a "
                        "hub operator's login."
                    )
                ) from None
            return None  # PostgreSQL: the table is missing


def check_ready(url: str) -> Engine:
    """The engine of an initialised, current database, or a sentence saying what to do."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        _check_folders(path)
        raise DatabaseNotReady(
            _(
                "There is no hub database at {path}: run `hub init` to create one "
                "(`hub init --sample` loads the sample township), or pass --db."
            ).format(path=path)
        )
    if path is not None:
        _check_sqlite_file(path, url)
    engine = make_engine(url)
    try:
        version = schema_version(engine)
    except DatabaseError as error:
        if is_damaged(error):
            raise DatabaseNotReady(damaged_sentence(url, error)) from None
        raise DatabaseNotReady(_cannot_open(url, error)) from None
    if version is None:
        raise DatabaseNotReady(_(NOT_INITIALISED).format(database=describe(url)))
    if version != SCHEMA_HEAD:
        raise SchemaOutdated(
            _(
                "The database {database} is at schema {version} but this hub needs "
                "{head}: run `hub db upgrade`."
            ).format(database=describe(url), version=version, head=SCHEMA_HEAD)
        )
    return engine


NOT_INITIALISED = N_(
    "The database {database} is not initialised: run `hub init` "
    "(`hub init --sample` loads the sample township)."
)

#: The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def _check_folders(path: Path) -> None:
    """Refuse a database path inside a file (``hub.db/x``): one sentence, not "file exists"."""
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise DatabaseNotReady(
            _("There can be no database at {path}: {file} is a file, not a folder.").format(
                path=path, file=blocking
            )
        )


def _check_sqlite_file(path: Path, url: str) -> None:
    """Refuse, before SQLite opens it, a file that is no database: SQLite would write its
    header and journal files into an empty one, and call a text file "not a database",
    which read as a damaged hub database to be restored over it."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError:
        return  # SQLite's own opening says why, in the person's words
    if not head:
        raise DatabaseNotReady(_(NOT_INITIALISED).format(database=describe(url)))
    if head != SQLITE_HEADER:
        raise DatabaseNotReady(
            _(
                "{path} is not a hub database (it is no SQLite file): check --db or "
                "HUB_DATABASE_URL."
            ).format(path=path)
        )


def check_ready_or_old(url: str) -> None:
    """Like check_ready, but an older schema is fine (it is about to be upgraded)."""
    with suppress(SchemaOutdated):
        check_ready(url)


def _cannot_open(url: str, error: Exception) -> str:
    return _("Cannot open the database {database}: {reason}.").format(
        database=describe(url), reason=_first_line(error)
    )


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error)
    if not message.strip():
        return type(error).__name__
    for pattern, reason in _SERVER_REASONS:
        found = pattern.search(message)
        if found:
            return _(reason).format(*found.groups())
    return message.strip().splitlines()[0].rstrip(".")


#: What a PostgreSQL server, the network or SQLite says when a database cannot be
#: opened, in the person's words (libpq's and SQLite's own are English); other messages
#: are shown as they come.
_SERVER_REASONS = [
    (re.compile(r"Connection refused"), N_("no server answers at that address and port")),
    (
        re.compile(r"could not translate host name|Name or service not known|nodename nor"),
        N_("the server's name is not known"),
    ),
    (re.compile(r'role "([^"]*)" does not exist'), N_("there is no login {0} on the server")),
    (
        re.compile(r'database "([^"]*)" does not exist'),
        N_("there is no database {0} on the server"),
    ),
    (
        re.compile(r'password authentication failed for user "([^"]*)"'),
        N_("the password of {0} is not right"),
    ),
    (re.compile(r"timeout expired|timed out"), N_("the server did not answer in time")),
    (
        re.compile(r"unable to open database file"),
        N_(
            "SQLite cannot open that file: it must be a file, not a folder, that this login "
            "may read and write, in a folder it may write"
        ),
    ),
]


def is_damaged(error: BaseException) -> bool:
    """SQLite found the file is not a database, or that its pages are malformed."""
    original = getattr(error, "orig", None) or error
    name = getattr(original, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return True
    text_ = str(original).lower()
    return "file is not a database" in text_ or "disk image is malformed" in text_


def damaged_sentence(url: str, error: BaseException) -> str:
    """The one sentence for a damaged database (every command, ``hub db check``)."""
    return _(
        "The database {database} is damaged ({detail}): `hub db restore` puts back a "
        "backup and keeps the damaged file beside it."
    ).format(database=describe(url), detail=_first_line(error))


def is_busy(error: BaseException) -> bool:
    """SQLite's busy timeout or PostgreSQL's lock timeout (SQLSTATE 55P03) ran out."""
    original = getattr(error, "orig", error)
    if getattr(original, "sqlstate", None) == "55P03":
        return True
    text_ = str(original).lower()
    return "database is locked" in text_ or "database is busy" in text_


@contextmanager
def session_scope(
    url: str, *, write: bool = True, hub: str | None = None, any_hub: bool = False
) -> Iterator[Session]:
    """A session on a ready database; services commit, anything uncommitted is rolled back.

    The session works on one hub (``logistics.models.scope``): the hub coded ``hub``,
    else the only hub there is; several hubs and no code is refused. ``any_hub`` leaves
    it unscoped, for the use cases that span hubs (setting hubs up, the county report).
    Read-only sessions on SQLite begin DEFERRED so listings never wait for a writer.
    """
    from logistics.models import scope

    engine = check_ready(url)
    if not write and is_sqlite(url):
        engine = engine.execution_options(sqlite_begin="DEFERRED")
    with Session(engine, expire_on_commit=False) as session:
        if not any_hub:
            scope.enter(session, hub)
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
        _check_folders(path)
        if path.is_file() and path.stat().st_size > 0:
            _check_sqlite_file(path, url)  # a text file is no damaged database
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
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
    except DatabaseError as error:
        if is_busy(error):
            raise DatabaseBusy(_(BUSY_SENTENCE)) from None
        if is_damaged(error):
            raise DatabaseNotReady(damaged_sentence(url, error)) from None
        raise DatabaseNotReady(_cannot_open(url, error)) from None
    return before, schema_version(engine) or SCHEMA_HEAD


def _create_private(path: Path) -> None:
    """A new SQLite file readable by its owner only; SQLite gives its -wal, -shm and
    -journal files the database file's mode. An existing database is left as it is; an
    empty file about to become one is made private too."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.is_file() and path.stat().st_size == 0:
            with suppress(PermissionError):  # another login's file: SQLite says the rest
                path.chmod(0o600)


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
            ngettext(
                "The upgrade would leave {n} row pointing at a row that does not exist "
                "({rows}); nothing was changed.",
                "The upgrade would leave {n} rows pointing at rows that do not exist "
                "({rows}); nothing was changed.",
                len(broken),
            ).format(n=len(broken), rows=shown)
        )


def backup_file(given: str | Path) -> Path:
    """The backup's file: ``given``, or in the folder it names (an existing folder, or a
    name ending in /) a file named by the hub's local time, ``hub-2026-12-03-0715.db``
    (``-2``, ``-3`` ... for another within the minute), so a daily ``hub db backup
    backups/`` keeps every copy."""
    text = os.fspath(given)
    folder = Path(text)
    if not (text.endswith(("/", os.sep)) or folder.is_dir()):
        return folder
    if folder.is_file():
        raise InvalidInput(
            _("{given} ends in /, but {file} is a file: leave out the /.").format(
                given=text, file=folder
            )
        )
    if not folder.is_dir():
        raise InvalidInput(
            _("The folder {folder} does not exist: create it first (mkdir -p {folder}).").format(
                folder=shlex.quote(text)
            )
        )
    from logistics.domain import clock

    now = clock.to_local(clock.utcnow(), clock.zone(os.environ.get("HUB_TIMEZONE")))
    stem = f"hub-{now:%Y-%m-%d-%H%M}"
    named = folder / f"{stem}.db"
    count = 1
    while named.exists():
        count += 1
        named = folder / f"{stem}-{count}.db"
    return named


def backup(url: str, target: str | Path, *, force: bool = False) -> Path:
    """A consistent copy of a SQLite database, taken while others may be writing, into
    ``target`` (see :func:`backup_file`); the file written.

    The copy holds personal data, so it is readable by its owner only; an existing
    file is replaced only with ``force``.
    """
    source = sqlite_path(url)
    if source is None:
        raise RuleBroken(
            _(
                "hub db backup copies SQLite files; for PostgreSQL use pg_dump, "
                "e.g. pg_dump -Fc -f hub.dump DBNAME."
            )
        )
    check_ready(url)
    target = backup_file(target)

    def fill(temporary: Path) -> None:
        with sqlite3.connect(source, timeout=busy_timeout_ms() / 1000) as live:
            with sqlite3.connect(temporary) as copy:
                live.backup(copy)
            copy.close()
        live.close()

    return files.write_file(target, fill, force=force, private=True)


# ------------------------------------------------------------------------------ restore

#: Tables every hub database has had since its first schema.
HUB_TABLES = ("hub", "station", "courier", "parcel", "parcel_event")
#: The rows a restore counts in the backup and shows.
COUNTED = {
    "stations": "station",
    "couriers": "courier",
    "parcels": "parcel",
    "events": "parcel_event",
}
#: How long a restore waits for the database to be its own before it refuses.
SOLE_ACCESS_TIMEOUT_S = 0.5

IN_USE_SENTENCE = N_(
    "Another process has the database {database} open (a scan session or another "
    "command): stop it first, then restore; nothing was changed."
)


@dataclass(frozen=True)
class BackupFacts:
    """A checked backup: its schema and how many rows of each kind it holds."""

    file: Path
    version: str
    counts: dict[str, int]

    @property
    def outdated(self) -> bool:
        """Written by an older hub: `hub db upgrade` brings it up to date."""
        return self.version != SCHEMA_HEAD


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupFacts
    kept: Path | None
    """The database the restore replaced, kept beside it (None when there was none)."""

    @property
    def counts(self) -> dict[str, int]:
        return self.backup.counts


def inspect_backup(source_file: Path) -> BackupFacts:
    """Check a file before it may replace the hub's database: a whole SQLite file
    (``PRAGMA integrity_check`` and ``foreign_key_check``), a hub database (its tables),
    at a schema this hub knows (``0001`` up to :data:`SCHEMA_HEAD`). Reads it only;
    InvalidInput with one sentence otherwise."""
    shown = str(source_file)
    if not source_file.is_file():
        raise InvalidInput(_("There is no backup file at {file}.").format(file=shown))
    try:
        with _reading(source_file) as backup_db:
            return _facts(backup_db, source_file)
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and not is_damaged(error):
            raise InvalidInput(
                _("{file} cannot be read as a backup ({reason}); nothing was changed.").format(
                    file=shown, reason=_first_line(error)
                )
            ) from None
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(
            error
        ):
            raise InvalidInput(
                _(
                    "{file} is not a SQLite database, so it is no backup of the hub; "
                    "nothing was changed."
                ).format(file=shown)
            ) from None
        raise _damaged_backup(shown, _first_line(error)) from None


def _facts(backup_db: sqlite3.Connection, source_file: Path) -> BackupFacts:
    shown = str(source_file)
    tables = {
        row[0] for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    verdict = [row[0] for row in backup_db.execute("PRAGMA integrity_check(10)")]
    if verdict != ["ok"]:
        raise _damaged_backup(shown, "; ".join(verdict))
    missing = [name for name in ("alembic_version", *HUB_TABLES) if name not in tables]
    if missing:
        raise InvalidInput(
            _(
                "{file} is not a hub database (it has no table {tables}); nothing was changed."
            ).format(file=shown, tables=", ".join(missing))
        )
    row = backup_db.execute("SELECT version_num FROM alembic_version").fetchone()
    version = str(row[0]) if row else ""
    if not _known_version(version):
        raise InvalidInput(
            _(
                "{file} is at schema {version}, which this hub does not know (it knows "
                "0001 to {head}): it comes from a newer hub or from something else; "
                "nothing was changed."
            ).format(file=shown, version=version or "?", head=SCHEMA_HEAD)
        )
    dangling = backup_db.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise _damaged_backup(
            shown,
            ngettext(
                "{n} row refers to a row that does not exist",
                "{n} rows refer to rows that do not exist",
                len(dangling),
            ).format(n=len(dangling)),
        )
    counts = {
        label: int(backup_db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for label, table in COUNTED.items()
    }
    return BackupFacts(source_file, version, counts)


def _known_version(version: str) -> bool:
    return len(version) == 4 and version.isdigit() and "0001" <= version <= SCHEMA_HEAD


def _damaged_backup(shown: str, details: str) -> InvalidInput:
    return InvalidInput(
        _(
            "The backup {file} is damaged ({details}); nothing was changed: choose another backup."
        ).format(file=shown, details=details)
    )


@contextmanager
def _reading(path: Path, *, tidy: bool = True) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a SQLite file; with ``tidy``, the -wal and -shm files
    SQLite makes beside a WAL-mode file to read it are removed again (a backup's folder
    is left as it was)."""
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    present = {companion for companion in companions if companion.exists()}
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_ms() / 1000
    )
    try:
        yield connection
    finally:
        connection.close()
        if tidy:
            for companion in companions:
                if companion not in present:
                    with suppress(OSError):
                        companion.unlink()


def restore(url: str, source_file: Path) -> RestoreResult:
    """Replace a SQLite database by a checked backup; the replaced one is kept beside it
    as ``<name>.before-restore-<yyyymmdd-hhmmss>`` (readable by its owner only).

    Refused, with nothing changed, when the backup is not a whole hub database of a
    schema this hub knows (:func:`inspect_backup`), or while another process has the
    database open (a scan session would go on answering "done" for scans the restore
    then throws away). The restore holds the database alone (exclusive lock) from that
    check until the backup is in place.
    """
    target = sqlite_path(url)
    if target is None:
        raise RuleBroken(_("hub db restore writes SQLite files; for PostgreSQL use pg_restore."))
    files.protect(source_file, with_companions=True)
    if source_file.exists() and target.exists() and os.path.samefile(source_file, target):
        raise InvalidInput(
            _("{file} is the database itself: choose a backup file.").format(file=source_file)
        )
    facts = inspect_backup(source_file)
    dispose_engine(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    had_data = target.exists() and target.stat().st_size > 0
    _create_private(target)
    files.protect(target, with_companions=True)
    live = _sole_access(url, target)
    kept = None
    try:
        if live is not None:
            if had_data:
                kept = _keep_beside(target, lambda copy: _sqlite_copy(live, copy))
            with _reading(source_file) as backup_db:
                backup_db.backup(live)
        else:
            # SQLite cannot read the live file at all: keep its bytes, put the backup there.
            kept = _keep_beside(target, lambda copy: shutil.copyfile(target, copy))
            _replace_damaged(target, source_file)
    finally:
        if live is not None:
            live.close()
    with contextlib.closing(sqlite3.connect(target)) as restored:
        restored.execute("PRAGMA journal_mode=WAL")
    for path in (target, *(target.with_name(target.name + s) for s in ("-wal", "-shm"))):
        with suppress(FileNotFoundError):
            os.chmod(path, 0o600)
    return RestoreResult(facts, kept)


def _sole_access(url: str, target: Path) -> sqlite3.Connection | None:
    """A connection holding the database alone until it is closed, or None when SQLite
    cannot read the file at all (damaged); DatabaseBusy while another process has it open.

    Leaving WAL mode needs every other connection gone (an idle one of a scan session
    counts); the exclusive locking mode then keeps newcomers out until we are done.
    """
    live = sqlite3.connect(target, timeout=SOLE_ACCESS_TIMEOUT_S, isolation_level=None)
    try:
        live.execute("PRAGMA locking_mode=EXCLUSIVE")
        mode = live.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        live.execute("BEGIN EXCLUSIVE")
        live.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        live.close()
        if is_busy(error):
            raise DatabaseBusy(_(IN_USE_SENTENCE).format(database=describe(url))) from None
        if is_damaged(error):
            return None
        raise
    if str(mode).lower() != "delete":
        live.close()
        raise DatabaseBusy(_(IN_USE_SENTENCE).format(database=describe(url)))
    return live


def _sqlite_copy(live: sqlite3.Connection, copy: Path) -> None:
    with contextlib.closing(sqlite3.connect(copy)) as destination:
        live.backup(destination)


def _keep_beside(target: Path, fill) -> Path:
    """Write the database about to be replaced beside it, readable by its owner only."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{n}")
    return files.write_file(kept, fill, private=True)


def _replace_damaged(target: Path, source_file: Path) -> None:
    """Put the backup in place of a file SQLite cannot read (no lock can be taken on it)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    temp = Path(temporary)
    try:
        os.chmod(temp, 0o600)
        with (
            _reading(source_file) as backup_db,
            contextlib.closing(sqlite3.connect(temp)) as copy,
        ):
            backup_db.backup(copy)
        os.replace(temp, target)
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            target.with_name(target.name + suffix).unlink()


def damage(url: str) -> str | None:
    """Why SQLite cannot even open the database file (not a database, a malformed schema),
    in one sentence, or None (PostgreSQL, a missing file, a readable one)."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        with _reading(path, tidy=False) as connection:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            connection.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as error:
        if is_damaged(error):
            return damaged_sentence(url, error)
    return None
