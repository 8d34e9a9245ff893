"""Writing CSV that Excel and WPS open safely and show in Chinese.

Files get a UTF-8 byte-order mark so Excel picks the right encoding for Chinese
text. Every cell goes through :func:`safe_cell`, which neutralises spreadsheet
formulas (CSV/formula injection): a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe, so ``=HYPERLINK(...)``
typed into a recipient's name shows as text instead of running. Numbers (including
text that is just a plain number such as ``-3.5``) are left as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from logistics.io.files import open_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> str:
    """The text to write for ``value`` in a CSV cell, with formulas neutralised.

    ``None`` -> ``''``; numbers (int, float, Decimal) as plain numbers, negative ones
    too; dates and times in ISO form; booleans ``true``/``false``; enums by value;
    text that starts with ``= + - @``, a tab or a carriage return (after any leading
    spaces) gets a leading ``'`` unless it is just a plain number like ``-3.5``.
    """
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, Decimal):
        return "" if not value.is_finite() else format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if text.lstrip(" ").startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(
    target: str | os.PathLike[str] | IO[str],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    *,
    bom: bool | None = None,
    force: bool = False,
    private: bool = False,
) -> int:
    """Write a header of ``columns`` and then ``rows``; returns how many rows were written.

    ``target`` is a file path, written through the hub's one writer
    (:func:`logistics.io.files.open_text`: never over the database or an input, an
    existing file only with ``force``, complete or not at all, 0600 when ``private``),
    as UTF-8 with a BOM unless ``bom=False``; or an open text stream such as
    ``sys.stdout`` (no BOM unless ``bom=True``). A row is a mapping (values looked up
    by column name, missing ones blank) or a sequence in column order. Every cell goes
    through :func:`safe_cell`.
    """
    columns = list(columns)
    if isinstance(target, str | os.PathLike):
        encoding = "utf-8" if bom is False else "utf-8-sig"
        with open_text(target, force=force, private=private, encoding=encoding) as f:
            return _write(f, columns, rows)
    if bom:
        target.write("\ufeff")
    return _write(target, columns, rows)


def _write(
    stream: IO[str], columns: list[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]
) -> int:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    width = len(columns)
    count = 0
    for row in rows:
        if isinstance(row, Mapping):
            cells = [safe_cell(row.get(c)) for c in columns]
        else:
            cells = [safe_cell(v) for v in row]
            if len(cells) != width:
                raise ValueError(f"row {count + 1} has {len(cells)} cells for {width} columns")
        writer.writerow(cells)
        count += 1
    return count
