"""Building the planner's problem of each wave and solving it.

The pure planner (``logistics.domain.routing``) gives each van one round. A van back
early is loaded again (``logistics.domain.waves``): after each wave, what is left is
planned again for the vans free from their return plus the reload time. Each solved
round gets whole parcels (``logistics.domain.round_loads``) and what no wave carries is
carried over with its reason (``logistics.domain.carry_over``).

On a day with more work than the vans can carry in all their rounds (Double 11), each
station is offered to a wave only as much as the smallest free van holds, its oldest
parcels first (:func:`wave_share`): every van can then take any station, a big van
two, and the planner chooses among thirty visits instead of splitting each station
into dozens it could never all serve. What the waves leave is carried over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from logistics.domain import waves as wave_rules
from logistics.domain.carry_over import CarryOverReasons, cannot_serve, waiting_days
from logistics.domain.round_loads import (
    RoundLoad,
    StationWork,
    WaitingParcel,
    fill,
    trim,
    weight_g,
)
from logistics.domain.routing import (
    Depot,
    RoutingPlan,
    RoutingProblem,
    SearchSettings,
    Stop,
    Van,
    seconds_of_day,
    solve,
)
from logistics.i18n import _
from logistics.models import Vehicle
from logistics.services.planning.tables import PlanningDay

SERVICE_PER_PARCEL_S = 8
"""Seconds at a station for each parcel picked up or dropped (scan and hand over)."""


@dataclass
class Waves:
    """What the waves of a day gave: the rounds with their parcels, in wave order."""

    rounds: list[RoundLoad] = field(default_factory=list)
    reasons: CarryOverReasons = field(default_factory=CarryOverReasons)
    notes: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    count: int = 0


def solve_in_waves(
    day: PlanningDay, settings: SearchSettings, total_s: float, say: Callable[[str], None]
) -> Waves:
    """Plan the day's work wave by wave within ``total_s`` seconds of search; the parcels
    the rounds take leave ``day.work``. Vans start free from ``day.free_from`` (their
    shift start, or their return from a started round) with the rounds they have left
    (``waves.rounds_left``, their started and finished rounds counted)."""
    out = Waves(reasons=CarryOverReasons(day.latest_return_s))
    free_from = dict(day.free_from)
    left = {v.code: wave_rules.rounds_left(day.rounds_made.get(v.code, 0)) for v in day.fleet}
    every_wave = wave_rules.wave_settings(settings, total_s)
    wave = 0
    while True:
        wave += 1
        todo = sorted((w for w in day.work.values() if not w.empty), key=lambda w: w.code)
        if not todo:
            break
        usable = [v for v in day.fleet if left[v.code] > 0 and _has_time(day, v, free_from)]
        if not usable:
            if wave == 1 and not any(_has_time(day, v, free_from) for v in day.fleet):
                out.reasons.no_van((w.station_id for w in todo), busy=bool(day.fleet))
            break
        cap = wave_share(todo, usable, left)
        problem = build_problem(day, todo, usable, free_from, wave, cap)
        parcels = sum(len(w.outbound) + len(w.inbound) for w in todo)
        if wave == 1:
            doing = _("Planning {stations} stations, {parcels} parcels, {vans} vans")
        else:
            doing = _(
                "Planning round {wave} of the vans back early for {stations} stations, "
                "{parcels} parcels, {vans} vans"
            )
        say(doing.format(wave=wave, stations=len(todo), parcels=f"{parcels:,}", vans=len(usable)))
        settings_of_wave = wave_rules.of_wave(every_wave, wave)
        plan = solve(problem, wave_rules.for_stations(settings_of_wave, len(todo)))
        out.count = wave
        out.solve_seconds += plan.solve_seconds
        out.notes.extend(n for n in plan.notes if n not in out.notes)
        if not plan.rounds:
            break
        loads = _whole_parcels(day, plan, usable, wave, out.reasons)
        moved = sum(day.work[v.station_id].take(v) for load in loads for v in load.visits)
        for load in loads:
            free_from[load.van] = wave_rules.back_at_hub_s(load.return_s)
            left[load.van] -= 1
        out.rounds.extend(loads)
        if not moved:
            break
    _explain(day, out.reasons, free_from, left)
    return out


def _has_time(day: PlanningDay, van: Vehicle, free_from: dict[str, int]) -> bool:
    """Whether ``van`` can still leave before the return and the end of its shift."""
    return free_from[van.code] < min(day.latest_return_s, seconds_of_day(van.shift_end))


def _explain(
    day: PlanningDay,
    reasons: CarryOverReasons,
    free_from: dict[str, int],
    left: dict[str, int],
) -> None:
    """Give each station with work left the reason that actually kept it out
    (``logistics.domain.carry_over``), whatever wave or search left it: checked first
    against the vans as they were free when the plan started; then, if every van that
    could still serve it alone after the plan's rounds has made its rounds of the day
    (``left``), that is the reason."""
    work_left = [w for w in day.work.values() if not w.empty]
    if not work_left:
        return
    at_start = [v for v in day.fleet if _has_time(day, v, day.free_from)]
    for slot in work_left:
        if at_start:
            reason = cannot_serve(build_problem(day, [slot], at_start, dict(day.free_from), 0))
            if reason is not None:
                reasons.cannot(slot.station_id, reason)
                continue
        able = [
            v
            for v in day.fleet
            if _has_time(day, v, free_from)
            and cannot_serve(build_problem(day, [slot], [v], free_from, 0)) is None
        ]
        if able and all(left[v.code] == 0 for v in able):
            reasons.most_rounds([slot.station_id], wave_rules.MAX_WAVES)


def wave_share(
    todo: list[StationWork], vans: list[Vehicle], left: dict[str, int]
) -> tuple[int, int] | None:
    """``(parcels, grams)`` each station is offered to this wave, or None for all of it.

    None unless the work waiting is more than the free vans carry in all the rounds
    they have left (picked up or dropped, by parcels or by kg): on such a day the
    planner only chooses what goes first, so each station is offered one load of the
    smallest free van."""
    if not vans:
        return None
    out_n = sum(len(w.outbound) for w in todo)
    in_n = sum(len(w.inbound) for w in todo)
    out_g = sum(weight_g(w.outbound) for w in todo)
    in_g = sum(weight_g(w.inbound) for w in todo)
    rounds = [left[v.code] for v in vans]
    most_n = sum(v.capacity_parcels * k for v, k in zip(vans, rounds, strict=True))
    most_g = sum(v.capacity_g * k for v, k in zip(vans, rounds, strict=True))
    if max(out_n, in_n) <= most_n and max(out_g, in_g) <= most_g:
        return None
    return min(v.capacity_parcels for v in vans), min(v.capacity_g for v in vans)


def _oldest_within(parcels: list[WaitingParcel], cap: tuple[int, int] | None) -> list:
    """The oldest of ``parcels`` that fit ``cap`` (parcels, grams); all without a cap."""
    if cap is None:
        return parcels
    most_n, most_g = cap
    taken, grams = 0, 0
    for parcel in parcels[:most_n]:
        if grams + parcel.weight_g > most_g:
            break
        grams += parcel.weight_g
        taken += 1
    return parcels[:taken]


def build_problem(
    day: PlanningDay,
    todo: list[StationWork],
    vans: list[Vehicle],
    free_from: dict[str, int],
    wave: int,
    cap: tuple[int, int] | None = None,
) -> RoutingProblem:
    """The planner's problem of one wave: ``todo`` stations (by code) and the free vans;
    with a ``cap`` (:func:`wave_share`) each station offers only its oldest parcels
    within it."""
    idx = [0] + [day.node_of[w.station_id] for w in todo]
    return RoutingProblem(
        depot=Depot(key=day.hub.code, opens_s=0, latest_return_s=day.latest_return_s),
        stops=[_stop(day, w, cap) for w in todo],
        vans=[
            Van(
                key=v.code,
                capacity_g=v.capacity_g,
                capacity_parcels=v.capacity_parcels,
                shift_start_s=free_from[v.code],
                shift_end_s=seconds_of_day(v.shift_end),
                cost_per_km_fen=v.cost_per_km_fen,
                fixed_cost_fen=v.fixed_cost_fen,
            )
            for v in vans
        ],
        distance_m=day.metres[np.ix_(idx, idx)],
        travel_s=day.seconds[np.ix_(idx, idx)],
        name=f"{day.hub.code} {day.service_date} wave {wave}",
    )


def _stop(day: PlanningDay, slot: StationWork, cap: tuple[int, int] | None = None) -> Stop:
    station = day.stations[slot.station_id]
    pickups = _oldest_within(slot.outbound, cap)
    drops = _oldest_within(slot.inbound, cap)
    return Stop(
        key=station.code,
        pickup_g=weight_g(pickups),
        pickup_parcels=len(pickups),
        delivery_g=weight_g(drops),
        delivery_parcels=len(drops),
        opens_s=seconds_of_day(station.opens),
        closes_s=seconds_of_day(station.closes),
        service_s=max(0, station.service_minutes or 0) * 60,
        service_per_parcel_s=SERVICE_PER_PARCEL_S,
        waiting_days=waiting_days(day.service_date, (p.registered_on for p in slot.parcels)),
    )


def _whole_parcels(
    day: PlanningDay,
    plan: RoutingPlan,
    vans: list[Vehicle],
    wave: int,
    reasons: CarryOverReasons,
) -> list[RoundLoad]:
    """The plan's rounds with whole parcels, each within its van's kg capacity."""
    filled = fill(plan, day.work, day.station_of)
    capacity = {v.code: v.capacity_g for v in vans}
    loads = []
    for r_i, rnd in enumerate(plan.rounds):
        load = RoundLoad(
            van=rnd.van,
            capacity_g=capacity[rnd.van],
            wave=wave,
            departure_s=rnd.departure_s,
            return_s=rnd.return_s,
            metres=rnd.metres,
            visits=[filled[(r_i, v_i)] for v_i in range(len(rnd.visits))],
        )
        for parcel in trim(load):
            reasons.trimmed(parcel.station_id)
        loads.append(load)
    return loads
