"""Which text encoding a CSV file is in, from what its bytes allow.

The files a hub is given come from Excel, WPS, Numbers and couriers' systems:

* UTF-8 with a byte-order mark (Excel's and WPS's "CSV UTF-8") or without one
  (Numbers, most systems): read as UTF-8;
* UTF-16 with a byte-order mark (Excel's "Unicode text", tab-separated), or without
  one when the zero bytes of its ASCII show which half comes first: read as UTF-16;
* GB18030 / GBK (what Chinese Excel and WPS save as plain "CSV"): read as GB18030 when
  the whole file decodes and what it decodes to is plausible Chinese, that is, its
  non-ASCII characters are nearly all in the GB2312 set of everyday characters;
* anything else (a Latin-1 file from a European Excel decodes as GB18030 too, "Müller"
  becoming "M黮ler", but to rare characters nobody writes) is refused with a sentence
  that names ``--encoding``, never guessed.

:func:`detect` does that; :func:`resolve` turns a name a person gives (``--encoding
latin-1``, ``gbk``, ``utf8``) into the codec to read with, and :func:`check` makes sure
the whole file decodes with it. Files are read in chunks, never whole.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from logistics.errors import InvalidInput
from logistics.i18n import _

#: Share of a file's non-ASCII characters that must be everyday Chinese (GB2312,
#: full-width forms) for a file that is not UTF-8 to be read as GB18030.
CHINESE_SHARE = 0.8
#: How much of the decoded text the plausibility check looks at.
SAMPLE_CHARS = 1 << 20

_CHUNK = 1 << 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# a name a person may give -> the codec that reads it (gb18030 is a superset of
# GBK and GB2312; utf-8-sig also reads UTF-8 without a byte-order mark)
_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "ansi": "gb18030",
    "gb18030": "gb18030",
    "utf16": "utf-16",
    "utf-16": "utf-16",
    "unicode": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16-le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "utf-16-be": "utf-16-be",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "l1": "cp1252",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
}


def resolve(name: str) -> str:
    """The codec for an encoding a person names; InvalidInput for an unknown name.

    ``latin-1`` reads as Windows-1252 (what a European Excel writes; the same letters
    plus € and curly quotes); a file with a byte Windows-1252 lacks is read as Latin-1.
    """
    key = name.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InvalidInput(
            _(
                "--encoding '{value}' is not an encoding: expected utf-8, gb18030, "
                "utf-16 or latin-1."
            ).format(value=name)
        )
    return info.name


def label(encoding: str) -> str:
    """The encoding's name for a sentence: UTF-8, GB18030, UTF-16, Latin-1, ..."""
    names = {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8",
        "gb18030": "GB18030",
        "utf-16": "UTF-16",
        "utf-16-le": "UTF-16",
        "utf-16-be": "UTF-16",
        "cp1252": "Latin-1",
        "latin-1": "Latin-1",
        "iso8859-1": "Latin-1",
    }
    return names.get(encoding, encoding)


def check(path: Path, encoding: str) -> str:
    """``encoding`` if the whole file decodes with it; a Latin-1 name given for a file
    Windows-1252 cannot read falls back to Latin-1; otherwise InvalidInput naming the
    line."""
    problem = _decode_all(path, encoding)
    if problem is None:
        return encoding
    if encoding == "cp1252":
        return "latin-1"  # decodes every byte
    raise InvalidInput(
        _(
            "File '{file}' line {line} is not {encoding} text: check the file's encoding "
            "(--encoding utf-8, gb18030, utf-16 or latin-1)."
        ).format(file=path.name, line=problem, encoding=label(encoding))
    )


def detect(path: Path) -> str:
    """The codec to read a CSV file with, from its bytes; InvalidInput when the bytes
    do not say (the sentence names ``--encoding``)."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return check(path, "utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return check(path, "utf-16")
    guess = _utf16_without_bom(head)
    if guess is not None and _decode_all(path, guess) is None:
        return guess
    first_bad = _decode_all(path, "utf-8")
    if first_bad is None:
        return "utf-8"
    if _decode_all(path, "gb18030") is None and _plausible_chinese(path):
        return "gb18030"
    raise InvalidInput(
        _(
            "File '{file}' is neither UTF-8 nor Chinese GB18030 text (line {line} is "
            "where it stops being UTF-8), so its encoding cannot be told: save it as "
            '"CSV UTF-8" in Excel or WPS, or name its encoding with --encoding '
            "(for example --encoding latin-1 for a file from a European Excel)."
        ).format(file=path.name, line=first_bad)
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: most of its ASCII has a zero byte beside it."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd > pairs * 0.6 and even < pairs * 0.1:
        return "utf-16-le"
    if even > pairs * 0.6 and odd < pairs * 0.1:
        return "utf-16-be"
    return None


def _decode_all(path: Path, encoding: str) -> int | None:
    """None if the whole file decodes; else the line (1-based) of the first bad byte."""
    skip = 0
    if encoding == "utf-8-sig":  # a byte-order mark would shift the error's position
        encoding, skip = "utf-8", len(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with open(path, "rb") as f:
        if skip and f.read(skip) != codecs.BOM_UTF8:
            f.seek(0)
        while True:
            chunk = f.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                if encoding.startswith("utf-16"):
                    return lines + chunk[: error.start].count(b"\n\x00") + 1
                return lines + chunk[: max(error.start, 0)].count(b"\n") + 1
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def _plausible_chinese(path: Path) -> bool:
    """Whether the file, read as GB18030, is everyday Chinese rather than chance."""
    with open(path, encoding="gb18030", errors="replace") as f:
        text = f.read(SAMPLE_CHARS)
    rare = total = 0
    for run in _NON_ASCII.findall(text):
        total += len(run)
        # GB2312 has the everyday characters (and full-width forms, CJK punctuation)
        rare += run.encode("gb2312", errors="replace").count(b"?")
    return total > 0 and (total - rare) / total >= CHINESE_SHARE
