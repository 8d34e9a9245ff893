"""Parcels: list them, show one with its timeline, find the overdue ones.

Creating parcels (by hand, and the one insert that imports and arrival scans use too)
lives in :mod:`logistics.services.parcel_register`. Bulk import lives in
:mod:`logistics.services.parcel_import`; scans in :mod:`logistics.services.scanning`.

Every listing and `show` mask the recipient's and sender's names and phone numbers
(GB/T 41833-2022): ``张*``, ``1******1234``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from logistics.domain import products, units
from logistics.domain.clock import Day, local_today, parse_day, to_local, utcnow, zone
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.privacy import mask_address, mask_name, mask_phone
from logistics.errors import NotFound
from logistics.i18n import N_, _
from logistics.models import Courier, Parcel, ParcelEvent, Station
from logistics.services.network import current_hub, station_by_code
from logistics.services.parcel_events import find_parcel

# scanning imports these from here
from logistics.services.parcel_register import (  # noqa: F401
    PRODUCT_NOTE,
    insert_parcels,
    load_network,
    typed_product,
)

DEFAULT_RETENTION_DAYS = 7

# ------------------------------------------------------------------ words people read

_DIRECTION_WORDS = {Direction.OUTBOUND: N_("outbound"), Direction.INBOUND: N_("inbound")}

#: A timeline's step words: the actions of parcel_status, the first event of an outbound
#: parcel, and the notes services log (assignment, label printing).
STEP_WORDS: dict[str, str] = {
    "register": N_("register"),
    "collect": N_("collect"),
    "arrive": N_("arrive at hub"),
    "hold": N_("hold"),
    "release": N_("release"),
    "cancel": N_("cancel"),
    "arrive-inbound": N_("inbound arrival"),
    "dispatch": N_("dispatch"),
    "at-station": N_("at station"),
    "picked-up": N_("picked up"),
    "return": N_("return"),
    "manifest": N_("put on a manifest"),
    "unmanifest": N_("taken off a manifest"),
    "handover": N_("handover"),
    "assign": N_("assign a courier"),
    "label": N_("print the label"),
    "handover-file": N_("in a handover file for the courier"),
    "waybill": N_("courier's tracking number loaded"),
    "pickup-notice": N_("pickup notice sent"),
}


def direction_label(direction: str | None) -> str:
    """outbound / inbound as people read it (寄出 / 进港); an unknown value as stored."""
    if not direction:
        return ""
    word = _DIRECTION_WORDS.get(direction)  # type: ignore[call-overload]
    return _(word) if word else direction


def step_label(action: str | None) -> str:
    """A timeline step as people read it; an action the hub does not know, as stored."""
    word = STEP_WORDS.get(action or "")
    return _(word) if word else (action or "")


# the notes the hub itself logs, in English, worded again in the chosen language
_IMPORTED = re.compile(r"imported from (?P<file>.+)")
_ROUND = re.compile(r"round (?P<round>R-\S+)")
_NOTICE = re.compile(r"pickup notice file (?P<file>.+)")
# services.manifests: the handover (driver and plate as typed), a handover file, waybills
_HANDOVER = re.compile(
    r"(?P<manifest>M-\S+) to (?P<whom>.+?)"
    r"(?:; not scanned in the load check, forced: (?P<reason>.*))?"
)
_EXPORT = re.compile(r"(?P<manifest>M-\S+) handover file (?P<file>.+)")
_WAYBILL = re.compile(r"(?P<courier>\S+) tracking number (?P<number>\S+) from (?P<file>.+)")
#: the hub's fixed notes, worded again where shown (services.sample's SAMPLE_MARK too)
_FIXED_NOTES = {
    "label printed": N_("label printed"),
    "registered by an arrival scan": N_("registered by an arrival scan"),
    "sample data": N_("sample data"),
}


def note_text(note: str | None) -> str | None:
    """A timeline note as people read it: the hub's own notes (imported from a file, label
    printed, the product as typed) in the chosen language; a note people typed, as typed."""
    if not note:
        return note
    head, product = note, None
    if (typed := typed_product(note)) is not None:
        head = note[: len(note) - len(PRODUCT_NOTE) - len(typed)].removesuffix("; ")
        product = _("product as typed: {product}").format(product=typed)
    if m := _IMPORTED.fullmatch(head):
        head = _("imported from {file}").format(file=m["file"])
    elif m := _ROUND.fullmatch(head):
        head = _("round {round}").format(round=m["round"])
    elif m := _NOTICE.fullmatch(head):
        head = _("pickup notice file {file}").format(file=m["file"])
    elif m := _EXPORT.fullmatch(head):
        head = _("{manifest} handover file {file}").format(manifest=m["manifest"], file=m["file"])
    elif m := _WAYBILL.fullmatch(head):
        head = _("{courier} tracking number {number} from {file}").format(
            courier=m["courier"], number=m["number"], file=m["file"]
        )
    elif m := _HANDOVER.fullmatch(head):
        head = _("{manifest} handed over to {whom}").format(manifest=m["manifest"], whom=m["whom"])
        if m["reason"] is not None:
            forced = _("not scanned in the load check, forced: {reason}").format(reason=m["reason"])
            head = _("{note}; {product}").format(note=head, product=forced)
    elif head in _FIXED_NOTES:
        head = _(_FIXED_NOTES[head])
    if product is None:
        return head
    return _("{note}; {product}").format(note=head, product=product) if head else product


# ------------------------------------------------------------------ looking at parcels


def _local(moment: datetime | None, tz) -> str | None:
    if moment is None:
        return None
    return to_local(moment, tz).strftime("%Y-%m-%d %H:%M")


def _row(parcel: Parcel, station: str, courier: str | None, tz) -> dict[str, Any]:
    """A parcel as listed: codes for scripts, each with the words people read beside it
    (``status_label``, ``direction_label``, ``category_label``, ``province_name``)."""
    return {
        "parcel_no": parcel.parcel_no,
        "tracking_no": parcel.tracking_no,
        "pickup_code": parcel.pickup_code,
        "order_ref": parcel.order_ref,
        "direction": parcel.direction,
        "direction_label": direction_label(parcel.direction),
        "station": station,
        "status": parcel.status,
        "status_label": Status.label_of(parcel.status),
        "courier": courier,
        "courier_fixed": parcel.courier_fixed,
        "recipient": mask_name(parcel.recipient_name),
        "recipient_phone": mask_phone(parcel.recipient_phone),
        "province": parcel.province_code,
        "province_name": units.province_name(parcel.province_code),
        "city": parcel.city,
        "weight_g": parcel.weight_g,
        "weight_kg": units.kg(parcel.weight_g),
        "category": parcel.category,
        "category_label": products.label(parcel.category) if parcel.category else None,
        "registered": _local(parcel.registered_at, tz),
        "status_at": _local(parcel.status_at, tz),
    }


def list_parcels(
    session: Session,
    *,
    station: str | None = None,
    status: str | None = None,
    courier: str | None = None,
    direction: str | None = None,
    day: date | Day | None = None,
    since: date | Day | None = None,
    until: date | Day | None = None,
    limit: int | None = 1000,
) -> list[dict[str, Any]]:
    """Parcels (newest first) filtered by station, status, courier, direction and the
    hub-local day of registration (``day``, or ``since``..``until`` inclusive); a typed
    day (today, 12月2日) is read in the hub's time zone."""
    hub = current_hub(session)
    tz = zone(hub.timezone)
    query = (
        select(Parcel, Station.code, Courier.code)
        .join(Station, Station.id == Parcel.station_id)
        .outerjoin(Courier, Courier.id == Parcel.courier_id)
    )
    if station:
        query = query.where(Parcel.station_id == station_by_code(session, station).id)
    if status is not None:
        query = query.where(Parcel.status == Status.parse(status))
    if direction is not None:
        query = query.where(Parcel.direction == Direction.parse(direction))
    if courier:
        if courier.strip().lower() in ("none", "-", "unassigned"):
            query = query.where(Parcel.courier_id.is_(None))
        else:
            from logistics.services.network import courier_by_code

            query = query.where(Parcel.courier_id == courier_by_code(session, courier).id)
    if day is not None:
        query = query.where(Parcel.registered_on == parse_day(day, tz))
    if since is not None:
        query = query.where(Parcel.registered_on >= parse_day(since, tz))
    if until is not None:
        query = query.where(Parcel.registered_on <= parse_day(until, tz))
    query = query.order_by(Parcel.registered_on.desc(), Parcel.parcel_no.desc())
    if limit:
        query = query.limit(limit)
    return [_row(p, s, c, tz) for p, s, c in session.execute(query).all()]


