"""Which courier a person means: ``ZTO``, ``zto``, ``中通快递`` and ``中通`` all name ZTO.

Couriers are typed on the command line (``--courier 中通``) and written in spreadsheet
cells the way people say them: by code in any case, by their full name (中通快递), or by
the short name without 快递 / 速递 / 物流 / 快运 / 速运 (中通). One rule decides, here:

* the text is folded: NFKC (full-width letters), case-folded, spaces removed;
* a courier's code always wins over another courier's name;
* a short name two couriers share names neither.

Pure: the caller passes the couriers as ``{code: name}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

# what a courier's name may end with that people leave out: 中通快递 is 中通
COURIER_SUFFIXES = ("快递", "速递", "物流", "快运", "速运")


def fold_courier(text: str | None) -> str:
    """A typed courier name or code folded for matching: NFKC, case-folded, no spaces."""
    if not text:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def short_name(folded: str) -> str:
    """``中通`` of ``中通快递``; the name itself when it has no such ending."""
    for suffix in COURIER_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return folded[: -len(suffix)]
    return folded


def courier_aliases(names: Mapping[str, str | None]) -> dict[str, str]:
    """Folded code, name and short name (``中通`` of ``中通快递``) -> courier code.

    A short name two couriers share names neither; a code always wins over a name.
    """
    aliases: dict[str, str] = {}
    shared: set[str] = set()
    for code, name in names.items():
        if not name:
            continue
        folded = fold_courier(name)
        for alias in {folded, short_name(folded)}:
            if not alias:
                continue
            if aliases.get(alias, code) != code:
                shared.add(alias)
            aliases[alias] = code
    for alias in shared:
        aliases.pop(alias, None)
    aliases.update({fold_courier(code): code for code in names})
    return aliases


def courier_key(typed: str | None, couriers: Mapping[str, str | None]) -> str | None:
    """The code of the courier ``typed`` names among ``couriers`` ({code: name}), or None.

    >>> couriers = {"ZTO": "中通快递", "YTO": "圆通速递"}
    >>> [courier_key(t, couriers) for t in ("ZTO", "zto", "中通快递", "中通", "顺丰")]
    ['ZTO', 'ZTO', 'ZTO', 'ZTO', None]
    """
    return courier_aliases(couriers).get(fold_courier(typed))
