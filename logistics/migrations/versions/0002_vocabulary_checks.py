"""vocabulary checks: the database refuses an unknown status, direction or load outcome

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00

The allowed words are written out here rather than read from ``logistics.domain``:
a migration must do on a hub next year what it does today, whatever the enums have
become by then. ``tests/test_migrations.py`` checks that they match the enums of
this release; a later release that adds a word adds a revision that widens the check.

A NULL passes a CHECK in SQL, so the nullable columns (``held_from``,
``from_status``) need no ``IS NULL`` of their own.

SQLite cannot add a constraint to a table in place: batch mode copies each table
into a new one holding the constraint (``logistics.db.upgrade`` turns foreign keys
off for that copy and checks them afterwards). PostgreSQL gets ``ALTER TABLE ADD
CONSTRAINT``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIRECTIONS = ("outbound", "inbound")
PARCEL_STATUSES = (
    "registered",
    "collected",
    "at_hub",
    "manifested",
    "handed_over",
    "cancelled",
    "arrived_hub",
    "out_for_delivery",
    "at_station",
    "picked_up",
    "returned",
    "held",
)
MANIFEST_STATUSES = ("open", "closed", "handed_over")
ROUND_STATUSES = ("planned", "started", "finished")
LOAD_OUTCOMES = ("loaded", "repeat", "refused")

# table -> (constraint name, column, allowed words)
CHECKS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "parcel": (
        ("ck_parcel_direction", "direction", DIRECTIONS),
        ("ck_parcel_status", "status", PARCEL_STATUSES),
        ("ck_parcel_held_from", "held_from", PARCEL_STATUSES),
    ),
    "parcel_event": (
        ("ck_parcel_event_from_status", "from_status", PARCEL_STATUSES),
        ("ck_parcel_event_to_status", "to_status", PARCEL_STATUSES),
    ),
    "manifest": (("ck_manifest_status", "status", MANIFEST_STATUSES),),
    "round": (("ck_round_status", "status", ROUND_STATUSES),),
    "manifest_load_scan": (("ck_manifest_load_scan_outcome", "outcome", LOAD_OUTCOMES),),
}


def one_of(column: str, words: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def upgrade() -> None:
    _refuse_unknown_words()
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, column, words in checks:
                batch_op.create_check_constraint(name, one_of(column, words))


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, _column, _words in checks:
                batch_op.drop_constraint(name, type_="check")


def _refuse_unknown_words() -> None:
    """Say which rows hold a word the checks would refuse, instead of a bare SQL error.

    Nothing is changed then (the upgrade runs in one transaction): the operator
    corrects those rows and upgrades again.
    """
    from logistics.errors import RuleBroken

    connection = op.get_bind()
    found = []
    for table, checks in CHECKS.items():
        for _name, column, words in checks:
            rows = connection.execute(
                sa.text(
                    f'SELECT {column}, COUNT(*) FROM "{table}" '
                    f"WHERE NOT ({one_of(column, words)}) GROUP BY {column} ORDER BY {column}"
                )
            ).all()
            found += [
                f"{table}.{column} '{word}' ({count} row{'s' if count != 1 else ''})"
                for word, count in rows
            ]
    if found:
        raise RuleBroken(
            "The database holds words this hub does not know, so it cannot be upgraded: "
            f"{'; '.join(found)}. Correct those rows, then run `hub db upgrade` again."
        )
