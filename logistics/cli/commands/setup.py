"""`hub init` and `hub db ...`: create, upgrade, back up and restore the database."""

from __future__ import annotations

import shlex
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from logistics.cli.context import hub_context
from logistics.cli.output import console, done, refused, warn
from logistics.i18n import N_, _, ngettext

NAME = "db"
ORDER = 90
app = typer.Typer(help="Upgrade, check, back up and restore the database.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help=(
                "Load the sample township (Gaodu, 30 stations); --sample county loads a "
                "county of three townships (30, 18 and 10 stations)."
            ),
        ),
    ] = False,
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="[county]",
            help="After --sample: county for three townships in one database.",
            show_default=False,
        ),
    ] = None,
    hub_code: Annotated[str, typer.Option(help="Code of your hub.")] = "HUB",
    hub_name: Annotated[str | None, typer.Option(help="Name of your hub.")] = None,
    lat: Annotated[float | None, typer.Option(help="Hub latitude.")] = None,
    lon: Annotated[float | None, typer.Option(help="Hub longitude.")] = None,
    timezone: Annotated[str, typer.Option(help="Hub time zone.")] = "Asia/Shanghai",
) -> None:
    """Create the hub database, or upgrade it to this version (data is kept).

    With --lang zh (or en) the hub keeps that language: every terminal of this hub
    then speaks it unless HUB_LANG or --lang says otherwise.

    Examples:
      hub init --sample --lang zh
      hub init --sample county --lang zh
      hub sample generate --county --days 400   # a year of parcels in each hub
      hub init --hub-name 高都分拨中心 --lat 35.59 --lon 112.97
      hub --db postgresql+psycopg://hub@dbhost/hub init
    """
    from logistics import db
    from logistics.cli.language import given_option
    from logistics.services.setup import initialise

    if which is not None and not sample:
        raise typer.BadParameter(
            _("'{word}' goes after --sample: hub init --sample {word}").format(word=which)
        )
    hub = None
    if hub_name or lat is not None or lon is not None:
        if not (hub_name and lat is not None and lon is not None):
            raise typer.BadParameter(_("a hub needs --hub-name, --lat and --lon together"))
        hub = {"code": hub_code, "name": hub_name, "lat": lat, "lon": lon, "timezone": timezone}
    context = hub_context(ctx)
    result = initialise(
        context.url,
        sample=(which or True) if sample else False,
        hub=hub,
        language=given_option(),
        hub_code=context.hub_option,
    )
    _say_schema(result.url, result.version_before, result.version_after)
    if result.county:
        _say_county(result.county)
    added = result.loaded and any(
        result.loaded.get(key) for key in ("stations", "couriers", "tariff_rows", "vans")
    )
    if added:
        done(
            _(
                "Loaded the sample township: {stations} stations, {couriers} couriers "
                "({tariff_rows} tariff rows), {vans} vans."
            ).format(**result.loaded)
        )
    elif sample and not result.county:
        done(_("The sample township is already here: nothing new was added."))
    kept = result.loaded.get("kept") if result.loaded else None
    if kept:
        warn(
            ngettext(
                "Left {n} row as it is, not as the sample has it: {codes}.",
                "Left {n} rows as they are, not as the sample has them: {codes}.",
                len(kept),
            ).format(n=len(kept), codes=", ".join(kept))
        )
    if hub:
        done(_("The hub is {name}.").format(name=hub_name))
    if result.language:
        done(
            _("Every terminal of this hub now speaks {language}.").format(
                language=_(LANGUAGE_NAMES[result.language])
            )
        )
    if not result.hub_set_up:
        # the next command on this same database: with its --db when one was given
        given = context.db_option
        if given and "://" in given:
            given = db.describe(given)  # never a password on the screen
        command = f"hub --db {shlex.quote(given)}" if given else "hub"
        warn(
            _(
                "No hub is set up yet: run `{hub} init --hub-name NAME --lat LAT --lon LON` "
                "for your hub, or `{hub} init --sample` for the sample township."
            ).format(hub=command)
        )


