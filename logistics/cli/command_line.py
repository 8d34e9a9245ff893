"""What a `hub` command line names, read before any library is imported.

Both the CLI (to build only the command typed) and the standby hand-over (which must
not send `hub standby ...` to the standby process itself) ask it, so it imports
nothing beyond Python.
"""

from __future__ import annotations

#: Options of `hub` itself that take a value: the word after them is not a command.
ROOT_VALUE_OPTIONS = ("--db", "--operator", "--hub", "--lang")


def command_word(args: list[str]) -> str | None:
    """The command a command line names (`plan` in `hub --hub GAODU plan --date today`),
    or None when it names none or asks for `hub`'s own help or version."""
    after_option = False
    for item in args:
        if after_option:
            after_option = False
        elif item in ROOT_VALUE_OPTIONS:
            after_option = True
        elif item in ("-h", "--help", "--version"):
            return None
        elif not item.startswith("-"):
            return item
    return None
