"""Hub parcel ids: ``P{yyyymmdd}-{seq:05d}``, e.g. ``P20261123-00042``.

The date is the hub's local day the parcel was registered; the sequence counts that
day's parcels from 1. Five digits because peak days (Double 11, before the Spring
Festival) pass 9,999 parcels; ids sort by day and then by sequence as plain text.

A scanned code is either a hub parcel id or a courier tracking number;
:func:`classify_code` tells which. Parsing is lenient about what scanners and people
type (lower case, full-width, spaces, a missing hyphen, fewer sequence digits) and
always gives back the canonical form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from logistics.domain.text import visible
from logistics.domain.tracking_numbers import normalize_tracking_no
from logistics.errors import InvalidInput, RuleBroken
from logistics.i18n import _

MAX_SEQ = 99_999
_PATTERN = re.compile(r"P(\d{8})(?:-(\d{1,5})|(\d{5}))")


@dataclass(frozen=True, slots=True, order=True)
class ParcelNo:
    """A parsed hub parcel id; ``str()`` gives the canonical ``P20261123-00042``."""

    day: dt.date
    seq: int

    def __str__(self) -> str:
        return format_parcel_no(self.day, self.seq)


def format_parcel_no(day: dt.date, seq: int) -> str:
    """``P20261123-00042`` for the 42nd parcel of 23 November 2026.

    Raises RuleBroken past 99,999 parcels in a day.
    """
    if seq < 1:
        raise ValueError(f"a parcel sequence starts at 1, got {seq}")
    if seq > MAX_SEQ:
        raise RuleBroken(
            _(
                "The hub has already registered {n} parcels on {day}, "
                "the most one day's parcel ids can number."
            ).format(n=f"{MAX_SEQ:,}", day=day.isoformat())
        )
    return f"P{day.year:04d}{day.month:02d}{day.day:02d}-{seq:05d}"


def check_room(day: dt.date, already: int, adding: int) -> None:
    """RuleBroken when ``adding`` more parcels would not fit in the day's ids (99,999 a day),
    saying how many the day has and how many are left."""
    if already + adding <= MAX_SEQ:
        return
    raise RuleBroken(
        _(
            "{day} already has {n} parcels and its parcel ids run to {most}: {left} left, "
            "but {adding} are to be added; register the rest on another day."
        ).format(
            day=day.isoformat(),
            n=f"{already:,}",
            most=f"{MAX_SEQ:,}",
            left=f"{max(0, MAX_SEQ - already):,}",
            adding=f"{adding:,}",
        )
    )


def parcel_no_prefix(day: dt.date) -> str:
    """``P20261123-``: every id of that day starts with it (for a LIKE/startswith query)."""
    return f"P{day:%Y%m%d}-"


def next_parcel_no(day: dt.date, last: str | None) -> str:
    """The id after ``last`` (that day's highest id so far, or None for the first)."""
    if last is None:
        return format_parcel_no(day, 1)
    parsed = parse_parcel_no(last)
    if parsed.day != day:
        raise ValueError(f"{last} is not an id of {day.isoformat()}")
    return format_parcel_no(day, parsed.seq + 1)


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def _match(code: str) -> ParcelNo | None:
    m = _PATTERN.fullmatch(code)
    if m is None:
        return None
    digits = m.group(1)
    try:  # not strptime: a scan session parses every code, and strptime costs 20x more
        day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    seq = int(m.group(2) or m.group(3))
    if seq < 1:
        return None
    return ParcelNo(day, seq)


def parse_parcel_no(text: str) -> ParcelNo:
    """The day and sequence of a hub parcel id.

    Accepts ``P20261123-00042``, ``p20261123-42``, ``P2026112300042``, full-width forms
    and spaces; raises InvalidInput for anything else.
    """
    found = _match(_clean(text))
    if found is None:
        shown = _clean(text)[:40]
        raise InvalidInput(
            _(
                "'{code}' is not a hub parcel id: expected P, the day and a number, "
                "such as P20261123-00042."
            ).format(code=shown)
        )
    return found


def is_parcel_no(text: str) -> bool:
    """True when ``text`` is a hub parcel id (with a real date)."""
    return _match(_clean(text)) is not None


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """A scanned code: ``kind`` is ``parcel_no`` or ``tracking_no``; ``value`` is canonical."""

    kind: Literal["parcel_no", "tracking_no"]
    value: str


def classify_code(text: str) -> ScannedCode:
    """Whether a scanned or typed code is a hub parcel id or a tracking number.

    Hub ids come back canonical (``P20261123-00042``), tracking numbers normalised
    (upper case, no spaces or hyphens). Raises InvalidInput for an empty code.
    """
    code = _clean(text)
    if not code:
        raise InvalidInput(
            _("The scanned code is empty: expected a hub parcel id or a tracking number.")
        )
    parsed = _match(code)
    if parsed is not None:
        return ScannedCode("parcel_no", str(parsed))
    number = normalize_tracking_no(code)
    if not _PRINTABLE_CODE.fullmatch(number):
        # A barcode carries printable ASCII; anything else is a misread or a scanner
        # typing in the wrong keyboard layout. Shown as typed (to be found on the label),
        # only what cannot be seen escaped.
        typed = str(text).strip()
        shown = visible(typed[:40]) + ("…" if len(typed) > 40 else "")
        raise InvalidInput(
            _(
                "'{code}' is not a code: expected a hub parcel id or a tracking number "
                "(letters, digits and dashes)."
            ).format(code=shown)
        )
    return ScannedCode("tracking_no", number)


_PRINTABLE_CODE = re.compile(r"[A-Z0-9][A-Z0-9\-_/.]{0,39}")
