"""The hubs of one database: a county's server holds several townships' hubs.

Setting hubs up and listing them are the use cases that span hubs; every other use
case works on one hub (``logistics.models.scope``).
"""

from __future__ import annotations

from sqlmodel import Session, func, select

from logistics.domain import network as rules
from logistics.errors import RuleBroken
from logistics.i18n import _
from logistics.models import Courier, Hub, Parcel, Station, Vehicle, scope
from logistics.services import network
from logistics.services.setup import read_language


def list_hubs(session: Session) -> list[dict]:
    """Every hub with the size of its network and how many parcels it has handled."""
    scope.leave(session)
    counted = {}
    for model in (Station, Vehicle, Courier, Parcel):
        counted[model.__tablename__] = dict(
            session.exec(select(model.hub_id, func.count()).group_by(model.hub_id)).all()
        )
    return [
        {
            "code": hub.code,
            "name": hub.name,
            "timezone": hub.timezone,
            "language": hub.language,
            "stations": counted["station"].get(hub.id, 0),
            "vans": counted["vehicle"].get(hub.id, 0),
            "couriers": counted["courier"].get(hub.id, 0),
            "parcels": counted["parcel"].get(hub.id, 0),
        }
        for hub in session.exec(select(Hub).order_by(Hub.code))
    ]


def add_hub(
    session: Session,
    *,
    code: str,
    name: str,
    lat: float,
    lon: float,
    timezone: str = "Asia/Shanghai",
    address: str | None = None,
    language: str | None = None,
) -> Hub:
    """Set up one more hub; a code already in use is refused (``hub init`` updates one)."""
    scope.leave(session)
    code = rules.code_of(code)
    existing = session.exec(select(Hub).where(func.upper(Hub.code) == code.upper())).first()
    if existing is not None:
        raise RuleBroken(
            _(
                "There is a hub {code} already ({name}); `hub hubs list` shows the hubs, "
                "`hub --hub {code} init --hub-name ...` changes it."
            ).format(code=existing.code, name=existing.name)
        )
    hub = network.set_hub(
        session,
        code=code,
        name=name,
        lat=lat,
        lon=lon,
        timezone=timezone,
        address=address,
        language=read_language(language) if language is not None else None,
    )
    scope.scope_to(session, hub.id)
    return hub
