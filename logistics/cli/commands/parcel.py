"""`hub parcel ...`: register, import, list and show parcels; the overdue inbound ones."""

from __future__ import annotations

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
    err_console,
    kg,
    print_json,
    render_record,
    render_rows,
    warn,
)

NAME = "parcel"
ORDER = 20
app = typer.Typer(
    help="Parcels: register, import, template, list, show, overdue, label.", no_args_is_help=True
)

DirectionOption = Annotated[
    str,
    typer.Option(
        "--direction",
        help="outbound (sent from the stations) or inbound (a courier's parcels for the villages).",
    ),
]

COLUMNS = [
    Column("parcel_no", "Parcel"),
    Column("tracking_no", "Tracking no."),
    Column("direction", "Dir", leave_out=3),
    Column("station", "Station"),
    Column("status", "Status"),
    Column("courier", "Courier"),
    Column("recipient", "Recipient", leave_out=1),
    Column("recipient_phone", "Phone", leave_out=4),
    Column("province", "Prov", leave_out=2),
    Column("weight_g", "kg", "right", kg),
    Column("category", "Category", leave_out=6),
    Column("registered", "Registered", leave_out=5),
]

OVERDUE_COLUMNS = [
    Column("parcel_no", "Parcel"),
    Column("tracking_no", "Tracking no."),
    Column("station", "Station"),
    Column("recipient", "Recipient"),
    Column("recipient_phone", "Phone"),
    Column("at_station_since", "At station since"),
    Column("days_waiting", "Days", "right"),
    Column("retention_days", "Keep days", "right"),
]


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
    direction: DirectionOption = "outbound",
    as_json: JsonOption = False,
) -> None:
    """Register one parcel and print its hub parcel id.

    Examples:
      hub parcel register --station GD03 --weight 2.5 --recipient 张三 \\
          --phone 13812345678 --province 广东 --city 广州 --address 天河区体育西路1号
      hub parcel register --station GD03 --weight 1.2 --recipient 李四 \\
          --phone 13900001111 --province 44 --address ... --tracking-no 73100000000001
    """
    from logistics.services import parcels

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
        parcel = parcels.register_parcel(
            session, values, operator=operator, direction=direction.strip().lower()
        )
    if as_json:
        print_json({"parcel_no": parcel.parcel_no, "status": parcel.status})
        return
    done(f"Registered parcel {parcel.parcel_no} ({parcel.status}).")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX.")],
    direction: DirectionOption = "outbound",
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
    as_json: JsonOption = False,
) -> None:
    """Import parcels from a file; nothing is imported if any row is bad.

    Columns, by header in any order (Chinese headers work too): station (站点),
    order_ref (订单号), sender_name (寄件人), sender_phone, recipient_name (收件人),
    recipient_phone (电话), province (省份: 52, 贵州 or Guizhou), city (城市),
    address (地址), weight_kg (重量), length_cm/width_cm/height_cm (长/宽/高),
    category (品类), courier (快递), tracking_no (运单号). `hub parcel template` writes
    an empty file. Rows already imported (same order_ref or tracking_no) are skipped,
    so importing a file twice adds nothing. Inbound files (--direction inbound) are a
    courier's parcels for the township; each goes to the station named, or the station
    whose village the address names.

    Examples:
      hub parcel import today.csv
      hub parcel import shop-orders.xlsx --station GD07
      hub parcel import zto-inbound.csv --direction inbound
      hub parcel import big.csv --skip-invalid --rejects big-rejects.csv
    """
    from logistics.errors import ImportRejected, InvalidInput
    from logistics.services import parcel_import

    if skip_invalid and rejects is None:
        raise InvalidInput(
            "--skip-invalid needs --rejects FILE: the bad rows are written there to be fixed."
        )
    if rejects is not None and not skip_invalid:
        raise InvalidInput("--rejects FILE goes with --skip-invalid.")
    operator = hub_context(ctx).operator
    with open_session(ctx) as session:
        try:
            summary = _with_progress(
                lambda progress: parcel_import.import_parcels(
                    session,
                    file,
                    operator=operator,
                    direction=direction.strip().lower(),
                    station=station,
                    skip_invalid=skip_invalid,
                    rejects=rejects,
                    progress=progress,
                ),
                file,
            )
        except ImportRejected as rejected:
            count = len(rejected.problems)
            err_console.print(
                f"[red]{rejected.source}: {counted(count, 'bad row')}, nothing was imported.[/red]"
            )
            for line in rejected.problems:
                err_console.print(f"[red]  {escape(line)}[/red]", soft_wrap=True)
            err_console.print(
                "Fix these rows and import again, or import the good rows with "
                "--skip-invalid --rejects FILE."
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
            }
        )
        return
    span = ""
    if summary.imported:
        span = f" ({summary.first})"
        if summary.imported > 1:
            span = f" ({summary.first} to {summary.last})"
    done(
        f"Imported {summary.file}: {counted(summary.imported, 'parcel')}{span}, "
        f"{summary.already} already imported."
    )
    if summary.rejected:
        warn(f"{counted(summary.rejected, 'bad row')} skipped, written to {summary.rejects_file}.")


