"""Building the planner's problem of each wave and solving it.

The pure planner (``logistics.domain.routing``) gives each van one round. A van back
early is loaded again (``logistics.domain.waves``): after each wave, what is left is
planned again for the vans free from their return plus the reload time. Each solved
round gets whole parcels (``logistics.domain.round_loads``) and what no wave carries is
carried over with its reason (``logistics.domain.carry_over``).

On a day with more work than the vans carry in an ordinary day's rounds (Double 11,
:func:`more_than_carried`), a van goes out again while it can be back by the return
(``waves.PEAK_MAX_WAVES``), and a wave is offered loads of work, each one load of the
biggest free van, its oldest parcels first, cut into pieces that follow the free vans'
capacities (:func:`wave_share`, ``waves.load_steps``): with vans of 100, 150 and 220
parcels a load is pieces of 100, 50 and 70, so each van can leave full from one
station. Only the loads that matter most are offered, two for each free van
(:func:`_offer`), so the planner chooses among a few dozen visits instead of splitting
each station into dozens it could never all serve. A piece left out costs in
proportion to its parcels, so the planner fills the vans rather than counting visits.
A round that takes several pieces of a station stops there once. What the waves leave
is carried over.

Sample Double 11 day (25,950 parcels, five vans of 100-220 parcels, 2026-12-02): before,
four rounds a van, each held to 100 parcels a station, 20 rounds moved 3,997 parcels
and the vans were home by 11:04-14:44; now 32 rounds (five to eight a van, full but
for the last) move 5,756, the last back at 15:04-15:29 for the 15:30 return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from logistics.domain import waves as wave_rules
from logistics.domain.carry_over import CarryOverReasons, cannot_serve, waiting_days
from logistics.domain.round_loads import (
    RoundLoad,
    StationWork,
    VisitLoad,
    WaitingParcel,
    fill,
    trim,
    weight_g,
)
from logistics.domain.routing import (
    BASE_DROP_PENALTY_FEN,
    Depot,
    RoutingPlan,
    RoutingProblem,
    SearchSettings,
    Stop,
    Van,
    clock,
    seconds_of_day,
    solve,
)
from logistics.domain.routing.problem import DAY_S
from logistics.i18n import _
from logistics.models import Vehicle
from logistics.services.planning.tables import PlanningDay, due_back_s

SERVICE_PER_PARCEL_S = 8
"""Seconds at a station for each parcel picked up or dropped (scan and hand over)."""

OFFER_PER_VAN = 2
"""On a wave of pieces (:func:`wave_share`), the loads offered for each free van."""


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
    (``waves.rounds_left``, their started and finished rounds counted; more on a day
    with more work than the vans carry in an ordinary day's rounds)."""
    out = Waves(reasons=CarryOverReasons(day.latest_return_s))
    free_from = dict(day.free_from)
    waiting = [w for w in day.work.values() if not w.empty]
    at_start = [v for v in day.fleet if _has_time(day, v, free_from)]
    peak = more_than_carried(waiting, at_start, {v.code: wave_rules.MAX_WAVES for v in at_start})
    left = {v.code: wave_rules.rounds_left(day.rounds_made.get(v.code, 0), peak) for v in day.fleet}
    if peak:
        out.notes.append(
            _(
                "More work than the vans carry in {n} rounds each: each van goes out again "
                "while it can be back by {time} (at most {most} rounds), with a full load "
                "of its own size"
            ).format(
                n=wave_rules.MAX_WAVES,
                time=clock(day.latest_return_s),
                most=wave_rules.PEAK_MAX_WAVES,
            )
        )
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
        room = _room(day, todo, usable, free_from)
        steps = wave_share(todo, usable, left, peak, room)
        offer = _offer(day, todo, usable, free_from, wave, steps)
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
        if steps is not None:
            settings_of_wave = wave_rules.quick_first(settings_of_wave)
        plan = solve(offer.problem, wave_rules.for_stations(settings_of_wave, len(todo)))
        out.count = wave
        out.solve_seconds += plan.solve_seconds
        out.notes.extend(n for n in plan.notes if n not in out.notes)
        if not plan.rounds:
            break
        loads = _whole_parcels(day, plan, usable, wave, out.reasons, offer.pieces)
        if not _take(day, out, loads, free_from, left):
            break
    out.solve_seconds += _last_calls(day, out, free_from, left, every_wave[-1], wave + 1)
    _explain(day, out.reasons, free_from, left, peak)
    return out


