"""`hub assign`: give the day's parcels the cheapest courier the couriers' promises allow."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    JsonOption,
    console,
    done,
    kg,
    print_json,
    refused,
    render_rows,
    warn,
    yuan,
)

ORDER = 40


def _share(value) -> str:
    return f"{value:.1%}"


COURIER_COLUMNS = [
    Column("courier", "Courier"),
    Column("parcels", "Parcels", "right"),
    Column("fixed_parcels", "Own no.", "right"),
    Column("earlier", "Earlier", "right"),
    Column("weight_g", "kg", "right", kg),
    Column("fee_fen", "Fee (yuan)", "right", yuan),
    Column("share", "Share", "right", _share),
    Column("min_share", "Min share", "right", _share),
    Column("min_share_met", "Met", format=lambda met: "yes" if met else Text("NO", style="red")),
    Column("capacity_left", "Capacity left", "right"),
]
UNASSIGNED_COLUMNS = [
    Column("parcel_no", "Parcel"),
    Column("reason", "Reason"),
    Column("detail", "Detail"),
]
OPTION_COLUMNS = [
    Column("courier", "Courier"),
    Column("fee_fen", "Fee (yuan)", "right", yuan),
    Column("chargeable_g", "Chargeable kg", "right", kg),
    Column("chosen", "Chosen", format=lambda chosen: Text("yes", style="green") if chosen else ""),
    Column("reason", "Why"),
]


def assign(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option("--date", metavar="D", help="Hub-local day: YYYY-MM-DD, today, yesterday."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the assignment; store nothing.")
    ] = False,
    include_stations: Annotated[
        bool,
        typer.Option(
            "--include-stations",
            help="Also parcels still waiting at a station (registered or collected).",
        ),
    ] = False,
    parcel: Annotated[
        list[str] | None,
        typer.Option(
            "--parcel",
            metavar="ID",
            help="Decide only this parcel (repeatable); the rest of the day keeps its couriers.",
        ),
    ] = None,
    explain_id: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="ID",
            help="Show one parcel's fee with every courier and why its courier won.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Give every waiting outbound parcel a courier at the lowest total fee.

    Respects each courier's remaining daily capacity and agreed minimum share and the
    provinces it serves; a parcel with a courier's tracking number keeps that courier.
    Re-run as often as needed until parcels are on a manifest.

    Examples:

        hub assign --dry-run                  # show it, store nothing
        hub assign                            # the parcels at the hub
        hub assign --include-stations --json  # and those at stations
        hub assign --explain P20261123-00042  # why this courier
    """
    from logistics.services import assignment

    if explain_id:
        with open_session(ctx, write=False) as session:
            explanation = assignment.explain(
                session, explain_id, day=day, include_stations=include_stations
            )
        if as_json:
            print_json(explanation.as_dict())
            return
        _show_explanation(explanation)
        return

    with open_session(ctx, write=not dry_run) as session:
        run = assignment.assign_day(
            session,
            day,
            dry_run=dry_run,
            include_stations=include_stations,
            parcels=parcel or (),
            operator=hub_context(ctx).operator,
        )
    if as_json:
        print_json(run.as_dict())
        return
    _show_run(run)


def _show_run(run) -> None:
    where = "at the hub and at the stations" if run.include_stations else "at the hub"
    if run.parcels == 0:
        warn(f"No outbound parcels {where} wait for a courier on {run.day}.")
        return
    rows = [vars(line) for line in run.couriers]
    render_rows(rows, COURIER_COLUMNS, title=f"Courier assignment for {run.day} ({where})")
    console.print(
        f"Total fee: {yuan(run.total_fee_fen)} yuan for {run.assigned} parcels "
        f"(baseline {yuan(run.baseline_fee_fen)} yuan)."
    )
    console.print(escape(run.baseline_sentence))
    (done if run.saving_fen >= 0 else warn)(run.saving_sentence)
    if run.min_shares_not_met:
        warn(f"Minimum share not met today: {', '.join(run.min_shares_not_met)}.")
    for line in run.warnings:
        warn(line)
    if run.unassigned:
        rows = [vars(line) for line in run.unassigned]
        render_rows(rows, UNASSIGNED_COLUMNS, title=f"{len(rows)} parcels without a courier")
    if run.dry_run:
        warn(f"Dry run: nothing was stored ({run.changed} parcels would change courier).")
    elif run.changed:
        done(f"Stored: {run.changed} parcels changed courier, each with an assign event.")
    else:
        done("Stored: no parcel changed courier; nothing new was logged.")


def _show_explanation(ex) -> None:
    rows = [vars(option) for option in ex.options]
    tracking = f", tracking number {ex.tracking_no}" if ex.tracking_no else ""
    render_rows(
        rows,
        OPTION_COLUMNS,
        title=(
            f"Parcel {ex.parcel_no}{tracking}: province {ex.province}, "
            f"{kg(ex.weight_g)} kg, {ex.status}"
        ),
        empty="No courier has a tariff for this parcel.",
    )
    if ex.courier is None:
        refused(ex.summary)
    else:
        console.print(escape(ex.summary))
    if ex.note:
        warn(ex.note)


def register(root: typer.Typer) -> None:
    root.command("assign")(assign)
