"""Reading the day from the tables: the waiting parcels, the vans, the return time, the
distances.

Outbound parcels waiting at their station (registered) and inbound parcels sorted for a
station (arrived at the hub), registered before the end of the hub-local day, are the
day's work, one :class:`StationWork` per station. Parcels already on a started round
are on a van's way and left alone; parcels of a finished round that were not collected
(missing) wait again. The latest return is the earliest active courier cut-off minus
the hub's sorting minutes. Distances are great-circle times the hub's road factor at
its van speed, or a road table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlmodel import Session, select

from logistics.domain import geo, round_status
from logistics.domain.clock import Day, day_bounds_utc, parse_day, zone
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.round_loads import StationWork, WaitingParcel
from logistics.domain.round_status import RoundAction, RoundStatus
from logistics.domain.routing import seconds_of_day
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.i18n import _
from logistics.io.road_table import read_matrix
from logistics.models import Courier, Hub, Parcel, Round, Station, Vehicle
from logistics.services.network import current_hub


@dataclass
class PlanningDay:
    """Everything the plan of one day starts from. ``work`` is consumed as rounds take
    parcels; what is left in it is carried over."""

    hub: Hub
    tz: ZoneInfo
    service_date: date
    old_rounds: list[Round]
    fleet: list[Vehicle]
    latest_return_s: int
    stations: dict[int, Station]
    work: dict[int, StationWork]
    with_work: list[Station]  # by code; matrix index k + 1 is with_work[k]
    metres: np.ndarray
    seconds: np.ndarray
    distances: str
    outbound_waiting: int
    inbound_waiting: int

    @cached_property
    def node_of(self) -> dict[int, int]:
        """Matrix index of each station with work (the hub is 0)."""
        return {s.id: k + 1 for k, s in enumerate(self.with_work)}

    @cached_property
    def station_of(self) -> dict[str, int]:
        """Station id of each station code the planner was given."""
        return {s.code: s.id for s in self.with_work}


def load_day(
    session: Session,
    day: str | Day | date | None,
    *,
    vans: Sequence[str] | str | None,
    matrix: str | Path | None,
    say,
) -> PlanningDay:
    hub = current_hub(session)
    tz = zone(hub.timezone)
    service_date = parse_day(day, tz)
    if isinstance(vans, str):
        vans = [code for code in vans.split(",") if code.strip()]

    say(_("Reading the parcels waiting on {date}").format(date=service_date))
    old_rounds = _refuse_started(session, service_date)
    fleet = _vans(session, hub, vans)
    latest_return = _latest_return_s(session, hub, fleet)
    day_end = day_bounds_utc(service_date, tz)[1]
    work, stations = _waiting(session, service_date, day_end, {r.id for r in old_rounds})
    with_work = sorted((stations[sid] for sid in work), key=lambda s: s.code)

    say(_("Distances between the hub and {n} stations").format(n=len(with_work)))
    metres, seconds, distances = _matrices(hub, with_work, stations.values(), matrix)
    return PlanningDay(
        hub=hub,
        tz=tz,
        service_date=service_date,
        old_rounds=old_rounds,
        fleet=fleet,
        latest_return_s=latest_return,
        stations=stations,
        work=work,
        with_work=with_work,
        metres=metres,
        seconds=seconds,
        distances=distances,
        outbound_waiting=sum(len(w.outbound) for w in work.values()),
        inbound_waiting=sum(len(w.inbound) for w in work.values()),
    )


def _vans(session: Session, hub: Hub, codes: Sequence[str] | None) -> list[Vehicle]:
    rows = list(session.exec(select(Vehicle).where(Vehicle.hub_id == hub.id).order_by(Vehicle.id)))
    if not codes:
        return [v for v in rows if v.active]
    by_code = {v.code.upper(): v for v in rows}
    chosen = []
    for code in codes:
        van = by_code.get(code.strip().upper())
        if van is None:
            raise NotFound(
                _("There is no van with code '{code}': `hub vehicle list` shows them.").format(
                    code=code.strip()
                )
            )
        if not van.active:
            raise RuleBroken(
                _("Van {van} is not active: make it active or leave it out.").format(van=van.code)
            )
        if van not in chosen:
            chosen.append(van)
    return chosen


def _latest_return_s(session: Session, hub: Hub, vans: Sequence[Vehicle]) -> int:
    cutoffs = [c.cutoff for c in session.exec(select(Courier).where(Courier.active.is_(True)))]
    if cutoffs:
        return max(0, seconds_of_day(min(cutoffs)) - hub.sort_minutes * 60)
    return max((seconds_of_day(v.shift_end) for v in vans), default=24 * 3600)


def _refuse_started(session: Session, day: date) -> list[Round]:
    """The day's rounds, which a new plan replaces; refused once one of them has left."""
    rounds = list(session.exec(select(Round).where(Round.service_date == day).order_by(Round.id)))
    for r in rounds:
        if not round_status.allows(r.status, RoundAction.REPLAN):
            van = session.get(Vehicle, r.vehicle_id)
            round_status.apply(
                r.status,
                RoundAction.REPLAN,
                round_no=r.round_no,
                service_date=day,
                van=van.code if van else "van ?",
            )
    return rounds