LANGUAGE_NAMES = {"zh": N_("Chinese"), "en": N_("English")}


def _say_county(county: list[dict]) -> None:
    """One line per hub of the sample county, then how to fill it with parcels."""
    counted = ("stations", "couriers", "tariff_rows", "vans")
    for entry in county:
        if any(entry.get(key) for key in counted):
            done(
                _(
                    "Loaded hub {code} ({name}): {stations} stations, {couriers} couriers "
                    "({tariff_rows} tariff rows), {vans} vans."
                ).format(**entry)
            )
        else:
            done(_("Hub {code} ({name}) is already here: nothing new was added.").format(**entry))
        if entry.get("kept"):
            warn(
                _("Hub {code}: left {codes} as they are, not as the sample has them.").format(
                    code=entry["code"], codes=", ".join(entry["kept"])
                )
            )
    console.print(
        escape(
            _(
                "Every command now needs --hub CODE (or HUB_HUB); `hub sample generate "
                "--county --days 400` makes a year of sample parcels in every hub."
            )
        )
    )


def _say_schema(url: str, before: str | None, after: str) -> None:
    if before is None:
        done(_("Created the hub database {url} (schema {version}).").format(url=url, version=after))
    elif before != after:
        done(
            _("Upgraded {url} from schema {before} to {after}.").format(
                url=url, before=before, after=after
            )
        )
    else:
        console.print(
            escape(_("{url} is already at schema {version}.").format(url=url, version=after))
        )


