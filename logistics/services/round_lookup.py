"""Finding the round an operator names, kept light: `hub scan --round` checks the round
it notes without loading the round sheet's PDF libraries (``services.rounds`` does)."""

from __future__ import annotations

from sqlmodel import Session, select

from logistics.domain.text import typed_code
from logistics.errors import NotFound
from logistics.i18n import _
from logistics.models import Round

# the largest id a database integer holds; a longer number names no round
MAX_ID = 2**31 - 1


def get_round(session: Session, ref: str | int, *, for_update: bool = False) -> Round:
    """The round a number (R-20261123-1, typed full-width or in lower case alike) or an
    id names."""
    text = str(ref).strip()
    code = typed_code(text)
    query = select(Round)
    if code.isdigit() and int(code) <= MAX_ID:
        query = query.where(Round.id == int(code))
    else:
        query = query.where(Round.round_no == code)
    if for_update:
        query = query.with_for_update()
    found = session.exec(query).first()
    if found is None:
        raise NotFound(
            _(
                "There is no round '{text}': expected a round number such as R-20261123-1 "
                "(`hub round list` shows them)."
            ).format(text=text)
        )
    return found