def _waiting(
    session: Session, day: date, day_end_utc, replaced: set[int]
) -> tuple[dict[int, StationWork], dict[int, Station]]:
    stations = {s.id: s for s in session.exec(select(Station))}
    rounds = {
        r.id: (r.status, r.service_date)
        for r in session.exec(select(Round).where(Round.status != RoundStatus.FINISHED))
    }
    query = select(
        Parcel.id,
        Parcel.parcel_no,
        Parcel.station_id,
        Parcel.direction,
        Parcel.weight_g,
        Parcel.registered_at,
        Parcel.registered_on,
        Parcel.round_id,
    ).where(
        ((Parcel.direction == Direction.OUTBOUND) & (Parcel.status == Status.REGISTERED))
        | ((Parcel.direction == Direction.INBOUND) & (Parcel.status == Status.ARRIVED_HUB)),
        Parcel.registered_at < day_end_utc,
    )
    work: dict[int, StationWork] = {}
    for pid, no, sid, direction, grams, reg_at, reg_on, round_id in session.exec(query):
        if round_id is not None and round_id not in replaced and round_id in rounds:
            status, service_date = rounds[round_id]
            # On a van's way now, or already planned for a later day: not ours to plan.
            if status == RoundStatus.STARTED or service_date > day:
                continue
        inbound = direction == Direction.INBOUND
        parcel = WaitingParcel(pid, no, sid, inbound, max(0, grams or 0), reg_at, reg_on)
        work.setdefault(sid, StationWork(sid, stations[sid].code)).add(parcel)
    for slot in work.values():
        slot.sort()
    return work, stations


def _matrices(
    hub: Hub,
    stations: Sequence[Station],
    every: Iterable[Station],
    matrix: str | Path | None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Metres and seconds between the hub (index 0) and ``stations``; ``every`` station
    of the hub may appear in a road table."""
    if hub.van_speed_kmh is None or hub.van_speed_kmh <= 0:
        raise InvalidInput(
            _("Hub {hub} has van speed {speed} km/h: expected a positive number.").format(
                hub=hub.code, speed=hub.van_speed_kmh
            )
        )
    if matrix is not None:
        codes = [hub.code] + [s.code for s in stations]
        known = [s.code for s in every]
        metres, seconds = read_matrix(matrix, codes, hub.van_speed_kmh, known)
        return metres, seconds, _("road table {file}").format(file=Path(matrix).name)
    lats = [hub.lat] + [s.lat for s in stations]
    lons = [hub.lon] + [s.lon for s in stations]
    factor = hub.road_factor or geo.DEFAULT_ROAD_FACTOR
    try:
        metres = geo.distance_matrix_m(lats, lons, road_factor=factor)
        seconds = geo.travel_time_matrix_s(metres, hub.van_speed_kmh)
    except ValueError as error:
        raise InvalidInput(
            _("Cannot compute distances for hub {hub}: {error}.").format(hub=hub.code, error=error)
        ) from None
    how = _("great-circle x {factor} road factor at {speed} km/h").format(
        factor=f"{factor:g}", speed=f"{hub.van_speed_kmh:g}"
    )
    return metres, seconds, how
