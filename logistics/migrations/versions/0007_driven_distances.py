"""driven distances and road matrices: what the vans drove, what a road server said

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00

``round.driven_m`` (and the odometer read when the van left and came back) records the
distance a finished round drove, so the planner can learn each station's road factor;
``road_matrix`` keeps a road server's answer (OSRM or Valhalla table service) for one
ordered list of points, with the time it was fetched. Both start empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("driven_m", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("odometer_out_km", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("odometer_in_km", sa.Float(), nullable=True))
    op.create_table(
        "road_matrix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("points_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hub_id", "source", "points_key"),
    )
    op.create_index(op.f("ix_road_matrix_hub_id"), "road_matrix", ["hub_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_road_matrix_hub_id"), table_name="road_matrix")
    op.drop_table("road_matrix")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("odometer_in_km")
        batch_op.drop_column("odometer_out_km")
        batch_op.drop_column("driven_m")
