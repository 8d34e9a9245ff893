"""Masking personal information for display (GB/T 41833-2022 style de-identification).

Listings and parcel timelines show recipients and senders masked:

* names keep the surname and hide the rest, at least one character:
  ``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧阳**``, ``王`` -> ``*``;
* phone numbers hide at least six digits: ``13800001234`` -> ``1******1234``,
  ``0851-85551234`` -> ``0851-******34``; short numbers are hidden entirely;
* addresses keep the province, city and district/county and hide the rest:
  ``贵州省贵阳市云岩区中华北路123号`` -> ``贵州省贵阳市云岩区****``; a name written
  into the address (``李四广州市天河区...``, the recipient's or sender's own) is never
  part of what is kept;
* a database URL keeps everything but its password (:func:`hide_password`).

Masking never raises: any text gives a masked string (``''`` for blank).
"""

from __future__ import annotations

import re
import unicodedata

from logistics.domain.provinces import all_provinces

MASK = "*"
HIDDEN = "****"

# 复姓: compound surnames, kept whole so 欧阳娜娜 reads 欧阳**
_COMPOUND = """欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木
    独孤 南宫 百里 呼延 万俟 西门 澹台 申屠 太史 钟离 闻人 赫连 东郭 公冶 左丘 谷梁
    宗政 濮阳 淳于 单于 太叔 仲孙 鲜于 闾丘 司空 亓官 司寇 子车 颛孙 壤驷 公良 漆雕
    乐正 拓跋 夹谷 宰父 段干 第五 梁丘 羊舌 微生 公西 公羊 巫马 东门 南门"""
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND.split())

_NAME_SEPARATORS = frozenset(" ·•・.")


def _nfkc(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip() if text is not None else ""


def mask_name(name: str | None) -> str:
    """The name with only the surname shown: ``张*``, ``欧阳**``, ``*`` for one character.

    Names in Latin letters keep their first letter (``John Smith`` -> ``J*** *****``).
    Separators (spaces, ``·`` in names such as 买买提·艾力) are kept.
    """
    text = _nfkc(name)
    if not text:
        return ""
    if len(text) == 1:
        return MASK
    keep = 2 if text[:2] in COMPOUND_SURNAMES and len(text) > 2 else 1
    masked = text[:keep] + "".join(ch if ch in _NAME_SEPARATORS else MASK for ch in text[keep:])
    # a surname followed only by separators (张·) would be shown whole: hide all but it
    return masked if MASK in masked else text[:1] + MASK * (len(text) - 1)


_PHONE_PARTS = re.compile(r"[,，;；/、]+")
_MOBILE = re.compile(r"(\+?86[\s-]*)?(1\d{10})")
_LANDLINE = re.compile(r"(0\d{2,3})[\s-]*(\d{7,8})((?:[\s-]+|转|ext\.?|x)\d{1,6})?", re.I)


def mask_phone(phone: str | None) -> str:
    """The phone number with at least six digits hidden.

    ``13800001234`` -> ``1******1234``; ``+86 138 0000 1234`` -> ``+86 1******1234``;
    ``0851-85551234`` -> ``0851-******34``; ``010 1234567`` -> ``010-******7``; any
    other number keeps at most its last four digits and never fewer than six hidden;
    numbers of six digits or fewer are hidden entirely. Several numbers separated by
    commas or slashes are masked one by one.
    """
    text = _nfkc(phone)
    if not text:
        return ""
    parts = [p.strip() for p in _PHONE_PARTS.split(text) if p.strip()]
    return ", ".join(_mask_one_phone(p) for p in parts) or HIDDEN


def _mask_one_phone(text: str) -> str:
    compact = re.sub(r"[\s()\-]", "", text)
    if m := _MOBILE.fullmatch(compact):
        prefix = "+86 " if m.group(1) else ""
        number = m.group(2)
        return f"{prefix}{number[0]}{MASK * 6}{number[-4:]}"
    if m := _LANDLINE.fullmatch(text.replace("(", "").replace(")", "")):
        area, local = m.group(1), m.group(2)
        return f"{area}-{MASK * 6}{local[6:]}" + ("-" + MASK * 3 if m.group(3) else "")
    digits = sum(ch.isdigit() for ch in text)
    keep = max(0, min(4, digits - 6))
    out = []
    seen = 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - keep else MASK)
        elif ch.isalpha():
            out.append(MASK)
        else:
            out.append(ch)
    return "".join(out)


_PROVINCE_NAMES = sorted(
    {p.name for p in all_provinces()} | {p.short_name for p in all_provinces()},
    key=len,
    reverse=True,
)
_PROVINCE = re.compile("|".join(map(re.escape, _PROVINCE_NAMES)))
_NOT_PLACE = "区县路街道镇乡村号弄巷组栋楼单元室0-9"
_CITY = re.compile(rf"[^{_NOT_PLACE}]{{1,12}}?(?:自治州|地区|盟|市)")
_DISTRICT = re.compile(rf"[^{_NOT_PLACE}]{{1,12}}?(?:自治县|自治旗|林区|特区|新区|区|县|市|旗)")


_PROVINCE_FULL = re.compile(
    "|".join(map(re.escape, sorted({p.name for p in all_provinces()}, key=len, reverse=True)))
)


def _without_names(text: str, names: tuple[str | None, ...]) -> str:
    for name in names:
        name = re.sub(r"\s+", "", _nfkc(name))
        if len(name) >= 2:
            text = text.replace(name, "")
    return text


def admin_prefix(address: str | None, names: tuple[str | None, ...] = ()) -> str:
    """The province/city/district part at the start of a Chinese address (may be ``''``).

    ``names`` (the recipient's, the sender's) are taken out of the address first; text
    before a province written in full (``收件人王五，贵州省...``) is not part of it."""
    text = _without_names(re.sub(r"\s+", "", _nfkc(address)), names)
    if not _PROVINCE.match(text) and (m := _PROVINCE_FULL.search(text)):
        text = text[m.start() :]
    end = 0
    if m := _PROVINCE.match(text):
        end = m.end()
        if text[end : end + 1] in ("省", "市"):
            end += 1
        elif text.startswith("自治区", end):
            end += 3
    if m := _CITY.match(text, end):
        end = m.end()
    if m := _DISTRICT.match(text, end):
        end = m.end()
    return text[:end]


def mask_address(address: str | None, names: tuple[str | None, ...] = ()) -> str:
    """The address with only province, city and district/county shown.

    ``贵州省贵阳市云岩区中华北路123号`` -> ``贵州省贵阳市云岩区****``; an address
    without a recognisable province, city or district is hidden entirely (``****``).
    ``names`` are the people of the parcel (recipient, sender): an address that starts
    with one (``李四广州市天河区体育西路1号``) shows ``广州市天河区****``.
    """
    text = re.sub(r"\s+", "", _nfkc(address))
    if not text:
        return ""
    prefix = admin_prefix(text, names)
    if prefix == text:
        return prefix
    return prefix + HIDDEN


_URL_PASSWORD = re.compile(r"(\b[A-Za-z][\w+.-]*://[^\s:/@]*:)([^\s@]*)(@)")


def hide_password(text: str) -> str:
    """``text`` with the password of every URL in it shown as ``***``:
    ``mysql://hub:s3cretPW@db/hub`` -> ``mysql://hub:***@db/hub``."""
    return _URL_PASSWORD.sub(r"\1***\3", text) if "://" in text else text
