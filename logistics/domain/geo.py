"""Great-circle distances between stations, and the matrices the round planner needs.

Distances between a hub and its village stations default to the great-circle
(haversine) distance times a road factor: mountain roads wind, so a factor of
1.3-1.6 is usual. Everything is vectorised with numpy, so a 200-station matrix is
one call. Matrices come out as integer metres and integer seconds, the units of
`logistics.domain.routing`.

A hub that has a measured road distance/time table hands it to the planner
directly; reading that file is not done here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the usual value for haversine distances."""

DEFAULT_ROAD_FACTOR = 1.4
"""Road distance over straight-line distance on rural township roads."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _as_coordinates(lats: Sequence[float], lons: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    lat = np.asarray(lats, dtype=float)
    lon = np.asarray(lons, dtype=float)
    if lat.ndim != 1 or lat.shape != lon.shape:
        raise ValueError(
            f"latitudes and longitudes must be two lists of the same length, "
            f"got shapes {lat.shape} and {lon.shape}"
        )
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180):
        raise ValueError("latitude must lie in [-90, 90] and longitude in [-180, 180] degrees")
    return lat, lon


def distance_matrix_km(
    lats: Sequence[float],
    lons: Sequence[float],
    road_factor: float = DEFAULT_ROAD_FACTOR,
) -> np.ndarray:
    """Road distance estimate in km between every pair of points (n x n float array).

    ``road_factor`` multiplies the great-circle distance; it must be at least 1.
    The diagonal is zero and the matrix is symmetric.
    """
    if road_factor < 1:
        raise ValueError(f"road factor must be at least 1, got {road_factor}")
    lat, lon = _as_coordinates(lats, lons)
    phi = np.radians(lat)
    lam = np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return km * road_factor


def distance_matrix_m(
    lats: Sequence[float],
    lons: Sequence[float],
    road_factor: float = DEFAULT_ROAD_FACTOR,
) -> np.ndarray:
    """`distance_matrix_km` rounded to integer metres (int64), the planner's unit."""
    return np.rint(distance_matrix_km(lats, lons, road_factor) * 1000.0).astype(np.int64)


def travel_time_matrix_s(distance_m: np.ndarray, speed_kmh: float) -> np.ndarray:
    """Driving seconds for each entry of a metre matrix at an average speed in km/h.

    Rounded up to whole seconds so a plan never promises an arrival the van cannot make.
    """
    if speed_kmh <= 0:
        raise ValueError(f"average speed must be a positive number of km/h, got {speed_kmh}")
    metres = np.asarray(distance_m, dtype=float)
    return np.ceil(metres * 3.6 / speed_kmh - 1e-9).astype(np.int64)
