"""Sending a document to the computer's printer with the system's own command.

``lp`` (CUPS) is used when present, else ``lpr``. The document is written by its usual
writer (through :mod:`logistics.io.files`) into a temporary folder of this process,
handed to the command, which copies it into the print queue, and removed afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from logistics.errors import InvalidInput
from logistics.i18n import _

COMMANDS = ("lp", "lpr")


@dataclass(frozen=True)
class Printed:
    command: str
    """``lp`` or ``lpr``."""
    printer: str | None
    pages: int
    answer: str
    """What the command answered (``request id is ...``), may be empty."""


class NoPrinter(InvalidInput):
    """Neither ``lp`` nor ``lpr`` is on this computer."""


def printer_command() -> str | None:
    """The first of ``lp``, ``lpr`` found on the PATH, or None."""
    for name in COMMANDS:
        if shutil.which(name):
            return name
    return None


def send_to_printer(
    write: Callable[[Path], int],
    *,
    name: str,
    printer: str | None = None,
    instead: str,
) -> Printed:
    """Write the document with ``write(path)`` (returns its pages) to a temporary PDF
    called ``name`` and print it.

    ``instead`` is the sentence telling what to add to write a file instead; it ends
    the refusal when there is no printer command or the printer refuses.
    """
    command = printer_command()
    if command is None:
        raise NoPrinter(
            _("There is no printer command (lp or lpr) on this computer: {instead}").format(
                instead=instead
            )
        )
    folder = Path(tempfile.mkdtemp(prefix="hub-print-"))
    try:
        path = folder / name
        pages = write(path)
        argv = [command]
        if printer:
            argv += ["-d", printer] if command == "lp" else ["-P", printer]
        argv.append(str(path))
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError) as error:
            raise InvalidInput(
                _("The printer command {command} could not run ({error}): {instead}").format(
                    command=command, error=error, instead=instead
                )
            ) from None
        if done.returncode != 0:
            why = " ".join((done.stderr or done.stdout or "").split()) or f"exit {done.returncode}"
            raise InvalidInput(
                _("The printer refused the document ({command}: {why}): {instead}").format(
                    command=command, why=why, instead=instead
                )
            )
        return Printed(command, printer, pages, " ".join((done.stdout or "").split()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
