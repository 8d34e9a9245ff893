"""`hub round ...`: the planned rounds: list, show, the driver's sheet, start, finish,
and the km a round drove."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from logistics.cli import dates
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    done,
    fit,
    header_said,
    least_cells,
    print_json,
    render_record,
    render_rows,
    say_left_out,
    warn,
)
from logistics.domain.round_status import RoundStatus
from logistics.i18n import N_, _, is_chinese, listing, ngettext

NAME = "round"
ORDER = 31
app = typer.Typer(
    help="Collection rounds: list, show, sheet (driver's sheet), start, finish, km.",
    no_args_is_help=True,
)

RoundArg = Annotated[str, typer.Argument(help="Round number, e.g. R-20261123-1 (or its id).")]


def _kg(value) -> str:
    """A kg figure the service already rounded (``units.kg``), thousands separated."""
    return f"{value:,}"


def _names(names: list[str]) -> str:
    """Names in a sentence: "a, b" in English, "a、b" in Chinese."""
    return listing(name.strip() for name in names)


def _n(value) -> str:
    """A count or a km figure, thousands separated: 1,204."""
    return f"{value:,}"


def _figure(
    key: str, header: str, format=_n, leave_out: int = 0, called: str | None = None
) -> Column:
    """A column of counts or figures: right-aligned and never broken across lines."""
    return Column(key, header, "right", format, leave_out=leave_out, no_wrap=True, called=called)


def _whole(key: str, header: str, leave_out: int = 0) -> Column:
    """A code, time or phone column: never broken across lines."""
    return Column(key, header, leave_out=leave_out, no_wrap=True)


# Headers are English here (N_) and said in the chosen language where shown (_shown);
# "kg", "km" and "#" are units and marks, the same in both languages.
# Ids, codes, times and figures never break across lines (an 80-column terminal shows
# "332.16", never "332.1" over "6"); names fold, and columns ranked to go are left out.
COLUMNS = [
    Column("round_no", N_("Round")),
    _whole("service_date", N_("Date"), leave_out=4),
    _whole("van", N_("Van")),
    Column("status", N_("Status"), format=RoundStatus.label_of, no_wrap=True),
    _whole("start", N_("Start")),
    _whole("end", N_("Back"), leave_out=2),
    _figure("stops", N_("Stops")),
    _figure("pickup_parcels", N_("Pick up")),
    _figure("pickup_kg", "kg", _kg, leave_out=3, called=N_("pick-up kg")),
    _figure("drop_parcels", N_("Drop")),
    _figure("drop_kg", "kg ", _kg, leave_out=3, called=N_("drop kg")),
    _figure("km", "km"),
    Column("started_at", N_("Started"), leave_out=5),
    Column("finished_at", N_("Finished"), leave_out=5),
]

STOP_COLUMNS = [
    _figure("seq", "#"),
    _whole("station", N_("Station")),
    Column("station_name", N_("Name")),
    _whole("keeper_phone", N_("Keeper's phone"), leave_out=5),
    _whole("arrive", N_("Arrive")),
    _whole("depart", N_("Depart"), leave_out=4),
    _figure("km_from_previous", "km", leave_out=3),
    _figure("pickup_parcels", N_("Pick up")),
    _figure("pickup_kg", "kg", _kg, leave_out=2, called=N_("pick-up kg")),
    _figure("drop_parcels", N_("Drop")),
    _figure("drop_kg", "kg ", _kg, leave_out=2, called=N_("drop kg")),
    _figure("collected_parcels", N_("Collected")),
    _figure("missing_parcels", N_("Missing")),
    _figure("extra_parcels", N_("Extra")),
]


def _shown(columns: list[Column]) -> list[Column]:
    """The columns with their headers in the chosen language."""
    return [replace(c, header=header_said(c.header)) for c in columns]


def _with_labels(row: dict, columns: list[Column]) -> dict:
    """A row as --json gives it: the columns' keys, and ``status_label`` beside ``status``."""
    out = {}
    for column in columns:
        out[column.key] = row.get(column.key)
        if column.key == "status":
            out["status_label"] = RoundStatus.label_of(row.get("status"))
    return out


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

    service_day = dates.day(day)
    with open_session(ctx, write=False) as session:
        rows = rounds.list_rounds(session, service_day)
    if as_json and not as_csv:
        print_json([_with_labels(row, COLUMNS) for row in rows])
        return
    render_rows(
        rows,
        _shown(COLUMNS),
        title=_("Rounds"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No rounds: `hub plan` plans the day's rounds."),
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
        {
            **record,
            "status": RoundStatus.label_of(record["status"]),
            **_driven_cells(record),
        },
        [(key, _(label)) for key, label in RECORD_LABELS],
    )
    render_rows(record["stops"], _shown(STOP_COLUMNS), empty=_("This round has no stops."))
    _show_reconciliation(record.get("reconciliation"))


RECORD_LABELS = (
    ("round_no", N_("Round")),
    ("service_date", N_("Date")),
    ("van", N_("Van")),
    ("plate", N_("Plate")),
    ("status", N_("Status")),
    ("start", N_("Planned start")),
    ("end", N_("Planned return")),
    ("km", N_("Planned km")),
    ("driven_km", N_("Driven km")),
    ("driven_vs_planned", N_("Driven against planned")),
    ("odometer", N_("Odometer out / in")),
    ("hours", N_("Hours")),
    ("pickup_parcels", N_("To pick up")),
    ("drop_parcels", N_("To drop")),
    ("started_at", N_("Started")),
    ("finished_at", N_("Finished")),
)


def _percent(value: float) -> str:
    """A difference in percent with its sign: +7.3 %, -2.0 %."""
    return f"{value:+.1f} %"


def _driven_cells(record: dict) -> dict:
    """The driven km, its difference to the planned km and the odometer, as shown."""
    cells = {"driven_km": None, "driven_vs_planned": None, "odometer": None}
    if record["driven_km"] is not None:
        cells["driven_km"] = _n(record["driven_km"])
    elif record["status"] == RoundStatus.FINISHED:
        cells["driven_km"] = _("not recorded (`hub round km {round} KM`)").format(
            round=record["round_no"]
        )
    if record["driven_vs_planned_pct"] is not None:
        cells["driven_vs_planned"] = _percent(record["driven_vs_planned_pct"])
    if record["odometer_out_km"] is not None and record["odometer_in_km"] is not None:
        cells["odometer"] = f"{record['odometer_out_km']:,.1f} / {record['odometer_in_km']:,.1f}"
    return cells


def _show_reconciliation(data) -> None:
    if not data:
        return
    _name_parcels(data["stops"])


def _name_parcels(stops) -> None:
    """The parcels missing, extra or not confirmed at each stop, one line for each kind,
    below the table: a line wraps between ids (", "), so an id is never broken."""
    for stop in stops:
        for key, sentence in (
            ("missing", _("Stop {seq} {station} missing: {parcels}")),
            ("extra", _("Stop {seq} {station} extra: {parcels}")),
            ("unconfirmed", _("Stop {seq} {station} drops not confirmed: {parcels}")),
        ):
            if stop.get(key):
                warn(
                    sentence.format(
                        seq=stop["seq"], station=stop["station"], parcels=", ".join(stop[key])
                    )
                )


@app.command()
def sheet(
    ctx: typer.Context,
    round_ref: RoundArg,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="A4 PDF file to write.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """The driver's round sheet: stops in order with keeper's phone, parcels to collect
    and to drop, times, and a signature column. On the terminal, or as PDF with --pdf.

    Examples:
      hub round sheet R-20261123-1
      hub round sheet R-20261123-1 --pdf van1.pdf
    """
    from logistics.io.pdf.round_sheet import kg_shown, km_shown, write_round_sheet_pdf
    from logistics.services import rounds

    with open_session(ctx, write=False) as session:
        doc = rounds.sheet_document(session, round_ref)
    if pdf is not None:
        pages = write_round_sheet_pdf(doc, pdf, force=force)
        done(
            ngettext(
                "Round sheet {round}: {file} ({n} page).",
                "Round sheet {round}: {file} ({n} pages).",
                pages,
            ).format(round=doc.round_no, file=pdf, n=f"{pages:,}")
        )
        return
    van = f"{doc.vehicle_code} ({doc.vehicle_plate})" if doc.vehicle_plate else doc.vehicle_code
    table = Table(
        title=_("Round sheet {round}  {date}  {van}  leave {start}, back {end}, {km} km").format(
            round=doc.round_no,
            date=doc.service_date,
            van=escape(van),
            start=f"{doc.planned_start:%H:%M}",
            end=f"{doc.planned_return:%H:%M}",
            km=km_shown(doc.total_km),
        ),
        title_justify="left",
        show_lines=True,
    )
    rows = [("", escape(doc.hub_name), "", f"- /\n{doc.planned_start:%H:%M}", "", "", "", "", "")]
    for stop in doc.stops:
        rows.append(
            (
                str(stop.seq),
                escape(f"{stop.station_name}\n{stop.station_code}  {stop.note}"),
                escape(f"{stop.keeper_name}\n{stop.keeper_phone}"),
                f"{stop.planned_arrival:%H:%M} /\n{stop.planned_departure:%H:%M}",
                km_shown(stop.km_from_previous),
                f"{_n(stop.collect_parcels)}\n{kg_shown(stop.collect_kg)} kg",
                f"{_n(stop.drop_parcels)}\n{kg_shown(stop.drop_kg)} kg",
                "____",
                " " * 18,
            )
        )
    rows.append(
        (
            "",
            escape(doc.hub_name),
            "",
            f"{doc.planned_return:%H:%M} /\n-",
            km_shown(doc.return_km),
            "",
            "",
            "",
            "",
        )
    )
    # on paper (--pdf) the count box and the signature; on a narrow terminal they go first
    left_out = _add_columns(table, SHEET_HEADERS, rows, leave_out=(8, 7))
    console.print(table)
    if left_out:
        sentence = _("Left out to fit the terminal: {columns} (--pdf prints the whole sheet).")
        console.print(f"[dim]{escape(sentence.format(columns=_names(left_out)))}[/dim]")
    console.print(_("Driver ________________   Dispatcher ________________"))


SHEET_HEADERS = (
    ("#", "right"),
    (N_("Station"), "left"),
    (N_("Keeper / phone"), "left"),
    (N_("Arrive / leave"), "left"),
    ("km", "right"),
    (N_("Collect"), "right"),
    (N_("Drop"), "right"),
    (N_("Count"), "left"),
    (N_("Keeper's signature"), "left"),
)


@app.command()
def start(ctx: typer.Context, round_ref: RoundArg) -> None:
    """Start the round as the van leaves: its inbound parcels are dispatched.

    Examples:
      hub round start R-20261123-1
      # on the way, scan what each station hands over
      hub scan collect --station GD05 --round R-20261123-1 -
    """
    from logistics.services import rounds

    with open_session(ctx) as session:
        result = rounds.start_round(session, round_ref, operator=hub_context(ctx).operator)
    done(
        _(
            "Round {round} started ({van}): {stops} stops, {dispatched} inbound parcels "
            "dispatched, {collect} to collect. Scan collections with "
            "`hub scan collect --station CODE --round {round}`."
        ).format(
            round=result.round_no,
            van=result.van,
            stops=_n(result.stops),
            dispatched=_n(result.dispatched),
            collect=_n(result.pickup_parcels),
        )
    )


# Text, not float: the km are read as people type them (48.5公里, ５１) and a figure that
# is none is refused naming what was typed (road_factors.read_km).
KmOption = Annotated[
    str | None,
    typer.Option("--km", metavar="KM", help="The km the van drove on the round, e.g. 48.5."),
]
OdometerOut = Annotated[
    str | None,
    typer.Option(
        "--odometer-out", metavar="KM", help="The odometer when the van left, e.g. 12034.5."
    ),
]
OdometerIn = Annotated[
    str | None,
    typer.Option(
        "--odometer-in", metavar="KM", help="The odometer when the van came back, e.g. 12083.0."
    ),
]


@app.command()
def finish(
    ctx: typer.Context,
    round_ref: RoundArg,
    km: KmOption = None,
    odometer_out: OdometerOut = None,
    odometer_in: OdometerIn = None,
) -> None:
    """Finish the round as the van is back, and reconcile each stop: parcels expected,
    collected (scanned with `hub scan collect` since the start), missing and extra; and
    the parcels dropped, with those the station has not confirmed (not scanned with
    `hub scan at-station` since the start).

    Give the km the van drove (--km, or the odometer readings out and in; both given
    must agree within 0.5 km): the planner learns the roads from them. A finish without
    them is allowed; `hub round km` records them later.

    Examples:
      hub round finish R-20261123-1 --km 48.5
      hub round finish R-20261123-1 --odometer-out 12034.5 --odometer-in 12083.0
      hub round finish R-20261123-1
    """

    from logistics.services import round_finish

    with open_session(ctx) as session:
        result = round_finish.finish_round(
            session,
            round_ref,
            operator=hub_context(ctx).operator,
            km=km,
            odometer_out=odometer_out,
            odometer_in=odometer_in,
        )
    table = Table(
        title=_("Round {round} ({van}): reconciliation").format(
            round=result.round_no, van=escape(result.van)
        ),
        title_justify="left",
    )
    rows = [
        (
            str(stop.seq),
            escape(f"{stop.station} {stop.station_name}"),
            _n(stop.expected),
            _n(stop.collected),
            f"[red]{_n(len(stop.missing))}[/red]" if stop.missing else "0",
            f"[yellow]{_n(len(stop.extra))}[/yellow]" if stop.extra else "0",
            _n(stop.drops),
            f"[yellow]{_n(len(stop.unconfirmed))}[/yellow]" if stop.unconfirmed else "0",
        )
        for stop in result.stops
    ]
    left_out = _add_columns(table, RECONCILIATION_HEADERS, rows)
    console.print(table)
    say_left_out(left_out)
    _name_parcels(
        {
            "seq": stop.seq,
            "station": stop.station,
            "missing": stop.missing,
            "extra": stop.extra,
            "unconfirmed": stop.unconfirmed,
        }
        for stop in result.stops
    )
    text = _(
        "Round {round} finished at {time}: {collected} collected of {expected} expected, "
        "{missing} missing, {extra} extra."
    ).format(
        round=result.round_no,
        time=f"{result.finished_at:%H:%M}",
        collected=_n(result.collected),
        expected=_n(result.expected),
        missing=_n(result.missing),
        extra=_n(result.extra),
    )
    (done if not (result.missing or result.extra) else warn)(text)
    if result.drops:
        dropped = _(
            "{delivered} of {drops} dropped parcels confirmed at their stations, "
            "{unconfirmed} not confirmed."
        ).format(
            delivered=_n(result.delivered),
            drops=_n(result.drops),
            unconfirmed=_n(result.unconfirmed),
        )
        if result.unconfirmed:
            dropped += " " + _(
                "They stay out for delivery until their station scans them "
                "(`hub scan at-station --station CODE`)."
            )
        (done if not result.unconfirmed else warn)(dropped)
    if result.driven_m is None:
        warn(
            _(
                "The distance driven is not recorded: `hub round km {round} KM` records it "
                "(the planner learns the roads from it)."
            ).format(round=result.round_no)
        )
    else:
        done(_driven_sentence(result.round_no, result.planned_m, result.driven_m))
        _say_left_out(result)


def _driven_sentence(round_no: str, planned_m: int, driven_m: int) -> str:
    from logistics.domain.road_factors import difference_percent
    from logistics.domain.units import km_text

    difference = difference_percent(planned_m, driven_m)
    if difference is None:
        return _("Round {round} drove {driven} km.").format(
            round=round_no, driven=km_text(driven_m)
        )
    return _("Round {round} drove {driven} km against {planned} km planned ({difference}).").format(
        round=round_no,
        driven=km_text(driven_m),
        planned=km_text(planned_m),
        difference=_percent(difference),
    )


@app.command("km")
def km_(
    ctx: typer.Context,
    round_ref: RoundArg,
    km: Annotated[
        str | None,
        typer.Argument(metavar="KM", help="The km the van drove on the round, e.g. 48.5."),
    ] = None,
    odometer_out: OdometerOut = None,
    odometer_in: OdometerIn = None,
) -> None:
    """Record the km a finished round drove, when the driver hands them in after the
    finish (or correct them): the km, or the odometer readings out and in.

    Examples:
      hub round km R-20261123-1 48.5
      hub round km R-20261123-1 --odometer-out 12034.5 --odometer-in 12083.0
    """
    from logistics.services import round_finish

    with open_session(ctx) as session:
        result = round_finish.record_distance(
            session, round_ref, km=km, odometer_out=odometer_out, odometer_in=odometer_in
        )
    sentence = _driven_sentence(result.round_no, result.planned_m, result.driven_m)
    if result.replaced_m is not None and result.replaced_m != result.driven_m:
        from logistics.domain.units import km_text

        sentence += ("" if is_chinese() else " ") + _(
            "It replaces the {km} km recorded before."
        ).format(km=km_text(result.replaced_m))
    done(sentence)
    _say_left_out(result)


def _say_left_out(result) -> None:
    """Warn when the distance recorded is one the road learning will leave out (outside
    ``road_factors.PLAUSIBLE_RATIO`` of the route's straight line): a slip is cheaper to
    correct now than to find after the plans stopped learning from the round."""
    from logistics.domain.road_factors import PLAUSIBLE_RATIO
    from logistics.domain.units import km_text

    if result.learnable is not False:
        return
    driven, planned = result.driven_m, result.planned_m
    if driven < result.straight_m:
        sentence = _(
            "{driven} km is less than the straight line between its stops ({line} km): "
            "recorded, but not used to learn road factors; `hub round km {round} KM` "
            "corrects it."
        ).format(
            driven=km_text(driven),
            line=km_text(result.straight_m),
            round=result.round_no,
        )
    elif planned > 0:
        sentence = _(
            "{driven} km is {times} times the planned {planned} km: recorded, but not used "
            "to learn road factors; `hub round km {round} KM` corrects it."
        ).format(
            driven=km_text(driven),
            times=f"{driven / planned:.1f}",
            planned=km_text(planned),
            round=result.round_no,
        )
    else:
        sentence = _(
            "{driven} km is more than {most} times the straight line between its stops "
            "({line} km): recorded, but not used to learn road factors; `hub round km "
            "{round} KM` corrects it."
        ).format(
            most=f"{PLAUSIBLE_RATIO[1]:g}",
            driven=km_text(driven),
            line=km_text(result.straight_m),
            round=result.round_no,
        )
    warn(sentence)


# The parcels' ids are named below the table (``_name_parcels``), not in a column.
RECONCILIATION_HEADERS = (
    ("#", "right"),
    (N_("Station"), "left"),
    (N_("Expected"), "right"),
    (N_("Collected"), "right"),
    (N_("Missing"), "right"),
    (N_("Extra"), "right"),
    (N_("Dropped"), "right"),
    (N_("Not confirmed"), "right"),
)


def _least(line: str) -> int:
    """A sheet's line of digits and letters ("08:00 / 08:16", a phone) stays whole; one
    with Chinese in it breaks between its words."""
    return cell_len(line.strip()) if line.isascii() else least_cells(line)


def _add_columns(
    table: Table, headers, rows: list[tuple[str, ...]], leave_out: tuple[int, ...] = ()
) -> list[str]:
    """The table's columns in the chosen language, and its ``rows`` (markup), fitted to
    the terminal by :func:`output.fit`: when it is too narrow, the columns ``leave_out``
    names (indexes, first to go first) go before any is squeezed; returns the headers
    left out."""
    titles = [header_said(header) for header, _justify in headers]
    lines = [
        [Text.from_markup(row[k]).plain.splitlines() or [""] for k in range(len(headers))]
        for row in rows
    ]
    natural = [
        max([cell_len(titles[k])] + [cell_len(line) for row in lines for line in row[k]])
        for k in range(len(headers))
    ]
    least = [
        max([least_cells(titles[k])] + [_least(line) for row in lines for line in row[k]])
        for k in range(len(headers))
    ]
    keep, going = list(range(len(headers))), list(leave_out)
    while going and sum(least[k] + 3 for k in keep) + 1 > console.width:
        keep.remove(going.pop(0))
    keep, widths = fit(keep, natural, least)
    for k in keep:
        table.add_column(
            titles[k],
            justify=headers[k][1],
            overflow="fold",
            min_width=least[k] or None,
            width=widths.get(k),
        )
    for row in rows:
        table.add_row(*(row[k] for k in keep))
    return [titles[k] for k in range(len(headers)) if k not in keep]


@app.command("map")
def map_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="HTML file to write.")],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="D",
            help="Hub-local day: YYYY-MM-DD, 12月2日, today, yesterday, tomorrow.",
        ),
    ] = None,
    tiles: Annotated[
        str,
        typer.Option(
            "--map-tiles",
            metavar="gaode|osm",
            help="gaode (AutoNavi, GCJ-02 coordinates) or osm (OpenStreetMap, WGS-84 as stored).",
        ),
    ] = "gaode",
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """The day's planned rounds on a web map (one HTML page), without planning again:
    each round in its colour, stops numbered, stations clickable.

    Examples:
      hub round map day.html
      hub round map --date 2026-11-23 --map-tiles osm day.html
    """
    from logistics.cli.commands.plan import write_map
    from logistics.io import files
    from logistics.io.day_map import MapTiles
    from logistics.services.day_map import day_map_document

    chosen = MapTiles.parse(tiles)
    files.check_target(file, force=force)
    with open_session(ctx, write=False) as session:
        doc = day_map_document(session, dates.day(day), require_rounds=True)
    write_map(doc, file, chosen, force=force)
