"""Collection rounds after planning: list, show, the driver's sheet, start and finish.

* **start**: the round becomes ``started`` (its day can no longer be re-planned); the
  inbound parcels it carries get a ``dispatch`` step (out for delivery). A round is
  started on its service day (the hub's today), never a day early or late. A van drives
  one round at a time, so a round whose van is still on another one is refused.
* On the way the driver scans what each station hands over: ``hub scan collect
  --station CODE --round ROUND``.
* **finish**: the round becomes ``finished`` and each stop is reconciled, pickups and
  drops: :mod:`.round_finish`, which also describes the stored reconciliation
  (``Round.reconciliation``, JSON) that reports count from. Its names are handed out
  here too (see ``_ELSEWHERE``).

Rounds are named by their number (``R-20261123-1``) or their database id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, select

from logistics.domain import road_factors, round_status
from logistics.domain.clock import Day, local_today, parse_day, to_local, utcnow, zone
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.domain.road_time import hours
from logistics.domain.round_status import RoundAction, RoundStatus
from logistics.domain.units import kg, km
from logistics.errors import RuleBroken
from logistics.i18n import _
from logistics.io.pdf.round_sheet import RoundSheetDocument, RoundStopLine, write_round_sheet_pdf
from logistics.models import Parcel, Round, RoundStop, Station, Vehicle
from logistics.services.network import current_hub
from logistics.services.parcel_events import record_step
from logistics.services.round_lookup import get_round

if TYPE_CHECKING:
    from logistics.services.round_finish import FinishResult as FinishResult
    from logistics.services.round_finish import StopReconciliation as StopReconciliation
    from logistics.services.round_finish import finish_round as finish_round


def _hm(moment: datetime | None, tz) -> str | None:
    return None if moment is None else to_local(moment, tz).strftime("%H:%M")


def _stamp(moment: datetime | None, tz) -> str | None:
    return None if moment is None else to_local(moment, tz).strftime("%Y-%m-%d %H:%M")


def _stops(session: Session, round_id: int) -> list[RoundStop]:
    return list(
        session.exec(
            select(RoundStop).where(RoundStop.round_id == round_id).order_by(RoundStop.seq)
        )
    )


# ---------------------------------------------------------------- list and show


def list_rounds(session: Session, day: str | Day | date | None = None) -> list[dict[str, Any]]:
    """Rounds of a hub-local day (all days when ``day`` is None), in order."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    query = select(Round, Vehicle.code).join(Vehicle, Vehicle.id == Round.vehicle_id)
    if day is not None:
        query = query.where(Round.service_date == parse_day(day, tz))
    query = query.order_by(Round.service_date.desc(), Round.planned_start, Round.id)  # type: ignore[union-attr]
    rows = list(session.exec(query))
    totals: dict[int, tuple] = {}
    if rows:
        ids = [r.id for r, _ in rows]
        for rid, stops, pp, pg, dp, dg in session.exec(
            select(
                RoundStop.round_id,
                func.count(RoundStop.id),
                func.sum(RoundStop.pickup_parcels),
                func.sum(RoundStop.pickup_g),
                func.sum(RoundStop.drop_parcels),
                func.sum(RoundStop.drop_g),
            )
            .where(RoundStop.round_id.in_(ids))  # type: ignore[attr-defined]
            .group_by(RoundStop.round_id)
        ):
            totals[rid] = (stops, pp or 0, pg or 0, dp or 0, dg or 0)
    out = []
    for r, van in rows:
        stops, pp, pg, dp, dg = totals.get(r.id, (0, 0, 0, 0, 0))
        out.append(
            {
                "round_no": r.round_no,
                "service_date": r.service_date,
                "van": van,
                "status": r.status,
                "status_label": RoundStatus.label_of(r.status),
                "start": _hm(r.planned_start, tz),
                "end": _hm(r.planned_end, tz),
                "stops": stops,
                "pickup_parcels": pp,
                "pickup_kg": kg(pg),
                "drop_parcels": dp,
                "drop_kg": kg(dg),
                "km": km(r.planned_m),
                "started_at": _stamp(r.started_at, tz),
                "finished_at": _stamp(r.finished_at, tz),
            }
        )
    return out


