"""Why a station's work waits for another day, and for how long it has waited.

A plan carries work over with one plain reason per station, and the reason is what
actually kept the work out, whichever wave left it and whatever the search did:

1. the work cannot be served at all by the vans of the plan, as they are free when the
   plan starts (opening hours out of reach, no way back before the return, no van big
   enough): ``cannot_serve`` says which, from the work left over;
2. no van is free at all (none active, or all on the road until the return);
3. whole parcels would put a van over its kg capacity on a split visit;
4. a van that is still free once the plan's rounds are made could serve it on its own,
   but has made the most rounds a van makes in a day (its started and finished rounds
   count; ``most_rounds``, which on a day with more work than the vans can carry names
   the plan's limit), or, if some such van has rounds left, the plan ended before it
   went (``plan_ended``);
5. otherwise no van, once back from its rounds, can still serve it on its own: the
   vans' time went to other stations' work, until the station closed
   (``day_full_until_closing``) when its closing is what it came too late for, else
   until the return (``day_full``). That is the answer for every station the search or
   a later wave left out, so it does not change with the search's seed.

``tests/services/test_replanning.py`` checks 1 and 5 by solving the day again with the
station forced in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from logistics.domain.routing import RoutingProblem, clock
from logistics.domain.routing.visits import split_stop, van_window, why_impossible
from logistics.i18n import N_, _, ngettext

# The reasons, in English; a plan says them in the chosen language (``_(NO_VAN)``).
NO_VAN = N_("no van is available for the day")
CAPACITY_TRIM = N_("whole parcels would put the van over its kg capacity on a split visit")


def no_van_back(latest_return_s: int) -> str:
    return _("no van is back at the hub in time for another round before the {time} return").format(
        time=clock(latest_return_s)
    )


def day_full(latest_return_s: int) -> str:
    return _(
        "a van could serve it, but the vans' time until the {time} return went to other "
        "stations' work"
    ).format(time=clock(latest_return_s))


def day_full_until_closing(closes: str) -> str:
    return _(
        "a van could serve it, but the vans' time until it closed at {time} went to other "
        "stations' work"
    ).format(time=closes)


def most_rounds(rounds: int, peak: bool = False) -> str:
    if peak:
        return ngettext(
            "every van that could still serve it already makes {n} round that day: on a day "
            "with more work than the vans can carry, the plan stops at {n} round a van",
            "every van that could still serve it already makes {n} rounds that day: on a day "
            "with more work than the vans can carry, the plan stops at {n} rounds a van",
            rounds,
        ).format(n=rounds)
    return ngettext(
        "every van that could serve it already makes {n} round that day, the most a van "
        "makes in a day",
        "every van that could serve it already makes {n} rounds that day, the most a van "
        "makes in a day",
        rounds,
    ).format(n=rounds)


def plan_ended(latest_return_s: int) -> str:
    return _(
        "a van is still free to serve it before the {time} return, but the planner's "
        "search ended without it; plan again with a longer --time-limit"
    ).format(time=clock(latest_return_s))


def waiting_days(day: date, registered_on: Iterable[date]) -> int:
    """Days the oldest parcel has waited by ``day`` (0 for none or registered that day)."""
    oldest = min(registered_on, default=day)
    return max(0, (day - oldest).days)


def cannot_serve(problem: RoutingProblem) -> str | None:
    """Why the vans of ``problem`` cannot serve its stops' work at all, each visit by a
    van on its own (the first reason found), or None when they can."""
    vans = tuple(v for v in problem.vans if van_window(problem, v)[0] <= van_window(problem, v)[1])
    for i, stop in enumerate(problem.stops):
        if not stop.has_work:
            continue
        for visit in split_stop(i, stop, vans):
            reason = why_impossible(problem, visit, vans)
            if reason is not None:
                return reason
    return None


class CarryOverReasons:
    """The reason each station's leftover work is carried over, by station id."""

    def __init__(self, latest_return_s: int = 24 * 3600) -> None:
        self.latest_return_s = latest_return_s
        self._cannot: dict[int, str] = {}
        self._no_van: dict[int, str] = {}
        self._trimmed: set[int] = set()
        self._most_rounds: dict[int, tuple[int, bool]] = {}
        self._ran_out: dict[int, str] = {}

    def no_van(self, station_ids: Iterable[int], *, busy: bool = False) -> None:
        """No van can go out at all for these stations: none is active, or (``busy``)
        every van is on the road until the return."""
        reason = no_van_back(self.latest_return_s) if busy else _(NO_VAN)
        for sid in station_ids:
            self._no_van[sid] = reason

    def cannot(self, station_id: int, reason: str) -> None:
        """No van of the plan could serve the station's leftover work on its own."""
        self._cannot[station_id] = reason

    def trimmed(self, station_id: int) -> None:
        """Parcels were taken off a split visit to keep the van within capacity."""
        self._trimmed.add(station_id)

    def most_rounds(self, station_ids: Iterable[int], rounds: int, peak: bool = False) -> None:
        """Vans could still serve these stations, but each of them already makes the most
        rounds (``rounds``) of a day (``peak``: of a day with more work than the vans can
        carry)."""
        for sid in station_ids:
            self._most_rounds[sid] = (rounds, peak)

    def closed(self, station_id: int, closes_s: int) -> None:
        """The vans were on other stations' rounds until too late to reach the station
        before it closed at ``closes_s``."""
        self._ran_out[station_id] = day_full_until_closing(clock(closes_s))

    def plan_ended(self, station_id: int) -> None:
        """A van with time and rounds left could serve the station on its own, but the
        plan ended without it."""
        self._ran_out[station_id] = plan_ended(self.latest_return_s)

    def of(self, station_id: int) -> str:
        if station_id in self._cannot:
            return self._cannot[station_id]
        if station_id in self._no_van:
            return self._no_van[station_id]
        if station_id in self._trimmed:
            return _(CAPACITY_TRIM)
        if station_id in self._most_rounds:
            return most_rounds(*self._most_rounds[station_id])
        if station_id in self._ran_out:
            return self._ran_out[station_id]
        return day_full(self.latest_return_s)
