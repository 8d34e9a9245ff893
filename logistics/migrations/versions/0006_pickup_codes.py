"""pickup codes: an inbound parcel's 取件码 at its station

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:00:00

``parcel.pickup_code`` (shelf-layer-number, e.g. ``3-2-1045``) is given when an inbound
parcel is scanned at its station; the station keeper and ``hub scan picked-up`` find the
waiting parcel by it, so it is indexed with the station (rows that have one only).

Parcels already waiting at a station (at the station, or held there) get their code
here, by the rule of ``logistics.domain.pickup_codes`` as it is at this revision, written
out literally: numbers from 1001 in the order they reached the station, shelf
round-robin over 3 shelves by the number, layer by weight (>= 5 kg 1, >= 1 kg or not
weighed 2, lighter 3).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pickup_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index(
            "ix_parcel_station_id_pickup_code",
            ["station_id", "pickup_code"],
            unique=False,
            sqlite_where=sa.text("pickup_code IS NOT NULL"),
            postgresql_where=sa.text("pickup_code IS NOT NULL"),
        )
    _code_the_waiting_parcels()


def _layer(weight_g: int | None) -> int:
    if not weight_g or weight_g <= 0:
        return 2
    return 1 if weight_g >= 5000 else 2 if weight_g >= 1000 else 3


def _code_the_waiting_parcels() -> None:
    connection = op.get_bind()
    waiting = connection.execute(
        sa.text(
            "SELECT id, station_id, weight_g FROM parcel "
            "WHERE direction = 'inbound' AND (status = 'at_station' "
            "OR (status = 'held' AND held_from = 'at_station')) "
            "ORDER BY station_id, status_at, id"
        )
    ).all()
    given: dict[int, int] = {}
    update = sa.text("UPDATE parcel SET pickup_code = :code WHERE id = :id")
    for parcel_id, station_id, weight_g in waiting:
        index = given.get(station_id, 0)
        if index >= 8999:
            continue  # more than a station's numbers: scanned by parcel id as before
        given[station_id] = index + 1
        number = 1001 + index
        code = f"{index % 3 + 1}-{_layer(weight_g)}-{number}"
        connection.execute(update, {"code": code, "id": parcel_id})


def downgrade() -> None:
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_index("ix_parcel_station_id_pickup_code")
        batch_op.drop_column("pickup_code")
