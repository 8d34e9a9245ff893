"""Which language a `hub` command speaks, and the words Typer and click print themselves.

The language is chosen before the command is parsed, because help pages and usage
errors are written while parsing: ``--lang zh|en`` anywhere on the command line, else
``HUB_LANG``, else the hub's own setting in the database, else the locale, else
English (:func:`logistics.i18n.choose`).

Typer vendors click and prints a few words of its own ("Usage:", "Options",
"No such option", "Did you mean"); they are in our catalog and put in place here:
help texts by walking the built command tree, the framework's words by setting its
module-level titles and translating its error sentences by their English form.
"""

from __future__ import annotations

import copy
import importlib.abc
import importlib.machinery
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from logistics import i18n
from logistics.cli.help_text import flowing
from logistics.i18n import N_, _

LANG_HELP = N_("Language of everything shown: zh (中文) or en (English).")
_WRONG_LANGUAGE = N_("'{value}' is not a language: expected zh or en.")


def split_language(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """The ``--lang`` value given anywhere on the command line, and the other arguments."""
    chosen: str | None = None
    rest: list[str] = []
    items = list(args)
    index = 0
    while index < len(items):
        item = items[index]
        if item == "--":
            rest.extend(items[index:])
            break
        if item == "--lang" and index + 1 < len(items):
            chosen = items[index + 1]
            index += 2
            continue
        if item.startswith("--lang="):
            chosen = item.split("=", 1)[1]
            index += 1
            continue
        rest.append(item)
        index += 1
    return chosen, rest


def _option(args: Sequence[str], name: str, variable: str) -> str | None:
    """The value of `hub`'s own option ``name`` (`--db x` or `--db=x`), else the
    environment ``variable``: read before Typer parses the command line."""
    for index, item in enumerate(args):
        if item == name and index + 1 < len(args):
            return args[index + 1]
        if item.startswith(f"{name}="):
            return item.split("=", 1)[1]
    return os.environ.get(variable)


def _db_option(args: Sequence[str]) -> str | None:
    return _option(args, "--db", "HUB_DATABASE_URL")


def _hub_option(args: Sequence[str]) -> str | None:
    return _option(args, "--hub", "HUB_HUB")


def hub_setting(db_option: str | None, hub_code: str | None = None) -> str | None:
    """The language the hub keeps (``hub init --lang``), read without waiting: the hub
    coded ``hub_code`` when the database holds several, else the first that has one.

    A SQLite file is read read-only; a PostgreSQL server is asked with a two-second
    connection timeout. Anything that goes wrong reads as "no setting": the command
    itself then says what is wrong with the database, in the language chosen so far."""
    target = db_option or "hub.db"
    if target.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return _postgresql_setting(target, hub_code)
    if "://" in target:
        if not target.startswith("sqlite:///"):
            return None
        target = target[len("sqlite:///") :]
    path = Path(target).expanduser()
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        try:
            row = connection.execute(_SETTING, _setting_args(hub_code)).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


# the chosen hub's own language (none set: none); without a choice, the first hub's
# that has one (a county's hubs keep one language)
_SETTING = (
    "SELECT language FROM hub WHERE CASE WHEN ? = '' THEN language IS NOT NULL "
    "ELSE upper(code) = upper(?) END ORDER BY id LIMIT 1"
)


def _setting_args(hub_code: str | None) -> tuple[str, str]:
    return (hub_code or "", hub_code or "")


def _postgresql_setting(url: str, hub_code: str | None) -> str | None:
    try:
        import psycopg

        conninfo = "postgresql://" + url.split("://", 1)[1]
        with psycopg.connect(conninfo, connect_timeout=2) as connection:
            row = connection.execute(
                _SETTING.replace("?", "%s"), _setting_args(hub_code)
            ).fetchone()
    except Exception:  # noqa: BLE001  (no setting; the command reports the database itself)
        return None
    return row[0] if row else None


_given: list[str | None] = [None]


def given_option() -> str | None:
    """The ``--lang`` typed on this command line (``hub init --lang zh`` keeps it)."""
    return _given[0]


def choose_for(args: Sequence[str]) -> list[str]:
    """Pick the language for this command line; returns the arguments without ``--lang``."""
    option, rest = split_language(args)
    _given[0] = option
    if option is not None and i18n.normalise(option) is None:
        i18n.use(i18n.choose(None, hub_setting(_db_option(rest), _hub_option(rest))))
        from logistics.errors import InvalidInput

        raise InvalidInput(_(_WRONG_LANGUAGE).format(value=option))
    needs_hub = option is None and not os.environ.get("HUB_LANG")
    setting = hub_setting(_db_option(rest), _hub_option(rest)) if needs_hub else None
    i18n.use(i18n.choose(option, setting))
    _put_framework_words()
    return rest


# ------------------------------------------------------------------ the command tree


# What a value is, in an operator's words rather than Python's (``<str>``, ``<float>``);
# None shows nothing: the help beside the option says what text to type.
_VALUE_WORDS = {
    "str": None,
    "list[str]": None,
    "Path": N_("FILE"),
    "list[Path]": N_("FILE"),
    "int": N_("N"),
    "float": N_("NUMBER"),
}


# The values the commands name themselves (metavar="D"), in the reader's language.
_NAMED_VALUES = {
    "D": N_("DATE"),
    "S": N_("SECONDS"),
    "KM": N_("KM"),
    "ID": N_("ID"),
    "C": N_("COURIER"),
    "CODE": N_("CODE"),
    "FILE": N_("FILE"),
    "FOLDER": N_("FOLDER"),
}


def _plain_value(param) -> None:
    """An argument shows as ROUND_REF, and a value as DATE, FILE, N or NUMBER (日期,
    文件, 整数, 数字), not as a programmer's type."""
    if param.param_type_name == "argument" and not param.metavar:
        param.metavar = param.name.upper()
    if param.metavar in _NAMED_VALUES:
        param.metavar = _(_NAMED_VALUES[param.metavar])
    bare = getattr(param, "bare_type", None)
    if param.metavar and param.param_type_name == "option" or bare is None:
        return
    kind = bare()
    if kind not in _VALUE_WORDS:
        return
    word = _VALUE_WORDS[kind]
    if param.param_type_name == "argument" and kind in ("Path", "list[Path]"):
        word = None  # the argument's own name (FILE, OUT) says it
    param.display_type_rich = lambda ctx: _(word) if word else None


def localise(command, lang_option=None) -> None:
    """Translate a built click command tree in place: help pages, option help, panels.

    Every command gets the root's ``--lang`` option, so each help page lists it."""
    if command.help:
        command.help = flowing(command.help)
    if command.short_help:
        command.short_help = _(command.short_help)
    if getattr(command, "epilog", None):
        command.epilog = _(command.epilog)
    own = next((p for p in command.params if "--lang" in getattr(p, "opts", ())), None)
    for param in command.params:
        if getattr(param, "is_flag", False) and not getattr(param, "metavar", None):
            param.metavar = ""  # a flag takes no value: "--json <bool>" misled people
        if not getattr(param, "is_flag", False):
            _plain_value(param)
        if getattr(param, "help", None):
            param.help = _(param.help)
        if isinstance(getattr(param, "show_default", None), str):
            param.show_default = _(param.show_default)
        panel = getattr(param, "rich_help_panel", None)
        if panel:
            param.rich_help_panel = _(panel)
    if own is None and lang_option is not None:
        listed = copy.copy(lang_option)
        listed.expose_value = False  # the command's function takes no such parameter
        command.params.append(listed)
    panel = getattr(command, "rich_help_panel", None)
    if panel:
        command.rich_help_panel = _(panel)
    for sub in getattr(command, "commands", {}).values():
        localise(sub, own or lang_option)


# ------------------------------------------------------------- the framework's words

_FRAMEWORK_TITLES = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}

