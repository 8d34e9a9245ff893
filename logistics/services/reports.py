"""Reports: the monthly volume report and the operator's end-of-day report, as plain data.

Both reports are dataclasses of rows (dicts of ints, Decimals and text) that the CLI
renders with rich and `logistics.io.report_export` writes as CSV, XLSX and PDF.
``tables()`` lists a report's tables with their columns in the order they are shown.

Definitions (the monthly report):

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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from logistics.domain import clock
from logistics.domain.provinces import province_by_code
from logistics.errors import InvalidInput
from logistics.models import Courier, Hub, Manifest, Parcel, ParcelEvent, Round, Station, Vehicle
from logistics.models.rounds import RoundStop
from logistics.services.network import current_hub

OUTBOUND = "outbound"
INBOUND = "inbound"
CANCELLED = "cancelled"
HANDED_OVER = "handed_over"
EXCEPTION_STATUSES = ("held", "cancelled", "returned")
# An event that changed the parcel's state; notes (assigned, label printed) did not.
_IS_STEP = or_(ParcelEvent.from_status.is_(None), ParcelEvent.from_status != ParcelEvent.to_status)
TOP_PROVINCES = 10
CENT = Decimal("0.01")

#: How the sample's and the import files' product categories read in Chinese.
CATEGORY_LABELS = {
    "kiwi": "猕猴桃",
    "cured_meat": "腊肉",
    "rice_tofu": "米豆腐",
    "tea": "茶叶",
    "crafts": "手工艺品",
    "apparel": "服装",
    "household": "日用百货",
    "food": "食品",
    "electronics": "数码电器",
    "farm_inputs": "农资",
    "other": "其他",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Every status that is not final, in the order a parcel goes through them.
OPEN_STATUSES = (
    "registered",
    "collected",
    "at_hub",
    "manifested",
    "held",
    "arrived_hub",
    "out_for_delivery",
    "at_station",
)
STATUS_ORDER = (
    "registered",
    "collected",
    "at_hub",
    "manifested",
    "handed_over",
    "held",
    "cancelled",
    "arrived_hub",
    "out_for_delivery",
    "at_station",
    "picked_up",
    "returned",
)


# ---------------------------------------------------------------- plain tables


@dataclass(frozen=True)
class TableColumn:
    """One column of a report table. ``kind`` says how the value is shown and stored:
    text, int, kg (Decimal kg), yuan (Decimal yuan), pct (a fraction, 0.123 = 12.3 %),
    hours, number, date."""

    key: str
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class ReportTable:
    name: str  # file and sheet name: stations -> stations.csv, sheet "stations"
    title: str
    columns: tuple[TableColumn, ...]
    rows: list[dict[str, Any]]


def _kg(grams: int | None) -> Decimal:
    return Decimal(grams or 0) / 1000


def _yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(CENT)


def _fraction(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None


def _growth(current: int, previous: int) -> float | None:
    return round((current - previous) / previous, 4) if previous else None


def _category_label(category: str | None) -> str:
    if category is None:
        return "(none)"
    return CATEGORY_LABELS.get(category, category)


def _province_name(code: str | None) -> str:
    if code is None:
        return "(unknown)"
    try:
        return province_by_code(code).short_name
    except Exception:  # noqa: BLE001  (an unknown code still gets a row)
        return code


# ---------------------------------------------------------------- the monthly report


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
        return f"{self.hub_name}: monthly report {self.month}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def tables(self) -> list[ReportTable]:
        return [
            ReportTable(
                "totals",
                "Totals",
                FIGURE_COLUMNS,
                _figure_rows(self.totals, TOTAL_LABELS),
            ),
            ReportTable(
                "stations",
                "By station",
                (
                    TableColumn("rank", "Rank", "int"),
                    TableColumn("code", "Code"),
                    TableColumn("name", "Station"),
                    TableColumn("outbound", "Outbound", "int"),
                    TableColumn("inbound", "Inbound", "int"),
                    TableColumn("parcels", "Parcels", "int"),
                    TableColumn("kg", "kg", "kg"),
                    TableColumn("previous", f"Parcels {self.previous_month}", "int"),
                    TableColumn("growth", "Growth", "pct"),
                ),
                self.stations,
            ),
            ReportTable(
                "couriers",
                "By courier (outbound shares)",
                (
                    TableColumn("code", "Code"),
                    TableColumn("name", "Courier"),
                    TableColumn("outbound", "Outbound", "int"),
                    TableColumn("share", "Share", "pct"),
                    TableColumn("kg", "kg", "kg"),
                    TableColumn("fees", "Fees (yuan)", "yuan"),
                    TableColumn("inbound", "Inbound", "int"),
                ),
                self.couriers,
            ),
            ReportTable(
                "days",
                "By day",
                (
                    TableColumn("date", "Date", "date"),
                    TableColumn("weekday", "Day"),
                    TableColumn("outbound", "Outbound", "int"),
                    TableColumn("inbound", "Inbound", "int"),
                    TableColumn("parcels", "Parcels", "int"),
                    TableColumn("kg", "kg", "kg"),
                ),
                self.days,
            ),
            ReportTable(
                "provinces",
                f"Top {TOP_PROVINCES} destination provinces (outbound)",
                (
                    TableColumn("rank", "Rank", "int"),
                    TableColumn("code", "Code"),
                    TableColumn("name", "Province"),
                    TableColumn("parcels", "Parcels", "int"),
                    TableColumn("share", "Share", "pct"),
                    TableColumn("kg", "kg", "kg"),
                    TableColumn("fees", "Fees (yuan)", "yuan"),
                ),
                self.provinces,
            ),
            ReportTable(
                "categories",
                "By product category",
                (
                    TableColumn("direction", "Direction"),
                    TableColumn("category", "Category"),
                    TableColumn("label", "Product"),
                    TableColumn("parcels", "Parcels", "int"),
                    TableColumn("share", "Share", "pct"),
                    TableColumn("kg", "kg", "kg"),
                ),
                self.categories,
            ),
            ReportTable(
                "service",
                "Service",
                FIGURE_COLUMNS,
                _figure_rows(self.service, SERVICE_LABELS),
            ),
        ]


# Key figures: key -> (what, unit). Shares and rates are fractions (0.123 = 12.3 %).
TOTAL_LABELS = {
    "outbound_parcels": ("Outbound parcels", "parcels"),
    "inbound_parcels": ("Inbound parcels", "parcels"),
    "parcels": ("Parcels", "parcels"),
    "outbound_kg": ("Outbound kg", "kg"),
    "inbound_kg": ("Inbound kg", "kg"),
    "kg": ("kg", "kg"),
    "fees": ("Fees", "yuan"),
    "previous_parcels": ("Parcels the month before", "parcels"),
    "growth": ("Growth on the month before", "share"),
}
SERVICE_LABELS = {
    "handed_over": ("Outbound parcels handed over", "parcels"),
    "median_hours": ("Median hours, registration to handover", "hours"),
    "p90_hours": ("90th percentile hours, registration to handover", "hours"),
    "rounds": ("Rounds driven", "rounds"),
    "km": ("Km driven", "km"),
    "round_parcels": ("Parcels carried on the rounds", "parcels"),
    "parcels_per_km": ("Parcels per km", "parcels/km"),
    "registered": ("Parcels registered (cancelled included)", "parcels"),
    "exceptions": ("Exceptions (held, cancelled, returned)", "parcels"),
    "held": ("Held", "parcels"),
    "cancelled": ("Cancelled", "parcels"),
    "returned": ("Returned (inbound)", "parcels"),
    "exception_rate": ("Exception rate", "share"),
    "overdue_inbound": ("Inbound parcels overdue at stations now", "parcels"),
}
FIGURE_COLUMNS = (
    TableColumn("figure", "Figure"),
    TableColumn("label", "What"),
    TableColumn("value", "Value", "number"),
    TableColumn("unit", "Unit"),
)


def _figure_rows(values: Mapping[str, Any], labels: Mapping[str, tuple[str, str]]) -> list:
    return [
        {"figure": key, "label": label, "value": values.get(key), "unit": unit}
        for key, (label, unit) in labels.items()
    ]


def default_month(session: Session) -> str:
    """The last complete month in the hub's time zone."""
    tz = clock.zone(current_hub(session).timezone)
    first_of_this = clock.local_today(tz).replace(day=1)
    last = first_of_this - timedelta(days=1)
    return f"{last:%Y-%m}"


