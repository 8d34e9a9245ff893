"""handover exports: each handover file of a manifest written for the courier's system

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00

``manifest_export`` records who wrote a manifest's handover file (full recipient data
for the courier's batch-order import), when, how many parcels it held and its file name.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "manifest_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.ForeignKeyConstraint(["manifest_id"], ["manifest.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("manifest_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_manifest_export_manifest_id"), ["manifest_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("manifest_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manifest_export_manifest_id"))
    op.drop_table("manifest_export")
