"""Seeded sample parcels for a township hub: pure numpy, no database.

:class:`SampleGenerator` turns a network (stations with their households, couriers with
their capacity, tracking-number style, cut-off and tariff) and a seed into one
:class:`DayBatch` of column arrays per day. The same seed gives the same parcels, and a
day's parcels depend only on (seed, day, network), not on the other days generated.

Shape (reference township: 30 stations, 8 couriers):

- volume: ``3,300 x stations / 30`` parcels on an average day of the year (override with
  ``parcels_per_day``), 60 % outbound farm products sent by villagers and small online
  shops, 40 % inbound online purchases (the hub's work is mostly the outbound side, and a
  farm-product township sends more than it buys);
- stations: outbound volume grows a little faster than the households a station serves
  (``households ** 1.15``: big villages have the shops), inbound in proportion to them;
  each station has its own product speciality (a kiwi village, a tea village...);
- days: Monday busiest, weekends quieter; a month curve per direction (kiwi season
  September to December, spring tea, 618 in June); Double 11 (Nov 11 and the week after:
  outbound x1.6 on the day, inbound up to x2.3 two days later); the weeks before the
  Spring Festival (cured meat gifts, up to about x1.8 outbound) then the holiday lull
  (x0.2) and a recovery; every year is scaled so its average day is the target volume;
- a Double 11 peak week on request (``peak=Peak(day)``, ``hub sample generate --peak
  double11``): from two days before the peak day to four after, outbound volume is 5.5
  to 9 times an ordinary day of the season (ramping up to the peak day, easing after),
  inbound online purchases arrive from two days after it (up to x2.3); the extra parcels
  come mostly from the villages with shops (a station's share grows with its shop
  factor cubed), the mix leans to kiwi gift boxes, tea, crafts and shop goods, and more
  of them are shop orders with a printed e-waybill;
- products: kiwi boxes (2.5 kg net, some 5 and 10 kg), cured meat, rice tofu, tea,
  crafts, other; inbound apparel, household goods, food, electronics, farm inputs, other;
  weight and box size by product;
- destinations weighted toward the big consumer provinces (Guangdong, Zhejiang, Jiangsu,
  Shanghai, Beijing, Shandong, the home province...);
- 30 % of outbound parcels (shop orders with a printed e-waybill) and all inbound parcels
  carry a courier tracking number, so their courier is fixed; 70 % of outbound parcels and
  all inbound ones have a shop order reference;
- exceptions (HISTORY): 0.5 % cancelled at the station before collection; 1 % held at the
  hub (60 % released and sent on, 30 % cancelled, 10 % still held); 1.5 % of inbound
  parcels are never picked up and go back after the station's retention days.

Event actions are those of :mod:`logistics.domain.parcel_status` (``register`` for the
first event of an outbound parcel, as the parcels service writes it).

Modes: HISTORY gives each parcel its whole life (events cut at ``now`` when given, so the
last days are still in progress); TODAY gives parcels just registered at the stations and
inbound parcels just arrived at the hub, ready to plan and assign.

Times in the arrays are naive UTC ``datetime64[s]``; the hub's local day is computed with
the zone's UTC offset at noon of the generated day (exact for zones without daylight saving,
such as Asia/Shanghai).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from logistics.domain.parcel_status import REGISTER_ACTION, Action, Direction, Status

HISTORY = "history"
TODAY = "today"

REFERENCE_STATIONS = 30
REFERENCE_PARCELS_PER_DAY = 3300
OUTBOUND_SHARE = 0.6
HUB_PROVINCE = "14"  # Shanxi: the reference township is Gaodu, Zezhou county, Jincheng
HUB_CITY = "晋城市"

# Rates of the life's exceptions (HISTORY mode).
CANCEL_AT_STATION = 0.005
HOLD_AT_HUB = 0.01
HOLD_OUTCOME = (0.6, 0.3, 0.1)  # released, cancelled, still held
NOT_PICKED_UP = 0.015
PRINTED_WAYBILL = 0.30  # outbound parcels arriving with a courier tracking number
SHOP_ORDER = 0.70  # outbound parcels with an order reference

#: Spring Festival (Chinese New Year's day) by year.
SPRING_FESTIVAL: dict[int, date] = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
}

# Outbound products: category, share, median g, spread (log sd), min g, max g, box cm at median.
_OUT_PRODUCTS: tuple[tuple[str, float, int, float, int, int, tuple[int, int, int]], ...] = (
    ("kiwi", 0.30, 2750, 0.0, 2500, 11000, (30, 20, 14)),
    ("cured_meat", 0.18, 1500, 0.45, 300, 6000, (30, 20, 10)),
    ("rice_tofu", 0.15, 2000, 0.35, 500, 6000, (28, 20, 12)),
    ("tea", 0.10, 500, 0.5, 100, 2500, (25, 18, 10)),
    ("crafts", 0.07, 800, 0.7, 100, 8000, (35, 25, 20)),
    ("other", 0.20, 1200, 0.8, 100, 20000, (30, 22, 15)),
)
# Month factors (Jan..Dec) of each outbound product's share.
_OUT_MONTHS: dict[str, tuple[float, ...]] = {
    "kiwi": (0.6, 0.3, 0.2, 0.1, 0.05, 0.05, 0.05, 0.3, 1.4, 2.0, 2.0, 1.3),
    "cured_meat": (2.2, 1.2, 0.6, 0.4, 0.3, 0.3, 0.3, 0.3, 0.5, 0.7, 1.2, 2.2),
    "rice_tofu": (1.0,) * 12,
    "tea": (0.5, 0.5, 1.5, 2.5, 2.0, 1.2, 0.7, 0.6, 0.6, 0.7, 0.7, 0.6),
    "crafts": (1.0, 1.2, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3),
    "other": (1.0,) * 12,
}
# Kiwi boxes: net 2.5 kg (most), 5 kg, 10 kg; gross grams range and box cm.
_KIWI_BOXES = (
    (0.70, 2600, 2900, (30, 20, 14)),
    (0.25, 5200, 5600, (40, 30, 16)),
    (0.05, 10300, 10800, (50, 35, 22)),
)
_IN_PRODUCTS: tuple[tuple[str, float, int, float, int, int, tuple[int, int, int]], ...] = (
    ("apparel", 0.28, 500, 0.5, 100, 3000, (32, 25, 6)),
    ("household", 0.24, 1500, 0.7, 100, 15000, (35, 25, 20)),
    ("food", 0.16, 2000, 0.6, 200, 10000, (30, 22, 18)),
    ("electronics", 0.10, 800, 0.7, 100, 8000, (25, 18, 10)),
    ("farm_inputs", 0.08, 5000, 0.5, 500, 25000, (45, 30, 15)),
    ("other", 0.14, 1000, 0.9, 100, 20000, (30, 22, 15)),
)
_IN_MONTHS: dict[str, tuple[float, ...]] = {
    "apparel": (1.3, 0.8, 1.0, 1.0, 0.9, 1.0, 0.8, 0.8, 1.0, 1.2, 1.3, 1.3),
    "household": (1.0,) * 12,
    "food": (1.5, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 1.0, 1.1, 1.0, 1.0, 1.3),
    "electronics": (1.0, 0.8, 0.8, 0.8, 0.9, 1.4, 0.9, 0.9, 0.9, 1.0, 1.5, 1.1),
    "farm_inputs": (0.5, 1.2, 2.5, 2.5, 1.5, 0.8, 0.6, 0.6, 0.8, 1.2, 0.6, 0.4),
    "other": (1.0,) * 12,
}
# Volume by month (Jan..Dec) and weekday (Mon..Sun).
_OUT_MONTH_VOLUME = (1.05, 0.75, 0.80, 0.90, 0.90, 0.90, 0.80, 0.85, 1.10, 1.25, 1.30, 1.20)
_IN_MONTH_VOLUME = (1.05, 0.80, 0.90, 0.95, 1.00, 1.15, 0.90, 0.90, 0.95, 1.00, 1.20, 1.15)
_OUT_WEEKDAY = (1.10, 1.06, 1.02, 1.00, 0.98, 0.92, 0.92)
_IN_WEEKDAY = (1.12, 1.05, 1.00, 0.98, 0.97, 0.93, 0.95)
# Double 11 and the week after (Nov 11..18).
_D11_OUT = (1.6, 1.5, 1.4, 1.3, 1.2, 1.15, 1.1, 1.05)
_D11_IN = (1.5, 2.0, 2.3, 2.2, 1.9, 1.6, 1.4, 1.2)

DOUBLE11 = "double11"
PEAKS = (DOUBLE11,)
# The names people give a peak, in either language, after NFKC and lower case.
PEAK_WORDS = {DOUBLE11: DOUBLE11, "double 11": DOUBLE11, "双十一": DOUBLE11, "双11": DOUBLE11}
#: Days of a peak week from its peak day: two before, the day, four after.
PEAK_FIRST = -2
# Outbound and inbound factors over an ordinary day of the season on each day of the
# peak week: villagers' shops ship the orders of the pre-sale and of the day itself over
# the following days; the purchases reach the township two to five days after the day.
PEAK_OUT = (5.5, 7.0, 9.0, 8.5, 7.0, 6.0, 5.5)
PEAK_IN = (1.0, 1.1, 1.5, 2.0, 2.3, 2.2, 1.9)
# Product mix of a peak day (kiwi, cured meat, rice tofu, tea, crafts, other) over the month's.
_PEAK_PRODUCTS = (1.6, 1.0, 0.8, 1.3, 1.4, 1.5)
PEAK_SHOP_ORDER = 0.90
PEAK_PRINTED_WAYBILL = 0.60


@dataclass(frozen=True)
class Peak:
    """A peak week of ``kind`` (only Double 11 now) around its peak ``day``."""

    day: date
    kind: str = DOUBLE11

    @property
    def first(self) -> date:
        return self.day + timedelta(days=PEAK_FIRST)

    @property
    def length(self) -> int:
        return len(PEAK_OUT)

    def factors(self, day: date) -> tuple[float, float] | None:
        """(outbound, inbound) factor of ``day`` over an ordinary day; None outside the week."""
        k = (day - self.first).days
        if 0 <= k < len(PEAK_OUT):
            return PEAK_OUT[k], PEAK_IN[k]
        return None


def peak_named(word: str) -> str | None:
    """The peak a typed word names (double11, 双十一, 双11, full-width 双１１), or None."""
    key = unicodedata.normalize("NFKC", word).strip().lower()
    return PEAK_WORDS.get(key)


def double11_of(before: date) -> date:
    """The latest 11 November whose peak week has ended before ``before``."""
    day = date(before.year, 11, 11)
    if day + timedelta(days=PEAK_FIRST + len(PEAK_OUT)) > before:
        day = date(before.year - 1, 11, 11)
    return day


# Destination provinces (GB/T 2260), weight, cities.
_DESTINATIONS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("44", 16.0, ("广州市", "深圳市", "东莞市", "佛山市")),
    ("33", 10.0, ("杭州市", "宁波市", "温州市", "金华市")),
    ("32", 9.5, ("南京市", "苏州市", "无锡市", "常州市")),
    ("31", 7.0, ("上海市",)),
    ("11", 7.0, ("北京市",)),
    ("37", 6.0, ("济南市", "青岛市", "烟台市")),
    ("14", 6.0, ("太原市", "晋城市", "长治市", "大同市")),
    ("41", 5.0, ("郑州市", "洛阳市", "新乡市")),
    ("13", 3.5, ("石家庄市", "保定市", "唐山市")),
    ("51", 3.5, ("成都市", "绵阳市")),
    ("35", 3.2, ("福州市", "厦门市", "泉州市")),
    ("42", 3.0, ("武汉市", "宜昌市")),
    ("12", 2.8, ("天津市",)),
    ("61", 2.6, ("西安市", "宝鸡市")),
    ("43", 2.4, ("长沙市", "株洲市")),
    ("34", 2.2, ("合肥市", "芜湖市")),
    ("50", 2.0, ("重庆市",)),
    ("21", 1.6, ("沈阳市", "大连市")),
    ("36", 1.2, ("南昌市", "赣州市")),
    ("45", 1.1, ("南宁市", "柳州市")),
    ("53", 1.0, ("昆明市",)),
    ("23", 0.8, ("哈尔滨市",)),
    ("52", 0.8, ("贵阳市", "遵义市")),
    ("22", 0.7, ("长春市",)),
    ("62", 0.6, ("兰州市",)),
    ("15", 0.6, ("呼和浩特市", "包头市")),
    ("46", 0.4, ("海口市", "三亚市")),
    ("65", 0.4, ("乌鲁木齐市",)),
    ("64", 0.3, ("银川市",)),
    ("63", 0.2, ("西宁市",)),
    ("54", 0.1, ("拉萨市",)),
)
_NEAR = frozenset({"11", "12", "13", "14", "37", "41", "61"})
_REMOTE = frozenset({"15", "54", "63", "64", "65"})

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉斌鹏宇浩凯晨欣怡婷雪梅"
    "琳丹宁波海峰志刚亮春燕小龙云飞家庆福贵永成德才金凤秀珍淑芬翠花红霞建华振兴晓东"
)
_MOBILE_PREFIXES = tuple(
    [str(p) for p in range(130, 140)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159", "166"]
    + ["173", "175", "176", "177", "178"]
    + [str(p) for p in range(180, 190)]
    + ["191", "193", "195", "198", "199"]
)
_ROADS = [
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "和平路",
    "胜利街",
    "新华路",
    "文化路",
    "长江路",
    "黄河路",
    "光明街",
    "幸福路",
    "朝阳路",
    "东风路",
    "青年路",
    "滨河路",
    "花园街",
    "学府路",
    "迎宾大道",
    "科技园路",
]
_SHOP_BRANDS = [
    "优品",
    "惠家",
    "鲜丰",
    "乐购",
    "百草",
    "良品",
    "潮流",
    "悦动",
    "贝贝",
    "暖居",
    "数码港",
    "丰收",
    "农家乐",
    "美淘",
    "拼乐",
]
_SHOP_KINDS = ["旗舰店", "专营店", "官方店", "工厂店", "小店"]
_OUT_PLATFORMS = (("TB", 0.35), ("PDD", 0.30), ("DY", 0.20), ("WX", 0.15))
_IN_PLATFORMS = (("TB", 0.35), ("PDD", 0.35), ("JD", 0.15), ("DY", 0.15))
_HOLD_NOTES = (
    "address incomplete",
    "recipient phone unreachable",
    "packaging damaged",
    "liquid leaking",
    "weight differs from label",
)
_CANCEL_NOTES = ("sender cancelled the order", "buyer refunded the order", "prohibited item")

# Tracking-number styles by courier code: fixed prefix + this many random-looking digits.
_TRACKING_BY_CODE: dict[str, tuple[str, int]] = {
    "ZTO": ("7", 13),
    "STO": ("77", 13),
    "YTO": ("YT", 13),
    "YUNDA": ("31", 13),
    "YD": ("31", 13),
    "JT": ("JT", 13),
    "JNT": ("JT", 13),
    "JTEXPRESS": ("JT", 13),
    "EMS": ("1", 12),
    "SF": ("SF", 13),
    "DEPPON": ("DPK", 12),
    "DBL": ("DPK", 12),
    "DB": ("DPK", 12),
}
_PRICE_FACTOR = {"SF": 2.0, "EMS": 1.4, "DEPPON": 1.3, "DBL": 1.3, "DB": 1.3}
# How much of the online-shopping (inbound) traffic a courier carries, relative to capacity.
_INBOUND_FACTOR = {"SF": 0.5, "EMS": 0.7, "DEPPON": 0.3, "DBL": 0.3, "DB": 0.3}

_EPOCH_DAY = date(2000, 1, 1).toordinal()
_DAY_SLOTS = 40_000  # days after 2000-01-01 a tracking number can encode (to 2109)
_PER_DAY = 100_000  # tracking numbers per courier per day
_SCRAMBLE_A = 2862933555777941757
_SCRAMBLE_B = 3037000493

HOUR = 3600
MINUTE = 60
DAY = 86400


@dataclass(frozen=True)
class StationSpec:
    """What the generator needs of a village station."""

    code: str
    households: int | None = None
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    village: str | None = None
    retention_days: int = 7


@dataclass(frozen=True)
class CourierSpec:
    """What the generator needs of a courier.

    ``tariff`` maps a two-digit province code (or ``"*"`` for the default) to
    ``(first_kg_fen, extra_kg_fen)``; without one a simple built-in price list is used.
    ``tracking_prefix``/``tracking_digits`` give the style of its tracking numbers; when the
    prefix is None it is read from ``tracking_pattern`` or known from the courier code.
    """

    code: str
    daily_capacity: int = 1000
    tracking_prefix: str | None = None
    tracking_digits: int = 13
    tracking_pattern: str | None = None
    cutoff: time = time(17, 0)
    volumetric_divisor: int = 8000
    weight_step_g: int = 1000
    max_weight_g: int | None = None
    tariff: Mapping[str, tuple[int, int]] | None = None
    excluded: frozenset[str] = frozenset()


@dataclass
class DayBatch:
    """One day's parcels and events as column arrays.

    ``parcels`` columns: direction, station (index into the stations), sender_name,
    sender_phone, recipient_name, recipient_phone, province_code, city, address, weight_g,
    length_cm, width_cm, height_cm, category, courier (index, -1 none), courier_fixed,
    tracking_no, order_ref (None when absent), status, held_from, registered_at,
    registered_on, status_at, chargeable_g, fee_fen (-1 none). Parcels are in order of
    registration time.

    ``events`` columns: parcel (index into ``parcels``), at, action, from_status, to_status,
    place, operator, note; sorted by parcel then time.
    """

    day: date
    mode: str
    parcels: dict[str, np.ndarray]
    events: dict[str, np.ndarray]

    @property
    def n_parcels(self) -> int:
        return len(self.parcels["status"])

    @property
    def n_events(self) -> int:
        return len(self.events["parcel"])

    def first_order_ref(self) -> str | None:
        refs = self.parcels["order_ref"]
        for ref in refs:
            if ref is not None:
                return ref
        return None


def tracking_style(code: str, pattern: str | None = None) -> tuple[str, int]:
    """(prefix, digits) of a courier's tracking numbers, from its pattern or its code."""
    if pattern:
        style = _style_from_pattern(pattern)
        if style is not None:
            return style
    key = re.sub(r"[^A-Z]", "", code.upper())
    if key in _TRACKING_BY_CODE:
        return _TRACKING_BY_CODE[key]
    return (key[:2] or "TN", 13)


