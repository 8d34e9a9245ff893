"""Files imported into the hub, remembered by their content.

A parcel row with no order reference and no tracking number cannot be recognised
when it comes again, so the hub remembers each imported file by the SHA-256 of its
bytes: importing the same file again (a retry after a kill, a double click, a renamed
copy) is refused unless the operator says ``--again``
(:func:`logistics.services.parcel_import.import_parcels`). Table created by migration 0005.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


class ImportedFile(SQLModel, table=True):
    """One imported file: the last import of these bytes."""

    __tablename__ = "imported_file"
    __table_args__ = (UniqueConstraint("hub_id", "digest", name="uq_imported_file_hub_id_digest"),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    # SHA-256 of the file's bytes, 64 lowercase hex digits.
    digest: str = Field(max_length=64)
    # The file's name (not its folder) as it was last imported.
    file_name: str = Field(max_length=255)
    # Parcels the last import of the file added.
    parcels_added: int
    # Naive UTC (docs/CONVENTIONS.md).
    imported_at: datetime = Field(sa_type=DateTime())
    operator: str = Field(max_length=64)
