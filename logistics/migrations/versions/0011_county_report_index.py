"""a hub's month read from one index: the county report on a county's server

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 09:00:00

On PostgreSQL the index of a hub's month, ``ix_parcel_hub_id_registered_on``
``(hub_id, registered_on)``, also carries the columns the monthly reports count and add
up (``INCLUDE``), so a month of every hub is read from the index alone, never from the
table's rows. Measured on a county of 20 hubs and 24 million parcels
(``benchmarks/county_scale.py``, docs/scaling.md): the county report took 13.6 s with the
server's default settings, the planner reading the whole table (it takes a month's rows to
be spread over all of it) and compiling each query (JIT) for seconds; with this index it
takes 2.5 to 3.2 s. The index grows from about 7 to about 80 bytes a parcel. The key is
unchanged, so every query that used the index uses it as before.

SQLite has no INCLUDE; its index stays as it is. Building the index on a big table holds
writes to ``parcel`` for as long as it takes (about a minute for 24 million parcels):
upgrade outside working hours.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_parcel_hub_id_registered_on"
#: What the county report groups and adds up, and the hub's month cube and destinations.
COVERED = (
    "direction",
    "status",
    "station_id",
    "courier_id",
    "category",
    "province_code",
    "weight_g",
    "fee_fen",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="parcel")
    op.create_index(INDEX, "parcel", ["hub_id", "registered_on"], postgresql_include=list(COVERED))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="parcel")
    op.create_index(INDEX, "parcel", ["hub_id", "registered_on"])
