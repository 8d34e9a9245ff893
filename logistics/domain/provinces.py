"""China's 34 province-level divisions (GB/T 2260) and how people write them.

A province is known by its two-digit GB/T 2260 code (``52``, or the six-digit
division code ``520000``), its Chinese name (``贵州省``) or short name (``贵州``),
its one-character abbreviation (``黔``) or its pinyin/English name (``Guizhou``,
``Guizhou Sheng``, ``Guizhou Province``). :func:`province` accepts all of them,
with full-width characters, any letter case and surrounding spaces.

Shaanxi (陕西, 61) and Shanxi (山西, 14) are the official spellings and are kept
apart; Inner Mongolia is also known as Nei Mongol / Nei Menggu and written 内蒙 for
short, Tibet as Xizang. The autonomous regions are also written with their people's
name and no "自治区" (广西壮族, 宁夏回族, 新疆维吾尔), and in traditional characters
(內蒙古, 廣西, 寧夏).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from logistics.errors import InvalidInput
from logistics.i18n import _


@dataclass(frozen=True, slots=True)
class Province:
    """One province-level division.

    ``code`` is the two-digit GB/T 2260 code as text (``"52"``); ``name`` the full
    Chinese name (``贵州省``); ``short_name`` the usual short name (``贵州``);
    ``abbreviation`` the one-character 简称 (``黔``); ``pinyin`` the pinyin name
    (``Guizhou``, ``Nei Mongol``, ``Xizang``); ``english`` the usual English name
    (``Guizhou``, ``Inner Mongolia``, ``Tibet``); ``kind`` one of ``province``,
    ``municipality``, ``autonomous_region``, ``sar``.
    """

    code: str
    name: str
    short_name: str
    abbreviation: str
    pinyin: str
    english: str
    kind: str

    @property
    def division_code(self) -> str:
        """The six-digit GB/T 2260 division code, e.g. ``520000``."""
        return self.code + "0000"

    @property
    def label(self) -> str:
        """Short display form, e.g. ``贵州 (52)``."""
        return f"{self.short_name} ({self.code})"

    def __str__(self) -> str:
        return self.short_name


# code, full name, short name, abbreviation, pinyin, english, kind, extra aliases
_DATA: tuple[tuple[str, str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("11", "北京市", "北京", "京", "Beijing", "Beijing", "municipality", ("Peking",)),
    ("12", "天津市", "天津", "津", "Tianjin", "Tianjin", "municipality", ()),
    ("13", "河北省", "河北", "冀", "Hebei", "Hebei", "province", ()),
    ("14", "山西省", "山西", "晋", "Shanxi", "Shanxi", "province", ()),
    (
        "15",
        "内蒙古自治区",
        "内蒙古",
        "蒙",
        "Nei Mongol",
        "Inner Mongolia",
        "autonomous_region",
        (
            "内蒙",
            "內蒙古",
            "內蒙",
            "Nei Menggu",
            "Neimenggu",
            "Nei Meng",
            "Inner Mongolia Autonomous Region",
        ),
    ),
    ("21", "辽宁省", "辽宁", "辽", "Liaoning", "Liaoning", "province", ()),
    ("22", "吉林省", "吉林", "吉", "Jilin", "Jilin", "province", ()),
    ("23", "黑龙江省", "黑龙江", "黑", "Heilongjiang", "Heilongjiang", "province", ()),
    ("31", "上海市", "上海", "沪", "Shanghai", "Shanghai", "municipality", ()),
    ("32", "江苏省", "江苏", "苏", "Jiangsu", "Jiangsu", "province", ()),
    ("33", "浙江省", "浙江", "浙", "Zhejiang", "Zhejiang", "province", ()),
    ("34", "安徽省", "安徽", "皖", "Anhui", "Anhui", "province", ()),
    ("35", "福建省", "福建", "闽", "Fujian", "Fujian", "province", ()),
    ("36", "江西省", "江西", "赣", "Jiangxi", "Jiangxi", "province", ()),
    ("37", "山东省", "山东", "鲁", "Shandong", "Shandong", "province", ()),
    ("41", "河南省", "河南", "豫", "Henan", "Henan", "province", ()),
    ("42", "湖北省", "湖北", "鄂", "Hubei", "Hubei", "province", ()),
    ("43", "湖南省", "湖南", "湘", "Hunan", "Hunan", "province", ()),
    ("44", "广东省", "广东", "粤", "Guangdong", "Guangdong", "province", ("Canton",)),
    (
        "45",
        "广西壮族自治区",
        "广西",
        "桂",
        "Guangxi",
        "Guangxi",
        "autonomous_region",
        ("廣西", "Guangxi Zhuangzu", "Guangxi Zhuang"),
    ),
    ("46", "海南省", "海南", "琼", "Hainan", "Hainan", "province", ()),
    ("50", "重庆市", "重庆", "渝", "Chongqing", "Chongqing", "municipality", ()),
    ("51", "四川省", "四川", "川", "Sichuan", "Sichuan", "province", ()),
    ("52", "贵州省", "贵州", "黔", "Guizhou", "Guizhou", "province", ()),
    ("53", "云南省", "云南", "滇", "Yunnan", "Yunnan", "province", ()),
    ("54", "西藏自治区", "西藏", "藏", "Xizang", "Tibet", "autonomous_region", ()),
    ("61", "陕西省", "陕西", "陕", "Shaanxi", "Shaanxi", "province", ()),
    ("62", "甘肃省", "甘肃", "甘", "Gansu", "Gansu", "province", ()),
    ("63", "青海省", "青海", "青", "Qinghai", "Qinghai", "province", ()),
    (
        "64",
        "宁夏回族自治区",
        "宁夏",
        "宁",
        "Ningxia",
        "Ningxia",
        "autonomous_region",
        ("寧夏", "Ningxia Huizu", "Ningxia Hui"),
    ),
    (
        "65",
        "新疆维吾尔自治区",
        "新疆",
        "新",
        "Xinjiang",
        "Xinjiang",
        "autonomous_region",
        ("Xinjiang Uygur", "Xinjiang Uyghur", "Xinjiang Weiwuer"),
    ),
    ("71", "台湾省", "台湾", "台", "Taiwan", "Taiwan", "province", ("臺灣", "台灣")),
    (
        "81",
        "香港特别行政区",
        "香港",
        "港",
        "Xianggang",
        "Hong Kong",
        "sar",
        ("HK", "HKSAR", "Hongkong"),
    ),
    ("82", "澳门特别行政区", "澳门", "澳", "Aomen", "Macao", "sar", ("Macau", "澳門")),
)

_PROVINCES: tuple[Province, ...] = tuple(
    Province(code, name, short, abbr, pinyin, english, kind)
    for code, name, short, abbr, pinyin, english, kind, _extras in _DATA
)
_BY_CODE: dict[str, Province] = {p.code: p for p in _PROVINCES}

#: Codes of the remote western provinces that couriers often charge more for or
#: do not serve: Inner Mongolia 15, Tibet 54, Qinghai 63, Ningxia 64, Xinjiang 65.
REMOTE_CODES: frozenset[str] = frozenset({"15", "54", "63", "64", "65"})

# Suffixes people add to a name; tried longest first when a name is not known as is.
_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            # Chinese
            "特别行政区",
            "维吾尔自治区",
            "壮族自治区",
            "回族自治区",
            "自治区",
            "自治區",
            "维吾尔",
            "維吾爾",
            "壮族",
            "回族",
            "省",
            "市",
            # pinyin / English, written without spaces
            "specialadministrativeregion",
            "autonomousregion",
            "tebiexingzhengqu",
            "municipality",
            "zizhiqu",
            "province",
            "region",
            "sheng",
            "city",
            "shi",
            "sar",
            "weiwuer",
            "zhuangzu",
            "zhuang",
            "uyghur",
            "uygur",
            "huizu",
            "hui",
        ),
        key=len,
        reverse=True,
    )
)

_DROP = re.compile(r"[\s'’`\-_.,·()（）]+")


def _key(text: str) -> str:
    """Fold a written name to a lookup key: NFKC, no accents, lower case, no spaces."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded.isascii():
        # strip tone marks (Guìzhōu -> Guizhou) but keep Chinese characters intact
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = unicodedata.normalize(
            "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        )
    return _DROP.sub("", folded).casefold()


def _build_index() -> dict[str, Province]:
    index: dict[str, Province] = {}
    for (*_fields, extras), p in zip(_DATA, _PROVINCES, strict=True):
        names = (p.code, p.division_code, p.name, p.short_name, p.abbreviation, p.pinyin)
        for alias in (*names, p.english, *extras):
            key = _key(alias)
            other = index.setdefault(key, p)
            if other is not p:  # pragma: no cover - guards the table above
                raise AssertionError(f"province alias {alias!r} is ambiguous")
    return index


_INDEX: dict[str, Province] = _build_index()


def find_province(text: str | None) -> Province | None:
    """The province ``text`` names, or None when it names none (see :func:`province`)."""
    if text is None:
        return None
    key = _key(str(text))
    if not key:
        return None
    found = _INDEX.get(key)
    if found is not None:
        return found
    # strip suffixes such as 省 / 自治区 / sheng / province, repeatedly
    # ("Xinjiang Uygur Autonomous Region" -> "xinjianguygur" -> "xinjiang")
    changed = True
    while changed and key:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                found = _INDEX.get(key)
                if found is not None:
                    return found
                changed = True
                break
    return None


def province(text: str | None) -> Province:
    """The province ``text`` names.

    Accepts ``"52"``, ``"520000"``, ``"贵州"``, ``"贵州省"``, ``"黔"``, ``"Guizhou"``,
    ``"GUIZHOU"``, ``"guizhou sheng"``, ``"Guizhou Province"``, full-width forms and
    surrounding spaces. Raises InvalidInput with one sentence when it names none.
    """
    found = find_province(text)
    if found is not None:
        return found
    shown = "" if text is None else unicodedata.normalize("NFKC", str(text)).strip()
    if not shown:
        raise InvalidInput(
            _(
                "A province is required: expected a GB/T 2260 code such as 52, a Chinese name "
                "such as 贵州 or 贵州省, or a pinyin name such as Guizhou."
            )
        )
    if len(shown) > 40:
        shown = shown[:40] + "…"
    raise InvalidInput(
        _(
            "'{value}' is not a province: expected a GB/T 2260 code such as 52, a Chinese name "
            "such as 贵州 or 贵州省, or a pinyin name such as Guizhou."
        ).format(value=shown)
    )


def province_by_code(code: str) -> Province:
    """The province with this two-digit code; raises InvalidInput for an unknown code."""
    found = _BY_CODE.get(str(code).strip())
    if found is None:
        raise InvalidInput(
            _("'{code}' is not a GB/T 2260 province code such as 52.").format(code=code)
        )
    return found


def all_provinces() -> tuple[Province, ...]:
    """All 34 province-level divisions in code order (11 Beijing ... 82 Macao)."""
    return _PROVINCES


def remote_provinces() -> tuple[Province, ...]:
    """The remote western provinces (see :data:`REMOTE_CODES`), in code order."""
    return tuple(p for p in _PROVINCES if p.code in REMOTE_CODES)


def is_remote(p: Province | str) -> bool:
    """True for Inner Mongolia, Tibet, Qinghai, Ningxia and Xinjiang."""
    code = p.code if isinstance(p, Province) else province(p).code
    return code in REMOTE_CODES
