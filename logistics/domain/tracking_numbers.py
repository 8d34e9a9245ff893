"""Courier tracking numbers: default patterns, clean-up, and telling couriers apart.

Each courier's pattern lives in its configuration (the ``Courier`` row); the defaults
below are what the sample township and ``hub courier add`` start from. A pattern is a
regular expression that must match the *whole* normalised number.

A number that matches no courier, or another courier than the row names, is refused;
when the row names no courier the courier is detected from the number, and a number
that fits two couriers (possible with edited patterns) must name its courier. The
default Yunda pattern leaves 13-digit numbers starting 1 or 9 to EMS so the two can
be told apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from logistics.errors import InvalidInput
from logistics.i18n import N_, _

#: Default pattern per courier code.
DEFAULT_PATTERNS: dict[str, str] = {
    "ZTO": r"7\d{13}",  # 中通: 14 digits starting 7
    "STO": r"77\d{13}",  # 申通: 15 digits starting 77
    "YTO": r"YT\d{13}",  # 圆通: YT + 13 digits
    # 韵达: 15 digits starting 3 or 4, or 13 digits; a 13-digit number starting 1 or 9 is
    # left to EMS, else no EMS number could ever be told from a Yunda one
    "YUNDA": r"[34]\d{14}|[02-8]\d{12}",
    "JT": r"JT\d{13}",  # 极兔 J&T: JT + 13 digits
    "EMS": r"[19]\d{12}",  # 邮政 EMS: 13 digits starting 1 or 9
    "SF": r"SF\d{13}",  # 顺丰: SF + 13 digits
    "DEPPON": r"DPK\d{12}",  # 德邦: DPK + 12 digits
}

#: How each default pattern reads in a sentence.
DEFAULT_DESCRIPTIONS: dict[str, str] = {
    "ZTO": N_("14 digits starting with 7"),
    "STO": N_("15 digits starting with 77"),
    "YTO": N_("YT and 13 digits"),
    "YUNDA": N_("15 digits starting with 3 or 4, or 13 digits not starting with 1 or 9"),
    "JT": N_("JT and 13 digits"),
    "EMS": N_("13 digits starting with 1 or 9"),
    "SF": N_("SF and 13 digits"),
    "DEPPON": N_("DPK and 12 digits"),
}

_DROP = re.compile(r"[\s\-]+")

Patterns = Mapping[str, "str | re.Pattern[str]"]


def normalize_tracking_no(text: str | None) -> str:
    """The number as stored: NFKC (full-width ``ＹＴ１２３`` -> ``YT123``), upper case,
    no spaces or hyphens (``"yt 1234-5678"`` -> ``"YT12345678"``)."""
    if text is None:
        return ""
    return _DROP.sub("", unicodedata.normalize("NFKC", str(text))).upper()


def compile_pattern(code: str, pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """Compile a courier's pattern, refusing one that is not a valid regular expression."""
    if isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as error:
        raise InvalidInput(
            _(
                "Courier {courier}'s tracking-number pattern '{pattern}' is not a valid "
                "regular expression ({error})."
            ).format(courier=code, pattern=pattern, error=error)
        ) from None


def describe_pattern(code: str, pattern: str | re.Pattern[str]) -> str:
    """Words for a courier's pattern: the default description, or the expression itself."""
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if DEFAULT_PATTERNS.get(code.upper()) == text:
        return _(DEFAULT_DESCRIPTIONS[code.upper()])
    return _("the pattern {pattern}").format(pattern=text)


def matching_couriers(tracking_no: str, patterns: Patterns) -> list[str]:
    """The codes (in ``patterns`` order) of the couriers whose pattern fits the number."""
    number = normalize_tracking_no(tracking_no)
    if not number:
        return []
    return [
        code
        for code, pattern in patterns.items()
        if pattern and compile_pattern(code, pattern).fullmatch(number)
    ]


def check(tracking_no: str, courier_code: str | None, patterns: Patterns) -> str:
    """The code of the courier the number belongs to; InvalidInput when it does not fit.

    With ``courier_code`` the number must fit that courier's pattern (couriers without
    a pattern accept any number); without one, exactly one courier must fit.
    """
    number = normalize_tracking_no(tracking_no)
    if not number:
        raise InvalidInput(_("tracking_no is empty: expected a courier's tracking number."))
    shown = number if len(number) <= 40 else number[:40] + "…"
    by_upper = {code.upper(): code for code in patterns}
    found = matching_couriers(number, patterns)
    if courier_code is not None and str(courier_code).strip():
        named = by_upper.get(str(courier_code).strip().upper())
        if named is None:
            known = ", ".join(patterns) or _("none")
            raise InvalidInput(
                _("Courier '{courier}' is not an active courier: expected one of {known}.").format(
                    courier=str(courier_code).strip(), known=known
                )
            )
        if named in found or not patterns[named]:
            return named
        if found:
            raise InvalidInput(
                _(
                    "Tracking number '{number}' looks like a {others} number, not {courier} "
                    "({courier} numbers are {pattern})."
                ).format(
                    number=shown,
                    others=_(" or ").join(found),
                    courier=named,
                    pattern=describe_pattern(named, patterns[named]),
                )
            )
        raise InvalidInput(
            _("Tracking number '{number}' is not a {courier} number: expected {pattern}.").format(
                number=shown, courier=named, pattern=describe_pattern(named, patterns[named])
            )
        )
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(code for code, pattern in patterns.items() if pattern) or _("none")
        raise InvalidInput(
            _(
                "Tracking number '{number}' does not match any active courier's pattern "
                "({known}): check the number or name its courier."
            ).format(number=shown, known=known)
        )
    raise InvalidInput(
        _("Tracking number '{number}' could belong to {couriers}: name its courier.").format(
            number=shown, couriers=_(" or ").join(found)
        )
    )
