"""`hub manifest ...`: each courier's pickup manifest: build, list, show, print, close,
load-check and hand over."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.markup import escape

from logistics import i18n
from logistics.cli import dates
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    done,
    print_json,
    render_record,
    render_rows,
    warn,
)
from logistics.cli.progress import progress_bar
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.units import kg_text
from logistics.domain.verdicts import LoadOutcome
from logistics.errors import InvalidInput
from logistics.i18n import N_, _, listing, ngettext

NAME = "manifest"
ORDER = 50
app = typer.Typer(
    help="Pickup manifests: build, list, show, print, close, load (check), handover.",
    no_args_is_help=True,
)

ManifestArg = Annotated[str, typer.Argument(help="Manifest number, e.g. M-ZTO-20261123-1.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]


def _status(value: str) -> str:
    return ManifestStatus.label_of(value)


# The manifest number is what an operator reads out and types back: the minor columns
# go first in a narrow terminal so that it is never broken across lines.
COLUMNS = [
    Column("manifest_no", N_("Manifest")),
    Column("courier", N_("Courier")),
    Column("service_date", N_("Date"), leave_out=3),
    Column("cutoff", N_("Cut-off"), leave_out=4),
    Column("status", N_("Status"), format=_status),
    Column("parcels", N_("Parcels"), "right"),
    # the courier's billing weight (units.kg), not the parcels' weight `parcel show` gives
    Column("weight_kg", N_("Chargeable kg"), "right", lambda v: f"{v:,}", leave_out=2),
    Column("loaded", N_("Loaded"), "right", leave_out=1),
    Column("closed_at", N_("Closed"), leave_out=6),
    Column("handed_over_at", N_("Handed over"), leave_out=7),
    Column("driver", N_("Line-haul driver"), leave_out=5),
    Column("plate", N_("Plate"), leave_out=5),
]

LINE_COLUMNS = [
    Column("seq", "#", "right"),
    Column("parcel_no", N_("Parcel")),
    Column("tracking_no", N_("Tracking no.")),
    Column("station", N_("Station"), leave_out=4),
    Column("province", N_("Province"), leave_out=3),
    Column("city", N_("City"), leave_out=5),
    Column("chargeable_kg", N_("Chargeable kg"), "right", lambda v: f"{v:,}"),  # units.kg
    Column("recipient", N_("Recipient"), leave_out=2),
    Column("recipient_phone", N_("Phone"), leave_out=6),
    Column("loaded", N_("Loaded"), format=lambda v: _("yes") if v else ""),
]

RECORD_LABELS = [
    ("manifest_no", N_("Manifest")),
    ("courier", N_("Courier")),
    ("service_date", N_("Date")),
    ("cutoff", N_("Cut-off")),
    ("status", N_("Status")),
    ("parcels", N_("Parcels")),
    ("weight_kg", N_("Chargeable kg")),
    ("created_at", N_("Created")),
    ("closed_at", N_("Closed")),
    ("load", N_("Load check")),
    ("handed_over_at", N_("Handed over")),
    ("driver", N_("Line-haul driver")),
    ("plate", N_("Plate")),
]

_LOAD_COLOUR = {
    LoadOutcome.LOADED: "green",
    LoadOutcome.REPEAT: "yellow",
    LoadOutcome.REFUSED: "red",
}
SHOW_MISSING = 3


def _shown(columns: Sequence[Column]) -> list[Column]:
    """The columns with their headers in the chosen language."""
    return [dataclasses.replace(column, header=_(column.header)) for column in columns]


def _sentences(*parts: str) -> str:
    """Sentences one after another: a space between English ones, none between Chinese."""
    return ("" if i18n.is_chinese() else " ").join(part for part in parts if part)


def _parcels(n: int) -> str:
    return ngettext("{n} parcel", "{n} parcels", n).format(n=f"{n:,}")


def _codes(codes: Sequence[str], shown: int) -> str:
    """The first ``shown`` codes, and how many more there are."""
    names = ", ".join(codes[:shown])
    if len(codes) > shown:
        return _("{names} and {n} more").format(names=names, n=len(codes) - shown)
    return names


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
    service_day = dates.day(day)
    from logistics.services import manifests

    with (
        open_session(ctx) as session,
        progress_bar(_("Putting parcels on manifests")) as progress,
    ):
        result = manifests.build_manifests(
            session,
            courier=courier,
            day=service_day,
            operator=hub_context(ctx).operator,
            progress=progress,
        )
    if not result.manifests:
        warn(
            _(
                "No parcels at the hub are waiting for a manifest on {date}: "
                "parcels need a courier (`hub assign`) and must be scanned in at the hub."
            ).format(date=result.service_date)
        )
    for item in result.manifests:
        if item.created:
            sentence = ngettext(
                "{manifest} {courier} ({code}), cut-off {cutoff}: created, {added} added, "
                "{n} parcel, {kg} kg.",
                "{manifest} {courier} ({code}), cut-off {cutoff}: created, {added} added, "
                "{n} parcels, {kg} kg.",
                item.parcels,
            )
        else:
            sentence = ngettext(
                "{manifest} {courier} ({code}), cut-off {cutoff}: updated, {added} added, "
                "{n} parcel, {kg} kg.",
                "{manifest} {courier} ({code}), cut-off {cutoff}: updated, {added} added, "
                "{n} parcels, {kg} kg.",
                item.parcels,
            )
        text = sentence.format(
            manifest=item.manifest_no,
            courier=item.courier_name,
            code=item.courier_code,
            cutoff=item.cutoff,
            added=item.added,
            n=f"{item.parcels:,}",
            kg=kg_text(item.weight_g),
        )
        if item.removed:
            text = _sentences(text, _("{n} no longer at the hub taken off.").format(n=item.removed))
        (done if item.added or item.created else warn)(text)
    for number in result.still_open:
        warn(
            _("{manifest} of an earlier day is still open: close it or hand it over.").format(
                manifest=number
            )
        )


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
    service_day = dates.day(day)
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        rows = manifests.list_manifests(session, day=service_day, courier=courier, status=status)
    if as_json:
        keys = [column.key for column in COLUMNS]
        keys.insert(keys.index("status") + 1, "status_label")
        print_json([{key: row.get(key) for key in keys} for row in rows])
        return
    render_rows(
        rows,
        _shown(COLUMNS),
        title=_("Manifests"),
        as_csv=as_csv,
        empty=_("No manifests: `hub manifest build` makes them."),
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
    summary["courier"] = _("{name} ({code})").format(
        name=record["courier_name"], code=record["courier"]
    )
    summary["status"] = record["status_label"]
    summary["weight_kg"] = f"{record['weight_kg']:,}"  # already units.kg
    if record["status"] != ManifestStatus.OPEN:
        summary["load"] = _("{loaded} of {parcels} loaded, {refused} refused scans").format(
            loaded=record["loaded"], parcels=record["parcels"], refused=record["load_refused"]
        )
    labels = list(RECORD_LABELS)
    if record["forced"]:
        labels.append(("force_reason", N_("Forced, reason")))
    render_record(summary, [(key, _(label)) for key, label in labels])
    render_rows(record["lines"], _shown(LINE_COLUMNS), empty=_("No parcels on this manifest."))


@app.command("print")
def print_(
    ctx: typer.Context,
    manifest: ManifestArg,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="A4 PDF file to write.")] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="CSV copy to write (UTF-8 with BOM, for Excel).")
    ] = None,
    printer: Annotated[
        str | None,
        typer.Option(help="Printer to use without --pdf/--csv; default: the computer's default."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print the manifest for the courier's driver to sign: on paper, as PDF and/or CSV.

    Without --pdf or --csv it goes to the computer's default printer (or --printer NAME)
    through the system's lp or lpr command. A closed manifest printed again gives the
    same document; an open one prints as a draft marked open.

    Examples:
      hub manifest print M-ZTO-20261123-1        # to the default printer
      hub manifest print M-ZTO-20261123-1 --printer dock
      hub manifest print M-ZTO-20261123-1 --pdf zto.pdf
      hub manifest print M-ZTO-20261123-1 --pdf zto.pdf --csv zto.csv
    """
    from logistics.io import files
    from logistics.io.manifest_csv import write_manifest_csv
    from logistics.io.pdf.manifest import write_manifest_pdf
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        doc = manifests.manifest_document(session, manifest)
    if pdf is None and csv is None:
        _to_printer(doc, printer)
        return
    if printer is not None:
        raise InvalidInput(
            _("--printer sends the manifest to a printer: leave out --pdf and --csv with it.")
        )
    for target in (pdf, csv):  # refuse before writing either, so none is left half done
        if target is not None:
            files.check_target(target, force=force)
    written = []
    if pdf is not None:
        with _drawing(doc) as progress:
            pages = write_manifest_pdf(doc, pdf, force=force, progress=progress)
        written.append(
            ngettext("{file} ({n} page)", "{file} ({n} pages)", pages).format(
                file=pdf, n=f"{pages:,}"
            )
        )
    if csv is not None:
        rows = write_manifest_csv(doc, csv, force=force)
        written.append(
            ngettext("{file} ({n} row)", "{file} ({n} rows)", rows).format(file=csv, n=f"{rows:,}")
        )
    files_text = written[0]
    if len(written) == 2:
        files_text = _("{first} and {second}").format(first=written[0], second=written[1])
    count = len(doc.lines)
    text = ngettext(
        "Manifest {manifest}, {n} parcel: {files}.",
        "Manifest {manifest}, {n} parcels: {files}.",
        count,
    ).format(manifest=doc.manifest_no, n=f"{count:,}", files=files_text)
    if doc.status == ManifestStatus.OPEN:
        warn(_sentences(text, _("It is still open: a draft until `hub manifest close`.")))
    else:
        done(text)


