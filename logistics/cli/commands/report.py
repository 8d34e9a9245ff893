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
from logistics.cli.output import Column, JsonOption, console, done, print_json, render_rows
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Status
from logistics.i18n import _, ngettext
from logistics.io.report_text import NUMERIC, cell_text, figure_text

if TYPE_CHECKING:
    from logistics.services.reports import DailyReport, MonthlyReport, ReportTable, TableColumn

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
        Path | None,
        typer.Option(
            "--csv", metavar="FOLDER", help="Write one CSV file per table into this folder."
        ),
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write a workbook, one sheet per table.")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write a PDF with the tables and charts.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    county: Annotated[
        bool,
        typer.Option(
            "--county",
            help="Every hub of the database: by hub, courier, direction and product, for "
            "the county commerce bureau (figures only, no recipient).",
        ),
    ] = False,
) -> None:
    """The month's volumes: totals, stations, couriers, days, destinations, products, service.

    With --county, the county's report across all hubs: totals, hubs, couriers, and each
    hub's parcels by courier, direction and product, with growth on the month before
    and on the same month last year; the same files (--csv, --xlsx, --pdf, --json).

    Examples:
      hub report monthly
      hub report monthly --month 2026-10
      hub report monthly --month 2026-10 --xlsx 2026-10.xlsx --pdf 2026-10.pdf
      hub report monthly --month 2026-10 --pdf 2026-10.pdf --force
      hub report monthly --csv report-2026-10/
      hub report monthly --json > 2026-10.json
      hub report monthly --county --month 2026-10 --xlsx county-2026-10.xlsx
    """
    month = dates.month(month)
    files = csv_dir or xlsx or pdf
    if county:
        _county(ctx, month, as_json, csv_dir, xlsx, pdf, force)
        return
    from logistics.services import reports

    # A month without parcels is one sentence and no file; a script's --json gets zeros.
    with open_session(ctx, write=False) as session:
        report = reports.monthly_report(session, month, refuse_empty=bool(files) or not as_json)
    if files:
        _write_files(report, csv_dir, xlsx, pdf, force=force, quiet=as_json)
    if as_json:
        print_json(report.as_dict())
        return
    if not files:
        show_monthly(report)


def _write_files(
    report, csv_dir, xlsx, pdf, *, force: bool, quiet: bool, county: bool = False
) -> None:
    """The report's files; what was written is said on stderr when stdout is JSON."""
    from logistics.io import report_export

    if csv_dir:
        written = report_export.write_csv_dir(report, csv_dir, force=force)
        n = len(written)
        wrote = ngettext(
            "Wrote {n} CSV file into {folder}.", "Wrote {n} CSV files into {folder}.", n
        )
        done(wrote.format(n=n, folder=csv_dir), stderr=quiet)
    if xlsx:
        report_export.write_xlsx(report, xlsx, force=force)
        done(_("Wrote {path}.").format(path=xlsx), stderr=quiet)
    if pdf:
        if county:
            report_export.write_county_pdf(report, pdf, force=force)
        else:
            report_export.write_pdf(report, pdf, force=force)
        done(_("Wrote {path}.").format(path=pdf), stderr=quiet)


def _county(ctx, month, as_json, csv_dir, xlsx, pdf, force: bool) -> None:
    """`hub report monthly --county`: every hub, on a session that spans them."""
    from logistics.services import report_county

    files = csv_dir or xlsx or pdf
    with open_session(ctx, write=False, any_hub=True) as session:
        report = report_county.county_report(
            session, month, refuse_empty=bool(files) or not as_json
        )
    if files:
        _write_files(report, csv_dir, xlsx, pdf, force=force, quiet=as_json, county=True)
    if as_json:
        print_json(report.as_dict())
        return
    if not files:
        show_county(report)


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

#: Columns a terminal too narrow for a monthly table leaves out, highest rank first
#: (the month before is in its own report; the rank is the rows' order).
MONTHLY_LEAVE_OUT = {
    ("stations", "previous"): 2,
    ("stations", "rank"): 1,
    ("provinces", "rank"): 2,
    ("provinces", "code"): 1,
}
#: Between the two key-figure tables when they stand side by side.
FIGURES_GAP = 4


def _whole(column: TableColumn) -> bool:
    """A figure, a date or a code is never broken across lines; words fold."""
    return column.kind != "text" or column.key in ("code", "hub", "courier")


def _figures(table: ReportTable) -> Table:
    """A key-figure table: what (words, folding) and its value with its unit (whole)."""
    by_key = {column.key: column for column in table.columns}
    label, value = by_key["label"], by_key["value"]
    out = Table(title=table.title, title_justify="left", show_header=False)
    out.add_column(overflow="fold")
    out.add_column(justify="right", no_wrap=True)
    for row in table.rows:
        out.add_row(Text(figure_text(row, label)), Text(figure_text(row, value)))
    return out


