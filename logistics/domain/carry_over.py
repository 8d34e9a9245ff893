"""Why a station's work waits for another day, and for how long it has waited.

A plan carries work over with one plain reason per station. The first wave's reason
is the real one (no van at all, the planner could not fit it); a later wave only adds
a reason where there is none yet, so "no van is back in time" never hides why the
first wave left the station out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from logistics.domain.routing import clock
from logistics.i18n import N_, _

# The reasons, in English; a plan says them in the chosen language (``_(NO_VAN)``).
NO_VAN = N_("no van is available for the day")
CAPACITY_TRIM = N_("whole parcels would put the van over its kg capacity on a split visit")
LEFT_FOR_ANOTHER_DAY = N_("the planner left it for another day")


def no_van_back(latest_return_s: int) -> str:
    return _("no van is back at the hub in time for another round before the {time} return").format(
        time=clock(latest_return_s)
    )


def waiting_days(day: date, registered_on: Iterable[date]) -> int:
    """Days the oldest parcel has waited by ``day`` (0 for none or registered that day)."""
    oldest = min(registered_on, default=day)
    return max(0, (day - oldest).days)


class CarryOverReasons:
    """The reason each station's leftover work is carried over, by station id."""

    def __init__(self) -> None:
        self._by_station: dict[int, str] = {}

    def no_van(self, station_ids: Iterable[int], *, wave: int, latest_return_s: int) -> None:
        """No van can go out in this wave for these stations."""
        for sid in station_ids:
            if wave == 1:
                self._by_station[sid] = _(NO_VAN)
            else:
                self._by_station.setdefault(sid, no_van_back(latest_return_s))

    def unserved(self, station_id: int, reason: str) -> None:
        """The planner left the station out, in its own words."""
        self._by_station[station_id] = reason

    def trimmed(self, station_id: int) -> None:
        """Parcels were taken off a split visit to keep the van within capacity."""
        self._by_station[station_id] = _(CAPACITY_TRIM)

    def of(self, station_id: int) -> str:
        return self._by_station.get(station_id) or _(LEFT_FOR_ANOTHER_DAY)