def _style_from_pattern(pattern: str) -> tuple[str, int] | None:
    text = pattern.strip()
    text = text.removeprefix("^").removesuffix("$")
    if text.startswith("(?:") and text.endswith(")"):
        text = text[3:-1]
    text = text.split("|")[0].removeprefix("^").removesuffix("$")
    match = re.fullmatch(r"([A-Z0-9]*)(?:\[([A-Z0-9])[^\]]*\])?(?:\\d|\[0-9\])\{(\d+)\}", text)
    if not match:
        return None
    prefix = match.group(1) + (match.group(2) or "")
    digits = int(match.group(3))
    if digits < 8 or not prefix:
        return None
    sample = prefix + "1" * digits
    try:
        if not re.fullmatch(pattern, sample):
            return None
    except re.error:
        return None
    return prefix, digits


def spring_festival(year: int) -> date | None:
    return SPRING_FESTIVAL.get(year)


def volume_factors(day: date, double11: bool = True) -> tuple[float, float]:
    """(outbound, inbound) volume factor of a day before the yearly scaling; without
    ``double11`` an ordinary day of the season (no Double 11 bump)."""
    month = day.month - 1
    out = _OUT_MONTH_VOLUME[month] * _OUT_WEEKDAY[day.weekday()]
    inb = _IN_MONTH_VOLUME[month] * _IN_WEEKDAY[day.weekday()]
    d11 = (day - date(day.year, 11, 11)).days
    if 0 <= d11 < len(_D11_OUT):
        if double11:
            out *= _D11_OUT[d11]
            inb *= _D11_IN[d11]
    elif day.month == 6 and 18 <= day.day <= 21:  # 618
        inb *= 1.4
    elif day.month == 12 and 12 <= day.day <= 15:  # Double 12
        inb *= 1.25
    fo, fi = _festival_factors(day)
    return out * fo, inb * fi


