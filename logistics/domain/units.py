"""The hub's units, converted and rounded in one place.

The database keeps integers: grams (``weight_g``), metres (``distance_m``) and fen
(``*_fen``). People read kg, km and yuan. Every table, printout and export converts
through these functions so that one figure shows the same digits everywhere:

* weight: kg with two decimals (``WEIGHT_STEP``), half up: 1250 g -> 1.25 kg;
* distance: km with one decimal (``DISTANCE_STEP``), half up: 48 456 m -> 48.5 km;
* money: yuan with two decimals (``MONEY_STEP``), exact for fen: 179 365 fen -> 1793.65.

``*_text`` give the figure as people read it (thousands separated); the Decimal
functions give the value for JSON, CSV and XLSX cells.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from logistics.domain.provinces import find_province

WEIGHT_STEP = Decimal("0.01")
DISTANCE_STEP = Decimal("0.1")
MONEY_STEP = Decimal("0.01")


def kg(grams: int | None) -> Decimal:
    """Grams as kg, two decimals, half up; None counts as 0."""
    return (Decimal(int(grams or 0)) / 1000).quantize(WEIGHT_STEP, ROUND_HALF_UP)


def km(metres: int | float | None) -> Decimal:
    """Metres as km, one decimal, half up; None counts as 0."""
    return (Decimal(int(round(metres or 0))) / 1000).quantize(DISTANCE_STEP, ROUND_HALF_UP)


def yuan(fen: int | None) -> Decimal:
    """Fen as yuan, two decimals (exact); None counts as 0."""
    return (Decimal(int(fen or 0)) / 100).quantize(MONEY_STEP)


def fen(amount: Decimal | int | str) -> int:
    """Yuan as whole fen, half up (a tariff of 3.455 yuan is 346 fen)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def grams(weight_kg: Decimal | int | float | str) -> int:
    """Kg as whole grams, half up."""
    return int((Decimal(str(weight_kg)) * 1000).quantize(Decimal(1), ROUND_HALF_UP))


def kg_text(grams: int | None) -> str:
    """``1,250.50``: a weight for people (no unit; the column or sentence names it)."""
    return "" if grams is None else f"{kg(grams):,}"


def km_text(metres: int | float | None) -> str:
    """``48.5``: a distance for people (no unit)."""
    return "" if metres is None else f"{km(metres):,}"


def yuan_text(fen: int | None) -> str:
    """``1,793.65``: an amount for people (no unit)."""
    return "" if fen is None else f"{yuan(fen):,}"


def province_name(code: str | None) -> str:
    """The province's short Chinese name (``贵州``) for a GB/T 2260 code or any name of it.

    Empty for no code; an unknown code reads as written, so a row is never lost.
    """
    if not code:
        return ""
    found = find_province(code)
    return found.short_name if found is not None else str(code)


def money_text(fen: int | None) -> str:
    """An amount as people read it in the chosen language: ``¥1,793.65`` / ``1,793.65 元``."""
    from logistics.i18n import is_chinese

    if fen is None:
        return ""
    amount = yuan_text(fen)
    return f"{amount} 元" if is_chinese() else f"¥{amount}"


def province_text(code: str | None) -> str:
    """A destination province as a sentence names it: ``西藏`` in Chinese,
    ``province 54 (西藏)`` in English; an unknown code reads ``province 99``."""
    from logistics.i18n import _, is_chinese

    if not code:
        return _("no province")
    name = province_name(code)
    if name == str(code):
        return _("province {code}").format(code=code)
    return name if is_chinese() else f"province {code} ({name})"
