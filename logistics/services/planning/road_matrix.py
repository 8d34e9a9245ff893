"""Road distances from the hub's road server, asked once and kept (``hub plan --roads``).

The server is asked for the whole township at once: the hub and every one of its
stations, by code, so the one answer serves every day's plan whatever stations have
work, until a station is added or moved. The answer is kept in ``road_matrix`` under the
SHA-256 of the ordered points (code and coordinates) and the server's address, and used
again, with its date, when the same points are asked of the same server.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from logistics.domain import geo
from logistics.domain.clock import to_local, utcnow, zone
from logistics.io.road_server import RoadServerError, fetch_matrix, road_server
from logistics.models import Hub, RoadMatrix, Station

__all__ = ["RoadServerError", "ServerMatrix", "server_matrix"]


@dataclass(frozen=True)
class ServerMatrix:
    metres: np.ndarray  # over the hub (0) and ``wanted``, in that order
    seconds: np.ndarray
    source: str
    fetched_at: datetime  # hub-local
    cached: bool


def points_key(codes: Sequence[str], points: Sequence[tuple[float, float]]) -> str:
    text = "\n".join(
        f"{code}:{lat:.6f},{lon:.6f}" for code, (lat, lon) in zip(codes, points, strict=True)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def server_matrix(session: Session, hub: Hub, wanted: Sequence[Station], url: str) -> ServerMatrix:
    """Metres and seconds between the hub and ``wanted`` from the road server ``url``
    (or its kept answer); raises :class:`RoadServerError` when it gives none."""
    server = road_server(url)
    everyone = sorted(
        session.exec(select(Station).where(Station.hub_id == hub.id)), key=lambda s: s.code
    )
    if not {s.id for s in wanted} <= {s.id for s in everyone}:
        everyone = sorted(wanted, key=lambda s: s.code)
    codes = [hub.code] + [s.code for s in everyone]
    points = [(hub.lat, hub.lon)] + [(s.lat, s.lon) for s in everyone]
    key = points_key(codes, points)
    tz = zone(hub.timezone)
    kept = session.exec(
        select(RoadMatrix).where(
            RoadMatrix.hub_id == hub.id,
            RoadMatrix.source == server.source,
            RoadMatrix.points_key == key,
        )
    ).first()
    if kept is not None:
        body = json.loads(kept.body)
        metres = np.asarray(body["metres"], dtype=np.int64)
        seconds = _seconds(body.get("seconds"), metres, hub)
        fetched, cached = kept.fetched_at, True
    else:
        answer = fetch_matrix(server, points, codes)
        metres = answer.metres
        seconds = _seconds(answer.seconds, metres, hub)
        fetched, cached = utcnow().replace(microsecond=0), False
        body = {
            "kind": answer.kind,
            "codes": codes,
            "metres": metres.tolist(),
            "seconds": None if answer.seconds is None else answer.seconds.tolist(),
        }
        _keep(session, hub, server.source, key, fetched, body)
    at = {code: k for k, code in enumerate(codes)}
    pick = [0] + [at[s.code] for s in wanted]
    return ServerMatrix(
        metres=metres[np.ix_(pick, pick)],
        seconds=seconds[np.ix_(pick, pick)],
        source=server.source,
        fetched_at=to_local(fetched, tz),
        cached=cached,
    )


def _seconds(seconds, metres: np.ndarray, hub: Hub) -> np.ndarray:
    """The server's driving seconds, or the km at the hub's van speed when it gave none."""
    if seconds is None:
        return geo.travel_time_matrix_s(metres, hub.van_speed_kmh)
    return np.asarray(seconds, dtype=np.int64)


def _keep(session: Session, hub: Hub, source: str, key: str, at: datetime, body: dict) -> None:
    """Keep the answer with the plan (committed with it); a plan made at the same time
    that kept the same answer first wins."""
    try:
        with session.begin_nested():
            session.add(
                RoadMatrix(
                    hub_id=hub.id,
                    source=source,
                    points_key=key,
                    fetched_at=at,
                    body=json.dumps(body, separators=(",", ":")),
                )
            )
    except IntegrityError:
        pass
