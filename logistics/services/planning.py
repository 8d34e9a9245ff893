"""Plan a day's collection rounds: from the waiting parcels to stored rounds and stops.

``plan_day(session, day=...)`` does the whole use case:

1. **Work.** Outbound parcels waiting at their station (``registered``) and inbound
   parcels sorted for a station (``arrived_hub``), registered before the end of the
   hub-local day, make one stop per station with work: quantities (grams, parcels) from
   the parcels themselves, ``waiting_days`` from the oldest of them, the station's
   opening hours, its service minutes plus ``SERVICE_PER_PARCEL_S`` per parcel. Parcels
   already on a started round are on a van's way and left alone; parcels of a finished
   round that were not collected (missing) wait again.
2. **Vans and return.** Active vans (or those named) with their shifts; the latest
   return is the earliest active courier cut-off minus the hub's sorting minutes.
3. **Distances.** Great-circle distance times the hub's road factor (vectorised,
   ``logistics.domain.geo``) and the hub's van speed; or a road table (``matrix``: CSV
   ``from,to,km[,minutes]`` by station code, the hub by its code; a pair given one way
   serves both ways).
4. **Solve in waves.** The pure planner (``logistics.domain.routing``) gives each van
   one round. A township fleet carries more than one van-load a day, so a van that is
   back early is loaded again: after the first wave, what is left is planned again for
   the vans from their return plus ``RELOAD_MINUTES``, up to ``MAX_WAVES`` waves. The
   search time (``time_limit``, ``DAY_TIME_LIMIT_S`` by default) is the budget of the whole
   day, shared out over the waves.
5. **Parcels to visits.** Each visit gets whole parcels, oldest first; a station split
   over several visits fills them in order. If whole parcels make a split visit heavier
   than its planned share and the van would go over its kg capacity, the heaviest are
   left for the next wave (or carried over).
6. **Store.** Rounds ``R-{yyyymmdd}-{n}`` (n in order of departure) and their stops, each
   parcel's ``round_id``. An unstarted plan of the day is replaced; once a round of the
   day has started the plan is refused.

The answer is a :class:`PlanSummary`: the rounds in order, what is carried over and why.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from logistics.domain import geo
from logistics.domain.clock import parse_day, to_local, to_utc, zone
from logistics.domain.routing import (
    DEFAULT_SETTINGS,
    Depot,
    RoutingPlan,
    RoutingProblem,
    SearchSettings,
    Stop,
    Van,
    clock,
    solve,
)
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.models import Courier, Hub, Parcel, Round, RoundStop, Station, Vehicle
from logistics.services.network import current_hub

SERVICE_PER_PARCEL_S = 8
"""Seconds at a station for each parcel picked up or dropped (scan and hand over)."""

RELOAD_MINUTES = 20
"""Minutes a van spends at the hub between two rounds (unload, load the next drops)."""

MAX_WAVES = 4
"""At most this many rounds per van a day."""

DAY_TIME_LIMIT_S = 0.6
"""Default search time of the whole day, shared over the waves (``--time-limit``)."""

WAVE_SHARES = (0.45, 0.25, 0.17, 0.13)
"""Share of the day's search time given to each wave. The first wave is the big one and
runs the full portfolio (one strategy per core); later waves plan what is left, a few
stations, with the first strategy in this process (no worker start-up)."""

MIN_WAVE_S = 0.2
"""No wave searches for less than this, unless it has only a few stations (below)."""

SECONDS_PER_STATION = 0.02
"""A wave of a few stations (a van back early fetching three late ones) is solved to the
optimum long before its share of the time: it searches this much per station, at least
``SMALL_WAVE_S``."""
SMALL_WAVE_S = 0.05

CAPACITY_TRIM_REASON = "whole parcels would put the van over its kg capacity on a split visit"

ProgressCallback = Callable[[str], None]

_PARCELS = Parcel.__table__


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class PlannedStop:
    seq: int
    station: str
    station_name: str
    arrive: datetime  # local: service starts
    depart: datetime  # local
    km_from_previous: Decimal
    pickup_parcels: int
    pickup_g: int
    drop_parcels: int
    drop_g: int
    part: int = 1
    parts: int = 1


@dataclass(frozen=True)
class PlannedRound:
    round_no: str
    van: str
    wave: int
    start: datetime  # local departure from the hub
    end: datetime  # local return to the hub
    km: Decimal
    hours: Decimal
    stops: tuple[PlannedStop, ...]
    return_km: Decimal

    @property
    def pickup_parcels(self) -> int:
        return sum(s.pickup_parcels for s in self.stops)

    @property
    def pickup_g(self) -> int:
        return sum(s.pickup_g for s in self.stops)

    @property
    def drop_parcels(self) -> int:
        return sum(s.drop_parcels for s in self.stops)

    @property
    def drop_g(self) -> int:
        return sum(s.drop_g for s in self.stops)


@dataclass(frozen=True)
class CarriedOver:
    """Work left at (or for) a station for another day, and why."""

    station: str
    station_name: str
    outbound_parcels: int
    outbound_g: int
    inbound_parcels: int
    inbound_g: int
    waiting_days: int
    reason: str
    parcel_nos: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanSummary:
    service_date: date
    rounds: tuple[PlannedRound, ...]
    carried_over: tuple[CarriedOver, ...]
    outbound_waiting: int
    inbound_waiting: int
    outbound_served: int
    inbound_served: int
    stations_with_work: int
    latest_return: str  # HH:MM local
    distances: str
    waves: int
    solve_seconds: float
    replaced_rounds: int
    notes: tuple[str, ...] = ()

    @property
    def km(self) -> Decimal:
        return sum((r.km for r in self.rounds), Decimal(0))

    @property
    def hours(self) -> Decimal:
        return sum((r.hours for r in self.rounds), Decimal(0))

    @property
    def vans_used(self) -> int:
        return len({r.van for r in self.rounds})

    @property
    def parcels_served(self) -> int:
        return self.outbound_served + self.inbound_served

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item, planned in zip(data["rounds"], self.rounds, strict=True):
            item.update(
                pickup_parcels=planned.pickup_parcels,
                pickup_g=planned.pickup_g,
                drop_parcels=planned.drop_parcels,
                drop_g=planned.drop_g,
            )
        data.update(
            km=self.km,
            hours=self.hours,
            vans_used=self.vans_used,
            parcels_served=self.parcels_served,
        )
        return data


# ---------------------------------------------------------------- loading the day


@dataclass
class _Item:
    """One waiting parcel, as the planner needs it."""

    id: int
    parcel_no: str
    station_id: int
    inbound: bool
    weight_g: int
    registered_at: datetime
    registered_on: date


@dataclass
class _Work:
    station: Station
    outbound: list[_Item] = field(default_factory=list)
    inbound: list[_Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.outbound and not self.inbound


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


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
                f"There is no van with code '{code.strip()}': `hub vehicle list` shows them."
            )
        if not van.active:
            raise RuleBroken(f"Van {van.code} is not active: make it active or leave it out.")
        if van not in chosen:
            chosen.append(van)
    return chosen


def _latest_return_s(session: Session, hub: Hub, vans: Sequence[Vehicle]) -> int:
    cutoffs = [c.cutoff for c in session.exec(select(Courier).where(Courier.active.is_(True)))]
    if cutoffs:
        return max(0, _seconds(min(cutoffs)) - hub.sort_minutes * 60)
    return max((_seconds(v.shift_end) for v in vans), default=24 * 3600)


def _refuse_started(session: Session, day: date) -> list[Round]:
    rounds = list(session.exec(select(Round).where(Round.service_date == day).order_by(Round.id)))
    for r in rounds:
        if r.status != "planned":
            van = session.get(Vehicle, r.vehicle_id)
            raise RuleBroken(
                f"Round {r.round_no} of {day} has {r.status} ({van.code if van else 'van ?'}): "
                "the day's plan can no longer be replaced."
            )
    return rounds


def _waiting(
    session: Session, day: date, day_end_utc: datetime, replaced: set[int]
) -> tuple[dict[int, _Work], dict[int, Station]]:
    stations = {s.id: s for s in session.exec(select(Station))}
    rounds = {
        r.id: (r.status, r.service_date)
        for r in session.exec(select(Round).where(Round.status != "finished"))
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
        ((Parcel.direction == "outbound") & (Parcel.status == "registered"))
        | ((Parcel.direction == "inbound") & (Parcel.status == "arrived_hub")),
        Parcel.registered_at < day_end_utc,
    )
    work: dict[int, _Work] = {}
    for pid, no, sid, direction, grams, reg_at, reg_on, round_id in session.exec(query):
        if round_id is not None and round_id not in replaced and round_id in rounds:
            status, service_date = rounds[round_id]
            # On a van's way now, or already planned for a later day: not ours to plan.
            if status == "started" or service_date > day:
                continue
        item = _Item(pid, no, sid, direction == "inbound", max(0, grams or 0), reg_at, reg_on)
        slot = work.setdefault(sid, _Work(stations[sid]))
        (slot.inbound if item.inbound else slot.outbound).append(item)
    for slot in work.values():
        slot.outbound.sort(key=lambda p: (p.registered_at, p.id))
        slot.inbound.sort(key=lambda p: (p.registered_at, p.id))
    return work, stations


# ---------------------------------------------------------------- distances


def read_matrix(
    path: str | Path,
    codes: Sequence[str],
    speed_kmh: float,
    known: Iterable[str] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Metre and second matrices over ``codes`` from a road table CSV.

    Rows ``from,to,km[,minutes]`` (a header row is allowed); a pair given one way is used
    both ways; minutes default to the km at the van speed. Codes in ``known`` (the
    hub's other stations) may appear without being needed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"The matrix file {path} does not exist: expected a CSV file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"The matrix file {path} cannot be read as UTF-8 text: {error}."
        ) from None
    index = {code.upper(): i for i, code in enumerate(codes)}
    known = set(index) | {code.upper() for code in known}
    km: dict[tuple[str, str], float] = {}
    minutes: dict[tuple[str, str], float] = {}
    for line_no, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not cells or all(not c for c in cells) or cells[0].startswith("#"):
            continue
        if line_no == 1 and cells[0].lower() in ("from", "from_code", "origin", "起点"):
            continue
        if len(cells) < 3:
            raise InvalidInput(
                f"{path.name} line {line_no} has {len(cells)} cells: expected from,to,km[,minutes]."
            )
        a, b = cells[0].upper(), cells[1].upper()
        for code in (a, b):
            if code not in known:
                raise InvalidInput(
                    f"{path.name} line {line_no}: '{code}' is neither the hub's code nor a "
                    "station code."
                )
        try:
            dist = float(cells[2])
            mins = float(cells[3]) if len(cells) > 3 and cells[3] else None
        except ValueError:
            raise InvalidInput(
                f"{path.name} line {line_no}: km and minutes must be numbers, got "
                f"{', '.join(cells[2:4])}."
            ) from None
        if (
            not math.isfinite(dist)
            or dist < 0
            or (mins is not None and (mins < 0 or not math.isfinite(mins)))
        ):
            raise InvalidInput(f"{path.name} line {line_no}: km and minutes must be 0 or more.")
        km[(a, b)] = dist
        if mins is not None:
            minutes[(a, b)] = mins
    n = len(codes)
    metres = np.zeros((n, n), dtype=np.int64)
    seconds = np.zeros((n, n), dtype=np.int64)
    upper = [c.upper() for c in codes]
    for i, a in enumerate(upper):
        for j, b in enumerate(upper):
            if i == j:
                continue
            pair = (a, b) if (a, b) in km else (b, a) if (b, a) in km else None
            if pair is None:
                raise InvalidInput(
                    f"{path.name} has no distance from {codes[i]} to {codes[j]}: every pair of "
                    "the hub and today's stations needs a from,to,km row."
                )
            metres[i, j] = round(km[pair] * 1000)
            if pair in minutes:
                seconds[i, j] = math.ceil(minutes[pair] * 60)
            else:
                seconds[i, j] = math.ceil(km[pair] * 3600 / speed_kmh)
    return metres, seconds


def _matrices(
    session: Session, hub: Hub, stations: Sequence[Station], matrix: str | Path | None
) -> tuple[np.ndarray, np.ndarray, str]:
    if hub.van_speed_kmh is None or hub.van_speed_kmh <= 0:
        raise InvalidInput(
            f"Hub {hub.code} has van speed {hub.van_speed_kmh} km/h: expected a positive number."
        )
    if matrix is not None:
        codes = [hub.code] + [s.code for s in stations]
        every = [s.code for s in session.exec(select(Station))]
        metres, seconds = read_matrix(matrix, codes, hub.van_speed_kmh, every)
        return metres, seconds, f"road table {Path(matrix).name}"
    lats = [hub.lat] + [s.lat for s in stations]
    lons = [hub.lon] + [s.lon for s in stations]
    factor = hub.road_factor or geo.DEFAULT_ROAD_FACTOR
    try:
        metres = geo.distance_matrix_m(lats, lons, road_factor=factor)
        seconds = geo.travel_time_matrix_s(metres, hub.van_speed_kmh)
    except ValueError as error:
        raise InvalidInput(f"Cannot compute distances for hub {hub.code}: {error}.") from None
    return metres, seconds, f"great-circle x {factor:g} road factor at {hub.van_speed_kmh:g} km/h"


# ---------------------------------------------------------------- the plan itself


def _waiting_days(day: date, items: Iterable[_Item]) -> int:
    oldest = min((p.registered_on for p in items), default=day)
    return max(0, (day - oldest).days)


def _stop(day: date, slot: _Work) -> Stop:
    s = slot.station
    return Stop(
        key=s.code,
        pickup_g=sum(p.weight_g for p in slot.outbound),
        pickup_parcels=len(slot.outbound),
        delivery_g=sum(p.weight_g for p in slot.inbound),
        delivery_parcels=len(slot.inbound),
        opens_s=_seconds(s.opens),
        closes_s=_seconds(s.closes),
        service_s=max(0, s.service_minutes or 0) * 60,
        service_per_parcel_s=SERVICE_PER_PARCEL_S,
        waiting_days=_waiting_days(day, slot.outbound + slot.inbound),
    )


@dataclass
class _VisitLoad:
    """A visit of a solved round with the parcels it really carries."""

    station_id: int
    visit: Any  # routing.Visit
    pickups: list[_Item]
    drops: list[_Item]


@dataclass
class _RoundDraft:
    van: Vehicle
    wave: int
    departure_s: int
    return_s: int
    metres: int
    visits: list[_VisitLoad]

    def loads(self) -> list[int]:
        """Grams on board leaving the hub, then after each visit."""
        load = sum(p.weight_g for v in self.visits for p in v.drops)
        out = [load]
        for v in self.visits:
            load += sum(p.weight_g for p in v.pickups) - sum(p.weight_g for p in v.drops)
            out.append(load)
        return out


def _fill(plan: RoutingPlan, work: dict[int, _Work], code_to_id: dict[str, int]):
    """Whole parcels to the plan's visits, oldest first, split visits in part order."""
    per_station: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    for r_i, rnd in enumerate(plan.rounds):
        for v_i, visit in enumerate(rnd.visits):
            per_station[code_to_id[visit.key]].append((r_i, v_i, visit))
    filled: dict[tuple[int, int], _VisitLoad] = {}
    for sid, visits in per_station.items():
        slot = work[sid]
        out_i = in_i = 0
        for r_i, v_i, visit in sorted(visits, key=lambda t: (t[2].part, t[0])):
            pickups = slot.outbound[out_i : out_i + visit.pickup_parcels]
            drops = slot.inbound[in_i : in_i + visit.delivery_parcels]
            out_i += len(pickups)
            in_i += len(drops)
            filled[(r_i, v_i)] = _VisitLoad(sid, visit, pickups, drops)
    return filled


