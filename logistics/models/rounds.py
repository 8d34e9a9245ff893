"""Collection rounds: a van's planned (and then driven) tour of stations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from logistics.domain.round_status import RoundStatus
from logistics.models.checks import one_of


class Round(SQLModel, table=True):
    __table_args__ = (
        one_of("ck_round_status", "status", RoundStatus),
        UniqueConstraint("hub_id", "round_no", name="uq_round_hub_id_round_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    round_no: str = Field(max_length=32)  # R-20261123-1
    service_date: date = Field(index=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    status: str = Field(default=RoundStatus.PLANNED, max_length=12)
    planned_start: datetime = Field(sa_type=DateTime())
    planned_end: datetime = Field(sa_type=DateTime())
    planned_m: int = 0
    planned_s: int = 0
    started_at: datetime | None = Field(default=None, sa_type=DateTime())
    finished_at: datetime | None = Field(default=None, sa_type=DateTime())
    # Expected-versus-collected per stop, kept as JSON text when the round is finished.
    reconciliation: str | None = None
    # What the van drove (hub round finish --km, or the odometer read out and in), in
    # metres; None when the driver did not say. The planner learns road factors from it.
    driven_m: int | None = None
    odometer_out_km: float | None = None
    odometer_in_km: float | None = None


class RoundStop(SQLModel, table=True):
    __tablename__ = "round_stop"
    __table_args__ = (
        UniqueConstraint("hub_id", "round_id", "seq", name="uq_round_stop_hub_id_round_id_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    seq: int
    station_id: int = Field(foreign_key="station.id")
    arrive_at: datetime = Field(sa_type=DateTime())
    depart_at: datetime = Field(sa_type=DateTime())
    metres_from_previous: int = 0
    pickup_parcels: int = 0
    pickup_g: int = 0
    drop_parcels: int = 0
    drop_g: int = 0
    collected_parcels: int | None = None
    missing_parcels: int | None = None
    extra_parcels: int | None = None
