"""One parcel row (from an import file or `hub parcel register`) checked into a spec.

Pure rules, no database: the caller passes what the rows are checked against (the
station codes and villages, the active couriers' tracking-number patterns) in a
:class:`RowRules`. :func:`parse_row` returns a :class:`ParcelSpec` or raises
:class:`RowInvalid` listing *every* problem of the row, each with its column and what
was expected, so an operator can fix a file in one go.

Columns are found by header name (see :data:`PARCEL_HEADERS` for the English and
Chinese aliases). Weights are read in kg and kept in whole grams; provinces as a code
(``52``), Chinese (``贵州`` / ``贵州省``) or pinyin (``Guizhou``); full-width digits are
read as digits (the table reader normalises cells, :func:`parse_row` normalises again
for typed values).

Outbound rows (a villager or shop sends a parcel) need the origin station, the
recipient's name and phone, the destination province and address, and the weight.
Inbound rows (a courier's list of parcels for the township) need the tracking number,
the recipient's name and phone and the weight; their station is the station column,
or else the station whose village (or name) appears in the address.

A tracking number is checked against the couriers' patterns: it must fit the courier
the row names, or, when the row names none, exactly one courier (which is then the
parcel's courier). A row naming a courier or carrying a tracking number has its courier
fixed (``courier_fixed``): assignment may not move it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from logistics.domain import tracking_numbers
from logistics.domain.provinces import find_province
from logistics.errors import InvalidInput

OUTBOUND = "outbound"
INBOUND = "inbound"

#: Headers accepted for each field (besides the field name itself); matching ignores
#: case, spaces, ``_``/``-``, a trailing ``*`` and full-width forms.
PARCEL_HEADERS: dict[str, tuple[str, ...]] = {
    "station": ("station_code", "站点", "站点编码", "服务站", "网点"),
    "order_ref": ("order", "order_no", "order_id", "订单号", "订单编号", "订单"),
    "sender_name": ("sender", "寄件人", "寄件人姓名", "发件人"),
    "sender_phone": ("sender_tel", "寄件人电话", "寄件电话", "发件人电话"),
    "recipient_name": (
        "recipient",
        "receiver",
        "receiver_name",
        "收件人",
        "收件人姓名",
        "收货人",
    ),
    "recipient_phone": (
        "phone",
        "recipient_tel",
        "receiver_phone",
        "电话",
        "收件人电话",
        "收件电话",
        "手机",
        "手机号",
        "联系电话",
        "收货人电话",
    ),
    "province": ("province_code", "省份", "省", "目的省份", "收件省份"),
    "city": ("城市", "市", "目的城市", "收件城市"),
    "address": ("recipient_address", "地址", "收件地址", "详细地址", "收货地址"),
    "weight_kg": ("weight", "重量", "重量kg", "重量(kg)", "重量（kg）", "实重"),
    "length_cm": ("length", "长", "长cm", "长(cm)"),
    "width_cm": ("width", "宽", "宽cm", "宽(cm)"),
    "height_cm": ("height", "高", "高cm", "高(cm)"),
    "category": ("product", "品类", "物品", "品名", "类别", "货物类型"),
    "courier": ("courier_code", "carrier", "快递", "快递公司", "承运商"),
    "tracking_no": (
        "tracking",
        "tracking_number",
        "waybill",
        "waybill_no",
        "运单号",
        "快递单号",
        "单号",
    ),
}

#: Field order of the template and of rejects files.
FIELDS: tuple[str, ...] = tuple(PARCEL_HEADERS)

#: Fields a row of each direction must fill (the station of an inbound row may come
#: from its address instead).
REQUIRED: dict[str, tuple[str, ...]] = {
    OUTBOUND: ("station", "recipient_name", "recipient_phone", "province", "address", "weight_kg"),
    INBOUND: ("tracking_no", "recipient_name", "recipient_phone", "weight_kg"),
}

MAX_WEIGHT_G = 200_000  # 200 kg: nothing heavier goes through a township hub
MAX_SIDE_CM = 500
MAX_NAME = 64
MAX_ADDRESS = 200
MAX_CATEGORY = 32
MAX_ORDER_REF = 64


class ParcelSpec(NamedTuple):
    """A checked parcel row: what the hub stores, before it has an id.

    A named tuple (immutable, and cheap to make a hundred thousand times in an import).
    """

    direction: str
    station_code: str
    weight_g: int
    order_ref: str | None = None
    sender_name: str | None = None
    sender_phone: str | None = None
    recipient_name: str | None = None
    recipient_phone: str | None = None
    province_code: str | None = None
    city: str | None = None
    address: str | None = None
    length_cm: float | None = None
    width_cm: float | None = None
    height_cm: float | None = None
    category: str | None = None
    courier_code: str | None = None
    tracking_no: str | None = None

    @property
    def courier_fixed(self) -> bool:
        return self.courier_code is not None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a row: the field it is in and a sentence saying what was expected."""

    field: str
    message: str