def _parse_month(month: str) -> tuple[str, date, date]:
    text = month.strip()
    first, following = clock.month_bounds(text)
    if len(text.split("-")[0]) != 4:
        raise InvalidInput(f"'{month}' is not a month: expected YYYY-MM, e.g. 2026-11.")
    return f"{first:%Y-%m}", first, following


def monthly_report(session: Session, month: str | None = None) -> MonthlyReport:
    """The hub's figures for one month (default: the last complete one).

    The month's parcels are read four times, each a GROUP BY (or, for the hours, one
    column) on the (registered_on, direction) index: a cube by (day, direction, status,
    station, courier) that Python rolls up into totals, stations, couriers, days and
    exceptions; destinations and categories; the previous month by station; and the
    registration-to-handover hours.
    """
    hub = current_hub(session)
    tz = clock.zone(hub.timezone)
    month, first, following = _parse_month(month or default_month(session))
    previous_first = (first - timedelta(days=1)).replace(day=1)
    in_month = and_(Parcel.registered_on >= first, Parcel.registered_on < following)

    stations = {s.id: s for s in session.exec(select(Station)).scalars()}
    couriers = {c.id: c for c in session.exec(select(Courier)).scalars()}

    cube = (
        _core(session)
        .execute(
            select(
                Parcel.registered_on,
                Parcel.direction,
                Parcel.status,
                Parcel.station_id,
                Parcel.courier_id,
                func.count(),
                func.sum(Parcel.weight_g),
                func.sum(Parcel.fee_fen),
            )
            .where(in_month)
            .group_by(
                Parcel.registered_on,
                Parcel.direction,
                Parcel.status,
                Parcel.station_id,
                Parcel.courier_id,
            )
        )
        .all()
    )
    by_status: dict[str, int] = defaultdict(int)
    per_station: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_courier: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[str, int] = defaultdict(int)
    handed_over = 0
    for day, direction, status, station_id, courier_id, count, grams, fen in cube:
        by_status[status] += count
        if status == CANCELLED:
            continue
        if status == HANDED_OVER and direction == OUTBOUND:
            handed_over += count
        grams, fen = grams or 0, fen or 0
        if isinstance(day, str):  # a driver that hands back the stored text
            day = date.fromisoformat(day)
        for entry in (per_station[station_id], per_day[day], total):
            entry[direction] += count
            entry["g"] += grams
        courier = per_courier[courier_id]
        courier[direction] += count
        if direction == OUTBOUND:
            courier["g"] += grams
            courier["fen"] += fen
            total["fen"] += fen
            total["outbound_g"] += grams
    registered = sum(by_status.values())
    outbound_total, inbound_total = total[OUTBOUND], total[INBOUND]

    previous = dict(
        _core(session)
        .execute(
            select(Parcel.station_id, func.count())
            .where(
                Parcel.registered_on >= previous_first,
                Parcel.registered_on < first,
                Parcel.status != CANCELLED,
            )
            .group_by(Parcel.station_id)
        )
        .all()
    )

    station_rows = []
    active = {s.id for s in stations.values() if s.active}
    for station_id in set(per_station) | set(previous) | active:
        station = stations[station_id]
        entry = per_station.get(station_id, {})
        parcels = entry.get(OUTBOUND, 0) + entry.get(INBOUND, 0)
        before = previous.get(station_id, 0)
        station_rows.append(
            {
                "code": station.code,
                "name": station.name,
                "outbound": entry.get(OUTBOUND, 0),
                "inbound": entry.get(INBOUND, 0),
                "parcels": parcels,
                "kg": _kg(entry.get("g", 0)),
                "previous": before,
                "growth": _growth(parcels, before),
            }
        )
    station_rows.sort(key=lambda row: (-row["parcels"], row["code"]))
    station_rows = [{"rank": rank, **row} for rank, row in enumerate(station_rows, 1)]

    previous_total = sum(previous.values())
    totals = {
        "outbound_parcels": outbound_total,
        "inbound_parcels": inbound_total,
        "parcels": outbound_total + inbound_total,
        "outbound_kg": _kg(total["outbound_g"]),
        "inbound_kg": _kg(total["g"] - total["outbound_g"]),
        "kg": _kg(total["g"]),
        "fees": _yuan(total["fen"]),
        "previous_parcels": previous_total,
        "growth": _growth(outbound_total + inbound_total, previous_total),
    }

    provinces, categories = _destinations_and_categories(
        session, in_month, outbound_total, inbound_total
    )
    median, p90 = _handover_hours(session, in_month, handed_over)
    rounds, metres, round_parcels = _rounds_driven(session, first, following)
    exceptions = sum(by_status.get(status, 0) for status in EXCEPTION_STATUSES)
    service = {
        "handed_over": handed_over,
        "median_hours": median,
        "p90_hours": p90,
        "rounds": rounds,
        "km": (Decimal(metres) / 1000).quantize(Decimal("0.1")),
        "round_parcels": round_parcels,
        "parcels_per_km": round(round_parcels * 1000 / metres, 2) if metres else None,
        "registered": registered,
        "exceptions": exceptions,
        "held": by_status.get("held", 0),
        "cancelled": by_status.get(CANCELLED, 0),
        "returned": by_status.get("returned", 0),
        "exception_rate": _fraction(exceptions, registered),
        "overdue_inbound": sum(_overdue_by_station(session, hub, stations, in_month).values()),
    }
    return MonthlyReport(
        hub_code=hub.code,
        hub_name=hub.name,
        timezone=hub.timezone,
        month=month,
        first_day=first,
        last_day=following - timedelta(days=1),
        previous_month=f"{previous_first:%Y-%m}",
        generated_at=clock.to_local(clock.utcnow(), tz).replace(tzinfo=None, microsecond=0),
        totals=totals,
        stations=station_rows,
        couriers=_courier_rows(per_courier, couriers, outbound_total),
        days=_day_rows(per_day, first, following),
        provinces=provinces,
        categories=categories,
        service=service,
    )


