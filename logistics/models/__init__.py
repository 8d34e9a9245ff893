"""SQLModel tables, one module per area; importing this package registers them all."""

from logistics.models import scope as scope  # noqa: E402  (the hub scope hooks)
from logistics.models.access import AccessRole
from logistics.models.exports import PersonalExport
from logistics.models.imports import ImportedFile
from logistics.models.manifests import Manifest, ManifestExport, ManifestLoadScan
from logistics.models.network import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Station,
    Vehicle,
)
from logistics.models.parcels import Parcel, ParcelEvent
from logistics.models.roads import RoadMatrix
from logistics.models.rounds import Round, RoundStop

__all__ = [
    "AccessRole",
    "Courier",
    "CourierExcludedProvince",
    "CourierTariff",
    "Hub",
    "ImportedFile",
    "Manifest",
    "ManifestExport",
    "ManifestLoadScan",
    "Parcel",
    "ParcelEvent",
    "PersonalExport",
    "RoadMatrix",
    "Round",
    "RoundStop",
    "Station",
    "Vehicle",
]
