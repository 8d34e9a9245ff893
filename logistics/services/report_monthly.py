"""The monthly volume report, as plain data.

Definitions:

* A parcel belongs to the month of its ``registered_on``: the hub-local day it was
  registered (outbound) or arrived at the hub (inbound). Months are therefore cut in
  the hub's time zone, and every figure is a GROUP BY served by the
  (registered_on, direction) index.
* Volumes (parcels, kg, fees, shares, growth) count the month's parcels that were not
  cancelled: a cancelled parcel never travelled. Held and returned parcels count.
* Fees are the outbound parcels' ``fee_fen``; kg is the declared weight.
* Growth compares a station's (or the hub's) parcels with the previous month's.
* Registration to handover: hours from ``registered_at`` to ``status_at`` of the month's
  outbound parcels now handed over (the median and the 90th percentile, linear
  interpolation between the closest ranks, as numpy's default).
* Rounds driven: finished rounds whose service date is in the month; km is their
  planned distance; parcels per km counts the parcels carried on them.
* Exceptions: the month's parcels now held, cancelled or returned; the rate is over all
  parcels registered in the month (cancelled ones included).
* Overdue inbound: the month's inbound parcels still waiting at a station longer than
  its retention period, as of now.
* A month that has not begun is no report; the month in progress runs to now. A month
  without parcels is, for an operator, one sentence rather than files of zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from logistics.domain import clock
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.units import kg, km, yuan
from logistics.errors import InvalidInput, NotFound
from logistics.i18n import _
from logistics.models import Courier, Parcel, Station
from logistics.services.network import current_hub
from logistics.services.report_rollups import (
    EXCEPTION_STATUSES,
    Destinations,
    MonthCube,
    destinations,
    handover_hours,
    month_cube,
    overdue_by_station,
    parcels_by_station,
    rounds_driven,
)
from logistics.services.report_tables import (
    TOP_PROVINCES,
    WEEKDAYS,
    ReportTable,
    category_label,
    direction_label,
    monthly_tables,
    province_label,
    weekday_label,
)

OUT, IN = Direction.OUTBOUND, Direction.INBOUND


@dataclass
class MonthlyReport:
    hub_code: str
    hub_name: str
    timezone: str
    month: str  # 2026-11
    first_day: date
    last_day: date
    previous_month: str
    generated_at: datetime  # hub-local, naive
    totals: dict[str, Any]
    stations: list[dict[str, Any]]
    couriers: list[dict[str, Any]]
    days: list[dict[str, Any]]
    provinces: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    service: dict[str, Any]

    @property
    def title(self) -> str:
        if self.in_progress:
            # a report of a month not yet over must say so on every page and sheet
            return _("{hub}: monthly report {month} (not over: figures to {today})").format(
                hub=self.hub_name, month=self.month, today=self.generated_at.date().isoformat()
            )
        return _("{hub}: monthly report {month}").format(hub=self.hub_name, month=self.month)

    @property
    def in_progress(self) -> bool:
        """The month is still running: its figures stop at today."""
        return self.last_day >= self.generated_at.date()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def tables(self) -> list[ReportTable]:
        return monthly_tables(self)


def default_month(session: Session) -> str:
    """The last complete month in the hub's time zone."""
    tz = clock.zone(current_hub(session).timezone)
    first_of_this = clock.local_today(tz).replace(day=1)
    last = first_of_this - timedelta(days=1)
    return f"{last:%Y-%m}"