def _courier_rows(per: Mapping, couriers: Mapping[int, Courier], outbound_total: int) -> list:
    rows = []
    for courier_id in set(per) | {c.id for c in couriers.values() if c.active}:
        entry = per.get(courier_id, {})
        courier = couriers.get(courier_id)
        rows.append(
            {
                "code": courier.code if courier else "",
                "name": courier.name if courier else "(no courier yet)",
                "outbound": entry.get(OUTBOUND, 0),
                "share": _fraction(entry.get(OUTBOUND, 0), outbound_total),
                "kg": _kg(entry.get("g", 0)),
                "fees": _yuan(entry.get("fen", 0)),
                "inbound": entry.get(INBOUND, 0),
            }
        )
    rows.sort(key=lambda row: (row["code"] == "", -row["outbound"], -row["inbound"], row["code"]))
    return rows


def _day_rows(per: Mapping[date, Mapping[str, int]], first: date, following: date) -> list:
    rows = []
    day = first
    while day < following:
        entry = per.get(day, {})
        outbound, inbound = entry.get(OUTBOUND, 0), entry.get(INBOUND, 0)
        rows.append(
            {
                "date": day,
                "weekday": WEEKDAYS[day.weekday()],
                "outbound": outbound,
                "inbound": inbound,
                "parcels": outbound + inbound,
                "kg": _kg(entry.get("g", 0)),
            }
        )
        day += timedelta(days=1)
    return rows