def _last_calls(
    day: PlanningDay,
    out: Waves,
    free_from: dict[str, int],
    left: dict[str, int],
    settings: SearchSettings,
    wave: int,
) -> float:
    """Offer each station the waves left, one van at a time, to the vans still free with
    rounds left; the seconds spent solving.

    A wave offers a station as one visit sized for its biggest free van; late in the
    day that van may no longer get there and back in time while a smaller one can take
    most of the load (found on the sample day: 246 parcels of GD04 left at 13:04 with
    two 150-parcel vans free until the 15:30 return). Alone with one van, the station
    is cut to that van's size, so the van takes what it can."""
    spent = 0.0
    quick = settings.with_time_limit(wave_rules.SMALL_WAVE_S)
    tried: set[tuple[int, str, int]] = set()  # station, van, van free from: nothing taken
    taken = True
    while taken:  # each pass takes a round of some van's, or ends: rounds are bounded
        taken = False
        for slot in sorted((w for w in day.work.values() if not w.empty), key=lambda w: w.code):
            for van in day.fleet:
                if slot.empty or left[van.code] <= 0 or not _has_time(day, van, free_from):
                    continue
                attempt = (slot.station_id, van.code, free_from[van.code])
                if attempt in tried:
                    continue
                tried.add(attempt)
                problem, pieces = build_problem(day, [slot], [van], free_from, wave), {}
                if cannot_serve(problem) is not None:
                    piece = _piece_in_time(day, slot, van, free_from)
                    if piece is None:
                        continue
                    node = day.node_of[slot.station_id]
                    problem = _problem(day, [_stop(day, piece)], [node], [van], free_from, wave)
                    pieces = {slot.code: piece}
                    if cannot_serve(problem) is not None:
                        continue
                plan = solve(problem, quick)
                spent += plan.solve_seconds
                loads = _whole_parcels(day, plan, [van], wave, out.reasons, pieces)
                taken = _take(day, out, loads, free_from, left) > 0 or taken
    return spent


def _piece_in_time(
    day: PlanningDay, slot: StationWork, van: Vehicle, free_from: dict[str, int]
) -> StationWork | None:
    """The oldest of the station's work that ``van``, free from when it is free, has the
    time to stop for and still be back by its return (late in the day a van can take
    part of a station it has no time to serve whole); None when not even one parcel."""
    node = day.node_of[slot.station_id]
    station = day.stations[slot.station_id]
    end = due_back_s(van, day.latest_return_s)
    trip = int(day.seconds[0, node] + day.seconds[node, 0]) + 60  # a minute to spare
    spare = end - free_from[van.code] - trip - max(0, station.service_minutes or 0) * 60
    fits = spare // SERVICE_PER_PARCEL_S
    if fits < 1:
        return None
    outbound = _oldest_within(slot.outbound, (min(fits, van.capacity_parcels), van.capacity_g))
    room = min(fits - len(outbound), van.capacity_parcels)
    inbound = _oldest_within(slot.inbound, (room, van.capacity_g))
    piece = StationWork(slot.station_id, slot.code, outbound, inbound)
    return None if piece.empty else piece


def _take(
    day: PlanningDay,
    out: Waves,
    loads: list[RoundLoad],
    free_from: dict[str, int],
    left: dict[str, int],
) -> int:
    """The rounds ``loads`` join the plan: their parcels leave the day's work, each van is
    free again once back and reloaded, with one round fewer left; the parcels taken (none:
    no round joins)."""
    moved = sum(day.work[v.station_id].take(v) for load in loads for v in load.visits)
    if not moved:
        return 0
    for load in loads:
        free_from[load.van] = wave_rules.back_at_hub_s(load.return_s)
        left[load.van] -= 1
    out.rounds.extend(loads)
    return moved


