"""Listing manifests and showing one, with the load check's progress."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from logistics.domain.clock import Day, parse_day, zone
from logistics.domain.manifest_status import ManifestStatus, read_status
from logistics.domain.parcel_status import Status
from logistics.domain.privacy import mask_name, mask_phone
from logistics.domain.units import kg, province_name
from logistics.domain.verdicts import LoadOutcome
from logistics.models import Courier, Manifest, ManifestLoadScan
from logistics.services.manifests.lookup import (
    chargeable_grams,
    count_and_grams,
    get_manifest,
    loaded_ids,
    member_ids,
    members,
    stations_of,
    time_text,
)
from logistics.services.network import courier_by_code, current_hub


def list_manifests(
    session: Session,
    *,
    day: str | Day | date | None = None,
    courier: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Manifests, newest day first, with parcel count, weight and load-check progress."""
    tz = zone(current_hub(session).timezone)
    query = select(Manifest, Courier).join(Courier, Courier.id == Manifest.courier_id)
    if day:
        query = query.where(Manifest.service_date == parse_day(day, tz))
    if courier:
        query = query.where(Manifest.courier_id == courier_by_code(session, courier).id)
    if status:
        query = query.where(Manifest.status == read_status(status))
    query = query.order_by(Manifest.service_date.desc(), Courier.code, Manifest.id)  # type: ignore[attr-defined]
    rows = []
    for manifest, item in session.exec(query):
        count, grams = count_and_grams(session, manifest)
        loaded = len(loaded_ids(session, manifest.id) & member_ids(session, manifest))
        rows.append(_summary(manifest, item, tz, count, grams, loaded))
    return rows


def _summary(
    manifest: Manifest, item: Courier, tz: ZoneInfo, count: int, grams: int, loaded: int
) -> dict[str, Any]:
    return {
        "manifest_no": manifest.manifest_no,
        "courier": item.code,
        "courier_name": item.name,
        "service_date": manifest.service_date,
        "cutoff": manifest.cutoff.strftime("%H:%M"),
        "status": manifest.status,
        "status_label": ManifestStatus.label_of(manifest.status),
        "parcels": count,
        "weight_kg": kg(grams),
        "loaded": loaded,
        "missing": count - loaded if manifest.status != ManifestStatus.OPEN else None,
        "created_at": time_text(manifest.created_at, tz),
        "closed_at": time_text(manifest.closed_at, tz),
        "handed_over_at": time_text(manifest.handed_over_at, tz),
        "driver": manifest.driver_name,
        "plate": manifest.plate,
        "forced": manifest.forced,
        "force_reason": manifest.force_reason,
    }


def show_manifest(session: Session, ref: str | int) -> dict[str, Any]:
    """One manifest: its summary, its parcels (recipients masked) and its load check."""
    tz = zone(current_hub(session).timezone)
    manifest = get_manifest(session, ref)
    item = session.get(Courier, manifest.courier_id)
    parcels = members(session, manifest)
    loaded = loaded_ids(session, manifest.id)
    stations = stations_of(session, parcels)
    lines = []
    for seq, parcel in enumerate(parcels, start=1):
        station = stations.get(parcel.station_id)
        lines.append(
            {
                "seq": seq,
                "parcel_no": parcel.parcel_no,
                "tracking_no": parcel.tracking_no,
                "station": station.code if station else None,
                "province": province_name(parcel.province_code),
                "city": parcel.city,
                "chargeable_kg": kg(chargeable_grams(parcel)),
                "recipient": mask_name(parcel.recipient_name),
                "recipient_phone": mask_phone(parcel.recipient_phone),
                "status": parcel.status,
                "status_label": Status.label_of(parcel.status),
                "loaded": parcel.id in loaded,
            }
        )
    grams = sum(chargeable_grams(p) for p in parcels)
    record = _summary(
        manifest, item, tz, len(parcels), grams, sum(1 for ln in lines if ln["loaded"])
    )
    scans = session.exec(
        select(func.count()).where(ManifestLoadScan.manifest_id == manifest.id)
    ).one()
    refused = session.exec(
        select(func.count()).where(
            ManifestLoadScan.manifest_id == manifest.id,
            ManifestLoadScan.outcome == LoadOutcome.REFUSED,
        )
    ).one()
    record["load_scans"] = int(scans)
    record["load_refused"] = int(refused)
    record["lines"] = lines
    return record
