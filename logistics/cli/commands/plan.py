"""`hub plan`: plan the day's collection rounds (OR-Tools) and store them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from logistics.cli import dates
from logistics.cli.context import open_session
from logistics.cli.output import (
    JsonOption,
    console,
    done,
    fit,
    header_said,
    least_cells,
    print_json,
    say_left_out,
    warn,
)
from logistics.domain.units import kg_text
from logistics.i18n import N_, _, listing, ngettext

ORDER = 30


def _n(value) -> str:
    """A count or a figure (km, hours) with thousands separated: 3,984."""
    return f"{value:,}"


def plan(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="D",
            help="Hub-local day: YYYY-MM-DD, 12月2日, today, yesterday, tomorrow.",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            metavar="S",
            help="Search seconds for the whole day.",
            show_default="0.6",
        ),
    ] = None,
    vans: Annotated[
        str | None,
        typer.Option(
            "--vans",
            metavar="VAN1,VAN2",
            help="Only these vans (codes, comma-separated); all: every van again.",
        ),
    ] = None,
    matrix: Annotated[
        Path | None,
        typer.Option(
            "--matrix",
            metavar="FILE",
            help="Road distance table (CSV from,to,km[,minutes] by station code and hub code).",
        ),
    ] = None,
    roads: Annotated[
        str | None,
        typer.Option(
            "--roads",
            metavar="URL",
            help="The hub's road server for distances: osrm+http://HOST:PORT, "
            "valhalla+http://HOST:PORT, or http://HOST:PORT (OSRM asked first).",
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help="Also write the day's rounds on a web map: one HTML page.",
        ),
    ] = None,
    map_tiles: Annotated[
        str | None,
        typer.Option(
            "--map-tiles",
            metavar="gaode|osm",
            help="Map of --map: gaode (AutoNavi, GCJ-02 coordinates) or osm "
            "(OpenStreetMap, WGS-84 as stored).",
            show_default="gaode",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --map file if it exists.")
    ] = False,
    replan: Annotated[
        bool,
        typer.Option(
            "--replan",
            help="After the plan, ask what to change and plan again at once, without "
            "starting hub again (Enter: plan again; q: stop).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Plan the day's collection rounds and store them (replacing an unstarted plan).

    Stations with outbound parcels waiting or inbound parcels to drop are shared among
    the active vans within capacities (kg and parcels), opening hours, van shifts and the
    return before the earliest courier cut-off; a van back early goes out again. What
    cannot be served is carried over with the reason.

    Once rounds of the day have started, planning again keeps them: it plans the vans
    as they come back and the parcels still waiting, and replaces only the unstarted
    rounds. Parcels on a later day's unstarted plan are planned for this day instead,
    and the summary says how many moved from which day.

    Distances come from the first of: a road table (--matrix, measured km); the hub's
    road server (--roads: one request for the whole township, its answer kept in the
    database and used again with its date; when it does not answer, the plan says so
    and goes on); the road factors learned from the km the vans drove (`hub round
    finish --km`); the hub's one road factor. The summary says which.

    Examples:
      hub plan
      hub plan --date 2026-11-23 --time-limit 5
      hub plan --vans VAN1,VAN3 --matrix roads.csv
      hub plan --roads osrm+http://10.0.0.5:5000
      hub plan --map day.html
      hub plan --json
      hub plan --replan    # then type --vans VAN1,VAN3, or Enter, or q
    """
    from logistics.services import planning

    service_day = dates.day(day)
    if map_file is None and (map_tiles is not None or force):
        raise typer.BadParameter(
            _("--map-tiles and --force are for the map: add --map FILE."), param_hint="--map"
        )
    if replan and as_json:
        raise typer.BadParameter(
            _("--replan shows each plan on the terminal: leave out --json."),
            param_hint="--replan",
        )
    if replan:  # the first plan, then the question; a mistake in it is said, then asked
        from logistics.cli.replan import replan_until_done

        replan_until_done(ctx, plan_first=True)
        return
    if map_file is not None:
        from logistics.io import files
        from logistics.io.day_map import MapTiles

        # refused before planning, so a wrong word or a taken file name costs no plan
        tiles = MapTiles.parse(map_tiles or "gaode")
        files.check_target(map_file, force=force)
    with open_session(ctx) as session:
        if as_json:
            summary = planning.plan_day(
                session,
                service_day,
                time_limit=time_limit,
                vans=vans,
                matrix=matrix,
                roads=roads,
            )
        else:
            with console.status(_("Planning the rounds…"), spinner="dots") as status:

                def progress(message: str) -> None:
                    status.update(f"{escape(message)}…")

                summary = planning.plan_day(
                    session,
                    service_day,
                    time_limit=time_limit,
                    vans=vans,
                    matrix=matrix,
                    roads=roads,
                    progress=progress,
                )
        if map_file is not None:
            from logistics.services.day_map import day_map_document

            day_map = day_map_document(session, summary.service_date)
    if as_json:
        if map_file is not None:
            write_map(day_map, map_file, tiles, force=force, to_stderr=True)
        print_json(summary.as_dict())
        return
    show_plan(summary)
    if map_file is not None:
        write_map(day_map, map_file, tiles, force=force)


