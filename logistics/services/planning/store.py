"""Storing a day's plan: rounds ``R-{yyyymmdd}-{n}`` (n in order of departure, after the
numbers of the day's started rounds, which stay), their stops, and each parcel's round.
A station visited more than once that day is numbered 1/n ... n/n in time order over
all the day's rounds, the kept ones included (``round_loads.visit_marks``).
An unstarted plan of the day is replaced, in one commit. Parcels taken off a later
day's unstarted plan leave its stops' counts too (that plan says so until it is made
again)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session, select

from logistics.domain.clock import to_local, to_utc
from logistics.domain.parcel_status import Direction
from logistics.domain.road_time import hours
from logistics.domain.round_loads import RoundLoad, VisitLoad, visit_marks, weight_g
from logistics.domain.round_status import RoundStatus
from logistics.domain.units import km
from logistics.models import Parcel, Round, RoundStop
from logistics.services.planning.summary import PlannedRound, PlannedStop
from logistics.services.planning.tables import PlanningDay

_PARCELS = Parcel.__table__
_ROUNDS = Round.__table__
_STOPS = RoundStop.__table__


def store_rounds(
    session: Session, day: PlanningDay, loads: list[RoundLoad]
) -> tuple[list[PlannedRound], dict[date, int]]:
    """Replace the day's unstarted plan by ``loads``; commit once. Returns the rounds
    and how many parcels they took off a later day's plan, by that day.

    Rounds, stops and parcels' rounds are written with one Core statement each (the
    rounds' ids come back by RETURNING, in the order sent): a peak day's thirty rounds
    and thousands of parcels cost three round trips to the database, not one per row.
    Core statements are outside the session's hub scope, so each row names its hub."""
    _drop_old_plan(session, [r.id for r in day.old_rounds])
    van_ids = {v.code: v.id for v in day.fleet}
    hub_id = day.hub.id
    ordered = sorted(loads, key=lambda d: (d.wave, d.departure_s, d.van))
    marks = iter(_marks(session, day, ordered))
    conn = session.connection()
    round_rows = [
        {
            "hub_id": hub_id,
            "round_no": f"R-{day.service_date:%Y%m%d}-{n}",
            "service_date": day.service_date,
            "vehicle_id": van_ids[load.van],
            "status": RoundStatus.PLANNED.value,
            "planned_start": _utc(day, load.departure_s),
            "planned_end": _utc(day, load.return_s),
            "planned_m": load.metres,
            "planned_s": load.return_s - load.departure_s,
        }
        for n, load in enumerate(ordered, start=day.first_round)
    ]
    round_ids: list[int] = []
    if round_rows:
        inserted = conn.execute(
            insert(_ROUNDS).returning(_ROUNDS.c.id, sort_by_parameter_order=True), round_rows
        )
        round_ids = [row[0] for row in inserted]
    planned = []
    stop_rows: list[dict] = []
    assignments: list[dict[str, int]] = []
    for load, row, round_id in zip(ordered, round_rows, round_ids, strict=True):
        stops = []
        for seq, v in enumerate(load.visits, 1):
            stop_row, stop = _stop(day, round_id, seq, v, next(marks))
            stop_rows.append(stop_row)
            stops.append(stop)
        assignments.extend(
            {"pid": p.id, "rid": round_id} for v in load.visits for p in v.pickups + v.drops
        )
        back_m = load.metres - sum(v.visit.metres_from_previous for v in load.visits)
        planned.append(
            PlannedRound(
                round_no=row["round_no"],
                van=load.van,
                wave=load.wave,
                start=to_local(row["planned_start"], day.tz),
                end=to_local(row["planned_end"], day.tz),
                km=km(load.metres),
                hours=hours(row["planned_s"]),
                stops=tuple(stops),
                return_km=km(back_m),
            )
        )
    if stop_rows:
        conn.execute(insert(_STOPS), stop_rows)
    if assignments:
        conn.execute(
            update(_PARCELS)
            .where(_PARCELS.c.id == bindparam("pid"))
            .values(round_id=bindparam("rid")),
            assignments,
        )
    moved: dict[date, int] = {}
    gave_up: set[int] = set()
    for row in assignments:
        if (was := day.movable.get(row["pid"])) is not None:
            gave_up.add(was[0])
            moved[was[1]] = moved.get(was[1], 0) + 1
    if gave_up:
        _recount_stops(session, gave_up)
    session.commit()
    return planned, moved


def _marks(session: Session, day: PlanningDay, ordered: list[RoundLoad]) -> list[tuple[int, int]]:
    """The ``(part, parts)`` of each new visit, in the order of ``ordered``: numbered in
    time order with the visits of the day's kept (started or finished) rounds."""
    kept = [r.id for r in day.kept_rounds]
    visits = [
        (v.station_id, _utc(day, v.visit.service_start_s)) for load in ordered for v in load.visits
    ]
    if kept:
        visits += session.exec(
            select(RoundStop.station_id, RoundStop.arrive_at).where(
                RoundStop.round_id.in_(kept)  # type: ignore[attr-defined]
            )
        ).all()
    new = sum(len(load.visits) for load in ordered)
    return visit_marks(visits)[:new]


