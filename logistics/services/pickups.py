"""A station keeper's inbound parcels: the list of parcels waiting for their villagers,
and the text messages that tell each villager a parcel has come and its pickup code.

* :func:`waiting_parcels` lists the parcels waiting at a station (at the station), by
  pickup code (shelf, layer, number: the order the keeper walks the shelves), with the
  recipient masked and only the last four digits of the phone (尾号 1234), as stations
  show them;
* :func:`pickup_notices` builds the document of the messages: one per recipient (the
  parcels of one phone number together), with the full phone number, which the keeper's
  phone needs to send them; ``logistics.io.pickup_notices`` writes it (owner-only) and
  :func:`note_notices` records the export on each parcel's events (who, when, the file),
  as the handover file is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from logistics.domain import pickup_codes
from logistics.domain.clock import to_local, utcnow, zone
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.privacy import mask_name
from logistics.models import Courier, Parcel, PersonalExport, Station
from logistics.services import access
from logistics.services.network import current_hub, station_by_code
from logistics.services.parcel_events import record_notes

#: The parcel event a written notice file notes (a timeline reads it as stored until
#: ``logistics.services.parcels.STEP_WORDS`` words it).
NOTICE_EVENT = "pickup-notice"
DEFAULT_RETENTION_DAYS = 7


def _sort_key(parcel: Parcel) -> tuple:
    code = pickup_codes.parse(parcel.pickup_code)
    return (code is None, code or pickup_codes.PickupCode(0, 0, 0), parcel.status_at, parcel.id)


def _waiting(session: Session, station: Station) -> list[Parcel]:
    found = session.scalars(
        select(Parcel).where(
            Parcel.station_id == station.id,
            Parcel.direction == Direction.INBOUND,
            Parcel.status == Status.AT_STATION,
        )
    ).all()
    return sorted(found, key=_sort_key)


def waiting_parcels(
    session: Session, station: str, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The inbound parcels waiting at ``station``, in pickup-code order (see the module)."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    now = now or utcnow()
    st = station_by_code(session, station)
    keep = timedelta(days=st.retention_days or hub.retention_days or DEFAULT_RETENTION_DAYS)
    parcels = _waiting(session, st)
    couriers = dict(session.execute(select(Courier.id, Courier.code)).all())
    rows = []
    for parcel in parcels:
        waited = now - parcel.status_at
        rows.append(
            {
                "pickup_code": parcel.pickup_code,
                "parcel_no": parcel.parcel_no,
                "tracking_no": parcel.tracking_no,
                "courier": couriers.get(parcel.courier_id),
                "station": st.code,
                "recipient": mask_name(parcel.recipient_name),
                "phone_tail": pickup_codes.phone_tail(parcel.recipient_phone),
                "at_station_since": to_local(parcel.status_at, tz).strftime("%Y-%m-%d %H:%M"),
                "days_waiting": max(waited.days, 0),
                "overdue": waited >= keep,
            }
        )
    return rows


@dataclass(frozen=True)
class PickupNotice:
    """One text message: a recipient's phone (in full) and the codes of their parcels."""

    phone: str
    codes: tuple[str, ...]
    parcel_nos: tuple[str, ...]
    parcel_ids: tuple[int, ...]


@dataclass(frozen=True)
class PickupNotices:
    hub_name: str
    hub_language: str | None
    station: str
    station_name: str
    station_phone: str | None
    notices: tuple[PickupNotice, ...]
    no_phone: tuple[str, ...]
    """Hub parcel ids of waiting parcels whose recipient has no phone number to text."""

    @property
    def parcels(self) -> int:
        return sum(len(notice.parcel_ids) for notice in self.notices)


def pickup_notices(session: Session, station: str) -> PickupNotices:
    """The messages for the parcels waiting at ``station``: one per phone number, the
    codes in shelf order; a parcel without a pickup code is named by its hub id."""
    hub = current_hub(session)
    st = station_by_code(session, station)
    by_phone: dict[str, list[Parcel]] = {}
    no_phone: list[str] = []
    for parcel in _waiting(session, st):
        phone = pickup_codes.sms_number(parcel.recipient_phone)
        if len(phone) < 7:
            no_phone.append(parcel.parcel_no)
            continue
        by_phone.setdefault(phone, []).append(parcel)
    notices = tuple(
        PickupNotice(
            phone=phone,
            codes=tuple(p.pickup_code or p.parcel_no for p in parcels),
            parcel_nos=tuple(p.parcel_no for p in parcels),
            parcel_ids=tuple(p.id for p in parcels),
        )
        for phone, parcels in by_phone.items()
    )
    return PickupNotices(
        hub_name=hub.name,
        hub_language=hub.language,
        station=st.code,
        station_name=st.name,
        station_phone=st.keeper_phone,
        notices=notices,
        no_phone=tuple(no_phone),
    )


def note_notices(session: Session, doc: PickupNotices, *, file_name: str, operator: str) -> int:
    """Record a written notice file: its entry in the record of personal data exports
    (``personal_export``: who, when, how many parcels, the file, the station) and a note
    on each parcel's events; commits. Called once the file exists. Returns how many
    parcels were noted."""
    ids = [parcel_id for notice in doc.notices for parcel_id in notice.parcel_ids]
    if not ids:
        return 0
    parcels = session.scalars(select(Parcel).where(Parcel.id.in_(ids))).all()
    now = utcnow()
    session.add(
        PersonalExport(
            kind=access.NOTICES_EXPORT,
            at=now,
            operator=operator[:64],
            parcels=len(parcels),
            file_name=file_name[:255],
            subject=doc.station,
        )
    )
    note = f"pickup notice file {file_name}"
    count = record_notes(
        session, [(p, note) for p in parcels], NOTICE_EVENT, operator=operator, at=now
    )
    session.commit()
    return count
