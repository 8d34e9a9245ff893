"""A row a person names by its number (R-20261123-1, M-ZTO-20261123-1) or its id."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from logistics.domain.text import typed_code

#: The largest id a database integer holds; a longer number names no row.
MAX_ID = 2**31 - 1


def by_number_or_id(
    session: Session, model: Any, number_column: Any, ref: str | int, *, for_update: bool = False
):
    """The ``model`` row whose number (typed full-width or in lower case alike) or id is
    ``ref``, or None."""
    code = typed_code(str(ref))
    query = select(model)
    if code.isdigit() and int(code) <= MAX_ID:
        query = query.where(model.id == int(code))
    else:
        query = query.where(number_column == code)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()
