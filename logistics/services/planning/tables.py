"""Reading the day from the tables: the waiting parcels, the vans, the return time, the
distances.

Outbound parcels waiting at their station (registered) and inbound parcels sorted for a
station (arrived at the hub), registered before the end of the hub-local day, are the
day's work, one :class:`StationWork` per station. What a plan may do with a parcel
already on a round is ``round_status.claim_on``: a started round keeps its parcels (on
a van's way), a finished one's uncollected parcels wait again, an earlier day's plan
(from today on) keeps its parcels, a later day's unstarted plan gives them up to this
day (counted in ``moved``, by day). The day's started and finished rounds stay; each
van is free from its shift start or its return from them (``waves.free_from_s``), and
they count toward its rounds of the day (``rounds_made``, ``waves.rounds_left``). The
latest return is the earliest active courier cut-off minus the hub's sorting minutes.
Distances (``_matrices``, first that serves): a road table (measured km), the hub's
road server (``--roads``, its answer kept in ``road_matrix``), the road factors learned
from the driven rounds (``learned_roads``), the hub's one road factor; at the hub's van
speed unless the road server gave driving times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlmodel import Session, select

from logistics.domain import geo, road_factors, round_status, waves
from logistics.domain.clock import (
    Day,
    day_bounds_utc,
    local_today,
    parse_day,
    to_local,
    utcnow,
    zone,
)
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.round_loads import StationWork, WaitingParcel
from logistics.domain.round_status import Claim, RoundAction, RoundStatus
from logistics.domain.routing import clock, seconds_of_day
from logistics.domain.text import typed_code
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.i18n import _, ngettext
from logistics.io.road_table import read_matrix
from logistics.models import Courier, Hub, Parcel, Round, Station, Vehicle
from logistics.services.network import current_hub
from logistics.services.planning.learned_roads import learned_roads
from logistics.services.planning.road_matrix import RoadServerError, server_matrix


@dataclass
class PlanningDay:
    """Everything the plan of one day starts from. ``work`` is consumed as rounds take
    parcels; what is left in it is carried over."""

    hub: Hub
    tz: ZoneInfo
    service_date: date
    old_rounds: list[Round]  # the day's unstarted plan, which this one replaces
    kept_rounds: list[Round]  # the day's started and finished rounds, which stay
    fleet: list[Vehicle]
    free_from: dict[str, int]  # van code: seconds of day it can leave on a new round
    rounds_made: dict[str, int]  # van code: its started and finished rounds of the day
    latest_return_s: int
    stations: dict[int, Station]
    work: dict[int, StationWork]
    with_work: list[Station]  # by code; matrix index k + 1 is with_work[k]
    metres: np.ndarray
    seconds: np.ndarray
    distances: str
    outbound_waiting: int
    inbound_waiting: int
    # Parcels on a later day's unstarted plan, which this plan may take: parcel id to
    # (that round's id, its day). Only those it takes leave their round (store_rounds).
    movable: dict[int, tuple[int, date]]
    first_round: int  # the number n of the first new round R-{yyyymmdd}-{n}
    van_codes: dict[int, str]  # every van of the hub by id

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
    roads: str | None = None,
) -> PlanningDay:
    hub = current_hub(session)
    tz = zone(hub.timezone)
    service_date = parse_day(day, tz)
    if isinstance(vans, str):
        vans = [vans]  # split in _vans, which reads the codes as typed

    say(_("Reading the parcels waiting on {date}").format(date=service_date))
    now_s = _now_s(service_date, tz)
    old_rounds, kept_rounds = _rounds_of_day(session, service_date)
    fleet = _vans(session, hub, vans)
    latest_return = _latest_return_s(session, hub, fleet)
    _refuse_a_day_gone(service_date, local_today(tz), fleet, latest_return, now_s)
    day_end = day_bounds_utc(service_date, tz)[1]
    waiting = _waiting(session, service_date, local_today(tz), day_end)
    work, stations = waiting.work, waiting.stations
    with_work = sorted((stations[sid] for sid in work), key=lambda s: s.code)

    say(_("Distances between the hub and {n} stations").format(n=len(with_work)))
    metres, seconds, distances = _matrices(
        session, hub, with_work, stations.values(), matrix, roads=roads, day=service_date
    )
    free_from = _free_from(fleet, kept_rounds, service_date, tz, now_s)
    if now_s is not None:
        _refuse_no_trip_left(fleet, latest_return, with_work, seconds, now_s)
    return PlanningDay(
        hub=hub,
        tz=tz,
        service_date=service_date,
        old_rounds=old_rounds,
        kept_rounds=kept_rounds,
        fleet=fleet,
        free_from=free_from,
        rounds_made={v.code: sum(r.vehicle_id == v.id for r in kept_rounds) for v in fleet},
        latest_return_s=latest_return,
        stations=stations,
        work=work,
        with_work=with_work,
        metres=metres,
        seconds=seconds,
        distances=distances,
        outbound_waiting=sum(len(w.outbound) for w in work.values()),
        inbound_waiting=sum(len(w.inbound) for w in work.values()),
        movable=waiting.movable,
        first_round=1 + max((_round_number(r.round_no) for r in kept_rounds), default=0),
        van_codes={v.id: v.code for v in session.exec(select(Vehicle))},
    )


def _vans(session: Session, hub: Hub, codes: Sequence[str] | None) -> list[Vehicle]:
    """The vans of the plan, their codes as a Chinese input method types them too
    (``typed_code``), split at commas (full-width too), the ideographic comma and
    spaces. None, `all` or 全部: every active van."""
    codes = [
        typed_code(code)
        for typed in codes or ()
        for code in re.split(r"[,，、\s]+", typed)
        if code.strip()
    ]
    rows = list(session.exec(select(Vehicle).where(Vehicle.hub_id == hub.id).order_by(Vehicle.id)))
    if not codes or codes in (["ALL"], ["全部"]):
        return [v for v in rows if v.active]
    by_code = {v.code.upper(): v for v in rows}
    chosen = []
    for code in codes:
        van = by_code.get(code)
        if van is None:
            raise NotFound(
                _("There is no van with code '{code}': `hub vehicle list` shows them.").format(
                    code=code
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


def _rounds_of_day(session: Session, day: date) -> tuple[list[Round], list[Round]]:
    """The day's rounds: those a new plan replaces (planned) and those that stay
    (started or finished)."""
    rounds = list(session.exec(select(Round).where(Round.service_date == day).order_by(Round.id)))
    replaced = [r for r in rounds if round_status.allows(r.status, RoundAction.REPLAN)]
    kept = [r for r in rounds if not round_status.allows(r.status, RoundAction.REPLAN)]
    return replaced, kept


def due_back_s(van: Vehicle, latest_return_s: int) -> int:
    """When ``van`` must be back at the hub, in seconds of day: by the hub's return (the
    couriers' cut-off) and by the end of its shift, whichever comes first."""
    return min(latest_return_s, seconds_of_day(van.shift_end))


