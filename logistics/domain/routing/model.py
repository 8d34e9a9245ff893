"""The OR-Tools routing model for one day: nodes, callbacks, dimensions, penalties.

Node 0 is the hub; node k >= 1 is ``visits[k - 1]``. Every callback is registered once
as a matrix or vector (evaluated in C++, no Python call per arc):

- arc cost: metres x the van's fen per km (one matrix per distinct price), in
  milli-fen; a van priced at 0 fen/km is charged 1 so its rounds stay short;
- "Time": service at the node left + driving seconds; slack is waiting (left out when
  nothing is timed: no driving or service seconds and no window that binds);
- "Grams" and "Parcels": the load on board.

Pickup and delivery on the same round (VRP with simultaneous pickup and delivery):
the load dimension's transit at a node is pickup - delivery, and its cumul at a van's
start is NOT fixed to zero. A second dimension ("DeliveredGrams", "DeliveredParcels")
counts what the round drops, and the constraint
``Grams.cumul(start) == DeliveredGrams.cumul(end)`` makes the van leave the hub with
exactly the inbound parcels of its own stops. Then ``Grams.cumul`` is the true load on
every leg, and its [0, capacity] range keeps the van within capacity at every point of
the round. (Summing deliveries and pickups separately, the naive model, lets a van
leave overloaded; ``tests/domain/test_routing.py`` has that case.) When a day has only
pickups or only deliveries the plain one-dimension model is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp

from logistics.domain.routing.problem import RoutingProblem, Van
from logistics.domain.routing.visits import VisitWork, latest_service_start, van_window

MILLI = 1000
"""Objective unit: 1/1000 fen, so metres x fen/km is an exact integer."""


@dataclass
class Model:
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    visits: list[VisitWork]
    vans: list[Van]
    distance: np.ndarray
    travel: np.ndarray
    service: np.ndarray
    time: pywrapcp.RoutingDimension | None
    load_dimensions: dict[str, pywrapcp.RoutingDimension | None]
    windows: list[tuple[int, int]]
    """Each van's earliest departure and latest return."""
    latest_start: np.ndarray
    """Per node, the latest service start (node 0: unused)."""
    opens: np.ndarray
    """Per node, the earliest service start."""
    loads: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    """Per load dimension that exists: pickup and delivery per node, capacity per van."""
    penalty: np.ndarray
    """Per node, the objective cost of leaving the visit out; -1 where it must be made."""


def _add_load(
    routing: pywrapcp.RoutingModel,
    name: str,
    pickup: list[int],
    delivery: list[int],
    capacities: list[int],
) -> pywrapcp.RoutingDimension | None:
    """Add the load dimension ``name`` (see the module docstring for the mixed case).

    Nothing is added when nothing is carried in this unit (a benchmark without parcels).
    """
    has_pickup, has_delivery = any(pickup), any(delivery)
    if not (has_pickup or has_delivery):
        return None
    if not (has_pickup and has_delivery):
        amounts = pickup if has_pickup else delivery
        cb = routing.RegisterUnaryTransitVector(amounts)
        routing.AddDimensionWithVehicleCapacity(cb, 0, capacities, True, name)
        return routing.GetDimensionOrDie(name)
    net = routing.RegisterUnaryTransitVector([p - d for p, d in zip(pickup, delivery, strict=True)])
    routing.AddDimensionWithVehicleCapacity(net, 0, capacities, False, name)
    load = routing.GetDimensionOrDie(name)
    dropped_name = "Delivered" + name
    dropped = routing.RegisterUnaryTransitVector(delivery)
    routing.AddDimensionWithVehicleCapacity(dropped, 0, capacities, True, dropped_name)
    delivered = routing.GetDimensionOrDie(dropped_name)
    solver = routing.solver()
    for v in range(len(capacities)):
        solver.Add(load.CumulVar(routing.Start(v)) == delivered.CumulVar(routing.End(v)))
    return load


def _needs_time(problem, visits, windows, travel, service) -> bool:
    if travel.any() or service.any():
        return True
    earliest = min(start for start, _ in windows)
    latest = max(due for _, due in windows)
    return any(
        problem.stops[w.stop_index].opens_s > earliest
        or latest_service_start(problem, problem.stops[w.stop_index], w) < latest
        for w in visits
    )