def _trim(draft: _RoundDraft) -> list[_Item]:
    """Take the heaviest parcels off split visits until the van is within its kg capacity."""
    removed: list[_Item] = []
    cap = draft.van.capacity_g
    while True:
        loads = draft.loads()
        over = next((k for k, load in enumerate(loads) if load > cap), None)
        if over is None:
            return removed
        if over == 0:
            pool = [(p, v.drops) for v in draft.visits if v.visit.parts > 1 for p in v.drops]
        else:
            pool = [
                (p, v.pickups) for v in draft.visits[:over] if v.visit.parts > 1 for p in v.pickups
            ]
            if not pool:  # a delivery later on is what keeps the load high
                pool = [
                    (p, v.drops) for v in draft.visits[over:] if v.visit.parts > 1 for p in v.drops
                ]
        if not pool:
            return removed  # nothing split to trim: the plan's own loads are within capacity
        parcel, source = max(pool, key=lambda t: t[0].weight_g)
        source.remove(parcel)
        removed.append(parcel)


def _wave_settings(settings: SearchSettings, total: float) -> list[SearchSettings]:
    out = []
    for wave, share in enumerate(WAVE_SHARES[:MAX_WAVES], start=1):
        wave_settings = settings.with_time_limit(max(MIN_WAVE_S, total * share))
        if wave > 1:
            wave_settings = replace(wave_settings, workers=1)
        out.append(wave_settings)
    return out


