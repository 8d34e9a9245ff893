"""What a plan of the day says: its rounds in order, what is carried over and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from logistics.domain import round_status
from logistics.domain.carry_over import CarryOverReasons, waiting_days
from logistics.domain.clock import to_local
from logistics.domain.round_loads import weight_g
from logistics.domain.round_status import RoundStatus
from logistics.domain.routing import clock
from logistics.i18n import _

if TYPE_CHECKING:
    from logistics.services.planning.problem import Waves
    from logistics.services.planning.tables import PlanningDay


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
class KeptRound:
    """A round of the day that a re-plan leaves as it is (started or finished)."""

    round_no: str
    van: str
    status: str
    status_label: str
    back: datetime  # local: planned return of a started round, actual of a finished one


@dataclass(frozen=True)
class MovedParcels:
    """Parcels this plan took off the unstarted plan of a later day."""

    from_date: date
    parcels: int


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
    kept_rounds: tuple[KeptRound, ...] = ()
    moved: tuple[MovedParcels, ...] = ()

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
                status=RoundStatus.PLANNED.value,
                status_label=RoundStatus.PLANNED.label,
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


def carried_over(day: PlanningDay, reasons: CarryOverReasons) -> list[CarriedOver]:
    """The work the rounds left at each station, in station code order."""
    out = []
    for sid, slot in sorted(day.work.items(), key=lambda kv: kv[1].code):
        if slot.empty:
            continue
        station = day.stations[sid]
        waited = waiting_days(day.service_date, (p.registered_on for p in slot.parcels))
        out.append(
            CarriedOver(
                station=station.code,
                station_name=station.name,
                outbound_parcels=len(slot.outbound),
                outbound_g=weight_g(slot.outbound),
                inbound_parcels=len(slot.inbound),
                inbound_g=weight_g(slot.inbound),
                waiting_days=waited,
                reason=reasons.of(sid),
                parcel_nos=tuple(p.parcel_no for p in slot.parcels),
            )
        )
    return out


def summarise(day: PlanningDay, waves: Waves, planned: list[PlannedRound]) -> PlanSummary:
    carried = carried_over(day, waves.reasons)
    notes = list(waves.notes)
    if not day.fleet:
        notes.append(_("no active van: add or activate vans with `hub vehicle`"))
    return PlanSummary(
        service_date=day.service_date,
        rounds=tuple(planned),
        carried_over=tuple(carried),
        outbound_waiting=day.outbound_waiting,
        inbound_waiting=day.inbound_waiting,
        outbound_served=day.outbound_waiting - sum(c.outbound_parcels for c in carried),
        inbound_served=day.inbound_waiting - sum(c.inbound_parcels for c in carried),
        stations_with_work=len(day.with_work),
        latest_return=clock(day.latest_return_s),
        distances=day.distances,
        waves=waves.count,
        solve_seconds=round(waves.solve_seconds, 2),
        replaced_rounds=len(day.old_rounds),
        notes=tuple(notes),
        kept_rounds=tuple(_kept(day)),
        moved=tuple(MovedParcels(d, n) for d, n in sorted(day.moved.items())),
    )


def _kept(day: PlanningDay) -> list[KeptRound]:
    out = []
    for r in day.kept_rounds:
        back = round_status.van_back(r.status, r.planned_end, r.finished_at) or r.planned_end
        out.append(
            KeptRound(
                round_no=r.round_no,
                van=day.van_codes.get(r.vehicle_id, "?"),
                status=RoundStatus(r.status).value,
                status_label=RoundStatus.label_of(r.status),
                back=to_local(back, day.tz),
            )
        )
    return out
