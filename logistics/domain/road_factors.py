"""Road factors learned from what the vans drove, and the distance a round drove.

A road factor is road km over straight-line (great-circle) km. The hub has one for all
its roads (``Hub.road_factor``); the vans' finished rounds with their driven km tell
each station's own.

The model: a leg from place a to place b drives ``straight_km(a, b) x (f_a + f_b) / 2``
(the hub is a place too, with its own factor f_hub), so a round drives
``sum over its legs`` of that, which is linear in the factors: one least-squares row per
round. Why this model:

* one factor per place, not per pair: thirty stations have 435 pairs and a month of
  rounds drives only some of them, while every driven leg tells about both of its ends;
  a station across a valley makes every leg to it long, which its own factor carries;
* it is identifiable where the data are: a round touches every station it visits with
  a weight of the km driven near it, and rounds of different stations in different
  orders separate them. What rounds cannot separate (a station only ever driven
  together with another, or the hub's end against a station only ever driven alone,
  whose one-stop rounds tell only f_hub + f_s) the prior settles: each factor is
  pulled toward the hub's factor by ``pseudo_rounds`` imaginary rounds of its own,
  each weighing as much as one of its real rounds (a ridge penalty), so a station
  with one round keeps close to the hub's factor and one with fifty follows them.

Rows are divided by the round's driven km, so each round counts by its relative error
(a 20 km round and a 90 km one weigh alike). A round whose driven km cannot be a road
distance of its route (under the straight line, or over 5 times it) is left out, and
after a first fit so is a round far off the other rounds of its stations (a mistyped
odometer); the factors
are then clipped to [1.0, 4.0].
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from logistics.domain import geo
from logistics.errors import InvalidInput
from logistics.i18n import _

MIN_FACTOR = 1.0
MAX_FACTOR = 4.0
PSEUDO_ROUNDS = 1.0
"""How many imaginary rounds driven at the hub's factor each station starts with."""

# A round's driven km over its straight-line km outside these is no road distance.
PLAUSIBLE_RATIO = (0.98, 5.0)
# After the first fit, a round whose relative error is over this many times the median
# one (and over 15 %) is taken for a mistyped distance and left out of the second fit.
OUTLIER_SPREAD = 5.0
OUTLIER_FLOOR = 0.15
OUTLIER_WITNESSES = 3  # other rounds of each of its stations needed to call a round wrong

MAX_ROUND_KM = 2000.0
"""No van drives more in one round: a larger figure is a typing slip."""
MAX_OVER_PLANNED = 10.0
"""A round does not drive 10 times its planned km: a larger figure is a typing slip."""
ODOMETER_TOLERANCE_KM = 0.5
"""--km and the odometer readings agree when they differ by no more than this."""

Place = Hashable


@dataclass(frozen=True)
class DrivenRound:
    """A finished round: the stations it visited in driving order (it leaves from the
    hub and comes back to it) and the km it drove."""

    stations: tuple[Place, ...]
    driven_km: float


@dataclass(frozen=True)
class RoadFactors:
    """The learned factors: the hub's end, each station's, and how many rounds each
    rests on (a station absent from ``stations`` uses ``prior``, the hub's factor)."""

    prior: float
    hub: float
    stations: Mapping[Place, float] = field(default_factory=dict)
    rounds_of: Mapping[Place, int] = field(default_factory=dict)
    rounds_used: int = 0
    rounds_left_out: int = 0

    def of(self, place: Place) -> float:
        return self.stations.get(place, self.prior)

    def learned(self, place: Place) -> bool:
        return self.rounds_of.get(place, 0) > 0


def straight_km(lats: Sequence[float], lons: Sequence[float]) -> np.ndarray:
    """Great-circle km between every pair of points (n x n)."""
    return geo.distance_matrix_km(lats, lons, road_factor=1.0)


def road_km(straight: np.ndarray, factors: Sequence[float]) -> np.ndarray:
    """Road km between points from their straight-line km and each point's factor: a
    leg's factor is the mean of its two ends' (the model above)."""
    f = np.asarray(factors, dtype=float)
    return np.asarray(straight, dtype=float) * (f[:, None] + f[None, :]) / 2


def learnable(driven_km: float, straight_line_km: float) -> bool:
    """Whether a round that drove ``driven_km`` on a route of ``straight_line_km`` (its
    legs' great-circle km) can teach road factors: a distance outside
    :data:`PLAUSIBLE_RATIO` of the straight line is no road distance of that route."""
    low, high = PLAUSIBLE_RATIO
    return straight_line_km > 0 and low * straight_line_km <= driven_km <= high * straight_line_km


