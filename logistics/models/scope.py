"""One hub per session: what keeps each hub's commands inside its own rows.

Several hubs share one database (a county's server). A session is scoped to one hub
(:func:`enter`): from then on every ORM query and ORM UPDATE/DELETE of a table that
carries ``hub_id`` sees that hub's rows only (SQLAlchemy's ``with_loader_criteria``,
added to each statement by a ``do_orm_execute`` hook), and every new row is given the
hub (or refused when it names another). Core statements on ``Table`` objects are not
ORM statements: the few services that use them for speed filter by hub themselves.

On PostgreSQL the people's own logins are held to their hub by the database as well
(row-level security, ``hub db roles``); this scope is what keeps the hub's own commands,
which log in as the owner, from reading or changing another hub's data.
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import with_loader_criteria

from logistics.errors import NotFound, RuleBroken
from logistics.i18n import _

#: The key in ``Session.info`` holding the id of the session's hub.
HUB_KEY = "hub_id"


def hub_owned() -> list[type]:
    """Every model whose rows belong to one hub (a ``hub_id`` column)."""
    from sqlmodel import SQLModel

    return [
        mapper.class_
        for mapper in SQLModel._sa_registry.mappers
        if "hub_id" in mapper.columns and mapper.class_.__name__ != "Hub"
    ]


def hub_id_of(session: OrmSession) -> int | None:
    """The hub the session is scoped to, or None."""
    return session.info.get(HUB_KEY)


def enter(session: OrmSession, code: str | None = None) -> int | None:
    """Scope ``session`` to the hub ``code`` or, without one, to the only hub there is.

    Returns the hub's id; None when the database has no hub yet (``hub init`` comes
    first; the commands that need one say so). Several hubs and no code: refused, naming
    them, so no command ever works on "some" hub.
    """
    from logistics.models.network import Hub

    leave(session)  # the hubs to choose from are all the database's, not the scope's
    rows = session.execute(select(Hub.id, Hub.code).order_by(Hub.code)).all()
    if code is not None:
        wanted = code.strip().upper()
        for hub_id, hub_code in rows:
            if hub_code.upper() == wanted:
                return _scope(session, hub_id)
        raise NotFound(
            _("There is no hub {code} in this database; it holds: {codes}.").format(
                code=code.strip(), codes=", ".join(c for _id, c in rows) or _("no hub yet")
            )
        )
    if not rows:
        return None
    if len(rows) > 1:
        raise RuleBroken(
            _(
                "This database holds {count} hubs ({codes}); say which one with --hub CODE "
                "or HUB_HUB=CODE."
            ).format(count=len(rows), codes=", ".join(c for _id, c in rows))
        )
    return _scope(session, rows[0][0])


def _scope(session: OrmSession, hub_id: int) -> int:
    session.info[HUB_KEY] = hub_id
    return hub_id


def scope_to(session: OrmSession, hub_id: int) -> None:
    """Scope ``session`` to the hub with id ``hub_id`` (a service that made the hub)."""
    _scope(session, hub_id)


def leave(session: OrmSession) -> None:
    """Unscope ``session``: for the few county-wide use cases (hubs list, county report)."""
    session.info.pop(HUB_KEY, None)


@event.listens_for(OrmSession, "do_orm_execute")
def _only_this_hub(state) -> None:
    hub_id = state.session.info.get(HUB_KEY)
    if hub_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    from logistics.models.network import Hub

    options = [
        with_loader_criteria(model, model.hub_id == hub_id, include_aliases=True)
        for model in _owned()
    ]
    options.append(with_loader_criteria(Hub, Hub.id == hub_id, include_aliases=True))
    state.statement = state.statement.options(*options)


_OWNED: list[type] = []


def _owned() -> list[type]:
    if not _OWNED:
        _OWNED.extend(hub_owned())
    return _OWNED


@event.listens_for(OrmSession, "before_flush")
def _new_rows_belong_to_this_hub(session: OrmSession, _context, _instances) -> None:
    hub_id = session.info.get(HUB_KEY)
    for row in session.new:
        if not hasattr(type(row), "hub_id") or type(row).__name__ == "Hub":
            continue
        if row.hub_id is None:
            if hub_id is None:
                hub_id = enter(session)
            row.hub_id = hub_id
        elif hub_id is not None and row.hub_id != hub_id:
            raise RuleBroken(_("A row of another hub cannot be written from this hub's command."))
