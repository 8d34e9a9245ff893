"""`hub report ...`: the monthly volume report and the operator's end-of-day report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from logistics.cli import dates
from logistics.cli.context import open_session
from logistics.cli.output import JsonOption, console, done, print_json
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Status
from logistics.i18n import _, ngettext
from logistics.io.report_text import FIGURE_TABLES, NUMERIC, cell_text, figure_text

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


@app.command()
def monthly(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="The month, YYYY-MM (or 2026年11月), cut in the hub's time zone.",
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
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """The month's volumes: totals, stations, couriers, days, destinations, products, service.

    Examples:
      hub report monthly
      hub report monthly --month 2026-10
      hub report monthly --month 2026-10 --xlsx 2026-10.xlsx --pdf 2026-10.pdf
      hub report monthly --month 2026-10 --pdf 2026-10.pdf --force
      hub report monthly --csv report-2026-10/
      hub report monthly --json > 2026-10.json
    """
    month = dates.month(month)
    from logistics.services import reports

    files = csv_dir or xlsx or pdf
    # A month without parcels is one sentence and no file; a script's --json gets zeros.
    with open_session(ctx, write=False) as session:
        report = reports.monthly_report(session, month, refuse_empty=bool(files) or not as_json)
    if files:
        from logistics.io import report_export

        if csv_dir:
            written = report_export.write_csv_dir(report, csv_dir, force=force)
            n = len(written)
            wrote = ngettext(
                "Wrote {n} CSV file into {folder}.", "Wrote {n} CSV files into {folder}.", n
            )
            done(wrote.format(n=n, folder=csv_dir), stderr=as_json)
        if xlsx:
            report_export.write_xlsx(report, xlsx, force=force)
            done(_("Wrote {path}.").format(path=xlsx), stderr=as_json)
        if pdf:
            report_export.write_pdf(report, pdf, force=force)
            done(_("Wrote {path}.").format(path=pdf), stderr=as_json)
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
            help="The day, YYYY-MM-DD (or today, yesterday, 12月2日).",
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
    day = dates.day(day)
    from logistics.services import reports

    with open_session(ctx, write=False) as session:
        report = reports.daily_report(session, day)
    if as_json:
        print_json(report.as_dict())
        return
    show_daily(report)


# ---------------------------------------------------------------- terminal rendering


def _rich_table(table: ReportTable, *, hide: tuple[str, ...] = ()) -> Table:
    figures = table.name in FIGURE_TABLES
    columns = [c for c in table.columns if c.key not in hide]
    if figures:
        columns = [c for c in columns if c.key in ("label", "value")]
    out = Table(title=table.title, title_justify="left", show_header=not figures)
    for column in columns:
        out.add_column(
            column.header, justify="right" if column.kind in NUMERIC else "left", overflow="fold"
        )
    for row in table.rows:
        # station and courier names are data, not markup
        out.add_row(*(Text(figure_text(row, column)) for column in columns))
    return out


def day_bars(days: list[dict[str, Any]], width: int = BAR_WIDTH) -> list[Text]:
    """One line per day: date, weekday, a bar of outbound then inbound blocks, the count."""
    top = max((row["parcels"] for row in days), default=0)
    lines = []
    for row in days:
        out_cells = round(row["outbound"] * width / top) if top else 0
        total_cells = round(row["parcels"] * width / top) if top else 0
        in_cells = max(total_cells - out_cells, 0)
        weekday = row.get("weekday_label", row["weekday"])
        line = Text(f"{row['date']:%m-%d} {weekday} ")
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
        escape(
            _(
                "{first} to {last}, time zone {zone}; cancelled parcels are left out "
                "of the volumes."
            ).format(first=report.first_day, last=report.last_day, zone=report.timezone)
        )
    )
    if not report.service["registered"]:
        empty = _("No parcels were registered in {month}.").format(month=report.month)
        console.print(f"[yellow]{escape(empty)}[/yellow]")
    elif report.last_day >= report.generated_at.date():
        running = _("{month} is not over: the figures run to {today}.").format(
            month=report.month, today=report.generated_at.date().isoformat()
        )
        console.print(f"[yellow]{escape(running)}[/yellow]")
    grid = Table.grid(padding=(0, 4))
    grid.add_row(_rich_table(tables["totals"]), _rich_table(tables["service"]))
    console.print(grid)
    console.print(_rich_table(tables["stations"]))
    console.print(_rich_table(tables["couriers"]))
    console.print(Text(_("By day"), style="italic") + Text(" ") + _legend())
    for line in day_bars(report.days):
        console.print(line)
    console.print(_rich_table(tables["provinces"]))
    console.print(_rich_table(tables["categories"], hide=("category",)))


def _legend() -> Text:
    """``(█ outbound, ░ inbound)``, each block in its bar's colour."""
    legend = Text(
        _("({outbound} outbound, {inbound} inbound)").format(outbound=OUT_BLOCK, inbound=IN_BLOCK)
    )
    legend.highlight_words([OUT_BLOCK], style="cyan")
    legend.highlight_words([IN_BLOCK], style="magenta")
    return legend


def _simple(title: str, headers: list[str], rows: list[list[Any]], empty: str) -> None:
    """A titled table; numbers right-aligned. The title is its own line so a narrow table
    does not wrap it. ``title``, ``headers`` and ``empty`` come translated."""
    if not rows:
        line = Text(_("{title}: {nothing}").format(title=title, nothing=empty))
        line.highlight_words([title], style="bold")
        line.highlight_words([empty], style="dim")
        console.print(line)
        return
    console.print(f"[bold]{escape(title)}[/bold]")
    table = Table()
    for k, header in enumerate(headers):
        numeric = all(isinstance(row[k], int) for row in rows)
        table.add_column(header, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell_text(value, "int")) for value in row))
    console.print(table)