def _refuse_a_day_gone(
    day: date, today: date, fleet: Sequence[Vehicle], latest_return_s: int, now_s: int | None
) -> None:
    """A past day, or today once no van can leave and be back in time, has no rounds
    left to plan: say so before anything of the day's plan is touched."""
    if day < today:
        raise InvalidInput(
            _(
                "{date} is past: rounds are planned for today or a later day "
                "(`hub plan` plans today, `hub plan --date tomorrow` tomorrow)."
            ).format(date=day)
        )
    if now_s is None or not fleet:
        return
    back_by = max(due_back_s(v, latest_return_s) for v in fleet)
    if now_s >= back_by:
        raise InvalidInput(
            _(
                "It is already {now}: no van can leave today and be back by {time}; plan "
                "tomorrow's rounds with `hub plan --date tomorrow`."
            ).format(now=clock(now_s), time=clock(back_by))
        )


def _refuse_no_trip_left(
    fleet: Sequence[Vehicle],
    latest_return_s: int,
    with_work: Sequence[Station],
    seconds: np.ndarray,
    now_s: int,
) -> None:
    """Refuse a plan of today when the hour leaves no van the time to drive to any
    station with work, stop there and be back by its return: such a plan would only
    replace the day's unstarted rounds with none (found at 15:25, a 15:30 return). Vans
    out on started rounds are not this: the plan says they are not back in time."""
    if not with_work or not fleet:
        return
    shortest = min(
        int(seconds[0, k + 1] + seconds[k + 1, 0]) + station.service_minutes * 60
        for k, station in enumerate(with_work)
    )
    ends = {v.code: due_back_s(v, latest_return_s) for v in fleet}
    if any(max(seconds_of_day(v.shift_start), now_s) + shortest <= ends[v.code] for v in fleet):
        return
    raise InvalidInput(
        _(
            "It is already {now}: no van can drive to a station with parcels and be back "
            "by {time}; the plan of today stays as it is; plan tomorrow's rounds with "
            "`hub plan --date tomorrow`."
        ).format(now=clock(now_s), time=clock(max(ends.values())))
    )


def _now_s(day: date, tz: ZoneInfo) -> int | None:
    """Now in seconds of ``day`` when ``day`` is the hub's today, else None."""
    now = to_local(utcnow(), tz).replace(tzinfo=None)
    if now.date() != day:
        return None
    return int((now - datetime.combine(day, time.min)).total_seconds())


def _free_from(
    fleet: Sequence[Vehicle], kept: Sequence[Round], day: date, tz: ZoneInfo, now_s: int | None
) -> dict[str, int]:
    """Each van's first moment free for a new round of the day, in seconds of day; a plan
    of today made after a van's shift start leaves from now, not earlier that morning."""
    midnight = datetime.combine(day, time.min)
    back: dict[int, list[int]] = {}
    for r in kept:
        moment = round_status.van_back(r.status, r.planned_end, r.finished_at)
        if moment is not None:
            local = to_local(moment, tz).replace(tzinfo=None)
            back.setdefault(r.vehicle_id, []).append(int((local - midnight).total_seconds()))
    return {
        v.code: waves.free_from_s(seconds_of_day(v.shift_start), back.get(v.id, ()), now_s or 0)
        for v in fleet
    }


