"""several hubs in one database: every table that grows carries its hub

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00

Every table that grows gets ``hub_id`` (NOT NULL, a foreign key to ``hub``), filled from
what the row already belongs to: a parcel from its station, an event from its parcel, a
round from its van, a stop from its round, a manifest from its courier, a load scan and
an export from their manifest, a tariff from its courier. Couriers and imported files
belonged to "the" hub: they go to the first hub set up (the one every command used).
Every unique key gains ``hub_id`` first (station, courier, van, round, manifest and
parcel numbers, tracking numbers, order references, file digests are unique within a
hub), so two hubs may both have a station ``ZJC`` and the tables can be distributed by
hub (docs/scaling.md). A database holding rows but no hub is refused with a sentence.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Table -> how its rows find their hub: (other table, this table's column, other's column).
#: Order matters: a table is filled after the one it takes its hub from.
FILLED_FROM: dict[str, tuple[str, str, str] | None] = {
    "courier": None,
    "imported_file": None,
    "courier_tariff": ("courier", "courier_id", "id"),
    "courier_excluded_province": ("courier", "courier_id", "id"),
    "parcel": ("station", "station_id", "id"),
    "parcel_event": ("parcel", "parcel_id", "id"),
    "round": ("vehicle", "vehicle_id", "id"),
    "round_stop": ("round", "round_id", "id"),
    "manifest": ("courier", "courier_id", "id"),
    "manifest_load_scan": ("manifest", "manifest_id", "id"),
    "manifest_export": ("manifest", "manifest_id", "id"),
}

#: Tables whose hub_id is indexed on its own (small tables; the big ones are reached by
#: other keys, and the parcel has (hub_id, registered_on)).
INDEXED = {
    "courier",
    "imported_file",
    "courier_tariff",
    "courier_excluded_province",
    "round",
    "round_stop",
    "manifest",
    "manifest_export",
}

#: Unique keys of revision 0001 (columns) -> the new key's name; PostgreSQL named the
#: old ones <table>_<columns>_key, SQLite left them unnamed.
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "station": (("code",), "uq_station_hub_id_code"),
    "courier": (("code",), "uq_courier_hub_id_code"),
    "vehicle": (("code",), "uq_vehicle_hub_id_code"),
    "round": (("round_no",), "uq_round_hub_id_round_no"),
    "manifest": (("manifest_no",), "uq_manifest_hub_id_manifest_no"),
    "parcel": (("parcel_no",), "uq_parcel_hub_id_parcel_no"),
    "imported_file": (("digest",), "uq_imported_file_hub_id_digest"),
    "courier_tariff": (("courier_id", "province_code"), "uq_courier_tariff_hub_id_courier_id"),
    "courier_excluded_province": (
        ("courier_id", "province_code"),
        "uq_courier_excluded_province_hub_id_courier_id",
    ),
    "round_stop": (("round_id", "seq"), "uq_round_stop_hub_id_round_id_seq"),
}

#: SQLite's unnamed unique constraints get these names when batch mode reflects them.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def upgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for table in FILLED_FROM:
        op.add_column(table, sa.Column("hub_id", sa.Integer(), nullable=True))
    _fill(connection, sqlite)
    for table in FILLED_FROM:
        _constrain(table, sqlite)
    for table in ("station", "vehicle"):
        _swap_unique(table, sqlite)
    _rekey_parcel_indexes()


def _fill(connection, sqlite: bool) -> None:
    first_hub = connection.execute(sa.text("SELECT min(id) FROM hub")).scalar()
    for table, source in FILLED_FROM.items():
        if source is None:
            if first_hub is None:
                _refuse_without_hub(connection, table)
                continue
            connection.execute(sa.text(f"UPDATE {table} SET hub_id = :hub"), {"hub": first_hub})
            continue
        other, column, other_column = source
        if sqlite:
            connection.execute(
                sa.text(
                    f"UPDATE {table} SET hub_id = (SELECT o.hub_id FROM {other} o "
                    f"WHERE o.{other_column} = {table}.{column})"
                )
            )
        else:
            connection.execute(
                sa.text(
                    f"UPDATE {table} t SET hub_id = o.hub_id FROM {other} o "
                    f"WHERE o.{other_column} = t.{column}"
                )
            )


def _refuse_without_hub(connection, table: str) -> None:
    rows = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    if rows:
        from logistics.errors import RuleBroken

        raise RuleBroken(
            f"The database holds {rows} rows in {table} but no hub; set the hub up first "
            "(`hub init --hub-name NAME --lat LAT --lon LON`), then run `hub init` again."
        )


def _constrain(table: str, sqlite: bool) -> None:
    with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
        batch_op.alter_column("hub_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(f"fk_{table}_hub_id_hub", "hub", ["hub_id"], ["id"])
        if table in INDEXED:
            batch_op.create_index(f"ix_{table}_hub_id", ["hub_id"], unique=False)
        if table in UNIQUE_KEYS:
            _swap_in_batch(batch_op, table, sqlite)


def _swap_unique(table: str, sqlite: bool) -> None:
    with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
        _swap_in_batch(batch_op, table, sqlite)


def _swap_in_batch(batch_op, table: str, sqlite: bool) -> None:
    columns, new_name = UNIQUE_KEYS[table]
    old_name = f"uq_{table}_{'_'.join(columns)}" if sqlite else f"{table}_{'_'.join(columns)}_key"
    batch_op.drop_constraint(old_name, type_="unique")
    batch_op.create_unique_constraint(new_name, ["hub_id", *columns])


def _rekey_parcel_indexes() -> None:
    with op.batch_alter_table("parcel") as batch_op:
        for name, column in (
            ("ux_parcel_tracking_no", "tracking_no"),
            ("ux_parcel_order_ref", "order_ref"),
        ):
            batch_op.drop_index(name)
            batch_op.create_index(
                name,
                ["hub_id", column],
                unique=True,
                sqlite_where=sa.text(f"{column} IS NOT NULL"),
                postgresql_where=sa.text(f"{column} IS NOT NULL"),
            )
        batch_op.create_index(
            "ix_parcel_hub_id_registered_on", ["hub_id", "registered_on"], unique=False
        )


def downgrade() -> None:
    raise NotImplementedError("Revision 0008 is not undone: restore a backup taken before it.")