def _listing(table: ReportTable, leave_out: dict | None = None) -> None:
    """A monthly table through the shared listing renderer: figures and codes whole,
    names folding, the columns of :data:`MONTHLY_LEAVE_OUT` left out when too narrow."""
    shown = table.people_columns
    ranks = MONTHLY_LEAVE_OUT if leave_out is None else leave_out
    columns = [
        Column(
            column.key,
            column.header,
            "right" if column.kind in NUMERIC else "left",
            leave_out=ranks.get((table.name, column.key), 0),
            no_wrap=_whole(column),
        )
        for column in shown
    ]
    rows = [{column.key: figure_text(row, column) for column in shown} for row in table.rows]
    if not rows:
        _nothing(table.title, _("none."))
        return
    render_rows(rows, columns, title=table.title)


def _nothing(title: str, empty: str) -> None:
    """``title: nothing`` on one line, for a table without rows."""
    line = Text(_("{title}: {nothing}").format(title=title, nothing=empty))
    line.highlight_words([title], style="bold")
    line.highlight_words([empty], style="dim")
    console.print(line)


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
    totals, service = _figures(tables["totals"]), _figures(tables["service"])
    side_by_side = (
        console.measure(totals).maximum + FIGURES_GAP + console.measure(service).maximum
        <= console.width
    )
    if side_by_side:
        grid = Table.grid(padding=(0, FIGURES_GAP))
        grid.add_row(totals, service)
        console.print(grid)
    else:  # a narrow terminal: one under the other, each value on its label's line
        console.print(totals)
        console.print(service)
    _listing(tables["stations"])
    _listing(tables["couriers"])
    console.print(Text(_("By day"), style="italic") + Text(" ") + _legend())
    for line in day_bars(report.days):
        console.print(line)
    _listing(tables["provinces"])
    _listing(tables["categories"])


#: The county tables' columns a narrow terminal leaves out, highest rank first: the
#: month before and the year before (their growth stays), a hub's name beside its code.
COUNTY_LEAVE_OUT = {
    ("hubs", "previous"): 4,
    ("hubs", "last_year"): 3,
    ("hubs", "kg"): 2,
    ("hubs", "fees"): 1,
    ("couriers", "previous"): 5,
    ("couriers", "last_year"): 4,
    ("couriers", "fees"): 3,
    ("couriers", "hubs"): 2,
    ("couriers", "name"): 1,
    ("breakdown", "hub_name"): 6,
    ("breakdown", "previous"): 5,
    ("breakdown", "last_year"): 4,
    ("breakdown", "fees"): 3,
    ("breakdown", "kg"): 2,
}


def show_county(report) -> None:
    """The county report: key figures, hubs, couriers, then hub x courier x direction x
    product, each growing on the month before and the same month last year."""
    tables = {table.name: table for table in report.tables()}
    console.rule(f"[bold]{escape(report.title)}[/bold]")
    console.print(
        escape(
            _(
                "{first} to {last}, each hub's own days; cancelled parcels are left out of "
                "the volumes; growth is on {previous} and on {last_year}."
            ).format(
                first=report.first_day,
                last=report.last_day,
                previous=report.previous_month,
                last_year=report.last_year_month,
            )
        )
    )
    if not report.totals["parcels"]:
        empty = _("No parcels were registered in {month}.").format(month=report.month)
        console.print(f"[yellow]{escape(empty)}[/yellow]")
    elif report.in_progress:
        running = _("{month} is not over: the figures run to {today}.").format(
            month=report.month, today=report.generated_at.date().isoformat()
        )
        console.print(f"[yellow]{escape(running)}[/yellow]")
    console.print(_figures(tables["totals"]))
    for name in ("hubs", "couriers", "breakdown"):
        _listing(tables[name], COUNTY_LEAVE_OUT)


def _legend() -> Text:
    """``(█ outbound, ░ inbound)``, each block in its bar's colour."""
    legend = Text(
        _("({outbound} outbound, {inbound} inbound)").format(outbound=OUT_BLOCK, inbound=IN_BLOCK)
    )
    legend.highlight_words([OUT_BLOCK], style="cyan")
    legend.highlight_words([IN_BLOCK], style="magenta")
    return legend


def _simple(title: str, columns: list[Column], rows: list[dict[str, Any]], empty: str) -> None:
    """A titled listing through the shared renderer: ids, codes and figures whole, words
    folding. The title is its own line so a narrow table does not wrap it. ``title``,
    ``empty`` and the columns' headers come translated; ``rows`` hold the cells as shown."""
    if not rows:
        _nothing(title, empty)
        return
    console.print(f"[bold]{escape(title)}[/bold]")
    render_rows(rows, columns)


