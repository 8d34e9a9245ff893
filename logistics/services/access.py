"""Who may see what, enforced by PostgreSQL itself: the roles of a county's server.

:func:`make_roles` (``hub db roles``) creates or updates, as often as it is run, one
NOLOGIN group role per hub's operators (``hub_<hub>_operator``), per courier account's
drivers (``hub_<hub>_courier_<code>``), per station's keeper (``hub_<hub>_station_<code>``)
and one for the county bureau (``hub_county``); records each in ``access_role`` (what
the policies of revision 0010 read); grants each group its tables and columns; and
switches row-level security on for every table of a hub. With ``login`` it also makes
a person's LOGIN role a member of one group, its password read from a file and sent to
the server already hashed (SCRAM), never shown.

* operators: every row of their hub, in full (names, phones, addresses);
* couriers' drivers: their courier's manifests, those manifests' parcels without the
  people's columns (``parcel_masked`` shows them masked), their events and load-check
  scans; they may add scans and events and hand a closed manifest over;
* station keepers: their station's parcels the same way, and may record their steps;
* the county bureau: the aggregate view ``county_volume``, no table.

A closed manifest changes only by its handover, and events, load-check scans and
export records are never changed (triggers of revision 0010); the database owner (the
login the hub's own commands run as) alone may pause them (docs/access.md).

:func:`refusal` words a refusal of these rules for the person who met it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection, text

from logistics import db
from logistics.domain.manifest_status import ManifestStatus
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.i18n import N_, _
from logistics.io import files


class Kind(StrEnum):
    OPERATOR = "operator"
    COURIER = "courier"
    STATION = "station"
    COUNTY = "county"


KIND_WORDS = {
    Kind.OPERATOR: N_("hub operators"),
    Kind.COURIER: N_("courier's drivers"),
    Kind.STATION: N_("station keeper"),
    Kind.COUNTY: N_("county bureau"),
}

DEFAULT_PREFIX = "hub"

#: ``personal_export.kind``: a courier's handover file, a station keeper's notice list.
HANDOVER_EXPORT = "handover"
NOTICES_EXPORT = "notices"

#: Tables whose rows belong to one hub (revision 0010 gives each its policies).
HUB_OWNED = (
    "station",
    "courier",
    "courier_tariff",
    "courier_excluded_province",
    "vehicle",
    "parcel",
    "parcel_event",
    "round",
    "round_stop",
    "manifest",
    "manifest_load_scan",
    "manifest_export",
    "imported_file",
    "road_matrix",
    "personal_export",
)
#: Operators read and change these rows of their hub.
CHANGED_BY_OPERATORS = (
    "station",
    "courier",
    "courier_tariff",
    "courier_excluded_province",
    "vehicle",
    "parcel",
    "round",
    "round_stop",
    "manifest",
    "imported_file",
    "road_matrix",
)
#: Tables no one changes or deletes a row of (revision 0010's triggers).
INSERT_ONLY = ("parcel_event", "manifest_load_scan", "personal_export")
#: Rows written once: operators add them, nobody changes them.
WRITTEN_ONCE = ("parcel_event", "manifest_load_scan", "manifest_export", "personal_export")
#: The parcel's columns about people: read in full by the hub's operators only.
PERSONAL = ("sender_name", "sender_phone", "recipient_name", "recipient_phone", "address")
#: What a courier's driver changes when handing a manifest over.
HANDOVER_COLUMNS = ("status", "handed_over_at", "driver_name", "plate", "forced", "force_reason")

_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,19}")
_LOGIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class GroupRole:
    name: str
    kind: Kind
    hub_id: int | None = None
    hub_code: str | None = None
    courier_id: int | None = None
    station_id: int | None = None
    subject: str | None = None
    """The courier's or station's code."""


@dataclass
class RolesResult:
    groups: list[GroupRole] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    login: str | None = None
    login_created: bool = False
    password_set: bool = False
    member_of: str | None = None


def _name(*parts: str) -> str:
    return "_".join(re.sub(r"[^a-z0-9]+", "_", part.lower()).strip("_") for part in parts)


def planned_groups(connection: Connection, prefix: str) -> list[GroupRole]:
    """The group roles the database's hubs, couriers and stations call for."""
    groups = [GroupRole(_name(prefix, "county"), Kind.COUNTY)]
    hubs = connection.execute(text("SELECT id, code FROM hub ORDER BY code")).all()
    for hub_id, code in hubs:
        groups.append(GroupRole(_name(prefix, code, "operator"), Kind.OPERATOR, hub_id, code))
        for courier_id, courier in connection.execute(
            text("SELECT id, code FROM courier WHERE hub_id = :hub ORDER BY code"), {"hub": hub_id}
        ):
            groups.append(
                GroupRole(
                    _name(prefix, code, "courier", courier),
                    Kind.COURIER,
                    hub_id,
                    code,
                    courier_id=courier_id,
                    subject=courier,
                )
            )
        for station_id, station in connection.execute(
            text("SELECT id, code FROM station WHERE hub_id = :hub ORDER BY code"), {"hub": hub_id}
        ):
            groups.append(
                GroupRole(
                    _name(prefix, code, "station", station),
                    Kind.STATION,
                    hub_id,
                    code,
                    station_id=station_id,
                    subject=station,
                )
            )
    names = [group.name for group in groups]
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise RuleBroken(
            _(
                "Two hubs, couriers or stations give the same role name ({names}): their codes "
                "differ only in letters a role name cannot hold."
            ).format(names=", ".join(clashes))
        )
    too_long = [name for name in names if len(name) > 63]
    if too_long:
        raise RuleBroken(
            _(
                "The role name {name} is longer than PostgreSQL allows (63): use a shorter "
                "--prefix."
            ).format(name=too_long[0])
        )
    return groups


