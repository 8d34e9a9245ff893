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
    # the sample county: one entry per hub (code, name and the counts added)
    county: list[dict] = field(default_factory=list)


#: What ``hub init --sample WORD`` makes: the township (one hub) or the county (three).
SAMPLES = ("township", "county")


def initialise(
    url: str,
    *,
    sample: bool | str = False,
    hub: dict | None = None,
    language: str | None = None,
    hub_code: str | None = None,
) -> InitResult:
    """Create or upgrade the schema; then set the hub up and/or load the sample network,
    and keep the hub's language (``zh`` / ``en``) when one is given.

    ``sample`` is True or ``"township"`` for the Gaodu township, ``"county"`` for the
    sample county of three hubs (the language then goes to all three).

    With several hubs in the database, the sample and the language go to the hub coded
    ``hub_code`` (or the hub being set up); without one they are refused, naming the hubs.
    """
    sample = _sample_kind(sample)
    if sample == "county" and hub:
        raise InvalidInput(
            _("The sample county brings its own three hubs: leave out --hub-name, --lat, --lon.")
        )
    before, after = db.upgrade(url)
    result = InitResult(db.describe(url), before, after)
    if sample or hub or language:
        with db.session_scope(url, any_hub=True) as session:
            if sample == "county":
                result.county = network_sample.load_sample_county(session)
                if hub_code:
                    scope.enter(session, hub_code)
            elif hub:
                made = network.set_hub(session, **hub)
                scope.scope_to(session, made.id)
            else:
                scope.enter(session, hub_code)
            if sample == "township":
                result.loaded = network_sample.load_sample_network(session)
            if language:
                result.language = set_language(session, language)
    with db.session_scope(url, write=False, any_hub=True) as session:
        result.hub_set_up = session.exec(select(Hub.id)).first() is not None
    return result


def _sample_kind(sample: bool | str | None) -> str | None:
    """``township``, ``county`` or None, from the flag or the word typed after --sample."""
    if sample is True:
        return "township"
    if not sample:
        return None
    word = str(sample).strip().lower()
    if word not in SAMPLES:
        raise InvalidInput(
            _("--sample '{value}' is not a sample: expected {known}.").format(
                value=sample, known=" or ".join(SAMPLES)
            )
        )
    return word


def set_language(session: Session, language: str) -> str | None:
    """Keep ``language`` as the hub's own; returns it, or None when no hub is set up yet."""
    chosen = read_language(language)
    hubs = list(session.exec(select(Hub)))
    for hub in hubs:
        hub.language = chosen
        session.add(hub)
    session.commit()
    return chosen if hubs else None


def read_language(typed: str) -> str:
    """A hub's language as typed (zh, 中文, en, English ...) as stored: zh or en."""
    chosen = i18n.normalise(typed)
    if chosen is None:
        raise InvalidInput(_("'{value}' is not a language: expected zh or en.").format(value=typed))
    return chosen


def counts(session: Session) -> dict[str, int]:
    return {
        "stations": len(network.list_stations(session)),
        "couriers": len(network.list_couriers(session)),
        "vans": len(network.list_vehicles(session)),
    }
