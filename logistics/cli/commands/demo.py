"""`hub demo`: a whole day at the sample township on a throw-away database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.context import hub_context
from logistics.cli.output import console, done, kg, yuan

ORDER = 1


def demo(
    ctx: typer.Context,
    folder: Annotated[
        Path | None,
        typer.Option(
            help="Where to keep the database and the printouts (default: a new temp dir)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the day's parcels.")] = 2026,
    month: Annotated[
        bool, typer.Option("--month/--no-month", help="Also generate last month and report it.")
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier demo's printouts in --folder.")
    ] = False,
) -> None:
    """Run a day at the sample township (Gaodu, Zezhou county) from parcels to handover.

    Generates today's parcels, plans the van rounds, drives them with collection scans
    (a few parcels are left behind to show the reconciliation), scans arrivals,
    assigns couriers, prints and hands over the manifests, then reports on last month.
    Uses a new SQLite database in a temporary folder unless --db or --folder is given.

    Examples:
      hub demo
      hub demo --folder demo-output --no-month
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from logistics.cli.commands.plan import show_plan
    from logistics.cli.commands.report import show_monthly
    from logistics.io.demo_papers import check_folder, write_papers
    from logistics.services.demo import run_day

    context = hub_context(ctx)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="hub-demo-"))
    folder = check_folder(folder.resolve(), force=force)
    url = context.url if context.db_option else f"sqlite:///{folder / 'hub.db'}"
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, finished: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=finished, total=total)

        day = run_day(
            url, operator=context.operator, seed=seed, progress=progress, with_month=month
        )
        papers = day.papers
        written = write_papers(
            folder,
            round_sheets=papers.round_sheets,
            manifests=papers.manifests,
            labels=papers.labels,
            month=papers.month,
            force=force,
            progress=progress,
        )

    console.rule(f"[bold]A day at the hub: {day.day}[/bold]")
    console.print(
        f"Today: {day.generated.outbound:,} outbound parcels waiting at the stations, "
        f"{day.generated.inbound:,} inbound parcels at the hub."
    )
    show_plan(day.plan)
    missing = sum(item.missing for item in day.finished)
    console.print(
        f"Rounds driven: {len(day.finished)}; collected {day.collected:,}, "
        f"dropped {day.dropped_at_stations:,} at stations; "
        f"[yellow]{missing} parcels not found at their station[/yellow] "
        "(see `hub round finish` output: they wait for tomorrow)."
    )
    console.print(f"Arrival scans at the hub: {day.arrived:,}.")
    if day.assignment is not None:
        run = day.assignment
        console.print(
            f"Assigned {run.assigned:,} parcels to couriers for ¥{yuan(run.total_fee_fen)}; "
            f"{run.saving_sentence}"
        )
    for handed in day.handed_over:
        console.print(
            f"  {handed.manifest_no}: {handed.parcels} parcels, {kg(handed.weight_g)}"
            f" kg handed to {handed.driver} ({handed.plate})"
        )
    if day.month is not None:
        show_monthly(day.month)
    if context.db_option:
        done(f"The printouts are in {folder} ({len(written)} files); the day is in --db.")
    else:
        done(f"Everything is in {folder}: the database and {len(written)} printouts.")
    console.print("Try next:")
    for command in (
        "round list",
        f"round show {day.finished[0].round_no}" if day.finished else "plan",
        "manifest list",
        "report daily",
        "parcel list --status registered --limit 20",
    ):
        console.print(f"  hub --db {url} {command}")


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