def _recount_stops(session: Session, round_ids: set[int]) -> None:
    """The stops of rounds that gave parcels up count what is still on them: each
    station's parcels fill its stops in order, up to what each stop had. A stop left
    with nothing goes, and a round left with no stop: no van drives out for nothing."""
    session.flush()
    left: dict[tuple[int, int], list[int]] = {}
    rows = session.exec(
        select(Parcel.round_id, Parcel.station_id, Parcel.direction, Parcel.weight_g).where(
            Parcel.round_id.in_(round_ids)  # type: ignore[union-attr]
        )
    )
    for rid, sid, direction, grams in rows:
        q = left.setdefault((rid, sid), [0, 0, 0, 0])
        k = 2 if direction == Direction.INBOUND else 0
        q[k] += 1
        q[k + 1] += max(0, grams or 0)
    stops = session.exec(
        select(RoundStop)
        .where(RoundStop.round_id.in_(round_ids))  # type: ignore[attr-defined]
        .order_by(RoundStop.round_id, RoundStop.seq)
    )
    for stop in stops:
        q = left.get((stop.round_id, stop.station_id), [0, 0, 0, 0])
        stop.pickup_parcels = min(stop.pickup_parcels, q[0])
        stop.pickup_g = min(stop.pickup_g, q[1])
        stop.drop_parcels = min(stop.drop_parcels, q[2])
        stop.drop_g = min(stop.drop_g, q[3])
        q[0] -= stop.pickup_parcels
        q[1] -= stop.pickup_g
        q[2] -= stop.drop_parcels
        q[3] -= stop.drop_g
        if stop.pickup_parcels or stop.drop_parcels:
            session.add(stop)
        else:
            session.delete(stop)
    session.flush()
    _number_stops_again(session, round_ids)
    kept = set(
        session.exec(
            select(RoundStop.round_id).where(RoundStop.round_id.in_(round_ids))  # type: ignore[attr-defined]
        )
    )
    emptied = [rid for rid in round_ids if rid not in kept]
    if emptied:
        session.exec(delete(Round).where(Round.id.in_(emptied)))  # type: ignore[attr-defined]


def _number_stops_again(session: Session, round_ids: set[int]) -> None:
    """Stops left on a round are numbered 1, 2, ... again in their driving order, so a
    driver's sheet never starts at stop 2. Each stop moves to a number no other stop
    still holds (``seq`` is unique in a round), one flush at a time."""
    stops = session.exec(
        select(RoundStop)
        .where(RoundStop.round_id.in_(round_ids))  # type: ignore[attr-defined]
        .order_by(RoundStop.round_id, RoundStop.seq)
    ).all()
    number: dict[int, int] = {}
    for stop in stops:
        number[stop.round_id] = number.get(stop.round_id, 0) + 1
        if stop.seq != number[stop.round_id]:
            stop.seq = number[stop.round_id]
            session.add(stop)
            session.flush()


def _drop_old_plan(session: Session, old_ids: list[int]) -> None:
    if not old_ids:
        return
    session.connection().execute(
        update(_PARCELS).where(_PARCELS.c.round_id.in_(old_ids)).values(round_id=None)
    )
    session.exec(delete(RoundStop).where(RoundStop.round_id.in_(old_ids)))  # type: ignore[attr-defined]
    session.exec(delete(Round).where(Round.id.in_(old_ids)))  # type: ignore[attr-defined]
    session.flush()


def _stop(
    day: PlanningDay, round_id: int, seq: int, load: VisitLoad, mark: tuple[int, int]
) -> tuple[dict, PlannedStop]:
    """The stop's row and what the plan says of it."""
    visit = load.visit
    row = {
        "hub_id": day.hub.id,
        "round_id": round_id,
        "seq": seq,
        "station_id": load.station_id,
        "arrive_at": _utc(day, visit.service_start_s),
        "depart_at": _utc(day, visit.departure_s),
        "metres_from_previous": visit.metres_from_previous,
        "pickup_parcels": len(load.pickups),
        "pickup_g": weight_g(load.pickups),
        "drop_parcels": len(load.drops),
        "drop_g": weight_g(load.drops),
    }
    station = day.stations[load.station_id]
    return row, PlannedStop(
        seq=seq,
        station=station.code,
        station_name=station.name,
        arrive=to_local(row["arrive_at"], day.tz),
        depart=to_local(row["depart_at"], day.tz),
        km_from_previous=km(visit.metres_from_previous),
        pickup_parcels=row["pickup_parcels"],
        pickup_g=row["pickup_g"],
        drop_parcels=row["drop_parcels"],
        drop_g=row["drop_g"],
        part=mark[0],
        parts=mark[1],
    )


def _utc(day: PlanningDay, seconds: int) -> datetime:
    """Seconds since the service day's local midnight as naive UTC."""
    return local_moment_utc(day.service_date, seconds, day.tz)


def local_moment_utc(service_date: date, seconds: int, tz: ZoneInfo) -> datetime:
    return to_utc(datetime.combine(service_date, time.min) + timedelta(seconds=int(seconds)), tz)