def _drawing(doc):
    """The bar of a manifest's PDF being drawn, page by page (a peak day's has hundreds)."""
    return progress_bar(_("Drawing {manifest}").format(manifest=doc.manifest_no), at_least=20)


def _to_printer(doc, printer: str | None) -> None:
    """Send the manifest's PDF to the printer, through a temporary file written by io."""
    from logistics.io.pdf.manifest import write_manifest_pdf
    from logistics.io.printer import send_to_printer

    instead = _(
        "add --pdf FILE to write it as a file, e.g. `hub manifest print {manifest} "
        "--pdf {manifest}.pdf`, or --csv FILE for a spreadsheet copy."
    ).format(manifest=doc.manifest_no)
    with _drawing(doc) as progress:
        printed = send_to_printer(
            lambda path: write_manifest_pdf(doc, path, progress=progress),
            name=f"{doc.manifest_no}.pdf",
            printer=printer,
            instead=instead,
        )
    count = len(doc.lines)
    where = printed.printer or _("the default printer")
    pages = ngettext("{n} page", "{n} pages", printed.pages).format(n=f"{printed.pages:,}")
    text = ngettext(
        "Manifest {manifest}, {n} parcel: {pages} sent to the printer ({where}, {command}).",
        "Manifest {manifest}, {n} parcels: {pages} sent to the printer ({where}, {command}).",
        count,
    ).format(
        manifest=doc.manifest_no,
        n=f"{count:,}",
        pages=pages,
        where=where,
        command=printed.command,
    )
    if doc.status == ManifestStatus.OPEN:
        warn(_sentences(text, _("It is still open: a draft until `hub manifest close`.")))
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

    with (
        open_session(ctx) as session,
        progress_bar(_("Closing {manifest}").format(manifest=manifest.strip().upper())) as progress,
    ):
        result = manifests.close_manifest(
            session, manifest, operator=hub_context(ctx).operator, progress=progress
        )
    text = ngettext(
        "Manifest {manifest} closed: {n} parcel manifested, {kg} kg.",
        "Manifest {manifest} closed: {n} parcels manifested, {kg} kg.",
        result.parcels,
    ).format(manifest=result.manifest_no, n=f"{result.parcels:,}", kg=kg_text(result.weight_g))
    if result.removed:
        text = _sentences(
            text, _("{n} no longer at the hub were taken off.").format(n=result.removed)
        )
    done(text)


