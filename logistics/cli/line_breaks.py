"""Where a line of Chinese may break on the terminal.

rich breaks lines only at spaces, and a Chinese sentence has none: it was cut at the
last column wherever that fell, inside a station code ("GD\\n25"), a round number or a
time, and a line could start with "、" or "。". Here each Chinese character is a word
of its own, a run of Latin letters, digits and signs (GD25, R-20261202-10, 09:01,
--time-limit) stays whole, closing punctuation (、，。：）) stays with what it closes and
opening punctuation (（「) with what it opens, as Chinese typesetting does.

:func:`install` puts :func:`words` in place of rich's own splitting of a line into
words (``rich._wrap.words``, which ``divide_line`` calls for every wrapped text: help
pages, messages, table cells). Text of ASCII only is split as rich splits it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# rich's own words, but a date with its time is one: 2026-12-03 06:30 is read as one
_LATIN_WORD = re.compile(r"\s*(?:\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?!\S)|\S+)\s*")

#: Never at the end of a line: they open what follows.
OPENING = frozenset("（([「『【《〈“‘")
#: Never at the start of a line: they close what comes before.
CLOSING = frozenset("、，。：；！？）)]」』】》〉”’…%,.:;!?")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for each word of ``text``, a word carrying the spaces after
    it (and any at the very start), as rich's splitting does. In Chinese text a number
    keeps its unit ("35 km/h", "0 天", "2,605 件") and a short run of Latin words stays
    on one line ("`hub plan --date 明天`" breaks only where the run passes ``KEEP``)."""
    if text.isascii():
        for match in _LATIN_WORD.finditer(text):
            yield match.start(), match.end(), match.group(0)
        return
    pieces = _short_runs(text, list(_pieces(text)))
    k = 0
    while k < len(pieces):
        start, end = pieces[k]
        while k + 1 < len(pieces) and _keep_together(text, start, end, pieces[k + 1][1]):
            k += 1
            end = pieces[k][1]
        yield start, end, text[start:end]
        k += 1


#: The widest run of Latin words (with a number's unit) kept on one line, in cells.
KEEP = 20
_NUMBER = re.compile(r"[-+]?[0-9][0-9,.:/%]*")


def _keep_together(text: str, start: int, end: int, after: int) -> bool:
    """Whether the word text[start:end], ending in a space, keeps the next one (which
    ends at ``after``) on its line: a number its unit, a Latin word the next Latin word,
    while the run stays within ``KEEP`` cells."""
    head = text[start:end]
    if not head[-1:].isspace() or after - start > KEEP:
        return False
    core, following = head.strip().lstrip("".join(OPENING)), text[end]
    if not core or any(_wide(ch) for ch in core):
        return False
    if _wide(following):
        return bool(_NUMBER.fullmatch(core)) and following not in CLOSING
    return True


#: A run of up to this many Chinese characters stays on one line: a word such as 服务站,
#: 快递公司, 已进港 or 青海 is read as one, and broken it reads as two.
SHORT_RUN = 4


def _short_runs(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces, with each run of at most :data:`SHORT_RUN` Chinese characters (between
    punctuation, spaces or Latin signs) made one piece."""
    merged: list[tuple[int, int]] = []
    k = 0
    while k < len(pieces):
        j = k
        while (
            j + 1 < len(pieces)
            and _bare_character(text, *pieces[j])
            and _starts_character(text, pieces[j + 1][0])
        ):
            j += 1
        if 0 < j - k < SHORT_RUN:
            merged.append((pieces[k][0], pieces[j][1]))
        else:
            merged.extend(pieces[k : j + 1])
        k = j + 1
    return merged


def _bare_character(text: str, start: int, end: int) -> bool:
    """The piece ends in a Chinese character with nothing after it (no mark, no space)."""
    last = text[end - 1]
    return _wide(last) and last not in CLOSING and last not in OPENING


def _starts_character(text: str, start: int) -> bool:
    first = text[start]
    return _wide(first) and first not in CLOSING and first not in OPENING


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """Each Chinese character and each run of other signs, with their punctuation and
    the spaces after them: the places a line may break."""
    n = len(text)
    i = 0
    while i < n:
        start = i
        while i < n and text[i].isspace():
            i += 1
        while i < n and text[i] in OPENING:
            i += 1
        if i < n and _wide(text[i]):
            i += 1  # one Chinese character (or a closing mark at the start of a text)
        else:
            while i < n and not text[i].isspace() and not _wide(text[i]):
                i += 1
        while i < n and text[i] in CLOSING:
            i += 1
        while i < n and text[i].isspace():
            i += 1
        if i == start:  # cannot happen, but never loop forever on a line
            i += 1
        yield start, i


def least_cells(text: str) -> int:
    """The narrowest ``text`` wraps to: its widest word (a code, figure or time stays
    whole, a Chinese character is a word of its own)."""
    from rich.cells import cell_len

    return max(
        (cell_len(word.strip()) for line in text.splitlines() for *_, word in words(line)),
        default=0,
    )


def install() -> None:
    """Make rich wrap lines with :func:`words` (harmless again), and measure text by
    them: a table squeezing its columns to fit the terminal thought "岭上村服务站" could not
    get narrower than twelve cells, and cut the table at the edge instead."""
    from rich import _wrap
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.text import Text

    if hasattr(_wrap, "words"):
        _wrap.words = words

    def measure(self: Text, console, options) -> Measurement:
        widest = max((cell_len(line) for line in self.plain.splitlines()), default=0)
        return Measurement(least_cells(self.plain) or widest, widest)

    Text.__rich_measure__ = measure  # type: ignore[method-assign]