def monthly_report(
    session: Session, month: str | None = None, *, refuse_empty: bool = False
) -> MonthlyReport:
    """The hub's figures for one month, ``YYYY-MM`` (default: the last complete one).

    A month that has not begun in the hub's time zone is refused (`InvalidInput`, naming
    this month); the month in progress is reported up to now. With ``refuse_empty`` a
    month without a single parcel registered is refused too (`NotFound`): an operator
    asking for files or the terminal view gets one sentence instead of a report of zeros.

    The month's parcels are read four times, each a GROUP BY (or, for the hours, one
    column) on the (registered_on, direction) index: a cube by (day, direction, status,
    station, courier) rolled up into totals, stations, couriers, days and exceptions;
    destinations and categories; the previous month by station; and the
    registration-to-handover hours.
    """
    hub = current_hub(session)
    tz = clock.zone(hub.timezone)
    month = clock.read_month(month) if month else default_month(session)
    first, following = clock.month_bounds(month)
    this_month = clock.local_today(tz).replace(day=1)
    if first > this_month:
        raise InvalidInput(
            _("{month} has not begun: this month is {this_month}.").format(
                month=month, this_month=f"{this_month:%Y-%m}"
            )
        )
    previous_first = (first - timedelta(days=1)).replace(day=1)
    in_month = and_(Parcel.registered_on >= first, Parcel.registered_on < following)

    stations = {s.id: s for s in session.exec(select(Station)).scalars()}
    couriers = {c.id: c for c in session.exec(select(Courier)).scalars()}

    cube = month_cube(session, in_month)
    if refuse_empty and not cube.registered:
        raise NotFound(
            _("No parcels were registered in {month}: no report was written.").format(month=month)
        )
    previous = parcels_by_station(session, previous_first, first)
    outbound_total, inbound_total = cube.total[OUT], cube.total[IN]
    found = destinations(session, in_month)
    return MonthlyReport(
        hub_code=hub.code,
        hub_name=hub.name,
        timezone=hub.timezone,
        month=month,
        first_day=first,
        last_day=following - timedelta(days=1),
        previous_month=f"{previous_first:%Y-%m}",
        generated_at=clock.to_local(clock.utcnow(), tz).replace(tzinfo=None, microsecond=0),
        totals=_totals(cube, sum(previous.values())),
        stations=_station_rows(cube, previous, stations),
        couriers=_courier_rows(cube.per_courier, couriers, outbound_total),
        days=_day_rows(cube.per_day, first, following),
        provinces=_province_rows(found, outbound_total),
        categories=_category_rows(found, outbound_total, inbound_total),
        service=_service(
            session,
            cube,
            first,
            following,
            in_month,
            overdue=sum(overdue_by_station(session, hub, stations, in_month).values()),
        ),
    )


