"""A van that is back early goes out again: the day is planned in waves.

A township fleet carries more than one van-load a day. After the first wave, what is
left is planned again for the vans from their return plus ``RELOAD_MINUTES``. On an
ordinary day a van makes at most ``MAX_WAVES`` rounds, its started and finished rounds
included (``rounds_left``). On a day with more work than the vans carry in that many
rounds each (Double 11) a van goes out again while it can be back by the return, up to
``PEAK_MAX_WAVES``; each wave then offers a station one load of each size of free van,
in pieces that follow the vans' capacities (``load_steps``), so every van can leave
full. A wave plans only the vans with rounds left, and waves go on while they take
work. The search time asked for is the budget of the whole day, shared out
over the waves by ``WAVE_SHARES`` (a wave after the last share gets the last one's
settings, cut to its few stations).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from logistics.domain.routing import SearchSettings
from logistics.errors import InvalidInput
from logistics.i18n import _

RELOAD_MINUTES = 20
"""Minutes a van spends at the hub between two rounds (unload, load the next drops)."""

MAX_WAVES = 4
"""At most this many rounds per van on an ordinary day, its started and finished rounds
included."""

PEAK_MAX_WAVES = 12
"""At most this many rounds per van on a day with more work than the vans carry in
``MAX_WAVES`` rounds each. The return, not this, ends a van's day: a full round on the
sample township takes 45-75 minutes with the reload, so eight or nine fit between 07:00
and 15:30. The bound is there for the search time: each wave is one more search, and
on a day of short rounds near the hub waves would otherwise go on until the return."""

DAY_TIME_LIMIT_S = 0.6
"""Default search time of the whole day, shared over the waves (``--time-limit``)."""

WAVE_SHARES = (0.45, 0.25, 0.17, 0.13)
"""Share of the day's search time given to each wave. The first wave is the big one and
runs the full portfolio (one strategy per core); later waves plan what is left, a few
stations, with the first strategy in this process (no worker start-up)."""

MIN_WAVE_S = 0.2
"""No wave searches for less than this, unless it has only a few stations (below)."""

SECONDS_PER_STATION = 0.02
"""A wave of a few stations (a van back early fetching three late ones) is solved to the
optimum long before its share of the time: it searches this much per station, at least
``SMALL_WAVE_S``."""
SMALL_WAVE_S = 0.05


def day_time_limit(time_limit: float | None) -> float:
    """The day's search budget in seconds: the one asked for, or the default."""
    if time_limit is None:
        return DAY_TIME_LIMIT_S
    if not (isinstance(time_limit, int | float) and math.isfinite(time_limit)) or time_limit <= 0:
        raise InvalidInput(
            _("The time limit must be a positive number of seconds, got {value}.").format(
                value=time_limit
            )
        )
    return float(time_limit)


def wave_settings(settings: SearchSettings, total: float) -> list[SearchSettings]:
    """The search settings of each wave, in order, for a day's budget of ``total`` s."""
    out = []
    for wave, share in enumerate(WAVE_SHARES[:MAX_WAVES], start=1):
        settings_of_wave = settings.with_time_limit(max(MIN_WAVE_S, total * share))
        if wave > 1:
            settings_of_wave = replace(settings_of_wave, workers=1)
        out.append(settings_of_wave)
    return out


def rounds_left(made: int, peak: bool = False) -> int:
    """Rounds a van may still make today after the ``made`` rounds it has started or
    finished; ``peak``: on a day with more work than the vans carry in ``MAX_WAVES``
    rounds each."""
    return max(0, (PEAK_MAX_WAVES if peak else MAX_WAVES) - made)


def load_steps(capacities: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``(parcels, grams)`` at which a station's work is cut into pieces for a wave,
    smallest first, from the free vans' ``capacities``: the first piece is a load of the
    smallest van, each next one tops it up to a load of the next bigger van. A van of
    any size can then take a full load at one station (the pieces up to its size), and
    the pieces left over fill another van. Each step is at least the one before in both
    units."""
    steps: list[tuple[int, int]] = []
    for parcels, grams in sorted(set(capacities)):
        if steps:
            parcels, grams = max(parcels, steps[-1][0]), max(grams, steps[-1][1])
            if (parcels, grams) == steps[-1]:
                continue
        steps.append((parcels, grams))
    return steps


def of_wave(every_wave: list[SearchSettings], wave: int) -> SearchSettings:
    """The settings of wave number ``wave`` (from 1); past the last share, the last's."""
    return every_wave[min(wave, len(every_wave)) - 1]


QUICK_FIRST = ("SAVINGS",)
"""First-solution strategies that build a plan in milliseconds when most visits must be
left out (a wave of pieces): the cheapest-arc one took 2.6 s on the sample Double 11
day's first wave of 30 pieces, so a wave of 0.2 s never got past it; the savings one
took 0.04 s and its rounds after 0.2 s of search were as good as the other's after 3 s."""


def quick_first(settings: SearchSettings) -> SearchSettings:
    """``settings`` with the portfolio's ``QUICK_FIRST`` entries first (one worker runs
    only the first entry)."""
    portfolio = sorted(settings.portfolio, key=lambda e: e.split("/")[0] not in QUICK_FIRST)
    return replace(settings, portfolio=tuple(portfolio))


def for_stations(settings: SearchSettings, stations: int) -> SearchSettings:
    """A wave's settings cut to what its number of stations needs."""
    limit = min(settings.time_limit_s, max(SMALL_WAVE_S, SECONDS_PER_STATION * stations))
    return settings.with_time_limit(limit)


def back_at_hub_s(return_s: int) -> int:
    """When a van that returns at ``return_s`` can leave on its next round."""
    return return_s + RELOAD_MINUTES * 60


def free_from_s(shift_start_s: int, returns_s: Iterable[int], not_before_s: int = 0) -> int:
    """When a van can leave on a new round of the day: at its shift start, or once back
    from the rounds it is already on (``returns_s``, the planned return of a started
    round or the actual return of a finished one) and reloaded, and not before
    ``not_before_s`` (now, when the day is under way)."""
    return max([shift_start_s, not_before_s] + [back_at_hub_s(r) for r in returns_s])
