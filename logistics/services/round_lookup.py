"""Finding the round an operator names, kept light: `hub scan --round` checks the round
it notes without loading the round sheet's PDF libraries (``services.rounds`` does)."""

from __future__ import annotations

from sqlmodel import Session

from logistics.errors import NotFound
from logistics.i18n import _
from logistics.models import Round
from logistics.services.by_number import by_number_or_id


def get_round(session: Session, ref: str | int, *, for_update: bool = False) -> Round:
    """The round a number (R-20261123-1, typed full-width or in lower case alike) or an
    id names."""
    text = str(ref).strip()
    found = by_number_or_id(session, Round, Round.round_no, text, for_update=for_update)
    if found is None:
        raise NotFound(
            _(
                "There is no round '{text}': expected a round number such as R-20261123-1 "
                "(`hub round list` shows them)."
            ).format(text=text)
        )
    return found
