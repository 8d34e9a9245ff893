"""Pickup manifests: one courier's handover list for one cut-off."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.verdicts import LoadOutcome
from logistics.models.checks import one_of


class Manifest(SQLModel, table=True):
    __table_args__ = (
        one_of("ck_manifest_status", "status", ManifestStatus),
        UniqueConstraint("hub_id", "manifest_no", name="uq_manifest_hub_id_manifest_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    manifest_no: str = Field(max_length=40)  # M-ZTO-20261123-1
    courier_id: int = Field(foreign_key="courier.id", index=True)
    service_date: date = Field(index=True)
    cutoff: time
    status: str = Field(default=ManifestStatus.OPEN, max_length=12)
    created_at: datetime = Field(sa_type=DateTime())
    closed_at: datetime | None = Field(default=None, sa_type=DateTime())
    handed_over_at: datetime | None = Field(default=None, sa_type=DateTime())
    driver_name: str | None = None
    plate: str | None = None
    forced: bool = False
    force_reason: str | None = None


class ManifestLoadScan(SQLModel, table=True):
    """One scan of the courier driver's load check."""

    __tablename__ = "manifest_load_scan"
    __table_args__ = (one_of("ck_manifest_load_scan_outcome", "outcome", LoadOutcome),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id")
    manifest_id: int = Field(foreign_key="manifest.id", index=True)
    parcel_id: int | None = Field(default=None, foreign_key="parcel.id")
    code: str = Field(max_length=40)
    outcome: str = Field(max_length=12)  # a LoadOutcome
    at: datetime = Field(sa_type=DateTime())
    operator: str = Field(max_length=64)


class ManifestExport(SQLModel, table=True):
    """One handover file of a manifest written for the courier's system (full recipient
    data): who wrote it, when, how many parcels and the file's name. The parcels it held
    are noted on each one's events."""

    __tablename__ = "manifest_export"

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    manifest_id: int = Field(foreign_key="manifest.id", index=True)
    at: datetime = Field(sa_type=DateTime())
    operator: str = Field(max_length=64)
    parcels: int
    file_name: str = Field(max_length=255)
