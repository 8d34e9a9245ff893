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
from decimal import InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from logistics.domain import products, tracking_numbers, units
from logistics.domain.courier_names import courier_aliases, fold_courier
from logistics.domain.parcel_status import Direction
from logistics.domain.privacy import mask_phone
from logistics.domain.provinces import find_province
from logistics.domain.text import check_text, visible
from logistics.errors import InvalidInput
from logistics.i18n import N_, _, is_chinese

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

#: The Chinese column header people know for each field (the Chinese template's, and the
#: name a row problem gives the field when Chinese is chosen).
CHINESE_HEADERS: dict[str, str] = {
    "station": "服务站",
    "order_ref": "订单号",
    "sender_name": "寄件人",
    "sender_phone": "寄件人电话",
    "recipient_name": "收件人",
    "recipient_phone": "收件人电话",
    "province": "省份",
    "city": "城市",
    "address": "地址",
    "weight_kg": "重量",
    "length_cm": "长",
    "width_cm": "宽",
    "height_cm": "高",
    "category": "品类",
    "courier": "快递公司",
    "tracking_no": "运单号",
}


def field_label(fld: str) -> str:
    """How a sentence names a field: its column name (``weight_kg``), or in Chinese the
    header people know (``重量``)."""
    return CHINESE_HEADERS.get(fld, fld) if is_chinese() else fld


