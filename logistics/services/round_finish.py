"""Finishing a round: the round becomes ``finished`` and each stop is reconciled.

Pickups: *expected* are the outbound parcels of this round at that station;
*collected* are the parcels of that station with a ``collect`` event since the round
started (a scan noted for another round is not counted); *missing* = expected and not
collected, *extra* = collected but not planned on this round. Drops: each station
confirms what it received; the inbound parcels of this round for that station
scanned ``at-station`` since the round started are *delivered*, the rest are
*unconfirmed* (they stay out for delivery until the station scans them). Counts go to
the round's stops, the parcel ids to the round's reconciliation (JSON). Missing
parcels stay at their station and are planned again; an extra parcel that was on no
started round is put on this round, which carried it.

The stored reconciliation (``Round.reconciliation``, JSON), which reports count from::

    {"finished_at": "2026-11-23T11:02:00+08:00",       # hub-local
     "expected": 5, "collected": 3, "missing": 3, "extra": 1,     # pickups, totals
     "drops": 2, "delivered": 1, "unconfirmed": 1,                # drops, totals
     "stops": [{"seq": 1, "station": "GD05",
                "expected": 3, "collected": 3,
                "missing": ["P20261123-00042"],      # pickups expected, not collected
                "extra": ["P20261123-00077"],        # collected, not on this round
                "drops": 1, "delivered": 0,
                "unconfirmed": ["P20261123-00105"]}, # dropped, not scanned at-station
               ...]}

Per stop, ``missing``, ``extra`` and ``unconfirmed`` list hub parcel ids; the totals of
the same names count them over the stops (a station visited twice is reconciled at its
first stop).

The distance driven (``--km``, or the odometer read when the van left and came back)
is kept with the round (``Round.driven_m``) for the planner to learn each station's
road factor from (:mod:`logistics.services.planning.learned_roads`); a finish without
it is allowed, and :func:`record_distance` records it on the finished round later.

Rounds are named by their number (``R-20261123-1``) or their database id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from logistics.domain import road_factors, round_status
from logistics.domain.clock import to_local, utcnow, zone
from logistics.domain.parcel_status import Action, Direction
from logistics.domain.round_status import RoundAction, RoundStatus
from logistics.domain.units import km_text
from logistics.errors import InvalidInput, RuleBroken
from logistics.i18n import _
from logistics.models import Hub, Parcel, ParcelEvent, Round, Station, Vehicle
from logistics.services.network import current_hub
from logistics.services.rounds import _stops, get_round


@dataclass(frozen=True)
class StopReconciliation:
    seq: int
    station: str
    station_name: str
    expected: int
    collected: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    drops: int = 0
    delivered: int = 0
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class FinishResult:
    round_no: str
    van: str
    finished_at: datetime  # local
    stops: tuple[StopReconciliation, ...]
    planned_m: int = 0
    driven_m: int | None = None  # None: the distance driven is not recorded
    straight_m: int = 0  # the great-circle length of its route, hub to hub
    learnable: bool | None = None  # None: no distance, or no stop to learn about

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.stops)

    @property
    def collected(self) -> int:
        return sum(s.collected for s in self.stops)

    @property
    def missing(self) -> int:
        return sum(len(s.missing) for s in self.stops)

    @property
    def extra(self) -> int:
        return sum(len(s.extra) for s in self.stops)

    @property
    def drops(self) -> int:
        return sum(s.drops for s in self.stops)

    @property
    def delivered(self) -> int:
        return sum(s.delivered for s in self.stops)

    @property
    def unconfirmed(self) -> int:
        return sum(len(s.unconfirmed) for s in self.stops)


def _other_round_note(note: str | None, rnd: Round) -> bool:
    """True when a scan's note names a round that is not this one."""
    if not note or not note.lower().startswith("round "):
        return False
    named = note[6:].strip().upper()
    return named not in (rnd.round_no.upper(), str(rnd.id))


def _drops(
    session: Session, rnd: Round, station_ids: list[int], now: datetime
) -> tuple[dict[int, dict[int, str]], set[int]]:
    """The inbound parcels this round dropped, by station, and those of them their
    station confirmed (an ``at-station`` scan since the round started)."""
    drops: dict[int, dict[int, str]] = {sid: {} for sid in station_ids}
    for pid, no, sid in session.exec(
        select(Parcel.id, Parcel.parcel_no, Parcel.station_id).where(
            Parcel.round_id == rnd.id, Parcel.direction == Direction.INBOUND
        )
    ):
        drops.setdefault(sid, {})[pid] = no
    ids = [pid for by_station in drops.values() for pid in by_station]
    if not ids:
        return drops, set()
    confirmed = session.exec(
        select(ParcelEvent.parcel_id).where(
            ParcelEvent.parcel_id.in_(ids),  # type: ignore[attr-defined]
            ParcelEvent.action == Action.AT_STATION.value,
            ParcelEvent.at >= rnd.started_at,
            ParcelEvent.at <= now,
        )
    )
    return drops, set(confirmed)


