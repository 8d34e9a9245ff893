"""Text clean-up and the value parsers that imports and command options share.

Each parser takes the raw text and the name of the field it came from, and raises
:class:`~logistics.errors.InvalidInput` with one sentence that names the field, the
value and what was expected, e.g. ``weight_kg must be a number such as 2.5, got
'abc'.`` The caller adds the file and row (``parcels.csv row 12: ...``).

All parsers read full-width forms (``１２．５``, ``０８：３０``) as ASCII and ignore
surrounding spaces.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from logistics.errors import InvalidInput
from logistics.i18n import _, ngettext


class _Missing:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of the ``default`` parameter: a blank value is refused as missing.
REQUIRED: Final = _Missing()

_SPACES = re.compile(r"\s+")


def normalize(text: Any) -> str:
    """NFKC-normalised text with surrounding spaces removed and inner runs of spaces
    collapsed to one (``" 贵州　 贵阳 "`` -> ``"贵州 贵阳"``); ``None`` gives ``''``."""
    if text is None:
        return ""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip()


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _refused(sentence: str, field: str, raw: str = "", **words: Any) -> InvalidInput:
    """A parser's refusal: ``sentence`` (translated) with the field, the value as typed
    (shortened) and any other ``words`` filled in."""
    return InvalidInput(sentence.format(field=field, value=_shown(raw), **words))


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")


def parse_decimal(
    text: Any,
    field: str,
    *,
    minimum: Decimal | int | str | None = None,
    maximum: Decimal | int | str | None = None,
    positive: bool = False,
    places: int | None = None,
    default: Any = REQUIRED,
    example: str = "2.5",
) -> Decimal:
    """A decimal number such as ``2.5`` (also ``１２．５``, ``1,234.5``).

    ``positive`` requires > 0; ``minimum``/``maximum`` are inclusive bounds; ``places``
    limits the decimal places (2 for yuan). A blank value returns ``default`` when one
    is given, else is refused as missing. No exponents, NaN or infinities.
    """
    raw = normalize(text)
    wrong = _("{field} must be a number such as {example}, got '{value}'.")
    if not raw:
        if default is not REQUIRED:
            return default
        raise _refused(
            _("{field} is required: expected a number such as {example}."), field, example=example
        )
    if not _NUMBER.fullmatch(raw):
        raise _refused(wrong, field, raw, example=example)
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise _refused(wrong, field, raw, example=example) from None
    if places is not None and -value.as_tuple().exponent > places:  # type: ignore[operator]
        value_n = value.normalize()
        if -value_n.as_tuple().exponent > places:  # type: ignore[operator]
            sentence = ngettext(
                "{field} must have at most {n} decimal place, got '{value}'.",
                "{field} must have at most {n} decimal places, got '{value}'.",
                places,
            )
            raise _refused(sentence, field, raw, n=places)
    _check_range(field, value, raw, minimum, maximum, positive)
    return value


def parse_int(
    text: Any,
    field: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    positive: bool = False,
    default: Any = REQUIRED,
    example: str = "12",
) -> int:
    """A whole number such as ``12`` (also ``１２``, ``1,200``, or ``12.0`` from a sheet)."""
    raw = normalize(text)
    wrong = _("{field} must be a whole number such as {example}, got '{value}'.")
    if not raw:
        if default is not REQUIRED:
            return default
        raise _refused(
            _("{field} is required: expected a whole number such as {example}."),
            field,
            example=example,
        )
    if not _NUMBER.fullmatch(raw):
        raise _refused(wrong, field, raw, example=example)
    number = Decimal(raw.replace(",", ""))
    if number != number.to_integral_value():
        raise _refused(wrong, field, raw, example=example)
    value = int(number)
    _check_range(field, value, raw, minimum, maximum, positive)
    return value


def _check_range(
    field: str,
    value: Decimal | int,
    raw: str,
    minimum: Decimal | int | str | None,
    maximum: Decimal | int | str | None,
    positive: bool,
) -> None:
    if positive and value <= 0:
        raise _refused(_("{field} must be more than 0, got '{value}'."), field, raw)
    low = None if minimum is None else Decimal(minimum)
    high = None if maximum is None else Decimal(maximum)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            sentence = _("{field} must be between {low} and {high}, got '{value}'.")
        elif low is not None:
            sentence = _("{field} must be at least {low}, got '{value}'.")
        else:
            sentence = _("{field} must be at most {high}, got '{value}'.")
        raise _refused(sentence, field, raw, low=low, high=high)


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")  # 8:30, 08:30, 08:30:00
_COMPACT = re.compile(r"(\d{2})(\d{2})")  # 0830
_CLOCK_ZH = re.compile(r"(\d{1,2})[点時时](?:(半)|(\d{1,2})分?)?")  # 8点, 8点30分, 8点半
_DAY_END = dt.time(23, 59)


def _clock(raw: str, *, allow_24: bool = False) -> dt.time | None:
    if m := _CLOCK.fullmatch(raw):
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    elif m := _COMPACT.fullmatch(raw):
        hour, minute, second = int(m[1]), int(m[2]), 0
    elif m := _CLOCK_ZH.fullmatch(raw):
        hour, minute, second = int(m[1]), 30 if m[2] else int(m[3] or 0), 0
    else:
        return None
    if allow_24 and (hour, minute, second) == (24, 0, 0):
        return _DAY_END
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def parse_time_of_day(text: Any, field: str, *, default: Any = REQUIRED) -> dt.time:
    """A time of day such as ``08:30`` (also ``8:30``, ``08:30:00``, ``0830``, ``８：３０``,
    ``8点30``, ``8点半``)."""
    raw = normalize(text)
    if not raw:
        if default is not REQUIRED:
            return default
        raise _refused(_("{field} is required: expected a time of day such as 08:30."), field)
    value = _clock(raw)
    if value is None:
        raise _refused(_("{field} must be a time of day such as 08:30, got '{value}'."), field, raw)
    return value


_RANGE_SEP = re.compile(r"\s*(?:-|~|–|—|至|到|\bto\b)\s*")


def parse_hours(text: Any, field: str, *, default: Any = REQUIRED) -> tuple[dt.time, dt.time]:
    """Opening hours such as ``08:00-18:00`` as ``(opens, closes)``.

    Also ``8:00~18:00``, ``08:00－18:00``, ``08:00—18:00``, ``8点至18点``,
    ``08:00 to 18:00``. ``24:00`` is accepted as a closing time and read as 23:59.
    The closing time must be after the opening time (no overnight hours).
    """
    raw = normalize(text)
    wrong = _("{field} must be opening hours such as 08:00-18:00, got '{value}'.")
    if not raw:
        if default is not REQUIRED:
            return default
        raise _refused(_("{field} is required: expected opening hours such as 08:00-18:00."), field)
    parts = _RANGE_SEP.split(raw)
    if len(parts) != 2:
        raise _refused(wrong, field, raw)
    opens, closes = _clock(parts[0]), _clock(parts[1], allow_24=True)
    if opens is None or closes is None:
        raise _refused(wrong, field, raw)
    if closes <= opens:
        raise _refused(
            _("{field} must close after it opens (as in 08:00-18:00), got '{value}'."),
            field,
            raw,
        )
    return opens, closes


def format_hours(opens: dt.time, closes: dt.time) -> str:
    """``08:00-18:00``: the form :func:`parse_hours` reads."""
    return f"{opens:%H:%M}-{closes:%H:%M}"
