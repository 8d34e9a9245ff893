"""`hub manifest ...`: each courier's pickup manifest: build, list, show, print, close,
load-check and hand over."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    counted,
    done,
    print_json,
    render_record,
    render_rows,
    warn,
)

NAME = "manifest"
ORDER = 50
app = typer.Typer(
    help="Pickup manifests: build, list, show, print, close, load (check), handover.",
    no_args_is_help=True,
)

ManifestArg = Annotated[str, typer.Argument(help="Manifest number, e.g. M-ZTO-20261123-1.")]

COLUMNS = [
    Column("manifest_no", "Manifest"),
    Column("courier", "Courier"),
    Column("service_date", "Date"),
    Column("cutoff", "Cut-off"),
    Column("status", "Status"),
    Column("parcels", "Parcels", "right"),
    Column("weight_kg", "kg", "right", lambda v: f"{v:.1f}"),
    Column("loaded", "Loaded", "right"),
    Column("closed_at", "Closed"),
    Column("handed_over_at", "Handed over"),
    Column("driver", "Driver"),
    Column("plate", "Plate"),
]

LINE_COLUMNS = [
    Column("seq", "#", "right"),
    Column("parcel_no", "Parcel"),
    Column("tracking_no", "Tracking no."),
    Column("station", "Station"),
    Column("province", "Province"),
    Column("city", "City"),
    Column("chargeable_kg", "kg", "right", lambda v: f"{v:.2f}"),
    Column("recipient", "Recipient"),
    Column("recipient_phone", "Phone"),
    Column("loaded", "Loaded", format=lambda v: "yes" if v else ""),
]

_LOAD_STYLE = {
    "loaded": ("green", "loaded"),
    "repeat": ("yellow", "repeat"),
    "refused": ("red", "refused"),
}
SHOW_MISSING = 3


@app.command()
def build(
    ctx: typer.Context,
    courier: Annotated[str | None, typer.Option(help="Only this courier (code), e.g. ZTO.")] = None,
    day: Annotated[
        str | None,
        typer.Option("--date", help="Hub-local day of the manifests: YYYY-MM-DD, today."),
    ] = None,
) -> None:
    """Put the parcels waiting at the hub on their courier's open manifest of the day.

    Parcels at the hub, assigned to a courier (`hub assign`) and on no manifest join the
    courier's open manifest for the day and its cut-off, which is created when there is
    none. Run it again to add the parcels that arrived since.

    Examples:
      hub manifest build
      hub manifest build --courier ZTO
      hub manifest build --date 2026-11-23
    """
    from logistics.services import manifests

    with open_session(ctx) as session:
        result = manifests.build_manifests(
            session, courier=courier, day=day, operator=hub_context(ctx).operator
        )
    if not result.manifests:
        warn(
            f"No parcels at the hub are waiting for a manifest on {result.service_date}: "
            "parcels need a courier (`hub assign`) and must be scanned in at the hub."
        )
    for item in result.manifests:
        verb = "created" if item.created else "updated"
        text = (
            f"{item.manifest_no} {item.courier_name} ({item.courier_code}), cut-off "
            f"{item.cutoff}: {verb}, {item.added} added, {counted(item.parcels, 'parcel')}, "
            f"{item.weight_kg:.1f} kg."
        )
        if item.removed:
            text += f" {item.removed} no longer at the hub taken off."
        (done if item.added or item.created else warn)(text)
    for number in result.still_open:
        warn(f"{number} of an earlier day is still open: close it or hand it over.")


@app.command("list")
def list_(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="Only this day: YYYY-MM-DD.")] = None,
    courier: Annotated[str | None, typer.Option(help="Only this courier (code).")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only open, closed or handed_over manifests.")
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List manifests, newest day first, with parcels, weight and load check."""
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        rows = manifests.list_manifests(session, day=day, courier=courier, status=status)
    render_rows(
        rows,
        COLUMNS,
        title="Manifests",
        as_json=as_json,
        as_csv=as_csv,
        empty="No manifests: `hub manifest build` makes them.",
    )


@app.command()
def show(ctx: typer.Context, manifest: ManifestArg, as_json: JsonOption = False) -> None:
    """Show one manifest: courier, status, handover and its parcels (recipients masked)."""
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        record = manifests.show_manifest(session, manifest)
    if as_json:
        print_json(record)
        return
    summary = dict(record)
    summary["courier"] = f"{record['courier_name']} ({record['courier']})"
    summary["weight_kg"] = f"{record['weight_kg']:.2f}"
    if record["status"] != "open":
        summary["load"] = (
            f"{record['loaded']} of {record['parcels']} loaded, "
            f"{record['load_refused']} refused scans"
        )
    labels = [
        ("manifest_no", "Manifest"),
        ("courier", "Courier"),
        ("service_date", "Date"),
        ("cutoff", "Cut-off"),
        ("status", "Status"),
        ("parcels", "Parcels"),
        ("weight_kg", "Chargeable kg"),
        ("created_at", "Created"),
        ("closed_at", "Closed"),
        ("load", "Load check"),
        ("handed_over_at", "Handed over"),
        ("driver", "Driver"),
        ("plate", "Plate"),
    ]
    if record["forced"]:
        labels.append(("force_reason", "Forced, reason"))
    render_record(summary, labels)
    render_rows(record["lines"], LINE_COLUMNS, empty="No parcels on this manifest.")