PLAN_HEADERS = (
    ("#", "right"),
    (N_("Station"), "left"),
    (N_("Arrive"), "left"),
    (N_("Depart"), "left"),
    (N_("Pick up"), "right"),
    ("kg", "right"),
    (N_("Drop"), "right"),
    ("kg ", "right"),
    ("km", "right"),
)


#: What a narrow terminal leaves out of the rounds first: the weights, then departures.
PLAN_LEAVE_OUT = (7, 5, 3)
#: What the left-out sentence calls a column whose header is a bare unit.
PLAN_COLUMN_NAMES = {5: N_("pick-up kg"), 7: N_("drop kg")}


def _round_rows(rnd) -> list[tuple[str, ...]]:
    """A round's table rows as plain text: one per stop, then the way back."""
    rows = []
    for stop in rnd.stops:
        if stop.parts > 1:
            name = _("{station} {name} (visit {part}/{parts})").format(
                station=stop.station, name=stop.station_name, part=stop.part, parts=stop.parts
            )
        else:
            name = f"{stop.station} {stop.station_name}"
        rows.append(
            (
                str(stop.seq),
                name,
                f"{stop.arrive:%H:%M}",
                f"{stop.depart:%H:%M}",
                _n(stop.pickup_parcels),
                kg_text(stop.pickup_g),
                _n(stop.drop_parcels),
                kg_text(stop.drop_g),
                _n(stop.km_from_previous),
            )
        )
    rows.append(
        ("", _("back to the hub"), f"{rnd.end:%H:%M}", "", "", "", "", "", _n(rnd.return_km))
    )
    return rows


def _show_rounds(rounds) -> None:
    """Each round's stops, every round with the same columns: in a narrow terminal the
    weights and departures go first, named once after the last round."""
    if not rounds:
        return
    titles = [header_said(header) for header, _justify in PLAN_HEADERS]
    tables = [(rnd, _round_rows(rnd)) for rnd in rounds]
    every = [row for _rnd, rows in tables for row in rows]
    natural = [
        max([cell_len(t)] + [cell_len(row[k]) for row in every]) for k, t in enumerate(titles)
    ]
    # a time or a figure never breaks across lines; the station's name folds
    least = [
        max([least_cells(t)] + [least_cells(row[k]) for row in every]) if k == 1 else natural[k]
        for k, t in enumerate(titles)
    ]
    keep, widths = fit(range(len(titles)), natural, least, going=PLAN_LEAVE_OUT)
    for rnd, rows in tables:
        table = Table(
            title=_("{round}  {van}  {start}-{end}  {km} km  ({up} up, {down} down)").format(
                round=rnd.round_no,
                van=escape(rnd.van),
                start=f"{rnd.start:%H:%M}",
                end=f"{rnd.end:%H:%M}",
                km=_n(rnd.km),
                up=_n(rnd.pickup_parcels),
                down=_n(rnd.drop_parcels),
            ),
            title_justify="left",
        )
        for k in keep:
            table.add_column(
                titles[k],
                justify=PLAN_HEADERS[k][1],  # type: ignore[arg-type]
                overflow="fold",
                no_wrap=k != 1,
                min_width=least[k],
                width=widths.get(k),
            )
        for row in rows:
            table.add_row(*(Text(row[k]) for k in keep))
        console.print(table)
    say_left_out(
        [
            _(PLAN_COLUMN_NAMES[k]) if k in PLAN_COLUMN_NAMES else titles[k]
            for k in range(len(titles))
            if k not in keep
        ]
    )