def _has_time(day: PlanningDay, van: Vehicle, free_from: dict[str, int]) -> bool:
    """Whether ``van`` can still leave before the return and the end of its shift."""
    return free_from[van.code] < due_back_s(van, day.latest_return_s)


def _explain(
    day: PlanningDay,
    reasons: CarryOverReasons,
    free_from: dict[str, int],
    left: dict[str, int],
    peak: bool,
) -> None:
    """Give each station with work left the reason that actually kept it out
    (``logistics.domain.carry_over``), whatever wave or search left it: checked first
    against the vans as they were free when the plan started; then against the vans
    still free after the plan's rounds (``free_from``): if one of them could serve it
    alone, it has made its rounds of the day (``left``) or the plan ended early; if
    none can, their time went to other stations' work, until the station closed when
    that is what they came too late for, else until the return."""
    work_left = [w for w in day.work.values() if not w.empty]
    if not work_left:
        return
    at_start = [v for v in day.fleet if _has_time(day, v, day.free_from)]
    still_free = [v for v in day.fleet if _has_time(day, v, free_from)]
    most = wave_rules.PEAK_MAX_WAVES if peak else wave_rules.MAX_WAVES
    for slot in work_left:
        if at_start:
            reason = cannot_serve(build_problem(day, [slot], at_start, dict(day.free_from), 0))
            if reason is not None:
                reasons.cannot(slot.station_id, reason)
                continue
        able = [
            v
            for v in still_free
            if cannot_serve(build_problem(day, [slot], [v], free_from, 0)) is None
        ]
        if able:
            if all(left[v.code] == 0 for v in able):
                reasons.most_rounds([slot.station_id], most, peak)
            else:
                reasons.plan_ended(slot.station_id)
        elif _closing_is_too_early(day, slot, still_free, free_from):
            reasons.closed(slot.station_id, seconds_of_day(day.stations[slot.station_id].closes))


def _closing_is_too_early(
    day: PlanningDay, slot: StationWork, vans: list[Vehicle], free_from: dict[str, int]
) -> bool:
    """Whether the station closes before the return and none of ``vans`` (those still
    free after the plan's rounds) could reach it in its opening hours, even with no
    return to be back for: its closing is then what the vans came too late for."""
    closes = seconds_of_day(day.stations[slot.station_id].closes)
    if closes >= day.latest_return_s:
        return False
    if not vans:
        return True
    problem = build_problem(day, [slot], vans, free_from, 0)
    problem.depot = replace(problem.depot, latest_return_s=DAY_S)
    problem.vans = tuple(replace(v, shift_end_s=DAY_S) for v in problem.vans)
    return cannot_serve(problem) is not None


def more_than_carried(todo: list[StationWork], vans: list[Vehicle], rounds: dict[str, int]) -> bool:
    """Whether the work of ``todo`` is more than ``vans`` carry in ``rounds`` rounds each
    (picked up or dropped, by parcels or by kg)."""
    if not vans:
        return False
    out_n = sum(len(w.outbound) for w in todo)
    in_n = sum(len(w.inbound) for w in todo)
    out_g = sum(weight_g(w.outbound) for w in todo)
    in_g = sum(weight_g(w.inbound) for w in todo)
    k = [rounds[v.code] for v in vans]
    most_n = sum(v.capacity_parcels * n for v, n in zip(vans, k, strict=True))
    most_g = sum(v.capacity_g * n for v, n in zip(vans, k, strict=True))
    return max(out_n, in_n) > most_n or max(out_g, in_g) > most_g


def wave_share(
    todo: list[StationWork],
    vans: list[Vehicle],
    left: dict[str, int],
    peak: bool = False,
    room: dict[str, int] | None = None,
) -> list[tuple[int, int]] | None:
    """The ``(parcels, grams)`` steps at which each station's work is cut into pieces for
    this wave (``waves.load_steps``; the last is the biggest free van's load, all a
    station offers), or None for all of it, whole.

    Pieces on a ``peak`` day, and on any wave whose work is more than the free vans
    carry in all the rounds they have left: the planner then only chooses what goes
    first, so each station is offered one load of each size of free van. A van with
    time for fewer parcels than it holds before the return (``room``, by van code)
    counts as that size, so its last round of the day takes what it has time for."""
    if not vans:
        return None
    if not peak and not more_than_carried(todo, vans, left):
        return None
    room = room or {}
    return wave_rules.load_steps(
        (min(v.capacity_parcels, room.get(v.code, v.capacity_parcels)), v.capacity_g) for v in vans
    )


