"""`hub init` and `hub db ...`: create, upgrade, back up and restore the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from logistics.cli.context import hub_context, open_session
from logistics.cli.output import console, done, refused

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

    Examples:
      hub init --sample
      hub init --hub-name 高都分拨中心 --lat 35.59 --lon 112.97
      hub --db postgresql+psycopg://hub@dbhost/hub init
    """
    from logistics.services.setup import initialise

    hub = None
    if hub_name or lat is not None or lon is not None:
        if not (hub_name and lat is not None and lon is not None):
            raise typer.BadParameter("a hub needs --hub-name, --lat and --lon together")
        hub = {"code": hub_code, "name": hub_name, "lat": lat, "lon": lon, "timezone": timezone}
    result = initialise(hub_context(ctx).url, sample=sample, hub=hub)
    if result.version_before is None:
        done(f"Created the hub database {result.url} (schema {result.version_after}).")
    elif result.version_before != result.version_after:
        done(
            f"Upgraded {result.url} from schema {result.version_before} to {result.version_after}."
        )
    else:
        console.print(escape(f"{result.url} is already at schema {result.version_after}."))
    if result.loaded:
        done(
            "Loaded the sample township: {stations} stations, {couriers} couriers "
            "({tariff_rows} tariff rows), {vans} vans.".format(**result.loaded)
        )
    if hub:
        done(f"The hub is {hub_name}.")


def register(root: typer.Typer) -> None:
    root.command("init")(init)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the database schema to this version of hub; data is never dropped."""
    from logistics import db

    url = hub_context(ctx).url
    db.check_ready_or_old(url)
    before, after = db.upgrade(url)
    if before == after:
        console.print(escape(f"{db.describe(url)} is already at schema {after}."))
    else:
        done(f"Upgraded {db.describe(url)} from schema {before} to {after}.")


@app.command()
def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="The new backup file.", dir_okay=False)],
) -> None:
    """Write a consistent copy of a SQLite database, even while others are scanning.

    Example:
      hub db backup backups/hub-2026-11-23.db
    """
    from logistics import db

    size = db.backup(hub_context(ctx).url, target)
    done(f"Backed up to {target} ({size / 1_048_576:.1f} MiB).")


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A file written by `hub db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before overwriting.")] = False,
) -> None:
    """Replace the SQLite database by a backup (everything since the backup is lost)."""
    from logistics import db

    url = hub_context(ctx).url
    if not yes:
        typer.confirm(f"Overwrite {db.describe(url)} with {source}?", abort=True)
    db.restore(url, source)
    done(f"Restored {db.describe(url)} from {source}.")


@app.command()
def check(ctx: typer.Context) -> None:
    """Check that nothing is half written: every parcel agrees with its last event,
    event chains are unbroken, manifests hold the parcels their state says.

    Exit 0 when the database is consistent, 1 with one line per problem otherwise.
    """
    from logistics.services import integrity

    with open_session(ctx, write=False) as session:
        problems = integrity.check(session)
    if not problems:
        done("The database is consistent.")
        return
    for problem in problems:
        refused(problem)
    raise typer.Exit(1)
