"""Pickup codes (取件码): how a villager asks for an inbound parcel at a station.

An inbound parcel gets its code when it is scanned ``at-station``: ``shelf-layer-number``,
e.g. ``3-2-1045``, the way village stations and parcel lockers print them. The rule:

* **number**: four digits, 1001 to 9999, unique among the parcels waiting at that station
  (at the station, or held there): the one after the station's last number given,
  skipping the numbers still in use, back to 1001 after 9999. A number is not given
  again right away when its parcel is picked up, so a villager with an old message does
  not find someone else's parcel under it the same day.
* **shelf**: round-robin over the station's :data:`SHELVES` shelves by the number
  (1001 on shelf 1, 1002 on shelf 2, ...), so the shelves fill evenly;
* **layer**: by weight, heavy parcels low (layers counted from the floor): 5 kg and
  more on layer 1, 1 kg to 5 kg on layer 2, less than 1 kg on layer 3; a parcel not yet
  weighed (0 g, registered by an arrival scan) on the middle layer 2.

A code is kept on the parcel after it is picked up or returned (the record of what the
villager was told), but only a waiting parcel is found by it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

SHELVES = 3
LAYERS = 3
FIRST_NUMBER = 1001
LAST_NUMBER = 9999
HEAVY_G = 5000
LIGHT_G = 1000

_CODE = re.compile(r"(\d{1,2})\s*[-_/ ]\s*(\d{1,2})\s*[-_/ ]\s*(\d{4})")


@dataclass(frozen=True, slots=True, order=True)
class PickupCode:
    shelf: int
    layer: int
    number: int

    def __str__(self) -> str:
        return f"{self.shelf}-{self.layer}-{self.number}"


def parse(text: str | None) -> PickupCode | None:
    """The pickup code ``text`` is (``3-2-1045``, ``3 2 1045``, full-width ``３－２－１０４５``),
    or None when it is not one (a hub parcel id or a tracking number)."""
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("—", "-").replace("－", "-")
    found = _CODE.fullmatch(cleaned)
    if found is None:
        return None
    shelf, layer, number = (int(part) for part in found.groups())
    if shelf < 1 or layer < 1 or not FIRST_NUMBER <= number <= LAST_NUMBER:
        return None
    return PickupCode(shelf, layer, number)


def is_pickup_code(text: str | None) -> bool:
    return parse(text) is not None


def number_of(code: str | None) -> int | None:
    """The number of a stored code (``3-2-1045`` -> 1045), None when there is none."""
    parsed = parse(code)
    return parsed.number if parsed else None


def next_number(in_use: Iterable[int], last: int | None = None) -> int:
    """The number after ``last`` (from 1001, back to 1001 after 9999) not in ``in_use``.

    Raises ValueError when every number is in use (8,999 parcels waiting at one station).
    """
    taken = set(in_use)
    span = LAST_NUMBER - FIRST_NUMBER + 1
    start = FIRST_NUMBER if last is None or not FIRST_NUMBER <= last <= LAST_NUMBER else last + 1
    for step in range(span):
        number = FIRST_NUMBER + (start - FIRST_NUMBER + step) % span
        if number not in taken:
            return number
    raise ValueError("every pickup number of the station is in use")


def shelf_of(number: int, shelves: int = SHELVES) -> int:
    """Round-robin by the number: 1001 on shelf 1, 1002 on shelf 2, ..."""
    return (number - FIRST_NUMBER) % shelves + 1


def layer_of(weight_g: int | None) -> int:
    """Heavy parcels low: >= 5 kg layer 1, >= 1 kg layer 2, lighter layer 3; unweighed 2."""
    if not weight_g or weight_g <= 0:
        return 2
    if weight_g >= HEAVY_G:
        return 1
    if weight_g >= LIGHT_G:
        return 2
    return 3


def assign(weight_g: int | None, in_use: Iterable[int], last: int | None = None) -> PickupCode:
    """The code of a parcel reaching its station: see the module's rule."""
    number = next_number(in_use, last)
    return PickupCode(shelf_of(number), layer_of(weight_g), number)


def phone_tail(phone: str | None) -> str:
    """The last four digits of a phone number, what a station shows (尾号 1234); ``''``
    when the number has fewer than seven digits (too short to show any)."""
    digits = [ch for ch in unicodedata.normalize("NFKC", phone or "") if ch.isdigit()]
    return "".join(digits[-4:]) if len(digits) >= 7 else ""


def sms_number(phone: str | None) -> str:
    """The number a text message is sent to: digits only, without +86 (``''`` if none).
    Several numbers in one field (``138..., 139...``): the first."""
    text = unicodedata.normalize("NFKC", phone or "")
    first = re.split(r"[,，;；/、]", text)[0]
    digits = "".join(ch for ch in first if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits
