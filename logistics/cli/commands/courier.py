"""`hub courier ...`: the express couriers sharing the hub, with their terms and tariffs."""

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
    figure,
    print_json,
    render_record,
    render_rows,
    yuan,
)

NAME = "courier"
ORDER = 11
app = typer.Typer(help="Couriers: list, show, add, import (with tariffs).", no_args_is_help=True)

COLUMNS = [
    Column("code", "Code"),
    Column("name", "Courier"),
    Column("cutoff", "Cut-off"),
    Column("daily_capacity", "Capacity/day", "right"),
    Column("min_share", "Min share", "right", lambda v: f"{v:.0%}", leave_out=2),
    Column("volumetric_divisor", "Divisor", "right", leave_out=4),
    Column("weight_step_kg", "Step kg", "right", figure, leave_out=4),
    Column("max_weight_kg", "Max kg", "right", figure, leave_out=3),
    Column("not_served", "Not served", format=lambda v: "、".join(v)),
    Column("tariff_rows", "Tariffs", "right", leave_out=5),
]


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False, as_csv: CsvOption = False) -> None:
    """List the couriers with cut-off, capacity, minimum share and provinces not served."""
    from logistics.services import network

    with open_session(ctx, write=False) as session:
        rows = network.list_couriers(session)
    if as_csv:
        rows = [{**row, "not_served": ";".join(row["not_served"])} for row in rows]
    render_rows(
        rows,
        COLUMNS,
        title="Couriers",
        as_json=as_json,
        as_csv=as_csv,
        empty="No couriers yet: `hub courier import FILE` or `hub init --sample`.",
    )


@app.command()
def show(ctx: typer.Context, code: str, as_json: JsonOption = False) -> None:
    """Show one courier's terms and its tariff by destination province."""
    from logistics.services import network

    with open_session(ctx, write=False) as session:
        record = network.show_courier(session, code)
    if as_json:
        print_json(record)
        return
    render_record(
        {**record, "not_served": "、".join(record["not_served"]) or "-"},
        [
            ("code", "Code"),
            ("name", "Courier"),
            ("cutoff", "Cut-off"),
            ("daily_capacity", "Capacity/day"),
            ("min_share", "Minimum share"),
            ("volumetric_divisor", "Volumetric divisor"),
            ("weight_step_kg", "Weight step kg"),
            ("max_weight_kg", "Max weight kg"),
            ("not_served", "Not served"),
            ("tracking_pattern", "Tracking number pattern"),
        ],
    )
    render_rows(
        record["tariffs"],
        [
            Column("province", "Province"),
            Column("province_code", "Code"),
            Column("first_kg_fen", "First kg ¥", "right", yuan),
            Column("extra_kg_fen", "Each extra kg ¥", "right", yuan),
        ],
        title="Tariff",
        empty="No tariff rows: `hub courier import --tariffs FILE`.",
    )


@app.command()
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Option(help="Courier code, e.g. ZTO.")],
    name: Annotated[str, typer.Option(help="Courier name.")],
    daily_capacity: Annotated[int, typer.Option(help="Parcels it takes a day.")],
    cutoff: Annotated[str, typer.Option(help="Line-haul cut-off, HH:MM.")] = "17:00",
    min_share: Annotated[str, typer.Option(help="Agreed minimum share, e.g. 10%.")] = "0",
    volumetric_divisor: Annotated[int, typer.Option(help="cm3 per kg.")] = 8000,
    weight_step_kg: Annotated[str, typer.Option(help="Rounding step: 0.5 or 1.")] = "1",
    max_weight_kg: Annotated[str, typer.Option(help="Heaviest parcel it takes.")] = "",
    excluded_provinces: Annotated[str, typer.Option(help="Not served, e.g. '新疆;西藏'.")] = "",
    tracking_pattern: Annotated[str, typer.Option(help="Regular expression.")] = "",
) -> None:
    """Add a courier, or update the one with that code.

    Example:
      hub courier add --code ZTO --name 中通快递 --daily-capacity 900 --cutoff 17:00 --min-share 15%
    """
    from logistics.services import network

    values = {
        "code": code,
        "name": name,
        "daily_capacity": str(daily_capacity),
        "cutoff": cutoff,
        "min_share": min_share,
        "volumetric_divisor": str(volumetric_divisor),
        "weight_step_kg": weight_step_kg,
        "max_weight_kg": max_weight_kg,
        "excluded_provinces": excluded_provinces,
        "tracking_pattern": tracking_pattern,
    }
    with open_session(ctx) as session:
        courier = network.add_courier(session, values)
    done(f"Courier {courier.code} {courier.name} saved.")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Couriers CSV/XLSX.")] = None,
    tariffs: Annotated[
        Path | None, typer.Option(help="Tariff CSV/XLSX: courier, province, first_kg, extra_kg.")
    ] = None,
) -> None:
    """Import couriers and/or tariffs; a second run updates them by code.

    Couriers: code, name, tracking_pattern, cutoff, daily_capacity, min_share,
    volumetric_divisor, weight_step_kg, max_weight_kg, excluded_provinces.
    Tariffs: courier, province (code, 贵州, Guizhou or * for the rest), first_kg, extra_kg
    (yuan). Nothing is imported if any row is bad.

    Examples:
      hub courier import couriers.csv --tariffs tariffs.csv
      hub courier import --tariffs tariffs-2027.xlsx
    """
    from logistics.services import network

    if file is None and tariffs is None:
        raise typer.BadParameter("give a couriers file, --tariffs FILE, or both")
    with open_session(ctx) as session:
        result = network.import_couriers(session, file, tariffs)
    done(
        "Imported: {added} couriers added, {updated} updated, {tariff_rows} tariff rows.".format(
            **result
        )
    )
