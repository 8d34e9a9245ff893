"""`hub plan --replan`: plan again in the same process, as often as the dispatcher asks."""

from __future__ import annotations

import contextlib
import shlex
import sys
import unicodedata

from typer import Context, Exit

from logistics.cli.language import translate_framework_sentence
from logistics.cli.output import console, error, warn
from logistics.errors import DatabaseNotReady, HubError
from logistics.i18n import _

#: Words that end `--replan`, besides the end of input.
REPLAN_STOP = ("q", "quit", "exit", "退出", "结束")

#: What a typed line may not change: how the plan is shown and the language are chosen
#: when `hub` starts.
NOT_AT_THE_QUESTION = ("--json", "--lang")

#: Words left out of a typed line: the question is already re-planning (the whole
#: command line typed again, `hub plan --replan --vans VAN2`, brings it).
ALREADY_SO = ("--replan",)

#: Options that write something once (the web map): used for the line they are typed
#: on, not kept for the next plans (Enter would refuse the map file written just now).
ONCE = ("map_file", "map_tiles", "force")

#: What a dispatcher may type again before the options: the whole command line.
COMMAND_AGAIN = (("hub", "plan"), ("plan",))


def replan_until_done(ctx: Context, *, plan_first: bool = False) -> None:
    """Ask what to change and plan again in this same process, until q: a dispatcher
    re-planning at the dock waits for the search, not for `hub` to start again (its
    libraries alone take most of a second to load on a small hub computer).

    Options typed are added to the command line's (a later one wins) and kept for the
    next plans, which the question shows; an empty line plans again as before. A wrong
    option or value is said and asked again, and Ctrl-C during a plan comes back to the
    question: the plan last shown is the one stored. A line is read in NFKC, as a Chinese
    input method types it too (full-width letters, digits, commas and spaces as ASCII), and
    the command typed again before the options (`hub plan --vans VAN1`) is left out, with
    a --replan on it; words and no option (`VAN1`) are said to be typed as options.

    ``plan_first``: make the command line's plan first; a mistake in it (an unknown van)
    is said and the question asked, so the dispatcher can type what was meant."""
    from logistics.cli.main import is_cli_framework

    _line_editing()
    defaults = {option.name: option.default for option in ctx.command.params}
    params = {**ctx.params, "replan": False}
    drew_map = params.get("map_file")  # the map the plan last shown drew, if any
    if plan_first:
        try:
            ctx.invoke(ctx.command.callback, **params)
        except DatabaseNotReady:
            raise  # no answer at the question can make the database
        except HubError as problem:
            error(str(problem))
            drew_map = None
    # the map options are for the line they are typed on (the file exists now)
    params = {**params, **{name: defaults[name] for name in ONCE}}
    while True:
        shown = _in_effect(ctx, params)
        if shown:
            console.print(_("Options now: {options}").format(options=shown), highlight=False)
        try:
            line = console.input(
                _("Change (e.g. --vans VAN1,VAN3), Enter to plan again, q to stop: ")
            )
        except EOFError:
            console.print()
            return
        except KeyboardInterrupt:
            console.print()
            error(_("Stopped; the plan shown last is the one stored."), style="yellow")
            raise Exit(130) from None
        line = unicodedata.normalize("NFKC", line)
        if line.strip().lower() in REPLAN_STOP:
            return
        try:
            typed = [
                word for word in _without_the_command(shlex.split(line)) if word not in ALREADY_SO
            ]
            refused = [word for word in typed if word.split("=")[0] in NOT_AT_THE_QUESTION]
            if refused:
                error(
                    _("{option} is chosen when hub starts, not at this question.").format(
                        option=refused[0].split("=")[0]
                    )
                )
                continue
            if typed and not any(word.startswith("-") for word in typed):
                error(_("Type options as on the command line, e.g. --vans VAN1."))
                continue
            attempt = {**params, **_typed_options(ctx, typed)}
            ctx.invoke(ctx.command.callback, **attempt)
        except ValueError:  # shlex: a quotation mark or a backslash left open
            error(
                _("The quotation marks or backslashes on that line do not pair up; type it again.")
            )
            continue
        except HubError as problem:
            error(str(problem))
            continue
        except KeyboardInterrupt:
            console.print()
            error(_("Interrupted; the plan shown before stays stored."), style="yellow")
            continue
        except Exception as problem:  # noqa: BLE001  (a usage error: said, then asked again)
            if not is_cli_framework(problem):
                raise
            if hasattr(problem, "format_message"):
                error(translate_framework_sentence(problem.format_message()))
            continue  # --help typed: the page was shown
        if drew_map is not None and attempt.get("map_file") is None:
            warn(
                _(
                    "The map {file} shows the plan before this one: add --map again to draw "
                    "this one."
                ).format(file=drew_map)
            )
        drew_map = attempt.get("map_file")
        params = {**attempt, **{name: defaults[name] for name in ONCE}}


def _without_the_command(typed: list[str]) -> list[str]:
    """The words typed at the question without `hub plan` (or `plan`) before them: the
    whole command typed again is read as its options."""
    for command in COMMAND_AGAIN:
        if tuple(word.lower() for word in typed[: len(command)]) == command:
            return typed[len(command) :]
    return typed


def _typed_options(ctx: Context, typed: list[str]) -> dict:
    """The options on a line typed at `--replan`'s question, parsed as the command's own
    (so they are checked alike), without the ones left at their defaults."""
    parsed = ctx.command.make_context(ctx.info_name, typed, parent=ctx.parent)
    return {
        name: value
        for name, value in parsed.params.items()
        if parsed.get_parameter_source(name).name == "COMMANDLINE"
    }


def _in_effect(ctx: Context, params: dict) -> str:
    """The options the next plan uses that are not the command's defaults, as typed (a
    value in quotes only when it has a space: `--vans VAN1、VAN4`, `--vans 'VAN1 VAN4'`)."""
    shown = []
    for option in ctx.command.params:
        name = option.name
        if name in ONCE or name in ("replan", "as_json") or name not in params:
            continue
        value = params[name]
        if value is None or value == option.default or value is False:
            continue
        text = str(value)
        if not text or any(character.isspace() for character in text):
            text = shlex.quote(text)
        shown.append(f"{option.opts[0]} {text}")
    return " ".join(shown)


def _line_editing() -> None:
    """Arrow keys, and Up for the line typed before, at the question (where the system
    has GNU readline; input() uses it once it is loaded)."""
    if not sys.stdin.isatty():  # answers from a file or a pipe: nothing to edit
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
