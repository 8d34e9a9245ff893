"""The operator's end-of-day report, as plain data.

What came in on the day (parcels registered or arrived, by direction and their status
now), what moved (the day's steps by the state they led to), what waits where now (per
station and at the hub), the day's rounds and manifests, and the day's problem parcels.

The day's exceptions are its steps into held, cancelled or returned, and the parcels the
day's finished rounds reconciled as missing (expected, not collected), extra (collected,
not planned) or, where `hub round finish` stores them, unconfirmed (inbound drops not
confirmed). Rounds come in the order people count them: R-20261123-2 before -10.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from logistics.domain import clock
from logistics.domain.clock import Day
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.round_status import RoundStatus
from logistics.domain.units import km
from logistics.i18n import N_, _
from logistics.models import Courier, Manifest, Parcel, ParcelEvent, Round, Station, Vehicle
from logistics.models.rounds import RoundStop
from logistics.services.network import current_hub
from logistics.services.report_rollups import (
    EXCEPTION_STATUSES,
    IS_STEP,
    OPEN_STATUSES,
    STATUS_ORDER,
    overdue_by_station,
    rows,
)
from logistics.services.report_tables import direction_label

#: The states of parcels in the hub's own hands (at the hub or on its vans).
AT_HUB_STATUSES = (
    Status.COLLECTED,
    Status.AT_HUB,
    Status.MANIFESTED,
    Status.HELD,
    Status.ARRIVED_HUB,
)
_RANK = {status: k for k, status in enumerate(STATUS_ORDER)}
#: What a round's reconciliation counts as exceptions, in the order they are listed.
RECONCILED = ("missing", "extra", "unconfirmed")
RECONCILED_LABELS = {
    "missing": N_("missing on the round"),
    "extra": N_("extra on the round"),
    "unconfirmed": N_("drop not confirmed"),
}
_LOOKUP_CHUNK = 500


def round_number_key(round_no: str) -> tuple[tuple[int, int | str], ...]:
    """Round numbers in the order people count them: R-20261123-2 before R-20261123-10
    (runs of digits compare as numbers, the rest as text)."""
    parts = re.split(r"([0-9]+)", round_no)
    return tuple((0, int(part)) if k % 2 else (1, part) for k, part in enumerate(parts))


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
        return _("{hub}: end of day {day}").format(hub=self.hub_name, day=self.day.isoformat())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def daily_report(session: Session, day: date | Day | str | None = None) -> DailyReport:
    """The operator's end of day: what came in, what moved, what waits where, rounds,
    manifests and problem parcels. ``day`` defaults to the hub's today."""
    hub = current_hub(session)
    tz = clock.zone(hub.timezone)
    day = clock.parse_day(day, tz)
    start, end = clock.day_bounds_utc(day, tz)
    stations = {s.id: s for s in session.exec(select(Station)).scalars()}
    couriers = {c.id: c for c in session.exec(select(Courier)).scalars()}

    registered = _registered(session, day)
    moves = _moves(session, start, end)
    open_counts = _open_by_station(session)
    now = clock.utcnow()
    overdue = overdue_by_station(session, hub, stations)
    at_hub = {
        status: sum(counts.get(status, 0) for counts in open_counts.values())
        for status in AT_HUB_STATUSES
    }
    manifests, manifest_counts = _day_manifests(session, day, couriers)
    day_rounds, reconciled = _day_rounds(session, day, tz)
    exceptions = _day_exceptions(session, start, end, stations, tz)
    exceptions += _round_exceptions(session, reconciled, stations)
    exceptions.sort(key=lambda row: row.pop("_at"))  # stable: steps, then rounds
    moved = {row["status"]: row["parcels"] for row in moves}
    counted = {kind: sum(r[kind] or 0 for r in day_rounds) for kind in RECONCILED}
    steps = sum(1 for row in exceptions if row["what"] not in RECONCILED)
    totals = {
        "registered_outbound": _sum_of(registered, Direction.OUTBOUND),
        "arrived_inbound": _sum_of(registered, Direction.INBOUND),
        "handed_over": moved.get(Status.HANDED_OVER, 0),
        "picked_up": moved.get(Status.PICKED_UP, 0),
        "exceptions": steps + sum(counted.values()),
        **counted,
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
        waiting=_waiting(open_counts, overdue, stations),
        at_hub=at_hub,
        rounds=day_rounds,
        manifests=manifests,
        manifest_counts=manifest_counts,
        exceptions=exceptions,
        totals=totals,
    )


def _sum_of(registered: list[dict[str, Any]], direction: Direction) -> int:
    return sum(row["parcels"] for row in registered if row["direction"] == direction)


