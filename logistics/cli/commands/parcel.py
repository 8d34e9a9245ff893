"""`hub parcel ...`: register, import, list and show parcels; the overdue inbound ones."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from logistics.cli import dates
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    CsvOption,
    JsonOption,
    console,
    counted,
    done,
    err_console,
    error,
    print_json,
    render_record,
    render_rows,
    warn,
)
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.text import typed_code
from logistics.domain.units import kg_text
from logistics.i18n import N_, _, listing, ngettext

NAME = "parcel"
ORDER = 20
app = typer.Typer(
    help="Parcels: register, import, template, list, show, overdue, pickups, label.",
    no_args_is_help=True,
)

DirectionOption = Annotated[
    str,
    typer.Option(
        "--direction",
        help="outbound (sent from the stations) or inbound (a courier's parcels for the villages).",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the file if it exists.", show_default=False)
]
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding",
        help="With --csv: utf-8 (with a BOM when written to a file) or gb18030 (older Excel).",
    ),
]

# Headers are marked here and translated where the table is shown (_columns).
COLUMNS = [
    Column("parcel_no", N_("Parcel")),
    Column("tracking_no", N_("Tracking no.")),
    Column("direction_label", N_("Dir"), leave_out=3),
    Column("station", N_("Station")),
    Column("status_label", N_("Status")),
    Column("courier", N_("Courier")),
    Column("recipient", N_("Recipient"), leave_out=1),
    Column("recipient_phone", N_("Phone"), leave_out=4),
    Column("province_name", N_("Prov"), leave_out=2),
    Column("weight_g", "kg", "right", kg_text),
    Column("category_label", N_("Category"), leave_out=6),
    Column("registered", N_("Registered"), leave_out=5),
]

#: `parcel list --csv`: the codes scripts read, each with the words people read beside it.
CSV_COLUMNS = (
    "parcel_no",
    "tracking_no",
    "direction",
    "direction_label",
    "station",
    "status",
    "status_label",
    "courier",
    "recipient",
    "recipient_phone",
    "province",
    "province_name",
    "weight_g",
    "category",
    "category_label",
    "registered",
)

OVERDUE_COLUMNS = [
    Column("parcel_no", N_("Parcel")),
    Column("tracking_no", N_("Tracking no.")),
    Column("station", N_("Station")),
    Column("recipient", N_("Recipient")),
    Column("recipient_phone", N_("Phone")),
    Column("at_station_since", N_("At station since")),
    Column("days_waiting", N_("Days"), "right"),
    Column("retention_days", N_("Keep days"), "right"),
]

TIMELINE_COLUMNS = [
    Column("at", N_("When")),
    Column("action_label", N_("Step")),
    Column("to_status_label", N_("Status")),
    Column("place", N_("Where")),
    Column("operator", N_("Who")),
    Column("note_text", N_("Note")),
]

SHOWN_FIELDS = [
    ("parcel_no", N_("Parcel")),
    ("tracking_no", N_("Tracking no.")),
    ("order_ref", N_("Order")),
    ("direction_label", N_("Direction")),
    ("status_label", N_("Status")),
    ("station", N_("Station")),
    ("station_name", N_("Station name")),
    ("courier", N_("Courier")),
    ("sender", N_("Sender")),
    ("sender_phone", N_("Sender phone")),
    ("recipient", N_("Recipient")),
    ("recipient_phone", N_("Recipient phone")),
    ("province_name", N_("Province")),
    ("city", N_("City")),
    ("address", N_("Address")),
    ("weight", N_("Weight")),
    ("size_cm", N_("Size cm")),
    ("category_label", N_("Category")),
    ("registered", N_("Registered")),
]


def _columns(columns: Sequence[Column]) -> list[Column]:
    """The columns with their headers in the chosen language."""
    return [replace(column, header=_(column.header)) for column in columns]


def _to_file() -> bool:
    """True when standard output is a regular file (``> parcels.csv``), not a terminal or
    a pipe: a file people open in Excel gets a BOM, a script reading the pipe gets none."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _print_csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], encoding: str) -> None:
    from logistics.errors import InvalidInput
    from logistics.io.csv_export import write_csv

    wanted = encoding.strip().lower().replace("_", "-")
    if wanted in ("utf-8", "utf8"):
        write_csv(sys.stdout, columns, rows, bom=_to_file())
        return
    if wanted not in ("gb18030", "gbk", "gb2312", "ansi"):
        raise InvalidInput(
            _("--encoding must be utf-8 or gb18030, got '{value}'.").format(value=encoding)
        )
    sys.stdout.flush()
    stream = open(  # noqa: SIM115 - wraps stdout's descriptor; closing it would close stdout
        sys.stdout.fileno(), "w", encoding="gb18030", errors="replace", newline="", closefd=False
    )
    try:
        write_csv(stream, columns, rows, bom=False)
    finally:
        stream.flush()


