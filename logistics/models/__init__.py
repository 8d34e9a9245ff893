"""SQLModel tables, one module per area; importing this package registers them all."""

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
    "RoadMatrix",
    "Round",
    "RoundStop",
    "Station",
    "Vehicle",
]
