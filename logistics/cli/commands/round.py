"""`hub round ...`: the planned rounds: list, show, the driver's sheet, start, finish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    counted,
    done,
    print_json,
    render_record,
    render_rows,
    warn,
)

NAME = "round"
ORDER = 31
app = typer.Typer(
    help="Collection rounds: list, show, sheet (driver's sheet), start, finish.",
    no_args_is_help=True,
)

RoundArg = Annotated[str, typer.Argument(help="Round number, e.g. R-20261123-1 (or its id).")]


def _kg(value) -> str:
    return f"{value:.1f}"


COLUMNS = [
    Column("round_no", "Round"),
    Column("service_date", "Date", leave_out=4),
    Column("van", "Van"),
    Column("status", "Status"),
    Column("start", "Start"),
    Column("end", "Back", leave_out=2),
    Column("stops", "Stops", "right"),
    Column("pickup_parcels", "Pick up", "right"),
    Column("pickup_kg", "kg", "right", _kg, leave_out=3),
    Column("drop_parcels", "Drop", "right"),
    Column("drop_kg", "kg ", "right", _kg, leave_out=3),
    Column("km", "km", "right"),
    Column("started_at", "Started", leave_out=5),
    Column("finished_at", "Finished", leave_out=5),
]

STOP_COLUMNS = [
    Column("seq", "#", "right"),
    Column("station", "Station"),
    Column("station_name", "Name"),
    Column("keeper_phone", "Keeper's phone", leave_out=4),
    Column("arrive", "Arrive"),
    Column("depart", "Depart", leave_out=3),
    Column("km_from_previous", "km", "right", leave_out=1),
    Column("pickup_parcels", "Pick up", "right"),
    Column("pickup_kg", "kg", "right", _kg),
    Column("drop_parcels", "Drop", "right"),
    Column("drop_kg", "kg ", "right", _kg),
    Column("collected_parcels", "Collected", "right"),
    Column("missing_parcels", "Missing", "right"),
    Column("extra_parcels", "Extra", "right"),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", metavar="D", help="Only this day: YYYY-MM-DD, today.")
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List rounds, newest day first, with stops, parcels, kg and km.

    Examples:
      hub round list --date today
      hub round list --csv > rounds.csv
    """
    from logistics.services import rounds

    with open_session(ctx, write=False) as session:
        rows = rounds.list_rounds(session, day)
    render_rows(
        rows,
        COLUMNS,
        title="Rounds",
        as_json=as_json,
        as_csv=as_csv,
        empty="No rounds: `hub plan` plans the day's rounds.",
    )


@app.command()
def show(ctx: typer.Context, round_ref: RoundArg, as_json: JsonOption = False) -> None:
    """Show one round: van, times, stops in order, and the reconciliation once finished."""
    from logistics.services import rounds

    with open_session(ctx, write=False) as session:
        record = rounds.show_round(session, round_ref)
    if as_json:
        print_json(record)
        return
    render_record(
        record,
        [
            ("round_no", "Round"),
            ("service_date", "Date"),
            ("van", "Van"),
            ("plate", "Plate"),
            ("status", "Status"),
            ("start", "Planned start"),
            ("end", "Planned return"),
            ("km", "km"),
            ("hours", "Hours"),
            ("pickup_parcels", "To pick up"),
            ("drop_parcels", "To drop"),
            ("started_at", "Started"),
            ("finished_at", "Finished"),
        ],
    )
    render_rows(record["stops"], STOP_COLUMNS, empty="This round has no stops.")
    _show_reconciliation(record.get("reconciliation"))


def _show_reconciliation(data) -> None:
    if not data:
        return
    for stop in data["stops"]:
        for key, label in (("missing", "missing"), ("extra", "extra")):
            if stop[key]:
                warn(f"Stop {stop['seq']} {stop['station']} {label}: {', '.join(stop[key])}")


