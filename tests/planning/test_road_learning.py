"""Road factors learned from driven rounds: recovered on a network whose true factors are
known, held near the hub's factor when a station has few rounds, and used by `hub plan`,
which says so."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from sqlmodel import select

from logistics.domain import road_factors
from logistics.domain.road_factors import DrivenRound, learn
from logistics.errors import InvalidInput
from logistics.models import Hub, Round, RoundStop, Station, Vehicle
from logistics.sample.true_roads import HUB, true_roads
from logistics.services import planning
from logistics.services.planning.learned_roads import learned_roads

HUB_AT = (35.5946, 112.9688)


def _network(n: int = 12, seed: int = 3):
    """Stations scattered within about 12 km of the hub, with known true factors."""
    rng = np.random.default_rng(seed)
    places = {
        f"S{k:02d}": (HUB_AT[0] + rng.uniform(-0.1, 0.1), HUB_AT[1] + rng.uniform(-0.12, 0.12))
        for k in range(n)
    }
    truth = {key: float(rng.uniform(1.1, 3.0)) for key in places}
    return places, truth


def _model_km(route, places, truth, hub_factor):
    points = [HUB_AT] + [places[s] for s in route] + [HUB_AT]
    factors = [hub_factor] + [truth[s] for s in route] + [hub_factor]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    straight = road_factors.straight_km(lats, lons)
    return sum(
        straight[k, k + 1] * (factors[k] + factors[k + 1]) / 2 for k in range(len(points) - 1)
    )


def _rounds(places, truth, hub_factor, count, seed=5, noise=0.01):
    rng = np.random.default_rng(seed)
    keys = sorted(places)
    out = []
    for _ in range(count):
        route = tuple(rng.choice(keys, size=int(rng.integers(2, 6)), replace=False))
        km = _model_km(route, places, truth, hub_factor) * (1 + rng.normal(0, noise))
        out.append(DrivenRound(route, km))
    return out


def test_true_factors_are_recovered_from_driven_rounds():
    places, truth = _network()
    rounds = _rounds(places, truth, hub_factor=1.25, count=150)
    learned = learn(rounds, HUB_AT, places, prior=1.4)
    assert learned.rounds_used == 150 and learned.rounds_left_out == 0
    for key, true in truth.items():
        assert learned.of(key) == pytest.approx(true, abs=0.12), key
    assert learned.hub == pytest.approx(1.25, abs=0.2)
    assert all(learned.rounds_of[key] > 20 for key in places)


def test_a_station_with_few_rounds_stays_near_the_hub_factor():
    places, truth = _network()
    truth["S00"] = 3.0
    others = sorted(set(places) - {"S00"})
    many = [r for r in _rounds(places, truth, 1.4, 200) if "S00" not in r.stations]
    with_s00 = [r for r in _rounds(places, truth, 1.4, 200, seed=6) if "S00" in r.stations]
    few = learn([*many, *with_s00[:1]], HUB_AT, places, prior=1.4)
    lots = learn([*many, *with_s00[:30]], HUB_AT, places, prior=1.4)
    assert few.rounds_of["S00"] == 1 and lots.rounds_of["S00"] == 30
    # one round moves it part of the way from 1.4 toward 3.0; thirty nearly all the way
    assert 1.4 < few.of("S00") < 2.6
    assert lots.of("S00") == pytest.approx(3.0, abs=0.15)
    assert abs(few.of("S00") - 1.4) < abs(lots.of("S00") - 1.4)
    assert all(few.of(s) == pytest.approx(truth[s], abs=0.2) for s in others)


def test_a_station_no_round_visited_uses_the_hub_factor():
    places, truth = _network()
    rounds = [r for r in _rounds(places, truth, 1.4, 60) if "S03" not in r.stations]
    learned = learn(rounds, HUB_AT, places, prior=1.35)
    assert not learned.learned("S03") and learned.of("S03") == 1.35
    assert learn([], HUB_AT, places, prior=1.35).of("S01") == 1.35


def test_a_mistyped_distance_is_left_out():
    places, truth = _network()
    rounds = _rounds(places, truth, 1.4, 120)
    route = rounds[0].stations
    true_km = _model_km(route, places, truth, 1.4)
    slips = [
        DrivenRound(route, true_km * 3),  # a slip of the odometer: far off every other round
        DrivenRound(route, true_km / 10),  # under the straight line: no road is that short
    ]
    learned = learn([*rounds, *slips], HUB_AT, places, prior=1.4)
    assert learned.rounds_left_out == 2 and learned.rounds_used == 120
    for key, true in truth.items():
        assert learned.of(key) == pytest.approx(true, abs=0.15), key


def test_factors_stay_within_one_and_four():
    places, truth = _network(4)
    route = ("S00", "S01")
    km = _model_km(route, places, {**truth, "S00": 4.9, "S01": 4.9}, 1.4)
    learned = learn([DrivenRound(route, km)] * 40, HUB_AT, places, prior=1.4, pseudo_rounds=0.1)
    assert all(1.0 <= f <= 4.0 for f in learned.stations.values())


# ---------------------------------------------------------------- the true network


def test_the_true_network_is_fixed_by_its_seed_and_mountain_like():
    places, _ = _network(30)
    one = true_roads(HUB_AT, places, seed=11)
    again = true_roads(HUB_AT, places, seed=11)
    other = true_roads(HUB_AT, places, seed=12)
    assert one.factors == again.factors and one.factors != other.factors
    stations = [f for key, f in one.factors.items() if key != HUB]
    assert all(1.1 <= f <= 3.0 for f in stations)
    # some villages across the valley, some along the road
    assert max(stations) > 2.0 and min(stations) < 1.5
    rng = np.random.default_rng(1)
    km = one.drive(["S01", "S02"], rng)
    assert km == pytest.approx(one.route_km(["S01", "S02"]), rel=0.08)
    assert one.pair_factor("S01", "S02") == one.pair_factor("S02", "S01")


# ---------------------------------------------------------------- a round's distance


def _metres(km=None, out=None, back=None, planned_m=40_000):
    return road_factors.driven_metres(
        km=km, odometer_out=out, odometer_in=back, planned_m=planned_m, round_no="R-1"
    )


def test_the_distance_driven_from_km_or_the_odometer():
    assert _metres() is None
    assert _metres(48.5) == 48_500
    assert _metres(out=12034.5, back=12083.0) == 48_500
    assert _metres(48.3, 12034.5, 12083.0) == 48_300  # within 0.5 km: the km given win


@pytest.mark.parametrize(
    ("km", "out", "back", "planned_m", "words"),
    [
        (-3, None, None, 40_000, "--km -3 is not a distance driven"),
        (float("nan"), None, None, 40_000, "is not a distance"),
        (0, None, None, 40_000, "--km 0 is not a distance driven: expected more than 0 km"),
        (2500, None, None, 0, "at most 2,000 km"),
        (401, None, None, 40_000, "10 times the planned km"),
        (None, 12034.5, None, 40_000, "give both --odometer-out and --odometer-in"),
        (None, 12083.0, 12034.5, 40_000, "expected --odometer-in to be the larger"),
        (50, 12034.5, 12083.0, 40_000, "does not agree with the odometer, which says 48.5 km"),
    ],
)
def test_a_distance_no_van_drives_is_refused(km, out, back, planned_m, words):
    with pytest.raises(InvalidInput, match=words.replace("(", r"\(")):
        _metres(km, out, back, planned_m)


def test_the_difference_to_the_plan_in_percent():
    assert road_factors.difference_percent(40_000, 44_000) == 10.0
    assert road_factors.difference_percent(40_000, 38_000) == -5.0
    assert road_factors.difference_percent(40_000, None) is None
    assert road_factors.difference_percent(0, 1_000) is None


# ---------------------------------------------------------------- the planner


def _new(model, **values):
    """A row of ``model``, scoped to the hub where the table has a hub column."""
    fields = getattr(model, "model_fields", {})
    if "hub_id" in fields and "hub_id" not in values:
        values["hub_id"] = HUB_ID[0]
    return model(**values)


HUB_ID = [0]


def _driven(session, van, stations, km, day, n):
    """A finished round of ``van`` through ``stations`` that drove ``km``."""
    start = datetime.combine(day, time(1, 0))
    rnd = _new(
        Round,
        round_no=f"R-{day:%Y%m%d}-{n}",
        service_date=day,
        vehicle_id=van.id,
        status="finished",
        planned_start=start,
        planned_end=start + timedelta(hours=3),
        planned_m=round(km * 900),
        started_at=start,
        finished_at=start + timedelta(hours=3),
        driven_m=round(km * 1000),
    )
    session.add(rnd)
    session.flush()
    for seq, station in enumerate(stations, start=1):
        session.add(
            _new(
                RoundStop,
                round_id=rnd.id,
                seq=seq,
                station_id=station.id,
                arrive_at=start,
                depart_at=start,
            )
        )


@pytest.fixture
def driven_history(sample_network):
    """Forty days of one round a day over the sample stations GD01-GD20 (the others
    never driven), each driven on the sample's true road network."""
    session = sample_network
    hub = session.exec(select(Hub)).one()
    HUB_ID[0] = hub.id
    stations = {s.code: s for s in session.exec(select(Station).where(Station.hub_id == hub.id))}
    van = session.exec(select(Vehicle).where(Vehicle.code == "VAN1")).one()
    truth = true_roads((hub.lat, hub.lon), {c: (s.lat, s.lon) for c, s in stations.items()})
    rng = np.random.default_rng(9)
    driven = sorted(c for c in stations if c <= "GD20")
    first = date.today() - timedelta(days=45)
    for k in range(40):
        route = list(rng.choice(driven, size=4, replace=False))
        km = truth.drive(route, rng)
        _driven(session, van, [stations[c] for c in route], km, first + timedelta(days=k), 1)
    session.commit()
    return session, hub, stations, truth