def _festival_factors(day: date) -> tuple[float, float]:
    for year in (day.year, day.year + 1):
        festival = SPRING_FESTIVAL.get(year)
        if festival is None:
            continue
        k = (day - festival).days
        if -30 <= k <= -8:  # gifts of cured meat and kiwi; new-year shopping
            peak = max(0.0, 1.0 - abs(k + 18) / 12)
            return 1.1 + 0.7 * peak, 1.05 + 0.35 * peak
        if -7 <= k <= -3:
            return 0.9 - 0.08 * (k + 7), 0.9 - 0.08 * (k + 7)
        if -2 <= k <= 6:  # the holiday: couriers run a skeleton service
            return 0.2, 0.25
        if 7 <= k <= 14:
            ramp = 0.4 + 0.6 * (k - 7) / 7
            return ramp, ramp
    return 1.0, 1.0


_YEAR_NORM: dict[int, tuple[float, float]] = {}


def year_norm(year: int) -> tuple[float, float]:
    """Mean (outbound, inbound) factor of a year's days, so its average day is the target."""
    if year not in _YEAR_NORM:
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        factors = np.array([volume_factors(first + timedelta(d)) for d in range(days)])
        mean = factors.mean(axis=0)
        _YEAR_NORM[year] = (float(mean[0]), float(mean[1]))
    return _YEAR_NORM[year]


def _seconds(t: time) -> int:
    return t.hour * HOUR + t.minute * MINUTE + t.second


def _word(value: object) -> object:
    """An action or status as its stored word (None stays None)."""
    return value.value if isinstance(value, Action | Status) else value