def _to_utc(day: date, seconds: int, tz) -> datetime:
    return to_utc(datetime.combine(day, time.min) + timedelta(seconds=int(seconds)), tz)


def plan_day(
    session: Session,
    day: str | date | None = None,
    *,
    time_limit: float | None = None,
    vans: Sequence[str] | str | None = None,
    matrix: str | Path | None = None,
    progress: ProgressCallback | None = None,
    settings: SearchSettings | None = None,
) -> PlanSummary:
    """Plan the hub-local ``day``'s rounds, store them, and say what they do.

    ``time_limit`` is the search time of the whole day in seconds (shared over the
    waves; ``DAY_TIME_LIMIT_S`` by default); ``settings`` the planner's other search
    settings; ``vans`` limits the plan to these van codes (a list or ``"VAN1,VAN2"``);
    ``matrix`` is a road table CSV. Refused (RuleBroken) when a round of the day started.
    """
    say = progress or (lambda _message: None)
    hub = current_hub(session)
    tz = zone(hub.timezone)
    service_date = day if isinstance(day, date) else parse_day(day, tz)
    settings = settings or DEFAULT_SETTINGS
    total = DAY_TIME_LIMIT_S
    if time_limit is not None:
        if (
            not (isinstance(time_limit, int | float) and math.isfinite(time_limit))
            or time_limit <= 0
        ):
            raise InvalidInput(
                f"The time limit must be a positive number of seconds, got {time_limit}."
            )
        total = float(time_limit)
    if isinstance(vans, str):
        vans = [code for code in vans.split(",") if code.strip()]

    say(f"Reading the parcels waiting on {service_date}")
    old_rounds = _refuse_started(session, service_date)
    replaced = {r.id for r in old_rounds}
    fleet = _vans(session, hub, vans)
    latest_return = _latest_return_s(session, hub, fleet)
    day_end = _to_utc(service_date, 24 * 3600, tz)
    work, stations = _waiting(session, service_date, day_end, replaced)
    with_work = sorted((w.station for w in work.values()), key=lambda s: s.code)
    outbound_waiting = sum(len(w.outbound) for w in work.values())
    inbound_waiting = sum(len(w.inbound) for w in work.values())

    say(f"Distances between the hub and {len(with_work)} stations")
    metres, seconds, distances = _matrices(session, hub, with_work, matrix)
    node_of = {s.id: k + 1 for k, s in enumerate(with_work)}
    code_to_id = {s.code: s.id for s in with_work}

    free_from = {v.code: _seconds(v.shift_start) for v in fleet}
    drafts: list[_RoundDraft] = []
    reasons: dict[int, str] = {}
    notes: list[str] = []
    solve_seconds = 0.0
    waves = 0
    for wave, wave_settings in enumerate(_wave_settings(settings, total), start=1):
        todo = [w for w in work.values() if not w.empty]
        if not todo:
            break
        usable = [v for v in fleet if free_from[v.code] < min(latest_return, _seconds(v.shift_end))]
        if not usable:
            if wave == 1:
                for slot in todo:
                    reasons[slot.station.id] = "no van is available for the day"
            else:
                for slot in todo:
                    reasons.setdefault(
                        slot.station.id,
                        f"no van is back at the hub in time for another round before the "
                        f"{clock(latest_return)} return",
                    )
            break
        todo.sort(key=lambda w: w.station.code)
        idx = [0] + [node_of[w.station.id] for w in todo]
        problem = RoutingProblem(
            depot=Depot(key=hub.code, opens_s=0, latest_return_s=latest_return),
            stops=[_stop(service_date, w) for w in todo],
            vans=[
                Van(
                    key=v.code,
                    capacity_g=v.capacity_g,
                    capacity_parcels=v.capacity_parcels,
                    shift_start_s=free_from[v.code],
                    shift_end_s=_seconds(v.shift_end),
                    cost_per_km_fen=v.cost_per_km_fen,
                    fixed_cost_fen=v.fixed_cost_fen,
                )
                for v in usable
            ],
            distance_m=metres[np.ix_(idx, idx)],
            travel_s=seconds[np.ix_(idx, idx)],
            name=f"{hub.code} {service_date} wave {wave}",
        )
        parcels_todo = sum(len(w.outbound) + len(w.inbound) for w in todo)
        what = "Planning" if wave == 1 else f"Planning round {wave} of the vans back early for"
        say(f"{what} {len(todo)} stations, {parcels_todo} parcels, {len(usable)} vans")
        limit = min(wave_settings.time_limit_s, max(SMALL_WAVE_S, SECONDS_PER_STATION * len(todo)))
        plan = solve(problem, wave_settings.with_time_limit(limit))
        waves = wave
        solve_seconds += plan.solve_seconds
        notes.extend(n for n in plan.notes if n not in notes)
        for item in plan.unserved:
            reasons[code_to_id[item.key]] = item.reason
        if not plan.rounds:
            break
        filled = _fill(plan, work, code_to_id)
        by_code = {v.code: v for v in usable}
        moved = 0
        for r_i, rnd in enumerate(plan.rounds):
            draft = _RoundDraft(
                van=by_code[rnd.van],
                wave=wave,
                departure_s=rnd.departure_s,
                return_s=rnd.return_s,
                metres=rnd.metres,
                visits=[filled[(r_i, v_i)] for v_i in range(len(rnd.visits))],
            )
            for parcel in _trim(draft):
                reasons[parcel.station_id] = CAPACITY_TRIM_REASON
            for v in draft.visits:
                slot = work[v.station_id]
                taken_out = {p.id for p in v.pickups}
                taken_in = {p.id for p in v.drops}
                slot.outbound = [p for p in slot.outbound if p.id not in taken_out]
                slot.inbound = [p for p in slot.inbound if p.id not in taken_in]
                moved += len(taken_out) + len(taken_in)
            drafts.append(draft)
            free_from[rnd.van] = rnd.return_s + RELOAD_MINUTES * 60
        if not moved:
            break

    say("Storing the rounds")
    summary_rounds = _store(session, hub, tz, service_date, old_rounds, drafts, stations, node_of)
    carried = []
    for sid, slot in sorted(work.items(), key=lambda kv: kv[1].station.code):
        if slot.empty:
            continue
        reason = reasons.get(sid, "the planner left it for another day")
        carried.append(
            CarriedOver(
                station=slot.station.code,
                station_name=slot.station.name,
                outbound_parcels=len(slot.outbound),
                outbound_g=sum(p.weight_g for p in slot.outbound),
                inbound_parcels=len(slot.inbound),
                inbound_g=sum(p.weight_g for p in slot.inbound),
                waiting_days=_waiting_days(service_date, slot.outbound + slot.inbound),
                reason=reason,
                parcel_nos=tuple(p.parcel_no for p in slot.outbound + slot.inbound),
            )
        )
    outbound_left = sum(c.outbound_parcels for c in carried)
    inbound_left = sum(c.inbound_parcels for c in carried)
    if not fleet:
        notes.append("no active van: add or activate vans with `hub vehicle`")
    return PlanSummary(
        service_date=service_date,
        rounds=tuple(summary_rounds),
        carried_over=tuple(carried),
        outbound_waiting=outbound_waiting,
        inbound_waiting=inbound_waiting,
        outbound_served=outbound_waiting - outbound_left,
        inbound_served=inbound_waiting - inbound_left,
        stations_with_work=len(with_work),
        latest_return=clock(latest_return),
        distances=distances,
        waves=waves,
        solve_seconds=round(solve_seconds, 2),
        replaced_rounds=len(old_rounds),
        notes=tuple(notes),
    )