def _add_time(problem, routing, manager, visits, windows, travel, service):
    horizon = int(
        max(
            [due for _, due in windows]
            + [problem.stops[w.stop_index].closes_s for w in visits]
            + [problem.depot.latest_return_s]
        )
        + 1
    )
    time_cb = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    time = routing.GetDimensionOrDie("Time")
    for k, w in enumerate(visits, start=1):
        stop = problem.stops[w.stop_index]
        time.CumulVar(manager.NodeToIndex(k)).SetRange(
            stop.opens_s, latest_service_start(problem, stop, w)
        )
    for v, (start, due) in enumerate(windows):
        time.CumulVar(routing.Start(v)).SetRange(start, due)
        time.CumulVar(routing.End(v)).SetRange(start, due)
        # Be back as early as possible, then leave as late as that allows (no idle wait).
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(routing.Start(v)))
    return time


def build_model(
    problem: RoutingProblem,
    visits: list[VisitWork],
    vans: list[Van],
    relax_required: bool = False,
) -> Model:
    """Build the routing model for the visits that some van could make alone."""
    idx = np.array([0] + [w.matrix_index for w in visits], dtype=np.int64)
    distance = problem.distance_m[np.ix_(idx, idx)]
    travel = problem.travel_s[np.ix_(idx, idx)]
    service = np.array([0] + [w.service_s for w in visits], dtype=np.int64)
    n_nodes, n_vans = len(idx), len(vans)

    manager = pywrapcp.RoutingIndexManager(n_nodes, n_vans, 0)
    routing = pywrapcp.RoutingModel(manager)

    # Arc costs: one matrix per distinct price per km.
    cost_callbacks: dict[int, int] = {}
    for v, van in enumerate(vans):
        price = van.cost_per_km_fen or 1
        if price not in cost_callbacks:
            cost_callbacks[price] = routing.RegisterTransitMatrix((distance * price).tolist())
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[price], v)
        if van.fixed_cost_fen:
            routing.SetFixedCostOfVehicle(van.fixed_cost_fen * MILLI, v)

    # Time: service at the node left plus driving; waiting is slack. Left out only when
    # there is nothing to schedule (no driving or service time, no window that binds).
    windows = [van_window(problem, van) for van in vans]
    time = None
    if _needs_time(problem, visits, windows, travel, service):
        time = _add_time(problem, routing, manager, visits, windows, travel, service)

    loads = {
        "Grams": _add_load(
            routing,
            "Grams",
            [0] + [w.pickup_g for w in visits],
            [0] + [w.delivery_g for w in visits],
            [van.capacity_g for van in vans],
        ),
        "Parcels": _add_load(
            routing,
            "Parcels",
            [0] + [w.pickup_parcels for w in visits],
            [0] + [w.delivery_parcels for w in visits],
            [van.capacity_parcels for van in vans],
        ),
    }

    # A visit is optional unless its stop is required (and ``relax_required`` is off);
    # dropping it costs its stop's (age-weighted) penalty.
    top = max(problem.stops[w.stop_index].penalty_fen for w in visits) * MILLI
    penalties = np.full(n_nodes, -1, dtype=np.int64)
    for k, w in enumerate(visits, start=1):
        stop = problem.stops[w.stop_index]
        if stop.required and not relax_required:
            continue
        penalty = top * 10 if stop.required else stop.penalty_fen * MILLI
        penalties[k] = penalty
        routing.AddDisjunction([manager.NodeToIndex(k)], penalty)

    opens = np.array([0] + [problem.stops[w.stop_index].opens_s for w in visits], dtype=np.int64)
    latest = np.array(
        [0] + [latest_service_start(problem, problem.stops[w.stop_index], w) for w in visits],
        dtype=np.int64,
    )
    raw_loads = []
    for name, fields, cap in (
        ("Grams", ("pickup_g", "delivery_g"), "capacity_g"),
        ("Parcels", ("pickup_parcels", "delivery_parcels"), "capacity_parcels"),
    ):
        if loads[name] is None:
            continue
        pickup, delivery = (
            np.array([0] + [getattr(w, f) for w in visits], dtype=np.int64) for f in fields
        )
        raw_loads.append((pickup, delivery, np.array([getattr(v, cap) for v in vans])))
    return Model(
        manager, routing, visits, vans, distance, travel, service, time, loads,
        windows, latest, opens, raw_loads, penalties,
    )  # fmt: skip
