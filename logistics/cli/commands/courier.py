"""`hub courier ...`: the express couriers sharing the hub, with their terms and tariffs."""

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
)
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
from logistics.i18n import N_, _, ngettext

NAME = "courier"
ORDER = 11
app = typer.Typer(help="Couriers: list, show, add, import (with tariffs).", no_args_is_help=True)

COLUMNS = [
    Column("code", N_("Code")),
    Column("name", N_("Courier")),
    Column("cutoff", N_("Cut-off")),
    Column("daily_capacity", N_("Capacity/day"), "right"),
    Column("min_share", N_("Min share"), "right", lambda v: f"{v:.0%}", leave_out=2),
    Column("volumetric_divisor", N_("Divisor"), "right", leave_out=4),
    Column("weight_step_kg", N_("Step kg"), "right", figure, leave_out=4),
    Column("max_weight_kg", N_("Max kg"), "right", figure, leave_out=3),
    Column("not_served", N_("Not served"), format=lambda v: "、".join(v)),
    Column("tariff_rows", N_("Tariffs"), "right", leave_out=5),
]
TARIFF_COLUMNS = [
    Column("province", N_("Province")),
    Column("province_code", N_("Code")),
    Column("first_kg_fen", N_("First kg ¥"), "right", yuan),
    Column("extra_kg_fen", N_("Each extra kg ¥"), "right", yuan),
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
        translated(COLUMNS),
        title=_("Couriers"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No couriers yet: `hub courier import FILE` or `hub init --sample`."),
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
        {
            **record,
            "min_share": f"{record['min_share']:.0%}",
            "not_served": "、".join(record["not_served"]) or "-",
        },
        [
            ("code", _("Code")),
            ("name", _("Courier")),
            ("cutoff", _("Cut-off")),
            ("daily_capacity", _("Capacity/day")),
            ("min_share", _("Minimum share")),
            ("volumetric_divisor", _("Volumetric divisor")),
            ("weight_step_kg", _("Weight step kg")),
            ("max_weight_kg", _("Max weight kg")),
            ("not_served", _("Not served")),
            ("tracking_pattern", _("Tracking number pattern")),
        ],
    )
    render_rows(
        record["tariffs"],
        translated(TARIFF_COLUMNS),
        title=_("Tariff"),
        empty=_("No tariff rows: `hub courier import --tariffs FILE`."),
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
    done(_("Courier {code} {name} saved.").format(code=courier.code, name=courier.name))


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Couriers CSV/XLSX.")] = None,
    tariffs: Annotated[
        Path | None, typer.Option(help="Tariff CSV/XLSX: courier, province, first_kg, extra_kg.")
    ] = None,
    ignore_unknown: IgnoreUnknownOption = False,
    dry_run: DryRunOption = False,
    encoding: ImportEncodingOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import couriers and/or tariffs; a second run updates them by code.

    Couriers: code, name, tracking_pattern, cutoff, daily_capacity, min_share,
    volumetric_divisor, weight_step_kg, max_weight_kg, excluded_provinces.
    Tariffs: courier, province (code, 贵州, Guizhou or * for the rest), first_kg, extra_kg
    (yuan). A new courier needs code, name and daily_capacity; a courier already set up
    changes only in the columns the file carries, and a blank cell keeps what is stored.
    A column the import does not know is refused unless --ignore-unknown is given.
    Nothing is imported if any row is bad. Every row is listed as added, updated (with
    the fields) or unchanged; --dry-run only lists.

    Examples:
      hub courier import couriers.csv --tariffs tariffs.csv
      hub courier import --tariffs tariffs-2027.xlsx --dry-run
    """
    from logistics.domain.network import Change

    if file is None and tariffs is None:
        raise typer.BadParameter(_("give a couriers file, --tariffs FILE, or both"))
    from logistics.services import network_import

    with open_session(ctx) as session:
        result = network_import.import_couriers(
            session,
            file,
            tariffs,
            ignore_unknown=ignore_unknown,
            dry_run=dry_run,
            encoding=encoding,
        )
    show_import(result, as_json=as_json)
    if as_json or dry_run:
        return
    tariff_rows = len(result.tariffs) - result.count(Change.UNCHANGED, tariffs=True)
    done(
        ngettext(
            "Imported: {added} courier added, {updated} updated, {unchanged} unchanged; "
            "{tariff_rows} tariff rows added or changed.",
            "Imported: {added} couriers added, {updated} updated, {unchanged} unchanged; "
            "{tariff_rows} tariff rows added or changed.",
            result.added,
        ).format(
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            tariff_rows=tariff_rows,
        )
    )
