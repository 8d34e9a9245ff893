"""Fonts for the printed documents, and drawing text that mixes Chinese and Latin.

Chinese is set in the Adobe CID font STSong-Light: reportlab knows its metrics and
the PDF names it without embedding it, so no font file is needed and every Chinese
PDF reader (and poppler with a CJK font installed) shows it. Latin letters and digits
are set in Helvetica/Courier instead, because viewers that substitute STSong-Light
with a system font often have no matching Latin glyphs, and tracking numbers and
phone numbers must stay readable everywhere.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK = "STSong-Light"
SANS = "Helvetica"
SANS_BOLD = "Helvetica-Bold"
MONO = "Courier"
MONO_BOLD = "Courier-Bold"

ELLIPSIS = "…"

_lock = threading.Lock()
_registered = False
_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def register_fonts() -> None:
    """Register the Chinese CID font once per process (safe to call any number of times)."""
    global _registered
    if _registered:
        return
    with _lock:
        if CJK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK))
        _registered = True


@lru_cache(maxsize=8192)
def _measure(
    text: str, size: float, latin: str
) -> tuple[tuple[tuple[str, str, float], ...], float]:
    """Split text into (font name, run, width) pieces, ASCII in `latin` and everything else
    in CJK, and the total width. Cached: station and place names repeat on every page."""
    runs = []
    for match in _RUNS.finditer(text):
        run = match.group()
        font = latin if run[0] < "\x80" else CJK
        runs.append((font, run, pdfmetrics.stringWidth(run, font, size)))
    return tuple(runs), sum(r[2] for r in runs)


def text_width(text: str, size: float, latin: str = SANS) -> float:
    """Width in points of `text` drawn with draw_text at `size`."""
    return _measure(text, size, latin)[1]


def fit_text(
    text: str, size: float, max_width: float, latin: str = SANS, min_size: float | None = None
) -> tuple[str, float]:
    """Shrink `size` (down to `min_size`, default 75 %) and then cut the text with an
    ellipsis so that it fits in `max_width`; returns (text, size)."""
    width = text_width(text, size, latin)
    if width <= max_width:
        return text, size
    floor = size * 0.75 if min_size is None else min_size
    scaled = size * max_width / width
    if scaled >= floor:
        return text, scaled
    cut = text
    while cut and text_width(cut + ELLIPSIS, floor, latin) > max_width:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS, floor


def draw_text(
    target,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    latin: str = SANS,
    align: str = "left",
    max_width: float | None = None,
    colour: Color | None = None,
) -> float:
    """Draw `text` with its baseline at y, Chinese in STSong-Light and ASCII in `latin`.

    `target` is a canvas or a TextLayer (much faster when a page carries thousands of
    strings). `align` is "left", "centre" or "right" (x is then the left edge, the
    centre or the right edge). With `max_width` the text is shrunk or cut to fit.
    `colour` defaults to the canvas's current fill colour (black for a TextLayer).
    Returns the width drawn.
    """
    if not text:
        return 0.0
    if max_width is not None:
        text, size = fit_text(text, size, max_width, latin)
    runs, total = _measure(text, size, latin)
    if align == "right":
        x -= total
    elif align == "centre":
        x -= total / 2
    if isinstance(target, TextLayer):
        for font, run, width in runs:
            target.add(font, size, colour, x, y, run)
            x += width
        return total
    if colour is not None:
        target.saveState()
        target.setFillColor(colour)
    for font, run, width in runs:
        target.setFont(font, size)
        target.drawString(x, y, run)
        x += width
    if colour is not None:
        target.restoreState()
    return total


class TextLayer:
    """The strings of one page, written with one PDF text object per (font, size,
    colour), so each font is set once per page instead of once per string: a
    3,000-row manifest spends most of its time on text otherwise.

    Draw with `draw_text(layer, ...)`, then call `flush()` before `showPage()`;
    the text lands on top of what the canvas drew.
    """

    def __init__(self, canv) -> None:
        self._canv = canv
        self._objects: dict[tuple, object] = {}

    def add(self, font: str, size: float, colour: Color | None, x: float, y: float, run: str):
        key = (font, size, None if colour is None else colour.rgb())
        obj = self._objects.get(key)
        if obj is None:
            obj = self._canv.beginText()
            obj.setFont(font, size)
            obj.setFillColor(black if colour is None else colour)
            self._objects[key] = obj
        obj.setTextOrigin(x, y)
        obj.textOut(run)

    def flush(self) -> None:
        for obj in self._objects.values():
            self._canv.drawText(obj)
        self._objects.clear()
        self._canv.setFillColor(black)
