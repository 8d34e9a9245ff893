"""SQLModel tables, one module per area; importing this package registers them all."""

from logistics.models.manifests import Manifest, ManifestLoadScan
from logistics.models.network import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Station,
    Vehicle,
)
from logistics.models.parcels import Parcel, ParcelEvent
from logistics.models.rounds import Round, RoundStop

__all__ = [
    "Courier",
    "CourierExcludedProvince",
    "CourierTariff",
    "Hub",
    "Manifest",
    "ManifestLoadScan",
    "Parcel",
    "ParcelEvent",
    "Round",
    "RoundStop",
    "Station",
    "Vehicle",
]
