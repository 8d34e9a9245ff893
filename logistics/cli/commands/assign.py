"""`hub assign`: give the day's parcels the cheapest courier the couriers' promises allow."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from logistics.cli import dates
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import (
    Column,
    JsonOption,
    console,
    done,
    kg,
    print_json,
    refused,
    render_rows,
    warn,
    yuan,
)
from logistics.cli.progress import progress_bar
from logistics.domain.parcel_status import Status
from logistics.domain.units import province_text
from logistics.i18n import N_, _, is_chinese, listing, ngettext

ORDER = 40


def _share(value) -> str:
    return f"{value:.1%}"


def _yes(flag: bool, style: str = "") -> Text | str:
    return Text(_("yes"), style=style) if flag else ""


def _met(met: bool) -> Text | str:
    return _("yes") if met else Text(_("NO"), style="red")


def _unassigned_reason(code: str) -> str:
    from logistics.domain.assignment import UnassignedReason

    return UnassignedReason.label_of(code)


# Courier codes (DEPPON), parcel ids and figures are never broken across lines
# (no_wrap); reasons and names fold. A terminal too narrow for the table leaves out the
# columns with the highest leave_out first (--json has them all).
COURIER_COLUMNS = [
    Column("courier", N_("Courier"), no_wrap=True),
    Column("parcels", N_("Parcels"), "right", no_wrap=True),
    Column("fixed_parcels", N_("Own no."), "right", leave_out=3, no_wrap=True),
    Column("earlier", N_("Earlier"), "right", leave_out=4, no_wrap=True),
    Column("weight_g", N_("kg"), "right", kg, leave_out=2, no_wrap=True),
    Column("fee_fen", N_("Fee (yuan)"), "right", yuan, no_wrap=True),
    Column("share", N_("Share"), "right", _share, no_wrap=True),
    Column("min_share", N_("Min share"), "right", _share, no_wrap=True),
    Column("min_share_met", N_("Met"), format=_met, no_wrap=True),
    Column("capacity_left", N_("Capacity left"), "right", leave_out=1, no_wrap=True),
]
UNASSIGNED_COLUMNS = [
    Column("parcel_no", N_("Parcel")),
    Column("reason", N_("Reason"), format=_unassigned_reason),
    Column("waited_days", N_("Waited (days)"), "right", leave_out=1, no_wrap=True),
    Column("detail", N_("Detail")),
]
OPTION_COLUMNS = [
    Column("courier", N_("Courier"), no_wrap=True),
    Column("fee_fen", N_("Fee (yuan)"), "right", yuan, no_wrap=True),
    Column("chargeable_g", N_("Chargeable kg"), "right", kg, no_wrap=True),
    Column("chosen", N_("Chosen"), format=lambda chosen: _yes(chosen, "green"), no_wrap=True),
    Column("reason", N_("Why")),
]
COURIER_PARCEL_COLUMNS = [
    Column("parcel_no", N_("Parcel")),
    Column("province_label", N_("Province"), leave_out=2),
    Column("weight_g", N_("kg"), "right", kg, leave_out=3, no_wrap=True),
    Column("fee_fen", N_("Fee (yuan)"), "right", yuan, no_wrap=True),
    Column("fixed", N_("Own no."), format=_yes, leave_out=4, no_wrap=True),
    Column("changed", N_("New"), format=_yes, leave_out=1, no_wrap=True),
    Column("why", N_("Why")),
]


def _shown(columns: list[Column]) -> list[Column]:
    """The columns with their headers in the chosen language."""
    return [dataclasses.replace(column, header=_(column.header)) for column in columns]


def assign(
    ctx: typer.Context,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="D", help="Hub-local day: YYYY-MM-DD, 12月2日, today, yesterday."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the assignment; store nothing.")
    ] = False,
    include_stations: Annotated[
        bool,
        typer.Option(
            "--include-stations",
            help="Also parcels still waiting at a station (registered or collected).",
        ),
    ] = False,
    parcel: Annotated[
        list[str] | None,
        typer.Option(
            "--parcel",
            metavar="ID",
            help="Decide only this parcel (repeatable); the rest of the day keeps its couriers.",
        ),
    ] = None,
    courier: Annotated[
        str | None,
        typer.Option(
            "--courier",
            metavar="C",
            help="Also list the parcels the run gives this courier (code or name: ZTO, 中通).",
        ),
    ] = None,
    explain_id: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="ID",
            help="Show one parcel's fee with every courier and why its courier won.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Give every waiting outbound parcel a courier at the lowest total fee.

    Respects each courier's remaining daily capacity and agreed minimum share and the
    provinces it serves; a parcel with a courier's tracking number keeps that courier.
    Re-run as often as needed until parcels are on a manifest.

    Examples:

        hub assign --dry-run                  # show it, store nothing
        hub assign                            # the parcels at the hub
        hub assign --include-stations --json  # and those at stations
        hub assign --explain P20261123-00042  # why this courier
        hub assign --dry-run --courier 中通     # the parcels ZTO would get
    """
    run_day = dates.day(day)
    from logistics.services import assignment

    if explain_id:
        with open_session(ctx, write=False) as session:
            explanation = assignment.explain(
                session, explain_id, day=run_day, include_stations=include_stations
            )
        if as_json:
            print_json(explanation.as_dict())
            return
        _show_explanation(explanation)
        return

    with (
        open_session(ctx, write=not dry_run) as session,
        progress_bar(_("Assigning couriers"), shown=not as_json and not parcel) as progress,
    ):
        run = assignment.assign_day(
            session,
            run_day,
            dry_run=dry_run,
            include_stations=include_stations,
            parcels=parcel or (),
            operator=hub_context(ctx).operator,
            courier=courier,
            progress=progress,
        )
    if as_json:
        print_json(run.as_dict())
        return
    _show_run(run)