def show_daily(report: DailyReport) -> None:
    console.rule(f"[bold]{escape(report.title)}[/bold]")
    t = report.totals
    console.print(
        _(
            "Registered outbound {outbound}, inbound arrived {inbound}, handed over "
            "{handed_over}, picked up {picked_up}."
        ).format(
            outbound=f"{t['registered_outbound']:,}",
            inbound=f"{t['arrived_inbound']:,}",
            handed_over=f"{t['handed_over']:,}",
            picked_up=f"{t['picked_up']:,}",
        )
    )
    _simple(
        _("The day's parcels by status now"),
        [_("Direction"), _("Status"), _("Parcels")],
        [[r["direction_label"], r["status_label"], r["parcels"]] for r in report.registered],
        _("no parcels registered on this day."),
    )
    _simple(
        _("Scans and steps of the day, by the state they led to"),
        [_("State"), _("Parcels")],
        [[r["status_label"], r["parcels"]] for r in report.moves],
        _("nothing was scanned on this day."),
    )
    now = f"{report.generated_at:%H:%M}"
    hub_rows = [
        [Status.label_of(status), count] for status, count in report.at_hub.items() if count
    ]
    _simple(
        _("At the hub and on vans now ({time})").format(time=now),
        [_("State"), _("Parcels")],
        hub_rows,
        _("nothing waiting at the hub."),
    )
    _simple(
        _("Waiting at the stations now ({time})").format(time=now),
        [
            _("Code"),
            _("Station"),
            _("To collect"),
            _("To deliver"),
            _("At station"),
            _("Overdue"),
        ],
        [
            [r["code"], r["name"], r["to_collect"], r["to_deliver"], r["at_station"], r["overdue"]]
            for r in report.waiting
        ],
        _("nothing waiting at the stations."),
    )
    unconfirmed = any(r.get("unconfirmed") for r in report.rounds)
    headers = [_("Round"), _("Van"), _("Status"), _("Stops"), _("km"), _("Parcels")]
    headers += [_("Missing"), _("Extra")] + ([_("Not confirmed")] if unconfirmed else [])
    _simple(
        _("Rounds"),
        headers,
        [
            [
                r["round_no"],
                r["van"],
                r["status_label"],
                r["stops"],
                cell_text(r["km"], "km"),
                r["parcels"],
                r.get("missing"),
                r.get("extra"),
                *([r.get("unconfirmed")] if unconfirmed else []),
            ]
            for r in report.rounds
        ],
        _("no rounds on this day."),
    )
    _reconciled(report.totals)
    counts = report.manifest_counts
    console.print(
        escape(
            _("Manifests: {open} open, {closed} closed, {handed_over} handed over.").format(
                open=counts.get(ManifestStatus.OPEN, 0),
                closed=counts.get(ManifestStatus.CLOSED, 0),
                handed_over=counts.get(ManifestStatus.HANDED_OVER, 0),
            )
        )
    )
    if report.manifests:
        _simple(
            _("Manifests"),
            [_("Manifest"), _("Courier"), _("Status"), _("Parcels")],
            [
                [r["manifest_no"], r["courier"], r["status_label"], r["parcels"]]
                for r in report.manifests
            ],
            "",
        )
    n = report.totals.get("exceptions", len(report.exceptions))
    if n:
        many = ngettext("{n} exception on this day.", "{n} exceptions on this day.", n)
        console.print(f"[yellow]{escape(many.format(n=f'{n:,}'))}[/yellow]")
    if report.exceptions or not n:  # a round may count parcels it does not name
        _exceptions(report)
    _overdue(report)


def _reconciled(totals: dict[str, int]) -> None:
    """What the day's finished rounds reconciled, when they found anything."""
    missing, extra = totals.get("missing", 0), totals.get("extra", 0)
    if missing or extra:
        found = ngettext(
            "{missing} parcel missing and {extra} extra on the day's rounds.",
            "{missing} parcels missing and {extra} extra on the day's rounds.",
            missing,
        ).format(missing=f"{missing:,}", extra=f"{extra:,}")
        console.print(f"[yellow]{escape(found)}[/yellow]")
    unconfirmed = totals.get("unconfirmed", 0)
    if unconfirmed:
        drops = ngettext(
            "{n} drop not confirmed on the day's rounds.",
            "{n} drops not confirmed on the day's rounds.",
            unconfirmed,
        ).format(n=f"{unconfirmed:,}")
        console.print(f"[yellow]{escape(drops)}[/yellow]")


def _exceptions(report: DailyReport) -> None:
    _simple(
        _("Exceptions"),
        [
            _("Time"),
            _("Parcel"),
            _("Station"),
            _("What"),
            _("Now"),
            _("Operator"),
            _("Note"),
        ],
        [
            [
                r["time"],
                r["parcel_no"],
                r["station"],
                r["what_label"],
                r["status_now_label"],
                r["operator"],
                r["note"],
            ]  # fmt: skip
            for r in report.exceptions
        ],
        _("none."),
    )


def _overdue(report: DailyReport) -> None:
    overdue = report.totals.get("overdue_inbound")
    if overdue:
        late = ngettext(
            "{n} inbound parcel waits at a station past its retention period.",
            "{n} inbound parcels wait at stations past their retention period.",
            overdue,
        )
        console.print(f"[yellow]{escape(late.format(n=f'{overdue:,}'))}[/yellow]")
    else:
        done(_("No inbound parcel is overdue at a station."))