def register(root: typer.Typer) -> None:
    root.command("init")(init)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the database schema to this version of hub; data is never dropped."""
    from logistics import db

    url = hub_context(ctx).url
    db.check_ready_or_old(url)
    before, after = db.upgrade(url)
    _say_schema(db.describe(url), before, after)


@app.command()
def backup(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="The new backup file, or a folder to put it in (backups/)."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a consistent copy of a SQLite database, even while others are scanning.

    The copy holds names and phone numbers, so only its owner may read it. Into a folder
    the copy is named by the time: backups/hub-2026-11-23-0715.db.

    Examples:
      hub db backup backups/hub-2026-11-23.db
      hub db backup backups/
    """
    from logistics import db

    written = db.backup(hub_context(ctx).url, target, force=force)
    size = written.stat().st_size
    done(
        _("Backed up to {file} ({size} MiB).").format(file=written, size=f"{size / 1_048_576:.1f}")
    )


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A file written by `hub db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before overwriting.")] = False,
) -> None:
    """Replace the SQLite database by a backup (everything since the backup is lost).

    The backup is checked first (a whole hub database of a schema this hub knows), the
    replaced database is kept beside it as NAME.before-restore-TIME, and the restore is
    refused while another process (a scan session, another command) has the database open.
    """
    from logistics import db

    url = hub_context(ctx).url
    facts = db.inspect_backup(source)
    if not yes:
        typer.confirm(
            _(
                "Overwrite {database} with {file} ({stations} stations, {parcels} parcels, "
                "schema {version})?"
            ).format(
                database=db.describe(url),
                file=source,
                stations=f"{facts.counts['stations']:,}",
                parcels=f"{facts.counts['parcels']:,}",
                version=facts.version,
            ),
            abort=True,
        )
    result = db.restore(url, source)
    counts = {key: f"{value:,}" for key, value in result.counts.items()}
    done(
        _(
            "Restored {database} from {file}: {stations} stations, {couriers} couriers, "
            "{parcels} parcels, {events} parcel events."
        ).format(database=db.describe(url), file=source, **counts)
    )
    if result.kept is not None:
        done(_("The database it replaced is kept as {file}.").format(file=result.kept))
    if result.backup.outdated:
        warn(
            _("The backup is at schema {version}: run `hub db upgrade` before using it.").format(
                version=result.backup.version
            )
        )


@app.command()
def check(ctx: typer.Context) -> None:
    """Check that nothing is half written: every parcel agrees with its last event,
    event chains are unbroken, manifests hold the parcels their state says.

    Exit 0 when the database is consistent, 1 with one line per problem otherwise.
    """
    from logistics.services import integrity

    problems = integrity.check_database(hub_context(ctx).url)
    if not problems:
        done(_("The database is consistent."))
        return
    for problem in problems:
        refused(problem)
    raise typer.Exit(1)


@app.command("purge-personal")
def purge_personal(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help="Erase what is older than this many days, this time only "
            "(default: the hub's setting).",
        ),
    ] = None,
    keep_days: Annotated[
        int | None,
        typer.Option(
            "--keep-days",
            help="Keep personal data this many days from now on (stored for the hub).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be erased; change nothing.")
    ] = False,
) -> None:
    """Erase the names, phones and detailed addresses of parcels whose last event is
    older than the hub keeps them (90 days unless --keep-days changed it).

    Erasing masks them in place for good (王*, 1******5678, the address cut to
    province, city and county): provinces and cities stay, so the reports of old months
    add up as before. The day's first `hub plan` erases what is due as well.

    Examples:
      hub db purge-personal --dry-run
      hub db purge-personal --keep-days 120
    """
    from logistics.cli.context import open_session
    from logistics.services import personal_data

    with open_session(ctx) as session, _counting(_("Erasing personal data")) as tell:
        result = personal_data.erase_personal(
            session, days=days, keep_days=keep_days, dry_run=dry_run, progress=tell
        )
    if result.stored_keep_days:
        done(
            ngettext(
                "Hub {hub} now keeps personal data {days} day after a parcel's last event.",
                "Hub {hub} now keeps personal data {days} days after a parcel's last event.",
                result.keep_days,
            ).format(hub=result.hub_code, days=result.keep_days)
        )
    if not result.parcels:
        done(
            _(
                "No parcel whose last event was before {cutoff} still holds personal data: "
                "nothing to erase."
            ).format(cutoff=result.cutoff)
        )
        return
    values = {
        "n": f"{result.parcels:,}",
        "cutoff": result.cutoff,
        "oldest": result.local_day(result.oldest),
        "newest": result.local_day(result.newest),
    }
    if dry_run:
        done(
            ngettext(
                "{n} parcel would have its names, phones and address erased (last event on "
                "{oldest}, before {cutoff}). Nothing was changed.",
                "{n} parcels would have their names, phones and addresses erased (last "
                "events from {oldest} to {newest}, before {cutoff}). Nothing was changed.",
                result.parcels,
            ).format(**values)
        )
        return
    done(
        ngettext(
            "Erased the names, phones and address of {n} parcel (last event on {oldest}, "
            "before {cutoff}).",
            "Erased the names, phones and addresses of {n} parcels (last events from "
            "{oldest} to {newest}, before {cutoff}).",
            result.parcels,
        ).format(**values)
    )


@contextmanager
def _counting(description: str):
    """A count of rows done on a terminal (nothing elsewhere); yields the callback."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        "{task.completed:,}",
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(escape(description), total=None)
        yield lambda finished: bar.update(task, completed=finished)


@app.command("move-to")
def move_to(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help="The database to move the hub into: postgresql+psycopg://user@host/dbname."
        ),
    ],
) -> None:
    """Copy this hub, with its whole history, into another database (the county's server).

    The target's schema is created or brought up to date first. The copy is refused when
    the target already has a hub of the same code, keeps the hub parcel ids, tracking
    numbers and every code, and is checked (the rows of every table counted, then
    `hub db check`) before it is committed: interrupted or refused, it leaves nothing on
    the target. This database is only read; --hub chooses the hub when it holds several.

    Examples:
      hub db move-to postgresql+psycopg://hub@county-db/county
      hub --hub GAODU --db county.db db move-to postgresql+psycopg://hub@county-db/county
    """
    from logistics import db
    from logistics.services import hub_move

    context = hub_context(ctx)
    with _table_bars() as tell:
        result = hub_move.move_hub(
            context.url, db.resolve_url(target), hub_code=context.hub_option, progress=tell
        )
    counts = {key: f"{value:,}" for key, value in result.counts.items()}
    done(
        _(
            "Moved hub {code} ({name}) into {target} in {seconds} s: {parcels} parcels, "
            "{events} parcel events, {rounds} rounds, {manifests} manifests; every table's "
            "rows counted and the copy checked."
        ).format(
            code=result.hub_code,
            name=result.hub_name,
            target=result.target,
            seconds=f"{result.seconds:.1f}",
            parcels=counts["parcel"],
            events=counts["parcel_event"],
            rounds=counts["round"],
            manifests=counts["manifest"],
        )
    )
    console.print(
        escape(
            _(
                "{source} is unchanged. Work on with --db {target} --hub {code}, and stop "
                "using the old database for this hub."
            ).format(source=result.source, target=result.target, code=result.hub_code)
        )
    )


@contextmanager
def _table_bars():
    """A progress bar per table on a terminal (nothing elsewhere); yields the callback."""
    if not console.is_terminal:
        yield None
        return
    from logistics.cli.progress import bars

    with bars() as bar:
        tasks: dict[str, int] = {}

        def tell(table: str, copied: int, total: int) -> None:
            if total < BAR_FROM_ROWS:
                return
            if table not in tasks:
                tasks[table] = bar.add_task(
                    escape(_("Copying {table}").format(table=table)), total=total
                )
            bar.update(tasks[table], completed=copied)

        yield tell


#: Tables smaller than this are copied without a progress bar of their own.
BAR_FROM_ROWS = 10_000


@app.command()
def roles(
    ctx: typer.Context,
    prefix: Annotated[
        str, typer.Option(help="First word of every role name; one per county on a shared server.")
    ] = "hub",
    login: Annotated[
        str | None, typer.Option(help="A person's login to create or update (needs --member).")
    ] = None,
    member: Annotated[
        str | None, typer.Option(help="The group the --login joins, e.g. hub_gaodu_operator.")
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option(help="File whose first line is the --login's password (never shown)."),
    ] = None,
) -> None:
    """Create or update the PostgreSQL roles of every hub, courier and station, their
    grants and row-level security (run it again after adding a hub, courier or station).

    A hub's operators read their hub in full; a courier's drivers their manifests and
    those parcels with names and phones masked; a station's keeper the station's
    parcels the same way; the county bureau the aggregate view county_volume only.
    Run as the database owner. docs/access.md tells who sees what.

    Examples:
      hub db roles
      hub db roles --login wang --member hub_gaodu_operator --password-file wang.pw
    """
    from logistics.cli.output import Column, render_rows
    from logistics.services import access

    result = access.make_roles(
        hub_context(ctx).url,
        prefix=prefix,
        login=login,
        member=member,
        password_file=password_file,
    )
    render_rows(
        [
            {
                "role": group.name,
                "kind": _(access.KIND_WORDS[group.kind]),
                "hub": group.hub_code or "",
                "of": group.subject or "",
            }
            for group in result.groups
        ],
        [
            Column("role", _("Role")),
            Column("kind", _("Who")),
            Column("hub", _("Hub")),
            Column("of", _("Courier or station")),
        ],
        title=_("Group roles ({n})").format(n=len(result.groups)),
    )
    done(
        ngettext(
            "{n} group role is in place ({created} new); row-level security is on.",
            "{n} group roles are in place ({created} new); row-level security is on.",
            len(result.groups),
        ).format(n=len(result.groups), created=len(result.created))
    )
    if result.login:
        done(
            _("{login} may log in as a member of {group}{password}.").format(
                login=result.login,
                group=result.member_of,
                password=_(" (password set)") if result.password_set else "",
            )
        )
