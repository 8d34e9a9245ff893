"""Text clean-up and the value parsers that imports and command options share.

Each parser takes the raw text and the name of the field it came from, and raises
:class:`~logistics.errors.InvalidInput` with one sentence that names the field, the
value and what was expected, e.g. ``weight_kg must be a number such as 2.5, got
'abc'.`` The caller adds the file and row (``parcels.csv row 12: ...``).

All parsers read full-width forms (``１２．５``, ``０８：３０``) as ASCII and ignore
surrounding spaces.

Typed text has one rule (:func:`check_text`): no control characters (C0, C1, ESC), no
bidi overrides or isolates (U+202A-U+202E, U+2066-U+2069), no zero-width or other
invisible format characters (U+200B-U+200F, U+2060, U+FEFF, ...), and not only
invisible characters. Anything echoed back from input goes through :func:`visible`,
which shows such characters as escapes (``\\x1b``, ``<U+202E>``), so a value can never
move the cursor, recolour the terminal, reverse a line or forge one.
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

#: Characters refused in typed text: C0 and C1 controls with DEL (ESC among them), soft
#: hyphen, bidi marks, overrides and isolates, zero-width and other invisible format
#: characters, line and paragraph separators, lone surrogates and tag characters.
REFUSED = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
#: Characters that show nothing although they are not refused (Hangul fillers, the
#: blank braille pattern, combining grapheme joiner): a text of these only is refused.
_BLANK = "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
_SHOWN_AS_CODE = re.compile(f"{REFUSED.pattern[:-1]}{_BLANK}]")


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\x{point:02x}" if point < 0xA0 else f"<U+{point:04X}>"


def visible(text: Any) -> str:
    """``text`` with every refused or blank character shown as an escape: ``\\x1b`` for a
    control character (``\\x0a`` for a line break), ``<U+202E>`` for a bidi override or
    a zero-width character. Anything echoed back from input is shown through it."""
    text = "" if text is None else str(text)
    if text.isascii() and text.isprintable():
        return text
    return _SHOWN_AS_CODE.sub(_escape, text)


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK or unicodedata.category(ch) in ("Mn", "Me", "Cf")


def check_text(text: Any, field: str, *, limit: int | None = None) -> str:
    """``text`` unchanged if a person may have typed it as a name, an operator or any other
    text field; else InvalidInput naming ``field`` and showing the value through
    :func:`visible`. ``limit`` is the most characters the field holds (on every database,
    checked before anything is written)."""
    text = "" if text is None else str(text)
    if not text.isprintable() and REFUSED.search(text):
        raise InvalidInput(
            _(
                "{field} must be plain text: '{value}' has control or invisible characters "
                "(shown as \\x1b or <U+202E>); type it again without them."
            ).format(field=field, value=_shown(text))
        )
    if text and all(map(_invisible, text)):
        raise InvalidInput(
            _("{field} shows nothing: '{value}' is made only of invisible characters.").format(
                field=field, value=_shown(text)
            )
        )
    if limit is not None and len(text) > limit:
        raise InvalidInput(
            _("{field} must be at most {limit} characters, got {n}.").format(
                field=field, limit=limit, n=f"{len(text):,}"
            )
        )
    return text


def normalize(text: Any, field: str | None = None) -> str:
    """NFKC-normalised text with surrounding spaces removed and inner runs of spaces
    collapsed to one (``" 贵州　 贵阳 "`` -> ``"贵州 贵阳"``); ``None`` gives ``''``.

    Line breaks and tabs count as spaces; any other control or invisible character is
    refused (:func:`check_text`), naming ``field`` when it is given."""
    if text is None:
        return ""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text).strip()
    if not text.isprintable():
        if field is not None:
            return check_text(text, field)
        if REFUSED.search(text) or all(map(_invisible, text)):
            raise InvalidInput(
                _(
                    "'{value}' has control or invisible characters (shown as \\x1b or "
                    "<U+202E>); type it again without them."
                ).format(value=_shown(text))
            )
    return text


def typed_code(text: Any) -> str:
    """A code a person typed (a station, a round), as the hub stores it: NFKC (a Chinese
    input method's full-width ``ｇｄ０２`` is ``gd02``), without surrounding spaces, in
    upper case. Every lookup of a typed code goes through it."""
    text = "" if text is None else str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip().upper()


def _shown(text: str) -> str:
    """A value quoted in a sentence: made visible, and shortened past 40 characters."""
    text = text if len(text) <= 40 else text[:40] + "…"
    return visible(text)


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
    raw = normalize(text, field)
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
    raw = normalize(text, field)
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
    raw = normalize(text, field)
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
    raw = normalize(text, field)
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