def route_straight_km(hub: tuple[float, float], stations: Sequence[tuple[float, float]]) -> float:
    """The great-circle km of a round from ``hub`` through ``stations`` (lat, lon) in
    driving order and back: what :func:`learnable` compares a driven distance with."""
    if not stations:
        return 0.0
    points = [hub, *stations, hub]
    line = straight_km([p[0] for p in points], [p[1] for p in points])
    return float(sum(line[k, k + 1] for k in range(len(points) - 1)))


def learn(
    rounds: Sequence[DrivenRound],
    hub: tuple[float, float],
    places: Mapping[Place, tuple[float, float]],
    prior: float,
    *,
    pseudo_rounds: float = PSEUDO_ROUNDS,
) -> RoadFactors:
    """The factors that best explain the driven km of ``rounds`` (least squares with the
    prior above). ``hub`` and ``places`` are (lat, lon); a round naming a place not in
    ``places`` is left out."""
    keys = list(places)
    index = {key: k + 1 for k, key in enumerate(keys)}  # 0 is the hub's end
    usable = [r for r in rounds if r.stations and all(s in index for s in r.stations)]
    left_out = len(rounds) - len(usable)
    if not usable:
        return RoadFactors(prior=prior, hub=prior, rounds_left_out=left_out)
    lats = [hub[0]] + [places[k][0] for k in keys]
    lons = [hub[1]] + [places[k][1] for k in keys]
    straight = straight_km(lats, lons)
    rows, driven = [], []
    for r in usable:
        route = [0] + [index[s] for s in r.stations] + [0]
        row = np.zeros(len(keys) + 1)
        line = 0.0
        for a, b in zip(route, route[1:], strict=False):
            row[a] += straight[a, b] / 2
            row[b] += straight[a, b] / 2
            line += straight[a, b]
        if not learnable(r.driven_km, line):
            left_out += 1
            continue
        rows.append(row)
        driven.append(r.driven_km)
    if not rows:
        return RoadFactors(prior=prior, hub=prior, rounds_left_out=left_out)
    design = np.array(rows) / np.array(driven)[:, None]
    keep = np.ones(len(rows), dtype=bool)
    factors = _fit(design, keep, prior, pseudo_rounds)
    errors = np.abs(design @ factors - 1.0)
    limit = max(OUTLIER_FLOOR, OUTLIER_SPREAD * float(np.median(errors)))
    # Only other rounds of the same stations can contradict a round: a new station's
    # first round is surprising, not wrong.
    visits = design > 0
    others = visits.sum(axis=0)[None, :] - 1
    contradicted = np.where(visits[:, 1:], others[:, 1:] >= OUTLIER_WITNESSES, True).all(axis=1)
    keep = (errors <= limit) | ~contradicted
    if not keep.all():
        factors = _fit(design, keep, prior, pseudo_rounds)
    left_out += int((~keep).sum())
    factors = np.clip(factors, MIN_FACTOR, MAX_FACTOR)
    touched = (design[keep] > 0).sum(axis=0)
    return RoadFactors(
        prior=prior,
        hub=float(factors[0]),
        stations={key: float(factors[index[key]]) for key in keys if touched[index[key]]},
        rounds_of={key: int(touched[index[key]]) for key in keys if touched[index[key]]},
        rounds_used=int(keep.sum()),
        rounds_left_out=left_out,
    )


def _fit(design: np.ndarray, keep: np.ndarray, prior: float, pseudo_rounds: float) -> np.ndarray:
    """Least squares of ``design @ f = 1`` over the kept rows, each factor also held to
    the prior by ``pseudo_rounds`` rows of a typical round of its own (the mean weight
    its real rounds give it; a place no round visited gets the mean over all places,
    and keeps the prior exactly as nothing else pulls at it)."""
    rows = design[keep]
    visited = rows > 0
    counts = visited.sum(axis=0)
    typical = np.where(counts > 0, rows.sum(axis=0) / np.maximum(counts, 1), 0.0)
    fallback = float(typical[counts > 0].mean()) if (counts > 0).any() else 1 / prior
    typical = np.where(counts > 0, typical, fallback)
    weight = math.sqrt(max(pseudo_rounds, 1e-6)) * typical
    a = np.vstack([rows, np.diag(weight)])
    b = np.concatenate([np.ones(len(rows)), weight * prior])
    solution, *_rest = np.linalg.lstsq(a, b, rcond=None)
    return solution


# ---------------------------------------------------------------- a round's distance


