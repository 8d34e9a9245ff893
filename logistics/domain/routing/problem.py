"""What the round planner is asked: the hub, the stations' work, the vans, the matrices.

Units everywhere: integer grams, integer parcels, integer metres, integer seconds,
money in integer fen. Times of day are seconds since local midnight of the service
day (08:30 is 30600). Matrix index 0 is the hub; index i + 1 is ``stops[i]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time

import numpy as np

from logistics.errors import InvalidInput
from logistics.i18n import N_, _

DAY_S = 24 * 3600

BASE_DROP_PENALTY_FEN = 1_000_000
"""Penalty (fen) for leaving a fresh stop unserved: far above any round's driving cost,
so the planner only drops work that cannot fit."""


def clock(seconds: int) -> str:
    """Seconds since midnight as HH:MM (past midnight shows as 24:10 and so on)."""
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def seconds_of_day(moment: time) -> int:
    """A wall-clock time (a shift start, an opening hour) as seconds since midnight."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second


_DISTANCE_SHAPE = N_(
    "The distance matrix is {rows}x{cols} but must be {n}x{n} (the hub plus {stops} stops)."
)
_TRAVEL_SHAPE = N_(
    "The travel-time matrix is {rows}x{cols} but must be {n}x{n} (the hub plus {stops} stops)."
)
_DISTANCE_NEGATIVE = N_("The distance matrix has a negative entry; expected >= 0.")
_TRAVEL_NEGATIVE = N_("The travel-time matrix has a negative entry; expected >= 0.")


@dataclass(frozen=True)
class Depot:
    """The hub: vans leave no earlier than ``opens_s`` and are back by ``latest_return_s``.

    ``latest_return_s`` is the earliest courier cut-off minus the sorting time; the
    caller computes it. Each van must also be back before its own shift end.
    """

    key: str = "hub"
    opens_s: int = 0
    latest_return_s: int = DAY_S


@dataclass(frozen=True)
class Stop:
    """One station's work for the day.

    ``key`` is the caller's name for it (the station code). Pickups are outbound
    parcels carried to the hub; deliveries are inbound parcels the van brings from the
    hub. Service starts and, when ``RoutingProblem.service_ends_by_close`` is true
    (the default), also ends within ``[opens_s, closes_s]``. Service lasts
    ``service_s + service_per_parcel_s * (parcels picked up + dropped)``.

    Dropping the stop costs ``drop_penalty_fen`` when given, otherwise
    ``BASE_DROP_PENALTY_FEN * (1 + waiting_days) ** 2``, so older work is served first
    and nothing waits forever. A ``required`` stop is never dropped by choice; if no plan
    can serve every required stop, they are planned as optional with the highest penalty
    and what is left is reported unserved.
    """

    key: str
    pickup_g: int = 0
    pickup_parcels: int = 0
    delivery_g: int = 0
    delivery_parcels: int = 0
    opens_s: int = 0
    closes_s: int = DAY_S
    service_s: int = 0
    service_per_parcel_s: int = 0
    waiting_days: int = 0
    drop_penalty_fen: int | None = None
    required: bool = False

    @property
    def has_work(self) -> bool:
        return (self.pickup_g + self.pickup_parcels + self.delivery_g + self.delivery_parcels) > 0

    @property
    def penalty_fen(self) -> int:
        if self.drop_penalty_fen is not None:
            return self.drop_penalty_fen
        return BASE_DROP_PENALTY_FEN * (1 + max(0, self.waiting_days)) ** 2


@dataclass(frozen=True)
class Van:
    """A van: capacities, shift (seconds since midnight), cost per km and per day used (fen)."""

    key: str
    capacity_g: int
    capacity_parcels: int
    shift_start_s: int = 0
    shift_end_s: int = DAY_S
    cost_per_km_fen: int = 0
    fixed_cost_fen: int = 0


@dataclass
class RoutingProblem:
    """A day to plan. ``distance_m`` and ``travel_s`` are (n+1) x (n+1) integer matrices.

    Stops with no work are never visited. ``service_ends_by_close`` False means only the
    start of service must fall inside the opening hours (the Solomon convention).
    """

    depot: Depot
    stops: Sequence[Stop]
    vans: Sequence[Van]
    distance_m: np.ndarray
    travel_s: np.ndarray
    service_ends_by_close: bool = True
    name: str = field(default="hub day")

    def __post_init__(self) -> None:
        self.stops = tuple(self.stops)
        self.vans = tuple(self.vans)
        self.distance_m = np.asarray(self.distance_m, dtype=np.int64)
        self.travel_s = np.asarray(self.travel_s, dtype=np.int64)
        self.validate()

    def validate(self) -> None:
        """Raise `InvalidInput` with one sentence for the first thing that is wrong."""
        n = len(self.stops) + 1
        matrices = (
            (self.distance_m, _DISTANCE_SHAPE, _DISTANCE_NEGATIVE),
            (self.travel_s, _TRAVEL_SHAPE, _TRAVEL_NEGATIVE),
        )
        for matrix, wrong_shape, negative in matrices:
            if matrix.shape != (n, n):
                raise InvalidInput(
                    _(wrong_shape).format(
                        rows=matrix.shape[0], cols=matrix.shape[-1], n=n, stops=n - 1
                    )
                )
            if (matrix < 0).any():
                raise InvalidInput(_(negative))
        keys = [s.key for s in self.stops]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise InvalidInput(
                _("Stop key {key} appears twice; each stop needs its own key.").format(
                    key=repr(dup)
                )
            )
        for s in self.stops:
            quantities = (s.pickup_g, s.pickup_parcels, s.delivery_g, s.delivery_parcels)
            if min(quantities) < 0:
                raise InvalidInput(
                    _("Stop {key} has a negative pickup or delivery quantity.").format(
                        key=repr(s.key)
                    )
                )
            if s.closes_s < s.opens_s:
                raise InvalidInput(
                    _("Stop {key} closes ({closes}) before it opens ({opens}).").format(
                        key=repr(s.key), closes=clock(s.closes_s), opens=clock(s.opens_s)
                    )
                )
            if s.service_s < 0 or s.service_per_parcel_s < 0:
                raise InvalidInput(
                    _("Stop {key} has a negative service time.").format(key=repr(s.key))
                )
        for v in self.vans:
            if v.capacity_g <= 0 or v.capacity_parcels <= 0:
                raise InvalidInput(
                    _("Van {key} needs a positive kg and parcel capacity.").format(key=repr(v.key))
                )
            if v.shift_end_s < v.shift_start_s:
                raise InvalidInput(
                    _("Van {key} shift ends before it starts.").format(key=repr(v.key))
                )
            if v.cost_per_km_fen < 0 or v.fixed_cost_fen < 0:
                raise InvalidInput(_("Van {key} has a negative cost.").format(key=repr(v.key)))
        vkeys = [v.key for v in self.vans]
        if len(set(vkeys)) != len(vkeys):
            raise InvalidInput(_("Two vans share a key; each van needs its own key."))
