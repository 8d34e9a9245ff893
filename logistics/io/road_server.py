"""Asking a road server for the driving distances between the hub and its stations.

``hub plan --roads URL`` names the hub's own OSRM or Valhalla server; one request asks
for the whole matrix (the table service) with a short timeout:

- ``osrm+http://host:5000``: OSRM, ``GET /table/v1/driving/{lon,lat;...}
  ?annotations=distance,duration`` (metres and seconds);
- ``valhalla+http://host:8002``: Valhalla, ``POST /sources_to_targets`` with the points
  as sources and targets, ``costing`` auto (km and seconds);
- ``http://host:port`` without a name: OSRM is asked first; when the server answers
  that it has no such service (HTTP 400 or 404) or with something that is no OSRM
  answer, Valhalla is asked. A server that does not answer at all is asked once.

A server that does not answer, answers an error, or answers a table that cannot be a
road table (a gap, a number that is no distance, a distance far under the straight
line: a server loaded with another region's map) raises :class:`RoadServerError`, whose
text is one sentence the plan shows before it falls back. Only the standard library
(``urllib``) talks to the server.
"""

from __future__ import annotations

import errno
import json
import math
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from logistics.domain import geo
from logistics.errors import InvalidInput
from logistics.i18n import N_, _

TIMEOUT_S = 5.0
MAX_ANSWER_BYTES = 20_000_000
OSRM = "osrm"
VALHALLA = "valhalla"
# A road between two points over this far apart is never under half the straight line
# (points snap to the nearest road, so short legs may come out a little shorter).
SHORTEST_RATIO = 0.5
SHORTEST_CHECKED_KM = 2.0


# The usual reasons a server cannot be reached, said in the hub's language: the system
# words them in its own language (English), whatever the operator reads.
_SOCKET_REASONS = {
    errno.ECONNREFUSED: N_("connection refused: nothing answers at that address and port"),
    errno.ECONNRESET: N_("the connection was cut off by the server"),
    errno.ENETUNREACH: N_("network unreachable: is this computer connected?"),
    errno.EHOSTUNREACH: N_("host unreachable: no route to that computer"),
    errno.ETIMEDOUT: N_("timed out"),
}
_NAME_REASONS = {
    socket.EAI_NONAME: N_("no such host: check the name in the address"),
    socket.EAI_AGAIN: N_("its name could not be looked up: is the network up?"),
}
if hasattr(socket, "EAI_NODATA"):  # Linux: a name with no address
    _NAME_REASONS[socket.EAI_NODATA] = _NAME_REASONS[socket.EAI_NONAME]


def _reason(error: object) -> str:
    """Why the server could not be reached, in the chosen language when it is a usual
    reason, else as the system says it."""
    if isinstance(error, socket.gaierror):
        known = _NAME_REASONS.get(error.errno)
    elif isinstance(error, OSError):
        known = _SOCKET_REASONS.get(error.errno)
    else:
        known = None
    if known is not None:
        return _(known)
    return str(getattr(error, "strerror", None) or error)


class RoadServerError(Exception):
    """The server gave no usable road table; str() is the sentence to show."""


@dataclass(frozen=True)
class RoadServer:
    kind: str | None  # OSRM, VALHALLA, or None: find out by asking
    base: str  # the URL to ask, without the kind's prefix
    source: str  # the URL to show and store: no user, password or query

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True)
class RoadAnswer:
    kind: str
    metres: np.ndarray  # int64, n x n
    seconds: np.ndarray | None  # int64, n x n; None when the server gave no times


def road_server(url: str) -> RoadServer:
    """The server a ``--roads`` URL names; refuses a URL that names none."""
    text = url.strip()
    kind = None
    scheme, sep, rest = text.partition("+")
    if sep and scheme.lower() in (OSRM, VALHALLA):
        kind, text = scheme.lower(), rest
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            _(
                "--roads {url} is not a road server's address: expected "
                "osrm+http://HOST:PORT, valhalla+http://HOST:PORT or http://HOST:PORT."
            ).format(url=url)
        )
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    if kind:
        shown = f"{kind}+{shown}"
    return RoadServer(kind=kind, base=text, source=shown)


def fetch_matrix(
    server: RoadServer,
    points: Sequence[tuple[float, float]],
    names: Sequence[str],
    *,
    timeout: float = TIMEOUT_S,
) -> RoadAnswer:
    """Metres (and seconds) between every pair of ``points`` (lat, lon), in one request
    to ``server``; ``names`` name the points in sentences."""
    if server.kind == VALHALLA:
        answer = _valhalla(server, points, timeout)
    elif server.kind == OSRM:
        answer = _osrm(server, points, timeout)
    else:
        try:
            answer = _osrm(server, points, timeout)
        except _NotThisKind:
            try:
                answer = _valhalla(server, points, timeout)
            except _NotThisKind:
                raise RoadServerError(
                    _(
                        "the road server {source} answers neither as OSRM nor as Valhalla "
                        "(name it osrm+{source} or valhalla+{source})"
                    ).format(source=server.source)
                ) from None
    _check(server, answer, points, names)
    return answer


class _NotThisKind(RoadServerError):
    """The server answered, but not as this kind of server does."""


