"""`hub plan --roads URL`: the distances of the hub's OSRM or Valhalla server, asked in one
request, kept in the database and used again; a server that does not answer, or answers
nonsense, is named in one sentence and the plan goes on with the learned distances."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest
from sqlmodel import select

from logistics.domain import geo
from logistics.errors import InvalidInput
from logistics.io.road_server import RoadServerError, fetch_matrix, road_server
from logistics.models import RoadMatrix
from logistics.services import planning

FACTOR = 1.7  # the test servers' roads: the straight line times this


def _table(points):
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    km = geo.distance_matrix_km(lats, lons, road_factor=1.0) * FACTOR
    return km, km * 3600 / 40  # 40 km/h


class _Server:
    """A tiny road server in a thread: ``kind`` osrm, valhalla, valhalla-new (the
    matrix-of-arrays answer), garbage, or slow; counts the requests it was asked."""

    def __init__(self, kind: str):
        self.kind = kind
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, kind="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                outer.requests.append(f"GET {self.path}")
                path = urlsplit(self.path).path
                if outer.kind == "slow":
                    time.sleep(1.0)
                if outer.kind == "garbage":
                    return self._send(200, b"<html>It works!</html>", "text/html")
                if outer.kind != "osrm" or not path.startswith("/table/v1/driving/"):
                    return self._send(404, b'{"error": "not found"}')
                pairs = unquote(path.rsplit("/", 1)[1]).split(";")
                points = [(float(p.split(",")[1]), float(p.split(",")[0])) for p in pairs]
                km, seconds = _table(points)
                body = {
                    "code": "Ok",
                    "distances": (km * 1000).round(1).tolist(),
                    "durations": seconds.round(1).tolist(),
                }
                self._send(200, json.dumps(body).encode())

            def do_POST(self):
                outer.requests.append(f"POST {self.path}")
                if outer.kind == "garbage":
                    return self._send(200, b"<html>It works!</html>", "text/html")
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not outer.kind.startswith("valhalla") or self.path != "/sources_to_targets":
                    return self._send(404, b'{"error": "not found"}')
                points = [(p["lat"], p["lon"]) for p in asked["sources"]]
                km, seconds = _table(points)
                if outer.kind == "valhalla-new":
                    table = {"distances": km.round(3).tolist(), "durations": seconds.tolist()}
                else:
                    table = [
                        [
                            {"from_index": i, "to_index": j, "distance": km[i, j], "time": s}
                            for j, s in enumerate(row)
                        ]
                        for i, row in enumerate(seconds)
                    ]
                self._send(200, json.dumps({"sources_to_targets": table, "units": "km"}).encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def road_server_of():
    started = []

    def start(kind: str) -> _Server:
        server = _Server(kind)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"osrm+http://127.0.0.1:{port}"


POINTS = [(35.5946, 112.9688), (35.59482, 112.95994), (35.49219, 112.97310)]
NAMES = ["GAODU", "GD01", "GD04"]


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [("osrm+", "osrm"), ("valhalla+", "valhalla"), ("valhalla+", "valhalla-new"), ("", "osrm")],
)
def test_osrm_and_valhalla_answers_give_the_matrix(road_server_of, prefix, kind):
    server = road_server_of(kind)
    answer = fetch_matrix(road_server(prefix + server.url), POINTS, NAMES)
    km, seconds = _table(POINTS)
    assert answer.metres.shape == (3, 3) and answer.metres[0, 0] == 0
    assert answer.metres[0, 2] == pytest.approx(km[0, 2] * 1000, abs=2)
    assert answer.seconds[2, 1] == pytest.approx(seconds[2, 1], abs=1)
    assert len(server.requests) == 1  # one request for the whole matrix


def test_a_plain_address_asks_valhalla_when_it_is_no_osrm(road_server_of):
    server = road_server_of("valhalla")
    answer = fetch_matrix(road_server(server.url), POINTS, NAMES)
    assert answer.kind == "valhalla"
    assert [r.split()[0] for r in server.requests] == ["GET", "POST"]


def test_credentials_stay_out_of_the_name_shown_and_kept():
    server = road_server("osrm+http://user:secret@10.0.0.5:5000/?key=abc")
    assert server.source == "osrm+http://10.0.0.5:5000"
    with pytest.raises(InvalidInput, match="not a road server's address"):
        road_server("10.0.0.5:5000")


def test_a_dead_server_and_garbage_are_named(road_server_of):
    with pytest.raises(RoadServerError, match="could not be reached"):
        fetch_matrix(road_server(_dead_url()), POINTS, NAMES)
    garbage = road_server_of("garbage")
    with pytest.raises(RoadServerError, match="answered something that is not a road table"):
        fetch_matrix(road_server("osrm+" + garbage.url), POINTS, NAMES)
    with pytest.raises(RoadServerError, match="answers neither as OSRM nor as Valhalla"):
        fetch_matrix(road_server(garbage.url), POINTS, NAMES)
    slow = road_server_of("slow")
    with pytest.raises(RoadServerError, match="did not answer within 0.3 s"):
        fetch_matrix(road_server("osrm+" + slow.url), POINTS, NAMES, timeout=0.3)


def test_a_road_far_under_the_straight_line_is_nonsense(road_server_of, monkeypatch):
    server = road_server_of("osrm")
    monkeypatch.setattr(f"{__name__}.FACTOR", 0.2)
    with pytest.raises(RoadServerError, match="under half the straight line"):
        fetch_matrix(road_server("osrm+" + server.url), POINTS, NAMES)


# ---------------------------------------------------------------- the plan


@pytest.fixture
def waiting(sample_network, make_parcel):
    make_parcel("registered", station="GD05", weight_g=2000)
    make_parcel("registered", station="GD12", weight_g=2000)
    return sample_network


def test_plan_uses_the_road_server_and_keeps_its_answer(waiting, road_server_of):
    session = waiting
    server = road_server_of("osrm")
    url = "osrm+" + server.url
    first = planning.plan_day(session, time_limit=0.3, vans=["VAN1"], roads=url)
    assert f"road server {url}, asked at" in first.distances
    kept = session.exec(select(RoadMatrix)).one()
    assert kept.source == url and len(kept.points_key) == 64
    assert len(json.loads(kept.body)["codes"]) == 31  # the hub and all its 30 stations
    again = planning.plan_day(session, time_limit=0.3, vans=["VAN1"], roads=url)
    assert "its answer of" in again.distances and "kept in the database" in again.distances
    assert len(server.requests) == 1  # the kept answer, no second request
    (rnd,) = again.rounds
    assert rnd.km == first.rounds[0].km
    # the server's roads (1.7 x the straight line), not the hub's factor 1.35
    lats = [35.5946] + [s.lat for s in _stations(session, rnd)]
    lons = [112.9688] + [s.lon for s in _stations(session, rnd)]
    straight = geo.distance_matrix_km(lats, lons, road_factor=1.0)
    route = list(range(len(lats))) + [0]
    expected = sum(straight[a, b] for a, b in zip(route, route[1:], strict=False)) * FACTOR
    assert float(rnd.km) == pytest.approx(expected, abs=0.2)


def _stations(session, rnd):
    from logistics.models import Station

    by_code = {s.code: s for s in session.exec(select(Station))}
    return [by_code[stop.station] for stop in rnd.stops]


@pytest.mark.parametrize("kind", ["dead", "garbage"])
def test_plan_falls_back_when_the_server_fails(waiting, road_server_of, kind):
    url = _dead_url() if kind == "dead" else "valhalla+" + road_server_of("garbage").url
    summary = planning.plan_day(waiting, time_limit=0.3, vans=["VAN1"], roads=url)
    words = "could not be reached" if kind == "dead" else "not a road table"
    assert words in summary.distances
    assert summary.distances.endswith(", so instead great-circle x 1.35 road factor at 35 km/h")
    assert len(summary.rounds) == 1
    assert waiting.exec(select(RoadMatrix)).first() is None


def test_plan_on_the_command_line_says_the_server_failed(waiting, hub):
    url = _dead_url()
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--roads", url)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"distances: the road server {url} could not be reached" in text
    assert "so instead great-circle x 1.35 road factor" in text


def test_a_road_table_still_comes_first(waiting, road_server_of, tmp_path):
    server = road_server_of("osrm")
    table = tmp_path / "roads.csv"
    table.write_text("from,to,km\nGAODU,GD05,10\nGAODU,GD12,20\nGD05,GD12,15\n")
    summary = planning.plan_day(
        waiting, time_limit=0.3, vans=["VAN1"], matrix=table, roads="osrm+" + server.url
    )
    assert summary.distances == "road table roads.csv" and not server.requests
    assert summary.rounds[0].km == 45
