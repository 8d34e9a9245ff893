"""Finding manifests and their parcels: the reads every manifest step shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from logistics.domain.clock import to_local
from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Status
from logistics.domain.privacy import mask_name, mask_phone
from logistics.domain.verdicts import LoadOutcome
from logistics.errors import NotFound
from logistics.i18n import _
from logistics.models import Manifest, ManifestLoadScan, Parcel, Station
from logistics.services.by_number import by_number_or_id


def manifest_no_for(courier_code: str, day: date, n: int) -> str:
    """``M-ZTO-20261123-1``."""
    return f"M-{courier_code}-{day:%Y%m%d}-{n}"


def get_manifest(session: Session, ref: str | int, *, for_update: bool = False) -> Manifest:
    """The manifest a number (``M-ZTO-20261123-1``, any case, full-width too) or database
    id names."""
    manifest = by_number_or_id(session, Manifest, Manifest.manifest_no, ref, for_update=for_update)
    if manifest is None:
        raise NotFound(
            _(
                "There is no manifest '{ref}': expected a number such as M-ZTO-20261123-1 "
                "(`hub manifest list` shows them)."
            ).format(ref=ref)
        )
    return manifest


def members_query(manifest: Manifest):
    """The parcels on the manifest: for an open one only those still at the hub and still
    assigned to its courier (the rest leave it at the next build or at close)."""
    query = select(Parcel).where(Parcel.manifest_id == manifest.id)
    if manifest.status == ManifestStatus.OPEN:
        query = query.where(
            Parcel.status == Status.AT_HUB, Parcel.courier_id == manifest.courier_id
        )
    return query


def members(session: Session, manifest: Manifest, *, for_update: bool = False) -> list[Parcel]:
    """The parcels on the manifest in printed order (by hub parcel id)."""
    query = members_query(manifest).order_by(Parcel.parcel_no)
    if for_update:
        query = query.with_for_update()
    return list(session.exec(query))


def member_ids(session: Session, manifest: Manifest) -> set[int]:
    sub = members_query(manifest).subquery()
    return set(session.exec(select(sub.c.id)))


def drop_strays(session: Session, manifest: Manifest) -> int:
    """Take parcels off an open manifest that are no longer at the hub for its courier."""
    strays = session.exec(
        select(Parcel).where(
            Parcel.manifest_id == manifest.id,
            (Parcel.status != Status.AT_HUB) | (Parcel.courier_id != manifest.courier_id),
        )
    ).all()
    for parcel in strays:
        parcel.manifest_id = None
        session.add(parcel)
    return len(strays)


def count_and_grams(session: Session, manifest: Manifest) -> tuple[int, int]:
    """How many parcels the manifest holds and their chargeable grams, summed in the database."""
    sub = members_query(manifest).subquery()
    row = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(func.coalesce(sub.c.chargeable_g, sub.c.weight_g)), 0),
        ).select_from(sub)
    ).one()
    return int(row[0]), int(row[1])


def chargeable_grams(parcel: Parcel) -> int:
    """The courier's billing weight; the actual weight until one is known."""
    return parcel.chargeable_g if parcel.chargeable_g is not None else parcel.weight_g


def loaded_ids(session: Session, manifest_id: int) -> set[int]:
    """The parcels the load check of the manifest has loaded so far."""
    return set(
        session.exec(
            select(ManifestLoadScan.parcel_id).where(
                ManifestLoadScan.manifest_id == manifest_id,
                ManifestLoadScan.outcome == LoadOutcome.LOADED,
            )
        )
    )


def stations_of(session: Session, parcels: Iterable[Parcel]) -> dict[int, Station]:
    ids = {p.station_id for p in parcels}
    if not ids:
        return {}
    return {
        s.id: s
        for s in session.exec(select(Station).where(Station.id.in_(ids)))  # type: ignore[union-attr]
    }


def masked_recipient(parcel: Parcel) -> str:
    """``张*  1******5678``: the recipient as paper shows them (GB/T 41833-2022)."""
    name = mask_name(parcel.recipient_name) or "-"
    phone = mask_phone(parcel.recipient_phone)
    return f"{name}  {phone}" if phone else name


def local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored UTC moment as the hub's wall-clock time (naive)."""
    return None if moment is None else to_local(moment, tz).replace(tzinfo=None)


def time_text(moment: datetime | None, tz: ZoneInfo) -> str | None:
    shown = local(moment, tz)
    return None if shown is None else shown.strftime("%Y-%m-%d %H:%M")