@app.command()
def load(
    ctx: typer.Context,
    manifest: ManifestArg,
    codes: Annotated[
        list[str] | None,
        typer.Argument(
            help="Codes to scan; - (or no code) reads them from standard input.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No bell on a refused scan.")] = False,
) -> None:
    """The driver's load check: scan each parcel as it goes into the truck.

    Codes (hub parcel id or tracking number) are read one per line from standard input
    as a barcode scanner types them, until it ends (Ctrl-D), when - or no code is given,
    as `hub scan` does. Each scan is answered at once: green loaded, yellow repeat, red
    refused (not on this manifest: do not load it) with the terminal's bell (--quiet
    silences it), followed by how many are still missing and the next few. Every scan is
    kept with the manifest; running it again continues the check. Exit status 1 when any
    scan was refused.

    Examples:
      hub manifest load M-ZTO-20261123-1      # then scan; Ctrl-D ends
      hub manifest load M-ZTO-20261123-1 -    # the same
      hub manifest load M-ZTO-20261123-1 P20261123-00042
    """
    from logistics.cli.scanning_input import ScanInput
    from logistics.services import manifests

    reader = ScanInput(codes, default_stdin=True, quiet=quiet)
    with open_session(ctx) as session:
        check = manifests.open_load_check(session, manifest, operator=hub_context(ctx).operator)
        progress = check.progress
        console.print(
            escape(
                _("Load check of {manifest}: {loaded} of {expected} loaded.").format(
                    manifest=check.manifest_no,
                    loaded=progress.loaded,
                    expected=progress.expected,
                )
            )
        )
        console.file.flush()
        reader.prompt(_("Scan the parcels, one per line; Ctrl-D or q ends."))

        def answer(code: str) -> None:
            result = check.scan(code)
            colour, word = _LOAD_COLOUR[result.outcome], result.outcome.label
            word += " " * (8 - cell_len(word))  # the messages line up under each other
            state = check.progress
            missing = len(state.missing)
            if missing:
                shown = listing(state.missing[:SHOW_MISSING])
                more = "…" if missing > SHOW_MISSING else ""
                tail = _("({loaded}/{expected} loaded, {missing} missing: {codes})").format(
                    loaded=state.loaded,
                    expected=state.expected,
                    missing=missing,
                    codes=shown + more,
                )
            else:
                tail = _("({loaded}/{expected} loaded, none missing)").format(
                    loaded=state.loaded, expected=state.expected
                )
            answer_text = _sentences(escape(result.message), f"[dim]{escape(tail)}[/dim]")
            console.print(f"[{colour}]{word}[/{colour}] {answer_text}", soft_wrap=True)
            console.file.flush()
            if result.outcome is LoadOutcome.REFUSED:
                reader.bell()

        try:
            for code in reader:
                answer(code)
        except KeyboardInterrupt:
            reader.interrupted()  # every answered scan is already saved
        progress = check.progress
        tally = check.tally
    summary = _(
        "Manifest {manifest}: {loaded} of {expected} loaded "
        "({now} now, {repeats} repeats, {refused} refused)."
    ).format(
        manifest=check.manifest_no,
        loaded=progress.loaded,
        expected=progress.expected,
        now=tally[LoadOutcome.LOADED],
        repeats=tally[LoadOutcome.REPEAT],
        refused=tally[LoadOutcome.REFUSED],
    )
    if progress.complete:
        complete = _("Complete: `hub manifest handover {manifest}`.")
        done(_sentences(summary, complete.format(manifest=check.manifest_no)))
    else:
        missing = _("Missing {n}: {codes}.").format(
            n=len(progress.missing), codes=_codes(progress.missing, 10)
        )
        warn(_sentences(summary, missing))
    if tally[LoadOutcome.REFUSED]:
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
    text = ngettext(
        "Manifest {manifest} handed over to {driver} ({plate}): {n} parcel, {kg} kg.",
        "Manifest {manifest} handed over to {driver} ({plate}): {n} parcels, {kg} kg.",
        result.parcels,
    ).format(
        manifest=result.manifest_no,
        driver=result.driver,
        plate=result.plate,
        n=f"{result.parcels:,}",
        kg=kg_text(result.weight_g),
    )
    if result.forced:
        forced = _("Forced with {n} not scanned; the reason is recorded.")
        warn(_sentences(text, forced.format(n=result.missing)))
    else:
        done(text)


