"""The pickup notice file: one text message per recipient, for the station keeper's phone.

A CSV of ``phone,message`` (UTF-8 with a BOM, formula-safe), the way bulk-SMS apps and
spreadsheets on a phone import a list. It holds full phone numbers, so it is readable by
its owner only (``private=True``). The messages are written in the language asked for,
Chinese by default (the villagers'), whatever language the terminal speaks::

    13812345678,【高都镇快递物流分拨中心】您的包裹已到高都村服务站，取件码 3-2-1045，
    请凭码取件。站点电话 13866201164。          (one line in the file)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from logistics import i18n
from logistics.i18n import _
from logistics.io.csv_export import write_csv

HEADERS = ("phone", "message")
DEFAULT_LANGUAGE = "zh"


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block, the chosen language again after it."""
    before = i18n.language()
    i18n.use(language)
    try:
        yield
    finally:
        i18n.use(before)


def message(doc, notice) -> str:
    """The text of one notice in the language spoken now (see :func:`speaking`)."""
    signature = _("[{hub}]").format(hub=doc.hub_name)
    if len(notice.codes) == 1:
        text = _(
            "{signature} Your parcel has arrived at {station}, pickup code {code}; "
            "please show the code to collect it."
        ).format(signature=signature, station=doc.station_name, code=notice.codes[0])
    else:
        text = _(
            "{signature} Your {n} parcels have arrived at {station}, pickup codes {codes}; "
            "please show the codes to collect them."
        ).format(
            signature=signature,
            n=len(notice.codes),
            station=doc.station_name,
            codes=i18n.listing(notice.codes),
        )
    if doc.station_phone:
        text += _(" Station phone {phone}.").format(phone=doc.station_phone)
    return text


def messages(doc, language: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """``(phone, message)`` of every notice of ``doc``, in ``language``."""
    with speaking(language):
        return [(notice.phone, message(doc, notice)) for notice in doc.notices]


def write_notices(
    doc, path: str | os.PathLike[str], *, language: str = DEFAULT_LANGUAGE, force: bool = False
) -> int:
    """Write the notice file at ``path`` (owner-only); returns the number of messages."""
    return write_csv(path, HEADERS, messages(doc, language), force=force, private=True)
