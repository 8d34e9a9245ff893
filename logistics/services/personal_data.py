"""Personal data kept no longer than needed (GB/T 35273, the Personal Information
Protection Law): recipients' and senders' names, phones and detailed addresses are
erased a number of days after the parcel's last event.

Erasing masks the values in place, for good, with the rules every listing already shows
(``logistics.domain.privacy``): ``王*``, ``1******5678``, the address cut to province,
city and county. The province code and city columns stay, so every report over an old
month still adds up. ``parcel.personal_erased_at`` records when; a parcel is erased once.

:func:`erase_personal` is ``hub db purge-personal``; :func:`erase_before_first_plan`
runs it at the start of the day's first ``hub plan``. Both work on the session's hub
only and in one transaction: the parcels due are read in one pass, masked in Python
(the masking rules are regular expressions, not SQL), copied into a temporary table
(COPY on PostgreSQL) and written back by one UPDATE, so a year of parcels takes seconds.

Scan events are not touched (they are insert-only): their notes hold no recipient's or
sender's name or phone (``docs/privacy.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from logistics.domain import clock, privacy
from logistics.errors import InvalidInput
from logistics.i18n import _, ngettext
from logistics.models import Hub, Parcel, ParcelEvent, Round
from logistics.services.network import current_hub

#: The longest a hub may keep personal data: ten years (a setting beyond it is a typo).
MAX_KEEP_DAYS = 3650
#: Parcels masked and written per batch: bounds memory on a year of parcels.
BATCH = 5000

_PEOPLE = ("sender_name", "sender_phone", "recipient_name", "recipient_phone", "address")


@dataclass(frozen=True)
class Erasure:
    """What an erasure did (or, with ``dry_run``, would do)."""

    hub_code: str
    keep_days: int
    before: datetime
    """Naive UTC: parcels whose last event is older than this are erased."""
    parcels: int
    oldest: datetime | None
    """The oldest last event among the erased parcels (naive UTC), None when none."""
    newest: datetime | None
    timezone: str
    dry_run: bool = False
    stored_keep_days: bool = False
    """The hub's setting was changed to ``keep_days``."""

    def local_day(self, moment: datetime | None) -> date | None:
        """A naive UTC moment as the hub's local day."""
        return None if moment is None else clock.to_local(moment, clock.zone(self.timezone)).date()

    @property
    def cutoff(self) -> str:
        """``before`` in the hub's time, to the minute: 2026-09-03 09:41."""
        return f"{clock.to_local(self.before, clock.zone(self.timezone)):%Y-%m-%d %H:%M}"