def _fraction(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None


def _growth(current: int, previous: int) -> float | None:
    return round((current - previous) / previous, 4) if previous else None


def _totals(cube: MonthCube, previous_total: int) -> dict[str, Any]:
    total = cube.total
    parcels = total[OUT] + total[IN]
    return {
        "outbound_parcels": total[OUT],
        "inbound_parcels": total[IN],
        "parcels": parcels,
        "outbound_kg": kg(total["outbound_g"]),
        "inbound_kg": kg(total["g"] - total["outbound_g"]),
        "kg": kg(total["g"]),
        "fees": yuan(total["fen"]),
        "previous_parcels": previous_total,
        "growth": _growth(parcels, previous_total),
    }


def _service(
    session: Session, cube: MonthCube, first: date, following: date, in_month, *, overdue: int
) -> dict[str, Any]:
    median, p90 = handover_hours(session, in_month, cube.handed_over)
    rounds, metres, round_parcels = rounds_driven(session, first, following)
    by_status = cube.by_status
    exceptions = sum(by_status.get(status, 0) for status in EXCEPTION_STATUSES)
    return {
        "handed_over": cube.handed_over,
        "median_hours": median,
        "p90_hours": p90,
        "rounds": rounds,
        "km": km(metres),
        "round_parcels": round_parcels,
        "parcels_per_km": round(round_parcels * 1000 / metres, 2) if metres else None,
        "registered": cube.registered,
        "exceptions": exceptions,
        "held": by_status.get(Status.HELD, 0),
        "cancelled": by_status.get(Status.CANCELLED, 0),
        "returned": by_status.get(Status.RETURNED, 0),
        "exception_rate": _fraction(exceptions, cube.registered),
        "overdue_inbound": overdue,
    }


def _station_rows(
    cube: MonthCube, previous: Mapping[int, int], stations: Mapping[int, Station]
) -> list[dict[str, Any]]:
    """Every station with parcels this month or the last, and every active one, ranked."""
    rows = []
    active = {s.id for s in stations.values() if s.active}
    for station_id in set(cube.per_station) | set(previous) | active:
        station = stations[station_id]
        entry = cube.per_station.get(station_id, {})
        parcels = entry.get(OUT, 0) + entry.get(IN, 0)
        before = previous.get(station_id, 0)
        rows.append(
            {
                "code": station.code,
                "name": station.name,
                "outbound": entry.get(OUT, 0),
                "inbound": entry.get(IN, 0),
                "parcels": parcels,
                "kg": kg(entry.get("g", 0)),
                "previous": before,
                "growth": _growth(parcels, before),
            }
        )
    rows.sort(key=lambda row: (-row["parcels"], row["code"]))
    return [{"rank": rank, **row} for rank, row in enumerate(rows, 1)]


def _courier_rows(per: Mapping, couriers: Mapping[int, Courier], outbound_total: int) -> list:
    rows = []
    for courier_id in set(per) | {c.id for c in couriers.values() if c.active}:
        entry = per.get(courier_id, {})
        courier = couriers.get(courier_id)
        rows.append(
            {
                "code": courier.code if courier else "",
                "name": courier.name if courier else _("(no courier yet)"),
                "outbound": entry.get(OUT, 0),
                "share": _fraction(entry.get(OUT, 0), outbound_total),
                "kg": kg(entry.get("g", 0)),
                "fees": yuan(entry.get("fen", 0)),
                "inbound": entry.get(IN, 0),
            }
        )
    rows.sort(key=lambda row: (row["code"] == "", -row["outbound"], -row["inbound"], row["code"]))
    return rows


def _day_rows(per: Mapping[date, Mapping[str, int]], first: date, following: date) -> list:
    rows = []
    day = first
    while day < following:
        entry = per.get(day, {})
        outbound, inbound = entry.get(OUT, 0), entry.get(IN, 0)
        rows.append(
            {
                "date": day,
                "weekday": WEEKDAYS[day.weekday()],
                "weekday_label": weekday_label(day.weekday()),
                "outbound": outbound,
                "inbound": inbound,
                "parcels": outbound + inbound,
                "kg": kg(entry.get("g", 0)),
            }
        )
        day += timedelta(days=1)
    return rows


def _province_rows(found: Destinations, outbound_total: int) -> list[dict[str, Any]]:
    """The top destination provinces of the outbound parcels."""
    ranked = sorted(found.provinces.items(), key=lambda item: (-item[1][0], item[0]))
    return [
        {
            "rank": rank,
            "code": code,
            "name": province_label(code),
            "parcels": count,
            "share": _fraction(count, outbound_total),
            "kg": kg(grams),
            "fees": yuan(fen),
        }
        for rank, (code, (count, grams, fen)) in enumerate(ranked[:TOP_PROVINCES], 1)
    ]


def _category_rows(
    found: Destinations, outbound_total: int, inbound_total: int
) -> list[dict[str, Any]]:
    """Both directions' product categories, outbound first, the biggest first."""
    order = {OUT: 0, IN: 1}
    whole = {OUT: outbound_total, IN: inbound_total}
    ordered = sorted(
        found.categories.items(),
        key=lambda item: (order.get(item[0][0], 2), -item[1][0], item[0][1] or ""),
    )
    return [
        {
            "direction": direction,
            "direction_label": direction_label(direction),
            "category": kind or "",
            "label": category_label(kind),
            "parcels": count,
            "share": _fraction(count, whole.get(direction, 0)),
            "kg": kg(grams),
        }
        for (direction, kind), (count, grams) in ordered
    ]
