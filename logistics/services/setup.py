"""Setting up a database: schema, the hub, and optionally the sample township."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from logistics import db, i18n
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.models import Hub, scope
from logistics.services import network, network_sample


@dataclass
class InitResult:
    url: str
    version_before: str | None
    version_after: str
    loaded: dict[str, int] = field(default_factory=dict)
    language: str | None = None
    hub_set_up: bool = False


def initialise(
    url: str,
    *,
    sample: bool = False,
    hub: dict | None = None,
    language: str | None = None,
    hub_code: str | None = None,
) -> InitResult:
    """Create or upgrade the schema; then set the hub up and/or load the sample network,
    and keep the hub's language (``zh`` / ``en``) when one is given.

    With several hubs in the database, the sample and the language go to the hub coded
    ``hub_code`` (or the hub being set up); without one they are refused, naming the hubs.
    """
    before, after = db.upgrade(url)
    result = InitResult(db.describe(url), before, after)
    if sample or hub or language:
        with db.session_scope(url, any_hub=True) as session:
            if hub:
                made = network.set_hub(session, **hub)
                scope.scope_to(session, made.id)
            else:
                scope.enter(session, hub_code)
            if sample:
                result.loaded = network_sample.load_sample_network(session)
            if language:
                result.language = set_language(session, language)
    with db.session_scope(url, write=False, any_hub=True) as session:
        result.hub_set_up = session.exec(select(Hub.id)).first() is not None
    return result


def set_language(session: Session, language: str) -> str | None:
    """Keep ``language`` as the hub's own; returns it, or None when no hub is set up yet."""
    chosen = i18n.normalise(language)
    if chosen is None:
        raise InvalidInput(
            _("'{value}' is not a language: expected zh or en.").format(value=language)
        )
    hubs = list(session.exec(select(Hub)))
    for hub in hubs:
        hub.language = chosen
        session.add(hub)
    session.commit()
    return chosen if hubs else None


def counts(session: Session) -> dict[str, int]:
    return {
        "stations": len(network.list_stations(session)),
        "couriers": len(network.list_couriers(session)),
        "vans": len(network.list_vehicles(session)),
    }
