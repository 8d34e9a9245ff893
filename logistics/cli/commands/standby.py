"""`hub standby ...`: keep the hub's libraries loaded so each command starts at once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import typer

from logistics.cli.output import JsonOption, done, print_json, warn
from logistics.cli.standby_client import ask, socket_path
from logistics.errors import InvalidInput
from logistics.i18n import _, ngettext

NAME = "standby"
ORDER = 90
app = typer.Typer(
    help="Keep the hub loaded in the background so each command starts at once (re-planning).",
    no_args_is_help=True,
)

#: Seconds to wait for a new standby process to import the libraries and listen.
START_WAIT_S = 60


def _since(state: dict) -> str:
    return datetime.fromisoformat(state["since"]).strftime("%Y-%m-%d %H:%M")


@app.command()
def start() -> None:
    """Start the standby process for your login on this machine.

    Every `hub` command after it skips loading the hub's libraries, half a second or more
    of each start: a re-plan at the dock waits for little more than the search. It runs
    until `hub standby stop`, the machine restarts, or the hub is upgraded (the next
    command then runs on its own and says so). HUB_STANDBY=off runs one command without
    it.

    Example:
      hub standby start
    """
    if not hasattr(os, "fork"):
        raise InvalidInput(_("This system cannot keep a standby process (no fork)."))
    state = ask({"status": True})
    if state is not None:
        warn(_("Already standing by since {since} (process {pid}).").format(
            since=_since(state), pid=state["pid"]))  # fmt: skip
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "logistics.cli.standby_server", socket_path()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    first = process.stdout.readline().strip() if process.stdout else ""
    if first != "ready":
        process.wait(timeout=START_WAIT_S)
        rest = process.stdout.read().strip() if process.stdout else ""
        reason = (first + " " + rest).strip().splitlines()
        raise InvalidInput(
            reason[0] if reason else _("The standby process did not start; nothing changed.")
        )
    process.stdout.close()
    done(_("Standing by (process {pid}): `hub` commands now start at once.").format(
        pid=process.pid))  # fmt: skip


@app.command()
def stop() -> None:
    """Stop the standby process; commands then start on their own again."""
    state = ask({"stop": True})
    if state is None:
        warn(_("No standby process is running; nothing to stop."))
        return
    done(ngettext(
        "Stopped the standby process (since {since}, {n} command).",
        "Stopped the standby process (since {since}, {n} commands).",
        state["served"],
    ).format(since=_since(state), n=f"{state['served']:,}"))  # fmt: skip


@app.command()
def status(as_json: JsonOption = False) -> None:
    """Say whether a standby process is running, since when and how many commands it ran."""
    state = ask({"status": True})
    if as_json:
        print_json({"running": state is not None, **(state or {}), "socket": socket_path()})
        return
    if state is None:
        warn(_("No standby process is running: `hub standby start` starts one."))
        return
    done(ngettext(
        "Standing by since {since} (process {pid}), {n} command run.",
        "Standing by since {since} (process {pid}), {n} commands run.",
        state["served"],
    ).format(since=_since(state), pid=state["pid"], n=f"{state['served']:,}"))  # fmt: skip
