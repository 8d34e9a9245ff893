"""Courier tariffs: chargeable weight, fee, and whether a courier can take a parcel.

Pure rules, no database. Units:

- weights are integer grams (``weight_g``), as stored in the database;
- parcel dimensions are centimetres (``int`` or ``Decimal``; a float is read through ``str``);
- a courier's volumetric divisor is cm3 per kg (6000 means 6000 cm3 count as 1 kg);
- money is ``Decimal`` yuan quantised to 0.01 (:mod:`logistics.domain.units` goes to and
  from the integer fen stored in ``*_fen`` columns);
- provinces are GB/T 2260 two-digit codes as strings ("52" is Guizhou); a six-digit
  division code ("520102") is read as its province (see :func:`province_code`).

Example::

    zto = CourierTerms(
        code="ZTO", name="ZTO Express", volumetric_divisor=6000, weight_step_g=500,
        max_weight_g=30_000, excluded_provinces=frozenset({"54"}),
        tariffs={"*": ProvinceTariff(Decimal("8"), Decimal("5")),
                 "52": ProvinceTariff(Decimal("5"), Decimal("2"))},
    )
    quote(zto, province="52", weight_g=1_200)      # Quote(fee=Decimal("7.00"), chargeable_g=1500)

A parcel's fee with a courier is worked out in one place, :func:`_priced`; :func:`quote`
asks it for one parcel and :class:`FeeBook` for thousands (with caches).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from logistics.domain import units
from logistics.domain.units import kg_text, province_text
from logistics.errors import InvalidInput
from logistics.i18n import N_, _

DEFAULT_PROVINCE = "*"
"""Key of the tariff row used for provinces that have no row of their own."""

CENT = units.MONEY_STEP
GRAMS_PER_KG = 1000

Dimension = int | Decimal | float
Dimensions = tuple[Dimension, Dimension, Dimension]
_DIMENSIONS = (N_("length"), N_("width"), N_("height"))


@dataclass(frozen=True)
class ProvinceTariff:
    """Price for one destination province, in yuan: the first kg and each extra started kg."""

    first_kg: Decimal
    extra_kg: Decimal

    def __post_init__(self) -> None:
        for name in ("first_kg", "extra_kg"):
            value = getattr(self, name)
            if isinstance(value, float) or not isinstance(value, Decimal | int):
                raise InvalidInput(
                    _("Tariff {field} must be a Decimal amount of yuan, got {value}.").format(
                        field=name, value=repr(value)
                    )
                )
            if value < 0:
                raise InvalidInput(
                    _("Tariff {field} must not be negative, got {value}.").format(
                        field=name, value=value
                    )
                )
            object.__setattr__(self, name, Decimal(value))


@dataclass(frozen=True)
class CourierTerms:
    """What one courier charges and accepts.

    ``tariffs`` maps a two-digit province code to its :class:`ProvinceTariff`; the key
    ``"*"`` is the default for provinces without their own row. A province listed in
    ``excluded_provinces`` is refused even if it has a row or a default exists. Without a
    row and without a default the province is not served. ``max_weight_g`` (None = no
    limit) applies to the parcel's actual weight.
    """

    code: str
    name: str
    volumetric_divisor: int
    weight_step_g: int
    max_weight_g: int | None = None
    excluded_provinces: frozenset[str] = frozenset()
    tariffs: Mapping[str, ProvinceTariff] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.code:
            raise InvalidInput(_("Courier code must not be empty."))
        if not isinstance(self.volumetric_divisor, int) or self.volumetric_divisor <= 0:
            raise InvalidInput(
                _(
                    "Courier {courier} volumetric divisor must be a positive whole number of "
                    "cm3 per kg (e.g. 6000), got {value}."
                ).format(courier=self.code, value=repr(self.volumetric_divisor))
            )
        if not isinstance(self.weight_step_g, int) or self.weight_step_g <= 0:
            raise InvalidInput(
                _(
                    "Courier {courier} weight step must be a positive number of grams "
                    "(500 or 1000), got {value}."
                ).format(courier=self.code, value=repr(self.weight_step_g))
            )
        if self.max_weight_g is not None and self.max_weight_g <= 0:
            raise InvalidInput(
                _(
                    "Courier {courier} maximum weight must be positive grams or empty, got {value}."
                ).format(courier=self.code, value=repr(self.max_weight_g))
            )
        excluded = frozenset(province_code(p) for p in self.excluded_provinces)
        object.__setattr__(self, "excluded_provinces", excluded)
        rows = {
            (k if k == DEFAULT_PROVINCE else province_code(k)): v for k, v in self.tariffs.items()
        }
        object.__setattr__(self, "tariffs", rows)

    def tariff_for(self, province: str) -> ProvinceTariff | None:
        """The tariff row that applies to ``province``, or None if the courier does not go there."""
        province = province_code(province)
        if province in self.excluded_provinces:
            return None
        return self.tariffs.get(province) or self.tariffs.get(DEFAULT_PROVINCE)


class Refusal(StrEnum):
    """Why a courier cannot take a parcel."""

    PROVINCE_EXCLUDED = "province_excluded"
    """The province is on the courier's list of provinces it does not serve."""
    PROVINCE_NOT_SERVED = "province_not_served"
    """The courier has no tariff row for the province and no default row."""
    OVER_MAX_WEIGHT = "over_max_weight"
    """The parcel's actual weight is above the courier's maximum."""

    @property
    def is_coverage(self) -> bool:
        return self is not Refusal.OVER_MAX_WEIGHT


