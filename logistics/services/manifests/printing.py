"""The printed manifest and the parcel labels, as documents.

The services build the documents from stored data only; ``logistics.io`` renders and
writes the files (:func:`~logistics.io.pdf.manifest.write_manifest_pdf`,
:func:`~logistics.io.manifest_csv.write_manifest_csv`,
:func:`~logistics.io.pdf.labels.write_labels_pdf`). A closed manifest is dated by its
``closed_at``, so printing it again gives the same bytes. Recipients are masked
(GB/T 41833-2022) on paper and in the CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from logistics.domain import products
from logistics.domain.clock import utcnow, zone
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Action, Direction
from logistics.domain.units import province_name
from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io.pdf.labels import LabelSheet, ParcelLabel
from logistics.io.pdf.manifest import ManifestDocument, ManifestHandover, ManifestLine
from logistics.models import Courier, Hub, Parcel, ParcelEvent, Station
from logistics.services.manifests.lookup import (
    chargeable_grams,
    get_manifest,
    loaded_ids,
    local,
    masked_recipient,
    members,
    stations_of,
)
from logistics.services.network import current_hub
from logistics.services.parcel_events import record_note

# ------------------------------------------------------------------ the manifest


def manifest_document(session: Session, ref: str | int) -> ManifestDocument:
    """The printable manifest, from stored data only.

    A closed or handed-over manifest is dated by its ``closed_at``, so printing it again
    gives identical bytes; an open one is a draft dated now.
    """
    hub = current_hub(session)
    tz = zone(hub.timezone)
    manifest = get_manifest(session, ref)
    item = session.get(Courier, manifest.courier_id)
    parcels = members(session, manifest)
    stations = stations_of(session, parcels)
    lines = [
        _line(seq, parcel, stations.get(parcel.station_id), hub)
        for seq, parcel in enumerate(parcels, start=1)
    ]
    first_id = parcels[0].id if parcels else None
    is_open = manifest.status == ManifestStatus.OPEN
    load_check = ""
    if not is_open:
        loaded = len(loaded_ids(session, manifest.id) & {p.id for p in parcels})
        # printed bilingual whatever the terminal's language, as the rest of the paper
        load_check = f"已装车 {loaded} / {len(parcels)}  scanned {loaded} of {len(parcels)}"
    handover = None
    if manifest.status == ManifestStatus.HANDED_OVER and manifest.handed_over_at is not None:
        handover = ManifestHandover(
            driver_name=manifest.driver_name or "",
            vehicle_plate=manifest.plate or "",
            handed_over_at=local(manifest.handed_over_at, tz),
            operator_name=_operator_of(session, first_id, Action.HANDOVER),
            forced_reason=(manifest.force_reason or "") if manifest.forced else "",
        )
    issued = utcnow() if is_open else manifest.closed_at
    return ManifestDocument(
        manifest_no=manifest.manifest_no,
        hub_name=hub.name,
        hub_code=hub.code,
        courier_code=item.code,
        courier_name=item.name,
        service_date=manifest.service_date,
        cutoff=manifest.cutoff,
        status=ManifestStatus(manifest.status),
        issued_at=local(issued, tz),
        lines=lines,
        operator_name=_operator_of(session, first_id, Action.MANIFEST),
        load_check=load_check,
        handover=handover,
    )


def _line(seq: int, parcel: Parcel, station: Station | None, hub: Hub) -> ManifestLine:
    return ManifestLine(
        seq=seq,
        parcel_no=parcel.parcel_no,
        tracking_no=parcel.tracking_no,
        origin_station=station.name if station else hub.name,
        origin_station_code=station.code if station else "",
        dest_province=province_name(parcel.province_code),
        dest_city=parcel.city or "",
        chargeable_g=chargeable_grams(parcel),
        recipient=masked_recipient(parcel),
    )


def _operator_of(session: Session, parcel_id: int | None, action: Action) -> str:
    if parcel_id is None:
        return ""
    found = session.exec(
        select(ParcelEvent.operator)
        .where(ParcelEvent.parcel_id == parcel_id, ParcelEvent.action == action)
        .order_by(ParcelEvent.id.desc())  # type: ignore[union-attr]
    ).first()
    return found or ""


# ------------------------------------------------------------------ labels


def label_sheet(session: Session, codes: Sequence[str]) -> LabelSheet:
    """Labels for the parcels the codes name (hub ids or tracking numbers), in order,
    dated now in the hub's time zone."""
    from logistics.services.parcels import find_parcels

    parcels = find_parcels(session, codes)
    if not parcels:
        raise InvalidInput(_("No parcels given: expected hub parcel ids or tracking numbers."))
    hub = current_hub(session)
    stations = stations_of(session, parcels)
    couriers = {c.id: c for c in session.exec(select(Courier))}
    labels = [
        _label(parcel, stations.get(parcel.station_id), couriers.get(parcel.courier_id), hub)
        for parcel in parcels
    ]
    return LabelSheet(labels, issued_at=local(utcnow(), zone(hub.timezone)))


def _label(
    parcel: Parcel, station: Station | None, courier: Courier | None, hub: Hub
) -> ParcelLabel:
    if parcel.direction == Direction.OUTBOUND:
        dest_province = province_name(parcel.province_code)
        dest_city = parcel.city or ""
        origin = station.name if station else hub.name
        origin_code = station.code if station else ""
    else:  # inbound: the destination is the village station
        dest_province = station.village if station else ""
        dest_city = station.name if station else ""
        origin, origin_code = hub.name, hub.code
    return ParcelLabel(
        parcel_no=parcel.parcel_no,
        tracking_no=parcel.tracking_no,
        origin_station=origin,
        origin_station_code=origin_code,
        dest_province=dest_province,
        dest_city=dest_city,
        weight_g=parcel.weight_g,
        recipient=masked_recipient(parcel),
        courier_name=courier.name if courier else "",
        courier_code=courier.code if courier else "",
        hub_name=hub.name,
        service_date=parcel.registered_on,
        category=contents(parcel.category),
    )


def contents(key: str | None) -> str:
    """A stored product key as the bilingual label prints it (``猕猴桃 kiwi fruit``); a
    legacy free text (stored before the product list existed) as stored."""
    found = products.by_key(key)
    if found is None:
        return key or ""
    return f"{found.chinese} {found.english}"


def note_labels_printed(session: Session, sheet: LabelSheet, *, operator: str) -> int:
    """Note ``label printed`` on each parcel of a sheet once it is written; commits.
    Returns how many parcels were noted."""
    numbers = list(dict.fromkeys(label.parcel_no for label in sheet.labels))
    parcels = session.exec(
        select(Parcel).where(Parcel.parcel_no.in_(numbers))  # type: ignore[attr-defined]
    ).all()
    for parcel in parcels:
        record_note(session, parcel, "label", operator=operator, note="label printed")
    session.commit()
    return len(parcels)