def _room(
    day: PlanningDay, todo: list[StationWork], vans: list[Vehicle], free_from: dict[str, int]
) -> dict[str, int]:
    """The parcels each van has time to pick up or drop on a round to the nearest
    station of ``todo`` before the return (at least one)."""
    nodes = [day.node_of[w.station_id] for w in todo]
    stations = [day.stations[w.station_id] for w in todo]
    shortest = min(
        int(day.seconds[0, k] + day.seconds[k, 0]) + max(0, s.service_minutes or 0) * 60
        for k, s in zip(nodes, stations, strict=True)
    )
    out = {}
    for v in vans:
        due = due_back_s(v, day.latest_return_s)
        out[v.code] = max(1, (due - free_from[v.code] - shortest) // SERVICE_PER_PARCEL_S)
    return out


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


@dataclass
class _Offer:
    """One wave's problem; with stations cut into pieces, each piece's parcels by its
    stop key (empty when every station is offered whole)."""

    problem: RoutingProblem
    pieces: dict[str, StationWork] = field(default_factory=dict)


def _loads(slot: StationWork, steps: list[tuple[int, int]]) -> list[list[StationWork]]:
    """The station's work, oldest first, in loads of the biggest step, each cut at
    ``steps`` (:func:`wave_share`) into pieces: :class:`StationWork` of the same station,
    empty ones left out."""
    out: list[list[StationWork]] = []
    outbound, inbound = slot.outbound, slot.inbound
    while outbound or inbound:
        load: list[StationWork] = []
        done_out = done_in = 0
        for step in steps:
            upto_out = len(_oldest_within(outbound, step))
            upto_in = len(_oldest_within(inbound, step))
            piece = StationWork(
                slot.station_id,
                slot.code,
                outbound[done_out:upto_out],
                inbound[done_in:upto_in],
            )
            if not piece.empty:
                load.append(piece)
            done_out, done_in = max(done_out, upto_out), max(done_in, upto_in)
        if not load:
            break  # a parcel heavier than the biggest step: offered whole, by the planner's split
        out.append(load)
        outbound, inbound = outbound[done_out:], inbound[done_in:]
    return out


def _offer(
    day: PlanningDay,
    todo: list[StationWork],
    vans: list[Vehicle],
    free_from: dict[str, int],
    wave: int,
    steps: list[tuple[int, int]] | None,
) -> _Offer:
    """The wave's problem: each station whole (``steps`` None), or the loads that
    matter most, cut into pieces of each size of free van.

    The loads offered are ``OFFER_PER_VAN`` for each free van: every station's first
    load before any station's second, the oldest work first, then the nearest station
    (the most parcels a van-hour), leaving out a station closed before a van could get
    there or too far for the time any van has left. A fraction of a second of search
    finds good rounds among a few dozen visits and not among a hundred; a station not
    offered keeps its parcels for the next wave or, older, for the next day's first
    choice."""
    if steps is None:
        return _Offer(build_problem(day, todo, vans, free_from, wave))
    soonest = min(free_from[v.code] for v in vans)
    most_time = max(due_back_s(v, day.latest_return_s) - free_from[v.code] for v in vans)
    ranked = []
    for slot in todo:
        station = day.stations[slot.station_id]
        node = day.node_of[slot.station_id]
        trip_s = int(day.seconds[0, node] + day.seconds[node, 0])
        if soonest + int(day.seconds[0, node]) > seconds_of_day(station.closes):
            continue
        if trip_s + max(0, station.service_minutes or 0) * 60 > most_time:
            continue
        waited = waiting_days(day.service_date, (p.registered_on for p in slot.parcels))
        for n, load in enumerate(_loads(slot, steps)[: len(vans)]):
            ranked.append(((n, -waited, trip_s, slot.code), slot, load))
    ranked.sort(key=lambda t: t[0])
    biggest = max(n for n, _g in steps)
    pieces: dict[str, StationWork] = {}
    stops: list[Stop] = []
    nodes: list[int] = []
    for (n, *_rank), slot, load in ranked[: OFFER_PER_VAN * len(vans)]:
        for k, piece in enumerate(load, start=1):
            key = slot.code if (n, k) == (0, 1) else f"{slot.code}#{n + 1}.{k}"
            pieces[key] = piece
            stop = _stop(day, piece)
            # A piece left out costs by its parcels: fill the vans, not count visits.
            share = (len(piece.outbound) + len(piece.inbound)) / biggest
            penalty = BASE_DROP_PENALTY_FEN * (1 + stop.waiting_days) ** 2 * share
            stops.append(replace(stop, key=key, drop_penalty_fen=max(1, round(penalty))))
            nodes.append(day.node_of[slot.station_id])
    if not stops:  # no station a van could still serve: let the rules say why
        return _Offer(build_problem(day, todo, vans, free_from, wave))
    return _Offer(_problem(day, stops, nodes, vans, free_from, wave), pieces)


def build_problem(
    day: PlanningDay,
    todo: list[StationWork],
    vans: list[Vehicle],
    free_from: dict[str, int],
    wave: int,
) -> RoutingProblem:
    """The planner's problem of ``todo`` stations (by code), each offering all its
    work, and the free vans."""
    stops = [_stop(day, w) for w in todo]
    return _problem(day, stops, [day.node_of[w.station_id] for w in todo], vans, free_from, wave)


def _problem(
    day: PlanningDay,
    stops: list[Stop],
    nodes: list[int],
    vans: list[Vehicle],
    free_from: dict[str, int],
    wave: int,
) -> RoutingProblem:
    idx = [0, *nodes]
    return RoutingProblem(
        depot=Depot(key=day.hub.code, opens_s=0, latest_return_s=day.latest_return_s),
        stops=stops,
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


def _stop(day: PlanningDay, slot: StationWork) -> Stop:
    station = day.stations[slot.station_id]
    return Stop(
        key=station.code,
        pickup_g=weight_g(slot.outbound),
        pickup_parcels=len(slot.outbound),
        delivery_g=weight_g(slot.inbound),
        delivery_parcels=len(slot.inbound),
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
    pieces: dict[str, StationWork],
) -> list[RoundLoad]:
    """The plan's rounds with whole parcels, each within its van's kg capacity: a
    piece's visits take that piece's parcels, a whole station's its oldest."""
    if pieces:
        filled = fill(plan, pieces, {key: key for key in pieces})  # type: ignore[arg-type]
        for visit in filled.values():
            visit.station_id = pieces[visit.visit.key].station_id
    else:
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
        load.visits = _one_stop_a_station(load.visits)
        loads.append(load)
    return loads


def _one_stop_a_station(visits: list[VisitLoad]) -> list[VisitLoad]:
    """Pieces of one station taken one after the other are one stop of the round: it
    arrives for the first and leaves after the last."""
    out: list[VisitLoad] = []
    for v in visits:
        if not out or out[-1].station_id != v.station_id:
            out.append(v)
            continue
        first, then = out[-1].visit, v.visit
        merged = replace(
            first,
            departure_s=then.departure_s,
            pickup_g=first.pickup_g + then.pickup_g,
            pickup_parcels=first.pickup_parcels + then.pickup_parcels,
            delivery_g=first.delivery_g + then.delivery_g,
            delivery_parcels=first.delivery_parcels + then.delivery_parcels,
            load_g=then.load_g,
            load_parcels=then.load_parcels,
            metres_from_previous=first.metres_from_previous + then.metres_from_previous,
        )
        out[-1] = VisitLoad(
            v.station_id, merged, out[-1].pickups + v.pickups, out[-1].drops + v.drops
        )
    return out