#: The words of click's usage line, said in the chosen language.
_USAGE_PARTS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))

# click's error sentences by their English form, and the catalog sentence for each.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
        (r"Missing command\.", N_("Missing command: which one? `hub --help` lists them.")),
        (r"Did you mean (?P<names>.+)\?", N_("Did you mean {names}?")),
        (r"\(Possible options: (?P<names>.+)\)", N_("(Possible options: {names})")),
        (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
        (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
        (r"Missing parameter: (?P<name>.+)", N_("Missing parameter: {name}")),
        (
            r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
            N_("Got unexpected extra arguments ({args})"),
        ),
        (r"Option (?P<name>'\S+') requires an argument\.", N_("Option {name} needs a value.")),
        (
            r"Option (?P<name>'\S+') requires (?P<n>\d+) arguments\.",
            N_("Option {name} needs {n} values."),
        ),
        (
            r"Option (?P<name>'\S+') does not take a value\.",
            N_("Option {name} does not take a value."),
        ),
        (
            r"Invalid value for (?P<name>[^:]+): (?P<reason>.+)",
            N_("Invalid value for {name}: {reason}"),
        ),
        (r"Invalid value: (?P<reason>.+)", N_("Invalid value: {reason}")),
        (
            r"Input should be greater than or equal to (?P<n>\S+?)\.?",
            N_("expected {n} or more."),
        ),
        (r"Input should be a valid integer(?:, .*)?", N_("expected a whole number.")),
        (r"Input should be a valid number(?:, .*)?", N_("expected a number.")),
        (r"Input should be a valid boolean(?:, .*)?", N_("expected yes or no.")),
        (r"(?P<value>'.*') is not a valid integer\.", N_("{value} is not a whole number.")),
        (r"(?P<value>'.*') is not a valid float\.", N_("{value} is not a number.")),
        (
            r"(?P<value>'.*') is not one of (?P<choices>.+)\.",
            N_("{value} is not one of {choices}."),
        ),
        (r"(?P<value>'.*') is not a valid boolean\.", N_("{value} is not yes or no.")),
        (r"(?P<value>'.*') is not a valid UUID\.", N_("{value} is not a valid UUID.")),
    )
)


