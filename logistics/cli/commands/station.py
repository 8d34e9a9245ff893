"""`hub station ...`: the village service stations around the hub."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from logistics.cli.context import open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    done,
    print_json,
    render_record,
    render_rows,
)
from logistics.i18n import N_, _, is_chinese, ngettext

NAME = "station"
ORDER = 10
app = typer.Typer(help="Village service stations: list, show, add, import.", no_args_is_help=True)

COLUMNS = [
    Column("code", N_("Code")),
    Column("name", N_("Station")),
    Column("keeper", N_("Keeper"), leave_out=2),
    Column("phone", N_("Phone")),
    Column("hours", N_("Opening hours"), leave_out=1),
    Column("lat", N_("Lat"), "right", leave_out=3),
    Column("lon", N_("Lon"), "right", leave_out=3),
    Column("households", N_("Households"), "right", leave_out=4),
    Column("waiting", N_("Waiting"), "right"),
]


def translated(columns: list[Column]) -> list[Column]:
    """The columns with their headers in the chosen language (the list is made at import,
    before the language is chosen)."""
    return [replace(column, header=_(column.header)) for column in columns]


def yes_no(value: object) -> object:
    """An on/off flag as a person reads it: 是/否 in Chinese (English shows it as today)."""
    if not is_chinese() or not isinstance(value, bool):
        return value
    return _("yes") if value else _("no")


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
        translated(COLUMNS),
        title=_("Stations"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No stations yet: `hub station import FILE` or `hub init --sample`."),
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
        {**record, "active": yes_no(record.get("active"))},
        [
            ("code", _("Code")),
            ("name", _("Station")),
            ("village", _("Village")),
            ("keeper_name", _("Keeper")),
            ("keeper_phone", _("Phone")),
            ("lat", _("Latitude")),
            ("lon", _("Longitude")),
            ("hours", _("Opening hours")),
            ("service_minutes", _("Stop minutes")),
            ("households", _("Households")),
            ("retention_days", _("Retention days")),
            ("outbound_waiting", _("Outbound waiting")),
            ("inbound_waiting", _("Inbound to pick up")),
            ("active", _("Active")),
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
    done(_("Station {code} {name} saved.").format(code=station.code, name=station.name))


IgnoreUnknownOption = Annotated[
    bool,
    typer.Option("--ignore-unknown", help="Import the file without the columns it does not know."),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what the import would change; save nothing.")
]
ImportEncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="The CSV file's encoding when its bytes cannot tell: utf-8, gb18030, "
        "utf-16 or latin-1.",
    ),
]
CHANGE_COLUMNS = [
    Column("code", N_("Code")),
    Column("change", N_("Change")),
    Column("fields", N_("Fields")),
]


def show_import(result, summary: str | None = None, *, as_json: bool = False) -> None:
    """The listing of an import's rows (added, updated with the fields, unchanged), then
    ``summary`` (a translated sentence with {file}, {added}, {updated}, {unchanged}) once
    the rows are saved."""
    if as_json:
        print_json(result.as_dict())
        return
    _show_changes(result.changes, _("Rows of {file}").format(file=result.file))
    if result.tariffs:
        _show_changes(result.tariffs, _("Tariff rows"))
    if result.dry_run:
        console.print(escape(_("Dry run: nothing was saved.")))
    elif summary is not None:
        done(
            summary.format(
                file=result.file,
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        )


def _show_changes(changes, title: str) -> None:
    from logistics.domain.network import Change
    from logistics.services.network_import import field_label

    shown = [
        {
            "code": row.code,
            "change": row.change.label,
            "fields": "; ".join(
                f"{field_label(name)} {old or '-'} → {new or '-'}" for name, old, new in row.fields
            ),
        }
        for row in changes
        if row.change is not Change.UNCHANGED
    ]
    if shown:
        render_rows(shown, translated(CHANGE_COLUMNS), title=title)
    same = [row.code for row in changes if row.change is Change.UNCHANGED]
    if same:
        console.print(
            escape(
                ngettext(
                    "{n} row unchanged: {codes}.", "{n} rows unchanged: {codes}.", len(same)
                ).format(n=len(same), codes=", ".join(same))
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030) or XLSX.")],
    ignore_unknown: IgnoreUnknownOption = False,
    dry_run: DryRunOption = False,
    encoding: ImportEncodingOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import stations from a file; a second run updates them by code.

    Columns: code, name, village, keeper_name, keeper_phone, lat, lon, hours
    (08:00-18:00), service_minutes, households (Chinese headers such as 站点编码,
    纬度, 经度, 营业时间 work too). A new station needs code, name, lat and lon; a
    station already set up changes only in the columns the file carries, and a blank
    cell keeps what is stored. A column the import does not know is refused unless
    --ignore-unknown is given. Nothing is imported if any row is bad. Every row is
    listed as added, updated (with the fields) or unchanged; --dry-run only lists.

    Examples:
      hub station import stations.csv --dry-run
      hub station import stations.csv
    """

    from logistics.services import network_import

    with open_session(ctx) as session:
        result = network_import.import_stations(
            session, file, ignore_unknown=ignore_unknown, dry_run=dry_run, encoding=encoding
        )
    summary = ngettext(
        "Imported {file}: {added} station added, {updated} updated, {unchanged} unchanged.",
        "Imported {file}: {added} stations added, {updated} updated, {unchanged} unchanged.",
        result.added,
    )
    show_import(result, summary, as_json=as_json)