@dataclass
class _Events:
    parts: list[tuple] = field(default_factory=list)

    def add(self, idx, at, action, frm, to, place, operator, note=None) -> None:
        if len(idx):
            # plain words in the arrays: they are bulk-inserted as text
            action, frm, to = (_word(value) for value in (action, frm, to))
            self.parts.append((idx, at, action, frm, to, place, operator, note))

    def build(self, n_total_offset: int = 0) -> dict[str, np.ndarray]:
        cols: dict[str, list[np.ndarray]] = {
            k: []
            for k in (
                "parcel",
                "at",
                "rank",
                "action",
                "from_status",
                "to_status",
                "place",
                "operator",
                "note",
            )
        }
        for rank, (idx, at, action, frm, to, place, operator, note) in enumerate(self.parts):
            n = len(idx)
            cols["parcel"].append(np.asarray(idx, dtype=np.int64) + n_total_offset)
            cols["at"].append(np.asarray(at, dtype=np.int64))
            cols["rank"].append(np.full(n, rank, dtype=np.int64))
            for name, value in (
                ("action", action),
                ("from_status", frm),
                ("to_status", to),
                ("place", place),
                ("operator", operator),
                ("note", note),
            ):
                if isinstance(value, np.ndarray):
                    cols[name].append(value.astype(object))
                else:
                    column = np.empty(n, dtype=object)
                    column[:] = value
                    cols[name].append(column)
        if not self.parts:
            return {
                k: np.empty(0, dtype=np.int64 if k in ("parcel", "at", "rank") else object)
                for k in cols
            }
        return {k: np.concatenate(v) for k, v in cols.items()}