def translate_framework_sentence(text: str) -> str:
    """A click/Typer error sentence in the chosen language, part by part."""
    if not i18n.is_chinese():
        return text
    whole = _translate_part(text)  # a sentence with its own brackets, e.g. extra words
    if whole != text:
        return whole
    parts = re.split(r"(?<=[.?)])\s+|\s+(?=\()", text)
    said = ""
    for part in map(_translate_part, parts):
        # Chinese puts no space beside its own full stop, question mark or brackets.
        joined = not said or said.endswith(("。", "？", "）", "：")) or part.startswith("（")
        said += part if joined else " " + part
    return said


def _translate_part(part: str) -> str:
    for pattern, message in _ERRORS:
        found = pattern.fullmatch(part)
        if found:
            values = {
                key: translate_framework_sentence(value) if key == "reason" else _quoted(value)
                for key, value in found.groupdict().items()
            }
            if "names" in values:  # click joins them with ", "
                values["names"] = i18n.listing(_quoted(n) for n in found["names"].split(", "))
            return _(message).format(**values)
    return part


def _quoted(value: str) -> str:
    """click's 'name' in Chinese quotation marks: “name”."""
    if len(value) > 1 and value[0] == value[-1] == "'":
        return f"“{value[1:-1]}”"
    return value


_patched = False
_RICH_UTILS = "typer.rich_utils"


def _put_framework_words() -> None:
    """Put our words into Typer and click. Typer's help renderer (rich_utils, 55 ms of
    imports) is loaded only for a help page or a usage error, so its words are set when
    Typer loads it, never on the path of a plain `hub scan`."""
    global _patched
    if _RICH_UTILS in sys.modules:
        _set_titles(sys.modules[_RICH_UTILS])
    if _patched:
        return
    _patched = True
    sys.meta_path.insert(0, _RichUtilsHook())
    from typer._click import core as click_core
    from typer._click import formatting

    write_usage = formatting.HelpFormatter.write_usage

    def translated_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for part in _USAGE_PARTS:
            args = args.replace(part, _(part))
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = translated_usage

    get_help_option = click_core.Command.get_help_option

    def translated_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
            option.metavar = ""
        return option

    click_core.Command.get_help_option = translated_help_option


def _set_titles(rich_utils) -> None:
    for name, message in _FRAMEWORK_TITLES.items():
        setattr(rich_utils, name, _(message))
    if getattr(rich_utils.rich_format_error, "_hub", False):
        return
    format_error = rich_utils.rich_format_error

    def translated_error(error) -> None:
        error.message = translate_framework_sentence(error.message)
        format_message = error.format_message
        purpose = _missing_argument_purpose(error)

        def translated_format_message() -> str:
            said = translate_framework_sentence(format_message())
            joint = "" if i18n.is_chinese() else " "
            return f"{said}{joint}{purpose}" if purpose else said

        error.format_message = translated_format_message
        return format_error(error)

    translated_error._hub = True
    rich_utils.rich_format_error = translated_error
    _keep_example_indents(rich_utils)
    _fold_long_words(rich_utils)


def _missing_argument_purpose(error) -> str:
    """What a missing argument is for (its help, already in the chosen language), so the
    operator need not open the help page to learn what to type: click names only
    ``'ACTION'``."""
    from typer._click.exceptions import MissingParameter

    if not isinstance(error, MissingParameter):
        return ""
    help_text = getattr(error.param, "help", None) or ""
    return " ".join(help_text.split())


def _keep_example_indents(rich_utils) -> None:
    """Typer dedents the help below the first line with ``inspect.cleandoc``, which takes
    the first line as exempt: when that is "Examples:", the examples under it lose their
    indent. A blank first line makes every line count, so a margin is only removed when
    every line has it."""
    make_rich_text = rich_utils._make_rich_text

    def indented(*, text: str, **options):
        return make_rich_text(text="\n" + text, **options)

    rich_utils._make_rich_text = indented


def _fold_long_words(rich_utils) -> None:
    """A Chinese sentence has no spaces to wrap at, so a cell of the options or commands
    table, too narrow for it at 80 columns, cut it with "…" and the rest of the help was
    lost; folding breaks it between characters instead, as Chinese is written."""
    make_rich_text = rich_utils._make_rich_text

    def folded(**options):
        text = make_rich_text(**options)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    rich_utils._make_rich_text = folded


class _RichUtilsHook(importlib.abc.MetaPathFinder):
    """Sets our titles on typer.rich_utils right after Typer imports it."""

    def find_spec(self, fullname, path, target=None):
        if fullname != _RICH_UTILS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        load = spec.loader.exec_module

        def exec_module(module) -> None:
            load(module)
            _set_titles(module)

        spec.loader.exec_module = exec_module
        return spec
