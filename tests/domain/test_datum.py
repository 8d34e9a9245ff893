"""WGS-84 to GCJ-02: the datum Chinese web maps draw in, checked against published points."""

from __future__ import annotations

import pytest

from logistics.domain.datum import Datum, in_china, to_datum, wgs84_to_gcj02
from logistics.domain.geo import haversine_km

# (WGS-84 lat, lon) -> (GCJ-02 lat, lon), the reference points of two independent,
# widely used implementations: googollee/eviltransform (python/test.py) and
# hujiulong/gcoord (test/unit/crs/WGS84.spec.ts).
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
    ((45.0, 123.0), (45.00197815, 123.00607541)),  # Heilongjiang / Jilin
]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_published_reference_points(wgs, gcj):
    lat, lon = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-7)
    assert lon == pytest.approx(gcj[1], abs=1e-7)


def test_a_shanxi_township_moves_a_few_hundred_metres_east():
    # the sample hub, 高都镇 in 泽州县, 晋城市, 山西省
    wgs = (35.5946, 112.9688)
    gcj = wgs84_to_gcj02(*wgs)
    shift_m = haversine_km(*wgs, *gcj) * 1000
    assert 400 < shift_m < 700  # about 565 m
    assert gcj[1] > wgs[1]  # mostly east, as everywhere in north China
    assert abs(gcj[0] - wgs[0]) < 0.001


@pytest.mark.parametrize(
    "point",
    [(51.5007, -0.1246), (35.6586, 139.7454), (-33.8568, 151.2153), (48.8584, 2.2945)],
    ids=["London", "Tokyo", "Sydney", "Paris"],
)
def test_outside_china_a_point_is_unchanged(point):
    assert not in_china(*point)
    assert wgs84_to_gcj02(*point) == point


def test_to_datum_keeps_wgs84_as_stored():
    point = (35.5946, 112.9688)
    assert to_datum(*point, Datum.WGS84) == point
    assert to_datum(*point, Datum.GCJ02) == wgs84_to_gcj02(*point)