def _registered(session: Session, day: date) -> list[dict[str, Any]]:
    """The day's parcels by direction and their status now, outbound first."""
    found = rows(
        session,
        select(Parcel.direction, Parcel.status, func.count())
        .where(Parcel.registered_on == day)
        .group_by(Parcel.direction, Parcel.status),
    )
    found.sort(key=lambda r: (r[0] != Direction.OUTBOUND, _RANK.get(r[1], 99), r[1]))
    return [
        {
            "direction": direction,
            "direction_label": direction_label(direction),
            "status": status,
            "status_label": Status.label_of(status),
            "parcels": count,
        }
        for direction, status, count in found
    ]


def _moves(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    found = rows(
        session,
        select(ParcelEvent.to_status, func.count())
        .where(ParcelEvent.at >= start, ParcelEvent.at < end, IS_STEP)
        .group_by(ParcelEvent.to_status),
    )
    found.sort(key=lambda r: (_RANK.get(r[0], 99), r[0]))
    return [
        {"status": status, "status_label": Status.label_of(status), "parcels": count}
        for status, count in found
    ]


def _open_by_station(session: Session) -> dict[int, dict[str, int]]:
    """Every parcel not yet in a final state, per station and status, now."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for station_id, status, count in rows(
        session,
        select(Parcel.station_id, Parcel.status, func.count())
        .where(Parcel.status.in_(OPEN_STATUSES))
        .group_by(Parcel.station_id, Parcel.status),
    ):
        counts[station_id][status] = count
    return counts


def _waiting(
    open_counts: Mapping[int, Mapping[str, int]],
    overdue: Mapping[int, int],
    stations: Mapping[int, Station],
) -> list[dict[str, Any]]:
    """The stations with parcels to collect, to deliver or waiting to be picked up."""
    waiting = []
    for station_id, counts in open_counts.items():
        row = {
            "code": stations[station_id].code,
            "name": stations[station_id].name,
            "to_collect": counts.get(Status.REGISTERED, 0),
            "to_deliver": counts.get(Status.OUT_FOR_DELIVERY, 0),
            "at_station": counts.get(Status.AT_STATION, 0),
            "overdue": overdue.get(station_id, 0),
        }
        if any(row[key] for key in ("to_collect", "to_deliver", "at_station")):
            waiting.append(row)
    waiting.sort(key=lambda row: row["code"])
    return waiting


def _day_rounds(
    session: Session, day: date, tz: ZoneInfo
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The day's rounds in number order, with what each finished one reconciled, and the
    parcels their reconciliations name."""
    found = session.exec(
        select(Round, Vehicle.code)
        .join(Vehicle, Round.vehicle_id == Vehicle.id)
        .where(Round.service_date == day)
    ).all()
    if not found:
        return [], []
    found = sorted(found, key=lambda item: round_number_key(item[0].round_no))
    ids = [r.id for r, _van in found]
    stops = dict(
        rows(
            session,
            select(RoundStop.round_id, func.count())
            .where(RoundStop.round_id.in_(ids))
            .group_by(RoundStop.round_id),
        )
    )
    parcels = dict(
        rows(
            session,
            select(Parcel.round_id, func.count())
            .where(Parcel.round_id.in_(ids))
            .group_by(Parcel.round_id),
        )
    )
    day_rounds, named = [], []
    for r, van in found:
        counts: dict[str, int | None] = dict.fromkeys(RECONCILED)
        if r.status == RoundStatus.FINISHED:
            read = _read_reconciliation(r.reconciliation, tz)
            if read is not None:
                counts, listed, finished = read
                at = r.finished_at or finished
                local = clock.to_local(at, tz) if at else None
                named += [
                    {"round_no": r.round_no, "at": at, "local": local, **item} for item in listed
                ]
        day_rounds.append(
            {
                "round_no": r.round_no,
                "van": van,
                "status": r.status,
                "status_label": RoundStatus.label_of(r.status),
                "stops": stops.get(r.id, 0),
                "km": km(r.planned_m),
                "parcels": parcels.get(r.id, 0),
                **counts,
            }
        )
    return day_rounds, named


def _count(value: Any) -> tuple[int, list[str]]:
    """A reconciliation's entry as (count, parcel ids): a list of ids or a bare count."""
    if isinstance(value, list):
        ids = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("parcel_no")
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item):
                ids.append(str(item))
        return len(value), ids
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0), []
    return 0, []


