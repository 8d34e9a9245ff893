"""Who may see what on a county's PostgreSQL server: each database group role made by
``hub db roles`` and the hub, courier or station it lets its members see. Table created
by revision 0010; the row-level security policies and the masked view read it.

Written and read with Core statements only (``logistics.services.access``): a row of
the county bureau belongs to no hub, so the hub scope of ORM sessions must not fill it.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class AccessRole(SQLModel, table=True):
    """One group role: a hub's operators, one courier's drivers, one station's keeper,
    or the county bureau (no hub)."""

    __tablename__ = "access_role"

    role_name: str = Field(primary_key=True, max_length=63)
    # operator, courier, station or county (logistics.services.access.Kind).
    kind: str = Field(max_length=12)
    hub_id: int | None = Field(default=None, foreign_key="hub.id", ondelete="CASCADE")
    courier_id: int | None = Field(default=None, foreign_key="courier.id", ondelete="CASCADE")
    station_id: int | None = Field(default=None, foreign_key="station.id", ondelete="CASCADE")