def _km(metres: int) -> Decimal:
    return (Decimal(int(metres)) / 1000).quantize(Decimal("0.1"))


def _store(
    session: Session,
    hub: Hub,
    tz,
    day: date,
    old_rounds: list[Round],
    drafts: list[_RoundDraft],
    stations: dict[int, Station],
    node_of: dict[int, int],
) -> list[PlannedRound]:
    """Replace the day's unstarted plan by the drafts; commit once."""
    old_ids = [r.id for r in old_rounds]
    if old_ids:
        session.connection().execute(
            update(_PARCELS).where(_PARCELS.c.round_id.in_(old_ids)).values(round_id=None)
        )
        session.exec(delete(RoundStop).where(RoundStop.round_id.in_(old_ids)))  # type: ignore[attr-defined]
        session.exec(delete(Round).where(Round.id.in_(old_ids)))  # type: ignore[attr-defined]
        session.flush()
    drafts = sorted(drafts, key=lambda d: (d.wave, d.departure_s, d.van.code))
    planned = []
    assignments: list[dict[str, int]] = []
    for n, draft in enumerate(drafts, start=1):
        number = f"R-{day:%Y%m%d}-{n}"
        row = Round(
            round_no=number,
            service_date=day,
            vehicle_id=draft.van.id,
            status="planned",
            planned_start=_to_utc(day, draft.departure_s, tz),
            planned_end=_to_utc(day, draft.return_s, tz),
            planned_m=draft.metres,
            planned_s=draft.return_s - draft.departure_s,
        )
        session.add(row)
        session.flush()
        stops = []
        ids: list[int] = []
        for seq, v in enumerate(draft.visits, start=1):
            visit = v.visit
            ids.extend(p.id for p in v.pickups)
            ids.extend(p.id for p in v.drops)
            stop = RoundStop(
                round_id=row.id,
                seq=seq,
                station_id=v.station_id,
                arrive_at=_to_utc(day, visit.service_start_s, tz),
                depart_at=_to_utc(day, visit.departure_s, tz),
                metres_from_previous=visit.metres_from_previous,
                pickup_parcels=len(v.pickups),
                pickup_g=sum(p.weight_g for p in v.pickups),
                drop_parcels=len(v.drops),
                drop_g=sum(p.weight_g for p in v.drops),
            )
            session.add(stop)
            station = stations[v.station_id]
            stops.append(
                PlannedStop(
                    seq=seq,
                    station=station.code,
                    station_name=station.name,
                    arrive=to_local(stop.arrive_at, tz),
                    depart=to_local(stop.depart_at, tz),
                    km_from_previous=_km(visit.metres_from_previous),
                    pickup_parcels=stop.pickup_parcels,
                    pickup_g=stop.pickup_g,
                    drop_parcels=stop.drop_parcels,
                    drop_g=stop.drop_g,
                    part=visit.part,
                    parts=visit.parts,
                )
            )
        assignments.extend({"pid": pid, "rid": row.id} for pid in ids)
        back_m = draft.metres - sum(v.visit.metres_from_previous for v in draft.visits)
        planned.append(
            PlannedRound(
                round_no=number,
                van=draft.van.code,
                wave=draft.wave,
                start=to_local(row.planned_start, tz),
                end=to_local(row.planned_end, tz),
                km=_km(draft.metres),
                hours=(Decimal(row.planned_s) / 3600).quantize(Decimal("0.01")),
                stops=tuple(stops),
                return_km=_km(back_m),
            )
        )
    if assignments:
        session.flush()
        session.connection().execute(
            update(_PARCELS)
            .where(_PARCELS.c.id == bindparam("pid"))
            .values(round_id=bindparam("rid")),
            assignments,
        )
    session.commit()
    return planned


__all__ = [
    "CarriedOver",
    "PlanSummary",
    "PlannedRound",
    "PlannedStop",
    "plan_day",
    "read_matrix",
]
