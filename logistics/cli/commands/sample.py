"""`hub sample generate`: realistic seeded parcels for the sample township."""

from __future__ import annotations

from datetime import timedelta
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
    days: Annotated[
        int | None,
        typer.Option(help="Past days of whole parcel lives.", show_default="30; 7 with --peak"),
    ] = None,
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
    peak: Annotated[
        str | None,
        typer.Option(
            "--peak",
            metavar="double11",
            help="Make a peak week: double11, outbound 5.5 to 9 times an ordinary day.",
        ),
    ] = None,
    peak_day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="D",
            help="The peak day of --peak (default: 11 November; with --today, today); "
            "with --today alone, the day of the work (default: today).",
        ),
    ] = None,
    county: Annotated[
        bool,
        typer.Option(
            "--county", help="Fill every hub of the database (the sample county), one by one."
        ),
    ] = False,
) -> None:
    """Fill the database with seeded sample parcels and their events.

    History days get whole lives (registered ... handed over, inbound picked up or
    returned); --today makes one day of work waiting to be planned. About 3,300
    parcels a day with Double 11 and Spring Festival peaks.

    --peak double11 makes the Double 11 week instead: from two days before the peak
    day to four after it, villagers' shops send 5.5 to 9 times the outbound parcels of
    an ordinary day (most on the peak day, fewer after), mostly from the villages with
    shops, more kiwi gift boxes, tea and crafts; online purchases arrive from two days
    after it. Without --date the week is the latest past 11 November's; with --today
    one day of peak work is made (today, or the --date given) for `hub plan`.

    Examples:
      hub sample generate --days 365 --seed 7
      hub sample generate --today
      hub sample generate --peak double11
      hub sample generate --peak double11 --today --date 2026-11-11
      hub sample generate --county --days 400   # after hub init --sample county
    """
    from logistics.cli.progress import bars
    from logistics.services import sample

    first = dates.day(start)
    peak_on = dates.day(peak_day)
    if today and peak is None and peak_on is not None:
        # without --peak, --date is the day --today makes (as --start is)
        if first is not None and first != peak_on:
            raise typer.BadParameter(
                _("--start and --date both give the day of --today: give one of them."),
                param_hint="--date",
            )
        first, peak_on = peak_on, None
    if county:
        _generate_county(ctx, days, seed, first, today, peak, peak_on)
        return
    with (
        open_session(ctx) as session,
        bars(time_left=True) as bar,
    ):
        task = bar.add_task(_("Generating days"), total=1 if today else days or 7)
        summary = sample.generate(
            session,
            days,
            seed,
            start=first,
            today=today,
            progress=lambda finished, total: bar.update(task, completed=finished, total=total),
            peak=peak.strip().lower() if peak else None,
            peak_day=peak_on,
        )
    _say(summary, seed)


def _generate_county(ctx, days, seed, first, today, peak, peak_on) -> None:
    """Each hub in turn, a line of what was made in each (its seed is the given + k)."""
    from logistics.cli.progress import bars
    from logistics.services import sample

    with (
        open_session(ctx, any_hub=True) as session,
        bars(time_left=True) as bar,
    ):
        tasks: dict[str, int] = {}

        def progress(code: str, finished: int, total: int) -> None:
            if code not in tasks:
                tasks[code] = bar.add_task(_("Generating days, hub {code}").format(code=code))
            bar.update(tasks[code], completed=finished, total=total)

        made = sample.generate_county(
            session,
            days,
            seed,
            progress=progress,
            start=first,
            today=today,
            peak=peak.strip().lower() if peak else None,
            peak_day=peak_on,
        )
    for code, hub_seed, summary in made:
        done(_("Hub {code}:").format(code=code))
        _say(summary, hub_seed)


def _say(summary, seed: int) -> None:
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
    if summary.peak is not None:
        done(
            _("Double 11 week {first} to {last}, peak on {day}.").format(
                first=summary.peak.first,
                last=summary.peak.first + timedelta(days=summary.peak.length - 1),
                day=summary.peak.day,
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
