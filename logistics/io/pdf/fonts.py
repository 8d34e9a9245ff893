"""Fonts for the printed documents, and drawing text that mixes Chinese and Latin.

Chinese (and every other non-ASCII run: the middle dot of a plate such as 晋E·A2235,
full-width signs) is set in WenQuanYi Micro Hei, a freely licensed (Apache-2.0) CJK
TrueType font shipped in ``font_files/``. reportlab embeds only the glyphs a document
uses, as a subset, so every viewer shows the same characters whether or not it has a
Chinese font of its own, and a manifest stays small. Latin letters and digits stay in
Helvetica/Courier: tracking numbers and phone numbers print crisp in a standard font
that adds nothing to the file.

If the font file is missing or cannot be read, Chinese falls back to the Adobe CID
font STSong-Light (named, not embedded: Chinese readers have it). Either way the
documents name the Chinese font :data:`CJK`.

Registering the TrueType font reads a 5 MB file: it is done once per process, lazily,
when the first document is drawn (never on the `hub scan` path).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics

CJK = "HubCJK"
"""The name documents use for the Chinese font (the TrueType font, or the fallback)."""
SANS = "Helvetica"
SANS_BOLD = "Helvetica-Bold"
MONO = "Courier"
MONO_BOLD = "Courier-Bold"

FONT_FILE = Path(__file__).resolve().parent / "font_files" / "wqy-microhei.ttc"
FALLBACK = "STSong-Light"

ELLIPSIS = "…"

_lock = threading.Lock()
_registered = False
_glyphs: frozenset[int] | None = None  # code points the TrueType font can print
_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def register_fonts(font_file: Path | None = None) -> None:
    """Register the Chinese font once per process (safe to call any number of times):
    the TrueType font when its file can be read, else the CID font STSong-Light."""
    global _registered, _glyphs
    if _registered:
        return
    with _lock:
        if _registered:
            return
        if CJK not in pdfmetrics.getRegisteredFontNames():
            font = _truetype(font_file or FONT_FILE)
            if font is not None:
                _glyphs = frozenset(font.face.charToGlyph)
            else:
                from reportlab.pdfbase.cidfonts import UnicodeCIDFont

                font = UnicodeCIDFont(FALLBACK)
                font.name = font.fontName = CJK
                _glyphs = None
            pdfmetrics.registerFont(font)
        _registered = True


def _truetype(path: Path):
    """The TrueType font at ``path`` (first face of the collection), or None when the file
    is missing or is not a font reportlab can read."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        return TTFont(CJK, str(path), subfontIndex=0)
    except Exception:  # missing, unreadable or damaged: fall back to the CID font
        return None


def embedded() -> bool:
    """True when Chinese is set in the embedded TrueType font (not the CID fallback)."""
    register_fonts()
    return _glyphs is not None


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
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_BEYOND_PLANE = re.compile("[\U00010000-\U0010ffff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def printable(text: str) -> str:
    """`text` as the fonts can print it: a character the Chinese font has no glyph for
    (an emoji, a rare character) becomes a box □, control characters become spaces."""
    register_fonts()
    text = _CONTROL.sub(" ", text)
    if text.isascii():
        return text
    glyphs = _glyphs
    if glyphs is None:  # the CID font is 2-byte: nothing beyond the first plane
        return _BEYOND_PLANE.sub(_BOX, text)
    return _NON_ASCII.sub(lambda m: m.group() if ord(m.group()) in glyphs else _BOX, text)


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
    """Draw `text` with its baseline at y, Chinese in the CJK font and ASCII in `latin`.

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
    formatted directly (ASCII runs in a standard font need no re-encoding; CJK runs are
    encoded by the CJK font: a TrueType font as codes of its embedded subsets, each
    subset a font resource of its own), and the blocks go on the page with
    `canvas.addLiteral` when `flush()` is called, before `showPage()`. Text lands on
    top of what the canvas drew on that page.
    """

    def __init__(self, canv) -> None:
        self._canv = canv
        self._blocks: dict[tuple, list[str]] = {}
        self._subset: dict[tuple, int] = {}

    def add(self, font: str, size: float, colour: Color | None, x: float, y: float, run: str):
        key = (font, size, None if colour is None else colour.rgb())
        ops = self._blocks.get(key)
        cjk = _cjk_font() if font == CJK else None
        truetype = cjk is not None and getattr(cjk, "_dynamicFont", False)
        if ops is None:
            red, green, blue = (0, 0, 0) if colour is None else colour.rgb()
            if truetype:
                # each subset of the embedded font is its own resource: Tf per chunk below
                ops = [f"q {red:.3f} {green:.3f} {blue:.3f} rg BT"]
                self._subset[key] = -1
            else:
                # reportlab's own name for the font resource (/F1, ...); asking for it also
                # adds the font to the document, as canvas.setFont does.
                name = self._canv._doc.getInternalFontName(font)
                ops = [f"q {red:.3f} {green:.3f} {blue:.3f} rg BT {name} {size:.2f} Tf"]
            self._blocks[key] = ops
        if truetype:
            doc = self._canv._doc
            parts = [f"1 0 0 1 {x:.2f} {y:.2f} Tm"]
            for subset, raw in cjk.splitString(run, doc):
                if subset != self._subset[key]:
                    parts.append(f"{cjk.getSubsetInternalName(subset, doc)} {size:.2f} Tf")
                    self._subset[key] = subset
                parts.append(f"({escapePDF(raw)}) Tj")
            ops.append(" ".join(parts))
            return
        if cjk is not None:
            shown = cjk.formatForPdf(run)
        else:
            shown = run.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({shown}) Tj")

    def flush(self) -> None:
        for ops in self._blocks.values():
            ops.append("ET Q")
            self._canv.addLiteral(" ".join(ops))
        self._blocks.clear()
        self._subset.clear()


def _cjk_font():
    register_fonts()
    return pdfmetrics.getFont(CJK)
