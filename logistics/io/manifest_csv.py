"""The CSV copy of a pickup manifest: one row per parcel, for the courier's Excel.

UTF-8 with a BOM and formula-safe (see :mod:`logistics.io.csv_export`); recipients
arrive masked in the document and are split into name and phone columns. Weights are
the same kg figures the PDF prints (:func:`logistics.domain.units.kg`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from logistics.domain.units import kg
from logistics.io.csv_export import write_csv

if TYPE_CHECKING:  # the document type lives with the PDF renderer (reportlab)
    from logistics.io.pdf.manifest import ManifestDocument

CSV_COLUMNS = (
    "manifest_no",
    "seq",
    "parcel_no",
    "tracking_no",
    "origin_station",
    "origin_station_code",
    "dest_province",
    "dest_city",
    "chargeable_kg",
    "recipient",
    "recipient_phone",
)


def manifest_csv_rows(doc: ManifestDocument) -> list[dict[str, Any]]:
    """The manifest's lines as CSV rows (recipient name and phone masked, in two columns)."""
    rows = []
    for line in doc.lines:
        name, _sep, phone = line.recipient.partition("  ")
        rows.append(
            {
                "manifest_no": doc.manifest_no,
                "seq": line.seq,
                "parcel_no": line.parcel_no,
                "tracking_no": line.tracking_no,
                "origin_station": line.origin_station,
                "origin_station_code": line.origin_station_code,
                "dest_province": line.dest_province,
                "dest_city": line.dest_city,
                "chargeable_kg": kg(line.chargeable_g),
                "recipient": name.strip(),
                "recipient_phone": phone.strip(),
            }
        )
    return rows


def write_manifest_csv(
    doc: ManifestDocument, path: str | os.PathLike[str], *, force: bool = False
) -> int:
    """Write the manifest's CSV copy at ``path``; returns the number of rows."""
    return write_csv(path, CSV_COLUMNS, manifest_csv_rows(doc), force=force)