class SampleGenerator:
    """Make a township's parcels, one day at a time (see the module docstring for the shape)."""

    def __init__(
        self,
        stations: Sequence[StationSpec],
        couriers: Sequence[CourierSpec],
        seed: int,
        timezone: str = "Asia/Shanghai",
        *,
        hub_code: str = "HUB",
        parcels_per_day: float | None = None,
        outbound_share: float = OUTBOUND_SHARE,
        home_province: str = HUB_PROVINCE,
        home_city: str = HUB_CITY,
        peak: Peak | None = None,
    ) -> None:
        if not stations:
            raise ValueError("the sample generator needs at least one station")
        if not couriers:
            raise ValueError("the sample generator needs at least one courier")
        if seed < 0:
            raise ValueError("the seed must be a whole number >= 0")
        self.stations = list(stations)
        self.couriers = list(couriers)
        self.seed = int(seed)
        self.tz = ZoneInfo(timezone)
        self.hub_code = hub_code
        self.home_province = home_province
        self.home_city = home_city
        n_st = len(self.stations)
        self.parcels_per_day = (
            float(parcels_per_day)
            if parcels_per_day is not None
            else REFERENCE_PARCELS_PER_DAY * n_st / REFERENCE_STATIONS
        )
        self.outbound_share = outbound_share
        self.peak = peak

        rng = np.random.default_rng([self.seed, 0, 1])
        known = [s.households for s in self.stations if s.households]
        fallback = float(np.median(known)) if known else 300.0
        hh = np.array([float(s.households or fallback) for s in self.stations])
        self.households = np.maximum(hh, 10.0)
        shop = rng.lognormal(0.0, 0.2, n_st)
        out_w = self.households**1.15 * shop
        self.out_share = out_w / out_w.sum()
        # A peak's extra parcels are the shops' orders: villages with shops get most.
        peak_w = self.households**1.15 * shop**3
        self.peak_out_share = peak_w / peak_w.sum()
        self.in_share = self.households / self.households.sum()
        self.speciality = rng.lognormal(0.0, 0.5, (n_st, len(_OUT_PRODUCTS)))
        self.opens = np.array([_seconds(s.opens) for s in self.stations], dtype=np.int64)
        self.closes = np.array([_seconds(s.closes) for s in self.stations], dtype=np.int64)
        bad = self.closes <= self.opens + HOUR
        self.opens[bad], self.closes[bad] = 8 * HOUR, 18 * HOUR
        lo = np.maximum(self.opens + HOUR, int(9.5 * HOUR))
        hi = np.maximum(lo + 1, np.minimum(self.closes - HOUR, int(15.5 * HOUR)))
        self.visit_base = rng.integers(lo, hi)  # the van's usual time at each station
        self.retention = np.array([max(1, s.retention_days) for s in self.stations])
        self.station_codes = np.array([s.code for s in self.stations], dtype=object)
        self.keepers = np.array([f"keeper-{s.code}" for s in self.stations], dtype=object)
        self.drivers = np.array([f"van-{1 + i % 5}" for i in range(n_st)], dtype=object)
        self.villages = [s.village or s.code for s in self.stations]

        # Residents of each station (senders of outbound, recipients of inbound parcels).
        sizes = np.clip(self.households.astype(int), 20, 600)
        self.pool_start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.pool_size = sizes
        total = int(sizes.sum())
        self.pool_name = self._names(rng, total)
        self.pool_phone = self._phones(rng, total)
        self.pool_house = rng.integers(1, 300, total)

        # Couriers.
        self.courier_codes = np.array([c.code for c in self.couriers], dtype=object)
        self.capacity = np.array([max(1, c.daily_capacity) for c in self.couriers], dtype=float)
        self.cutoff = np.array([_seconds(c.cutoff) for c in self.couriers], dtype=np.int64)
        self.divisor = np.array([max(1, c.volumetric_divisor) for c in self.couriers], np.int64)
        self.step = np.array([max(1, c.weight_step_g) for c in self.couriers], dtype=np.int64)
        self.max_weight = np.array(
            [c.max_weight_g or np.iinfo(np.int64).max for c in self.couriers], dtype=np.int64
        )
        self.styles = [
            (c.tracking_prefix, c.tracking_digits)
            if c.tracking_prefix
            else tracking_style(c.code, c.tracking_pattern)
            for c in self.couriers
        ]
        self.courier_drivers = np.array([f"{c.code}-driver" for c in self.couriers], object)
        key = [re.sub(r"[^A-Z]", "", c.code.upper()) for c in self.couriers]
        self.inbound_weight = self.capacity * np.array([_INBOUND_FACTOR.get(k, 1.0) for k in key])

        # Destinations and prices.
        self.dest_codes = np.array([d[0] for d in _DESTINATIONS], dtype=object)
        weights = np.array([d[1] for d in _DESTINATIONS])
        self.dest_p = weights / weights.sum()
        self.dest_cities = [d[2] for d in _DESTINATIONS]
        self.home_index = next(
            (i for i, d in enumerate(_DESTINATIONS) if d[0] == home_province), None
        )
        n_c, n_p = len(self.couriers), len(_DESTINATIONS)
        self.first = np.zeros((n_c, n_p), dtype=np.int64)
        self.extra = np.zeros((n_c, n_p), dtype=np.int64)
        self.serves = np.zeros((n_c, n_p), dtype=bool)
        for c, spec in enumerate(self.couriers):
            for p, (code, _w, _cities) in enumerate(_DESTINATIONS):
                price = _price(spec, key[c], code)
                if price is not None and code not in spec.excluded:
                    self.first[c, p], self.extra[c, p] = price
                    self.serves[c, p] = True
        served = self.serves.any(axis=0)
        if served.any():  # send parcels only where some courier goes
            self.dest_p = np.where(served, self.dest_p, 0.0)
            self.dest_p /= self.dest_p.sum()
        if self.home_index is not None:
            self.home_courier_ok = self.serves[:, self.home_index]
        else:
            self.home_courier_ok = np.ones(n_c, dtype=bool)

    # ----------------------------------------------------------------- public

    def in_peak(self, day: date) -> bool:
        return self.peak is not None and self.peak.factors(day) is not None

    def expected(self, day: date) -> tuple[np.ndarray, np.ndarray]:
        """Expected (outbound, inbound) parcels per station on ``day`` (before random noise)."""
        peak = self.peak.factors(day) if self.peak is not None else None
        if peak is None:
            fo, fi = volume_factors(day)
        else:
            fo, fi = volume_factors(day, double11=False)
            fo, fi = fo * peak[0], fi * peak[1]
        no, ni = year_norm(day.year)
        base_out = self.parcels_per_day * self.outbound_share * fo / no
        base_in = self.parcels_per_day * (1 - self.outbound_share) * fi / ni
        if peak is None:
            return base_out * self.out_share, base_in * self.in_share
        # An ordinary day's parcels as usual; the extra ones from the villages with shops.
        ordinary = base_out / peak[0]
        out = ordinary * self.out_share + (base_out - ordinary) * self.peak_out_share
        return out, base_in * self.in_share

    def day(self, day: date, mode: str = HISTORY, now: datetime | None = None) -> DayBatch:
        """The parcels of one hub-local day; ``now`` (naive UTC) cuts what has not happened."""
        if mode not in (HISTORY, TODAY):
            raise ValueError(f"mode must be {HISTORY!r} or {TODAY!r}")
        rng = np.random.default_rng([self.seed, day.toordinal(), 2])
        noon = datetime.combine(day, time(12, 0), tzinfo=self.tz)
        offset = int(noon.utcoffset().total_seconds())
        midnight = int(datetime.combine(day, time(0, 0), tzinfo=UTC).timestamp()) - offset
        now_s = (
            None if now is None else int(now.replace(tzinfo=UTC).timestamp())
        )  # naive UTC -> seconds
        n_st = len(self.stations)
        # The day's rounds: the van reaches station s at visit[0][s] today, visit[1][s] tomorrow.
        visit = self.visit_base[None, :] + rng.integers(-20 * MINUTE, 20 * MINUTE, (2, n_st))
        drive_out = rng.integers(20 * MINUTE, 70 * MINUTE, n_st)
        back = rng.integers(30 * MINUTE, 120 * MINUTE, n_st)
        ctx = _Day(day, mode, midnight, now_s, visit, drive_out, back, self.in_peak(day))

        exp_out, exp_in = self.expected(day)
        out = self._outbound(rng, ctx, rng.poisson(exp_out))
        inb = self._inbound(rng, ctx, rng.poisson(exp_in))
        return self._assemble(rng, ctx, out, inb)

    def days(
        self, start: date, count: int, mode: str = HISTORY, now: datetime | None = None
    ) -> Iterator[DayBatch]:
        for k in range(count):
            yield self.day(start + timedelta(days=k), mode, now)

    # --------------------------------------------------------------- building

    def _names(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # Common surnames first: favour low indexes.
        sur = np.minimum((len(_SURNAMES) * rng.random(n) ** 1.8).astype(int), len(_SURNAMES) - 1)
        g1 = rng.integers(0, len(_GIVEN), n)
        g2 = rng.integers(0, len(_GIVEN), n)
        two = rng.random(n) < 0.72
        s, g = _SURNAMES, _GIVEN
        out = np.empty(n, dtype=object)
        out[:] = [
            s[a] + g[b] + (g[c] if t else "")
            for a, b, c, t in zip(sur.tolist(), g1.tolist(), g2.tolist(), two.tolist(), strict=True)
        ]
        return out

    def _phones(self, rng: np.random.Generator, n: int) -> np.ndarray:
        prefix = rng.integers(0, len(_MOBILE_PREFIXES), n).tolist()
        rest = rng.integers(0, 10**8, n).tolist()
        out = np.empty(n, dtype=object)
        p = _MOBILE_PREFIXES
        out[:] = [f"{p[a]}{b:08d}" for a, b in zip(prefix, rest, strict=True)]
        return out

    def _residents(self, rng, station: np.ndarray, skew: float) -> np.ndarray:
        """Indexes into the resident pools; ``skew`` > 1 favours a few busy households."""
        k = (self.pool_size[station] * rng.random(len(station)) ** skew).astype(np.int64)
        return self.pool_start[station] + np.minimum(k, self.pool_size[station] - 1)

    def _product(self, rng, station, probs: np.ndarray) -> np.ndarray:
        cum = np.cumsum(probs, axis=1)
        cum /= cum[:, -1:]
        u = rng.random(len(station))
        return np.minimum((u[:, None] > cum[station]).sum(axis=1), probs.shape[1] - 1)

    def _sizes(self, rng, product, table) -> tuple[np.ndarray, ...]:
        n = len(product)
        weight = np.zeros(n, dtype=np.int64)
        dims = np.zeros((3, n), dtype=np.int64)
        for p, (category, _share, median, sigma, lo, hi, box) in enumerate(table):
            idx = np.flatnonzero(product == p)
            if not len(idx):
                continue
            if category == "kiwi":
                shares = np.array([b[0] for b in _KIWI_BOXES])
                size = np.minimum(
                    (rng.random(len(idx))[:, None] > np.cumsum(shares)[None, :]).sum(1),
                    len(_KIWI_BOXES) - 1,
                )
                glo = np.array([b[1] for b in _KIWI_BOXES])[size]
                ghi = np.array([b[2] for b in _KIWI_BOXES])[size]
                weight[idx] = rng.integers(glo, ghi)
                boxes = np.array([b[3] for b in _KIWI_BOXES])[size].T
                dims[:, idx] = boxes + rng.integers(-1, 2, (3, len(idx)))
                continue
            w = median * np.exp(sigma * rng.standard_normal(len(idx)))
            weight[idx] = np.clip(w, lo, hi).astype(np.int64)
            scale = (weight[idx] / median) ** (1 / 3)
            noise = 1 + 0.06 * rng.standard_normal((3, len(idx)))
            dims[:, idx] = np.maximum(
                5, np.rint(np.array(box)[:, None] * scale[None, :] * noise)
            ).astype(np.int64)
        return weight, dims

    def _price_all(self, weight, dims, dest) -> tuple[np.ndarray, np.ndarray]:
        """(chargeable_g, fee_fen) of every parcel with every courier: shape (couriers, n)."""
        volume = dims[0] * dims[1] * dims[2] * 1000
        div = self.divisor[:, None]
        step = self.step[:, None]
        num = np.maximum(weight[None, :] * div, volume[None, :])
        den = div * step
        charge = np.maximum(1, (num + den - 1) // den) * step
        extra_kg = np.maximum(0, (charge - 1000 + 999) // 1000)
        fee = self.first[:, dest] + self.extra[:, dest] * extra_kg
        return charge, fee

    def _pick(self, rng, weights: np.ndarray) -> np.ndarray:
        """One courier per column of ``weights`` (couriers x n), proportional to the weights."""
        weights = weights.copy()
        empty = weights.sum(axis=0) <= 0
        weights[:, empty] = self.capacity[:, None]
        cum = np.cumsum(weights, axis=0)
        u = rng.random(weights.shape[1]) * cum[-1]
        return np.minimum((cum < u[None, :]).sum(axis=0), len(self.couriers) - 1)

    def _reg_times(self, rng, ctx: _Day, station) -> np.ndarray:
        n = len(station)
        opens, closes = self.opens[station], self.closes[station]
        morning = np.abs(rng.normal(1.5 * HOUR, 1.2 * HOUR, n))
        anytime = rng.random(n) * (closes - opens)
        offset = np.where(rng.random(n) < 0.6, morning, anytime).astype(np.int64)
        tod = np.clip(opens + offset, opens, closes - MINUTE)
        return ctx.midnight + tod + rng.integers(0, 60, n)

    def _outbound(self, rng, ctx: _Day, counts: np.ndarray) -> dict:
        n_st = len(self.stations)
        station = np.repeat(np.arange(n_st), counts)
        n = len(station)
        month = ctx.day.month - 1
        base = np.array([p[1] * _OUT_MONTHS[p[0]][month] for p in _OUT_PRODUCTS])
        fo, _ = _festival_factors(ctx.day)
        if fo > 1.05:  # before the Spring Festival: cured meat and gifts
            base = base * np.array([1.3, 2.0, 1.2, 1.0, 1.2, 1.0])
        if ctx.peak:
            base = base * np.array(_PEAK_PRODUCTS)
        probs = self.speciality * base[None, :]
        product = self._product(rng, station, probs)
        weight, dims = self._sizes(rng, product, _OUT_PRODUCTS)
        weight = np.minimum(weight, self.max_weight.max())
        dest = np.minimum(
            (rng.random(n)[:, None] > np.cumsum(self.dest_p)[None, :]).sum(1),
            len(self.dest_p) - 1,
        )
        sender = self._residents(rng, station, 3.0)
        recipient_name = self._names(rng, n)
        recipient_phone = self._phones(rng, n)
        shops, printed = (
            (PEAK_SHOP_ORDER, PEAK_PRINTED_WAYBILL) if ctx.peak else (SHOP_ORDER, PRINTED_WAYBILL)
        )
        shop_order = rng.random(n) < shops
        fixed = shop_order & (rng.random(n) < printed / shops)
        reg = self._reg_times(rng, ctx, station)

        charge_all, fee_all = self._price_all(weight, dims, dest)
        serve = self.serves[:, dest] & (weight[None, :] <= self.max_weight[:, None])
        base_w = self.capacity[:, None] * serve
        cheapest = np.where(serve, fee_all, np.iinfo(np.int64).max).min(axis=0)
        cheap_w = base_w * (np.maximum(cheapest, 1)[None, :] / np.maximum(fee_all, 1)) ** 3
        courier = self._pick(rng, np.where(fixed[None, :], base_w, cheap_w))
        cols = np.arange(n)
        chargeable = charge_all[courier, cols]
        fee = fee_all[courier, cols]

        cities = [self.dest_cities[d] for d in dest.tolist()]
        pick = rng.integers(0, 4, n).tolist()
        road = rng.integers(0, len(_ROADS), n).tolist()
        num = rng.integers(1, 400, n).tolist()
        bldg = rng.integers(1, 30, n).tolist()
        room = rng.integers(101, 2800, n).tolist()
        city = np.array([c[k % len(c)] for c, k in zip(cities, pick, strict=True)], dtype=object)
        address = np.array(
            [
                f"{c}{_ROADS[r]}{a}号{b}栋{m}室"
                for c, r, a, b, m in zip(city.tolist(), road, num, bldg, room, strict=True)
            ],
            dtype=object,
        )
        return {
            "direction": np.full(n, Direction.OUTBOUND.value, dtype=object),
            "station": station,
            "sender_name": self.pool_name[sender],
            "sender_phone": self.pool_phone[sender],
            "recipient_name": recipient_name,
            "recipient_phone": recipient_phone,
            "province_code": self.dest_codes[dest],
            "city": city,
            "address": address,
            "weight_g": weight,
            "dims": dims,
            "category": np.array([p[0] for p in _OUT_PRODUCTS], dtype=object)[product],
            "courier": courier,
            "fixed": fixed,
            "shop_order": shop_order,
            "reg": reg,
            "chargeable_g": chargeable,
            "fee_fen": fee,
        }

    def _inbound(self, rng, ctx: _Day, counts: np.ndarray) -> dict:
        n_st = len(self.stations)
        station = np.repeat(np.arange(n_st), counts)
        n = len(station)
        month = ctx.day.month - 1
        base = np.array([p[1] * _IN_MONTHS[p[0]][month] for p in _IN_PRODUCTS])
        probs = np.repeat(base[None, :], n_st, axis=0)
        product = self._product(rng, station, probs)
        weight, dims = self._sizes(rng, product, _IN_PRODUCTS)
        weights = np.repeat((self.inbound_weight * self.home_courier_ok)[:, None], n, axis=1)
        courier = self._pick(rng, weights)
        recipient = self._residents(rng, station, 1.5)
        # Line-haul trucks reach the hub in the early morning, a second wave after noon.
        n_c = len(self.couriers)
        waves = np.stack(
            [
                rng.integers(int(5.5 * HOUR), 8 * HOUR, n_c),
                rng.integers(int(12.5 * HOUR), 14 * HOUR, n_c),
            ]
        )
        wave = (rng.random(n) < 0.25).astype(np.int64)
        reg = ctx.midnight + waves[wave, courier] + rng.integers(0, 40 * MINUTE, n)
        brand = rng.integers(0, len(_SHOP_BRANDS), n).tolist()
        kind = rng.integers(0, len(_SHOP_KINDS), n).tolist()
        sender = np.array(
            [_SHOP_BRANDS[b] + _SHOP_KINDS[k] for b, k in zip(brand, kind, strict=True)],
            dtype=object,
        )
        villages = np.array(self.villages, dtype=object)[station]
        house = self.pool_house[recipient].tolist()
        address = np.array(
            [f"{v}{h}号" for v, h in zip(villages.tolist(), house, strict=True)], dtype=object
        )
        return {
            "direction": np.full(n, Direction.INBOUND.value, dtype=object),
            "station": station,
            "sender_name": sender,
            "sender_phone": self._phones(rng, n),
            "recipient_name": self.pool_name[recipient],
            "recipient_phone": self.pool_phone[recipient],
            "province_code": np.full(n, self.home_province, dtype=object),
            "city": np.full(n, self.home_city, dtype=object),
            "address": address,
            "weight_g": weight,
            "dims": dims,
            "category": np.array([p[0] for p in _IN_PRODUCTS], dtype=object)[product],
            "courier": courier,
            "fixed": np.ones(n, dtype=bool),
            "shop_order": np.ones(n, dtype=bool),
            "reg": reg,
            "chargeable_g": np.full(n, -1, dtype=np.int64),
            "fee_fen": np.full(n, -1, dtype=np.int64),
        }

    # --------------------------------------------------------------- lives

    def _outbound_life(self, rng, ctx: _Day, p: dict, ev: _Events) -> np.ndarray:
        """Add the events of outbound parcels; returns when each was manifested (or never)."""
        n = len(p["station"])
        idx = np.arange(n)
        st = p["station"]
        reg = p["reg"]
        place = self.station_codes[st]
        ev.add(idx, reg, REGISTER_ACTION, None, Status.REGISTERED, place, self.keepers[st])
        if ctx.mode == TODAY:
            return np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        m = ctx.midnight
        tod = reg - m
        later = tod >= ctx.visit[0, st] - 5 * MINUTE
        visit = m + np.where(later, DAY + ctx.visit[1, st], ctx.visit[0, st])
        collect = np.maximum(visit + rng.integers(0, 10 * MINUTE, n), reg + MINUTE)
        at_hub = np.maximum(visit + ctx.back[st] + rng.integers(0, 15 * MINUTE, n), collect + 60)

        u = rng.random(n)
        cancelled_early = u < CANCEL_AT_STATION
        held = (u >= CANCEL_AT_STATION) & (u < CANCEL_AT_STATION + HOLD_AT_HUB)
        v = rng.random(n)
        released = held & (v < HOLD_OUTCOME[0])
        cancelled_held = held & (v >= HOLD_OUTCOME[0]) & (v < HOLD_OUTCOME[0] + HOLD_OUTCOME[1])
        going = ~cancelled_early & (~held | released)

        # Cancelled by the sender before the van came.
        c = np.flatnonzero(cancelled_early)
        cancel_at = reg[c] + ((collect[c] - reg[c]) * rng.uniform(0.2, 0.9, len(c))).astype(
            np.int64
        )
        ev.add(
            c,
            cancel_at,
            Action.CANCEL,
            Status.REGISTERED,
            Status.CANCELLED,
            place[c],
            self.keepers[st[c]],
            _choice(rng, _CANCEL_NOTES, len(c)),
        )
        on = np.flatnonzero(~cancelled_early)
        drivers = self.drivers[st[on]]
        ev.add(
            on, collect[on], Action.COLLECT, Status.REGISTERED, Status.COLLECTED, place[on], drivers
        )
        hub_ops = _choice(rng, ("hub-op-1", "hub-op-2", "hub-op-3"), n)
        ev.add(
            on,
            at_hub[on],
            Action.ARRIVE,
            Status.COLLECTED,
            Status.AT_HUB,
            self.hub_code,
            hub_ops[on],
        )

        ready = at_hub.copy()
        h = np.flatnonzero(held)
        hold_at = at_hub[h] + rng.integers(10 * MINUTE, 90 * MINUTE, len(h))
        ev.add(
            h,
            hold_at,
            Action.HOLD,
            Status.AT_HUB,
            Status.HELD,
            self.hub_code,
            hub_ops[h],
            _choice(rng, _HOLD_NOTES, len(h)),
        )
        hold_by_parcel = np.zeros(n, dtype=np.int64)
        hold_by_parcel[h] = hold_at
        r = np.flatnonzero(released)
        release_at = hold_by_parcel[r] + rng.integers(1 * HOUR, 26 * HOUR, len(r))
        ev.add(r, release_at, Action.RELEASE, Status.HELD, Status.AT_HUB, self.hub_code, hub_ops[r])
        ready[r] = release_at
        k = np.flatnonzero(cancelled_held)
        ev.add(
            k,
            hold_by_parcel[k] + rng.integers(2 * HOUR, 48 * HOUR, len(k)),
            Action.CANCEL,
            Status.HELD,
            Status.CANCELLED,
            self.hub_code,
            hub_ops[k],
            _choice(rng, _CANCEL_NOTES, len(k)),
        )

        g = np.flatnonzero(going)
        courier = p["courier"][g]
        cutoff = self.cutoff[courier]
        rel = ready[g] - m
        rday = rel // DAY
        rtod = rel - rday * DAY
        same_day = rtod <= cutoff - 40 * MINUTE
        man_day = np.where(same_day, rday, rday + 1)
        window_end = m + rday * DAY + cutoff - 5 * MINUTE
        span = np.maximum(0, window_end - ready[g] - MINUTE)
        manifest_same = ready[g] + MINUTE + (span * rng.uniform(0.1, 0.8, len(g))).astype(np.int64)
        manifest_next = m + man_day * DAY + 8 * HOUR + rng.integers(0, 2 * HOUR, len(g))
        manifested = np.where(same_day, manifest_same, np.maximum(manifest_next, ready[g] + 60))
        handed = np.maximum(
            m + man_day * DAY + cutoff + rng.integers(0, 20 * MINUTE, len(g)), manifested + 60
        )
        ev.add(
            g,
            manifested,
            Action.MANIFEST,
            Status.AT_HUB,
            Status.MANIFESTED,
            self.hub_code,
            hub_ops[g],
        )
        ev.add(
            g,
            handed,
            Action.HANDOVER,
            Status.MANIFESTED,
            Status.HANDED_OVER,
            self.hub_code,
            self.courier_drivers[courier],
        )
        manifested_at = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        manifested_at[g] = manifested
        return manifested_at

    def _inbound_life(self, rng, ctx: _Day, p: dict, ev: _Events) -> None:
        n = len(p["station"])
        idx = np.arange(n)
        st = p["station"]
        arrive = p["reg"]
        hub_ops = _choice(rng, ("hub-op-1", "hub-op-2", "hub-op-3"), n)
        ev.add(idx, arrive, Action.ARRIVE_INBOUND, None, Status.ARRIVED_HUB, self.hub_code, hub_ops)
        if ctx.mode == TODAY:
            return
        m = ctx.midnight
        depart0 = m + ctx.visit[0, st] - ctx.drive_out[st]
        later = arrive + 20 * MINUTE > depart0
        visit = m + np.where(later, DAY + ctx.visit[1, st], ctx.visit[0, st])
        depart = visit - ctx.drive_out[st]
        dispatch = np.maximum(depart - rng.integers(5 * MINUTE, 30 * MINUTE, n), arrive + 60)
        at_station = np.maximum(visit + rng.integers(0, 10 * MINUTE, n), dispatch + 60)
        place = self.station_codes[st]
        ev.add(
            idx,
            dispatch,
            Action.DISPATCH,
            Status.ARRIVED_HUB,
            Status.OUT_FOR_DELIVERY,
            self.hub_code,
            self.drivers[st],
        )
        ev.add(
            idx,
            at_station,
            Action.AT_STATION,
            Status.OUT_FOR_DELIVERY,
            Status.AT_STATION,
            place,
            self.keepers[st],
        )
        returned = rng.random(n) < NOT_PICKED_UP
        retention = self.retention[st] * DAY
        quick = rng.random(n) < 0.5
        delay = np.where(
            quick,
            rng.exponential(3 * HOUR, n),
            4 * HOUR + rng.exponential(30 * HOUR, n),
        ).astype(np.int64)
        delay = np.minimum(delay, retention - 12 * HOUR)
        picked = self._in_opening(rng, m, st, at_station + MINUTE + delay)
        back = self._in_opening(rng, m, st, at_station + retention + rng.integers(HOUR, 4 * HOUR))
        keep = np.flatnonzero(~returned)
        ev.add(
            keep,
            picked[keep],
            Action.PICKED_UP,
            Status.AT_STATION,
            Status.PICKED_UP,
            place[keep],
            self.keepers[st[keep]],
        )
        ret = np.flatnonzero(returned)
        ev.add(
            ret,
            back[ret],
            Action.RETURN,
            Status.AT_STATION,
            Status.RETURNED,
            place[ret],
            self.keepers[st[ret]],
            "not picked up within the retention period",
        )

    def _in_opening(self, rng, midnight: int, st: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Move times that fall outside the station's opening hours to the next opening."""
        rel = at - midnight
        d = rel // DAY
        tod = rel - d * DAY
        opens, closes = self.opens[st], self.closes[st]
        jitter = rng.integers(0, 90 * MINUTE, len(at))
        early = tod < opens
        late = tod >= closes
        out = at.copy()
        out[early] = (midnight + d * DAY + opens + jitter)[early]
        out[late] = (midnight + (d + 1) * DAY + opens + jitter)[late]
        return out

    # --------------------------------------------------------------- assembly

    def _assemble(self, rng, ctx: _Day, out: dict, inb: dict) -> DayBatch:
        n_out = len(out["station"])
        if ctx.mode == TODAY and ctx.now is not None:
            for part in (out, inb):  # nothing registered later than now
                future = part["reg"] > ctx.now
                part["reg"][future] = ctx.now - rng.integers(MINUTE, 2 * HOUR, int(future.sum()))
        ev_out, ev_in = _Events(), _Events()
        manifested_out = self._outbound_life(rng, ctx, out, ev_out)
        self._inbound_life(rng, ctx, inb, ev_in)
        e_out = ev_out.build()
        e_in = ev_in.build(n_out)
        events = {k: np.concatenate([e_out[k], e_in[k]]) for k in e_out}
        keys = [k for k in out if k != "dims"]
        parcels = {k: np.concatenate([out[k], inb[k]]) for k in keys}
        dims = np.concatenate([out["dims"], inb["dims"]], axis=1)
        n = len(parcels["station"])
        never = np.iinfo(np.int64).max
        manifested_at = np.concatenate([manifested_out, np.full(n - n_out, never)])

        keep_parcel = np.ones(n, dtype=bool)
        if ctx.now is not None:
            keep_parcel = parcels["reg"] <= ctx.now
            keep_event = (events["at"] <= ctx.now) & keep_parcel[events["parcel"]]
            # A parcel is manifested only together with its handover: cut between the two
            # it would be "manifested" on no manifest, so it waits at the hub instead.
            handed = events["parcel"][keep_event & (events["action"] == Action.HANDOVER)]
            open_manifest = (
                keep_event
                & (events["action"] == Action.MANIFEST)
                & ~np.isin(events["parcel"], handed)
            )
            keep_event &= ~open_manifest
            manifested_at[events["parcel"][open_manifest]] = never
            events = {k: v[keep_event] for k, v in events.items()}
        manifested = manifested_at <= (ctx.now if ctx.now is not None else never - 1)

        # Parcels in order of registration; events by parcel, time, stage.
        order = np.flatnonzero(keep_parcel)
        order = order[np.argsort(parcels["reg"][order], kind="stable")]
        new_index = np.full(n, -1, dtype=np.int64)
        new_index[order] = np.arange(len(order))
        parcels = {k: v[order] for k, v in parcels.items()}
        dims = dims[:, order]
        manifested = manifested[order]
        events["parcel"] = new_index[events["parcel"]]
        ev_order = np.lexsort((events["rank"], events["at"], events["parcel"]))
        events = {k: v[ev_order] for k, v in events.items() if k != "rank"}
        n = len(order)

        last = np.flatnonzero(np.r_[events["parcel"][1:] != events["parcel"][:-1], True])
        status = events["to_status"][last]
        status_at = events["at"][last]
        assert len(last) == n and np.array_equal(events["parcel"][last], np.arange(n))

        courier = parcels["courier"]
        fixed = parcels["fixed"]
        has_courier = fixed | manifested
        courier = np.where(has_courier, courier, -1)
        outbound = parcels["direction"] == Direction.OUTBOUND.value
        priced = outbound & manifested
        chargeable = np.where(priced, parcels["chargeable_g"], -1)
        fee = np.where(priced, parcels["fee_fen"], -1)

        tracking = self._tracking_numbers(ctx.day, courier, fixed)
        order_ref = self._order_refs(rng, ctx.day, parcels["shop_order"], outbound)
        held_from = np.where(status == Status.HELD.value, Status.AT_HUB.value, None)
        held_from = held_from.astype(object)
        reg_dt = parcels["reg"].astype("datetime64[s]")
        local_day = (
            (parcels["reg"] - ctx.midnight) // DAY + (ctx.day - date(1970, 1, 1)).days
        ).astype("datetime64[D]")

        columns = {
            "direction": parcels["direction"],
            "station": parcels["station"].astype(np.int64),
            "sender_name": parcels["sender_name"],
            "sender_phone": parcels["sender_phone"],
            "recipient_name": parcels["recipient_name"],
            "recipient_phone": parcels["recipient_phone"],
            "province_code": parcels["province_code"],
            "city": parcels["city"],
            "address": parcels["address"],
            "weight_g": parcels["weight_g"].astype(np.int64),
            "length_cm": dims[0],
            "width_cm": dims[1],
            "height_cm": dims[2],
            "category": parcels["category"],
            "courier": courier.astype(np.int64),
            "courier_fixed": fixed.astype(bool),
            "tracking_no": tracking,
            "order_ref": order_ref,
            "status": status,
            "held_from": held_from,
            "registered_at": reg_dt,
            "registered_on": local_day,
            "status_at": status_at.astype("datetime64[s]"),
            "chargeable_g": chargeable.astype(np.int64),
            "fee_fen": fee.astype(np.int64),
        }
        events["at"] = events["at"].astype("datetime64[s]")
        return DayBatch(ctx.day, ctx.mode, columns, events)

    def _tracking_numbers(self, day: date, courier: np.ndarray, fixed: np.ndarray) -> np.ndarray:
        out = np.full(len(courier), None, dtype=object)
        idx = np.flatnonzero(fixed & (courier >= 0))
        if not len(idx):
            return out
        day_slot = (day.toordinal() - _EPOCH_DAY) % _DAY_SLOTS
        c = courier[idx]
        order = np.argsort(c, kind="stable")
        sorted_c = c[order]
        starts = np.r_[0, np.flatnonzero(sorted_c[1:] != sorted_c[:-1]) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, len(sorted_c)]))
        rank = np.empty(len(idx), dtype=np.int64)
        rank[order] = np.arange(len(idx)) - group_start
        numbers = []
        for ci, k in zip(c.tolist(), rank.tolist(), strict=True):
            prefix, digits = self.styles[ci]
            modulus = 10**digits
            slots = max(1, modulus // (_DAY_SLOTS * _PER_DAY))
            base = ((day_slot * slots + self.seed % slots) * _PER_DAY + k) % modulus
            value = (_SCRAMBLE_A * base + _SCRAMBLE_B) % modulus
            numbers.append(f"{prefix}{value:0{digits}d}")
        out[idx] = numbers
        return out

    def _order_refs(self, rng, day: date, has: np.ndarray, outbound: np.ndarray) -> np.ndarray:
        n = len(has)
        out = np.full(n, None, dtype=object)
        out_pf = _choice(rng, [p for p, _ in _OUT_PLATFORMS], n, [w for _, w in _OUT_PLATFORMS])
        in_pf = _choice(rng, [p for p, _ in _IN_PLATFORMS], n, [w for _, w in _IN_PLATFORMS])
        platform = np.where(outbound, out_pf, in_pf)
        stamp = f"{day:%Y%m%d}{self.seed:04d}"
        idx = np.flatnonzero(has)
        out[idx] = [f"{platform[i]}{stamp}{i:05d}" for i in idx.tolist()]
        return out


@dataclass
class _Day:
    day: date
    mode: str
    midnight: int  # UTC seconds of the hub-local midnight starting the day
    now: int | None
    visit: np.ndarray  # (2, stations): time of day the van is at each station today, tomorrow
    drive_out: np.ndarray  # seconds from the hub to each station
    back: np.ndarray  # seconds from each station back to the hub (rest of the round)
    peak: bool = False  # a day of the peak week


def _choice(rng, values: Sequence[str], n: int, p: Sequence[float] | None = None) -> np.ndarray:
    pool = np.array(values, dtype=object)
    if p is None:
        return pool[rng.integers(0, len(pool), n)]
    weights = np.asarray(p, dtype=float)
    return pool[rng.choice(len(pool), size=n, p=weights / weights.sum())]


def _price(spec: CourierSpec, key: str, province: str) -> tuple[int, int] | None:
    """(first_kg_fen, extra_kg_fen) of a courier to a province; None when it does not go there."""
    if spec.tariff:
        row = spec.tariff.get(province) or spec.tariff.get("*")
        return None if row is None else (int(row[0]), int(row[1]))
    factor = _PRICE_FACTOR.get(key, 1.0)
    if province in _REMOTE:
        first, extra = 1800, 1200
    elif province in _NEAR:
        first, extra = 600, 200
    else:
        first, extra = 900, 400
    return round(first * factor), round(extra * factor)