@dataclass(frozen=True)
class Quote:
    """One courier's answer for one parcel: a fee, or the reason it cannot take it."""

    courier: str
    chargeable_g: int
    fee: Decimal | None
    refusal: Refusal | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.refusal is None


def province_code(code: str | int) -> str:
    """The two-digit GB/T 2260 province code of ``code`` ("52", "520102" and 52 give "52")."""
    text = str(code).strip()
    if not text.isdigit() or len(text) not in (2, 4, 6):
        raise InvalidInput(
            _(
                "Province code {code} must be a GB/T 2260 code of 2 (or 6) digits, e.g. '52'."
            ).format(code=repr(code))
        )
    return text[:2]


def _exact(value: Dimension, what: str) -> Fraction:
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, int | Decimal):
        raise InvalidInput(
            _("Parcel {dimension} must be a number of centimetres, got {value}.").format(
                dimension=_(what), value=repr(value)
            )
        )
    if value <= 0:
        raise InvalidInput(
            _("Parcel {dimension} must be a positive number of centimetres, got {value}.").format(
                dimension=_(what), value=value
            )
        )
    return Fraction(value)


def volumetric_weight_g(dims_cm: Dimensions, volumetric_divisor: int) -> Fraction:
    """The exact volumetric weight in grams: L x W x H (cm) / divisor (cm3 per kg) x 1000."""
    if all(type(d) is int for d in dims_cm):
        if min(dims_cm) <= 0:
            raise InvalidInput(
                _("Parcel dimensions must be positive centimetres, got {dims}.").format(
                    dims=dims_cm
                )
            )
        length, width, height = dims_cm
        return Fraction(length * width * height * GRAMS_PER_KG, volumetric_divisor)
    length, width, height = (_exact(d, what) for d, what in zip(dims_cm, _DIMENSIONS, strict=True))
    return length * width * height * GRAMS_PER_KG / volumetric_divisor


