"""`hub demo`: a whole day at the sample township on a throw-away database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from logistics.cli.context import hub_context
from logistics.cli.output import console, done, kg, warn
from logistics.domain.units import money_text
from logistics.i18n import _, is_chinese, ngettext

ORDER = 1


def demo(
    ctx: typer.Context,
    folder: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Where to keep the printouts (default: they go with the temporary folder).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the day's parcels.")] = 2026,
    month: Annotated[
        bool, typer.Option("--month/--no-month", help="Also generate last month and report it.")
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier demo's printouts in --folder.")
    ] = False,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep the temporary folder with the day's database."),
    ] = False,
) -> None:
    """Run a day at the sample township (Gaodu, Zezhou county) from parcels to handover.

    Generates today's parcels, plans the van rounds, drives them with collection scans
    (a few parcels are left behind to show the reconciliation), scans arrivals,
    assigns couriers, prints and hands over the manifests, then reports on last month.
    The day runs on a new SQLite database in a temporary folder, removed at the end
    unless --keep is given; HUB_DATABASE_URL is ignored, and --db is accepted only for
    a database that holds nothing. The printouts are kept in --folder when given.

    Examples:
      hub demo
      hub demo --folder demo-output --no-month
      hub demo --keep
    """
    from logistics.io.demo_papers import check_folder, remove_folder, work_folder
    from logistics.services.demo import refuse_unless_empty

    context = hub_context(ctx)
    source = ctx.find_root().get_parameter_source("db")
    # only a --db typed on this command line names the demo's database
    named = context.db_option if getattr(source, "name", "") == "COMMANDLINE" else None
    if named:
        url = context.url
        refuse_unless_empty(url)  # before anything is made
    if folder is not None:
        folder = check_folder(folder.resolve(), force=force)
    work = work_folder()
    if not named:
        url = f"sqlite:///{work / 'hub.db'}"
        if context.db_option:  # from HUB_DATABASE_URL
            warn(
                _(
                    "HUB_DATABASE_URL is ignored: the demo runs on a new database of its own "
                    "in {folder}, never on a hub's."
                ).format(folder=work)
            )
    papers_folder = folder or work
    try:
        day, written = _run(url, papers_folder, context.operator, seed, month, force)
    except BaseException:
        if not keep:
            _let_go(url, named)
            remove_folder(work)
        raise
    _show_day(day)
    database_kept = keep or bool(named)
    if not keep:
        _let_go(url, named)
        freed = remove_folder(work)
        if folder is not None:
            done(
                ngettext(
                    "The printouts are in {folder} ({n} file).",
                    "The printouts are in {folder} ({n} files).",
                    len(written),
                ).format(folder=folder, n=len(written))
            )
        if freed:
            removed = _(
                "Removed the demo's temporary folder {folder} ({size} MB); add --keep to keep it."
            ).format(folder=work, size=f"{freed / 1_000_000:,.0f}")
            console.print(escape(removed))
        if folder is None:
            warn(
                ngettext(
                    "Its {n} printout went with it: give --folder to keep the printouts.",
                    "Its {n} printouts went with it: give --folder to keep the printouts.",
                    len(written),
                ).format(n=len(written))
            )
    elif folder is None and not named:
        done(
            ngettext(
                "Everything is in {folder}: the database and {n} printout.",
                "Everything is in {folder}: the database and {n} printouts.",
                len(written),
            ).format(folder=work, n=len(written))
        )
    else:
        done(
            ngettext(
                "The printouts are in {folder} ({n} file).",
                "The printouts are in {folder} ({n} files).",
                len(written),
            ).format(folder=papers_folder, n=len(written))
        )
        done(_("The day's database is {database}.").format(database=db_text(url)))
    if database_kept:
        console.print(escape(_("Try next:")))
        for command in (
            "round list",
            f"round show {day.finished[0].round_no}" if day.finished else "plan",
            "manifest list",
            "report daily",
            "parcel list --status registered --limit 20",
        ):
            console.print(f"  hub --db {url} {command}")


def db_text(url: str) -> str:
    from logistics import db

    return db.describe(url)


def _let_go(url: str, named: str | None) -> None:
    """Close the demo's own database before its folder is removed."""
    from logistics import db

    if not named:
        db.dispose_engine(url)


def _run(url: str, papers_folder: Path, operator: str, seed: int, month: bool, force: bool):
    """Run the day with progress bars and write its printouts; (the day, the files)."""
    from logistics.cli.progress import bars
    from logistics.io.demo_papers import write_papers
    from logistics.services.demo import run_day

    with bars(transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, finished: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(_(step), total=total)
            bar.update(tasks[step], completed=finished, total=total)

        day = run_day(url, operator=operator, seed=seed, progress=progress, with_month=month)
        papers = day.papers
        written = write_papers(
            papers_folder,
            round_sheets=papers.round_sheets,
            manifests=papers.manifests,
            labels=papers.labels,
            month=papers.month,
            force=force,
            progress=progress,
        )
    return day, written


def _show_day(day) -> None:
    from logistics.cli.commands.plan import show_plan
    from logistics.cli.commands.report import show_monthly

    title = _("A day at the hub: {day}").format(day=day.day)
    console.rule(f"[bold]{escape(title)}[/bold]")
    console.print(
        escape(
            _(
                "Today: {outbound} outbound parcels waiting at the stations, "
                "{inbound} inbound parcels at the hub."
            ).format(outbound=f"{day.generated.outbound:,}", inbound=f"{day.generated.inbound:,}")
        )
    )
    show_plan(day.plan)
    missing = sum(item.missing for item in day.finished)
    console.print(
        escape(
            _(
                "Rounds driven: {rounds}; collected {collected}, dropped {dropped} at stations."
            ).format(
                rounds=len(day.finished),
                collected=f"{day.collected:,}",
                dropped=f"{day.dropped_at_stations:,}",
            )
        )
    )
    left = ngettext(
        "{n} parcel not found at its station "
        "(see `hub round finish` output: it waits for tomorrow).",
        "{n} parcels not found at their station "
        "(see `hub round finish` output: they wait for tomorrow).",
        missing,
    ).format(n=f"{missing:,}")
    console.print(f"[yellow]{escape(left)}[/yellow]")
    console.print(escape(_("Arrival scans at the hub: {n}.").format(n=f"{day.arrived:,}")))
    if day.assignment is not None:
        run = day.assignment
        assigned = ngettext(
            "Assigned {n} parcel to couriers for {fee}.",
            "Assigned {n} parcels to couriers for {fee}.",
            run.assigned,
        ).format(n=f"{run.assigned:,}", fee=money_text(run.total_fee_fen))
        between = "" if is_chinese() else " "  # Chinese sentences follow on without a space
        console.print(escape(f"{assigned}{between}{run.saving_sentence}"))
    for handed in day.handed_over:
        line = ngettext(
            "{manifest}: {n} parcel, {kg} kg handed to {driver} ({plate})",
            "{manifest}: {n} parcels, {kg} kg handed to {driver} ({plate})",
            handed.parcels,
        ).format(
            manifest=handed.manifest_no,
            n=f"{handed.parcels:,}",
            kg=kg(handed.weight_g),
            driver=handed.driver,
            plate=handed.plate,
        )
        console.print(f"  {escape(line)}")
    if day.month is not None:
        show_monthly(day.month)


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