def _round_number(round_no: str) -> int:
    tail = round_no.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


@dataclass
class _Waiting:
    work: dict[int, StationWork]
    stations: dict[int, Station]
    movable: dict[int, tuple[int, date]]


def _waiting(session: Session, day: date, today: date, day_end_utc) -> _Waiting:
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
    movable: dict[int, tuple[int, date]] = {}
    for pid, no, sid, direction, grams, reg_at, reg_on, round_id in session.exec(query):
        if round_id is not None and round_id in rounds:
            status, round_day = rounds[round_id]
            claim = round_status.claim_on(status, round_day, day, today)
            if claim is Claim.KEEP:
                continue
            if claim is Claim.MOVE:
                movable[pid] = (round_id, round_day)
        inbound = direction == Direction.INBOUND
        parcel = WaitingParcel(pid, no, sid, inbound, max(0, grams or 0), reg_at, reg_on)
        work.setdefault(sid, StationWork(sid, stations[sid].code)).add(parcel)
    for slot in work.values():
        slot.sort()
    return _Waiting(work, stations, movable)


def _matrices(
    session: Session,
    hub: Hub,
    stations: Sequence[Station],
    every: Iterable[Station],
    matrix: str | Path | None,
    *,
    roads: str | None = None,
    day: date | None = None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Metres and seconds between the hub (index 0) and ``stations``, and what they are:
    a road table (``matrix``: measured km, first), else the road server ``roads``, else
    the road factors learned from the driven rounds, else the hub's one road factor.
    A road server that gives no table is named, and the next of these is used."""
    if hub.van_speed_kmh is None or hub.van_speed_kmh <= 0:
        raise InvalidInput(
            _("Hub {hub} has van speed {speed} km/h: expected a positive number.").format(
                hub=hub.code, speed=hub.van_speed_kmh
            )
        )
    if matrix is not None:
        codes = [hub.code] + [s.code for s in stations]
        known = [s.code for s in every if s.hub_id == hub.id]
        metres, seconds = read_matrix(matrix, codes, hub.van_speed_kmh, known)
        return metres, seconds, _("road table {file}").format(file=Path(matrix).name)
    problem = None
    if roads is not None:
        try:
            served = server_matrix(session, hub, stations, roads)
        except RoadServerError as error:
            problem = str(error)
        else:
            if served.cached:
                how = _("road server {source}, its answer of {date} kept in the database")
            else:
                how = _("road server {source}, asked at {date}")
            when = f"{served.fetched_at:%Y-%m-%d %H:%M}"
            return served.metres, served.seconds, how.format(source=served.source, date=when)
    metres, seconds, how = _estimated(session, hub, stations, day)
    if problem is not None:
        how = _("{problem}, so instead {distances}").format(problem=problem, distances=how)
    return metres, seconds, how


def _estimated(
    session: Session, hub: Hub, stations: Sequence[Station], day: date | None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Great-circle distances times each station's learned road factor (a leg's factor
    the mean of its ends'), or times the hub's factor when no round taught any."""
    factor = hub.road_factor or geo.DEFAULT_ROAD_FACTOR
    learned = learned_roads(session, hub, until=day)
    taught = [s for s in stations if learned.rounds_of(s.id) > 0]
    lats = [hub.lat] + [s.lat for s in stations]
    lons = [hub.lon] + [s.lon for s in stations]
    try:
        if taught:
            factors = [learned.factors.hub] + [learned.factor_of(s.id) for s in stations]
            straight = road_factors.straight_km(lats, lons)
            metres = np.rint(road_factors.road_km(straight, factors) * 1000).astype(np.int64)
        else:
            metres = geo.distance_matrix_m(lats, lons, road_factor=factor)
        seconds = geo.travel_time_matrix_s(metres, hub.van_speed_kmh)
    except ValueError as error:
        raise InvalidInput(
            _("Cannot compute distances for hub {hub}: {error}.").format(hub=hub.code, error=error)
        ) from None
    if not taught:
        return (
            metres,
            seconds,
            _("great-circle x {factor} road factor at {speed} km/h").format(
                factor=f"{factor:g}", speed=f"{hub.van_speed_kmh:g}"
            ),
        )
    how = _("learned from {rounds} for {stations}").format(
        rounds=ngettext(
            "{n} driven round", "{n} driven rounds", learned.factors.rounds_used
        ).format(n=f"{learned.factors.rounds_used:,}"),
        stations=ngettext("{n} station", "{n} stations", len(taught)).format(n=f"{len(taught):,}"),
    )
    untaught = len(stations) - len(taught)
    if untaught:
        how = _("{learned}; {others}").format(
            learned=how,
            others=ngettext(
                "{n} station uses the hub's factor {factor}",
                "{n} stations use the hub's factor {factor}",
                untaught,
            ).format(n=f"{untaught:,}", factor=f"{factor:g}"),
        )
    return metres, seconds, how
