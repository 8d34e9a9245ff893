import numpy as np
import pytest

from logistics.domain.geo import (
    distance_matrix_km,
    distance_matrix_m,
    haversine_km,
    travel_time_matrix_s,
)


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(30.0, 110.0, 31.0, 110.0) == pytest.approx(111.2, abs=0.1)


def test_beijing_to_shanghai_great_circle():
    # Tiananmen to the Bund: about 1,067 km as the crow flies.
    assert haversine_km(39.9087, 116.3975, 31.2400, 121.4900) == pytest.approx(1067, abs=5)


def test_matrix_matches_pairwise_distance_times_road_factor():
    lats = [30.00, 30.05, 29.93, 30.12]
    lons = [110.00, 110.10, 109.95, 110.02]
    m = distance_matrix_km(lats, lons, road_factor=1.3)
    assert m.shape == (4, 4)
    assert np.allclose(np.diag(m), 0.0)
    assert np.allclose(m, m.T)
    for i in range(4):
        for j in range(4):
            expected = 1.3 * haversine_km(lats[i], lons[i], lats[j], lons[j])
            assert m[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_metre_matrix_is_integer_and_rounded():
    m = distance_matrix_m([30.0, 30.01], [110.0, 110.0], road_factor=1.0)
    assert m.dtype == np.int64
    assert m[0, 1] == round(haversine_km(30.0, 110.0, 30.01, 110.0) * 1000)


def test_same_place_twice_is_zero_distance():
    m = distance_matrix_m([30.0, 30.0], [110.0, 110.0])
    assert m.tolist() == [[0, 0], [0, 0]]


def test_travel_time_rounds_up_to_whole_seconds():
    t = travel_time_matrix_s(np.array([[0, 35_000], [35_001, 0]]), speed_kmh=35)
    assert t.tolist() == [[0, 3600], [3601, 0]]


@pytest.mark.parametrize(
    ("lats", "lons", "factor"),
    [([30.0], [110.0], 0.9), ([95.0], [110.0], 1.4), ([30.0, 31.0], [110.0], 1.4)],
)
def test_bad_input_is_refused(lats, lons, factor):
    with pytest.raises(ValueError):
        distance_matrix_km(lats, lons, factor)


def test_speed_must_be_positive():
    with pytest.raises(ValueError):
        travel_time_matrix_s(np.zeros((2, 2)), 0)