@app.command("register")
def register_(
    ctx: typer.Context,
    station: Annotated[
        str | None,
        typer.Option(help="Station code (origin; destination for inbound; optional inbound)."),
    ] = None,
    weight: Annotated[str, typer.Option("--weight", help="Weight in kg, e.g. 2.5.")] = "",
    recipient: Annotated[str, typer.Option(help="Recipient's name.")] = "",
    phone: Annotated[str, typer.Option(help="Recipient's phone number.")] = "",
    province: Annotated[
        str, typer.Option(help="Destination province: 44, 广东 or Guangdong.")
    ] = "",
    city: Annotated[str, typer.Option(help="Destination city.")] = "",
    address: Annotated[str, typer.Option(help="Recipient's address.")] = "",
    sender: Annotated[str, typer.Option(help="Sender's name.")] = "",
    sender_phone: Annotated[str, typer.Option(help="Sender's phone number.")] = "",
    order_ref: Annotated[str, typer.Option(help="The shop's order reference.")] = "",
    length: Annotated[str, typer.Option(help="Box length in cm.")] = "",
    width: Annotated[str, typer.Option(help="Box width in cm.")] = "",
    height: Annotated[str, typer.Option(help="Box height in cm.")] = "",
    category: Annotated[str, typer.Option(help="What is inside: kiwi, tea, cured meat...")] = "",
    courier: Annotated[str, typer.Option(help="Courier code (fixes the courier).")] = "",
    tracking_no: Annotated[str, typer.Option(help="The courier's tracking number.")] = "",
    direction: DirectionOption = Direction.OUTBOUND.value,
    as_json: JsonOption = False,
) -> None:
    """Register one parcel and print its hub parcel id.

    Examples:
      hub parcel register --station GD03 --weight 2.5 --recipient 张三 \\
          --phone 13812345678 --province 广东 --city 广州 \\
          --address 天河区体育西路1号
      hub parcel register --station GD03 --weight 1.2 --recipient 李四 \\
          --phone 13900001111 --province 44 --address ... \\
          --tracking-no 73100000000001
    """
    from logistics.services import parcel_register

    values = {
        "station": station or "",
        "weight_kg": weight,
        "recipient_name": recipient,
        "recipient_phone": phone,
        "province": province,
        "city": city,
        "address": address,
        "sender_name": sender,
        "sender_phone": sender_phone,
        "order_ref": order_ref,
        "length_cm": length,
        "width_cm": width,
        "height_cm": height,
        "category": category,
        "courier": courier,
        "tracking_no": tracking_no,
    }
    operator = hub_context(ctx).operator
    with open_session(ctx) as session:
        parcel = parcel_register.register_parcel(
            session, values, operator=operator, direction=direction
        )
    status = Status.label_of(parcel.status)
    if as_json:
        print_json({"parcel_no": parcel.parcel_no, "status": parcel.status, "status_label": status})
        return
    done(_("Registered parcel {parcel} ({status}).").format(parcel=parcel.parcel_no, status=status))
    from logistics.domain import products

    if not products.product(category).known:
        _warn_unknown_products({category.strip(): 1})


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX.")],
    direction: DirectionOption = Direction.OUTBOUND.value,
    station: Annotated[
        str | None, typer.Option(help="Station of rows that name none (one station's file).")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the good rows; write the bad ones to --rejects."
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(help="With --skip-invalid: CSV file for the bad rows and their reasons."),
    ] = None,
    force: ForceOption = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="The CSV file's encoding when its bytes cannot tell: utf-8, gb18030, "
            "utf-16 or latin-1.",
        ),
    ] = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Import a file the hub has already imported (its rows without an order_ref "
            "or tracking_no are added again).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import parcels from a file; nothing is imported if any row is bad.

    Columns, by header in any order (Chinese headers work too):
    station (服务站), order_ref (订单号), sender_name (寄件人), sender_phone,
    recipient_name (收件人), recipient_phone (收件人电话),
    province (省份: 52, 贵州 or Guizhou), city (城市), address (地址),
    weight_kg (重量), length_cm/width_cm/height_cm (长/宽/高), category (品类),
    courier (快递公司), tracking_no (运单号); the older headers 站点, 电话 and 快递
    are read too. `hub parcel template` writes an empty file. Rows already imported
    (same order_ref or tracking_no) are skipped. Inbound files (--direction inbound)
    are a courier's parcels for the township; each goes to the station named, or the
    station whose village the address names.

    A CSV file's encoding is told from its bytes (UTF-8 with or without BOM, UTF-16 as
    Excel's "Unicode text", GB18030); a file whose bytes cannot tell is refused, and
    --encoding names it (for example latin-1 for a file from a European Excel).

    The hub remembers every file it imported, by its content: the same file again, under
    any name, is refused (say, a retry after an import was interrupted), unless --again.

    Examples:
      hub parcel import today.csv
      hub parcel import shop-orders.xlsx --station GD07
      hub parcel import zto-inbound.csv --direction inbound
      hub parcel import big.csv --skip-invalid --rejects big-rejects.csv
    """
    from logistics.errors import InvalidInput
    from logistics.services import parcel_import

    if skip_invalid and rejects is None:
        raise InvalidInput(
            _("--skip-invalid needs --rejects FILE: the bad rows are written there to be fixed.")
        )
    if rejects is not None and not skip_invalid:
        raise InvalidInput(_("--rejects FILE goes with --skip-invalid."))
    operator = hub_context(ctx).operator
    with open_session(ctx) as session:
        try:
            summary = _with_progress(
                lambda progress: parcel_import.import_parcels(
                    session,
                    file,
                    operator=operator,
                    direction=direction,
                    station=station,
                    skip_invalid=skip_invalid,
                    rejects=rejects,
                    force=force,
                    again=again,
                    encoding=encoding,
                    progress=progress,
                ),
                file,
            )
        except parcel_import.RowsRejected as rejected:
            count = rejected.rows  # rows, not problems: a row's problems are listed under it
            head = ngettext(
                "{file}: {n} bad row, nothing was imported.",
                "{file}: {n} bad rows, nothing was imported.",
                count,
            ).format(file=rejected.source, n=f"{count:,}")
            err_console.print(f"[red]{escape(head)}[/red]")
            for line in rejected.problems:
                err_console.print(f"[red]  {escape(line)}[/red]", soft_wrap=True)
            err_console.print(
                escape(
                    _(
                        "Fix these rows and import again, or import the good rows with "
                        "--skip-invalid --rejects FILE."
                    )
                )
            )
            raise typer.Exit(1) from None
    if as_json:
        print_json(
            {
                "file": summary.file,
                "rows": summary.rows,
                "imported": summary.imported,
                "already_imported": summary.already,
                "rejected": summary.rejected,
                "rejects_file": summary.rejects_file,
                "first": summary.first,
                "last": summary.last,
                "unknown_products": summary.unknown_products,
                "unreferenced": summary.unreferenced,
                "digest": summary.digest,
            }
        )
        return
    if summary.imported == 0:
        message = _("Imported {file}: 0 parcels, {already} already imported.")
    elif summary.imported == 1:
        message = _("Imported {file}: 1 parcel ({first}), {already} already imported.")
    else:
        message = _("Imported {file}: {n} parcels ({first} to {last}), {already} already imported.")
    done(
        message.format(
            file=summary.file,
            n=f"{summary.imported:,}",
            first=summary.first,
            last=summary.last,
            already=f"{summary.already:,}",
        )
    )
    if summary.rejected:
        warn(
            ngettext(
                "{n} bad row skipped, written to {file}.",
                "{n} bad rows skipped, written to {file}.",
                summary.rejected,
            ).format(n=f"{summary.rejected:,}", file=summary.rejects_file)
        )
    if summary.unreferenced:
        warn(
            ngettext(
                "{n} imported row has no order_ref and no tracking_no: the hub cannot "
                "recognise it if it comes again in another file (an edited or re-saved copy "
                "of this one), and would add it twice.",
                "{n} imported rows have no order_ref and no tracking_no: the hub cannot "
                "recognise them if they come again in another file (an edited or re-saved "
                "copy of this one), and would add them twice.",
                summary.unreferenced,
            ).format(n=f"{summary.unreferenced:,}")
        )
    _warn_unknown_products(summary.unknown_products)


def _warn_unknown_products(unknown: Mapping[str, int]) -> None:
    """Name the products the list does not know and how many rows had each: they are
    counted as other, and the monthly report will show them so."""
    if not unknown:
        return
    from logistics.domain import products

    rows = sum(unknown.values())
    named = listing(f"{typed} ×{count:,}" for typed, count in unknown.items())
    warn(
        ngettext(
            "{n} row had a product not in the list ({products}): counted as {other}.",
            "{n} rows had a product not in the list ({products}): counted as {other}.",
            rows,
        ).format(n=f"{rows:,}", products=named, other=products.label(products.OTHER))
    )


def _with_progress(work, file: Path):
    """Run the import with a progress bar on large files (none for small ones)."""
    try:
        size = file.stat().st_size
    except OSError:
        size = 0
    if size < 256 * 1024 or not console.is_terminal:
        return work(None)
    from logistics.cli.progress import bars

    with bars() as bar:
        task = bar.add_task(escape(_("Reading {file}").format(file=file.name)), total=None)

        def progress(done_rows: int, total: int | None) -> None:
            bar.update(task, completed=done_rows, total=max(total or 0, done_rows) or None)

        return work(progress)


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    chinese: Annotated[
        bool, typer.Option("--chinese", help="Chinese headers (服务站, 收件人...).")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Write an empty import file with every column (required ones marked *).

    Examples:
      hub parcel template parcels.csv
      hub parcel template 发货清单.xlsx --chinese
    """
    from logistics.io.tables import write_template
    from logistics.services import parcel_import

    headers = parcel_import.template_headers("zh" if chinese else "en")
    write_template(file, headers, force=force, sheet_title="包裹" if chinese else "parcels")
    done(_("Wrote {file} with columns: {columns}.").format(file=file, columns=", ".join(headers)))


@app.command("list")
def list_(
    ctx: typer.Context,
    station: Annotated[str | None, typer.Option(help="Only this station's parcels.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only parcels in this state, e.g. at_hub.")
    ] = None,
    courier: Annotated[
        str | None, typer.Option(help="Only this courier's (none: unassigned).")
    ] = None,
    direction: Annotated[str | None, typer.Option(help="outbound or inbound.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Registered on this day: YYYY-MM-DD, today.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Registered on or after this day.")] = None,
    until: Annotated[str | None, typer.Option(help="Registered on or before this day.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="At most this many (0: all).")] = 1000,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """List parcels, newest first; names and phone numbers are masked.

    Examples:
      hub parcel list --station GD03 --status registered
      hub parcel list --date today --direction inbound --json
      hub parcel list --since 2026-11-01 --until 2026-11-30 --courier ZTO --limit 0 --csv > zto.csv
    """
    from logistics.services import parcels

    day, first, last = dates.day(date), dates.day(since), dates.day(until)
    with open_session(ctx, write=False) as session:
        rows = parcels.list_parcels(
            session,
            station=station,
            status=status,
            courier=courier,
            direction=direction,
            day=day,
            since=first,
            until=last,
            limit=limit + 1 if limit else None,  # one more tells whether more exist
        )
    if as_json and as_csv:
        raise typer.BadParameter(_("choose one of --json and --csv"))
    cut = bool(limit) and len(rows) > limit
    rows = rows[:limit] if cut else rows
    if as_json:
        print_json(rows)
    elif as_csv:
        _print_csv(CSV_COLUMNS, rows, encoding)
    else:
        render_rows(
            rows,
            _columns(COLUMNS),
            title=_("Parcels ({n})").format(n=f"{len(rows):,}"),
            empty=_("No parcels match."),
        )
    if cut:  # after the rows, where the screen ends; on standard error, so JSON stays whole
        error(
            ngettext(
                "Only the newest parcel is listed; more match: --limit 0 lists them all.",
                "Only the newest {n} parcels are listed; more match: --limit 0 lists them all.",
                limit,
            ).format(n=f"{limit:,}"),
            style="yellow",
        )


@app.command()
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Hub parcel id or tracking number.")],
    as_json: JsonOption = False,
) -> None:
    """Show one parcel and its timeline (names and phone numbers masked).

    Examples:
      hub parcel show P20261123-00042
      hub parcel show 73100000000001 --json
    """
    from logistics.services import parcels

    with open_session(ctx, write=False) as session:
        record = parcels.show_parcel(session, code)
    if as_json:
        print_json(record)
        return
    record = {**record, "weight": f"{kg_text(record['weight_g'])} kg"}
    render_record(record, [(key, _(label)) for key, label in SHOWN_FIELDS])
    render_rows(
        record["timeline"],
        _columns(TIMELINE_COLUMNS),
        title=_("Timeline"),
        empty=_("No events."),
    )


@app.command()
def overdue(
    ctx: typer.Context,
    station: Annotated[str | None, typer.Option(help="Only this station.")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Inbound parcels waiting at a station longer than its retention period (default 7 days),
    to be returned with `hub scan return`.

    Examples:
      hub parcel overdue
      hub parcel overdue --station GD05 --csv > overdue.csv
    """
    from logistics.services import parcels

    with open_session(ctx, write=False) as session:
        rows = parcels.overdue_parcels(session, station=station)
    if as_csv and not as_json:
        _print_csv([column.key for column in OVERDUE_COLUMNS], rows, encoding)
        return
    render_rows(
        rows,
        _columns(OVERDUE_COLUMNS),
        title=_("Overdue at stations ({n})").format(n=f"{len(rows):,}"),
        as_json=as_json,
        as_csv=as_csv,
        empty=_("No parcel is waiting longer than its station keeps it."),
    )


PICKUP_COLUMNS = [
    Column("pickup_code", N_("Pickup code"), no_wrap=True),
    Column("parcel_no", N_("Parcel")),
    Column("tracking_no", N_("Tracking no."), leave_out=2),
    Column("courier", N_("Courier"), leave_out=3),
    Column("recipient", N_("Recipient")),
    Column("phone_tail", N_("Phone (last 4)")),
    Column("at_station_since", N_("At station since"), leave_out=1),
    Column("days_waiting", N_("Days"), "right"),
]


def _notice_language(chosen: str | None, hub_language: str | None) -> str:
    """The notices' language: --notice-lang, else English when English was chosen
    (--lang, HUB_LANG or the hub's setting), else Chinese (the villagers')."""
    from logistics import i18n
    from logistics.cli.language import given_option
    from logistics.errors import InvalidInput

    if chosen is not None:
        language = i18n.normalise(chosen)
        if language is None:
            raise InvalidInput(
                _("--notice-lang must be zh or en, got '{value}'.").format(value=chosen)
            )
        return language
    for candidate in (given_option(), os.environ.get("HUB_LANG"), hub_language):
        language = i18n.normalise(candidate)
        if language:
            return language
    return "zh"


@app.command()
def pickups(
    ctx: typer.Context,
    station: Annotated[str, typer.Option(help="The station whose waiting parcels to list.")],
    as_json: JsonOption = False,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the list to this CSV file.")
    ] = None,
    notices: Annotated[
        Path | None,
        typer.Option(
            help="Write one text message per recipient (phone,message CSV) for the "
            "keeper's phone to send."
        ),
    ] = None,
    notice_lang: Annotated[
        str | None,
        typer.Option("--notice-lang", help="Language of the messages: zh (default) or en."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """The inbound parcels waiting at a station, by pickup code, for its keeper.

    Each parcel's pickup code (取件码, shelf-layer-number: 3-2-1045) was given when it
    was scanned at-station; the villager shows it and the keeper scans `hub scan
    picked-up --station CODE 3-2-1045`. Names are masked and phone numbers show their
    last four digits only.

    --notices FILE writes one text message per recipient (their parcels' codes, the
    station's phone) with the full phone number, readable by you only; each parcel's
    timeline notes who wrote it and when. The messages are in Chinese unless English
    is chosen (--lang en, or --notice-lang en).

    Examples:
      hub parcel pickups --station GD05
      hub parcel pickups --station GD05 --notices gd05-sms.csv
      hub parcel pickups --station GD05 --csv gd05.csv --json
    """
    from logistics.services import pickups as service

    with open_session(ctx, write=notices is not None) as session:
        rows = service.waiting_parcels(session, station)
        doc = service.pickup_notices(session, station) if notices is not None else None
        if doc is not None and doc.notices:
            from logistics.io.pickup_notices import write_notices

            language = _notice_language(notice_lang, doc.hub_language)
            written = write_notices(doc, notices, language=language, force=force)
            service.note_notices(
                session, doc, file_name=notices.name, operator=hub_context(ctx).operator
            )
    if csv_file is not None:
        from logistics.io.csv_export import write_csv

        write_csv(
            csv_file,
            [column.key for column in PICKUP_COLUMNS],
            rows,
            force=force,
            private=True,
        )
    code = typed_code(station)
    if as_json:
        print_json(rows)
    else:
        render_rows(
            rows,
            _columns(PICKUP_COLUMNS),
            title=_("Waiting at station {station} ({n})").format(station=code, n=f"{len(rows):,}"),
            empty=_("No parcel is waiting at this station."),
        )
    if csv_file is not None:
        done(_("Wrote {file}.").format(file=csv_file), stderr=as_json)
    if doc is None:
        return
    tell = err_console if as_json else console
    if doc.notices:
        done(
            ngettext(
                "Wrote {file}: {n} message, {parcels}.",
                "Wrote {file}: {n} messages, {parcels}.",
                written,
            ).format(file=notices, n=f"{written:,}", parcels=counted(doc.parcels, "parcel")),
            stderr=as_json,
        )
    else:
        tell.print(
            f"[yellow]{escape(_('No message written: no waiting parcel has a phone number.'))}"
            "[/yellow]"
        )
    if doc.no_phone:
        sentence = ngettext(
            "{n} parcel has no phone number to text; tell its recipient another way: {parcels}.",
            "{n} parcels have no phone number to text; tell their recipients another "
            "way: {parcels}.",
            len(doc.no_phone),
        ).format(n=len(doc.no_phone), parcels=", ".join(doc.no_phone))
        tell.print(f"[yellow]{escape(sentence)}[/yellow]", soft_wrap=True)
