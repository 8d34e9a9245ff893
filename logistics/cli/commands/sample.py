"""`hub sample generate`: realistic seeded parcels for the sample township."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics.cli import dates
from logistics.cli.context import open_session
from logistics.cli.output import done, warn
from logistics.i18n import _, ngettext

NAME = "sample"
ORDER = 80
app = typer.Typer(help="Generate realistic sample parcels (seeded).", no_args_is_help=True)


@app.command()
def generate(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="Past days of whole parcel lives.")] = 30,
    seed: Annotated[int, typer.Option(help="The same seed gives the same parcels.")] = 42,
    start: Annotated[
        str | None,
        typer.Option(help="First day: YYYY-MM-DD, yesterday, 12月2日 (default: DAYS days ago)."),
    ] = None,
    today: Annotated[
        bool,
        typer.Option(
            "--today", help="Make today's work instead: parcels waiting at stations and hub."
        ),
    ] = False,
) -> None:
    """Fill the database with seeded sample parcels and their events.

    History days get whole lives (registered ... handed over, inbound picked up or
    returned); --today makes one day of work waiting to be planned. About 3,300
    parcels a day with Double 11 and Spring Festival peaks.

    Examples:
      hub sample generate --days 365 --seed 7
      hub sample generate --today
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from logistics.services import sample

    first = dates.day(start)
    with (
        open_session(ctx) as session,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as bar,
    ):
        task = bar.add_task(_("Generating days"), total=1 if today else days)
        summary = sample.generate(
            session,
            days,
            seed,
            start=first,
            today=today,
            progress=lambda finished, total: bar.update(task, completed=finished, total=total),
        )
    if summary.days == 0 and summary.today:
        warn(
            _("{day} already holds parcels: --today added none, so the day is not doubled.").format(
                day=summary.first_day
            )
        )
        return
    if summary.days == 0:
        warn(
            ngettext(
                "That day already holds seed {seed}'s parcels: none added.",
                "Those {n} days already hold seed {seed}'s parcels: none added.",
                summary.skipped_days,
            ).format(n=summary.skipped_days, seed=seed)
        )
        return
    done(
        _(
            "Generated {parcels} parcels ({outbound} outbound, {inbound} inbound) and "
            "{events} events for {first} to {last} in {seconds} s."
        ).format(
            parcels=f"{summary.parcels:,}",
            outbound=f"{summary.outbound:,}",
            inbound=f"{summary.inbound:,}",
            events=f"{summary.events:,}",
            first=summary.first_day,
            last=summary.last_day,
            seconds=f"{summary.seconds:.1f}",
        )
    )
    if summary.skipped_days:
        warn(
            ngettext(
                "{n} day already held seed {seed}'s parcels and was skipped.",
                "{n} days already held seed {seed}'s parcels and were skipped.",
                summary.skipped_days,
            ).format(n=summary.skipped_days, seed=seed)
        )
