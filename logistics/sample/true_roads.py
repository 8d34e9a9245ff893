"""A hidden "true" road network for the sample township, to drive planned rounds on.

The planner does not know it: it sees only the km a round drove (``hub round finish
--km``), as at a real hub. Mountain-like and deterministic from a seed:

- a valley runs across the township near the hub, at a direction the seed chooses;
  stations on the hub's side of it lie along the provincial road or on the slopes
  above it (true factor 1.1 near the road, rising with the distance from it), stations
  across the valley are reached by winding roads down and up again (2.0 to 3.0);
- a leg's true factor is the mean of its two ends', times a factor of its own between
  0.93 and 1.07 (a pair of villages with a shortcut, or a detour), so the learning's
  model is close to the truth and not the truth itself;
- :meth:`TrueRoads.drive` drives a round: the sum of its legs, times a little noise
  (the driver's detour to the petrol station, the odometer's tenths), rounded to 0.1 km.

Pure numpy, no database: ``benchmarks/road_learning.py`` and the tests use it.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from logistics.domain import geo

TRUE_FACTOR_RANGE = (1.1, 3.0)
HUB = "HUB"
"""The hub's key in :attr:`TrueRoads.factors`."""
PAIR_SPREAD = 0.07
DRIVE_NOISE = 0.015  # standard deviation of a round's relative noise


@dataclass(frozen=True)
class TrueRoads:
    seed: int
    points: Mapping[str, tuple[float, float]]  # key: (lat, lon); the hub is HUB
    factors: Mapping[str, float]

    def pair_factor(self, a: str, b: str) -> float:
        """The true factor of the leg between two places (the same both ways)."""
        low, high = sorted((a, b))
        u = zlib.crc32(f"{self.seed}|{low}|{high}".encode()) / 0xFFFFFFFF
        own = 1 + PAIR_SPREAD * (2 * u - 1)
        return (self.factors[a] + self.factors[b]) / 2 * own

    def leg_km(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        (lat1, lon1), (lat2, lon2) = self.points[a], self.points[b]
        return geo.haversine_km(lat1, lon1, lat2, lon2) * self.pair_factor(a, b)

    def route_km(self, stations: Sequence[str]) -> float:
        """The true road km of a round from the hub through ``stations`` and back."""
        route = [HUB, *stations, HUB]
        return sum(self.leg_km(a, b) for a, b in zip(route, route[1:], strict=False))

    def drive(self, stations: Sequence[str], rng: np.random.Generator) -> float:
        """The km the van's odometer shows after driving the round: the true km with a
        little noise, to 0.1 km."""
        noisy = self.route_km(stations) * (1 + rng.normal(0.0, DRIVE_NOISE))
        return round(max(noisy, 0.1), 1)


def true_roads(
    hub: tuple[float, float], stations: Mapping[str, tuple[float, float]], seed: int = 11
) -> TrueRoads:
    """The township's true network: each station's true factor between 1.1 and 3.0."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, math.pi)
    # The valley runs along ``direction`` about 1.5 km from the hub, on the seed's side.
    direction = np.array([math.cos(angle), math.sin(angle)])
    normal = np.array([-direction[1], direction[0]]) * rng.choice([-1.0, 1.0])
    valley_at = 1.5  # km from the hub along ``normal``
    lat0 = math.radians(hub[0])
    factors: dict[str, float] = {HUB: 1.2}
    low, high = TRUE_FACTOR_RANGE
    for code in sorted(stations):
        lat, lon = stations[code]
        # km east and north of the hub: flat enough over a township's 20 km
        xy = np.array(
            [
                math.radians(lon - hub[1]) * math.cos(lat0) * geo.EARTH_RADIUS_KM,
                math.radians(lat - hub[0]) * geo.EARTH_RADIUS_KM,
            ]
        )
        across = float(xy @ normal) - valley_at  # > 0: across the valley
        along_road = abs(float(xy @ normal))  # the provincial road runs with the valley
        if across > 0:
            factor = 2.0 + 0.6 * min(1.0, across / 6.0) + rng.uniform(0.0, 0.4)
        else:
            factor = 1.1 + 0.5 * min(1.0, along_road / 8.0) + rng.uniform(0.0, 0.25)
        factors[code] = float(min(high, max(low, factor)))
    points = {HUB: hub, **dict(stations)}
    return TrueRoads(seed=seed, points=points, factors=factors)
