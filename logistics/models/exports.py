"""Exports of full personal data: who wrote which file of recipients' names and phones,
when, and for how many parcels (a courier's handover file, a station keeper's notice
list). Table created by revision 0009; the audit ``hub db check`` reads it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class PersonalExport(SQLModel, table=True):
    """One file of full personal data the hub wrote."""

    __tablename__ = "personal_export"

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    # What was exported: handover (a manifest's file for the courier) or notices (a
    # station keeper's pickup notice list).
    kind: str = Field(max_length=24)
    # Naive UTC (docs/CONVENTIONS.md).
    at: datetime = Field(sa_type=DateTime())
    operator: str = Field(max_length=64)
    parcels: int
    file_name: str = Field(max_length=255)
    # The manifest or station the file was for, as the operator knows it.
    subject: str | None = Field(default=None, max_length=64)
