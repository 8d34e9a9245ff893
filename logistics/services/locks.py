"""One lock order for the use cases that change many parcels at once, and one retry.

``hub assign``, ``hub manifest build``, ``close`` and ``handover`` each lock many parcel
rows, and through their foreign keys the courier and manifest rows those parcels point
at, each in its own order: assign locks the day's parcels oldest first and then (by
setting ``courier_id``) needs a share lock on the couriers' rows, while build holds a
courier's row and then locks its parcels. On PostgreSQL two of them at once could each
wait for the other until the server killed one ("deadlock detected").

* **One order.** :func:`lock_hub_work` takes one PostgreSQL advisory transaction lock of
  the hub before anything else, so these use cases queue behind each other for the
  moment they run (a scan locks one parcel at a time and never waits for them). On
  SQLite the write lock every writing session takes at its start (BEGIN IMMEDIATE)
  serialises them already, so nothing is taken there.
* **One retry.** :func:`one_at_a_time` wraps such a use case: it takes the lock, and
  when PostgreSQL still picks the transaction as the victim of a deadlock (SQLSTATE
  40P01) or a serialization conflict (40001), it rolls back and runs the whole use case
  again after a short pause, :data:`TRIES` times in all; then it says the database is
  busy, with nothing changed.

A wrapped use case takes the session first and commits once at its end; a retry rolls
the session back, so the caller must not leave uncommitted changes in it.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from logistics.errors import DatabaseBusy
from logistics.i18n import _

#: The advisory lock class of the hub's many-parcel use cases ("HUBW"), with the hub's id
#: as the second key; parcel ids use 730,000,000 + the hub's id with the day's ordinal
#: (``parcel_register``), far from this one.
HUB_WORK_KEY = 0x4855_4257

DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"
TRIES = 3
PAUSE_SECONDS = (0.1, 0.5)

P = ParamSpec("P")
R = TypeVar("R")


def lock_hub_work(session: Session) -> None:
    """Hold the hub's work lock until the session's transaction ends (PostgreSQL only);
    each hub has its own, so the hubs of one county server never wait for each other."""
    if session.get_bind().dialect.name == "postgresql":
        from logistics.models import scope

        # no hub yet: the use case itself says so; the lock of "no hub" is 0
        hub_id = scope.hub_id_of(session) or scope.enter(session) or 0
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key, :hub)"),
            {"key": HUB_WORK_KEY, "hub": hub_id},
        )


def is_conflict(error: BaseException) -> bool:
    """PostgreSQL chose this transaction as a deadlock's victim, or it lost a serialization
    conflict: running it again is expected to succeed."""
    original = getattr(error, "orig", error)
    return getattr(original, "sqlstate", None) in (DEADLOCK, SERIALIZATION_FAILURE)


def one_at_a_time(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function(session, ...)`` holding the hub's work lock; again on a conflict."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        assert isinstance(session, Session)
        for attempt in range(1, TRIES + 1):
            try:
                lock_hub_work(session)
                return function(*args, **kwargs)
            except DBAPIError as error:
                if not is_conflict(error):
                    raise
                session.rollback()
                if attempt == TRIES:
                    raise DatabaseBusy(
                        _(
                            "Other commands kept changing the same parcels at the same "
                            "moment, {n} times; nothing was changed: try again."
                        ).format(n=TRIES)
                    ) from None
                time.sleep(random.uniform(*PAUSE_SECONDS))
        raise AssertionError("unreachable")

    return run
