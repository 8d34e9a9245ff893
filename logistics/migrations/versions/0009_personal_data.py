"""personal data: how long it is kept, when it was erased, and who exported it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:00:00

``hub.keep_personal_days`` (default 90) is how long after a parcel's last event its
people's names, phones and detailed address are kept; ``parcel.personal_erased_at`` is
when they were erased. ``personal_export`` records each file of full personal data the
hub wrote (who, when, how many parcels); a courier handover file already recorded in
``manifest_export`` is copied into it, so the record starts complete.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hub", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("keep_personal_days", sa.Integer(), server_default="90", nullable=False)
        )
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_erased_at", sa.DateTime(), nullable=True))
    op.create_table(
        "personal_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_personal_export_hub_id"), "personal_export", ["hub_id"], unique=False)
    op.execute(
        "INSERT INTO personal_export (hub_id, kind, at, operator, parcels, file_name, subject) "
        "SELECT e.hub_id, 'handover', e.at, e.operator, e.parcels, e.file_name, m.manifest_no "
        "FROM manifest_export e JOIN manifest m ON m.id = e.manifest_id ORDER BY e.id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_personal_export_hub_id"), table_name="personal_export")
    op.drop_table("personal_export")
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_column("personal_erased_at")
    with op.batch_alter_table("hub", schema=None) as batch_op:
        batch_op.drop_column("keep_personal_days")
