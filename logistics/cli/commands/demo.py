"""`hub demo`: the sample township on a throw-away database, to see the hub at work."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.context import hub_context
from logistics.cli.output import console, done

ORDER = 1


def demo(
    ctx: typer.Context,
    folder: Annotated[
        Path | None, typer.Option(help="Where to keep the database and printouts.")
    ] = None,
) -> None:
    """Set up the sample township (Gaodu, Zezhou county) in a temporary database and show it.

    Example:
      hub demo
      hub demo --folder demo-output
    """
    from logistics.cli.commands import courier, station, vehicle
    from logistics.cli.output import render_rows
    from logistics.db import session_scope
    from logistics.services import network
    from logistics.services.setup import initialise

    context = hub_context(ctx)
    if context.db_option:
        url = context.url
    else:
        folder = folder or Path(tempfile.mkdtemp(prefix="hub-demo-"))
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(folder / 'hub.db').resolve()}"
    initialise(url, sample=True)
    with session_scope(url, write=False) as session:
        hub = network.current_hub(session)
        console.rule(f"[bold]{hub.name}[/bold]")
        render_rows(network.list_stations(session), station.COLUMNS, title="Village stations")
        render_rows(network.list_couriers(session), courier.COLUMNS, title="Couriers")
        render_rows(network.list_vehicles(session), vehicle.COLUMNS, title="Vans")
    done(f"The demo database is {url}.")
    console.print("Try next:")
    db_flag = f"--db {url}"
    for command in ("station show GD01", "courier show ZTO", "station list --json"):
        console.print(f"  hub {db_flag} {command}")


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
