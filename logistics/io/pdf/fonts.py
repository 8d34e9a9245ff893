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

from reportlab.lib.colors import Color
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
    for match in _RUNS.finditer(printable(text)):
        run = match.group()
        font = latin if run[0] < "\x80" else CJK
        runs.append((font, run, pdfmetrics.stringWidth(run, font, size)))
    return tuple(runs), sum(r[2] for r in runs)


_BOX = "\u25a1"  # □, in GB2312: what a Chinese reader expects for a missing character
_UNPRINTABLE = re.compile("[\U00010000-\U0010ffff]|[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """`text` as the fonts can print it. The CID font is 2-byte: an emoji or a rare
    character beyond the first Unicode plane would come out as two wrong characters,
    so it becomes a box; control characters become spaces."""
    return _UNPRINTABLE.sub(
        lambda m: _BOX if len(m.group().encode("utf-16-le")) == 4 else " ", text
    )


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
    """The strings of one page, written as one PDF text block per (font, size, colour).

    A 3,000-row manifest carries some 40,000 strings; drawn one by one through
    reportlab's canvas most of the time went into re-setting fonts and pure-Python
    number formatting. Here each string costs one positioning and one show operator,
    formatted directly (ASCII runs in a standard font need no re-encoding, CJK runs are
    encoded by the CID font itself), and the blocks go on the page with
    `canvas.addLiteral` when `flush()` is called, before `showPage()`. Text lands on
    top of what the canvas drew on that page.
    """

    def __init__(self, canv) -> None:
        self._canv = canv
        self._blocks: dict[tuple, list[str]] = {}

    def add(self, font: str, size: float, colour: Color | None, x: float, y: float, run: str):
        key = (font, size, None if colour is None else colour.rgb())
        ops = self._blocks.get(key)
        if ops is None:
            # reportlab's own name for the font resource (/F1, ...); asking for it also
            # adds the font to the document, as canvas.setFont does.
            name = self._canv._doc.getInternalFontName(font)
            red, green, blue = (0, 0, 0) if colour is None else colour.rgb()
            ops = [f"q {red:.3f} {green:.3f} {blue:.3f} rg BT {name} {size:.2f} Tf"]
            self._blocks[key] = ops
        if font == CJK:
            shown = _cjk_font().formatForPdf(run)
        else:
            shown = run.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({shown}) Tj")

    def flush(self) -> None:
        for ops in self._blocks.values():
            ops.append("ET Q")
            self._canv.addLiteral(" ".join(ops))
        self._blocks.clear()


def _cjk_font():
    register_fonts()
    return pdfmetrics.getFont(CJK)
