"""What a plan of the day says: its rounds in order, what is carried over and why, and
how much more van time the carried-over work would take (:class:`Backlog`)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from logistics.domain import round_status
from logistics.domain.carry_over import CarryOverReasons, waiting_days
from logistics.domain.clock import to_local
from logistics.domain.round_loads import weight_g
from logistics.domain.round_status import RoundStatus
from logistics.domain.routing import clock
from logistics.domain.waves import RELOAD_MINUTES
from logistics.i18n import _, listing, ngettext
from logistics.services.planning.problem import SERVICE_PER_PARCEL_S

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
class Backlog:
    """The parcels the plan leaves waiting, where, and the van time that would clear them.

    ``round_trips`` counts one trip from the hub to a station and back for each load of an
    average van of the fleet (by parcels or kg, picked up or dropped, whichever needs
    more); ``van_hours`` is their driving time there and back, the station's service time
    per visit and per parcel and the reload at the hub, rounded up to a tenth. Trips that
    could combine two small stations are counted apart, so for many small stations the
    figure errs high."""

    parcels: int
    outbound_parcels: int
    inbound_parcels: int
    stations: tuple[str, ...]
    round_trips: int
    van_hours: Decimal | None  # None: no van to estimate with

    @property
    def sentence(self) -> str:
        stations = listing(self.stations)
        if self.van_hours is None:
            return ngettext(
                "{parcels} parcels wait at {n} station ({stations}).",
                "{parcels} parcels wait at {n} stations ({stations}).",
                len(self.stations),
            ).format(parcels=f"{self.parcels:,}", n=len(self.stations), stations=stations)
        trips = ngettext(
            "{n} round trip of an average van",
            "{n} round trips of an average van",
            self.round_trips,
        ).format(n=f"{self.round_trips:,}")
        return ngettext(
            "{parcels} parcels wait at {n} station ({stations}): about {hours} more van-hours "
            "({trips}) would clear them.",
            "{parcels} parcels wait at {n} stations ({stations}): about {hours} more van-hours "
            "({trips}) would clear them.",
            len(self.stations),
        ).format(
            parcels=f"{self.parcels:,}",
            n=len(self.stations),
            stations=stations,
            hours=f"{self.van_hours:,}",
            trips=trips,
        )


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
    backlog: Backlog | None = None  # None when nothing is carried over

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
        if self.backlog is not None:
            data["backlog"]["sentence"] = self.backlog.sentence
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


def summarise(
    day: PlanningDay,
    waves: Waves,
    planned: list[PlannedRound],
    moved: dict[date, int],
) -> PlanSummary:
    """What the plan did; ``moved`` counts the parcels it took off a later day's plan."""
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
        moved=tuple(MovedParcels(d, n) for d, n in sorted(moved.items())),
        backlog=backlog(day, carried),
    )


def backlog(day: PlanningDay, carried: list[CarriedOver]) -> Backlog | None:
    """What the carried-over work would take to clear (see :class:`Backlog`)."""
    if not carried:
        return None
    van_hours = None
    trips = 0
    if day.fleet:
        per_van_n = sum(v.capacity_parcels for v in day.fleet) / len(day.fleet)
        per_van_g = sum(v.capacity_g for v in day.fleet) / len(day.fleet)
        seconds = 0.0
        by_code = {s.code: s for s in day.stations.values()}
        for item in carried:
            station = by_code[item.station]
            node = day.node_of[station.id]
            loads = max(
                item.outbound_parcels / max(per_van_n, 1),
                item.inbound_parcels / max(per_van_n, 1),
                item.outbound_g / max(per_van_g, 1),
                item.inbound_g / max(per_van_g, 1),
            )
            n = max(1, math.ceil(loads))
            trip_s = (
                float(day.seconds[0, node] + day.seconds[node, 0])
                + max(0, station.service_minutes or 0) * 60
                + RELOAD_MINUTES * 60
            )
            parcels = item.outbound_parcels + item.inbound_parcels
            seconds += n * trip_s + parcels * SERVICE_PER_PARCEL_S
            trips += n
        van_hours = (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    return Backlog(
        parcels=sum(c.outbound_parcels + c.inbound_parcels for c in carried),
        outbound_parcels=sum(c.outbound_parcels for c in carried),
        inbound_parcels=sum(c.inbound_parcels for c in carried),
        stations=tuple(c.station for c in carried),
        round_trips=trips,
        van_hours=van_hours,
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