def _read_reconciliation(
    text: str | None, tz: ZoneInfo
) -> tuple[dict[str, int | None], list[dict[str, Any]], datetime | None] | None:
    """A finished round's stored reconciliation (JSON, see `services.rounds`) read
    defensively: counts of missing, extra and unconfirmed parcels (from its stops when
    they carry them, else from its totals), the parcels it names with their stop, and
    when it was finished (naive UTC). None when nothing readable is stored."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    stops = [stop for stop in data.get("stops") or [] if isinstance(stop, dict)]
    counts: dict[str, int | None] = {}
    listed: list[dict[str, Any]] = []
    for order, kind in enumerate(RECONCILED):
        in_stops = [stop for stop in stops if kind in stop]
        total = 0
        for stop in in_stops or [{kind: data.get(kind)}]:
            n, ids = _count(stop.get(kind))
            total += n
            station = stop.get("station") if isinstance(stop.get("station"), str) else ""
            seq = stop.get("seq") if isinstance(stop.get("seq"), int) else 0
            listed += [
                {"kind": kind, "order": order, "seq": seq, "station": station, "parcel_no": no}
                for no in ids
            ]
        counts[kind] = total
    listed.sort(key=lambda item: (item["order"], item["seq"], item["parcel_no"]))
    finished = None
    if isinstance(data.get("finished_at"), str):
        try:
            moment = datetime.fromisoformat(data["finished_at"])
        except ValueError:
            moment = None
        if moment is not None:
            finished = clock.to_utc(moment, tz)
    return counts, listed, finished


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
    counts: dict[str, int] = dict.fromkeys(ManifestStatus, 0)
    if not found:
        return [], counts
    parcels = dict(
        rows(
            session,
            select(Parcel.manifest_id, func.count())
            .where(Parcel.manifest_id.in_([m.id for m in found]))
            .group_by(Parcel.manifest_id),
        )
    )
    manifests = []
    for m in found:
        counts[m.status] = counts.get(m.status, 0) + 1
        courier = couriers.get(m.courier_id)
        manifests.append(
            {
                "manifest_no": m.manifest_no,
                "courier": courier.code if courier else "",
                "status": m.status,
                "status_label": ManifestStatus.label_of(m.status),
                "parcels": parcels.get(m.id, 0),
                "cutoff": m.cutoff,
            }
        )
    return manifests, counts


def _day_exceptions(
    session: Session,
    start: datetime,
    end: datetime,
    stations: Mapping[int, Station],
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    """The day's steps into held, cancelled or returned, in the order they were made."""
    found = rows(
        session,
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
            IS_STEP,
        )
        .order_by(ParcelEvent.at, ParcelEvent.id),
    )
    return [
        {
            "_at": at,
            "time": clock.to_local(at, tz).strftime("%H:%M"),
            "parcel_no": parcel_no,
            "direction": direction,
            "direction_label": direction_label(direction),
            "station": stations[station_id].code if station_id in stations else "",
            "what": to_status,
            "what_label": Status.label_of(to_status),
            "status_now": status,
            "status_now_label": Status.label_of(status),
            "operator": operator,
            "note": note or "",
        }
        for at, to_status, operator, note, parcel_no, direction, station_id, status in found
    ]


def _round_exceptions(
    session: Session, named: list[dict[str, Any]], stations: Mapping[int, Station]
) -> list[dict[str, Any]]:
    """The parcels the day's rounds reconciled as missing, extra or unconfirmed, with
    their state now."""
    numbers = sorted({item["parcel_no"] for item in named})
    now: dict[str, tuple[str, str, int]] = {}
    for k in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[k : k + _LOOKUP_CHUNK]
        for parcel_no, direction, status, station_id in rows(
            session,
            select(Parcel.parcel_no, Parcel.direction, Parcel.status, Parcel.station_id).where(
                Parcel.parcel_no.in_(chunk)
            ),
        ):
            now[parcel_no] = (direction, status, station_id)
    found = []
    for item in named:
        direction, status, station_id = now.get(item["parcel_no"], ("", "", None))
        station = item["station"] or (stations[station_id].code if station_id in stations else "")
        local = item["local"]
        found.append(
            {
                "_at": item["at"] or datetime.max,
                "time": local.strftime("%H:%M") if local else "",
                "parcel_no": item["parcel_no"],
                "direction": direction,
                "direction_label": direction_label(direction) if direction else "",
                "station": station,
                "what": item["kind"],
                "what_label": _(RECONCILED_LABELS[item["kind"]]),
                "status_now": status,
                "status_now_label": Status.label_of(status) if status else "",
                "operator": "",
                "note": item["round_no"],  # the round's number, as data
            }
        )
    return found
