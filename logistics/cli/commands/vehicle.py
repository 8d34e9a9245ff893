"""`hub vehicle ...`: the hub's vans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.commands.station import (
    DryRunOption,
    IgnoreUnknownOption,
    ImportEncodingOption,
    show_import,
    translated,
    yes_no,
)
from logistics.cli.context import open_session
from logistics.cli.output import Column, CsvOption, JsonOption, done, figure, render_rows, yuan
from logistics.i18n import N_, _, ngettext

NAME = "vehicle"
ORDER = 12
app = typer.Typer(help="The hub's vans: list, add, import.", no_args_is_help=True)

COLUMNS = [
    Column("code", N_("Van")),
    Column("plate", N_("Plate"), no_wrap=True),
    Column("capacity_kg", N_("Capacity kg"), "right", figure),
    Column("capacity_parcels", N_("Capacity parcels"), "right"),
    Column("shift", N_("Shift")),
    Column("cost_per_km_fen", N_("¥/km"), "right", yuan),
    Column("fixed_cost_fen", N_("¥/day"), "right", yuan),
    Column("active", N_("Active"), format=lambda v: str(yes_no(v))),
]


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the vans with capacity, shift and costs."""
    from logistics.services import network

    with open_session(ctx, write=False) as session:
        rows = network.list_vehicles(session)
    render_rows(
        rows,
        translated(COLUMNS),
        title=_("Vans"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No vans yet: `hub vehicle import FILE` or `hub init --sample`."),
    )


@app.command()
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Van code, e.g. VAN6.")],
    capacity_kg: Annotated[float, typer.Option(help="Load it carries, kg.")],
    capacity_parcels: Annotated[int, typer.Option(help="Parcels it carries.")],
    plate: Annotated[str | None, typer.Option(help="Number plate.")] = None,
    shift_start: Annotated[str, typer.Option(help="HH:MM")] = "07:30",
    shift_end: Annotated[str, typer.Option(help="HH:MM")] = "17:30",
    cost_per_km: Annotated[str, typer.Option(help="Yuan per km.")] = "1.20",
    fixed_cost: Annotated[str, typer.Option(help="Yuan per day used.")] = "150",
) -> None:
    """Add a van, or update the one with that code.

    Example:
      hub vehicle add --code VAN6 --plate 晋E·D6639 --capacity-kg 1500 --capacity-parcels 180
    """
    from logistics.services import network

    values = {
        "code": code,
        "plate": plate or "",
        "capacity_kg": str(capacity_kg),
        "capacity_parcels": str(capacity_parcels),
        "shift_start": shift_start,
        "shift_end": shift_end,
        "cost_per_km": cost_per_km,
        "fixed_cost": fixed_cost,
    }
    with open_session(ctx) as session:
        vehicle = network.add_vehicle(session, values)
    done(_("Van {code} saved.").format(code=vehicle.code))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030) or XLSX.")],
    ignore_unknown: IgnoreUnknownOption = False,
    dry_run: DryRunOption = False,
    encoding: ImportEncodingOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import vans; a second run updates them by code.

    Columns: code, plate, capacity_kg, capacity_parcels, shift_start, shift_end,
    cost_per_km, fixed_cost (yuan). A new van needs code, capacity_kg and
    capacity_parcels; a van already set up changes only in the columns the file
    carries, and a blank cell keeps what is stored. A column the import does not know
    is refused unless --ignore-unknown is given. Nothing is imported if any row is bad.
    Every row is listed as added, updated (with the fields) or unchanged; --dry-run
    only lists.
    """

    from logistics.services import network_import

    with open_session(ctx) as session:
        result = network_import.import_vehicles(
            session, file, ignore_unknown=ignore_unknown, dry_run=dry_run, encoding=encoding
        )
    summary = ngettext(
        "Imported {file}: {added} van added, {updated} updated, {unchanged} unchanged.",
        "Imported {file}: {added} vans added, {updated} updated, {unchanged} unchanged.",
        result.added,
    )
    show_import(result, summary, as_json=as_json)
