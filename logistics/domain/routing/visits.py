"""Turn stops into visits the vans can make: split big stations, set aside hopeless ones.

A station with more work than a van holds becomes several visits at the same place,
each small enough for one van; the work is shared out evenly, so 1.2 vans' worth
becomes two visits of 0.6. A visit no van could make on its own (opening hours out of
reach, no way back before the return, or no van big enough) never enters the model;
it is reported unserved with the reason straight away.
"""

from __future__ import annotations

from dataclasses import dataclass

from logistics.domain.routing.problem import RoutingProblem, Stop, Van, clock
from logistics.i18n import _


@dataclass(frozen=True)
class VisitWork:
    """One visit to one stop: its share of the stop's work and its service seconds."""

    stop_index: int
    pickup_g: int
    pickup_parcels: int
    delivery_g: int
    delivery_parcels: int
    service_s: int
    part: int
    parts: int

    @property
    def matrix_index(self) -> int:
        return self.stop_index + 1


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _share(total: int, parts: int, i: int) -> int:
    return total // parts + (1 if i < total % parts else 0)


def parts_needed(stop: Stop, van: Van) -> int:
    """How many visits this van would need to carry all of the stop's work."""
    return max(
        1,
        _ceil_div(stop.pickup_g, van.capacity_g),
        _ceil_div(stop.delivery_g, van.capacity_g),
        _ceil_div(stop.pickup_parcels, van.capacity_parcels),
        _ceil_div(stop.delivery_parcels, van.capacity_parcels),
    )


def split_stop(stop_index: int, stop: Stop, vans: tuple[Van, ...]) -> list[VisitWork]:
    """The visits for one stop: as few as the biggest van allows (one if it fits)."""
    parts = min((parts_needed(stop, v) for v in vans), default=1)
    visits = []
    for i in range(parts):
        pg = _share(stop.pickup_g, parts, i)
        pp = _share(stop.pickup_parcels, parts, i)
        dg = _share(stop.delivery_g, parts, i)
        dp = _share(stop.delivery_parcels, parts, i)
        service = stop.service_s + stop.service_per_parcel_s * (pp + dp)
        visits.append(VisitWork(stop_index, pg, pp, dg, dp, service, i + 1, parts))
    return visits


def van_window(problem: RoutingProblem, van: Van) -> tuple[int, int]:
    """Earliest departure from and latest return to the hub for this van."""
    start = max(problem.depot.opens_s, van.shift_start_s)
    due = min(problem.depot.latest_return_s, van.shift_end_s)
    return start, due


def latest_service_start(problem: RoutingProblem, stop: Stop, visit: VisitWork) -> int:
    if problem.service_ends_by_close:
        return stop.closes_s - visit.service_s
    return stop.closes_s


def why_impossible(problem: RoutingProblem, visit: VisitWork, vans: tuple[Van, ...]) -> str | None:
    """None when some van could make this visit alone; else the reason no van can."""
    stop = problem.stops[visit.stop_index]
    i = visit.matrix_index
    out_s = int(problem.travel_s[0, i])
    back_s = int(problem.travel_s[i, 0])
    latest_start = latest_service_start(problem, stop, visit)
    if not vans:
        return _("no van is available for the day")
    reach_ok = return_ok = size_ok = False
    earliest_arrival = None
    for van in vans:
        start, due = van_window(problem, van)
        if start > due:
            continue
        arrival = start + out_s
        earliest_arrival = arrival if earliest_arrival is None else min(earliest_arrival, arrival)
        begin = max(arrival, stop.opens_s)
        fits = (
            visit.pickup_g <= van.capacity_g
            and visit.delivery_g <= van.capacity_g
            and visit.pickup_parcels <= van.capacity_parcels
            and visit.delivery_parcels <= van.capacity_parcels
        )
        if begin <= latest_start:
            reach_ok = True
            if begin + visit.service_s + back_s <= due:
                return_ok = True
                if fits:
                    return None
        size_ok = size_ok or fits
    if earliest_arrival is None:
        return _("no van's shift fits before the hub's latest return")
    if not reach_ok:
        if problem.service_ends_by_close:
            message = _(
                "opening hours {opens}-{closes} cannot be reached (earliest arrival {arrival}, "
                "too late to finish service)"
            )
        else:
            message = _(
                "opening hours {opens}-{closes} cannot be reached (earliest arrival {arrival}, "
                "too late to start service)"
            )
        return message.format(
            opens=clock(stop.opens_s), closes=clock(stop.closes_s), arrival=clock(earliest_arrival)
        )
    if not return_ok:
        latest_return = max(van_window(problem, v)[1] for v in vans)
        return _("cannot be served and back at the hub by the {time} return").format(
            time=clock(latest_return)
        )
    if not size_ok:
        return _("no van is big enough for one visit")
    return _("no single van can both reach it in time and carry its load")