def _with_progress(work, file: Path):
    """Run the import with a progress bar on large files (none for small ones)."""
    try:
        size = file.stat().st_size
    except OSError:
        size = 0
    if size < 256 * 1024 or not console.is_terminal:
        return work(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"Reading {file.name}", total=None)

        def progress(done_rows: int, total: int | None) -> None:
            bar.update(task, completed=done_rows, total=max(total or 0, done_rows) or None)

        return work(progress)


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    chinese: Annotated[
        bool, typer.Option("--chinese", help="Chinese headers (站点, 收件人...).")
    ] = False,
) -> None:
    """Write an empty import file with every column (required ones marked *).

    Examples:
      hub parcel template parcels.csv
      hub parcel template 发货清单.xlsx --chinese
    """
    from logistics.services import parcel_import

    headers = parcel_import.write_template(file, language="zh" if chinese else "en")
    done(f"Wrote {file} with columns: {', '.join(headers)}.")


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
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 1000,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List parcels, newest first; names and phone numbers are masked.

    Examples:
      hub parcel list --station GD03 --status registered
      hub parcel list --date today --direction inbound --json
      hub parcel list --since 2026-11-01 --until 2026-11-30 --courier ZTO --limit 0 --csv > zto.csv
    """
    from logistics.domain.clock import parse_day, zone
    from logistics.services import parcels
    from logistics.services.network import current_hub

    with open_session(ctx, write=False) as session:
        tz = zone(current_hub(session).timezone)
        rows = parcels.list_parcels(
            session,
            station=station,
            status=status,
            courier=courier,
            direction=direction,
            day=parse_day(date, tz) if date else None,
            since=parse_day(since, tz) if since else None,
            until=parse_day(until, tz) if until else None,
            limit=limit or None,
        )
    if as_json:
        print_json(rows)
        return
    render_rows(
        rows,
        COLUMNS,
        title=f"Parcels ({len(rows)})",
        as_csv=as_csv,
        empty="No parcels match.",
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
    record = {**record, "weight": f"{kg(record['weight_g'])} kg"}
    render_record(
        record,
        [
            ("parcel_no", "Parcel"),
            ("tracking_no", "Tracking no."),
            ("order_ref", "Order"),
            ("direction", "Direction"),
            ("status", "Status"),
            ("station", "Station"),
            ("station_name", "Station name"),
            ("courier", "Courier"),
            ("sender", "Sender"),
            ("sender_phone", "Sender phone"),
            ("recipient", "Recipient"),
            ("recipient_phone", "Recipient phone"),
            ("province", "Province"),
            ("city", "City"),
            ("address", "Address"),
            ("weight", "Weight"),
            ("size_cm", "Size cm"),
            ("category", "Category"),
            ("registered", "Registered"),
        ],
    )
    render_rows(
        record["timeline"],
        [
            Column("at", "When"),
            Column("action", "Step"),
            Column("to_status", "Status"),
            Column("place", "Where"),
            Column("operator", "Who"),
            Column("note", "Note"),
        ],
        title="Timeline",
        empty="No events.",
    )


@app.command()
def overdue(
    ctx: typer.Context,
    station: Annotated[str | None, typer.Option(help="Only this station.")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
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
    render_rows(
        rows,
        OVERDUE_COLUMNS,
        title=f"Overdue at stations ({len(rows)})",
        as_json=as_json,
        as_csv=as_csv,
        empty="No parcel is waiting longer than its station keeps it.",
    )