def make_roles(
    url: str,
    *,
    prefix: str = DEFAULT_PREFIX,
    login: str | None = None,
    member: str | None = None,
    password_file: Path | None = None,
) -> RolesResult:
    """Create or update the group roles, their grants and row-level security (see the
    module); with ``login``, make that person's LOGIN role a member of ``member``. One
    transaction: a refusal leaves the server as it was."""
    if db.is_sqlite(url):
        raise RuleBroken(
            _(
                "Roles need the county's PostgreSQL server: a SQLite file has no logins "
                "(`hub db move-to postgresql+psycopg://...` moves a hub there)."
            )
        )
    prefix = prefix.strip().lower()
    if not _PREFIX.fullmatch(prefix):
        raise InvalidInput(
            _(
                "--prefix '{prefix}' cannot start a role name: expected a letter, then up to "
                "19 letters, digits or _."
            ).format(prefix=prefix)
        )
    if (member or password_file) and not login:
        raise InvalidInput(_("--member and --password-file go with --login NAME."))
    if login is not None:
        login = login.strip()
        if not _LOGIN.fullmatch(login):
            raise InvalidInput(
                _(
                    "--login '{name}' is not a login name: expected lower-case letters, digits "
                    "or _, at most 63."
                ).format(name=login)
            )
        if not member:
            raise InvalidInput(_("--login needs --member GROUP: the group the person joins."))
    password = _read_password(password_file) if password_file is not None else None
    engine = db.check_ready(url)
    result = RolesResult()
    with engine.begin() as connection:
        # First, before any catalog row is changed: the tables' locks are then taken
        # before anything another session could be waiting for, and only when needed.
        _enable_row_security(connection)
        result.groups = planned_groups(connection, prefix)
        existing = {
            row[0]
            for row in connection.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                {"names": [group.name for group in result.groups]},
            )
        }
        quote = connection.dialect.identifier_preparer.quote
        for group in result.groups:
            if group.name not in existing:
                connection.exec_driver_sql(f"CREATE ROLE {quote(group.name)} NOLOGIN")
                result.created.append(group.name)
        _record(connection, prefix, result.groups)
        _grant(connection, result.groups)
        if login is not None:
            _login(connection, result, login, member or "", password)
    return result


def _without_row_security(connection: Connection) -> list[str]:
    return list(
        connection.execute(
            text(
                "SELECT relname FROM pg_class WHERE relname = ANY(:tables) "
                "AND relkind = 'r' AND NOT relrowsecurity "
                "AND relnamespace = current_schema()::regnamespace ORDER BY relname"
            ),
            {"tables": [*HUB_OWNED, "hub"]},
        ).scalars()
    )


def _enable_row_security(connection: Connection) -> None:
    for table in _without_row_security(connection):
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")


def _read_password(path: Path) -> str:
    files.protect(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("Cannot read the password file {file}: {reason}.").format(
                file=path, reason=files.os_reason(error) if isinstance(error, OSError) else error
            )
        ) from None
    password = lines[0] if lines else ""
    if len(password) < 8:
        raise InvalidInput(
            _(
                "The password file {file} must hold the password on its first line, at "
                "least 8 characters."
            ).format(file=path)
        )
    return password