def show_plan(summary) -> None:
    if summary.kept_rounds:
        kept = listing(
            _("{round} ({van}, {status}, back {time})").format(
                round=r.round_no, van=r.van, status=r.status_label, time=f"{r.back:%H:%M}"
            )
            for r in summary.kept_rounds
        )
        warn(
            ngettext(
                "Kept {n} round of {date} that has started or finished: {rounds}. This plan "
                "is for the vans as they come back and the parcels it does not carry.",
                "Kept {n} rounds of {date} that have started or finished: {rounds}. This plan "
                "is for the vans as they come back and the parcels they do not carry.",
                len(summary.kept_rounds),
            ).format(n=_n(len(summary.kept_rounds)), date=summary.service_date, rounds=escape(kept))
        )
    for moved in summary.moved:
        warn(
            ngettext(
                "Moved {n} parcel from the plan of {from_date} to {date}: plan {from_date} "
                "again (`hub plan --date {from_date}`).",
                "Moved {n} parcels from the plan of {from_date} to {date}: plan {from_date} "
                "again (`hub plan --date {from_date}`).",
                moved.parcels,
            ).format(n=_n(moved.parcels), from_date=moved.from_date, date=summary.service_date)
        )
    if summary.replaced_rounds:
        warn(
            _("Replaced the earlier unstarted plan of {date} ({n} rounds).").format(
                date=summary.service_date, n=_n(summary.replaced_rounds)
            )
        )
    _show_rounds(summary.rounds)
    if not summary.rounds:
        warn(_("No rounds planned for {date}.").format(date=summary.service_date))
    line = _(
        "Plan for {date}: {rounds} rounds, {vans} vans, {km} km, {hours} h on the road, "
        "{served} of {waiting} parcels served ({up} picked up, {down} dropped); "
        "back by {back}; distances: {distances}."
    ).format(
        date=summary.service_date,
        rounds=_n(len(summary.rounds)),
        vans=_n(summary.vans_used),
        km=_n(summary.km),
        hours=_n(summary.hours),
        served=_n(summary.parcels_served),
        waiting=_n(summary.outbound_waiting + summary.inbound_waiting),
        up=_n(summary.outbound_served),
        down=_n(summary.inbound_served),
        back=summary.latest_return,
        distances=summary.distances,
    )
    (done if not summary.carried_over else warn)(line)
    for item in summary.carried_over:
        warn(
            _(
                "Carried over: {station} {name}: {up} to pick up ({up_kg} kg), {down} to drop "
                "({down_kg} kg), waiting {days} d: {reason}."
            ).format(
                station=item.station,
                name=item.station_name,
                up=_n(item.outbound_parcels),
                up_kg=kg_text(item.outbound_g),
                down=_n(item.inbound_parcels),
                down_kg=kg_text(item.inbound_g),
                days=_n(item.waiting_days),
                reason=item.reason,
            )
        )
    if summary.backlog is not None:
        warn(escape(summary.backlog.sentence))
    for note in summary.notes:
        warn(_("Note: {note}.").format(note=note))


def write_map(doc, path: Path, tiles, *, force: bool, to_stderr: bool = False) -> None:
    """Write the day's web map and say where (on stderr when stdout carries --json)."""
    from logistics.io.day_map import write_day_map

    write_day_map(doc, path, tiles=tiles, force=force)
    stops = sum(len(r.stops) for r in doc.rounds)
    said = ngettext(
        "Map of {date}: {file} ({n} round, {stops} stops). {datum}.",
        "Map of {date}: {file} ({n} rounds, {stops} stops). {datum}.",
        len(doc.rounds),
    ).format(
        date=doc.service_date,
        file=path,
        n=_n(len(doc.rounds)),
        stops=_n(stops),
        datum=tiles.describe(),
    )
    done(said, stderr=to_stderr)


def register(root: typer.Typer) -> None:
    root.command("plan")(plan)
