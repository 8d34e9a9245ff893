"""`hub report ...`: the monthly volume report and the operator's end-of-day report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from logistics.cli.context import open_session
from logistics.cli.output import JsonOption, console, done, print_json

if TYPE_CHECKING:
    from logistics.services.reports import DailyReport, MonthlyReport, ReportTable

NAME = "report"
ORDER = 90
app = typer.Typer(
    help="Reports: the monthly volume report and the operator's end of day.",
    no_args_is_help=True,
)

BAR_WIDTH = 48
OUT_BLOCK, IN_BLOCK = "█", "░"
NUMERIC = ("int", "kg", "yuan", "pct", "hours", "number")


@app.command()
def monthly(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="The month, YYYY-MM, cut in the hub's time zone.",
            show_default="the last complete month",
        ),
    ] = None,
    as_json: JsonOption = False,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", help="Write one CSV file per table into this folder.")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write a workbook, one sheet per table.")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write a PDF with the tables and charts.")
    ] = None,
) -> None:
    """The month's volumes: totals, stations, couriers, days, destinations, products, service.

    Examples:
      hub report monthly
      hub report monthly --month 2026-10
      hub report monthly --month 2026-10 --xlsx 2026-10.xlsx --pdf 2026-10.pdf
      hub report monthly --csv report-2026-10/
      hub report monthly --json > 2026-10.json
    """
    from logistics.services import reports

    with open_session(ctx, write=False) as session:
        report = reports.monthly_report(session, month)
    files = csv_dir or xlsx or pdf
    if files:
        from logistics.io import report_export

        if csv_dir:
            written = report_export.write_csv_dir(report, csv_dir)
            done(f"Wrote {len(written)} CSV files into {csv_dir}.", stderr=as_json)
        if xlsx:
            report_export.write_xlsx(report, xlsx)
            done(f"Wrote {xlsx}.", stderr=as_json)
        if pdf:
            report_export.write_pdf(report, pdf)
            done(f"Wrote {pdf}.", stderr=as_json)
    if as_json:
        print_json(report.as_dict())
        return
    if not files:
        show_monthly(report)


@app.command()
def daily(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day, YYYY-MM-DD (or today, yesterday).",
            show_default="today at the hub",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The operator's end of day: what came in and moved, what waits where, rounds,
    manifests and problem parcels.

    Examples:
      hub report daily
      hub report daily --date yesterday
      hub report daily --date 2026-11-20 --json
    """
    from logistics.services import reports

    with open_session(ctx, write=False) as session:
        report = reports.daily_report(session, day)
    if as_json:
        print_json(report.as_dict())
        return
    show_daily(report)


# ---------------------------------------------------------------- terminal rendering


def _format(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{float(value) * 100:.1f} %"
    if kind == "kg":
        return f"{value:,.1f}"
    if kind == "yuan":
        return f"{value:,.2f}"
    if kind == "hours":
        return f"{float(value):.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


UNIT_KINDS = {"share": "pct", "kg": "kg", "km": "kg", "yuan": "yuan", "hours": "hours"}


def _rich_table(table: ReportTable, *, hide: tuple[str, ...] = ()) -> Table:
    figures = table.name in ("totals", "service")
    columns = [c for c in table.columns if c.key not in hide]
    if figures:
        columns = [c for c in columns if c.key in ("label", "value")]
    out = Table(title=table.title, title_justify="left", show_header=not figures)
    for column in columns:
        out.add_column(
            column.header, justify="right" if column.kind in NUMERIC else "left", overflow="fold"
        )
    for row in table.rows:
        cells = []
        for column in columns:
            kind = column.kind
            if figures and column.key == "value":
                kind = UNIT_KINDS.get(row.get("unit"), "number")
            text = _format(row.get(column.key), kind)
            if figures and column.key == "value" and row.get("unit") in ("kg", "km", "yuan"):
                text = f"{text} {row['unit']}"
            cells.append(Text(text))  # station and courier names are data, not markup
        out.add_row(*cells)
    return out


def day_bars(days: list[dict[str, Any]], width: int = BAR_WIDTH) -> list[Text]:
    """One line per day: date, weekday, a bar of outbound then inbound blocks, the count."""
    top = max((row["parcels"] for row in days), default=0)
    lines = []
    for row in days:
        out_cells = round(row["outbound"] * width / top) if top else 0
        total_cells = round(row["parcels"] * width / top) if top else 0
        in_cells = max(total_cells - out_cells, 0)
        line = Text(f"{row['date']:%m-%d} {row['weekday']} ")
        line.append(OUT_BLOCK * out_cells, style="cyan")
        line.append(IN_BLOCK * in_cells, style="magenta")
        line.append(" " * (width - out_cells - in_cells + 1))
        line.append(f"{row['parcels']:>7,}")
        lines.append(line)
    return lines


def show_monthly(report: MonthlyReport) -> None:
    tables = {table.name: table for table in report.tables()}
    console.rule(f"[bold]{escape(report.title)}[/bold]")
    console.print(
        f"{report.first_day} to {report.last_day}, time zone {report.timezone}; "
        f"cancelled parcels are left out of the volumes."
    )
    if not report.service["registered"]:
        console.print(f"[yellow]No parcels were registered in {report.month}.[/yellow]")
    grid = Table.grid(padding=(0, 4))
    grid.add_row(_rich_table(tables["totals"]), _rich_table(tables["service"]))
    console.print(grid)
    console.print(_rich_table(tables["stations"]))
    console.print(_rich_table(tables["couriers"]))
    console.print(Text("By day ", style="italic") + _legend())
    for line in day_bars(report.days):
        console.print(line)
    console.print(_rich_table(tables["provinces"]))
    console.print(_rich_table(tables["categories"], hide=("category",)))


def _legend() -> Text:
    legend = Text("(")
    legend.append(OUT_BLOCK, style="cyan")
    legend.append(" outbound, ")
    legend.append(IN_BLOCK, style="magenta")
    legend.append(" inbound)")
    return legend


def _simple(title: str, headers: list[str], rows: list[list[Any]], empty: str) -> None:
    """A titled table; numbers right-aligned. The title is its own line so a narrow table
    does not wrap it."""
    if not rows:
        console.print(f"[bold]{title}[/bold]: [dim]{empty}[/dim]")
        return
    console.print(f"[bold]{title}[/bold]")
    table = Table()
    for k, header in enumerate(headers):
        numeric = all(isinstance(row[k], int) for row in rows)
        table.add_column(header, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(_format(value, "int")) for value in row))
    console.print(table)


