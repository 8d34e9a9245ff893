"""CHECK constraints that keep the hub's words in the columns that hold them.

The models build them from the enums of ``logistics.domain``; migration 0002 wrote
the same constraints, with the same names, from literal lists (``tests/test_migrations.py``
holds the two together).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


def one_of(name: str, column: str, words: type[StrEnum]) -> CheckConstraint:
    """``column IN (...)``: the database refuses any other word; NULL passes (SQL's rule)."""
    listed = ", ".join(f"'{word.value}'" for word in words)
    return CheckConstraint(f"{column} IN ({listed})", name=name)
