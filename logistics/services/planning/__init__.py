"""Plan a day's collection rounds: from the waiting parcels to stored rounds and stops.

``plan_day(session, day=...)`` is the whole use case, in four steps:

1. **Load** (``tables``): the parcels waiting at or for each station, the vans and their
   shifts, the latest return (earliest courier cut-off minus sorting), the distances.
2. **Build** and 3. **solve** (``problem``): one routing problem per wave, solved by the
   pure planner; a van back early goes out again. Each round gets whole parcels, oldest
   first, within its van's kg capacity.
4. **Store** (``store``): rounds ``R-{yyyymmdd}-{n}`` and their stops, each parcel's
   round. An unstarted plan of the day is replaced.

Once rounds of the day have started (the afternoon re-plan), they stay: each holds its
van until its planned return and its parcels (``domain.round_status``), so the plan is
made for the vans as they come back (and not before now) and for the parcels no
started round carries, and replaces only the planned rounds. A parcel on a later day's
unstarted plan is offered to this (earlier) day's plan; those it takes leave their
round and are counted as moved, and a stop or round left with nothing is deleted. A
later day leaves the parcels of an earlier day's plan (from today on) alone.

The answer is a :class:`PlanSummary` (``summary``): the rounds in order, the rounds
kept, the parcels moved from a later day's plan, what is carried over and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlmodel import Session

from logistics.domain.carry_over import CAPACITY_TRIM as CAPACITY_TRIM_REASON
from logistics.domain.clock import Day
from logistics.domain.routing import DEFAULT_SETTINGS, SearchSettings
from logistics.domain.waves import DAY_TIME_LIMIT_S, MAX_WAVES, RELOAD_MINUTES, day_time_limit
from logistics.i18n import _
from logistics.io.road_table import read_matrix
from logistics.services import personal_data
from logistics.services.planning.notes import far_ahead, overdue
from logistics.services.planning.problem import SERVICE_PER_PARCEL_S, solve_in_waves
from logistics.services.planning.store import store_rounds
from logistics.services.planning.summary import (
    Backlog,
    CarriedOver,
    KeptRound,
    MovedParcels,
    PlannedRound,
    PlannedStop,
    PlanSummary,
    summarise,
)
from logistics.services.planning.tables import load_day

ProgressCallback = Callable[[str], None]


def plan_day(
    session: Session,
    day: str | Day | date | None = None,
    *,
    time_limit: float | None = None,
    vans: Sequence[str] | str | None = None,
    matrix: str | Path | None = None,
    progress: ProgressCallback | None = None,
    settings: SearchSettings | None = None,
    roads: str | None = None,
) -> PlanSummary:
    """Plan the hub-local ``day``'s rounds, store them, and say what they do.

    ``time_limit`` is the search time of the whole day in seconds (shared over the
    waves; ``DAY_TIME_LIMIT_S`` by default); ``settings`` the planner's other search
    settings; ``vans`` limits the plan to these van codes (a list or ``"VAN1,VAN2"``);
    ``matrix`` is a road table CSV; ``roads`` the hub's road server (OSRM or Valhalla,
    ``logistics.io.road_server``), used when there is no road table. Started and
    finished rounds of the day stay as they are (``PlanSummary.kept_rounds``).
    """
    say = progress or _quiet
    total_s = day_time_limit(time_limit)
    loaded = load_day(session, day, vans=vans, matrix=matrix, say=say, roads=roads)
    # The day's first plan erases personal data kept past the hub's keep_personal_days
    # (once the day is known to be one that can be planned).
    erased = personal_data.erase_before_first_plan(session, loaded.service_date)
    waves = solve_in_waves(loaded, settings or DEFAULT_SETTINGS, total_s, say)
    say(_("Storing the rounds"))
    planned, moved = store_rounds(session, loaded, waves.rounds)
    summary = summarise(loaded, waves, planned, moved)
    ahead = far_ahead(loaded.service_date, loaded.tz) if summary.parcels_served else None
    notes = (ahead, overdue(loaded), erased)
    notes = tuple(n for n in notes if n)
    return replace(summary, notes=(*summary.notes, *notes)) if notes else summary


def _quiet(_message: str) -> None:
    pass


__all__ = [
    "CAPACITY_TRIM_REASON",
    "DAY_TIME_LIMIT_S",
    "MAX_WAVES",
    "RELOAD_MINUTES",
    "SERVICE_PER_PARCEL_S",
    "Backlog",
    "CarriedOver",
    "KeptRound",
    "MovedParcels",
    "PlanSummary",
    "PlannedRound",
    "PlannedStop",
    "plan_day",
    "read_matrix",
]
