"""`hub plan`: plan the day's collection rounds (OR-Tools) and store them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from logistics.cli.context import open_session
from logistics.cli.output import JsonOption, console, done, kg, print_json, warn

ORDER = 30


def plan(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option("--date", metavar="D", help="Hub-local day: YYYY-MM-DD, today, yesterday."),
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
            "--vans", metavar="VAN1,VAN2", help="Only these vans (codes, comma-separated)."
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
    as_json: JsonOption = False,
) -> None:
    """Plan the day's collection rounds and store them (replacing an unstarted plan).

    Stations with outbound parcels waiting or inbound parcels to drop are shared among
    the active vans within capacities (kg and parcels), opening hours, van shifts and the
    return before the earliest courier cut-off; a van back early goes out again. What
    cannot be served is carried over with the reason. Refused once a round of the day
    has started.

    Examples:
      hub plan
      hub plan --date 2026-11-23 --time-limit 5
      hub plan --vans VAN1,VAN3 --matrix roads.csv
      hub plan --json
    """
    from logistics.services import planning

    with open_session(ctx) as session:
        if as_json:
            summary = planning.plan_day(
                session, day, time_limit=time_limit, vans=vans, matrix=matrix
            )
        else:
            with console.status("Planning the rounds…", spinner="dots") as status:

                def progress(message: str) -> None:
                    status.update(f"{escape(message)}…")

                summary = planning.plan_day(
                    session,
                    day,
                    time_limit=time_limit,
                    vans=vans,
                    matrix=matrix,
                    progress=progress,
                )
    if as_json:
        print_json(summary.as_dict())
        return
    show_plan(summary)


def show_plan(summary) -> None:
    if summary.replaced_rounds:
        warn(
            f"Replaced the earlier unstarted plan of {summary.service_date} "
            f"({summary.replaced_rounds} rounds)."
        )
    for rnd in summary.rounds:
        table = Table(
            title=(
                f"{rnd.round_no}  {rnd.van}  {rnd.start:%H:%M}-{rnd.end:%H:%M}  "
                f"{rnd.km} km  ({rnd.pickup_parcels} up, {rnd.drop_parcels} down)"
            ),
            title_justify="left",
        )
        for header, justify in (
            ("#", "right"),
            ("Station", "left"),
            ("Arrive", "left"),
            ("Depart", "left"),
            ("Pick up", "right"),
            ("kg", "right"),
            ("Drop", "right"),
            ("kg ", "right"),
            ("km", "right"),
        ):
            table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for stop in rnd.stops:
            name = f"{stop.station} {stop.station_name}"
            if stop.parts > 1:
                name += f" (visit {stop.part}/{stop.parts})"
            table.add_row(
                str(stop.seq),
                escape(name),
                f"{stop.arrive:%H:%M}",
                f"{stop.depart:%H:%M}",
                str(stop.pickup_parcels),
                kg(stop.pickup_g),
                str(stop.drop_parcels),
                kg(stop.drop_g),
                f"{stop.km_from_previous}",
            )
        table.add_row(
            "", "back to the hub", f"{rnd.end:%H:%M}", "", "", "", "", "", f"{rnd.return_km}"
        )
        console.print(table)
    if not summary.rounds:
        warn(f"No rounds planned for {summary.service_date}.")
    served = (
        f"{summary.parcels_served} of {summary.outbound_waiting + summary.inbound_waiting} "
        f"parcels served ({summary.outbound_served} picked up, {summary.inbound_served} dropped)"
    )
    line = (
        f"Plan for {summary.service_date}: {len(summary.rounds)} rounds, {summary.vans_used} vans, "
        f"{summary.km} km, {summary.hours} h on the road, {served}; back by "
        f"{summary.latest_return}; distances: {summary.distances}."
    )
    (done if not summary.carried_over else warn)(line)
    for item in summary.carried_over:
        warn(
            escape(
                f"Carried over: {item.station} {item.station_name}: {item.outbound_parcels} to "
                f"pick up ({kg(item.outbound_g)} kg), {item.inbound_parcels} to drop "
                f"({kg(item.inbound_g)} kg), waiting {item.waiting_days} d: {item.reason}."
            )
        )
    for note in summary.notes:
        warn(f"Note: {note}.")


def register(root: typer.Typer) -> None:
    root.command("plan")(plan)