def _record(connection: Connection, prefix: str, groups: list[GroupRole]) -> None:
    # The prefix's rows are replaced whole: a station gone since the last run leaves none.
    connection.execute(
        text("DELETE FROM access_role WHERE role_name LIKE :pattern ESCAPE '!'"),
        {"pattern": prefix.replace("_", "!_") + "!_%"},
    )
    connection.execute(
        text(
            "INSERT INTO access_role (role_name, kind, hub_id, courier_id, station_id) "
            "VALUES (:name, :kind, :hub_id, :courier_id, :station_id)"
        ),
        [
            {
                "name": group.name,
                "kind": str(group.kind),
                "hub_id": group.hub_id,
                "courier_id": group.courier_id,
                "station_id": group.station_id,
            }
            for group in groups
        ],
    )


def _grant(connection: Connection, groups: list[GroupRole]) -> None:
    quote = connection.dialect.identifier_preparer.quote
    run = connection.exec_driver_sql
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    columns = connection.execute(
        text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = :schema AND table_name = 'parcel' ORDER BY ordinal_position"
        ),
        {"schema": schema},
    ).scalars()
    impersonal = ", ".join(c for c in columns if c not in PERSONAL)
    sequences = {
        table: connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
        ).scalar_one()
        for table in ("parcel_event", "manifest_load_scan")
    }
    for group in groups:
        role = quote(group.name)
        # Start from nothing, so a second run grants exactly what this one says.
        run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {role}")
        run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quote(schema)} FROM {role}")
        run(f"GRANT CONNECT ON DATABASE {quote(database)} TO {role}")
        run(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {role}")
        if group.kind is Kind.COUNTY:
            run(f"GRANT SELECT ON county_volume TO {role}")
            continue
        run(f"GRANT SELECT ON alembic_version, access_role, hub, parcel_masked TO {role}")
        if group.kind is Kind.OPERATOR:
            changed = ", ".join(CHANGED_BY_OPERATORS)
            run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {changed} TO {role}")
            run(f"GRANT SELECT, INSERT ON {', '.join(WRITTEN_ONCE)} TO {role}")
            run(f"GRANT UPDATE ON hub TO {role}")
            run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {role}")
            continue
        # Drivers and keepers: the parcel without its people, their own steps recorded.
        run(f"GRANT SELECT ({impersonal}) ON parcel TO {role}")
        run(f"GRANT SELECT ON manifest TO {role}")
        run(f"GRANT SELECT, INSERT ON parcel_event TO {role}")
        run(f"GRANT USAGE ON SEQUENCE {sequences['parcel_event']} TO {role}")
        if group.kind is Kind.COURIER:
            run(f"GRANT SELECT ON courier TO {role}")
            run(f"GRANT UPDATE ({', '.join(HANDOVER_COLUMNS)}) ON manifest TO {role}")
            run(f"GRANT UPDATE (status, status_at) ON parcel TO {role}")
            run(f"GRANT SELECT, INSERT ON manifest_load_scan TO {role}")
            run(f"GRANT USAGE ON SEQUENCE {sequences['manifest_load_scan']} TO {role}")
        else:
            run(f"GRANT SELECT ON station TO {role}")
            run(f"GRANT UPDATE (status, status_at, held_from, pickup_code) ON parcel TO {role}")


def _login(
    connection: Connection, result: RolesResult, login: str, member: str, password: str | None
) -> None:
    groups = {group.name: group for group in result.groups}
    if member not in groups:
        raise NotFound(
            _("There is no group {group} in this database; `hub db roles` lists them.").format(
                group=member
            )
        )
    if login in groups:
        raise InvalidInput(
            _("{name} is a group, not a person: choose another --login name.").format(name=login)
        )
    quote = connection.dialect.identifier_preparer.quote
    found = connection.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :name"), {"name": login}
    ).first()
    if found is not None and found[0]:
        raise RuleBroken(
            _(
                "{name} is a superuser: row-level security does not hold it, so it cannot be "
                "a member of a group; choose a person's own login."
            ).format(name=login)
        )
    if found is None:
        connection.exec_driver_sql(f"CREATE ROLE {quote(login)} LOGIN INHERIT")
        result.login_created = True
    else:
        connection.exec_driver_sql(f"ALTER ROLE {quote(login)} LOGIN")
    if password is not None:
        # Hashed here by libpq (SCRAM), so the password never travels or lands in a log.
        raw = connection.connection.dbapi_connection
        hashed = raw.pgconn.encrypt_password(password.encode(), login.encode()).decode()
        literal = "'" + hashed.replace("'", "''") + "'"
        connection.exec_driver_sql(f"ALTER ROLE {quote(login)} PASSWORD {literal}")
        result.password_set = True
    connection.exec_driver_sql(f"GRANT {quote(member)} TO {quote(login)}")
    result.login = login
    result.member_of = member