def test_learned_roads_read_the_hub_driven_rounds(driven_history):
    session, hub, stations, truth = driven_history
    learned = learned_roads(session, hub)
    assert learned.rounds == 40 and learned.factors.rounds_used == 40
    assert learned.rounds_of(stations["GD25"].id) == 0
    assert learned.factor_of(stations["GD25"].id) == hub.road_factor
    assert sum(learned.rounds_of(stations[c].id) for c in stations) == 160
    close = [
        abs(learned.factor_of(stations[c].id) - truth.factors[c])
        for c in stations
        if learned.rounds_of(stations[c].id) >= 6
    ]
    assert close and float(np.mean(close)) < 0.35


def test_plan_uses_the_learned_factors_and_says_so(driven_history, make_parcel):
    session, hub, stations, truth = driven_history
    make_parcel("registered", station="GD03", weight_g=2000)
    make_parcel("registered", station="GD27", weight_g=2000)
    summary = planning.plan_day(session, time_limit=0.3, vans=["VAN1"])
    assert "learned from 40 driven rounds for 1 station" in summary.distances
    assert "1 station uses the hub's factor 1.35" in summary.distances
    learned = learned_roads(session, hub)
    gd03, gd27 = stations["GD03"], stations["GD27"]
    f = [learned.factors.hub, learned.factor_of(gd03.id), learned.factor_of(gd27.id)]
    assert f[2] == 1.35 and f[1] != 1.35
    straight = road_factors.straight_km(
        [hub.lat, gd03.lat, gd27.lat], [hub.lon, gd03.lon, gd27.lon]
    )
    expected = road_factors.road_km(straight, f)
    (rnd,) = summary.rounds
    route = [0] + [1 if s.station == "GD03" else 2 for s in rnd.stops] + [0]
    km = sum(expected[a, b] for a, b in zip(route, route[1:], strict=False))
    assert float(rnd.km) == pytest.approx(km, abs=0.2)


def test_plan_on_the_command_line_names_the_learned_distances(driven_history, make_parcel, hub):
    make_parcel("registered", station="GD05", weight_g=2000)
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "distances: learned from 40 driven rounds for 1 station." in text


def test_without_driven_rounds_the_plan_uses_the_hub_factor(sample_network, make_parcel):
    make_parcel("registered", station="GD05", weight_g=2000)
    summary = planning.plan_day(sample_network, time_limit=0.3, vans=["VAN1"])
    assert summary.distances == "great-circle x 1.35 road factor at 35 km/h"
