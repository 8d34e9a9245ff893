"""The hub's network: the hub itself, village stations, couriers with their terms, vans."""

from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


class Hub(SQLModel, table=True):
    __table_args__ = (CheckConstraint("language IN ('zh', 'en')", name="ck_hub_language"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    timezone: str = "Asia/Shanghai"
    lat: float
    lon: float
    address: str | None = None
    # Parcels must reach the sorting floor this long before the earliest courier cut-off.
    sort_minutes: int = 30
    # Great-circle distance times this factor approximates the road distance.
    road_factor: float = 1.35
    van_speed_kmh: float = 35.0
    # Inbound parcels wait at a station this many days before they go back.
    retention_days: int = 7
    # zh or en for every terminal of this hub; None follows each terminal's locale.
    language: str | None = Field(default=None, max_length=8)
    # Recipients' and senders' names, phones and detailed addresses are erased this many
    # days after a parcel's last event (hub db purge-personal; revision 0009).
    keep_personal_days: int = Field(default=90, sa_column_kwargs={"server_default": "90"})


class Station(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hub_id", "code", name="uq_station_hub_id_code"),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    code: str = Field(max_length=32)
    name: str
    village: str
    keeper_name: str | None = None
    keeper_phone: str | None = None
    lat: float
    lon: float
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    service_minutes: int = 5
    # Roughly how many households the station serves; the sample generator scales volume by it.
    households: int | None = None
    retention_days: int | None = None
    active: bool = True


class Courier(SQLModel, table=True):
    """One courier's account at one hub (ZTO at 东街 is not ZTO at 西岭)."""

    __table_args__ = (UniqueConstraint("hub_id", "code", name="uq_courier_hub_id_code"),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    code: str = Field(max_length=16)
    name: str
    tracking_pattern: str | None = None
    cutoff: time = time(17, 0)
    daily_capacity: int = 1000
    # Agreed minimum fraction (0..1) of the day's outbound parcels this courier receives.
    min_share: float = 0.0
    # cm3 per kg: length x width x height / divisor is the volumetric weight.
    volumetric_divisor: int = 8000
    # Chargeable weight is rounded up to a multiple of this.
    weight_step_g: int = 1000
    max_weight_g: int | None = None
    phone: str | None = None
    active: bool = True


class CourierTariff(SQLModel, table=True):
    """Price of a parcel to one destination province; province_code '*' is the default row."""

    __tablename__ = "courier_tariff"
    __table_args__ = (
        UniqueConstraint(
            "hub_id", "courier_id", "province_code", name="uq_courier_tariff_hub_id_courier_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    courier_id: int = Field(foreign_key="courier.id", index=True)
    province_code: str = Field(max_length=2)
    first_kg_fen: int
    extra_kg_fen: int


class CourierExcludedProvince(SQLModel, table=True):
    __tablename__ = "courier_excluded_province"
    __table_args__ = (
        UniqueConstraint(
            "hub_id",
            "courier_id",
            "province_code",
            name="uq_courier_excluded_province_hub_id_courier_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    courier_id: int = Field(foreign_key="courier.id", index=True)
    province_code: str = Field(max_length=2)


class Vehicle(SQLModel, table=True):
    """A hub van that drives collection rounds."""

    __table_args__ = (UniqueConstraint("hub_id", "code", name="uq_vehicle_hub_id_code"),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    code: str = Field(max_length=32)
    plate: str | None = None
    capacity_g: int
    capacity_parcels: int
    shift_start: time = time(7, 30)
    shift_end: time = time(17, 30)
    cost_per_km_fen: int = 120
    fixed_cost_fen: int = 15000
    active: bool = True
