"""Coordinate datums: the hub stores WGS-84, Chinese web maps draw in GCJ-02.

Stations and the hub are stored as GPS gives them (WGS-84). Web maps published in
China (AutoNavi/Gaode, Tencent) place their tiles in GCJ-02, the obfuscated datum
their licences require: a WGS-84 point drawn on them as it is lands a few hundred
metres off, often on the wrong side of a street or a river. :func:`wgs84_to_gcj02`
is the published conversion (Krasovsky 1940 ellipsoid, the same polynomials as
eviltransform, coordtransform and gcoord); outside China the datums agree and the
point is returned unchanged.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Datum(StrEnum):
    WGS84 = "WGS-84"
    GCJ02 = "GCJ-02"


# Krasovsky 1940, the ellipsoid the GCJ-02 polynomials are stated on
_A = 6378245.0
_EE = 0.00669342162296594323

# The rectangle every published implementation treats as "in China"; a rectangle, so
# it takes in parts of neighbouring countries, as those implementations do.
_MIN_LON, _MAX_LON = 72.004, 137.8347
_MIN_LAT, _MAX_LAT = 0.8293, 55.8271


def in_china(lat: float, lon: float) -> bool:
    """True where GCJ-02 differs from WGS-84."""
    return _MIN_LON <= lon <= _MAX_LON and _MIN_LAT <= lat <= _MAX_LAT


def _lat_term(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _lon_term(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """The GCJ-02 (lat, lon) of a WGS-84 point; unchanged outside China."""
    if not in_china(lat, lon):
        return lat, lon
    # the polynomials are stated around 105 E, 35 N
    x, y = lon - 105.0, lat - 35.0
    d_lat = _lat_term(x, y)
    d_lon = _lon_term(x, y)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lon + d_lon


def to_datum(lat: float, lon: float, datum: Datum) -> tuple[float, float]:
    """A stored (WGS-84) point in ``datum``."""
    if datum is Datum.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    return lat, lon