class RowInvalid(InvalidInput):
    """A row with one or more problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


@dataclass
class RowRules:
    """What rows are checked against (read from the database by the service).

    ``stations``: station codes; ``villages``: village or station name -> station code
    (to sort inbound parcels by address); ``patterns``: active courier code ->
    tracking-number pattern (None when the courier has none).
    """

    stations: frozenset[str] | set[str]
    villages: Mapping[str, str] = field(default_factory=dict)
    patterns: Mapping[str, str | re.Pattern[str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stations = frozenset(code.upper() for code in self.stations)
        self._compiled = {
            code.upper(): (None if not pattern else tracking_numbers.compile_pattern(code, pattern))
            for code, pattern in self.patterns.items()
        }
        # longest names first, so 东沟村 wins over 沟村
        names = sorted((n for n in self.villages if n), key=len, reverse=True)
        self._village_re = re.compile("|".join(re.escape(n) for n in names)) if names else None
        self._by_name = {name: code.upper() for name, code in self.villages.items()}

    def station_for_address(self, *texts: str | None) -> str | None:
        """The station whose village (or name) appears first in the texts, or None."""
        if self._village_re is None:
            return None
        for text in texts:
            if text and (m := self._village_re.search(text)):
                return self._by_name[m.group(0)]
        return None

    def station_code(self, text: str) -> str | None:
        """The station a cell names: its code, or its exact village or station name."""
        code = text.upper()
        if code in self.stations:
            return code
        return self._by_name.get(text)


# ------------------------------------------------------------------ single values


def clean(text: object) -> str:
    """A typed or read value: NFKC (full-width ``１２３`` -> ``123``), stripped."""
    if text is None:
        return ""
    value = str(text)
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip()


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


_KG = re.compile(r"\d{1,7}(?:\.\d*)?|\.\d+")
_GRAM = Decimal(1000)


@lru_cache(maxsize=4096)
def weight_grams(text: str, fld: str = "weight_kg") -> int:
    """Kilograms as written (``2.5``, ``２．５``, ``2.5kg``) -> whole grams (2500)."""
    raw = text.lower().removesuffix("kg").replace("公斤", "").replace("千克", "").strip()
    if not _KG.fullmatch(raw):
        raise InvalidInput(f"{fld} must be a weight in kg such as 2.5, got '{_shown(text)}'.")
    try:
        grams = int((Decimal(raw) * _GRAM).to_integral_value(ROUND_HALF_UP))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InvalidInput(f"{fld} must be a weight in kg such as 2.5, got '{text}'.") from None
    if grams <= 0:
        raise InvalidInput(f"{fld} must be more than 0 kg (at least 0.001), got '{text}'.")
    if grams > MAX_WEIGHT_G:
        raise InvalidInput(
            f"{fld} must be at most {MAX_WEIGHT_G // 1000} kg, got '{_shown(text)}'."
        )
    return grams


_CM = re.compile(r"\d{1,5}(?:\.\d*)?|\.\d+")


@lru_cache(maxsize=4096)
def side_cm(text: str, fld: str) -> float:
    """A box side in cm (``30``, ``30.5``, ``30cm``), more than 0 and at most 500."""
    raw = text.lower().removesuffix("cm").replace("厘米", "").strip()
    if not _CM.fullmatch(raw):
        raise InvalidInput(f"{fld} must be a length in cm such as 30, got '{_shown(text)}'.")
    value = float(raw)
    if not 0 < value <= MAX_SIDE_CM:
        raise InvalidInput(
            f"{fld} must be more than 0 and at most {MAX_SIDE_CM} cm, got '{_shown(text)}'."
        )
    return value


@lru_cache(maxsize=1024)
def province_code(text: str, fld: str = "province") -> str:
    """The two-digit code of the province a cell names (52, 贵州, 贵州省, Guizhou)."""
    found = find_province(text)
    if found is None:
        raise InvalidInput(
            f"{fld} '{_shown(text)}' is not a province: expected a code such as 52, "
            "a Chinese name such as 贵州 or 贵州省, or a pinyin name such as Guizhou."
        )
    return found.code


_PHONE = re.compile(r"\+?[0-9][0-9 ()\-/,，、转]{5,39}")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def phone(text: str, fld: str) -> str:
    """A phone number as written (mobile, landline with area code, or several)."""
    if _MOBILE.fullmatch(text):
        return text
    digits = sum(map(str.isdigit, text))
    if not _PHONE.fullmatch(text) or not 7 <= digits <= 30:
        raise InvalidInput(
            f"{fld} must be a phone number such as 13812345678 or 0356-1234567, "
            f"got '{_shown(text)}'."
        )
    return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def text_field(text: str, fld: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidInput(f"{fld} must be at most {limit} characters, got {len(text)}.")
    if _CONTROL.search(text):
        raise InvalidInput(f"{fld} must be plain text, got control characters.")
    return text


_REF = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-./#]{0,63}")


def order_ref(text: str, fld: str = "order_ref") -> str:
    if not _REF.fullmatch(text):
        raise InvalidInput(
            f"{fld} must be an order reference of letters, digits and - _ . / # "
            f"(at most {MAX_ORDER_REF}), got '{_shown(text)}'."
        )
    return text


# ------------------------------------------------------------------ a whole row

#: Index of each field in the value tuples :func:`row_checker`'s checks take.
FIELD_INDEX: dict[str, int] = {fld: index for index, fld in enumerate(FIELDS)}


def parse_row(
    values: Mapping[str, str | None],
    rules: RowRules,
    *,
    direction: str = OUTBOUND,
    default_station: str | None = None,
    cleaned: bool = False,
) -> ParcelSpec:
    """Check one row (field -> text) into a :class:`ParcelSpec`.

    ``default_station`` is used when the row has no station (a file of one station's
    parcels, or `hub parcel register --station`). ``cleaned`` says the values are
    already NFKC-normalised and stripped (as the table reader gives them). Raises
    :class:`RowInvalid` listing every problem of the row.
    """
    check = row_checker(rules, direction=direction, default_station=default_station)
    if cleaned:
        return check(tuple(values.get(key) or "" for key in FIELDS))
    return check(tuple(clean(values.get(key)) for key in FIELDS))


_CHECKS: tuple[tuple[str, object, tuple], ...] = (
    ("order_ref", order_ref, ()),
    ("sender_name", text_field, ("sender_name", MAX_NAME)),
    ("sender_phone", phone, ("sender_phone",)),
    ("recipient_name", text_field, ("recipient_name", MAX_NAME)),
    ("recipient_phone", phone, ("recipient_phone",)),
    ("province", province_code, ()),
    ("city", text_field, ("city", MAX_NAME)),
    ("address", text_field, ("address", MAX_ADDRESS)),
    ("weight_kg", weight_grams, ()),
    ("length_cm", side_cm, ("length_cm",)),
    ("width_cm", side_cm, ("width_cm",)),
    ("height_cm", side_cm, ("height_cm",)),
    ("category", text_field, ("category", MAX_CATEGORY)),
)

_EXPECTED = {
    "station": "a station code such as GD01",
    "recipient_name": "the recipient's name",
    "recipient_phone": "the recipient's phone number",
    "province": "the destination province (such as 52, 贵州 or Guizhou)",
    "address": "the recipient's address",
    "weight_kg": "the weight in kg (such as 2.5)",
    "tracking_no": "the courier's tracking number",
}

_CACHE_LIMIT = 4096  # distinct provinces, weights and sides remembered per checker


def row_checker(rules: RowRules, *, direction: str = OUTBOUND, default_station: str | None = None):
    """The check of :func:`parse_row`, prepared once for many rows (an import's).

    Returns ``check(values) -> ParcelSpec`` where ``values`` is a sequence of cleaned
    texts in :data:`FIELDS` order (``''`` for an empty or missing cell); it raises
    :class:`RowInvalid` listing every problem of the row, exactly as :func:`parse_row`.
    Checkers are kept on ``rules``, one per direction and default station.
    """
    if direction not in (OUTBOUND, INBOUND):
        raise InvalidInput(f"direction must be outbound or inbound, got '{direction}'.")
    key = (direction, default_station)
    checkers = rules.__dict__.setdefault("_checkers", {})
    check = checkers.get(key)
    if check is None:
        check = checkers[key] = _make_checker(rules, direction, default_station)
    return check


def _cached(fn, *args):
    """``fn(text, *args)`` remembering good answers (bad ones raise each time)."""
    cache: dict[str, object] = {}
    get = cache.get

    def checked(text: str):
        value = get(text)
        if value is None:
            value = fn(text, *args)
            if len(cache) < _CACHE_LIMIT:
                cache[text] = value
        return value

    return checked


def _make_checker(rules: RowRules, direction: str, default_station: str | None):
    required = tuple((FIELD_INDEX[fld], fld) for fld in REQUIRED[direction] if fld != "station")
    texts = tuple((FIELD_INDEX[fld], args[1]) for fld, fn, args in _CHECKS if fn is text_field)
    text_indexes = tuple(index for index, _ in texts)
    at = FIELD_INDEX
    i_station, i_order, i_courier, i_tracking = (
        at["station"],
        at["order_ref"],
        at["courier"],
        at["tracking_no"],
    )
    i_sname, i_sphone, i_rname, i_rphone = (
        at["sender_name"],
        at["sender_phone"],
        at["recipient_name"],
        at["recipient_phone"],
    )
    i_province, i_city, i_address, i_weight = (
        at["province"],
        at["city"],
        at["address"],
        at["weight_kg"],
    )
    i_length, i_width, i_height, i_category = (
        at["length_cm"],
        at["width_cm"],
        at["height_cm"],
        at["category"],
    )
    province = _cached(province_code)
    weight = _cached(weight_grams)
    length = _cached(side_cm, "length_cm")
    width = _cached(side_cm, "width_cm")
    height = _cached(side_cm, "height_cm")
    mobile = _MOBILE.fullmatch
    reference = _REF.fullmatch
    control = _CONTROL.search
    patterns = rules._compiled
    matchers = tuple((code, p.fullmatch) for code, p in patterns.items() if p is not None)
    drop = tracking_numbers._DROP.sub
    stations: dict[str, str] = {}
    default = default_station.upper() if default_station else None
    station_of = rules.station_code
    new_spec = ParcelSpec

    def slow(v) -> ParcelSpec:
        """Every check one by one, collecting every problem of the row."""
        problems: list[Problem] = []
        for index, fld in required:
            if not v[index]:
                problems.append(Problem(fld, f"{fld} is empty: {_EXPECTED[fld]} is required."))
        out: dict[str, object] = {}
        for fld, fn, args in _CHECKS:
            raw = v[FIELD_INDEX[fld]]
            if raw:
                try:
                    out[fld] = fn(raw, *args)  # type: ignore[operator]
                except InvalidInput as error:
                    problems.append(Problem(fld, str(error)))
        named = dict(zip(FIELDS, v, strict=True))
        station = _station(named, rules, direction, default_station, problems)
        courier, tracking = _courier(named, rules, problems)
        if problems:
            raise RowInvalid(problems)
        return new_spec(
            direction,
            station or "",
            out["weight_kg"],  # type: ignore[arg-type]
            out.get("order_ref"),  # type: ignore[arg-type]
            out.get("sender_name"),  # type: ignore[arg-type]
            out.get("sender_phone"),  # type: ignore[arg-type]
            out.get("recipient_name"),  # type: ignore[arg-type]
            out.get("recipient_phone"),  # type: ignore[arg-type]
            out.get("province"),  # type: ignore[arg-type]
            out.get("city"),  # type: ignore[arg-type]
            out.get("address"),  # type: ignore[arg-type]
            out.get("length_cm"),  # type: ignore[arg-type]
            out.get("width_cm"),  # type: ignore[arg-type]
            out.get("height_cm"),  # type: ignore[arg-type]
            out.get("category"),  # type: ignore[arg-type]
            courier,
            tracking,
        )

    def check(v) -> ParcelSpec:
        """The same checks in one pass for a good row; a doubt goes the slow way, which
        finds every problem and words it."""
        try:
            for index, _ in required:
                if not v[index]:
                    raise _Doubt
            for index, limit in texts:
                if len(v[index]) > limit:
                    raise _Doubt
            if control("".join([v[i] for i in text_indexes])):
                raise _Doubt
            order = v[i_order]
            if order and not reference(order):
                raise _Doubt
            sphone = v[i_sphone]
            if sphone and not mobile(sphone):
                phone(sphone, "sender_phone")
            rphone = v[i_rphone]
            if rphone and not mobile(rphone):
                phone(rphone, "recipient_phone")
            raw = v[i_province]
            code = province(raw) if raw else None
            grams = weight(v[i_weight]) if v[i_weight] else None
            raw = v[i_length]
            side_l = length(raw) if raw else None
            raw = v[i_width]
            side_w = width(raw) if raw else None
            raw = v[i_height]
            side_h = height(raw) if raw else None

            raw = v[i_station]
            if raw:
                station = stations.get(raw)
                if station is None:
                    station = station_of(raw)
                    if station is None:
                        raise _Doubt
                    if len(stations) < _CACHE_LIMIT:
                        stations[raw] = station
            elif default is not None:
                station = default
            elif direction == INBOUND:
                station = rules.station_for_address(v[i_address], v[i_city])
                if station is None:
                    raise _Doubt
            else:
                raise _Doubt

            courier = v[i_courier].upper() or None
            if courier is not None and courier not in patterns:
                raise _Doubt
            raw = v[i_tracking]
            number = None
            if raw:
                if raw.isascii():
                    number = drop("", raw).upper()
                else:
                    number = tracking_numbers.normalize_tracking_no(raw)
                if not number or len(number) > 40:
                    raise _Doubt
                found = [c for c, fits in matchers if fits(number)]
                if courier is None:
                    if len(found) != 1:
                        raise _Doubt
                    courier = found[0]
                elif courier not in found and patterns[courier] is not None:
                    raise _Doubt
        except (_Doubt, InvalidInput):
            return slow(v)
        return new_spec(
            direction,
            station,
            grams,  # type: ignore[arg-type]
            order or None,
            v[i_sname] or None,
            sphone or None,
            v[i_rname] or None,
            rphone or None,
            code,
            v[i_city] or None,
            v[i_address] or None,
            side_l,
            side_w,
            side_h,
            v[i_category] or None,
            courier,
            number,
        )

    check.slow = slow  # type: ignore[attr-defined]  # the reference, for tests
    return check


class _Doubt(Exception):
    """A row the one-pass check is not sure of: the slow check says what is wrong."""


def _station(
    v: Mapping[str, str],
    rules: RowRules,
    direction: str,
    default_station: str | None,
    problems: list[Problem],
) -> str | None:
    raw = v["station"]
    if raw:
        code = rules.station_code(raw)
        if code is None:
            problems.append(
                Problem(
                    "station",
                    f"station '{_shown(raw)}' is not a station of this hub: expected a "
                    "station code such as GD01 (`hub station list` shows them).",
                )
            )
        return code
    if default_station:
        return default_station.upper()
    if direction == INBOUND:
        code = rules.station_for_address(v["address"], v["city"])
        if code is None:
            problems.append(
                Problem(
                    "station",
                    "station is empty and no station's village appears in the address: "
                    "expected a station code such as GD01, or an address naming the village.",
                )
            )
        return code
    problems.append(Problem("station", f"station is empty: {_EXPECTED['station']} is required."))
    return None


def _courier(
    v: Mapping[str, str], rules: RowRules, problems: list[Problem]
) -> tuple[str | None, str | None]:
    named = v["courier"].upper() or None
    raw_tracking = v["tracking_no"]
    patterns = rules._compiled
    if named is not None and named not in patterns:
        known = ", ".join(patterns) or "none"
        problems.append(
            Problem(
                "courier",
                f"courier '{_shown(v['courier'])}' is not an active courier: "
                f"expected one of {known}.",
            )
        )
        return None, None
    if not raw_tracking:
        return named, None
    number = tracking_numbers.normalize_tracking_no(raw_tracking)
    if len(number) > 40:
        problems.append(
            Problem("tracking_no", f"tracking_no must be at most 40 characters, got {len(number)}.")
        )
        return named, None
    try:
        code = tracking_numbers.check(number, named, patterns)
    except InvalidInput as error:
        problems.append(Problem("tracking_no", str(error)))
        return named, None
    return code, number


def parse_rows(
    rows: Iterable[Mapping[str, str | None]], rules: RowRules, **options: str | None
) -> list[ParcelSpec]:
    """Every row as a spec (for tests and small lists); the first bad row raises."""
    return [parse_row(row, rules, **options) for row in rows]  # type: ignore[arg-type]
