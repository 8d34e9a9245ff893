"""The `hub` command: root options, command discovery and the one place errors are shown.

Each module in logistics/cli/commands/ brings a command group (`app`, `NAME`) and/or
top-level commands (`register(root)`); `ORDER` sorts them in --help. Command modules
import heavy services inside their functions, so `hub scan` starts fast.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import sys
from typing import Annotated

import typer
from rich.markup import escape
from typer.core import TyperGroup

from logistics import __version__
from logistics.cli import commands
from logistics.cli.command_line import command_word
from logistics.cli.context import HubContext
from logistics.cli.help_text import flowing
from logistics.cli.language import LANG_HELP
from logistics.cli.output import err_console, error
from logistics.errors import HubError, os_reason
from logistics.i18n import _

#: The largest whole number either database stores (a BIGINT; SQLite's INTEGER).
DATABASE_INT_MAX = 2**63 - 1


class HubGroup(TyperGroup):
    """Turns every error into one red sentence and an exit code, never a traceback."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_whole_numbers(self)

    def main(self, args=None, *rest, **options):
        # The language is chosen before parsing: help pages and usage errors are
        # written while the command line is read.
        from logistics.cli.language import choose_for, localise

        try:
            args = choose_for(sys.argv[1:] if args is None else args)
        except HubError as error:
            err_console.print(f"[red]{escape(str(error))}[/red]")
            sys.exit(2)
        localise(self)
        return super().main(args, *rest, **options)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HubError as problem:
            error(_said(str(problem)))
            raise typer.Exit(problem.exit_code) from None
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`hub parcel list --csv | head`): stop as other
            # tools do, without a word, and keep Python's exit flush from raising again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            sentence = _(
                "Interrupted; what was done before is kept, what was under way is not saved."
            )
            error(sentence, style="yellow")
            raise typer.Exit(130) from None
        except Exception as unexpected:  # noqa: BLE001  (the last line of defence)
            if is_cli_framework(unexpected):  # usage errors and the like: Typer reports them
                raise
            sentence = _sentence_for(unexpected, ctx)
            if os.environ.get("HUB_DEBUG"):
                raise
            error(_said(sentence))
            raise typer.Exit(1) from None


def _said(sentence: str) -> str:
    """An error sentence as shown: a database URL in it without its password (the
    consoles show any control character in it as an escape)."""
    from logistics.domain.privacy import hide_password

    return hide_password(sentence)


def _bound_whole_numbers(group) -> None:
    """Every whole-number option and argument of every command refuses a number the
    database cannot hold, with a sentence naming the option (``--limit``), instead of
    an unexpected overflow from the database later."""
    for command in getattr(group, "commands", {}).values():
        for param in getattr(command, "params", ()):
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is not None and descriptor.annotation is int:
                param.callback = _within_database(param.callback)
        _bound_whole_numbers(command)


def _within_database(callback):
    def check(ctx, param, value):
        if isinstance(value, int) and not -DATABASE_INT_MAX <= value <= DATABASE_INT_MAX:
            raise typer.BadParameter(
                _("{value} is more than the hub can count: at most {limit}.").format(
                    value=f"{value:,}", limit=f"{DATABASE_INT_MAX:,}"
                ),
                ctx=ctx,
                param=param,
            )
        return value if callback is None else callback(ctx, param, value)

    return check


def is_cli_framework(error: Exception) -> bool:
    # Typer vendors click from 0.29 on, so match by module rather than by class.
    return type(error).__module__.split(".")[0] in ("typer", "click")


def _sentence_for(error: Exception, ctx=None) -> str:
    from logistics.db import BUSY_SENTENCE, damaged_sentence, is_busy, is_damaged
    from logistics.services.access import refusal

    if (refused := refusal(error)) is not None:  # an audit trigger, a role's limits
        return refused
    if is_busy(error):
        return _(BUSY_SENTENCE)
    if is_damaged(error):
        root = ctx.find_root().obj if ctx is not None else None
        url = root.url if isinstance(root, HubContext) else "hub.db"
        return damaged_sentence(url, error)
    if isinstance(error, OverflowError) or "out of range" in str(error):
        # a number typed where the hub looks up an id, beyond what a database holds
        return _(
            "A number on the command line is more than the hub can count (at most {limit}); "
            "nothing has that number."
        ).format(limit=f"{DATABASE_INT_MAX:,}")
    if isinstance(error, OSError) and error.filename:
        return _("Cannot use {file}: {reason}.").format(
            file=error.filename, reason=os_reason(error)
        )
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if detail:
        return _(
            "Unexpected error ({kind}: {detail}); the command stopped here. "
            "Run again with HUB_DEBUG=1 to see the details."
        ).format(kind=type(error).__name__, detail=detail)
    return _(
        "Unexpected error ({kind}); the command stopped here. "
        "Run again with HUB_DEBUG=1 to see the details."
    ).format(kind=type(error).__name__)


app = typer.Typer(
    cls=HubGroup,
    name="hub",
    help="Run a township parcel hub: stations, parcels, rounds, couriers, manifests, reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hub {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="HUB_DATABASE_URL",
            help="Database: a SQLite file path, sqlite:///FILE or postgresql+psycopg://...",
            show_default="hub.db in this folder",
        ),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            envvar="HUB_OPERATOR",
            help="Who is working; recorded on every event.",
            show_default="your login name",
        ),
    ] = None,
    hub: Annotated[
        str | None,
        typer.Option(
            "--hub",
            metavar="CODE",
            envvar="HUB_HUB",
            help="The hub to work on when the database holds several (`hub hubs list`).",
            show_default="the only hub",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="zh|en", envvar="HUB_LANG", help=LANG_HELP),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    del lang  # chosen before parsing (logistics.cli.language.choose_for)
    ctx.obj = HubContext(db, operator, hub)


def _register_commands() -> None:
    modules = [
        importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__)):
        if hasattr(module, "register"):
            module.register(app)
        if hasattr(module, "app") and hasattr(module, "NAME"):
            app.add_typer(module.app, name=module.NAME)


def _flow_help(typer_app: typer.Typer) -> None:
    for command in typer_app.registered_commands:
        command.help = flowing(command.help or inspect.getdoc(command.callback))
    if typer_app.registered_callback is not None:
        callback = typer_app.registered_callback
        callback.help = flowing(callback.help or inspect.getdoc(callback.callback))
    typer_app.info.help = flowing(typer_app.info.help)
    for group in typer_app.registered_groups:
        group.help = flowing(group.help)
        _flow_help(group.typer_instance)


_register_commands()
_flow_help(app)


def build_only(word: str | None) -> None:
    """Keep only the command ``word`` names in the tree Typer builds: it turns every
    registered command into a click command before parsing, a tenth of a second for all
    46, which `hub plan` would wait for. A word naming nothing keeps them all, so a typo
    still gets Typer's "No such command" with the near names."""
    if word is None:
        return
    commands = [c for c in app.registered_commands if _command_name(c) == word]
    groups = [g for g in app.registered_groups if g.name == word]
    if commands or groups:
        app.registered_commands = commands
        app.registered_groups = groups


def _command_name(command: typer.models.CommandInfo) -> str:
    from typer.main import get_command_name

    return command.name or get_command_name(command.callback.__name__)


def main() -> None:
    build_only(command_word(sys.argv[1:]))
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
