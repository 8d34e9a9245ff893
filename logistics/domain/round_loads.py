"""Whole parcels on the planner's visits.

The round planner works in totals per station (grams, parcels) and may split a busy
station over several visits. A van carries whole parcels, though: this module hands
each visit its parcels, oldest first (a split station fills its visits in time order),
and takes the heaviest off split visits when whole parcels would put the van over its
kg capacity (they wait for the next wave, or another day).

A station visited more than once in a day (a split visit, or a van back early going
out again) has its visits numbered 1/n ... n/n in time order across all the day's
rounds (:func:`visit_marks`), whatever wave or search made them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from logistics.domain.routing import RoutingPlan, Visit


@dataclass
class WaitingParcel:
    """One parcel waiting to be collected from (or dropped at) its station."""

    id: int
    parcel_no: str
    station_id: int
    inbound: bool
    weight_g: int
    registered_at: datetime
    registered_on: date


@dataclass
class StationWork:
    """What waits at one station: outbound parcels to pick up, inbound ones to drop,
    each oldest first."""

    station_id: int
    code: str
    outbound: list[WaitingParcel] = field(default_factory=list)
    inbound: list[WaitingParcel] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.outbound and not self.inbound

    @property
    def parcels(self) -> list[WaitingParcel]:
        return self.outbound + self.inbound

    def add(self, parcel: WaitingParcel) -> None:
        (self.inbound if parcel.inbound else self.outbound).append(parcel)

    def sort(self) -> None:
        """Oldest first: the order in which visits take them."""
        self.outbound.sort(key=lambda p: (p.registered_at, p.id))
        self.inbound.sort(key=lambda p: (p.registered_at, p.id))

    def take(self, load: VisitLoad) -> int:
        """Take what a visit carries off the station's waiting work; returns how many."""
        taken_out = {p.id for p in load.pickups}
        taken_in = {p.id for p in load.drops}
        self.outbound = [p for p in self.outbound if p.id not in taken_out]
        self.inbound = [p for p in self.inbound if p.id not in taken_in]
        return len(taken_out) + len(taken_in)


@dataclass
class VisitLoad:
    """A visit of a solved round with the parcels it really carries."""

    station_id: int
    visit: Visit
    pickups: list[WaitingParcel]
    drops: list[WaitingParcel]

    @property
    def split(self) -> bool:
        return self.visit.parts > 1


@dataclass
class RoundLoad:
    """One van's round with whole parcels, before it is stored."""

    van: str
    capacity_g: int
    wave: int
    departure_s: int
    return_s: int
    metres: int
    visits: list[VisitLoad]

    def loads(self) -> list[int]:
        """Grams on board leaving the hub, then after each visit."""
        load = sum(p.weight_g for v in self.visits for p in v.drops)
        out = [load]
        for v in self.visits:
            load += sum(p.weight_g for p in v.pickups) - sum(p.weight_g for p in v.drops)
            out.append(load)
        return out


def fill(
    plan: RoutingPlan, work: dict[int, StationWork], station_of: dict[str, int]
) -> dict[tuple[int, int], VisitLoad]:
    """Whole parcels to the plan's visits, keyed by (round index, visit index).

    ``station_of`` maps a visit's key (the station code) to the station id of ``work``.
    """
    per_station: dict[int, list[tuple[int, int, Visit]]] = defaultdict(list)
    for r_i, rnd in enumerate(plan.rounds):
        for v_i, visit in enumerate(rnd.visits):
            per_station[station_of[visit.key]].append((r_i, v_i, visit))
    filled: dict[tuple[int, int], VisitLoad] = {}
    for sid, visits in per_station.items():
        slot = work[sid]
        out_i = in_i = 0
        # the earliest visit takes the oldest parcels (at the same time: part order)
        in_time = sorted(visits, key=lambda t: (t[2].service_start_s, t[2].part, t[0]))
        for r_i, v_i, visit in in_time:
            pickups = slot.outbound[out_i : out_i + visit.pickup_parcels]
            drops = slot.inbound[in_i : in_i + visit.delivery_parcels]
            out_i += len(pickups)
            in_i += len(drops)
            filled[(r_i, v_i)] = VisitLoad(sid, visit, pickups, drops)
    return filled


def visit_marks(visits: Sequence[tuple[Hashable, Any]]) -> list[tuple[int, int]]:
    """Each visit's mark ``(part, parts)``, in the order given: ``visits`` are all the
    day's visits as ``(station, arrival)``; a station's visits are numbered in arrival
    order (ties: the order given), 1/n for the earliest, n/n for the latest, on every
    visit of a station visited n times. A station visited once is 1/1."""
    order: dict[Hashable, list[int]] = defaultdict(list)
    for k in sorted(range(len(visits)), key=lambda k: visits[k][1]):
        order[visits[k][0]].append(k)
    marks = [(1, 1)] * len(visits)
    for ks in order.values():
        for part, k in enumerate(ks, start=1):
            marks[k] = (part, len(ks))
    return marks


def trim(load: RoundLoad) -> list[WaitingParcel]:
    """Take the heaviest parcels off split visits until the van is within its kg capacity;
    returns what was taken off."""
    removed: list[WaitingParcel] = []
    while True:
        loads = load.loads()
        over = next((k for k, grams in enumerate(loads) if grams > load.capacity_g), None)
        if over is None:
            return removed
        pool = _trimmable(load.visits, over)
        if not pool:
            return removed  # nothing split to trim: the plan's own loads are within capacity
        parcel, source = max(pool, key=lambda t: t[0].weight_g)
        source.remove(parcel)
        removed.append(parcel)


def _trimmable(
    visits: list[VisitLoad], over: int
) -> list[tuple[WaitingParcel, list[WaitingParcel]]]:
    """Parcels of split visits whose removal lowers the load at position ``over``."""
    if over == 0:  # leaving the hub: only drops are on board
        return [(p, v.drops) for v in visits if v.split for p in v.drops]
    pool = [(p, v.pickups) for v in visits[:over] if v.split for p in v.pickups]
    if pool:
        return pool
    # A delivery later on is what keeps the load high.
    return [(p, v.drops) for v in visits[over:] if v.split for p in v.drops]


def weight_g(parcels: Iterable[WaitingParcel]) -> int:
    return sum(p.weight_g for p in parcels)
