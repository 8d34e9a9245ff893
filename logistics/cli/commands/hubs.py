"""`hub hubs ...`: the hubs of one database (a county's server)."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics.cli.context import open_session
from logistics.cli.output import Column, CsvOption, JsonOption, done, render_rows
from logistics.i18n import N_, _

NAME = "hubs"
ORDER = 5
app = typer.Typer(
    help="The hubs of this database: several townships on one county server.",
    no_args_is_help=True,
)

COLUMNS = [
    Column("code", N_("Hub")),
    Column("name", N_("Name")),
    Column("stations", N_("Stations"), "right"),
    Column("vans", N_("Vans"), "right"),
    Column("couriers", N_("Couriers"), "right"),
    Column("parcels", N_("Parcels"), "right", lambda value: f"{value:,}"),
    Column("language", N_("Language")),
]


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the hubs with their stations, vans, couriers and parcels.

    Every other command works on one hub: --hub CODE (or HUB_HUB=CODE) chooses it
    when the database holds several.
    """
    from logistics.services import hubs

    with open_session(ctx, write=False, any_hub=True) as session:
        rows = hubs.list_hubs(session)
    render_rows(
        rows,
        COLUMNS,
        title=_("Hubs"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No hub yet: `hub hubs add CODE --name NAME --lat LAT --lon LON`."),
    )


@app.command()
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Code of the new hub, e.g. XILING.")],
    name: Annotated[str, typer.Option(help="Name of the hub.")],
    lat: Annotated[float, typer.Option(help="Hub latitude.")],
    lon: Annotated[float, typer.Option(help="Hub longitude.")],
    timezone: Annotated[str, typer.Option(help="Hub time zone.")] = "Asia/Shanghai",
    address: Annotated[str | None, typer.Option(help="Hub address.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", metavar="zh|en", help="The hub's language.")
    ] = None,
) -> None:
    """Set up one more hub in this database.

    Its stations, couriers and vans are its own: import them with --hub CODE.

    Example:
      hub hubs add XILING --name 西岭镇物流中心 --lat 35.41 --lon 112.85 --language zh
      hub --hub XILING station import stations.csv
    """
    from logistics.services import hubs

    with open_session(ctx, any_hub=True) as session:
        hub = hubs.add_hub(
            session,
            code=code,
            name=name,
            lat=lat,
            lon=lon,
            timezone=timezone,
            address=address,
            language=language,
        )
    done(
        _("Hub {code} ({name}) is set up; work on it with --hub {code}.").format(
            code=hub.code, name=hub.name
        )
    )