def check_keep_days(days: int, option: str = "--days") -> int:
    """``days`` when it is a sensible number of days to keep personal data, else one sentence."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_KEEP_DAYS:
        raise InvalidInput(
            _("{option} must be a whole number of days from 1 to {most}, got {value}.").format(
                option=option, most=MAX_KEEP_DAYS, value=days
            )
        )
    return days


def erase_personal(
    session: Session,
    *,
    days: int | None = None,
    keep_days: int | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Erasure:
    """Erase the personal data of the hub's parcels whose last event is more than
    ``days`` days old (default: the hub's ``keep_personal_days``); commits.

    ``keep_days`` stores a new setting for the hub and erases by it; ``dry_run`` counts
    what would be erased and changes nothing (not the setting either). ``progress(done)``
    is told the parcels erased so far after each batch. Erasing again erases nothing new.
    """
    hub = current_hub(session)
    if days is not None and keep_days is not None:
        raise InvalidInput(
            _("Give either --days (this run only) or --keep-days (the hub's setting), not both.")
        )
    if keep_days is not None:
        days = check_keep_days(keep_days, "--keep-days")
    elif days is not None:
        days = check_keep_days(days)
    else:
        days = hub.keep_personal_days
    now = clock.utcnow()
    before = now - timedelta(days=days)
    due = _due(hub, before)
    connection = session.connection()
    if dry_run:
        parcels, oldest, newest = connection.execute(
            select(func.count(), func.min(due.c.last_at), func.max(due.c.last_at))
        ).one()
        # Nothing was changed; a commit (unlike a rollback) leaves the session's objects
        # loaded, so a caller reading them afterwards does not start a new transaction.
        session.commit()
    else:
        if keep_days is not None and hub.keep_personal_days != keep_days:
            hub.keep_personal_days = keep_days
            session.flush()
        parcels, oldest, newest = _erase(connection, due, now, progress)
        session.commit()
        if parcels:
            _forget_people(session)
    return Erasure(
        hub_code=hub.code,
        keep_days=days,
        before=before,
        parcels=int(parcels),
        oldest=oldest,
        newest=newest,
        timezone=hub.timezone,
        dry_run=dry_run,
        stored_keep_days=keep_days is not None and not dry_run,
    )


def erase_before_first_plan(session: Session, day) -> str | None:
    """At the start of the day's first plan (no round of ``day`` stored yet), erase what
    is due; a note for the plan's summary when something was erased, else None."""
    hub = current_hub(session)
    service_date = clock.parse_day(day, clock.zone(hub.timezone))
    planned = select(Round.id).where(Round.service_date == service_date).limit(1)
    if session.execute(planned).first() is not None:
        return None
    erased = erase_personal(session)
    if not erased.parcels:
        return None
    return ngettext(
        "erased the names, phones and addresses of {n} parcel whose last event was before {cutoff}",
        "erased the names, phones and addresses of {n} parcels whose last events were "
        "before {cutoff}",
        erased.parcels,
    ).format(n=f"{erased.parcels:,}", cutoff=erased.cutoff)


def _forget_people(session: Session) -> None:
    """Parcels the session holds read their people's columns again when next used."""
    for row in list(session.identity_map.values()):
        if isinstance(row, Parcel):
            session.expire(row, [*_PEOPLE, "personal_erased_at"])


def _due(hub: Hub, before: datetime):
    """The hub's parcels not yet erased whose last event is before ``before``, with
    that last event's time (``last_at``): a subquery."""
    parcel, event = Parcel.__table__, ParcelEvent.__table__
    later = select(event.c.id).where(event.c.parcel_id == parcel.c.id, event.c.at >= before)
    last_at = select(func.max(event.c.at)).where(event.c.parcel_id == parcel.c.id)
    # A parcel's last event is never before its registration: the (hub_id, registered_on)
    # index narrows the search to parcels registered by then (a day's margin for the zone).
    latest_day = before.date() + timedelta(days=1)
    return (
        select(
            parcel.c.id,
            *(parcel.c[name] for name in _PEOPLE),
            func.coalesce(last_at.scalar_subquery(), parcel.c.registered_at).label("last_at"),
        )
        .where(
            parcel.c.hub_id == hub.id,
            parcel.c.registered_on <= latest_day,
            parcel.c.registered_at < before,
            parcel.c.personal_erased_at.is_(None),
            ~later.exists(),
        )
        .subquery("due")
    )


def _erase(
    connection: Connection, due, now: datetime, progress: Callable[[int], None] | None
) -> tuple[int, datetime | None, datetime | None]:
    """Mask the parcels ``due`` selects; how many, their oldest and newest last event."""
    scratch = Table(
        "personal_erasure",
        MetaData(),
        Column("id", Integer, primary_key=True),
        *(Column(name, Text) for name in _PEOPLE),
        prefixes=["TEMPORARY"],
    )
    scratch.create(connection)
    rows = connection.execute(
        select(due.c.id, *(due.c[name] for name in _PEOPLE), due.c.last_at),
        execution_options={"stream_results": True, "yield_per": BATCH},
    )
    done, oldest, newest = 0, None, None
    for batch in rows.partitions(BATCH):
        _fill(connection, list(_masked(batch)))
        done += len(batch)
        first = min(row.last_at for row in batch)
        last = max(row.last_at for row in batch)
        oldest = first if oldest is None else min(oldest, first)
        newest = last if newest is None else max(newest, last)
        if progress:
            progress(done)
    if done:
        connection.execute(
            text(
                "UPDATE parcel SET sender_name = t.sender_name, sender_phone = t.sender_phone, "
                "recipient_name = t.recipient_name, recipient_phone = t.recipient_phone, "
                "address = t.address, personal_erased_at = :now "
                "FROM personal_erasure t WHERE parcel.id = t.id"
            ),
            {"now": now},
        )
    scratch.drop(connection)
    return done, oldest, newest


def _fill(connection: Connection, rows: list[tuple]) -> None:
    """Rows into the temporary table through the driver: SQLAlchemy's per-row parameter
    handling would cost more than the masking."""
    driver = connection.connection.driver_connection
    names = ", ".join(("id", *_PEOPLE))
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" * (1 + len(_PEOPLE)))
        driver.executemany(f"INSERT INTO personal_erasure ({names}) VALUES ({marks})", rows)
        return
    with driver.cursor().copy(f"COPY personal_erasure ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _masked(rows: Iterable) -> Iterator[tuple]:
    for row in rows:
        people = (row.recipient_name, row.sender_name)
        yield (
            row.id,
            _name(row.sender_name),
            _phone(row.sender_phone),
            _name(row.recipient_name),
            _phone(row.recipient_phone),
            None if row.address is None else privacy.mask_address(row.address, people),
        )


@lru_cache(maxsize=65536)
def _name(value: str | None) -> str | None:
    return None if value is None else privacy.mask_name(value)


@lru_cache(maxsize=65536)
def _phone(value: str | None) -> str | None:
    return None if value is None else privacy.mask_phone(value)
