"""`hub init` and `hub db ...`: create, upgrade, back up and restore the database."""

from __future__ import annotations

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
        bool, typer.Option("--sample", help="Load the sample township (Gaodu, 30 stations).")
    ] = False,
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
      hub init --hub-name 高都分拨中心 --lat 35.59 --lon 112.97
      hub --db postgresql+psycopg://hub@dbhost/hub init
    """
    from logistics.cli.language import given_option
    from logistics.services.setup import initialise

    hub = None
    if hub_name or lat is not None or lon is not None:
        if not (hub_name and lat is not None and lon is not None):
            raise typer.BadParameter(_("a hub needs --hub-name, --lat and --lon together"))
        hub = {"code": hub_code, "name": hub_name, "lat": lat, "lon": lon, "timezone": timezone}
    context = hub_context(ctx)
    result = initialise(
        context.url,
        sample=sample,
        hub=hub,
        language=given_option(),
        hub_code=context.hub_option,
    )
    _say_schema(result.url, result.version_before, result.version_after)
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
    elif sample:
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
        warn(
            _(
                "No hub is set up yet: run `hub init --hub-name NAME --lat LAT --lon LON` "
                "for your hub, or `hub init --sample` for the sample township."
            )
        )


LANGUAGE_NAMES = {"zh": N_("Chinese"), "en": N_("English")}


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
    target: Annotated[Path, typer.Argument(help="The new backup file.", dir_okay=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a consistent copy of a SQLite database, even while others are scanning.

    The copy holds names and phone numbers, so only its owner may read it.

    Example:
      hub db backup backups/hub-2026-11-23.db
    """
    from logistics import db

    size = db.backup(hub_context(ctx).url, target, force=force)
    done(_("Backed up to {file} ({size} MiB).").format(file=target, size=f"{size / 1_048_576:.1f}"))


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
