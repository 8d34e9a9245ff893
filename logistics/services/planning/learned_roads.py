"""Each station's road factor, learned from the rounds the hub's vans drove.

Reads the hub's finished rounds with a driven distance (``hub round finish --km``) of
the last :data:`LEARN_DAYS` days up to the planned day, their stops in driving order
(``round_stop``) and the stations' coordinates, and hands them to
:func:`logistics.domain.road_factors.learn`. Roads change (a new bridge, a washed-out
road), so old rounds are let go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from logistics.domain import road_factors
from logistics.domain.geo import DEFAULT_ROAD_FACTOR
from logistics.domain.round_status import RoundStatus
from logistics.models import Hub, Round, RoundStop, Station, Vehicle

LEARN_DAYS = 180


@dataclass(frozen=True)
class LearnedRoads:
    """The factors by station id, and how many driven rounds each rests on."""

    factors: road_factors.RoadFactors
    rounds: int  # driven rounds read

    @property
    def hub_factor(self) -> float:
        return self.factors.prior

    def factor_of(self, station_id: int) -> float:
        return self.factors.of(station_id)

    def rounds_of(self, station_id: int) -> int:
        return self.factors.rounds_of.get(station_id, 0)


def driven_rounds(
    session: Session, hub: Hub, until: date | None = None
) -> list[road_factors.DrivenRound]:
    """The hub's finished rounds with a driven distance, each with its stations in
    driving order, oldest first."""
    query = (
        select(Round.id, Round.driven_m)
        .join(Vehicle, Vehicle.id == Round.vehicle_id)
        .where(
            Vehicle.hub_id == hub.id,
            Round.status == RoundStatus.FINISHED,
            Round.driven_m.is_not(None),  # type: ignore[union-attr]
        )
    )
    if until is not None:
        query = query.where(
            Round.service_date <= until,
            Round.service_date > until - timedelta(days=LEARN_DAYS),
        )
    driven = dict(session.exec(query.order_by(Round.service_date, Round.id)).all())
    if not driven:
        return []
    stops: dict[int, list[int]] = {rid: [] for rid in driven}
    for rid, sid in session.exec(
        select(RoundStop.round_id, RoundStop.station_id)
        .where(RoundStop.round_id.in_(list(driven)))  # type: ignore[attr-defined]
        .order_by(RoundStop.round_id, RoundStop.seq)
    ):
        stops[rid].append(sid)
    return [
        road_factors.DrivenRound(tuple(stops[rid]), metres / 1000)
        for rid, metres in driven.items()
        if stops[rid]
    ]


def learned_roads(session: Session, hub: Hub, until: date | None = None) -> LearnedRoads:
    """The road factor of each of the hub's stations, learned from its driven rounds."""
    prior = hub.road_factor or DEFAULT_ROAD_FACTOR
    rounds = driven_rounds(session, hub, until)
    places = {
        s.id: (s.lat, s.lon) for s in session.exec(select(Station).where(Station.hub_id == hub.id))
    }
    factors = road_factors.learn(rounds, (hub.lat, hub.lon), places, prior)
    return LearnedRoads(factors=factors, rounds=len(rounds))