def get_parcel(session: Session, code: str) -> Parcel:
    """The parcel a hub id or tracking number names (NotFound otherwise)."""
    return find_parcel(session, code)


def show_parcel(session: Session, code: str) -> dict[str, Any]:
    """One parcel (names, phones and address masked) with its timeline, oldest first."""
    parcel = find_parcel(session, code)
    hub = current_hub(session)
    tz = zone(hub.timezone)
    station = session.get(Station, parcel.station_id)
    courier = session.get(Courier, parcel.courier_id) if parcel.courier_id else None
    record = _row(parcel, station.code if station else "", courier.code if courier else None, tz)
    record.update(
        {
            "station_name": station.name if station else None,
            "sender": mask_name(parcel.sender_name),
            "sender_phone": mask_phone(parcel.sender_phone),
            "address": mask_address(parcel.address, (parcel.recipient_name, parcel.sender_name)),
            "size_cm": _size(parcel),
            "held_from": parcel.held_from,
            "round_id": parcel.round_id,
            "manifest_id": parcel.manifest_id,
            "fee_fen": parcel.fee_fen,
        }
    )
    events = session.scalars(
        select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id).order_by(ParcelEvent.id)
    ).all()
    record["timeline"] = [
        {
            "at": _local(e.at, tz),
            "action": e.action,
            "action_label": step_label(e.action),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "to_status_label": Status.label_of(e.to_status) if e.to_status else None,
            "place": e.place,
            "operator": e.operator,
            "note": e.note,
            "note_text": note_text(e.note),
        }
        for e in events
    ]
    typed = typed_product(events[0].note) if events else None
    if typed and parcel.category == products.OTHER:
        record["category_typed"] = typed
        record["category_label"] = _("{product} (typed: {typed})").format(
            product=record["category_label"], typed=typed
        )
    return record