def show_daily(report: DailyReport) -> None:
    console.rule(f"[bold]{escape(report.title)}[/bold]")
    t = report.totals
    console.print(
        f"Registered outbound {t['registered_outbound']:,}, inbound arrived "
        f"{t['arrived_inbound']:,}, handed over {t['handed_over']:,}, picked up "
        f"{t['picked_up']:,}."
    )
    _simple(
        "The day's parcels by status now",
        ["Direction", "Status", "Parcels"],
        [[r["direction"], r["status"], r["parcels"]] for r in report.registered],
        "no parcels registered on this day.",
    )
    _simple(
        "Scans and steps of the day, by the state they led to",
        ["State", "Parcels"],
        [[r["status"], r["parcels"]] for r in report.moves],
        "nothing was scanned on this day.",
    )
    hub_rows = [[status, count] for status, count in report.at_hub.items() if count]
    _simple(
        f"At the hub and on vans now ({report.generated_at:%H:%M})",
        ["State", "Parcels"],
        hub_rows,
        "nothing waiting at the hub.",
    )
    _simple(
        f"Waiting at the stations now ({report.generated_at:%H:%M})",
        ["Code", "Station", "To collect", "To deliver", "At station", "Overdue"],
        [
            [r["code"], r["name"], r["to_collect"], r["to_deliver"], r["at_station"], r["overdue"]]
            for r in report.waiting
        ],
        "nothing waiting at the stations.",
    )
    _simple(
        "Rounds",
        ["Round", "Van", "Status", "Stops", "km", "Parcels"],
        [
            [r["round_no"], r["van"], r["status"], r["stops"], f"{r['km']}", r["parcels"]]
            for r in report.rounds
        ],
        "no rounds on this day.",
    )
    counts = report.manifest_counts
    console.print(
        f"Manifests: {counts.get('open', 0)} open, {counts.get('closed', 0)} closed, "
        f"{counts.get('handed_over', 0)} handed over."
    )
    if report.manifests:
        _simple(
            "Manifests",
            ["Manifest", "Courier", "Status", "Parcels"],
            [[r["manifest_no"], r["courier"], r["status"], r["parcels"]] for r in report.manifests],
            "",
        )
    if report.exceptions:
        console.print(f"[yellow]{len(report.exceptions)} exceptions on this day.[/yellow]")
    _simple(
        "Exceptions",
        ["Time", "Parcel", "Station", "What", "Now", "Operator", "Note"],
        [
            [
                r["time"],
                r["parcel_no"],
                r["station"],
                r["what"],
                r["status_now"],
                r["operator"],
                r["note"],
            ]  # fmt: skip
            for r in report.exceptions
        ],
        "none.",
    )
    if report.totals.get("overdue_inbound"):
        console.print(
            f"[yellow]{report.totals['overdue_inbound']} inbound parcels wait at stations "
            "past their retention period.[/yellow]"
        )
    else:
        done("No inbound parcel is overdue at a station.")
