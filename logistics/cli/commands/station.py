"""`hub station ...`: the village service stations around the hub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.context import open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    done,
    print_json,
    render_record,
    render_rows,
)

NAME = "station"
ORDER = 10
app = typer.Typer(help="Village service stations: list, show, add, import.", no_args_is_help=True)

COLUMNS = [
    Column("code", "Code"),
    Column("name", "Station"),
    Column("keeper", "Keeper", leave_out=2),
    Column("phone", "Phone"),
    Column("hours", "Hours", leave_out=1),
    Column("lat", "Lat", "right", leave_out=3),
    Column("lon", "Lon", "right", leave_out=3),
    Column("households", "Households", "right", leave_out=4),
    Column("waiting", "Waiting", "right"),
]


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the stations, with the outbound parcels waiting at each.

    Examples:
      hub station list
      hub station list --csv > stations.csv
    """
    from logistics.services import network

    with open_session(ctx, write=False) as session:
        rows = network.list_stations(session)
    render_rows(
        rows,
        COLUMNS,
        title="Stations",
        as_json=as_json,
        as_csv=as_csv,
        empty="No stations yet: `hub station import FILE` or `hub init --sample`.",
    )


@app.command()
def show(ctx: typer.Context, code: str, as_json: JsonOption = False) -> None:
    """Show one station: contact, location, hours and what is waiting there."""
    from logistics.services import network

    with open_session(ctx, write=False) as session:
        record = network.show_station(session, code)
    if as_json:
        print_json(record)
        return
    render_record(
        record,
        [
            ("code", "Code"),
            ("name", "Station"),
            ("village", "Village"),
            ("keeper_name", "Keeper"),
            ("keeper_phone", "Phone"),
            ("lat", "Latitude"),
            ("lon", "Longitude"),
            ("hours", "Opening hours"),
            ("service_minutes", "Stop minutes"),
            ("households", "Households"),
            ("retention_days", "Retention days"),
            ("outbound_waiting", "Outbound waiting"),
            ("inbound_waiting", "Inbound to pick up"),
            ("active", "Active"),
        ],
    )


@app.command()
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Station code, e.g. GD31.")],
    name: Annotated[str, typer.Option(help="Station name.")],
    lat: Annotated[float, typer.Option(help="Latitude.")],
    lon: Annotated[float, typer.Option(help="Longitude.")],
    village: Annotated[str | None, typer.Option(help="Village (default: the name).")] = None,
    hours: Annotated[str, typer.Option(help="Opening hours.")] = "08:00-18:00",
    keeper_name: Annotated[str | None, typer.Option(help="Station keeper.")] = None,
    keeper_phone: Annotated[str | None, typer.Option(help="Keeper's phone.")] = None,
    service_minutes: Annotated[int, typer.Option(help="Minutes a van stops there.")] = 5,
    households: Annotated[int | None, typer.Option(help="Households served.")] = None,
) -> None:
    """Add a station, or update the one with that code.

    Example:
      hub station add --code GD31 --name 新庄村服务站 --lat 35.61 --lon 112.99 --hours 08:00-18:00
    """
    from logistics.services import network

    values = {
        "code": code,
        "name": name,
        "lat": str(lat),
        "lon": str(lon),
        "village": village or "",
        "hours": hours,
        "keeper_name": keeper_name or "",
        "keeper_phone": keeper_phone or "",
        "service_minutes": str(service_minutes),
        "households": "" if households is None else str(households),
    }
    with open_session(ctx) as session:
        station = network.add_station(session, values)
    done(f"Station {station.code} {station.name} saved.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030) or XLSX.")],
) -> None:
    """Import stations from a file; a second run updates them by code.

    Columns: code, name, village, keeper_name, keeper_phone, lat, lon, hours
    (08:00-18:00), service_minutes, households (Chinese headers such as 站点编码,
    纬度, 经度, 营业时间 work too). Nothing is imported if any row is bad.

    Example:
      hub station import stations.csv
    """
    from logistics.services import network

    with open_session(ctx) as session:
        added, updated = network.import_stations(session, file)
    done(f"Imported {file.name}: {added} stations added, {updated} updated.")