def _size(parcel: Parcel) -> str | None:
    sides = (parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if any(s is None for s in sides):
        return None
    return " x ".join(f"{s:g}" for s in sides)


def overdue_parcels(
    session: Session, *, station: str | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Inbound parcels waiting at a station longer than its retention period.

    The retention period is the station's own (``retention_days``), else the hub's,
    else 7 days; days are counted from the at-station scan. Oldest first.
    """
    hub = current_hub(session)
    tz = zone(hub.timezone)
    now = now or utcnow()
    default_days = hub.retention_days or DEFAULT_RETENTION_DAYS
    query = (
        select(Parcel, Station)
        .join(Station, Station.id == Parcel.station_id)
        .where(Parcel.direction == Direction.INBOUND, Parcel.status == Status.AT_STATION)
    )
    if station:
        query = query.where(Parcel.station_id == station_by_code(session, station).id)
    # no parcel waits less than the shortest retention of any station and be overdue
    shortest = min(
        [
            default_days,
            *session.scalars(
                select(Station.retention_days).where(Station.retention_days.is_not(None))
            ),
        ]
    )
    query = query.where(Parcel.status_at <= now - timedelta(days=shortest))
    rows = []
    for parcel, st in session.execute(query.order_by(Parcel.status_at, Parcel.id)).all():
        days = st.retention_days or default_days
        waited = now - parcel.status_at
        if waited < timedelta(days=days):
            continue
        rows.append(
            {
                "parcel_no": parcel.parcel_no,
                "tracking_no": parcel.tracking_no,
                "pickup_code": parcel.pickup_code,
                "station": st.code,
                "station_name": st.name,
                "recipient": mask_name(parcel.recipient_name),
                "recipient_phone": mask_phone(parcel.recipient_phone),
                "at_station_since": _local(parcel.status_at, tz),
                "days_waiting": waited.days,
                "retention_days": days,
            }
        )
    return rows


def parcels_of_day(session: Session, day: date | Day | None = None) -> list[Parcel]:
    """Every parcel registered on the hub-local ``day`` (default today), by hub id."""
    tz = zone(current_hub(session).timezone)
    day = parse_day(day, tz) if day is not None else local_today(tz)
    return list(
        session.scalars(
            select(Parcel).where(Parcel.registered_on == day).order_by(Parcel.parcel_no)
        )
    )


def find_parcels(session: Session, codes: Iterable[str]) -> list[Parcel]:
    """The parcels the codes name (hub ids or tracking numbers), in the codes' order;
    NotFound names the first code that names none."""
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    if not wanted:
        return []
    found: dict[str, Parcel] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for parcel in session.scalars(
            select(Parcel).where(or_(Parcel.parcel_no.in_(chunk), Parcel.tracking_no.in_(chunk)))
        ):
            found[parcel.parcel_no] = parcel
            if parcel.tracking_no:
                found[parcel.tracking_no] = parcel
    missing = next((c for c in wanted if c not in found), None)
    if missing is not None:
        raise NotFound(
            _("No parcel has the hub id or tracking number '{code}'.").format(code=missing)
        )
    return [found[c] for c in wanted]