def finish_round(
    session: Session,
    ref: str | int,
    *,
    operator: str,
    km: str | float | None = None,
    odometer_out: str | float | None = None,
    odometer_in: str | float | None = None,
) -> FinishResult:
    """The van is back: finish the round and reconcile what each stop handed over, and
    keep the distance it drove when given (``km``, or the odometer read out and in)."""
    del operator  # nothing changes state at finish; kept for the service's uniform call
    hub = current_hub(session)
    tz = zone(hub.timezone)
    rnd = get_round(session, ref, for_update=True)
    van = session.get(Vehicle, rnd.vehicle_id)
    told = (km, odometer_out, odometer_in) != (None, None, None)
    if told and rnd.status == RoundStatus.FINISHED and rnd.driven_m is not None:
        raise RuleBroken(
            _(
                "Round {round} is already finished with {km} km recorded: "
                "`hub round km {round} KM` corrects it."
            ).format(round=rnd.round_no, km=km_text(rnd.driven_m))
        )
    if told and rnd.status == RoundStatus.FINISHED:
        raise RuleBroken(
            _(
                "Round {round} is already finished: record the km it drove with "
                "`hub round km {round} KM` (or --odometer-out and --odometer-in)."
            ).format(round=rnd.round_no)
        )
    finished = round_status.apply(rnd.status, RoundAction.FINISH, round_no=rnd.round_no)
    driven_m = road_factors.driven_metres(
        km=km,
        odometer_out=odometer_out,
        odometer_in=odometer_in,
        planned_m=rnd.planned_m,
        round_no=rnd.round_no,
    )
    now = utcnow()
    stations = {s.id: s for s in session.exec(select(Station))}
    stops = _stops(session, rnd.id)
    station_ids = sorted({s.station_id for s in stops})
    expected: dict[int, dict[int, str]] = {sid: {} for sid in station_ids}
    for pid, no, sid in session.exec(
        select(Parcel.id, Parcel.parcel_no, Parcel.station_id).where(
            Parcel.round_id == rnd.id, Parcel.direction == Direction.OUTBOUND
        )
    ):
        expected.setdefault(sid, {})[pid] = no
    collected: dict[int, dict[int, str]] = {sid: {} for sid in station_ids}
    extra_rounds: dict[int, int | None] = {}
    if station_ids:
        query = (
            select(
                Parcel.id, Parcel.parcel_no, Parcel.station_id, Parcel.round_id, ParcelEvent.note
            )
            .join(ParcelEvent, ParcelEvent.parcel_id == Parcel.id)
            .where(
                ParcelEvent.action == Action.COLLECT.value,
                ParcelEvent.at >= rnd.started_at,
                ParcelEvent.at <= now,
                Parcel.direction == Direction.OUTBOUND,
                Parcel.station_id.in_(station_ids),  # type: ignore[attr-defined]
            )
        )
        for pid, no, sid, round_id, note in session.exec(query):
            if pid not in expected.get(sid, {}) and _other_round_note(note, rnd):
                continue
            collected[sid][pid] = no
            extra_rounds[pid] = round_id
    drops, delivered = _drops(session, rnd, station_ids, now)
    seen: set[int] = set()
    lines = []
    for stop in stops:
        sid = stop.station_id
        if sid in seen:  # a station visited twice on one round is reconciled at its first stop
            stop.collected_parcels = stop.missing_parcels = stop.extra_parcels = 0
            session.add(stop)
            continue
        seen.add(sid)
        want, got = expected.get(sid, {}), collected.get(sid, {})
        missing = sorted(no for pid, no in want.items() if pid not in got)
        extra = sorted(no for pid, no in got.items() if pid not in want)
        dropped = drops.get(sid, {})
        unconfirmed = sorted(no for pid, no in dropped.items() if pid not in delivered)
        stop.collected_parcels = len(got)
        stop.missing_parcels = len(missing)
        stop.extra_parcels = len(extra)
        session.add(stop)
        station = stations[sid]
        lines.append(
            StopReconciliation(
                seq=stop.seq,
                station=station.code,
                station_name=station.name,
                expected=len(want),
                collected=len(got),
                missing=tuple(missing),
                extra=tuple(extra),
                drops=len(dropped),
                delivered=len(dropped) - len(unconfirmed),
                unconfirmed=tuple(unconfirmed),
            )
        )
        # An extra parcel on no round (or on a round not yet driven) came on this one.
        movable = [pid for pid in got if pid not in want]
        if movable:
            started = {
                r.id
                for r in session.exec(
                    select(Round).where(Round.status != RoundStatus.PLANNED, Round.id != rnd.id)
                )
            }
            for parcel in session.exec(select(Parcel).where(Parcel.id.in_(movable))):  # type: ignore[attr-defined]
                if parcel.round_id is None or parcel.round_id not in started:
                    parcel.round_id = rnd.id
                    session.add(parcel)
    rnd.status = finished
    rnd.finished_at = now
    rnd.driven_m = driven_m
    rnd.odometer_out_km = _reading(odometer_out, "--odometer-out", rnd.round_no)
    rnd.odometer_in_km = _reading(odometer_in, "--odometer-in", rnd.round_no)
    rnd.reconciliation = json.dumps(
        {
            "finished_at": to_local(now, tz).isoformat(timespec="seconds"),
            "expected": sum(s.expected for s in lines),
            "collected": sum(s.collected for s in lines),
            "missing": sum(len(s.missing) for s in lines),
            "extra": sum(len(s.extra) for s in lines),
            "drops": sum(s.drops for s in lines),
            "delivered": sum(s.delivered for s in lines),
            "unconfirmed": sum(len(s.unconfirmed) for s in lines),
            "stops": [
                {
                    "seq": s.seq,
                    "station": s.station,
                    "expected": s.expected,
                    "collected": s.collected,
                    "missing": list(s.missing),
                    "extra": list(s.extra),
                    "drops": s.drops,
                    "delivered": s.delivered,
                    "unconfirmed": list(s.unconfirmed),
                }
                for s in lines
            ],
        },
        ensure_ascii=False,
    )
    session.add(rnd)
    session.commit()
    straight_m, learnable = _learning(session, rnd, driven_m)
    return FinishResult(
        round_no=rnd.round_no,
        van=van.code if van else "?",
        finished_at=to_local(now, tz),
        stops=tuple(lines),
        planned_m=rnd.planned_m,
        driven_m=driven_m,
        straight_m=straight_m,
        learnable=learnable,
    )


