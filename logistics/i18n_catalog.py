"""Keep the hub's message catalog in step with the code (a developer's tool; needs Babel).

    python -m logistics.i18n_catalog update     # extract, merge into zh, compile
    python -m logistics.i18n_catalog check      # what CI checks: exit 1 when out of date
    python -m logistics.i18n_catalog merge FILE.json   # add translations {english: chinese}
    python -m logistics.i18n_catalog missing FILE.py ... [--json FILE.json]   # still to translate

The template ``logistics/locale/hub.pot`` holds every sentence the code shows (see
:mod:`logistics.i18n_extract`), sorted and without line numbers so that moving code
does not change it. ``logistics/locale/zh/LC_MESSAGES/hub.po`` holds the Chinese, and
``hub.mo`` next to it is what the installed package reads.
"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from logistics import __version__
from logistics.i18n import DOMAIN, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
_FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def extracted() -> Catalog:
    """A fresh template from the code, as ``update`` writes it."""
    method_map = []
    options_map = {}
    section = None
    for raw in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            method, pattern = line[1:-1].rsplit(": ", 1)
            method_map.append((pattern, method))
            section = pattern
            options_map[section] = {}
        elif "=" in line and section is not None:
            key, value = (part.strip() for part in line.split("=", 1))
            options_map[section][key] = value
    template = Catalog(project="hub", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for _filename, _line, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        template.add(message, None, [], auto_comments=comments, context=context)
    return template


def _render(catalog: Catalog, *, sort: bool = True) -> bytes:
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        omit_header=True,
        no_location=True,
        sort_output=sort,
        width=0,
    )
    return out.getvalue()


def _read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def placeholders(text: str) -> list[str]:
    """The named placeholders of a sentence (a translation may use one twice)."""
    return sorted(set(_PLACEHOLDER.findall(text)))


def problems() -> list[str]:
    """Why the catalog is not in step with the code (empty when it is)."""
    found: list[str] = []
    fresh = extracted()
    if not TEMPLATE.exists() or TEMPLATE.read_bytes() != _render(fresh):
        found.append(f"{TEMPLATE.name} differs from the code: run python -m {__spec__.name} update")
    if not PO.exists():
        return [*found, f"{PO} is missing"]
    po = _read(PO, "zh")
    for message in fresh:
        if not message.id:
            continue
        translated = po.get(message.id)
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = translated.string if translated is not None else ""
        empty = not all(strings) if isinstance(strings, tuple) else not strings
        if translated is None or empty or translated.fuzzy:
            found.append(f"no Chinese for: {key!r}")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        want = placeholders(ids[-1])
        for string in strings:
            if string and placeholders(string) != want:
                found.append(
                    f"placeholders differ in {key!r}: {want} in English, "
                    f"{placeholders(string)} in Chinese"
                )
    if not MO.exists() or MO.read_bytes() != _compiled(po):
        found.append(
            f"{MO.name} is not compiled from {PO.name}: run python -m {__spec__.name} update"
        )
    return found


def _compiled(po: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, po, use_fuzzy=False)
    return out.getvalue()


def update(translations: dict[str, str] | None = None) -> int:
    """Write the template, merge it into the Chinese catalog, compile; returns untranslated."""
    import fcntl

    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCALE_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _update(translations)


def _update(translations: dict[str, str] | None) -> int:
    fresh = extracted()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_render(fresh))
    PO.parent.mkdir(parents=True, exist_ok=True)
    if PO.exists():
        po = _read(PO, "zh")
        po.update(fresh, no_fuzzy_matching=True)
        po.obsolete.clear()
    else:
        po = Catalog(locale="zh", domain=DOMAIN, project="hub", charset="utf-8")
        po.update(fresh, no_fuzzy_matching=True)
    plurals = {m.id[0]: m for m in po if isinstance(m.id, tuple)}
    for key, chinese in (translations or {}).items():
        message = po.get(key) or plurals.get(key)
        if message is None or not chinese:
            continue
        if isinstance(message.id, tuple):
            # Chinese has one form for every count
            message.string = (chinese,) * po.num_plurals
        else:
            message.string = chinese
        message.flags.discard("fuzzy")
    po.header_comment = "# Chinese (zh) translations of hub's messages."
    # a fixed header, so that the file changes only when a sentence does
    po.fuzzy = False
    po.version = __version__
    po.creation_date = po.revision_date = _FIXED_DATE
    po.msgid_bugs_address = ""
    po.last_translator = "hub developers"
    po.language_team = "hub developers"
    out = io.BytesIO()
    write_po(out, po, no_location=True, sort_output=True, width=0)
    PO.write_bytes(out.getvalue())
    MO.write_bytes(_compiled(po))
    return sum(1 for m in po if m.id and not m.string)


def _missing(args: list[str]) -> int:
    """``missing FILE.py ... [--json TRANSLATIONS.json]``: sentences of those files that
    neither the catalog nor the JSON file translates yet, one JSON string per line."""
    from logistics.i18n_extract import messages

    known: dict[str, str] = {}
    if "--json" in args:
        at = args.index("--json")
        path = Path(args[at + 1])
        if path.exists():
            known = json.loads(path.read_text(encoding="utf-8"))
        args = args[:at] + args[at + 2 :]
    po = _read(PO, "zh") if PO.exists() else Catalog(locale="zh")
    seen = set()
    for name in args:
        path = Path(name).resolve()
        cli = "/logistics/cli/" in path.as_posix()
        for _line, _function, message in messages(path.read_text(encoding="utf-8"), cli=cli):
            for text in message if isinstance(message, tuple) else (message,):
                entry = po.get(message if isinstance(message, str) else message)
                done = entry is not None and (
                    all(entry.string) if isinstance(entry.string, tuple) else entry.string
                )
                if text in seen or text in known or done:
                    continue
                seen.add(text)
                print(json.dumps(text, ensure_ascii=False))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        found = problems()
        for line in found[:50]:
            print(line)
        if len(found) > 50:
            print(f"... and {len(found) - 50} more")
        return 1 if found else 0
    if argv[:1] == ["update"]:
        missing = update()
        print(f"catalog updated; {missing} messages without Chinese")
        return 0
    if argv[:1] == ["missing"] and len(argv) >= 2:
        return _missing(argv[1:])
    if argv[:1] == ["merge"] and len(argv) >= 2:
        merged: dict[str, str] = {}
        for name in argv[1:]:
            merged.update(json.loads(Path(name).read_text(encoding="utf-8")))
        missing = update(merged)
        print(f"merged {len(merged)} translations; {missing} messages without Chinese")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