KM_UNITS = ("公里", "千米", "km")
"""Units a km figure may be typed with, after the number."""
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 12,034.5 as the hub prints it
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def read_km(typed: str | float | None, *, name: str, round_no: str) -> float | None:
    """A km figure as a person types it: 48.5, 48.5公里, 48.5 km, 48.5千米, full-width
    ５１ (an input method's digits), 12,034.5 (grouped as the hub prints an odometer).
    ``name`` is what the figure was typed as (--km, KM) for the sentence refusing it;
    None when nothing was typed."""
    if typed is None:
        return None
    if isinstance(typed, int | float) and not isinstance(typed, bool):
        return float(typed)
    text = str(typed)
    key = unicodedata.normalize("NFKC", text).strip()
    for unit in KM_UNITS:
        if key.lower().endswith(unit):
            key = key[: -len(unit)].rstrip()
            break
    if _DECIMAL.fullmatch(key):
        return float(key)
    if _GROUPED.fullmatch(key):
        return float(key.replace(",", ""))
    if _DECIMAL_COMMA.fullmatch(key):
        raise InvalidInput(
            _(
                "Round {round}: {option} {value} is not a number of km: type {example} "
                "(a point before the decimals, not a comma)."
            ).format(round=round_no, option=name, value=text, example=key.replace(",", "."))
        )
    raise InvalidInput(
        _(
            "Round {round}: {option} {value} is not a number of km: expected e.g. 48.5 or 48.5公里."
        ).format(round=round_no, option=name, value=text)
    )


def driven_metres(
    *,
    km: str | float | None,
    odometer_out: str | float | None,
    odometer_in: str | float | None,
    planned_m: int,
    round_no: str,
    km_name: str = "--km",
) -> int | None:
    """The metres a round drove from the km (typed as ``km_name``: ``--km``, or ``KM``
    of `hub round km`) and/or the odometer read out and in (None when neither was
    given); refuses a figure no van drives, or two that disagree."""
    km = read_km(km, name=km_name, round_no=round_no)
    odometer_out = read_km(odometer_out, name="--odometer-out", round_no=round_no)
    odometer_in = read_km(odometer_in, name="--odometer-in", round_no=round_no)
    if km is not None and not (math.isfinite(km) and km > 0):
        raise InvalidInput(
            _(
                "Round {round}: {option} {value} is not a distance driven: expected more "
                "than 0 km, e.g. 48.5."
            ).format(round=round_no, option=km_name, value=f"{km:g}")
        )
    for name, value in (("--odometer-out", odometer_out), ("--odometer-in", odometer_in)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise InvalidInput(
                _(
                    "Round {round}: {option} {value} is not an odometer reading: expected "
                    "0 km or more, e.g. 12034.5."
                ).format(round=round_no, option=name, value=f"{value:g}")
            )
    if (odometer_out is None) != (odometer_in is None):
        raise InvalidInput(
            _(
                "Round {round}: give both --odometer-out and --odometer-in (the readings "
                "when the van left and when it came back), or --km alone."
            ).format(round=round_no)
        )
    read = None
    if odometer_out is not None and odometer_in is not None:
        if odometer_in < odometer_out:
            raise InvalidInput(
                _(
                    "Round {round}: the odometer read {odometer_in} km back at the hub, less "
                    "than {odometer_out} km when the van left: expected --odometer-in to be "
                    "the larger reading."
                ).format(round=round_no, odometer_in=odometer_in, odometer_out=odometer_out)
            )
        read = odometer_in - odometer_out
    if km is not None and read is not None and abs(km - read) > ODOMETER_TOLERANCE_KM:
        raise InvalidInput(
            _(
                "Round {round}: {option} {km} does not agree with the odometer, which says "
                "{read} km ({odometer_in} - {odometer_out}): expected them within 0.5 km."
            ).format(
                round=round_no,
                option=km_name,
                km=f"{km:g}",
                read=f"{read:.1f}",
                odometer_in=f"{odometer_in:g}",
                odometer_out=f"{odometer_out:g}",
            )
        )
    driven = km if km is not None else read
    if driven is None:
        return None
    planned_km = planned_m / 1000
    if (
        driven <= 0
        or driven > MAX_ROUND_KM
        or (planned_km > 0 and driven > MAX_OVER_PLANNED * planned_km)
    ):
        raise InvalidInput(
            _(
                "Round {round}: {km} km driven cannot be right for a round planned at "
                "{planned} km: expected more than 0, at most 2,000 km and at most 10 times "
                "the planned km."
            ).format(round=round_no, km=f"{driven:g}", planned=f"{planned_km:.1f}")
        )
    return round(driven * 1000)


def difference_percent(planned_m: int, driven_m: int | None) -> float | None:
    """How much more (or less, negative) the round drove than planned, in % to 0.1;
    None when the distance driven is not recorded or nothing was planned."""
    if driven_m is None or planned_m <= 0:
        return None
    return round((driven_m - planned_m) * 100 / planned_m, 1)