def _learning(session: Session, rnd: Round, driven_m: int | None) -> tuple[int, bool | None]:
    """The straight-line metres of the round's route and whether the road learning will
    use ``driven_m`` (None when there is nothing for it to use)."""
    stations = [session.get(Station, stop.station_id) for stop in _stops(session, rnd.id)]
    van = session.get(Vehicle, rnd.vehicle_id)
    hub = session.get(Hub, van.hub_id) if van else None
    if driven_m is None or hub is None or not stations:
        return 0, None
    line = road_factors.route_straight_km((hub.lat, hub.lon), [(s.lat, s.lon) for s in stations])
    return round(line * 1000), road_factors.learnable(driven_m / 1000, line)


@dataclass(frozen=True)
class DistanceResult:
    round_no: str
    planned_m: int
    driven_m: int
    replaced_m: int | None  # the distance recorded before, now replaced
    straight_m: int = 0  # the great-circle length of its route, hub to hub
    learnable: bool | None = None  # None: no stop to learn about


def record_distance(
    session: Session,
    ref: str | int,
    *,
    km: str | float | None = None,
    odometer_out: str | float | None = None,
    odometer_in: str | float | None = None,
) -> DistanceResult:
    """Record (or correct) the km a finished round drove: the driver handed in the
    odometer readings after the round was finished."""
    rnd = get_round(session, ref, for_update=True)
    if rnd.status != RoundStatus.FINISHED:
        raise RuleBroken(
            _(
                "Round {round} is {status}, not finished: its km are recorded as it "
                "finishes (`hub round finish {round} --km KM`)."
            ).format(round=rnd.round_no, status=RoundStatus.label_of(rnd.status))
        )
    driven_m = road_factors.driven_metres(
        km=km,
        odometer_out=odometer_out,
        odometer_in=odometer_in,
        planned_m=rnd.planned_m,
        round_no=rnd.round_no,
        km_name="KM",  # `hub round km ROUND KM` takes the km as its argument
    )
    if driven_m is None:
        raise InvalidInput(
            _(
                "Round {round}: give the km it drove (e.g. `hub round km {round} 48.5`) or "
                "the odometer readings (--odometer-out and --odometer-in)."
            ).format(round=rnd.round_no)
        )
    replaced = rnd.driven_m
    rnd.driven_m = driven_m
    rnd.odometer_out_km = _reading(odometer_out, "--odometer-out", rnd.round_no)
    rnd.odometer_in_km = _reading(odometer_in, "--odometer-in", rnd.round_no)
    session.add(rnd)
    session.commit()
    straight_m, learnable = _learning(session, rnd, driven_m)
    return DistanceResult(rnd.round_no, rnd.planned_m, driven_m, replaced, straight_m, learnable)


def _reading(typed: str | float | None, name: str, round_no: str) -> float | None:
    """An odometer reading as stored (checked by ``driven_metres`` before)."""
    return road_factors.read_km(typed, name=name, round_no=round_no)
