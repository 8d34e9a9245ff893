"""The reports' roll-ups: each a GROUP BY (or one column) read through Core.

Core statements hand back plain tuples, cheaper than the ORM path for the month's
large results. The roll-ups return counts and sums keyed as stored (direction and
status words, station and courier ids); the monthly and daily reports make rows of
them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from logistics.domain import clock
from logistics.domain.parcel_status import FINAL, INBOUND_STATES, OUTBOUND_STATES, Direction, Status
from logistics.domain.round_status import RoundStatus
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.models import Hub, Parcel, ParcelEvent, Round, Station

#: What the reports count as exceptions: parcels held, cancelled or returned.
EXCEPTION_STATUSES = (Status.HELD, Status.CANCELLED, Status.RETURNED)
#: Every status in the order a parcel goes through them, outbound first.
STATUS_ORDER: tuple[Status, ...] = tuple(dict.fromkeys(OUTBOUND_STATES + INBOUND_STATES))
#: Every status that is not final, in the same order.
OPEN_STATUSES: tuple[Status, ...] = tuple(s for s in STATUS_ORDER if s not in FINAL)
# An event that changed the parcel's state; notes (assigned, label printed) did not.
IS_STEP = or_(ParcelEvent.from_status.is_(None), ParcelEvent.from_status != ParcelEvent.to_status)


def rows(session: Session, statement) -> list:
    """Rows of a statement as plain tuples; through the session, so a statement over the
    hub's tables counts the session's hub only (``logistics.models.scope``)."""
    return session.execute(statement).all()


def one(session: Session, statement):
    return session.execute(statement).one()


# ---------------------------------------------------------------- the month's cube


@dataclass
class MonthCube:
    """The month's parcels rolled up by status, station, courier and day.

    Cancelled parcels count only in ``by_status`` (they never travelled); the other
    tallies hold parcels by direction and their grams (``g``), and for outbound parcels
    the couriers' and the hub's fees (``fen``) and outbound grams (``outbound_g``).
    """

    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    per_station: dict[int, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    per_courier: dict[int | None, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    per_day: dict[date, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    handed_over: int = 0

    @property
    def registered(self) -> int:
        """All the month's parcels, cancelled ones included."""
        return sum(self.by_status.values())


def month_cube(session: Session, in_month: ColumnElement) -> MonthCube:
    """One GROUP BY (day, direction, status, station, courier) of the month, rolled up."""
    found = rows(
        session,
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
        ),
    )
    cube = MonthCube()
    total = cube.total
    for day, direction, status, station_id, courier_id, count, grams, fen in found:
        cube.by_status[status] += count
        if status == Status.CANCELLED:
            continue
        outbound = direction == Direction.OUTBOUND
        if outbound and status == Status.HANDED_OVER:
            cube.handed_over += count
        grams, fen = grams or 0, fen or 0
        if isinstance(day, str):  # a driver that hands back the stored text
            day = date.fromisoformat(day)
        for entry in (cube.per_station[station_id], cube.per_day[day], total):
            entry[direction] += count
            entry["g"] += grams
        courier = cube.per_courier[courier_id]
        courier[direction] += count
        if outbound:
            courier["g"] += grams
            courier["fen"] += fen
            total["fen"] += fen
            total["outbound_g"] += grams
    return cube


def parcels_by_station(session: Session, first: date, following: date) -> dict[int, int]:
    """Parcels registered in [first, following) per station, cancelled ones left out."""
    return dict(
        rows(
            session,
            select(Parcel.station_id, func.count())
            .where(
                Parcel.registered_on >= first,
                Parcel.registered_on < following,
                Parcel.status != Status.CANCELLED,
            )
            .group_by(Parcel.station_id),
        )
    )


@dataclass
class Destinations:
    """Outbound parcels by destination province: [parcels, grams, fen]; all parcels by
    (direction, category): [parcels, grams]."""

    provinces: dict[str, list[int]]
    categories: dict[tuple[str, str | None], list[int]]


