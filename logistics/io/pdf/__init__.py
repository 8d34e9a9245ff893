"""Printed documents of the hub, as pure renderers (no database).

Each module takes plain dataclasses (strings already masked and formatted, weights and
distances with the digits of ``logistics.domain.units``, ints, local datetimes) and
writes a PDF:

- `logistics.io.pdf.manifest`: `ManifestDocument` -> A4 pickup manifest (`render_manifest`)
- `logistics.io.pdf.labels`: `ParcelLabel` -> 100 x 150 mm thermal labels (`render_labels`)
- `logistics.io.pdf.round_sheet`: `RoundSheetDocument` -> A4 van round sheet
  (`render_round_sheet`)

This package module holds what they share: a reproducible canvas (reportlab invariant
mode, creation date taken from the data, so re-rendering the same data gives the same
bytes) and fast Code128 barcodes drawn straight on the canvas.

Import the document modules inside CLI command functions: they load reportlab.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO

from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io.pdf.fonts import MONO, draw_text, register_fonts

Output = str | os.PathLike[str] | BinaryIO

# Narrowest module (bar) we print; below this cheap scanners and 200 dpi renders fail.
MIN_MODULE = 0.19 * mm
QUIET_MODULES = 10


def column_positions(
    columns: Sequence[tuple[str, str, str, float]], left: float, width: float
) -> dict[str, tuple[float, float]]:
    """``key -> (x, width)`` of a table's columns ``(key, Chinese, English, width)`` laid
    side by side from ``left``; they must fill ``width`` exactly, so a column added
    without taking room from another fails at import, not on paper."""
    total = sum(c[3] for c in columns)
    if abs(total - width) > 0.01:
        raise ValueError(f"columns are {total:.2f} pt wide, the table {width:.2f} pt")
    out: dict[str, tuple[float, float]] = {}
    x = left
    for key, _zh, _en, w in columns:
        out[key] = (x, w)
        x += w
    return out


def pdf_date(moment: datetime) -> str:
    """PDF date string for a local datetime (with its UTC offset when it is aware)."""
    text = moment.strftime("D:%Y%m%d%H%M%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def open_canvas(
    out: Output,
    pagesize: tuple[float, float],
    *,
    title: str,
    subject: str,
    author: str,
    issued_at: datetime,
) -> Canvas:
    """A canvas in reportlab's invariant mode whose creation date is `issued_at`,
    so the same data always gives byte-identical PDF files."""
    register_fonts()
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    canv = Canvas(target, pagesize=pagesize, invariant=1, pageCompression=1)
    stamp = pdf_date(issued_at)
    canv.setDateFormatter(lambda *_parts: stamp)
    canv.setTitle(title)
    canv.setSubject(subject)
    canv.setAuthor(author)
    canv.setCreator("hub (logistics)")
    return canv


_save_lock = threading.Lock()


def save_canvas(canv: Canvas) -> None:
    """Write the PDF. Page streams are Flate-compressed but not ASCII85-wrapped: reportlab
    reads that choice from its global config at save time, and its pure-Python ASCII85
    encoder took a fifth of a 3,000-row manifest's time for no benefit in a binary file."""
    with _save_lock:
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            canv.save()
        finally:
            rl_config.useA85 = previous


def check_barcode_value(value: str, what: str) -> str:
    """Refuse a value a Code128 barcode cannot carry exactly (reportlab would drop
    such characters silently and the barcode would scan as something else)."""
    if not value:
        raise InvalidInput(_("The {what} is empty; a barcode needs a value.").format(what=what))
    bad = [ch for ch in value if not " " <= ch <= "~"]
    if bad:
        raise InvalidInput(
            _(
                "The {what} {value} contains {char}; expected printable ASCII letters, "
                "digits and signs only, so that its Code128 barcode scans back the same."
            ).format(what=what, value=repr(value), char=repr(bad[0]))
        )
    return value


def code128_pattern(value: str) -> str:
    """The Code128 bar/space pattern of `value`: one letter per element, upper case a
    bar and lower case a space, its width in modules given by the letter (A/a = 1)."""
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    return symbol.decompose()


def pattern_modules(pattern: str) -> int:
    return sum((ord(ch) & 31) for ch in pattern)


def code128_module(value: str, max_width: float, module: float) -> float:
    """The module (narrowest bar) width, at most `module`, that makes the barcode of
    `value` with its quiet zones fit in `max_width`."""
    total = pattern_modules(code128_pattern(value)) + 2 * QUIET_MODULES
    return max(MIN_MODULE, min(module, max_width / total))


def draw_code128(
    canv: Canvas,
    x: float,
    y: float,
    value: str,
    *,
    height: float,
    max_width: float,
    module: float,
    align: str = "left",
) -> float:
    """Draw the Code128 barcode of `value` with its lower-left bar corner at (x, y)
    (or centred on x / right-aligned to x), as ONE filled path of rectangles.

    `x` and `max_width` include the quiet zones (10 modules each side); the module
    shrinks from `module` as needed to fit. Returns the width of the bars alone.
    """
    pattern = code128_pattern(value)
    modules = pattern_modules(pattern)
    unit = max(MIN_MODULE, min(module, max_width / (modules + 2 * QUIET_MODULES)))
    bars_width = modules * unit
    if align == "centre":
        left = x - bars_width / 2
    elif align == "right":
        left = x - QUIET_MODULES * unit - bars_width
    else:
        left = x + QUIET_MODULES * unit
    # One literal path in module units: integer coordinates, a single fill. Written
    # directly because reportlab's pure-Python number formatting per rectangle was the
    # slowest part of a 3,000-row manifest.
    ops = []
    pos = 0
    for ch in pattern:
        width = ord(ch) & 31
        if ch < "a":
            ops.append(f"{pos} 0 {width} 1 re")
        pos += width
    canv.addLiteral(
        f"q 1 0 0 1 {left:.3f} {y:.3f} cm {unit:.5f} 0 0 {height:.3f} 0 0 cm "
        + " ".join(ops)
        + " f Q"
    )
    return bars_width


def draw_barcode_with_text(
    canv: Canvas,
    text,
    x_centre: float,
    y: float,
    value: str,
    *,
    height: float,
    max_width: float,
    module: float,
    text_size: float,
    caption: str | None = None,
) -> None:
    """A centred Code128 barcode with its human-readable text under it (baseline at y);
    the text goes to `text` (the canvas itself or a text object)."""
    gap = text_size * 0.35
    draw_code128(
        canv,
        x_centre,
        y + text_size * 0.8 + gap,
        value,
        height=height,
        max_width=max_width,
        module=module,
        align="centre",
    )
    draw_text(
        text,
        x_centre,
        y,
        caption if caption is not None else value,
        text_size,
        latin=MONO,
        align="centre",
        max_width=max_width,
    )
