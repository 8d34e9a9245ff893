"""Road distances the hub has been told by a road server, kept so a plan needs one
request per set of stations (``hub plan --roads URL``). Table created by migration 0007."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class RoadMatrix(SQLModel, table=True):
    """One answer of a road server's table service for one ordered list of points."""

    __tablename__ = "road_matrix"
    __table_args__ = (UniqueConstraint("hub_id", "source", "points_key"),)

    id: int | None = Field(default=None, primary_key=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    # The server asked (its URL without credentials), e.g. http://10.0.0.5:5000 (OSRM).
    source: str = Field(max_length=255)
    # SHA-256 of the ordered points (hub first, then stations) the matrix is for.
    points_key: str = Field(max_length=64)
    # Naive UTC (docs/CONVENTIONS.md).
    fetched_at: datetime = Field(sa_type=DateTime())
    # JSON: the ordered point codes, and the square matrices of metres and seconds.
    body: str = Field(sa_type=Text())