EXPORT_COLUMNS = [
    Column("at", N_("Written")),
    Column("operator", N_("Operator")),
    Column("parcels", N_("Parcels"), "right"),
    Column("file", N_("File")),
]


@app.command("export")
def export(
    ctx: typer.Context,
    manifest: ManifestArg,
    file: Annotated[Path, typer.Argument(help="File to write: .csv, or .xlsx with --xlsx.")],
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Write an Excel workbook instead of CSV.")
    ] = False,
    all_parcels: Annotated[
        bool,
        typer.Option("--all", help="Every parcel, also those with a tracking number already."),
    ] = False,
    force: ForceOption = False,
) -> None:
    """Write the handover file of a closed manifest for the courier's system to import.

    The courier's system makes its own waybills (电子面单) from it for the parcels that
    have no tracking number of the courier yet (with --all: every parcel). Unlike the
    printed manifest it holds the recipients' names, mobile numbers and addresses in
    full, so it is written only on request, readable by its owner only, and each export
    is recorded (who, when, how many parcels, which file: `hub manifest exports`) and
    noted on each parcel.

    The columns follow the batch-order import templates (批量下单/批量导入) of the
    courier outlet systems of ZTO, YTO, STO and Yunda and of Cainiao: 订单号 (the hub
    parcel id), 收件人姓名, 收件人手机, 收件省, 收件市, 收件区县, 收件详细地址, the same
    for the sender (寄件人...), 物品名称, 重量(kg), 件数, 备注. Match a column in the
    courier's import screen if its template names one differently. Load the tracking
    numbers it gives back with `hub manifest waybills`.

    Examples:
      hub manifest export M-ZTO-20261123-1 zto-handover.csv
      hub manifest export M-ZTO-20261123-1 zto-handover.xlsx --xlsx
    """
    from logistics.io.handover_file import is_xlsx, write_handover
    from logistics.services import manifests

    if xlsx and not is_xlsx(file):
        raise InvalidInput(
            _("--xlsx writes an Excel workbook: name the file {name}.xlsx.").format(
                name=file.with_suffix("").name
            )
        )
    xlsx = xlsx or is_xlsx(file)
    with open_session(ctx, write=False) as session:
        doc = manifests.handover_file(session, manifest, all_parcels=all_parcels)
    rows = write_handover(doc, file, xlsx=xlsx, force=force)
    # Recorded only once the file exists: a refused or failed write records nothing.
    with open_session(ctx) as session:
        manifests.note_export(session, doc, file_name=str(file), operator=hub_context(ctx).operator)
    left_out = doc.on_manifest - rows
    if left_out > 0:
        done(
            ngettext(
                "Handover file of {manifest} written to {file}: {n} of {total} parcels, full "
                "recipient data (readable by you only); the export is recorded. The other "
                "{left} already carries {courier}'s tracking number and needs no new waybill "
                "(--all writes it too).",
                "Handover file of {manifest} written to {file}: {n} of {total} parcels, full "
                "recipient data (readable by you only); the export is recorded. The other "
                "{left} already carry {courier}'s tracking number and need no new waybill "
                "(--all writes them too).",
                left_out,
            ).format(
                manifest=doc.manifest_no,
                file=file,
                n=f"{rows:,}",
                total=f"{doc.on_manifest:,}",
                left=f"{left_out:,}",
                courier=doc.courier_code,
            )
        )
        return
    done(
        ngettext(
            "Handover file of {manifest} written to {file}: {n} parcel, full recipient data "
            "(readable by you only); the export is recorded.",
            "Handover file of {manifest} written to {file}: {n} parcels, full recipient data "
            "(readable by you only); the export is recorded.",
            rows,
        ).format(manifest=doc.manifest_no, file=file, n=f"{rows:,}")
    )