def _osrm(server: RoadServer, points, timeout: float) -> RoadAnswer:
    parts = urllib.parse.urlsplit(server.base)
    path = parts.path.rstrip("/")
    if not path.endswith("/table/v1/driving"):
        path += "/table/v1/driving"
    coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
    query = "&".join(q for q in (parts.query, "annotations=distance,duration") if q)
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{path}/{coordinates}", query, ""))
    body = _ask(server, urllib.request.Request(url), timeout)
    if not isinstance(body, dict) or "code" not in body:
        raise _NotThisKind(_not_a_table(server))
    if body.get("code") != "Ok":
        raise RoadServerError(
            _("the road server {source} refused the request: {code} {message}").format(
                source=server.source, code=body.get("code"), message=body.get("message") or ""
            )
        )
    n = len(points)
    metres = _square(server, body.get("distances"), n, 1.0)
    seconds = _square(server, body["durations"], n, 1.0) if body.get("durations") else None
    return RoadAnswer(OSRM, metres, seconds)


def _valhalla(server: RoadServer, points, timeout: float) -> RoadAnswer:
    parts = urllib.parse.urlsplit(server.base)
    path = parts.path.rstrip("/")
    if not path.endswith("/sources_to_targets"):
        path += "/sources_to_targets"
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    located = [{"lat": lat, "lon": lon} for lat, lon in points]
    payload = {"sources": located, "targets": located, "costing": "auto", "units": "kilometers"}
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    body = _ask(server, request, timeout)
    table = body.get("sources_to_targets") if isinstance(body, dict) else None
    n = len(points)
    if isinstance(table, dict):  # newer servers: {"distances": [[km]], "durations": [[s]]}
        km = table.get("distances")
        times = table.get("durations")
    elif isinstance(table, list):  # one row of {"distance": km, "time": s} per source
        try:
            km = [[cell.get("distance") for cell in row] for row in table]
            times = [[cell.get("time") for cell in row] for row in table]
        except (AttributeError, TypeError):
            raise RoadServerError(_not_a_table(server)) from None
    else:
        raise RoadServerError(_not_a_table(server))
    metres = _square(server, km, n, 1000.0)
    seconds = _square(server, times, n, 1.0) if times else None
    return RoadAnswer(VALHALLA, metres, seconds)


def _ask(server: RoadServer, request: urllib.request.Request, timeout: float):
    """The server's JSON answer to ``request``."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code in (400, 404, 405, 501):
            raise _NotThisKind(
                _("the road server {source} answered HTTP {status}").format(
                    source=server.source, status=error.code
                )
            ) from None
        raise RoadServerError(
            _("the road server {source} answered HTTP {status}").format(
                source=server.source, status=error.code
            )
        ) from None
    except TimeoutError:
        raise RoadServerError(_no_answer(server, timeout)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise RoadServerError(_no_answer(server, timeout)) from None
        raise RoadServerError(
            _("the road server {source} could not be reached ({reason})").format(
                source=server.source, reason=_reason(error.reason)
            )
        ) from None
    except (OSError, ValueError) as error:
        raise RoadServerError(
            _("the road server {source} could not be reached ({reason})").format(
                source=server.source, reason=_reason(error)
            )
        ) from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise RoadServerError(_not_a_table(server))
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise _NotThisKind(_not_a_table(server)) from None


def _no_answer(server: RoadServer, timeout: float) -> str:
    return _("the road server {source} did not answer within {seconds} s").format(
        source=server.source, seconds=f"{timeout:g}"
    )


def _not_a_table(server: RoadServer) -> str:
    return _("the road server {source} answered something that is not a road table").format(
        source=server.source
    )


def _square(server: RoadServer, rows, n: int, scale: float) -> np.ndarray:
    """An n x n table of numbers (None where the server knows no road) times ``scale``,
    as whole numbers; anything else is no road table."""
    if not isinstance(rows, list) or len(rows) != n:
        raise RoadServerError(_not_a_table(server))
    out = np.zeros((n, n), dtype=np.int64)
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n:
            raise RoadServerError(_not_a_table(server))
        for j, value in enumerate(row):
            if value is None:
                out[i, j] = -1  # no road: named by _check
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RoadServerError(_not_a_table(server))
            if not math.isfinite(value) or value < 0:
                raise RoadServerError(_not_a_table(server))
            out[i, j] = round(value * scale)
    return out


def _check(server: RoadServer, answer: RoadAnswer, points, names: Sequence[str]) -> None:
    """Refuse a table with a pair the server knows no road for, or a road far shorter
    than the straight line (the server holds another region's map)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    straight = geo.distance_matrix_km(lats, lons, road_factor=1.0) * 1000
    n = len(points)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if answer.metres[i, j] < 0 or (answer.seconds is not None and answer.seconds[i, j] < 0):
                raise RoadServerError(
                    _("the road server {source} knows no road from {a} to {b}").format(
                        source=server.source, a=names[i], b=names[j]
                    )
                )
            if (
                straight[i, j] > SHORTEST_CHECKED_KM * 1000
                and answer.metres[i, j] < SHORTEST_RATIO * straight[i, j]
            ):
                raise RoadServerError(
                    _(
                        "the road server {source} says {a} to {b} is {km} km, under half "
                        "the straight line: does it hold this region's map?"
                    ).format(
                        source=server.source,
                        a=names[i],
                        b=names[j],
                        km=f"{answer.metres[i, j] / 1000:.1f}",
                    )
                )
