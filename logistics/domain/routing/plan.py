"""What the round planner answers: rounds per van, what was left over and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Visit:
    """One stop of a round. A station split over several visits appears several times.

    Times are seconds since midnight: the van arrives at ``arrival_s``, may wait, starts
    service at ``service_start_s`` and leaves at ``departure_s``. ``load_g`` and
    ``load_parcels`` are what is on board when it leaves.
    """

    key: str
    arrival_s: int
    service_start_s: int
    departure_s: int
    pickup_g: int
    pickup_parcels: int
    delivery_g: int
    delivery_parcels: int
    load_g: int
    load_parcels: int
    metres_from_previous: int
    part: int = 1
    parts: int = 1


@dataclass(frozen=True)
class Round:
    """One van's round: leaves the hub loaded with ``start_load_*``, visits, comes back."""

    van: str
    departure_s: int
    return_s: int
    visits: tuple[Visit, ...]
    metres: int
    start_load_g: int
    start_load_parcels: int
    cost_fen: int

    @property
    def seconds(self) -> int:
        return self.return_s - self.departure_s

    @property
    def metres_back_to_hub(self) -> int:
        return self.metres - sum(v.metres_from_previous for v in self.visits)


@dataclass(frozen=True)
class Unserved:
    """Work left at a station for another day, with a plain reason."""

    key: str
    pickup_g: int
    pickup_parcels: int
    delivery_g: int
    delivery_parcels: int
    waiting_days: int
    reason: str


@dataclass(frozen=True)
class RoutingPlan:
    """The planner's answer. ``objective`` is the solver's value in milli-fen, drop penalties
    included; ``cost_fen`` is the money the rounds cost (km and fixed van costs only)."""

    rounds: tuple[Round, ...]
    unserved: tuple[Unserved, ...]
    status: str
    objective: int
    cost_fen: int
    solve_seconds: float
    strategy: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def metres(self) -> int:
        return sum(r.metres for r in self.rounds)

    @property
    def seconds(self) -> int:
        return sum(r.seconds for r in self.rounds)

    @property
    def vans_used(self) -> int:
        return len(self.rounds)

    @property
    def served_keys(self) -> set[str]:
        return {v.key for r in self.rounds for v in r.visits}
