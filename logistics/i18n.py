"""The two languages the hub speaks: Chinese (zh) and English (en).

Every sentence a person reads is written in English in the code, wrapped in ``_()``
(or ``ngettext`` for counts, ``N_`` for text translated later where it is shown), and
translated from the gettext catalog ``logistics/locale/zh/LC_MESSAGES/hub.mo`` when
Chinese is chosen. The catalogs are managed with Babel (see ``docs/translating.md``).

Which language: ``--lang zh|en`` on any command, else ``HUB_LANG``, else the hub's own
setting (``hub init --lang zh``, kept in the database), else the locale (``zh_*``
gives Chinese), else English. :func:`choose` applies that order; :func:`use` switches.

Loading a catalog is lazy (the first translated sentence reads the .mo file), so
``hub scan`` pays nothing for it until it speaks.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "hub"
LANGUAGES = ("zh", "en")
DEFAULT = "en"

_language = DEFAULT
_catalog: _gettext.NullTranslations | None = None


def normalise(text: str | None) -> str | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans``, ``中文`` -> ``zh``; ``en_US`` -> ``en``; else None."""
    if not text:
        return None
    key = text.strip().lower().replace("-", "_")
    if key in ("中文", "汉语", "chinese", "cn") or key.startswith("zh"):
        return "zh"
    if key in ("english", "英文", "英语") or key.startswith("en") or key in ("c", "posix"):
        return "en"
    return None


def from_locale(environ: dict[str, str] | os._Environ = os.environ) -> str | None:
    """The language the process locale asks for (LC_ALL, LC_MESSAGES, LANG), if zh or en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return normalise(value.split(".")[0])
    return None


def choose(option: str | None = None, hub_setting: str | None = None) -> str:
    """The language by the documented order: option, HUB_LANG, the hub's setting, locale."""
    for candidate in (option, os.environ.get("HUB_LANG"), hub_setting):
        chosen = normalise(candidate)
        if chosen:
            return chosen
    return from_locale() or DEFAULT


def use(language: str) -> None:
    """Speak ``language`` (zh or en) from now on in this process."""
    global _language, _catalog
    chosen = normalise(language) or DEFAULT
    if chosen != _language:
        _language = chosen
        _catalog = None


def language() -> str:
    return _language


def _translations() -> _gettext.NullTranslations:
    global _catalog
    if _catalog is None:
        if _language == DEFAULT:
            _catalog = _gettext.NullTranslations()
        else:
            _catalog = _gettext.translation(
                DOMAIN, LOCALE_DIR, languages=[_language], fallback=True
            )
    return _catalog


def _(message: str) -> str:
    """``message`` in the chosen language (English text is the catalog key)."""
    if _language == DEFAULT or not message:
        return message
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural sentence for ``n``, in the chosen language."""
    if _language == DEFAULT:
        return singular if n == 1 else plural
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog; it is translated with ``_()`` where it is shown."""
    return message


def is_chinese() -> bool:
    return _language == "zh"


def listing(items) -> str:
    """Names in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return ("、" if is_chinese() else ", ").join(str(item) for item in items)
