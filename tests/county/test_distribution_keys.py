"""Every table that grows carries its hub, and every unique key includes it (docs/scaling.md).

That is what lets a county's tables be spread over several servers by hub (Citus: each
table distributed by ``hub_id``, the hubs' rows of all tables together on one node)
and what keeps two hubs from ever clashing on a code. The surrogate integer primary key
``id`` is the one exception, and docs/scaling.md says what distributing needs there.
"""

from __future__ import annotations

import pytest
from sqlalchemy import UniqueConstraint, inspect
from sqlmodel import SQLModel

import logistics.models  # noqa: F401  (every table registered in the metadata)

#: Tables every node holds whole: the hubs themselves, and the roles' map of group roles
#: to hubs (a few rows per hub, read by every row-level policy). Neither grows with parcels.
REFERENCE_TABLES = {"hub", "access_role"}
DISTRIBUTION_COLUMN = "hub_id"


def _hub_tables() -> list:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in REFERENCE_TABLES]


def test_the_hub_table_is_there_and_is_the_reference():
    assert "hub" in SQLModel.metadata.tables
    assert DISTRIBUTION_COLUMN not in SQLModel.metadata.tables["hub"].c


@pytest.mark.parametrize("table", _hub_tables(), ids=lambda t: t.name)
def test_every_hub_owned_table_carries_the_hub(table):
    column = table.c.get(DISTRIBUTION_COLUMN)
    assert column is not None, f"{table.name} has no {DISTRIBUTION_COLUMN}"
    assert not column.nullable, f"{table.name}.{DISTRIBUTION_COLUMN} may be NULL"
    assert {fk.column.table.name for fk in column.foreign_keys} == {"hub"}


@pytest.mark.parametrize("table", _hub_tables(), ids=lambda t: t.name)
def test_every_unique_key_of_a_hub_owned_table_includes_the_hub(table):
    keys = [
        (c.name, {col.name for col in c.columns})
        for c in table.constraints
        if isinstance(c, UniqueConstraint)
    ] + [(i.name, {col.name for col in i.columns}) for i in table.indexes if i.unique]
    for name, columns in keys:
        assert DISTRIBUTION_COLUMN in columns, f"{table.name}: unique key {name} {sorted(columns)}"


@pytest.mark.parametrize("table", _hub_tables(), ids=lambda t: t.name)
def test_the_only_key_without_the_hub_is_the_surrogate_id(table):
    """The primary keys are one integer ``id`` from one sequence per table: unique across
    hubs by themselves (what a Citus migration widens to (hub_id, id))."""
    assert [c.name for c in table.primary_key.columns] == ["id"]


def test_the_migrated_database_has_the_same_keys(database_url):
    """The schema as the migrations made it (not only as the models describe it)."""
    from logistics import db

    engine = db.make_engine(database_url)
    inspector = inspect(engine)
    tables = set(inspector.get_table_names()) - REFERENCE_TABLES - {"alembic_version"}
    assert tables >= {t.name for t in _hub_tables()}
    for name in sorted(tables):
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert DISTRIBUTION_COLUMN in columns, name
        assert not columns[DISTRIBUTION_COLUMN]["nullable"], name
        keys = [(u["name"], u["column_names"]) for u in inspector.get_unique_constraints(name)]
        keys += [(i["name"], i["column_names"]) for i in inspector.get_indexes(name) if i["unique"]]
        for key, key_columns in keys:
            assert DISTRIBUTION_COLUMN in key_columns, f"{name}: unique key {key} {key_columns}"
    db.dispose_engine(database_url)
