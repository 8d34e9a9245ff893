"""The round planner: a `RoutingProblem` in, a `RoutingPlan` out, on OR-Tools routing.

Pure: no database. Units are integer grams, parcels, metres, seconds (times of day are
seconds since local midnight) and fen. Build a problem from `Depot`, `Stop` and `Van`
plus distance and travel-time matrices (hub at index 0), then call `solve`.
"""

from logistics.domain.routing.plan import Round, RoutingPlan, Unserved, Visit
from logistics.domain.routing.problem import (
    BASE_DROP_PENALTY_FEN,
    Depot,
    RoutingProblem,
    Stop,
    Van,
    clock,
    seconds_of_day,
)
from logistics.domain.routing.solver import (
    DEFAULT_SETTINGS,
    SearchSettings,
    solve,
    solve_with,
)

__all__ = [
    "BASE_DROP_PENALTY_FEN",
    "DEFAULT_SETTINGS",
    "Depot",
    "Round",
    "RoutingPlan",
    "RoutingProblem",
    "SearchSettings",
    "Stop",
    "Unserved",
    "Van",
    "Visit",
    "clock",
    "seconds_of_day",
    "solve",
    "solve_with",
]