def _destinations_and_categories(
    session: Session, in_month, outbound_total: int, inbound_total: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The top destination provinces of outbound parcels, and both directions' categories."""
    found = (
        _core(session)
        .execute(
            select(
                Parcel.direction,
                Parcel.province_code,
                Parcel.category,
                func.count(),
                func.sum(Parcel.weight_g),
                func.sum(Parcel.fee_fen),
            )
            .where(in_month, Parcel.status != CANCELLED)
            .group_by(Parcel.direction, Parcel.province_code, Parcel.category)
        )
        .all()
    )
    province: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    category: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    for direction, code, kind, count, grams, fen in found:
        if direction == OUTBOUND and code is not None:
            entry = province[code]
            entry[0] += count
            entry[1] += grams or 0
            entry[2] += fen or 0
        entry = category[(direction, kind)]
        entry[0] += count
        entry[1] += grams or 0
    ranked = sorted(province.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_PROVINCES]
    provinces = [
        {
            "rank": rank,
            "code": code,
            "name": _province_name(code),
            "parcels": count,
            "share": _fraction(count, outbound_total),
            "kg": _kg(grams),
            "fees": _yuan(fen),
        }
        for rank, (code, (count, grams, fen)) in enumerate(ranked, 1)
    ]
    order = {OUTBOUND: 0, INBOUND: 1}
    whole = {OUTBOUND: outbound_total, INBOUND: inbound_total}
    categories = [
        {
            "direction": direction,
            "category": kind or "",
            "label": _category_label(kind),
            "parcels": count,
            "share": _fraction(count, whole.get(direction, 0)),
            "kg": _kg(grams),
        }
        for (direction, kind), (count, grams) in sorted(
            category.items(),
            key=lambda item: (order.get(item[0][0], 2), -item[1][0], item[0][1] or ""),
        )
    ]
    return provinces, categories


def hours_between(dialect: str, start, end) -> ColumnElement:
    """`end - start` in hours, as SQL for the session's database."""
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    raise InvalidInput(
        f"Reports do not know the '{dialect}' database: expected SQLite or PostgreSQL."
    )


def percentile(ordered: list[float], p: float) -> float:
    """The p-th quantile (0..1) of sorted values, interpolating between the closest ranks
    (numpy's default, PostgreSQL's percentile_cont)."""
    rank = p * (len(ordered) - 1)
    low = math.floor(rank)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (ordered[low + 1] - ordered[low]) * (rank - low)


def _handover_hours(session: Session, in_month, count: int) -> tuple[float | None, float | None]:
    """The median and 90th percentile of the hours from registration to handover of the
    month's `count` handed-over outbound parcels.

    PostgreSQL has percentile_cont. SQLite has none: the hours (one number per parcel,
    computed in SQL) are fetched and ranked here, which measured faster than ranking
    them in SQLite with row_number() and fetching the four values around the ranks.
    """
    if not count:
        return None, None
    dialect = session.get_bind().dialect.name
    hours = hours_between(dialect, Parcel.registered_at, Parcel.status_at)
    # `status || ''`: SQLite's planner (no statistics gathered) would otherwise read the
    # whole year's handed-over parcels through the (status, status_at) index instead of
    # the month's range of the registered_on index.
    where = (in_month, Parcel.direction == OUTBOUND, Parcel.status.concat("") == HANDED_OVER)
    if dialect == "postgresql":
        median, p90 = _one(
            session,
            select(
                func.percentile_cont(0.5).within_group(hours),
                func.percentile_cont(0.9).within_group(hours),
            ).where(*where),
        )
        return _hours(median), _hours(p90)
    ordered = sorted(float(v) for (v,) in _all(session, select(hours).where(*where)))
    if not ordered:
        return None, None
    return _hours(percentile(ordered, 0.5)), _hours(percentile(ordered, 0.9))


def _hours(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _core(session: Session):
    """The session's connection, for Core statements: plain tuples, cheaper than the ORM
    path for big results."""
    return session.connection()


def _all(session: Session, statement) -> list:
    """Rows of a Core statement (plain tuples; cheaper than the ORM path for big results)."""
    return session.connection().execute(statement).all()


def _one(session: Session, statement):
    return session.connection().execute(statement).one()


def _rounds_driven(session: Session, first: date, following: date) -> tuple[int, int, int]:
    in_month = and_(
        Round.service_date >= first, Round.service_date < following, Round.status == "finished"
    )
    rounds, metres = (
        _core(session)
        .execute(select(func.count(), func.coalesce(func.sum(Round.planned_m), 0)).where(in_month))
        .one()
    )
    parcels = (
        _core(session)
        .execute(
            select(func.count())
            .select_from(Parcel)
            .join(Round, Parcel.round_id == Round.id)
            .where(in_month)
        )
        .one()[0]
    )
    return rounds, int(metres or 0), parcels


def _retention_groups(hub: Hub, stations: Mapping[int, Station]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for station in stations.values():
        groups[station.retention_days or hub.retention_days or 7].append(station.id)
    return groups


def _overdue_by_station(
    session: Session, hub: Hub, stations: Mapping[int, Station], extra=None
) -> dict[int, int]:
    """Inbound parcels waiting at each station longer than its retention period, now."""
    now = clock.utcnow()
    found: dict[int, int] = defaultdict(int)
    for days, station_ids in _retention_groups(hub, stations).items():
        query = (
            select(Parcel.station_id, func.count())
            .where(
                Parcel.status == "at_station",
                Parcel.status_at < now - timedelta(days=days),
                Parcel.station_id.in_(station_ids),
            )
            .group_by(Parcel.station_id)
        )
        if extra is not None:
            query = query.where(extra)
        for station_id, count in _core(session).execute(query).all():
            found[station_id] += count
    return found


# ---------------------------------------------------------------- the daily report


@dataclass
class DailyReport:
    hub_code: str
    hub_name: str
    timezone: str
    day: date
    generated_at: datetime  # hub-local, naive
    registered: list[dict[str, Any]]  # the day's parcels by direction and status now
    moves: list[dict[str, Any]]  # the day's scans and steps by the state they led to
    waiting: list[dict[str, Any]]  # per station, now
    at_hub: dict[str, int]  # parcels in the hub's hands now, by status
    rounds: list[dict[str, Any]]
    manifests: list[dict[str, Any]]
    manifest_counts: dict[str, int]
    exceptions: list[dict[str, Any]]
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.hub_name}: end of day {self.day.isoformat()}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def daily_report(session: Session, day: date | str | None = None) -> DailyReport:
    """The operator's end of day: what came in, what moved, what waits where, rounds,
    manifests and problem parcels. ``day`` defaults to the hub's today."""
    hub = current_hub(session)
    tz = clock.zone(hub.timezone)
    if not isinstance(day, date):
        day = clock.parse_day(day, tz)
    start, end = clock.day_bounds_utc(day, tz)
    stations = {s.id: s for s in session.exec(select(Station)).scalars()}
    couriers = {c.id: c for c in session.exec(select(Courier)).scalars()}

    registered_rows = (
        _core(session)
        .execute(
            select(Parcel.direction, Parcel.status, func.count())
            .where(Parcel.registered_on == day)
            .group_by(Parcel.direction, Parcel.status)
        )
        .all()
    )
    order = {status: k for k, status in enumerate(STATUS_ORDER)}
    registered = [
        {"direction": direction, "status": status, "parcels": count}
        for direction, status, count in sorted(
            registered_rows, key=lambda r: (r[0] != OUTBOUND, order.get(r[1], 99), r[1])
        )
    ]

    moves_rows = (
        _core(session)
        .execute(
            select(ParcelEvent.to_status, func.count())
            .where(
                ParcelEvent.at >= start,
                ParcelEvent.at < end,
                _IS_STEP,
            )
            .group_by(ParcelEvent.to_status)
        )
        .all()
    )
    moves = [
        {"status": status, "parcels": count}
        for status, count in sorted(moves_rows, key=lambda r: (order.get(r[0], 99), r[0]))
    ]

    # What waits where, now: every parcel not yet in a final state.
    open_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for station_id, status, count in (
        _core(session)
        .execute(
            select(Parcel.station_id, Parcel.status, func.count())
            .where(Parcel.status.in_(OPEN_STATUSES))
            .group_by(Parcel.station_id, Parcel.status)
        )
        .all()
    ):
        open_counts[station_id][status] = count
    now = clock.utcnow()
    overdue = _overdue_by_station(session, hub, stations)
    waiting = []
    for station_id, counts in open_counts.items():
        row = {
            "code": stations[station_id].code,
            "name": stations[station_id].name,
            "to_collect": counts.get("registered", 0),
            "to_deliver": counts.get("out_for_delivery", 0),
            "at_station": counts.get("at_station", 0),
            "overdue": overdue.get(station_id, 0),
        }
        if any(row[key] for key in ("to_collect", "to_deliver", "at_station")):
            waiting.append(row)
    waiting.sort(key=lambda row: row["code"])
    at_hub = {
        status: sum(counts.get(status, 0) for counts in open_counts.values())
        for status in ("collected", "at_hub", "manifested", "held", "arrived_hub")
    }

    rounds = _day_rounds(session, day)
    manifests, manifest_counts = _day_manifests(session, day, couriers)
    exceptions = _day_exceptions(session, start, end, stations, tz)
    moved = {row["status"]: row["parcels"] for row in moves}
    totals = {
        "registered_outbound": sum(r["parcels"] for r in registered if r["direction"] == OUTBOUND),
        "arrived_inbound": sum(r["parcels"] for r in registered if r["direction"] == INBOUND),
        "handed_over": moved.get(HANDED_OVER, 0),
        "picked_up": moved.get("picked_up", 0),
        "exceptions": len(exceptions),
        "overdue_inbound": sum(overdue.values()),
    }
    return DailyReport(
        hub_code=hub.code,
        hub_name=hub.name,
        timezone=hub.timezone,
        day=day,
        generated_at=clock.to_local(now, tz).replace(tzinfo=None, microsecond=0),
        registered=registered,
        moves=moves,
        waiting=waiting,
        at_hub=at_hub,
        rounds=rounds,
        manifests=manifests,
        manifest_counts=manifest_counts,
        exceptions=exceptions,
        totals=totals,
    )


def _day_rounds(session: Session, day: date) -> list[dict[str, Any]]:
    found = session.exec(
        select(Round, Vehicle.code)
        .join(Vehicle, Round.vehicle_id == Vehicle.id)
        .where(Round.service_date == day)
        .order_by(Round.round_no)
    ).all()
    if not found:
        return []
    ids = [r.id for r, _ in found]
    stops = dict(
        _core(session)
        .execute(
            select(RoundStop.round_id, func.count())
            .where(RoundStop.round_id.in_(ids))
            .group_by(RoundStop.round_id)
        )
        .all()
    )
    parcels = dict(
        _core(session)
        .execute(
            select(Parcel.round_id, func.count())
            .where(Parcel.round_id.in_(ids))
            .group_by(Parcel.round_id)
        )
        .all()
    )
    return [
        {
            "round_no": r.round_no,
            "van": van,
            "status": r.status,
            "stops": stops.get(r.id, 0),
            "km": (Decimal(r.planned_m) / 1000).quantize(Decimal("0.1")),
            "parcels": parcels.get(r.id, 0),
        }
        for r, van in found
    ]


def _day_manifests(
    session: Session, day: date, couriers: Mapping[int, Courier]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    found = (
        session.exec(
            select(Manifest).where(Manifest.service_date == day).order_by(Manifest.manifest_no)
        )
        .scalars()
        .all()
    )
    counts = {"open": 0, "closed": 0, "handed_over": 0}
    if not found:
        return [], counts
    parcels = dict(
        _core(session)
        .execute(
            select(Parcel.manifest_id, func.count())
            .where(Parcel.manifest_id.in_([m.id for m in found]))
            .group_by(Parcel.manifest_id)
        )
        .all()
    )
    rows = []
    for m in found:
        counts[m.status] = counts.get(m.status, 0) + 1
        courier = couriers.get(m.courier_id)
        rows.append(
            {
                "manifest_no": m.manifest_no,
                "courier": courier.code if courier else "",
                "status": m.status,
                "parcels": parcels.get(m.id, 0),
                "cutoff": m.cutoff,
            }
        )
    return rows, counts


def _day_exceptions(session, start, end, stations, tz) -> list[dict[str, Any]]:
    found = (
        _core(session)
        .execute(
            select(
                ParcelEvent.at,
                ParcelEvent.to_status,
                ParcelEvent.operator,
                ParcelEvent.note,
                Parcel.parcel_no,
                Parcel.direction,
                Parcel.station_id,
                Parcel.status,
            )
            .join(Parcel, ParcelEvent.parcel_id == Parcel.id)
            .where(
                ParcelEvent.at >= start,
                ParcelEvent.at < end,
                ParcelEvent.to_status.in_(EXCEPTION_STATUSES),
                _IS_STEP,
            )
            .order_by(ParcelEvent.at, ParcelEvent.id)
        )
        .all()
    )
    return [
        {
            "time": clock.to_local(at, tz).strftime("%H:%M"),
            "parcel_no": parcel_no,
            "direction": direction,
            "station": stations[station_id].code if station_id in stations else "",
            "what": to_status,
            "status_now": status,
            "operator": operator,
            "note": note or "",
        }
        for at, to_status, operator, note, parcel_no, direction, station_id, status in found
    ]