def chargeable_weight_g(
    weight_g: int,
    dims_cm: Dimensions | None,
    volumetric_divisor: int,
    weight_step_g: int,
) -> int:
    """Chargeable grams: max(actual, volumetric) rounded UP to the step, at least one step.

    >>> chargeable_weight_g(1200, None, 6000, 500)
    1500
    >>> chargeable_weight_g(800, (40, 30, 20), 6000, 1000)   # 24000 cm3 / 6000 = 4 kg
    4000
    """
    if type(weight_g) is not int or weight_g < 0:
        raise InvalidInput(
            _("Parcel weight must be a whole number of grams >= 0, got {value}.").format(
                value=repr(weight_g)
            )
        )
    numerator, denominator = weight_g, 1  # the heavier weight in grams, as an exact ratio
    if dims_cm is not None:
        if all(type(d) is int for d in dims_cm):
            length, width, height = dims_cm
            if min(dims_cm) <= 0:
                raise InvalidInput(
                    _("Parcel dimensions must be positive centimetres, got {dims}.").format(
                        dims=dims_cm
                    )
                )
            volume_num, volume_den = length * width * height * GRAMS_PER_KG, volumetric_divisor
        else:
            volume = volumetric_weight_g(dims_cm, volumetric_divisor)
            volume_num, volume_den = volume.numerator, volume.denominator
        if volume_num > weight_g * volume_den:
            numerator, denominator = volume_num, volume_den
    steps = -(-numerator // (denominator * weight_step_g))  # exact integer ceiling
    return max(1, steps) * weight_step_g


def extra_kg_count(chargeable_g: int) -> int:
    """How many started kg lie above the first kg (1500 g -> 1, 2000 g -> 1, 2001 g -> 2)."""
    return max(0, -(-(chargeable_g - GRAMS_PER_KG) // GRAMS_PER_KG))


def fee_for(tariff: ProvinceTariff, chargeable_g: int) -> Decimal:
    """First-kg price plus the extra-kg price for each started kg above the first, in yuan."""
    fee = tariff.first_kg + tariff.extra_kg * extra_kg_count(chargeable_g)
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def quote(
    terms: CourierTerms,
    province: str,
    weight_g: int,
    dims_cm: Dimensions | None = None,
) -> Quote:
    """What ``terms``' courier charges for a parcel, or why it cannot take it."""
    province = province_code(province)
    chargeable = chargeable_weight_g(
        weight_g, dims_cm, terms.volumetric_divisor, terms.weight_step_g
    )
    return _priced(terms, province, weight_g, chargeable)


def _priced(terms: CourierTerms, province: str, weight_g: int, chargeable_g: int) -> Quote:
    """The one place a parcel's fee with a courier is worked out, or why it is refused.

    Coverage (excluded / not served) is checked before the maximum weight, so a refusal
    names the first rule that stops the parcel. ``province`` is already a two-digit code.
    """
    if province in terms.excluded_provinces:
        return Quote(
            terms.code,
            chargeable_g,
            None,
            Refusal.PROVINCE_EXCLUDED,
            _("{courier} does not serve {province}.").format(
                courier=terms.code, province=province_text(province)
            ),
        )
    tariff = terms.tariff_for(province)
    if tariff is None:
        return Quote(
            terms.code,
            chargeable_g,
            None,
            Refusal.PROVINCE_NOT_SERVED,
            _("{courier} has no tariff for {province}.").format(
                courier=terms.code, province=province_text(province)
            ),
        )
    if terms.max_weight_g is not None and weight_g > terms.max_weight_g:
        return Quote(
            terms.code, chargeable_g, None, Refusal.OVER_MAX_WEIGHT, _too_heavy(terms, weight_g)
        )
    return Quote(terms.code, chargeable_g, fee_for(tariff, chargeable_g))


def _too_heavy(terms: CourierTerms, weight_g: int) -> str:
    limit, weight = kg_text(terms.max_weight_g), kg_text(weight_g)
    if limit == weight:  # two decimals of kg hide the few grams that decide here
        return _("{courier} takes at most {limit} g and the parcel weighs {weight} g.").format(
            courier=terms.code, limit=f"{terms.max_weight_g:,}", weight=f"{weight_g:,}"
        )
    return _("{courier} takes at most {limit} kg and the parcel weighs {weight} kg.").format(
        courier=terms.code, limit=limit, weight=weight
    )


class FeeBook:
    """The quotes of a few couriers for thousands of parcels: :func:`quote`'s figures, cached.

    Parcels of the same chargeable weight to the same province cost the same, so 5,000
    parcels x 8 couriers come down to a few hundred fees worked out. ``province`` is a
    two-digit code (see :func:`province_code`); couriers are named by their position.
    """

    def __init__(self, terms: Sequence[CourierTerms]):
        self.terms = tuple(terms)
        self._limits = [(t.volumetric_divisor, t.weight_step_g, t.max_weight_g) for t in terms]
        self._charge: dict[tuple, int] = {}
        self._quotes: dict[tuple, tuple[Quote, int | Refusal]] = {}

    def chargeable(self, index: int, weight_g: int, dims: Dimensions | None) -> int:
        divisor, step, _most = self._limits[index]
        key = (weight_g, dims, divisor, step)
        charge = self._charge.get(key)
        if charge is None:
            charge = self._charge[key] = chargeable_weight_g(weight_g, dims, divisor, step)
        return charge

    def quote(self, index: int, province: str, weight_g: int, dims: Dimensions | None) -> Quote:
        return self._lookup(index, province, weight_g, dims)[0]

    def entry(
        self, index: int, province: str, weight_g: int, dims: Dimensions | None
    ) -> int | Refusal:
        """The fee in fen, or the refusal."""
        return self._lookup(index, province, weight_g, dims)[1]

    def _lookup(
        self, index: int, province: str, weight_g: int, dims: Dimensions | None
    ) -> tuple[Quote, int | Refusal]:
        # Called for every parcel and courier of a run: the look-ups are written out here.
        divisor, step, most = self._limits[index]
        charge_key = (weight_g, dims, divisor, step)
        charge = self._charge.get(charge_key)
        if charge is None:
            charge = self._charge[charge_key] = chargeable_weight_g(weight_g, dims, divisor, step)
        key = (index, province, charge, most is not None and weight_g > most)
        found = self._quotes.get(key)
        if found is None:
            priced = _priced(self.terms[index], province, weight_g, charge)
            found = (priced, priced.refusal or units.fen(priced.fee))
            if priced.refusal is not Refusal.OVER_MAX_WEIGHT:  # that sentence names the weight
                self._quotes[key] = found
        return found


# Kept for callers that read money through the tariffs; the rounding lives in units.
yuan_to_fen = units.fen
fen_to_yuan = units.yuan
