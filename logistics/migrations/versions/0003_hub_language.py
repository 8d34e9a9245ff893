"""hub language: the language every terminal of a hub speaks unless told otherwise

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

``hub.language`` is ``zh`` or ``en``, or NULL for "follow each terminal's locale"
(what every hub did before this revision, so existing hubs keep their behaviour).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANGUAGES = ("zh", "en")


def upgrade() -> None:
    with op.batch_alter_table("hub") as batch_op:
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.create_check_constraint(
            "ck_hub_language", f"language IN ({', '.join(repr(w) for w in LANGUAGES)})"
        )


def downgrade() -> None:
    with op.batch_alter_table("hub") as batch_op:
        batch_op.drop_constraint("ck_hub_language", type_="check")
        batch_op.drop_column("language")