def show_round(session: Session, ref: str | int) -> dict[str, Any]:
    """One round with its stops in order (and the reconciliation once finished), its
    planned km and, once recorded, the km it drove and how far apart they are."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    rnd = get_round(session, ref)
    van = session.get(Vehicle, rnd.vehicle_id)
    stations = {s.id: s for s in session.exec(select(Station))}
    stops = []
    for stop in _stops(session, rnd.id):
        station = stations[stop.station_id]
        stops.append(
            {
                "seq": stop.seq,
                "station": station.code,
                "station_name": station.name,
                "keeper_phone": station.keeper_phone,
                "arrive": _hm(stop.arrive_at, tz),
                "depart": _hm(stop.depart_at, tz),
                "km_from_previous": km(stop.metres_from_previous),
                "pickup_parcels": stop.pickup_parcels,
                "pickup_kg": kg(stop.pickup_g),
                "drop_parcels": stop.drop_parcels,
                "drop_kg": kg(stop.drop_g),
                "collected_parcels": stop.collected_parcels,
                "missing_parcels": stop.missing_parcels,
                "extra_parcels": stop.extra_parcels,
            }
        )
    return {
        "round_no": rnd.round_no,
        "service_date": rnd.service_date,
        "van": van.code if van else None,
        "plate": van.plate if van else None,
        "status": rnd.status,
        "status_label": RoundStatus.label_of(rnd.status),
        "start": _hm(rnd.planned_start, tz),
        "end": _hm(rnd.planned_end, tz),
        "km": km(rnd.planned_m),
        "driven_km": None if rnd.driven_m is None else km(rnd.driven_m),
        "driven_vs_planned_pct": road_factors.difference_percent(rnd.planned_m, rnd.driven_m),
        "odometer_out_km": rnd.odometer_out_km,
        "odometer_in_km": rnd.odometer_in_km,
        "hours": hours(rnd.planned_s),
        "pickup_parcels": sum(s["pickup_parcels"] for s in stops),
        "drop_parcels": sum(s["drop_parcels"] for s in stops),
        "started_at": _stamp(rnd.started_at, tz),
        "finished_at": _stamp(rnd.finished_at, tz),
        "stops": stops,
        "reconciliation": json.loads(rnd.reconciliation) if rnd.reconciliation else None,
    }


# ---------------------------------------------------------------- the driver's sheet


def sheet_document(session: Session, ref: str | int) -> RoundSheetDocument:
    """The round sheet from stored data, printed now: the sheet says when it was printed
    (the hub's local time, ``clock.utcnow`` so ``HUB_NOW`` pins it) beside the planned
    departure, which it shows as such."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    rnd = get_round(session, ref)
    van = session.get(Vehicle, rnd.vehicle_id)
    stations = {s.id: s for s in session.exec(select(Station))}
    stops = _stops(session, rnd.id)
    lines = []
    visits: dict[int, int] = {}
    for stop in stops:
        visits[stop.station_id] = visits.get(stop.station_id, 0) + 1
    for stop in stops:
        station = stations[stop.station_id]
        note = f"营业 {station.opens:%H:%M}-{station.closes:%H:%M}"
        lines.append(
            RoundStopLine(
                seq=stop.seq,
                station_name=station.name,
                station_code=station.code,
                keeper_phone=station.keeper_phone or "",
                keeper_name=station.keeper_name or "",
                planned_arrival=to_local(stop.arrive_at, tz),
                planned_departure=to_local(stop.depart_at, tz),
                collect_parcels=stop.pickup_parcels,
                collect_kg=_exact_kg(stop.pickup_g),
                drop_parcels=stop.drop_parcels,
                drop_kg=_exact_kg(stop.drop_g),
                km_from_previous=_exact_km(stop.metres_from_previous),
                note=note,
                lat=station.lat,
                lon=station.lon,
            )
        )
    back_m = rnd.planned_m - sum(s.metres_from_previous for s in stops)
    return RoundSheetDocument(
        round_no=rnd.round_no,
        hub_name=hub.name,
        hub_code=hub.code,
        hub_lat=hub.lat,
        hub_lon=hub.lon,
        service_date=rnd.service_date,
        vehicle_code=van.code if van else "?",
        vehicle_plate=(van.plate or "") if van else "",
        planned_start=to_local(rnd.planned_start, tz),
        planned_return=to_local(rnd.planned_end, tz),
        return_km=_exact_km(max(0, back_m)),
        issued_at=to_local(utcnow(), tz).replace(microsecond=0),
        stops=tuple(lines),
    )


def write_sheet_pdf(doc: RoundSheetDocument, path, *, force: bool = True) -> int:
    """Kept for the demo, which writes sheets into a folder of its own: new callers hand
    the document to ``logistics.io.pdf.round_sheet.write_round_sheet_pdf`` themselves."""
    return write_round_sheet_pdf(doc, path, force=force)


def _exact_kg(grams: int) -> Decimal:
    """The sheet keeps exact figures; the printout rounds them as the hub does."""
    return Decimal(grams) / 1000


def _exact_km(metres: int) -> Decimal:
    return Decimal(metres) / 1000


# ---------------------------------------------------------------- start


@dataclass(frozen=True)
class StartResult:
    round_no: str
    van: str
    stops: int
    dispatched: int
    pickup_parcels: int


def start_round(session: Session, ref: str | int, *, operator: str) -> StartResult:
    """The van leaves: the round is started and its inbound parcels are dispatched."""
    hub = current_hub(session)
    rnd = get_round(session, ref, for_update=True)
    van = session.get(Vehicle, rnd.vehicle_id)
    van_code = van.code if van else "?"
    started = round_status.apply(rnd.status, RoundAction.START, round_no=rnd.round_no)
    today = local_today(zone(hub.timezone))
    if rnd.service_date != today:
        raise RuleBroken(
            _(
                "Round {round} is for {date}, and today is {today}: a round is started on "
                "its own day, as its van leaves."
            ).format(round=rnd.round_no, date=rnd.service_date, today=today)
        )
    busy = session.exec(
        select(Round).where(
            Round.vehicle_id == rnd.vehicle_id,
            Round.status == RoundStatus.STARTED,
            Round.id != rnd.id,
        )
    ).first()
    if busy is not None:
        raise RuleBroken(
            _(
                "Van {van} is still on round {busy}: finish it "
                "(`hub round finish {busy}`) before starting {round}."
            ).format(van=van_code, busy=busy.round_no, round=rnd.round_no)
        )
    now = utcnow()
    rnd.status = started
    rnd.started_at = now
    session.add(rnd)
    inbound = list(
        session.exec(
            select(Parcel)
            .where(
                Parcel.round_id == rnd.id,
                Parcel.direction == Direction.INBOUND,
                Parcel.status == Status.ARRIVED_HUB,
            )
            .order_by(Parcel.id)
        )
    )
    for parcel in inbound:
        record_step(
            session,
            parcel,
            Action.DISPATCH,
            operator=operator,
            place=hub.code,
            note=f"round {rnd.round_no}",
            at=now,
        )
    stops = _stops(session, rnd.id)
    session.commit()
    return StartResult(
        round_no=rnd.round_no,
        van=van_code,
        stops=len(stops),
        dispatched=len(inbound),
        pickup_parcels=sum(s.pickup_parcels for s in stops),
    )
