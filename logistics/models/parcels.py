"""Parcels and their append-only scan log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from logistics.domain.parcel_status import Direction, Status
from logistics.models.checks import one_of


class Parcel(SQLModel, table=True):
    __table_args__ = (
        one_of("ck_parcel_direction", "direction", Direction),
        one_of("ck_parcel_status", "status", Status),
        one_of("ck_parcel_held_from", "held_from", Status),
        UniqueConstraint("hub_id", "parcel_no", name="uq_parcel_hub_id_parcel_no"),
        # One hub's month is a range of this index (reports of the hub and of the county).
        # On PostgreSQL it carries what the monthly reports count (revision 0011), so a
        # county's month is read from the index alone.
        Index(
            "ix_parcel_hub_id_registered_on",
            "hub_id",
            "registered_on",
            postgresql_include=[
                "direction",
                "status",
                "station_id",
                "courier_id",
                "category",
                "province_code",
                "weight_g",
                "fee_fen",
            ],
        ),
        Index("ix_parcel_station_status", "station_id", "status"),
        Index("ix_parcel_registered_on_direction", "registered_on", "direction"),
        Index("ix_parcel_status_status_at", "status", "status_at"),
        # Most parcels are registered without a courier, tracking number or order ref, and
        # get their round and manifest later: indexing only the rows that have one keeps a
        # bulk import from writing index entries of NULL. Lookups by value use them as before.
        Index(
            "ix_parcel_courier_registered_on",
            "courier_id",
            "registered_on",
            sqlite_where=text("courier_id IS NOT NULL"),
            postgresql_where=text("courier_id IS NOT NULL"),
        ),
        Index(
            "ux_parcel_tracking_no",
            "hub_id",
            "tracking_no",
            unique=True,
            sqlite_where=text("tracking_no IS NOT NULL"),
            postgresql_where=text("tracking_no IS NOT NULL"),
        ),
        Index(
            "ux_parcel_order_ref",
            "hub_id",
            "order_ref",
            unique=True,
            sqlite_where=text("order_ref IS NOT NULL"),
            postgresql_where=text("order_ref IS NOT NULL"),
        ),
        Index(
            "ix_parcel_round_id",
            "round_id",
            sqlite_where=text("round_id IS NOT NULL"),
            postgresql_where=text("round_id IS NOT NULL"),
        ),
        Index(
            "ix_parcel_manifest_id",
            "manifest_id",
            sqlite_where=text("manifest_id IS NOT NULL"),
            postgresql_where=text("manifest_id IS NOT NULL"),
        ),
        # A station keeper finds a waiting inbound parcel by its pickup code (revision 0006).
        Index(
            "ix_parcel_station_id_pickup_code",
            "station_id",
            "pickup_code",
            sqlite_where=text("pickup_code IS NOT NULL"),
            postgresql_where=text("pickup_code IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Every table that grows carries its hub (docs/scaling.md): the parcel's is its station's.
    hub_id: int = Field(foreign_key="hub.id")
    # The hub's own id, printed on labels: P20261123-00042.
    parcel_no: str = Field(max_length=24)
    tracking_no: str | None = Field(default=None, max_length=40)
    # The shop's or courier's order reference; importing a file twice must not duplicate it.
    order_ref: str | None = Field(default=None, max_length=64)
    direction: str = Field(max_length=8)  # a Direction
    # Origin station for outbound parcels, destination station for inbound ones.
    station_id: int = Field(foreign_key="station.id")
    sender_name: str | None = None
    sender_phone: str | None = None
    recipient_name: str | None = None
    recipient_phone: str | None = None
    province_code: str | None = Field(default=None, max_length=2)
    city: str | None = None
    address: str | None = None
    weight_g: int
    length_cm: float | None = None
    width_cm: float | None = None
    height_cm: float | None = None
    category: str | None = Field(default=None, max_length=32)
    courier_id: int | None = Field(default=None, foreign_key="courier.id")
    # True when the courier is fixed by its tracking number and assignment may not move it.
    courier_fixed: bool = False
    status: str = Field(max_length=20)  # a Status
    # The state a held parcel returns to when released.
    held_from: str | None = Field(default=None, max_length=20)
    # Naive UTC (docs/CONVENTIONS.md), not SQLModel's timezone-aware default for datetime.
    registered_at: datetime = Field(sa_type=DateTime())
    # The hub-local day of registration, kept so daily and monthly queries use an index.
    registered_on: date
    status_at: datetime = Field(sa_type=DateTime())
    round_id: int | None = Field(default=None, foreign_key="round.id")
    manifest_id: int | None = Field(default=None, foreign_key="manifest.id")
    chargeable_g: int | None = None
    fee_fen: int | None = None
    # An inbound parcel's pickup code (取件码, shelf-layer-number: 3-2-1045), given when it
    # is scanned at its station (logistics.domain.pickup_codes); kept after pickup.
    pickup_code: str | None = Field(default=None, max_length=16)
    # When the parcel's personal data was erased (masked in place for good; revision 0009).
    personal_erased_at: datetime | None = Field(default=None, sa_type=DateTime())


class ParcelEvent(SQLModel, table=True):
    """One thing that happened to a parcel; never updated or deleted."""

    __tablename__ = "parcel_event"
    __table_args__ = (
        Index("ix_parcel_event_parcel_id_id", "parcel_id", "id"),
        one_of("ck_parcel_event_from_status", "from_status", Status),
        one_of("ck_parcel_event_to_status", "to_status", Status),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id")
    parcel_id: int = Field(foreign_key="parcel.id")
    at: datetime = Field(index=True, sa_type=DateTime())
    action: str = Field(max_length=24)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    place: str | None = Field(default=None, max_length=64)
    operator: str = Field(max_length=64)
    note: str | None = None