# ------------------------------------------------------------------ checks and refusals

#: The marker revision 0010's triggers start their refusals with.
AUDIT_MARK = "hub audit:"
_AUDIT = re.compile(r"hub audit: (\w+)(?: (\S+) is (\w+)| is insert-only)")

#: Triggers that keep the audit trail: PostgreSQL's, SQLite's.
AUDIT_TRIGGERS = {
    "postgresql": [f"{table}_insert_only" for table in INSERT_ONLY]
    + ["manifest_closed_guard", "parcel_manifest_guard"],
    "sqlite": [f"{table}_no_{event}" for table in INSERT_ONLY for event in ("update", "delete")],
}


def audit_problems(connection: Connection) -> list[str]:
    """Sentences for each audit trigger missing or disabled and, on PostgreSQL once
    roles were made, each hub table without row-level security."""
    dialect = connection.dialect.name
    expected = AUDIT_TRIGGERS.get(dialect, [])
    if dialect == "sqlite":
        present = {
            name: "O"
            for (name,) in connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
        }
    else:
        present = dict(
            connection.execute(
                text(
                    "SELECT tgname, tgenabled FROM pg_trigger "
                    "WHERE NOT tgisinternal AND tgname = ANY(:names)"
                ),
                {"names": expected},
            ).all()
        )
    problems = []
    for name in expected:
        if name not in present:
            problems.append(
                _(
                    "The audit trigger {trigger} is missing: events or closed manifests can be "
                    "rewritten (docs/access.md says how to put it back)."
                ).format(trigger=name)
            )
        elif present[name] == "D":
            problems.append(
                _(
                    "The audit trigger {trigger} is disabled: enable it again "
                    "(ALTER TABLE ... ENABLE TRIGGER {trigger})."
                ).format(trigger=name)
            )
    if (
        dialect == "postgresql"
        and connection.execute(text("SELECT EXISTS (SELECT 1 FROM access_role)")).scalar_one()
    ):
        off = _without_row_security(connection)
        if off:
            problems.append(
                _(
                    "Row-level security is off on {tables} although roles were made: run "
                    "`hub db roles` again."
                ).format(tables=", ".join(off))
            )
    return problems


def refusal(error: BaseException) -> str | None:
    """The sentence for a change the database refused by these rules (an audit trigger,
    a closed manifest, a privilege or policy of ``hub db roles``), or None."""
    original = getattr(error, "orig", None) or error
    message = str(original)
    if match := _AUDIT.search(message):
        table, subject, state = match.groups()
        if table == "manifest":
            return _(
                "Manifest {manifest} is {state}: only its handover may change it now, and "
                "only the database owner may correct it; nothing was changed."
            ).format(manifest=subject, state=ManifestStatus.label_of(state))
        return _(
            "The audit trail ({table}) is never changed or deleted: record a new event "
            "instead; nothing was changed."
        ).format(table=table)
    if getattr(original, "sqlstate", None) == "42501":
        return _(
            "Your database login may not do this (the database said: {detail}); ask the "
            "hub's database owner (`hub db roles`)."
        ).format(detail=message.strip().splitlines()[0] if message.strip() else "42501")
    return None


# ------------------------------------------------------------------ the owner's maintenance


def sqlite_audit_triggers() -> list[str]:
    """The statements that make SQLite's audit triggers (as revision 0010 does)."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event} BEFORE {event.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MARK} {table} is insert-only'); END"
        for table in INSERT_ONLY
        for event in ("update", "delete")
    ]


@contextmanager
def audit_paused(connection: Connection) -> Iterator[None]:
    """The database owner's maintenance: the insert-only triggers off for what runs in
    the block, on again (or made again, on SQLite) when it ends, whatever happens.

    PostgreSQL: ALTER TABLE ... DISABLE TRIGGER, which only the tables' owner may run;
    inside the caller's transaction, so other sessions never see the triggers off.
    SQLite: the triggers are dropped and made again.
    """
    sqlite = connection.dialect.name == "sqlite"
    for table in INSERT_ONLY:
        if sqlite:
            for event in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        else:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_insert_only")
    try:
        yield
    finally:
        for table in INSERT_ONLY:
            if not sqlite:
                connection.exec_driver_sql(
                    f"ALTER TABLE {table} ENABLE TRIGGER {table}_insert_only"
                )
        if sqlite:
            for statement in sqlite_audit_triggers():
                connection.exec_driver_sql(statement)