#: Fields a row of each direction must fill (the station of an inbound row may come
#: from its address instead).
REQUIRED: dict[Direction, tuple[str, ...]] = {
    Direction.OUTBOUND: (
        "station",
        "recipient_name",
        "recipient_phone",
        "province",
        "address",
        "weight_kg",
    ),
    Direction.INBOUND: ("tracking_no", "recipient_name", "recipient_phone", "weight_kg"),
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

    direction: Direction
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
    #: The product as typed when the list does not know it (``category`` is then ``other``).
    category_typed: str | None = None

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
    tracking-number pattern (None when the courier has none); ``courier_names``: active
    courier code -> its name (中通快递), so a row may name the courier as people say it.
    """

    stations: frozenset[str] | set[str]
    villages: Mapping[str, str] = field(default_factory=dict)
    patterns: Mapping[str, str | re.Pattern[str] | None] = field(default_factory=dict)
    courier_names: Mapping[str, str | None] = field(default_factory=dict)

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
        self._couriers = courier_aliases(
            {code.upper(): self.courier_names.get(code) for code in self.patterns}
        )

    def courier_code(self, text: str) -> str | None:
        """The active courier a cell names (ZTO, zto, 中通, 中通快递), or None."""
        return self._couriers.get(fold_courier(text))

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


# ------------------------------------------------------------------ couriers by name

# what a courier's name may end with that people leave out: 中通快递 is 中通
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
    """A typed value quoted back: invisible characters made visible, cut at 40."""
    text = visible(text)
    return text if len(text) <= 40 else text[:40] + "…"


_KG = re.compile(r"\d{1,7}(?:\.\d*)?|\.\d+")


@lru_cache(maxsize=4096)
def weight_grams(text: str, fld: str = "weight_kg") -> int:
    """Kilograms as written (``2.5``, ``２．５``, ``2.5kg``) -> whole grams (2500)."""
    raw = text.lower().removesuffix("kg").replace("公斤", "").replace("千克", "").strip()
    if not _KG.fullmatch(raw):
        raise InvalidInput(_not_a_weight(text, fld))
    try:
        grams = units.grams(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InvalidInput(_not_a_weight(text, fld)) from None
    if grams <= 0:
        raise InvalidInput(
            _("{field} must be more than 0 kg (at least 0.001), got '{value}'.").format(
                field=field_label(fld), value=text
            )
        )
    if grams > MAX_WEIGHT_G:
        raise InvalidInput(
            _("{field} must be at most {limit} kg, got '{value}'.").format(
                field=field_label(fld), limit=MAX_WEIGHT_G // 1000, value=_shown(text)
            )
        )
    return grams


def _not_a_weight(text: str, fld: str) -> str:
    return _("{field} must be a weight in kg such as 2.5, got '{value}'.").format(
        field=field_label(fld), value=_shown(text)
    )


_CM = re.compile(r"\d{1,5}(?:\.\d*)?|\.\d+")


@lru_cache(maxsize=4096)
def side_cm(text: str, fld: str) -> float:
    """A box side in cm (``30``, ``30.5``, ``30cm``), more than 0 and at most 500."""
    raw = text.lower().removesuffix("cm").replace("厘米", "").strip()
    if not _CM.fullmatch(raw):
        raise InvalidInput(
            _("{field} must be a length in cm such as 30, got '{value}'.").format(
                field=field_label(fld), value=_shown(text)
            )
        )
    value = float(raw)
    if not 0 < value <= MAX_SIDE_CM:
        raise InvalidInput(
            _("{field} must be more than 0 and at most {limit} cm, got '{value}'.").format(
                field=field_label(fld), limit=MAX_SIDE_CM, value=_shown(text)
            )
        )
    return value


@lru_cache(maxsize=1024)
def province_code(text: str, fld: str = "province") -> str:
    """The two-digit code of the province a cell names (52, 贵州, 贵州省, Guizhou)."""
    found = find_province(_PROVINCE_SHORT_FORMS.get(text, text))
    if found is None:
        raise InvalidInput(
            _(
                "{field} '{value}' is not a province: expected a code such as 52, "
                "a Chinese name such as 贵州 or 贵州省, or a pinyin name such as Guizhou."
            ).format(field=field_label(fld), value=_shown(text))
        )
    return found.code


# short forms people write that provinces.find_province does not know yet
_PROVINCE_SHORT_FORMS = {"内蒙": "15"}


_PHONE = re.compile(r"\+?[0-9][0-9 ()\-/,，、转]{5,39}")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def phone(text: str, fld: str) -> str:
    """A phone number as written (mobile, landline with area code, or several)."""
    if _MOBILE.fullmatch(text):
        return text
    digits = sum(map(str.isdigit, text))
    if not _PHONE.fullmatch(text) or not 7 <= digits <= 30:
        raise InvalidInput(
            _(
                "{field} must be a phone number such as 13812345678 or 0356-1234567, got '{value}'."
            ).format(field=field_label(fld), value=_shown(mask_phone(text)))
        )
    return text


def text_field(text: str, fld: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidInput(_too_long(fld, limit, len(text)))
    if not text.isprintable():  # the cheap test first: most cells are plain text
        check_text(text, field_label(fld))
    return text


def _too_long(fld: str, limit: int, length: int) -> str:
    return _("{field} must be at most {limit} characters, got {n}.").format(
        field=field_label(fld), limit=limit, n=length
    )


_REF = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-./#]{0,63}")


def order_ref(text: str, fld: str = "order_ref") -> str:
    if not _REF.fullmatch(text):
        raise InvalidInput(
            _(
                "{field} must be an order reference of letters, digits and - _ . / # "
                "(at most {limit}), got '{value}'."
            ).format(field=field_label(fld), limit=MAX_ORDER_REF, value=_shown(text))
        )
    return text


# ------------------------------------------------------------------ a whole row

#: Index of each field in the value tuples :func:`row_checker`'s check takes.
FIELD_INDEX: dict[str, int] = {fld: index for index, fld in enumerate(FIELDS)}

#: Free-text fields and their longest length.
_TEXTS: dict[str, int] = {
    "sender_name": MAX_NAME,
    "recipient_name": MAX_NAME,
    "city": MAX_NAME,
    "address": MAX_ADDRESS,
    "category": MAX_CATEGORY,
}

# the sentence of a required field left empty (whole sentences, for translation)
_EMPTY = {
    "station": N_("station is empty: a station code such as GD01 is required."),
    "recipient_name": N_("recipient_name is empty: the recipient's name is required."),
    "recipient_phone": N_("recipient_phone is empty: the recipient's phone number is required."),
    "province": N_(
        "province is empty: the destination province (such as 52, 贵州 or Guizhou) is required."
    ),
    "address": N_("address is empty: the recipient's address is required."),
    "weight_kg": N_("weight_kg is empty: the weight in kg (such as 2.5) is required."),
    "tracking_no": N_("tracking_no is empty: the courier's tracking number is required."),
}

_CACHE_LIMIT = 4096  # distinct provinces, weights, sides and stations remembered per checker


# the direction as Chinese operators say it (docs/glossary.md)
_DIRECTION_WORDS = {"寄出": "outbound", "出港": "outbound", "进港": "inbound", "派送": "inbound"}


def direction_of(text: str | Direction) -> Direction:
    """The direction a caller or operator names (``outbound`` or ``inbound``)."""
    key = str(text).strip().lower()
    try:
        return Direction(_DIRECTION_WORDS.get(key, key))
    except ValueError:
        raise InvalidInput(
            _("direction must be outbound or inbound, got '{value}'.").format(value=text)
        ) from None


def parse_row(
    values: Mapping[str, str | None],
    rules: RowRules,
    *,
    direction: str | Direction = Direction.OUTBOUND,
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


def row_checker(
    rules: RowRules,
    *,
    direction: str | Direction = Direction.OUTBOUND,
    default_station: str | None = None,
):
    """The check of :func:`parse_row`, prepared once for many rows (an import's).

    Returns ``check(values) -> ParcelSpec`` where ``values`` is a sequence of cleaned
    texts in :data:`FIELDS` order (``''`` for an empty or missing cell); it raises
    :class:`RowInvalid` listing every problem of the row, in field order (required
    fields left empty first, then each value, then the station, then the courier and
    tracking number). Checkers are kept on ``rules``, one per direction and default
    station.
    """
    direction = direction_of(direction)
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


def _make_checker(rules: RowRules, direction: Direction, default_station: str | None):
    # Every row of an import passes through `check`, so a good row must cost only the
    # plain tests below: problems are worded (by the single-value functions above) only
    # once a cheap test has failed, and the row goes on to collect the rest.
    at = FIELD_INDEX
    required = tuple((at[fld], fld) for fld in REQUIRED[direction] if fld != "station")
    texts = tuple((at[fld], limit) for fld, limit in _TEXTS.items())
    text_indexes = tuple(at[fld] for fld in _TEXTS)
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
    patterns = rules._compiled
    matchers = tuple((code, p.fullmatch) for code, p in patterns.items() if p is not None)
    courier_of = rules.courier_code
    product_of = _cached(products.product)
    drop = tracking_numbers._DROP.sub
    stations: dict[str, str] = {}
    default = default_station.upper() if default_station else None
    inbound = direction is Direction.INBOUND
    station_of = rules.station_code
    new_spec = ParcelSpec

    def word_texts(v, problems: list[Problem], *fields: str) -> None:
        for fld in fields:
            raw = v[at[fld]]
            if raw:
                try:
                    text_field(raw, fld, _TEXTS[fld])
                except InvalidInput as error:
                    problems.append(Problem(fld, str(error)))

    def check(v) -> ParcelSpec:
        problems: list[Problem] = []
        for index, fld in required:
            if not v[index]:
                problems.append(Problem(fld, _(_EMPTY[fld])))
        # plain printable text needs no closer look (control, bidi, zero-width are not)
        texts_ok = "".join([v[i] for i in text_indexes]).isprintable()
        if texts_ok:
            for index, limit in texts:
                if len(v[index]) > limit:
                    texts_ok = False
                    break

        order = v[i_order]
        if order and not reference(order):
            try:
                order_ref(order)
            except InvalidInput as error:
                problems.append(Problem("order_ref", str(error)))
        if not texts_ok:
            word_texts(v, problems, "sender_name")
        sphone = v[i_sphone]
        if sphone and not mobile(sphone):
            try:
                phone(sphone, "sender_phone")
            except InvalidInput as error:
                problems.append(Problem("sender_phone", str(error)))
        if not texts_ok:
            word_texts(v, problems, "recipient_name")
        rphone = v[i_rphone]
        if rphone and not mobile(rphone):
            try:
                phone(rphone, "recipient_phone")
            except InvalidInput as error:
                problems.append(Problem("recipient_phone", str(error)))
        code = grams = side_l = side_w = side_h = None
        raw = v[i_province]
        if raw:
            try:
                code = province(raw)
            except InvalidInput as error:
                problems.append(Problem("province", str(error)))
        if not texts_ok:
            word_texts(v, problems, "city", "address")
        raw = v[i_weight]
        if raw:
            try:
                grams = weight(raw)
            except InvalidInput as error:
                problems.append(Problem("weight_kg", str(error)))
        raw = v[i_length]
        if raw:
            try:
                side_l = length(raw)
            except InvalidInput as error:
                problems.append(Problem("length_cm", str(error)))
        raw = v[i_width]
        if raw:
            try:
                side_w = width(raw)
            except InvalidInput as error:
                problems.append(Problem("width_cm", str(error)))
        raw = v[i_height]
        if raw:
            try:
                side_h = height(raw)
            except InvalidInput as error:
                problems.append(Problem("height_cm", str(error)))
        if not texts_ok:
            word_texts(v, problems, "category")

        raw = v[i_station]
        station = None
        if raw:
            station = stations.get(raw)
            if station is None:
                station = station_of(raw)
                if station is None:
                    problems.append(_unknown_station(raw))
                elif len(stations) < _CACHE_LIMIT:
                    stations[raw] = station
        elif default is not None:
            station = default
        elif inbound:
            station = rules.station_for_address(v[i_address], v[i_city])
            if station is None:
                problems.append(_no_village())
        else:
            problems.append(Problem("station", _(_EMPTY["station"])))

        courier = v[i_courier].upper() or None
        number = None
        if courier is not None and courier not in patterns:
            courier = courier_of(v[i_courier])  # 中通, 中通快递
            if courier is None:
                problems.append(_unknown_courier(v[i_courier], patterns))
        if v[i_courier] and courier is None:
            pass  # the tracking number cannot be checked against a courier not known
        elif raw := v[i_tracking]:
            number = (
                drop("", raw).upper()
                if raw.isascii()
                else tracking_numbers.normalize_tracking_no(raw)
            )
            if len(number) > 40:
                problems.append(Problem("tracking_no", _too_long("tracking_no", 40, len(number))))
                number = None
            else:
                found = [c for c, fits in matchers if fits(number)]
                if number and courier is None and len(found) == 1:
                    courier = found[0]
                elif number and courier is not None and (courier in found or not patterns[courier]):
                    pass
                else:
                    try:  # words why the number fits no courier, or not the one named
                        courier = tracking_numbers.check(number, courier, patterns)
                    except InvalidInput as error:
                        problems.append(Problem("tracking_no", str(error)))
                        number = None

        if problems:
            raise RowInvalid(problems)
        kind = product_of(v[i_category]) if v[i_category] else None
        return new_spec(
            direction,
            station,  # type: ignore[arg-type]
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
            kind.key if kind is not None else None,
            courier,
            number,
            kind.typed or None if kind is not None else None,
        )

    return check


def _unknown_station(raw: str) -> Problem:
    return Problem(
        "station",
        _(
            "{field} '{value}' is not a station of this hub: expected a "
            "station code such as GD01 (`hub station list` shows them)."
        ).format(field=field_label("station"), value=_shown(raw)),
    )


def _no_village() -> Problem:
    return Problem(
        "station",
        _(
            "station is empty and no station's village appears in the address: "
            "expected a station code such as GD01, or an address naming the village."
        ),
    )


def _unknown_courier(raw: str, patterns: Mapping[str, object]) -> Problem:
    known = ", ".join(patterns) or _("none")
    return Problem(
        "courier",
        _("{field} '{value}' is not an active courier: expected one of {known}.").format(
            field=field_label("courier"), value=_shown(raw), known=known
        ),
    )


def parse_rows(
    rows: Iterable[Mapping[str, str | None]], rules: RowRules, **options: str | None
) -> list[ParcelSpec]:
    """Every row as a spec (for tests and small lists); the first bad row raises."""
    return [parse_row(row, rules, **options) for row in rows]  # type: ignore[arg-type]