def destinations(session: Session, in_month: ColumnElement) -> Destinations:
    found = rows(
        session,
        select(
            Parcel.direction,
            Parcel.province_code,
            Parcel.category,
            func.count(),
            func.sum(Parcel.weight_g),
            func.sum(Parcel.fee_fen),
        )
        .where(in_month, Parcel.status != Status.CANCELLED)
        .group_by(Parcel.direction, Parcel.province_code, Parcel.category),
    )
    province: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    category: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    for direction, code, kind, count, grams, fen in found:
        if direction == Direction.OUTBOUND and code is not None:
            entry = province[code]
            entry[0] += count
            entry[1] += grams or 0
            entry[2] += fen or 0
        entry = category[(direction, kind)]
        entry[0] += count
        entry[1] += grams or 0
    return Destinations(province, category)


# ---------------------------------------------------------------- registration to handover


def hours_between(dialect: str, start, end) -> ColumnElement:
    """`end - start` in hours, as SQL for the session's database."""
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    raise InvalidInput(
        _("Reports do not know the '{dialect}' database: expected SQLite or PostgreSQL.").format(
            dialect=dialect
        )
    )


def percentile(ordered: list[float], p: float) -> float:
    """The p-th quantile (0..1) of sorted values, interpolating between the closest ranks
    (numpy's default, PostgreSQL's percentile_cont)."""
    rank = p * (len(ordered) - 1)
    low = math.floor(rank)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (ordered[low + 1] - ordered[low]) * (rank - low)


def handover_hours(
    session: Session, in_month: ColumnElement, count: int
) -> tuple[float | None, float | None]:
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
    where = (
        in_month,
        Parcel.direction == Direction.OUTBOUND,
        Parcel.status.concat("") == Status.HANDED_OVER,
    )
    if dialect == "postgresql":
        median, p90 = one(
            session,
            select(
                func.percentile_cont(0.5).within_group(hours),
                func.percentile_cont(0.9).within_group(hours),
            ).where(*where),
        )
        return _hours(median), _hours(p90)
    ordered = sorted(float(v) for (v,) in rows(session, select(hours).where(*where)))
    if not ordered:
        return None, None
    return _hours(percentile(ordered, 0.5)), _hours(percentile(ordered, 0.9))


def _hours(value) -> float | None:
    return None if value is None else round(float(value), 2)


# ---------------------------------------------------------------- rounds and stations


def rounds_driven(session: Session, first: date, following: date) -> tuple[int, int, int]:
    """Finished rounds of service days in [first, following): rounds, planned metres,
    parcels carried."""
    in_month = and_(
        Round.service_date >= first,
        Round.service_date < following,
        Round.status == RoundStatus.FINISHED,
    )
    rounds, metres = one(
        session, select(func.count(), func.coalesce(func.sum(Round.planned_m), 0)).where(in_month)
    )
    parcels = one(
        session,
        select(func.count())
        .select_from(Parcel)
        .join(Round, Parcel.round_id == Round.id)
        .where(in_month),
    )[0]
    return rounds, int(metres or 0), parcels


def _retention_groups(hub: Hub, stations: Mapping[int, Station]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for station in stations.values():
        groups[station.retention_days or hub.retention_days or 7].append(station.id)
    return groups


def overdue_by_station(
    session: Session, hub: Hub, stations: Mapping[int, Station], extra: Any = None
) -> dict[int, int]:
    """Inbound parcels waiting at each station longer than its retention period, now."""
    now = clock.utcnow()
    found: dict[int, int] = defaultdict(int)
    for days, station_ids in _retention_groups(hub, stations).items():
        query = (
            select(Parcel.station_id, func.count())
            .where(
                Parcel.status == Status.AT_STATION,
                Parcel.status_at < now - timedelta(days=days),
                Parcel.station_id.in_(station_ids),
            )
            .group_by(Parcel.station_id)
        )
        if extra is not None:
            query = query.where(extra)
        for station_id, count in rows(session, query):
            found[station_id] += count
    return found
