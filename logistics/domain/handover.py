"""Rules of the handover file: the parcels' full addresses cut into the parts a courier's
batch-order import asks for (省, 市, 区县, 详细地址).

Nothing is lost: the parts put back together give the address as stored, except that a
province or city written both in the parcel's own field and at the start of its address
is given once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from logistics.domain.provinces import all_provinces, find_province

_NOT_PLACE = "区县路街道镇乡村号弄巷组栋楼单元室0-9"
_CITY = re.compile(rf"[^{_NOT_PLACE}]{{1,12}}?(?:自治州|地区|盟|市)")
_DISTRICT = re.compile(rf"[^{_NOT_PLACE}]{{1,12}}?(?:自治县|自治旗|林区|特区|新区|区|县|市|旗)")
_PROVINCE_NAMES = sorted(
    {p.name for p in all_provinces()} | {p.short_name for p in all_provinces()},
    key=len,
    reverse=True,
)
_PROVINCE = re.compile("|".join(map(re.escape, _PROVINCE_NAMES)))
_MUNICIPALITIES = {"11", "12", "31", "50"}


@dataclass(frozen=True)
class AddressParts:
    province: str
    city: str
    district: str
    detail: str


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def split_address(
    address: str | None, *, province_code: str | None = None, city: str | None = None
) -> AddressParts:
    """The address in 省 / 市 / 区县 / 详细地址 parts.

    ``province_code`` and ``city`` are the parcel's own fields; the address may repeat
    them at its start (``广东省广州市天河区体育西路1号``) or start after them
    (``天河区体育西路1号``). The province is given by its full name (``广东省``), a
    municipality's city is itself (``北京市``). A district is taken only from the start
    of what follows the city; the detail is the rest, never empty when the address is not.
    """
    text = _clean(address)
    found = find_province(province_code) if province_code else None
    # the province at the start of the address
    if m := _PROVINCE.match(text):
        named = find_province(m.group(0))
        end = m.end()
        if text[end : end + 1] in ("省", "市"):
            end += 1
        elif text.startswith("自治区", end):
            end += 3
        if named is not None and (found is None or named.code == found.code):
            found = named
            text = text[end:]
    province = found.name if found else ""
    city_name = _clean(city)
    if found is not None and found.code in _MUNICIPALITIES:
        city_name = city_name or found.name
    # the city at the start of what is left
    if city_name:
        bare = city_name.removesuffix("市")
        for written in sorted({city_name, bare + "市", bare}, key=len, reverse=True):
            if written and text.startswith(written) and len(text) > len(written):
                text = text[len(written) :]
                break
    elif (m := _CITY.match(text)) and len(text) > m.end():
        city_name, text = m.group(0), text[m.end() :]
    district = ""
    if (m := _DISTRICT.match(text)) and len(text) > m.end():
        district, text = m.group(0), text[m.end() :]
    return AddressParts(province, city_name, district, text)