@app.command()
def sheet(
    ctx: typer.Context,
    round_ref: RoundArg,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="A4 PDF file to write.")] = None,
) -> None:
    """The driver's round sheet: stops in order with keeper's phone, parcels to collect
    and to drop, times, and a signature column. On the terminal, or as PDF with --pdf.

    Examples:
      hub round sheet R-20261123-1
      hub round sheet R-20261123-1 --pdf van1.pdf
    """
    from logistics.services import rounds

    with open_session(ctx, write=False) as session:
        doc = rounds.sheet_document(session, round_ref)
    if pdf is not None:
        pages = rounds.write_sheet_pdf(doc, pdf)
        done(f"Round sheet {doc.round_no}: {pdf} ({counted(pages, 'page')}).")
        return
    van = f"{doc.vehicle_code} ({doc.vehicle_plate})" if doc.vehicle_plate else doc.vehicle_code
    table = Table(
        title=(
            f"Round sheet {doc.round_no}  {doc.service_date}  {van}  "
            f"leave {doc.planned_start:%H:%M}, back {doc.planned_return:%H:%M}, "
            f"{doc.total_km:.1f} km"
        ),
        title_justify="left",
        show_lines=True,
    )
    for header, justify in (
        ("#", "right"),
        ("Station", "left"),
        ("Keeper / phone", "left"),
        ("Arrive / leave", "left"),
        ("km", "right"),
        ("Collect", "right"),
        ("Drop", "right"),
        ("Count", "left"),
        ("Keeper's signature", "left"),
    ):
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    table.add_row(
        "", escape(doc.hub_name), "", f"- / {doc.planned_start:%H:%M}", "", "", "", "", ""
    )
    for stop in doc.stops:
        table.add_row(
            str(stop.seq),
            escape(f"{stop.station_name}\n{stop.station_code}  {stop.note}"),
            escape(f"{stop.keeper_name}\n{stop.keeper_phone}"),
            f"{stop.planned_arrival:%H:%M} / {stop.planned_departure:%H:%M}",
            f"{stop.km_from_previous:.1f}",
            f"{stop.collect_parcels} ({stop.collect_kg:.1f} kg)",
            f"{stop.drop_parcels} ({stop.drop_kg:.1f} kg)",
            "____",
            " " * 18,
        )
    table.add_row(
        "",
        escape(doc.hub_name),
        "",
        f"{doc.planned_return:%H:%M} / -",
        f"{doc.return_km:.1f}",
        "",
        "",
        "",
        "",
    )
    console.print(table)
    console.print("Driver ________________   Dispatcher ________________")


@app.command()
def start(ctx: typer.Context, round_ref: RoundArg) -> None:
    """Start the round as the van leaves: its inbound parcels are dispatched.

    On the way, scan what each station hands over:
      hub scan collect --station GD05 --round R-20261123-1 -

    Example:
      hub round start R-20261123-1
    """
    from logistics.services import rounds

    with open_session(ctx) as session:
        result = rounds.start_round(session, round_ref, operator=hub_context(ctx).operator)
    done(
        f"Round {result.round_no} started ({result.van}): {result.stops} stops, "
        f"{result.dispatched} inbound parcels dispatched, {result.pickup_parcels} to collect. "
        f"Scan collections with `hub scan collect --station CODE --round {result.round_no}`."
    )


@app.command()
def finish(ctx: typer.Context, round_ref: RoundArg) -> None:
    """Finish the round as the van is back, and reconcile each stop: parcels expected,
    collected (scanned with `hub scan collect` since the start), missing and extra.

    Example:
      hub round finish R-20261123-1
    """
    from logistics.services import rounds

    with open_session(ctx) as session:
        result = rounds.finish_round(session, round_ref, operator=hub_context(ctx).operator)
    table = Table(
        title=f"Round {result.round_no} ({result.van}): reconciliation", title_justify="left"
    )
    for header, justify in (
        ("#", "right"),
        ("Station", "left"),
        ("Expected", "right"),
        ("Collected", "right"),
        ("Missing", "right"),
        ("Extra", "right"),
        ("Parcels", "left"),
    ):
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for stop in result.stops:
        detail = []
        if stop.missing:
            detail.append("missing: " + ", ".join(stop.missing))
        if stop.extra:
            detail.append("extra: " + ", ".join(stop.extra))
        table.add_row(
            str(stop.seq),
            escape(f"{stop.station} {stop.station_name}"),
            str(stop.expected),
            str(stop.collected),
            f"[red]{len(stop.missing)}[/red]" if stop.missing else "0",
            f"[yellow]{len(stop.extra)}[/yellow]" if stop.extra else "0",
            escape("; ".join(detail)),
        )
    console.print(table)
    text = (
        f"Round {result.round_no} finished at {result.finished_at:%H:%M}: "
        f"{result.collected} collected of {result.expected} expected, "
        f"{result.missing} missing, {result.extra} extra."
    )
    (done if not (result.missing or result.extra) else warn)(text)