def _show_run(run) -> None:
    at_stations = run.include_stations
    if run.parcels == 0:
        if at_stations:
            text = _(
                "No outbound parcels at the hub and at the stations wait for a courier on {day}."
            )
        else:
            text = _("No outbound parcels at the hub wait for a courier on {day}.")
        warn(text.format(day=run.day))
        return
    rows = [vars(line) for line in run.couriers]
    if at_stations:
        title = _("Courier assignment for {day} (at the hub and at the stations)")
    else:
        title = _("Courier assignment for {day} (at the hub)")
    render_rows(rows, _shown(COURIER_COLUMNS), title=title.format(day=run.day))
    console.print(
        escape(
            ngettext(
                "Total fee: {total} yuan for {n} parcel (baseline {baseline} yuan).",
                "Total fee: {total} yuan for {n} parcels (baseline {baseline} yuan).",
                run.assigned,
            ).format(
                total=yuan(run.total_fee_fen),
                n=f"{run.assigned:,}",
                baseline=yuan(run.baseline_fee_fen),
            )
        )
    )
    console.print(escape(run.baseline_sentence))
    (done if run.saving_fen >= 0 else warn)(run.saving_sentence)
    if run.min_shares_not_met:
        warn(
            _("Minimum share not met today: {couriers}.").format(
                couriers=_listed(run.min_shares_not_met)
            )
        )
    for line in run.warnings:
        warn(line)
    if run.unassigned:
        rows = [vars(line) for line in run.unassigned]
        title = ngettext(
            "{n} parcel without a courier", "{n} parcels without a courier", len(rows)
        ).format(n=f"{len(rows):,}")
        render_rows(rows, _shown(UNASSIGNED_COLUMNS), title=title)
    if run.courier:
        _show_courier_parcels(run)
    if run.resorted:
        _show_resorted(run)
    if run.dry_run:
        if run.changed:
            warn(
                _("Dry run: nothing was stored; a run would store: {changes}.").format(
                    changes=_changes_said(run)
                )
            )
        else:
            warn(_("Dry run: nothing was stored; no parcel would change courier."))
    elif run.changed:
        done(_("Stored: {changes}; each has an assign event.").format(changes=_changes_said(run)))
    else:
        done(_("Stored: no parcel changed courier; nothing new was logged."))


def _changes_said(run) -> str:
    """What the run does to the parcels' couriers: given one for the first time, changed
    from one courier to another, left without one (only the parts that happen)."""
    parts = []
    if run.given:
        parts.append(
            ngettext("{n} parcel given a courier", "{n} parcels given a courier", run.given).format(
                n=f"{run.given:,}"
            )
        )
    if run.switched:
        parts.append(
            ngettext(
                "{n} parcel changed courier", "{n} parcels changed courier", run.switched
            ).format(n=f"{run.switched:,}")
        )
    if run.dropped:
        parts.append(
            ngettext(
                "{n} parcel left without a courier",
                "{n} parcels left without a courier",
                run.dropped,
            ).format(n=f"{run.dropped:,}")
        )
    return ("，" if is_chinese() else ", ").join(parts)


def _listed(codes) -> str:
    return listing(codes)


def _show_courier_parcels(run) -> None:
    rows = [vars(line) for line in run.courier_parcels]
    n = len(rows)
    render_rows(
        rows,
        _shown(COURIER_PARCEL_COLUMNS),
        title=ngettext(
            "{n} parcel to {courier} in this run", "{n} parcels to {courier} in this run", n
        ).format(n=f"{n:,}", courier=run.courier),
        empty=_("The run gives {courier} no parcel.").format(courier=run.courier),
    )


def _show_resorted(run) -> None:
    """The parcels at the hub to move from one courier's cage to another's: a sentence
    for each, all of them (the count in the title is the number of lines below)."""
    n = len(run.resorted)
    if run.dry_run:
        title = ngettext(
            "A run would move {n} parcel at the hub to another courier's cage",
            "A run would move {n} parcels at the hub to another courier's cage",
            n,
        )
    else:
        title = ngettext(
            "Re-sort {n} parcel at the hub: move it to its new courier's cage",
            "Re-sort {n} parcels at the hub: move each to its new courier's cage",
            n,
        )
    console.print(escape(title.format(n=f"{n:,}")), style="bold")
    for line in run.resorted:
        console.print(escape(line.move))


def _show_explanation(ex) -> None:
    rows = [vars(option) for option in ex.options]
    facts = {
        "parcel": ex.parcel_no,
        "tracking": ex.tracking_no,
        "province": province_text(ex.province),
        "kg": kg(ex.weight_g),
        "status": Status.label_of(ex.status),
    }
    if ex.tracking_no:
        title = _("Parcel {parcel}, tracking number {tracking}: to {province}, {kg} kg, {status}")
    else:
        title = _("Parcel {parcel}: to {province}, {kg} kg, {status}")
    render_rows(
        rows,
        _shown(OPTION_COLUMNS),
        title=escape(title.format(**facts)),
        empty=_("No courier has a tariff for this parcel."),
    )
    if ex.courier is None:
        refused(ex.summary)
    else:
        console.print(escape(ex.summary))
    if ex.ageing:
        console.print(Text(ex.ageing, style="dim"))
    if ex.note:
        warn(ex.note)


def register(root: typer.Typer) -> None:
    root.command("assign")(assign)
