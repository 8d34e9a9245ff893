"""Setting up a database: schema, the hub, and optionally the sample township."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from logistics import db
from logistics.services import network


@dataclass
class InitResult:
    url: str
    version_before: str | None
    version_after: str
    loaded: dict[str, int] = field(default_factory=dict)


def initialise(
    url: str,
    *,
    sample: bool = False,
    hub: dict | None = None,
) -> InitResult:
    """Create or upgrade the schema; then set the hub up and/or load the sample network."""
    before, after = db.upgrade(url)
    result = InitResult(db.describe(url), before, after)
    if sample or hub:
        with db.session_scope(url) as session:
            if hub:
                network.set_hub(session, **hub)
            if sample:
                result.loaded = network.load_sample_network(session)
    return result


def counts(session: Session) -> dict[str, int]:
    return {
        "stations": len(network.list_stations(session)),
        "couriers": len(network.list_couriers(session)),
        "vans": len(network.list_vehicles(session)),
    }
