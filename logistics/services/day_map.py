"""The day's planned rounds of one hub, gathered for the web map (``io.day_map``).

Read only: the rounds as stored (planned, started and finished alike), so the map of
a day can be drawn right after ``hub plan`` or at any time later without planning
again.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from logistics.domain.clock import Day, parse_day, to_local, zone
from logistics.domain.round_status import RoundStatus
from logistics.errors import NotFound
from logistics.i18n import _
from logistics.io.day_map import DayMapDocument, MapRound, MapStop
from logistics.models import Hub, Round, RoundStop, Station, Vehicle
from logistics.services.network import current_hub


def day_map_document(
    session: Session,
    day: str | Day | date | None = None,
    *,
    hub: Hub | None = None,
    require_rounds: bool = False,
) -> DayMapDocument:
    """The rounds of the hub-local ``day`` (today when None) of ``hub`` (the database's
    hub when None), each with its stops in driving order. With ``require_rounds`` a day
    without rounds is refused (NotFound) instead of giving an empty map."""
    hub = hub or current_hub(session)
    tz = zone(hub.timezone)
    service_date = parse_day(day, tz)
    rows = list(
        session.exec(
            select(Round, Vehicle)
            .join(Vehicle, Vehicle.id == Round.vehicle_id)
            .where(Round.service_date == service_date, Round.hub_id == hub.id)
            .order_by(Round.planned_start, Round.id)  # type: ignore[arg-type]
        )
    )
    if require_rounds and not rows:
        raise NotFound(
            _(
                "No rounds are planned for {date}: plan the day first (`hub plan --date {date}`)."
            ).format(date=service_date)
        )
    ids = [rnd.id for rnd, _van in rows]
    stops_of: dict[int, list[RoundStop]] = {rid: [] for rid in ids}
    station_ids: set[int] = set()
    if ids:
        for stop in session.exec(
            select(RoundStop)
            .where(RoundStop.round_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(RoundStop.round_id, RoundStop.seq)
        ):
            stops_of[stop.round_id].append(stop)
            station_ids.add(stop.station_id)
    stations = {
        s.id: s
        for s in session.exec(
            select(Station).where(
                Station.hub_id == hub.id,
                Station.id.in_(station_ids),  # type: ignore[union-attr]
            )
        )
    }
    rounds = []
    for rnd, van in rows:
        stops = []
        for stop in stops_of[rnd.id]:
            station = stations.get(stop.station_id)
            if station is None:  # a stop at another hub's station cannot be on this map
                continue
            stops.append(
                MapStop(
                    seq=stop.seq,
                    station_code=station.code,
                    station_name=station.name,
                    keeper_name=station.keeper_name or "",
                    keeper_phone=station.keeper_phone or "",
                    lat=station.lat,
                    lon=station.lon,
                    arrive=to_local(stop.arrive_at, tz),
                    pickup_parcels=stop.pickup_parcels,
                    pickup_g=stop.pickup_g,
                    drop_parcels=stop.drop_parcels,
                    drop_g=stop.drop_g,
                )
            )
        rounds.append(
            MapRound(
                round_no=rnd.round_no,
                van=van.code,
                start=to_local(rnd.planned_start, tz),
                end=to_local(rnd.planned_end, tz),
                planned_m=rnd.planned_m,
                status_label=RoundStatus.label_of(rnd.status),
                stops=tuple(stops),
            )
        )
    return DayMapDocument(
        hub_name=hub.name,
        hub_code=hub.code,
        hub_lat=hub.lat,
        hub_lon=hub.lon,
        service_date=service_date,
        rounds=tuple(rounds),
    )