@app.command("exports")
def exports(ctx: typer.Context, manifest: ManifestArg, as_json: JsonOption = False) -> None:
    """List the handover files written of a manifest: when, by whom, parcels, file."""
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        rows = manifests.list_exports(session, manifest)
    if as_json:
        print_json(rows)
        return
    render_rows(
        rows,
        _shown(EXPORT_COLUMNS),
        title=_("Handover files of {manifest}").format(manifest=manifest.strip().upper()),
        empty=_("No handover file was written of this manifest: `hub manifest export`."),
    )


@app.command("waybills")
def waybills(
    ctx: typer.Context,
    manifest: ManifestArg,
    file: Annotated[
        Path,
        typer.Argument(help="The courier's file: 订单号 or 中心编号, and 运单号 (.csv/.xlsx)."),
    ],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Store the good rows; bad ones go to --rejects."),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="CSV file for the refused rows (with --skip-invalid)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Load the courier's tracking numbers (运单号) onto the manifest's parcels.

    The courier's system answers a handover file with a file of its waybills: for each
    订单号 (the hub parcel id; 中心编号 is read too) the 运单号 it gave. Each number is
    checked against the courier's pattern, and must belong to no other parcel. A file with
    a wrong row stores nothing and names every wrong row, unless --skip-invalid
    --rejects FILE: then the good rows are stored and the wrong ones written to FILE to
    correct. Labels (`hub parcel label`) and the parcel's timeline then show the number,
    and the load check accepts it.

    Examples:
      hub manifest waybills M-ZTO-20261123-1 zto-waybills.csv
      hub manifest waybills M-ZTO-20261123-1 zto-waybills.xlsx --skip-invalid --rejects bad.csv
    """
    from logistics.io import files
    from logistics.io.waybills import read_waybills, write_waybill_rejects
    from logistics.services import manifests

    if skip_invalid and rejects is None:
        raise InvalidInput(
            _("--skip-invalid needs --rejects FILE: expected where the refused rows go.")
        )
    if rejects is not None and not skip_invalid:
        raise InvalidInput(_("--rejects is only for --skip-invalid: add it or leave it out."))
    source = read_waybills(file)
    if rejects is not None:
        files.check_target(rejects, force=force)  # refuse before anything is stored
    with open_session(ctx) as session:
        result = manifests.load_waybills(
            session,
            manifest,
            source,
            operator=hub_context(ctx).operator,
            skip_invalid=skip_invalid,
        )
    text = ngettext(
        "Manifest {manifest}: {n} tracking number of {courier} stored from {file}.",
        "Manifest {manifest}: {n} tracking numbers of {courier} stored from {file}.",
        result.stored,
    ).format(
        manifest=result.manifest_no, n=f"{result.stored:,}", courier=result.courier_code, file=file
    )
    if result.unchanged:
        text = _sentences(text, _("{n} were stored already.").format(n=f"{result.unchanged:,}"))
    if result.rejects:
        count = write_waybill_rejects(rejects, source, result.rejects, force=force)
        warn(
            _sentences(
                text,
                ngettext(
                    "{n} row refused, written to {file}.",
                    "{n} rows refused, written to {file}.",
                    count,
                ).format(n=f"{count:,}", file=rejects),
            )
        )
        raise typer.Exit(1)
    done(text)