@app.command("print")
def print_(
    ctx: typer.Context,
    manifest: ManifestArg,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="A4 PDF file to write.")] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="CSV copy to write (UTF-8 with BOM, for Excel).")
    ] = None,
) -> None:
    """Print the manifest for the courier's driver to sign (PDF and/or CSV).

    A closed manifest printed again gives the same document; an open one prints as a
    draft marked open.

    Examples:
      hub manifest print M-ZTO-20261123-1 --pdf zto.pdf
      hub manifest print M-ZTO-20261123-1 --pdf zto.pdf --csv zto.csv
    """
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        result = manifests.print_manifest(session, manifest, pdf=pdf, csv=csv)
    written = []
    if result.pages is not None:
        written.append(f"{pdf} ({counted(result.pages, 'page')})")
    if result.csv_rows is not None:
        written.append(f"{csv} ({counted(result.csv_rows, 'row')})")
    parcels = counted(result.parcels, "parcel")
    text = f"Manifest {result.manifest_no}, {parcels}: {' and '.join(written)}."
    if result.status == "open":
        warn(text + " It is still open: a draft until `hub manifest close`.")
    else:
        done(text)


@app.command()
def close(ctx: typer.Context, manifest: ManifestArg) -> None:
    """Close (lock) the manifest: its parcels become manifested, nothing can change.

    Nothing can be added to or removed from a closed manifest.

    Example:
      hub manifest close M-ZTO-20261123-1
    """
    from logistics.services import manifests

    with open_session(ctx) as session:
        result = manifests.close_manifest(session, manifest, operator=hub_context(ctx).operator)
    parcels = counted(result.parcels, "parcel")
    text = f"Manifest {result.manifest_no} closed: {parcels} manifested, {result.weight_kg:.1f} kg."
    if result.removed:
        text += f" {result.removed} no longer at the hub were taken off."
    done(text)


@app.command()
def load(
    ctx: typer.Context,
    manifest: ManifestArg,
    codes: Annotated[
        list[str] | None,
        typer.Argument(help="Codes to scan; without them they are read from standard input."),
    ] = None,
) -> None:
    """The driver's load check: scan each parcel as it goes into the truck.

    Codes (hub parcel id or tracking number) are read one per line from standard input
    as a barcode scanner types them, until it ends (Ctrl-D). Each scan is answered at
    once: green loaded, yellow repeat, red refused (not on this manifest: do not load
    it), followed by how many are still missing and the next few. Every scan is kept
    with the manifest; running it again continues the check. Exit status 1 when any
    scan was refused.

    Example:
      hub manifest load M-ZTO-20261123-1        (then scan the parcels; Ctrl-D ends)
    """
    from logistics.services import manifests

    with open_session(ctx) as session:
        check = manifests.open_load_check(session, manifest, operator=hub_context(ctx).operator)
        progress = check.progress
        console.print(
            f"Load check of {check.manifest_no}: {progress.loaded} of {progress.expected} "
            "loaded. Scan the parcels (Ctrl-D ends)."
        )
        console.file.flush()

        def answer(code: str) -> None:
            result = check.scan(code)
            colour, word = _LOAD_STYLE[result.outcome]
            state = check.progress
            missing = len(state.missing)
            if missing:
                shown = ", ".join(state.missing[:SHOW_MISSING])
                more = "…" if missing > SHOW_MISSING else ""
                tail = f"{state.loaded}/{state.expected} loaded, {missing} missing: {shown}{more}"
            else:
                tail = f"{state.loaded}/{state.expected} loaded, none missing"
            console.print(
                f"[{colour}]{word:<8}[/{colour}] {escape(result.message)} [dim]({tail})[/dim]",
                soft_wrap=True,
            )
            console.file.flush()

        try:
            if codes:
                for code in codes:
                    answer(code)
            else:
                for line in iter(sys.stdin.readline, ""):
                    if line.strip():
                        answer(line)
        except KeyboardInterrupt:
            pass  # every answered scan is already saved
        progress = check.progress
        tally = check.tally
    summary = (
        f"Manifest {check.manifest_no}: {progress.loaded} of {progress.expected} loaded "
        f"({tally['loaded']} now, {tally['repeat']} repeats, {tally['refused']} refused)."
    )
    if progress.complete:
        done(summary + f" Complete: `hub manifest handover {check.manifest_no}`.")
    else:
        shown = ", ".join(progress.missing[:10])
        more = f" and {len(progress.missing) - 10} more" if len(progress.missing) > 10 else ""
        warn(summary + f" Missing {len(progress.missing)}: {shown}{more}.")
    if tally["refused"]:
        raise typer.Exit(1)


@app.command()
def handover(
    ctx: typer.Context,
    manifest: ManifestArg,
    driver: Annotated[str, typer.Option(help="Name of the courier's line-haul driver.")],
    plate: Annotated[str, typer.Option(help="Number plate of the driver's truck.")],
    force: Annotated[
        bool, typer.Option("--force", help="Hand over although the load check is not complete.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="Why the handover is forced (required with --force).")
    ] = None,
) -> None:
    """Hand the closed manifest to the courier's driver: its parcels become handed_over.

    Refused while parcels are missing from the load check (`hub manifest load`), unless
    --force with --reason, which is recorded on the manifest and the parcels.

    Examples:
      hub manifest handover M-ZTO-20261123-1 --driver 王大力 --plate 晋E12345
      hub manifest handover M-ZTO-20261123-1 --driver 王大力 --plate 晋E12345 \\
          --force --reason "scanner broken, counted by hand"
    """
    from logistics.services import manifests

    with open_session(ctx) as session:
        result = manifests.handover_manifest(
            session,
            manifest,
            driver=driver,
            plate=plate,
            operator=hub_context(ctx).operator,
            force=force,
            reason=reason,
        )
    text = (
        f"Manifest {result.manifest_no} handed over to {result.driver} ({result.plate}): "
        f"{counted(result.parcels, 'parcel')}, {result.weight_kg:.1f} kg."
    )
    if result.forced:
        warn(text + f" Forced with {result.missing} not scanned; the reason is recorded.")
    else:
        done(text)
