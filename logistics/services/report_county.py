"""The county's monthly report: every hub's volumes by courier, direction and product.

The county commerce bureau reads the townships' figures, never a parcel: the report is
made of GROUP BYs only (no recipient's or sender's name, phone or address is read), and
its rows name hubs, couriers and products.

Definitions are the hub's monthly report's (`report_monthly`), so a hub's line here
equals the totals of its own ``hub report monthly``:

* a parcel belongs to the month of its ``registered_on``, the day it was registered
  (outbound) or arrived (inbound) in its hub's time zone;
* cancelled parcels are left out of the volumes (they never travelled);
* kg is the declared weight; fees are the outbound parcels' ``fee_fen``.

Growth compares parcels with the month before (环比) and with the same month a year
before (同比); it is None when that month had no parcels (no growth from nothing).

The three months are three GROUP BYs, each over every hub at once by (hub, courier,
direction, product) on the month's range of ``ix_parcel_hub_id_registered_on``
(``hub_id IN (...)`` lets the index's leading column serve every hub): no query per hub.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from logistics.domain import clock
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.units import kg, yuan
from logistics.errors import InvalidInput, NotFound
from logistics.i18n import N_, _
from logistics.models import Courier, Hub, Parcel, scope
from logistics.services.report_rollups import rows
from logistics.services.report_tables import TOTAL_LABELS as HUB_TOTAL_LABELS
from logistics.services.report_tables import (
    ReportTable,
    TableColumn,
    category_label,
    direction_label,
    figure_columns,
    figure_rows,
    table,
)

OUT, IN = Direction.OUTBOUND, Direction.INBOUND
#: The periods each row is counted in: the month, the month before, a year before.
PERIODS = ("now", "previous", "last_year")

#: The hub's monthly key figures, with the number of hubs first and growth on a year.
TOTAL_LABELS = {
    "hubs": (N_("Hubs"), "hubs"),
    **HUB_TOTAL_LABELS,
    "last_year_parcels": (N_("Parcels the same month last year"), "parcels"),
    "growth_year": (N_("Growth on the same month last year"), "share"),
}
SHEETS = {
    "totals": N_("totals"),
    "hubs": N_("hubs"),
    "couriers": N_("couriers"),
    "breakdown": N_("by hub and courier"),
}


@dataclass
class CountyReport:
    month: str  # 2026-11
    first_day: date
    last_day: date
    previous_month: str
    last_year_month: str
    timezone: str
    generated_at: datetime  # local to the county's hubs, naive
    totals: dict[str, Any]
    hubs: list[dict[str, Any]]
    couriers: list[dict[str, Any]]
    breakdown: list[dict[str, Any]]  # hub x courier x direction x product

    @property
    def in_progress(self) -> bool:
        return self.last_day >= self.generated_at.date()

    @property
    def title(self) -> str:
        if self.in_progress:
            return _("County monthly report {month} (not over: figures to {today})").format(
                month=self.month, today=self.generated_at.date().isoformat()
            )
        return _("County monthly report {month}").format(month=self.month)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def tables(self) -> list[ReportTable]:
        return county_tables(self)


def county_report(
    session: Session, month: str | None = None, *, refuse_empty: bool = False
) -> CountyReport:
    """Every hub's figures for ``month`` (``YYYY-MM``; default the last complete month).

    The session may be scoped or not: the report reads every hub. A month that has not
    begun is refused (`InvalidInput`); with ``refuse_empty`` so is a month without a
    parcel in any hub (`NotFound`), for the terminal and files.
    """
    scope.leave(session)
    hubs = list(session.exec(select(Hub).order_by(Hub.code)).scalars())
    if not hubs:
        raise NotFound(_("This database has no hub yet: there is no county report to make."))
    zones = {hub.timezone or clock.DEFAULT_TIMEZONE for hub in hubs}
    zone_name = zones.pop() if len(zones) == 1 else clock.DEFAULT_TIMEZONE
    tz = clock.zone(zone_name)
    this_month = clock.local_today(tz).replace(day=1)
    last_month = f"{this_month - timedelta(days=1):%Y-%m}"
    month = clock.read_month(month) if month else last_month
    first, following = clock.month_bounds(month)
    if first > this_month:
        raise InvalidInput(
            _("{month} has not begun: this month is {this_month}.").format(
                month=month, this_month=f"{this_month:%Y-%m}"
            )
        )
    previous_first = (first - timedelta(days=1)).replace(day=1)
    year_first, year_following = _year_before(first), _year_before(following)
    hub_ids = [hub.id for hub in hubs]
    counted = {
        "now": _grouped(session, hub_ids, first, following),
        "previous": _grouped(session, hub_ids, previous_first, first),
        "last_year": _grouped(session, hub_ids, year_first, year_following),
    }
    if refuse_empty and not counted["now"] and not _any_parcel(session, hub_ids, first, following):
        raise NotFound(
            _("No parcels were registered in {month} in any hub: no report was written.").format(
                month=month
            )
        )
    couriers = {
        c.id: c for c in session.exec(select(Courier).where(Courier.hub_id.in_(hub_ids))).scalars()
    }
    hub_rows = _hub_rows(hubs, counted)
    order = {row["code"]: k for k, row in enumerate(hub_rows)}
    return CountyReport(
        month=month,
        first_day=first,
        last_day=following - timedelta(days=1),
        previous_month=f"{previous_first:%Y-%m}",
        last_year_month=f"{year_first:%Y-%m}",
        timezone=zone_name,
        generated_at=clock.to_local(clock.utcnow(), tz).replace(tzinfo=None, microsecond=0),
        totals=_totals(hub_rows),
        hubs=hub_rows,
        couriers=_courier_rows(counted, couriers, hubs),
        breakdown=_breakdown(counted, couriers, {h.id: h for h in hubs}, order),
    )


def _year_before(day: date) -> date:
    # months start on the 1st, so a year before is always a real day
    return day.replace(year=day.year - 1)


Key = tuple[int, int | None, str, str | None]  # hub id, courier id, direction, product


def _grouped(session: Session, hub_ids: list[int], first: date, following: date) -> dict:
    """{(hub, courier, direction, product): [parcels, grams, fen]} of [first, following)."""
    found = rows(
        session,
        select(
            Parcel.hub_id,
            Parcel.courier_id,
            Parcel.direction,
            Parcel.category,
            func.count(),
            func.sum(Parcel.weight_g),
            func.sum(Parcel.fee_fen),
        )
        .where(
            Parcel.hub_id.in_(hub_ids),
            Parcel.registered_on >= first,
            Parcel.registered_on < following,
            Parcel.status != Status.CANCELLED,
        )
        .group_by(Parcel.hub_id, Parcel.courier_id, Parcel.direction, Parcel.category),
    )
    return {
        (hub_id, courier_id, direction, category): [count, int(grams or 0), int(fen or 0)]
        for hub_id, courier_id, direction, category, count, grams, fen in found
    }


def _any_parcel(session: Session, hub_ids: list[int], first: date, following: date) -> bool:
    """Whether the month holds a parcel, a cancelled one included (as the hub's report)."""
    found = rows(
        session,
        select(Parcel.id)
        .where(
            Parcel.hub_id.in_(hub_ids),
            Parcel.registered_on >= first,
            Parcel.registered_on < following,
        )
        .limit(1),
    )
    return bool(found)


def _growth(current: int, before: int) -> float | None:
    return round((current - before) / before, 4) if before else None


def _fraction(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _tally(counted: dict[str, dict], pick) -> dict[Any, dict[str, int]]:
    """Sums of parcels, grams and fen by ``pick(key)``, per period and direction."""
    out: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period, groups in counted.items():
        for key, (count, grams, fen) in groups.items():
            entry = out[pick(key)]
            direction = key[2]
            entry[f"{period}:parcels"] += count
            if period != "now":
                continue
            entry[direction] += count
            entry["g"] += grams
            if direction == OUT:
                entry["outbound_g"] += grams
                entry["fen"] += fen
    return out


def _growth_fields(entry: dict[str, int]) -> dict[str, Any]:
    parcels = entry.get("now:parcels", 0)
    previous = entry.get("previous:parcels", 0)
    last_year = entry.get("last_year:parcels", 0)
    return {
        "previous": previous,
        "growth": _growth(parcels, previous),
        "last_year": last_year,
        "growth_year": _growth(parcels, last_year),
    }


def _hub_rows(hubs: list[Hub], counted: dict[str, dict]) -> list[dict[str, Any]]:
    """Every hub, the biggest first: its month's totals as its own monthly report has them."""
    tally = _tally(counted, lambda key: key[0])
    found = []
    for hub in hubs:
        entry = tally.get(hub.id, {})
        found.append(
            {
                "code": hub.code,
                "name": hub.name,
                "outbound": entry.get(OUT, 0),
                "inbound": entry.get(IN, 0),
                "parcels": entry.get("now:parcels", 0),
                "outbound_kg": kg(entry.get("outbound_g", 0)),
                "kg": kg(entry.get("g", 0)),
                "fees": yuan(entry.get("fen", 0)),
                **_growth_fields(entry),
                "_g": entry.get("g", 0),
                "_outbound_g": entry.get("outbound_g", 0),
                "_fen": entry.get("fen", 0),
            }
        )
    found.sort(key=lambda row: (-row["parcels"], row["code"]))
    return found


def _totals(hub_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The county's key figures; kg and fees summed in grams and fen, then shown."""

    def total(key: str) -> int:
        return sum(row[key] for row in hub_rows)

    grams, outbound_g = total("_g"), total("_outbound_g")
    fen = total("_fen")
    for row in hub_rows:  # the exact sums were needed only here
        for key in ("_g", "_outbound_g", "_fen"):
            row.pop(key)
    parcels, previous, last_year = total("parcels"), total("previous"), total("last_year")
    return {
        "hubs": len(hub_rows),
        "outbound_parcels": total("outbound"),
        "inbound_parcels": total("inbound"),
        "parcels": parcels,
        "outbound_kg": kg(outbound_g),
        "inbound_kg": kg(grams - outbound_g),
        "kg": kg(grams),
        "fees": yuan(fen),
        "previous_parcels": previous,
        # like for like: a hub with no parcels in the earlier month (not yet on this
        # server) would count as growth of the county
        "growth": _growth(_alike(hub_rows, "previous"), previous),
        "last_year_parcels": last_year,
        "growth_year": _growth(_alike(hub_rows, "last_year"), last_year),
    }


def _alike(hub_rows: list[dict[str, Any]], earlier: str) -> int:
    """This month's parcels of the hubs that had parcels in the ``earlier`` month."""
    return sum(row["parcels"] for row in hub_rows if row[earlier])


def _courier_rows(
    counted: dict[str, dict], couriers: dict[int, Courier], hubs: list[Hub]
) -> list[dict[str, Any]]:
    """The couriers across the county by code (each hub has its own account of one
    courier): outbound shares, inbound, fees and growth."""
    by_id = {hub.id: hub for hub in hubs}

    def code_of(key: Key) -> str:
        courier = couriers.get(key[1])
        return courier.code if courier else ""

    tally = _tally(counted, code_of)
    names: dict[str, str] = {}
    served: dict[str, set[str]] = defaultdict(set)
    for courier in sorted(couriers.values(), key=lambda c: by_id[c.hub_id].code):
        names.setdefault(courier.code, courier.name)
        if courier.active:
            served[courier.code].add(by_id[courier.hub_id].code)
    outbound_total = sum(entry.get(OUT, 0) for entry in tally.values())
    found = []
    for code in set(tally) | set(served):
        entry = tally.get(code, {})
        found.append(
            {
                "code": code,
                "name": names.get(code) or _("(no courier yet)"),
                "hubs": len(served.get(code, ())),
                "outbound": entry.get(OUT, 0),
                "share": _fraction(entry.get(OUT, 0), outbound_total),
                "inbound": entry.get(IN, 0),
                "parcels": entry.get("now:parcels", 0),
                "fees": yuan(entry.get("fen", 0)),
                **_growth_fields(entry),
            }
        )
    found.sort(key=lambda row: (row["code"] == "", -row["outbound"], -row["inbound"], row["code"]))
    return found


def _breakdown(
    counted: dict[str, dict],
    couriers: dict[int, Courier],
    hubs: dict[int, Hub],
    order: dict[str, int],
) -> list[dict[str, Any]]:
    """One row per hub, courier, direction and product with parcels this month, the month
    before or a year before; in the hubs' order, then their couriers the biggest first,
    outbound first, the biggest product first."""
    keys = set().union(*(groups.keys() for groups in counted.values()))
    found = []
    for key in keys:
        hub_id, courier_id, direction, category = key
        count, grams, fen = counted["now"].get(key, (0, 0, 0))
        hub, courier = hubs[hub_id], couriers.get(courier_id)
        previous = counted["previous"].get(key, (0,))[0]
        last_year = counted["last_year"].get(key, (0,))[0]
        found.append(
            {
                "hub": hub.code,
                "hub_name": hub.name,
                "courier": courier.code if courier else "",
                "courier_name": courier.name if courier else _("(no courier yet)"),
                "direction": direction,
                "direction_label": direction_label(direction),
                "category": category or "",
                "label": category_label(category),
                "parcels": count,
                "kg": kg(grams),
                "fees": yuan(fen) if direction == OUT else None,
                "previous": previous,
                "growth": _growth(count, previous),
                "last_year": last_year,
                "growth_year": _growth(count, last_year),
            }
        )
    size: dict[tuple[str, str], int] = defaultdict(int)
    for row in found:
        size[(row["hub"], row["courier"])] += row["parcels"]
    found.sort(
        key=lambda row: (
            order[row["hub"]],
            row["courier"] == "",
            -size[(row["hub"], row["courier"])],
            row["courier"],
            row["direction"] != OUT,
            -row["parcels"],
            row["category"],
        )
    )
    return found


# ---------------------------------------------------------------- tables

UNIT_LABELS = {"hubs": N_("hubs")}


def _growth_columns(report: CountyReport) -> tuple[TableColumn, ...]:
    return (
        TableColumn("previous", _("Parcels {month}").format(month=report.previous_month), "int"),
        TableColumn("growth", _("Growth on last month"), "pct"),
        TableColumn("last_year", _("Parcels {month}").format(month=report.last_year_month), "int"),
        TableColumn("growth_year", _("Growth on last year"), "pct"),
    )


def county_tables(report: CountyReport) -> list[ReportTable]:
    """The county report's tables in the order shown and exported, in the chosen language."""
    totals = figure_rows(report.totals, TOTAL_LABELS)
    for row in totals:
        if row["unit"] in UNIT_LABELS:
            row["unit_label"] = _(UNIT_LABELS[row["unit"]])
    hub, courier = TableColumn("name", _("Hub")), TableColumn("name", _("Courier"))
    hubs = TableColumn("hubs", _("Hubs"), "int")
    with_growth = (
        (
            "hubs",
            _("By hub"),
            ("code", hub, "outbound", "inbound", "parcels", "kg", "fees"),
            report.hubs,
        ),
        (
            "couriers",
            _("By courier, all hubs (outbound shares)"),
            ("code", courier, hubs, "outbound", "share", "inbound", "fees"),
            report.couriers,
        ),
        (
            "breakdown",
            _("By hub, courier, direction and product"),
            (
                TableColumn("hub", _("Hub")),
                TableColumn("hub_name", _("Hub name")),
                TableColumn("courier", _("Courier")),
                *("direction", "category", "label", "parcels", "kg", "fees"),
            ),
            report.breakdown,
        ),
    )
    growth = _growth_columns(report)
    return [
        table("totals", _("County totals"), figure_columns(), totals, SHEETS),
        *(
            table(name, title, (*picked, *growth), found, SHEETS)
            for name, title, picked, found in with_growth
        ),
    ]