def _count(value: Any) -> str:
    return cell_text(value, "int")


def _figure(key: str, header: str, *, leave_out: int = 0) -> Column:
    """A column of counts: right-aligned, never broken."""
    return Column(key, header, "right", leave_out=leave_out, no_wrap=True)


def _code(key: str, header: str, *, leave_out: int = 0) -> Column:
    """A column of codes (station, van, courier, a time): never broken."""
    return Column(key, header, leave_out=leave_out, no_wrap=True)


def _words(key: str, header: str, *, leave_out: int = 0) -> Column:
    """A column of words or names: folds when the terminal is narrow."""
    return Column(key, header, leave_out=leave_out, no_wrap=False)


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
        [_words("direction", _("Direction")), _words("status", _("Status")),
         _figure("parcels", _("Parcels"))],
        [
            {"direction": r["direction_label"], "status": r["status_label"],
             "parcels": _count(r["parcels"])}
            for r in report.registered
        ],
        _("no parcels registered on this day."),
    )  # fmt: skip
    by_state = [_words("state", _("State")), _figure("parcels", _("Parcels"))]
    _simple(
        _("Scans and steps of the day, by the state they led to"),
        by_state,
        [{"state": r["status_label"], "parcels": _count(r["parcels"])} for r in report.moves],
        _("nothing was scanned on this day."),
    )
    now = f"{report.generated_at:%H:%M}"
    hub_rows = [
        {"state": Status.label_of(status), "parcels": _count(count)}
        for status, count in report.at_hub.items()
        if count
    ]
    _simple(
        _("At the hub and on vans now ({time})").format(time=now),
        by_state,
        hub_rows,
        _("nothing waiting at the hub."),
    )
    waiting = ("to_collect", "to_deliver", "at_station", "overdue")
    _simple(
        _("Waiting at the stations now ({time})").format(time=now),
        [
            _code("code", _("Code")),
            _words("name", _("Station")),
            _figure("to_collect", _("To collect")),
            _figure("to_deliver", _("To deliver")),
            _figure("at_station", _("At station")),
            _figure("overdue", _("Overdue")),
        ],
        [
            {"code": r["code"], "name": r["name"], **{key: _count(r[key]) for key in waiting}}
            for r in report.waiting
        ],
        _("nothing waiting at the stations."),
    )
    _rounds(report)
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
            [
                Column("manifest_no", _("Manifest")),  # an id: never broken
                _code("courier", _("Courier")),
                _words("status", _("Status")),
                _figure("parcels", _("Parcels")),
            ],
            [
                {
                    "manifest_no": r["manifest_no"],
                    "courier": r["courier"],
                    "status": r["status_label"],
                    "parcels": _count(r["parcels"]),
                }
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


def _rounds(report: DailyReport) -> None:
    """The day's rounds; a narrow terminal leaves out their stops, then their km."""
    reconciled = ["missing", "extra"]
    if any(r.get("unconfirmed") for r in report.rounds):
        reconciled.append("unconfirmed")
    headers = {"missing": _("Missing"), "extra": _("Extra"), "unconfirmed": _("Not confirmed")}
    _simple(
        _("Rounds"),
        [
            Column("round_no", _("Round")),  # an id: never broken
            _code("van", _("Van")),
            _words("status", _("Status")),
            _figure("stops", _("Stops"), leave_out=2),
            _figure("km", _("km"), leave_out=1),
            _figure("parcels", _("Parcels")),
            *(_figure(key, headers[key]) for key in reconciled),
        ],
        [
            {
                "round_no": r["round_no"],
                "van": r["van"],
                "status": r["status_label"],
                "stops": _count(r["stops"]),
                "km": cell_text(r["km"], "km"),
                "parcels": _count(r["parcels"]),
                **{key: _count(r.get(key)) for key in reconciled},
            }
            for r in report.rounds
        ],
        _("no rounds on this day."),
    )


def _exceptions(report: DailyReport) -> None:
    """The day's problem parcels; a narrow terminal leaves out who scanned them, then
    their state now. A note is words (a round's number in it stays whole when it fits)."""
    _simple(
        _("Exceptions"),
        [
            _code("time", _("Time")),
            Column("parcel_no", _("Parcel")),  # an id: never broken
            _code("station", _("Station")),
            _words("what", _("What")),
            _words("now", _("Now"), leave_out=1),
            _words("operator", _("Operator"), leave_out=2),
            _words("note", _("Note")),
        ],
        [
            {
                "time": r["time"],
                "parcel_no": r["parcel_no"],
                "station": r["station"],
                "what": r["what_label"],
                "now": r["status_now_label"],
                "operator": r["operator"],
                "note": r["note"],
            }
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
