"""How every scanning command reads its codes, prompts and rings: one convention.

* Codes given on the command line are scanned in order; ``-`` among them reads codes one
  per line from standard input until it ends (Ctrl-D), as a barcode scanner in keyboard
  mode types them; blank lines are ignored. A command that scans standard input when it
  is given no code at all (``hub manifest load M-...``) passes ``default_stdin=True``.
* When standard input is read from a terminal, a prompt says so on standard error (a
  pipe or a file gets none, and standard output stays the answers only).
* Typed at a terminal, ``q`` or ``退出`` ends the scanning as Ctrl-D does, and a line
  that starts with ``hub`` is taken for the next command typed too soon: it is said to
  be no code and not scanned. From a pipe or a file every line is a code.
* A refused scan rings the terminal's bell (``\\a``), written only to a terminal (standard
  error, else standard output), never into a pipe or a file, unless ``--quiet``: a driver
  at a dock looks at the parcel, not at the screen.

Kept free of heavy imports: ``hub scan`` uses it on every start.

    reader = ScanInput(codes, default_stdin=True, quiet=quiet)
    reader.prompt(_("Scan the parcels; Ctrl-D or q ends."))
    for code in reader:
        ...
        if refused:
            reader.bell()
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator, Sequence
from typing import IO

STDIN = "-"
BELL = "\a"
#: Typed at a terminal, these end the scanning as Ctrl-D does (no code looks like them).
END_WORDS = frozenset({"q", "quit", "exit", "退出", "结束"})


def terminal() -> IO[str] | None:
    """The stream that reaches the operator's terminal: standard error, else standard
    output, or None when neither is a terminal."""
    for stream in (sys.stderr, sys.stdout):
        try:
            if stream is not None and stream.isatty():
                return stream
        except (AttributeError, ValueError, OSError):
            continue
    return None


def stdin_is_terminal() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def reads_stdin(codes: Sequence[str] | None, *, default_stdin: bool = False) -> bool:
    """Whether these arguments read standard input (``-``, or none with ``default_stdin``)."""
    codes = list(codes or [])
    return STDIN in codes or (default_stdin and not codes)


def iter_codes(
    codes: Sequence[str] | None, *, default_stdin: bool = False, stdin: IO[str] | None = None
) -> Iterator[str]:
    """The codes in order, ``-`` replaced by the lines of standard input (stripped, blank
    ones skipped). Standard input is read once: a second ``-`` finds it ended."""
    codes = list(codes or [])
    if not codes and default_stdin:
        codes = [STDIN]
    for code in codes:
        if code == STDIN:
            stream = stdin if stdin is not None else sys.stdin
            for line in iter(stream.readline, ""):
                line = line.strip()
                if line:
                    yield line
        elif code.strip():
            yield code.strip()


class ScanInput:
    """The codes of one scanning command, its prompt and its bell."""

    def __init__(
        self,
        codes: Sequence[str] | None,
        *,
        default_stdin: bool = False,
        quiet: bool = False,
    ) -> None:
        self.codes = list(codes or [])
        self.default_stdin = default_stdin
        self.quiet = quiet
        self.rings = 0

    @property
    def reads_stdin(self) -> bool:
        return reads_stdin(self.codes, default_stdin=self.default_stdin)

    def prompt(self, text: str) -> bool:
        """Show ``text`` on standard error when codes are read from a terminal; returns
        whether it was shown."""
        if not (self.reads_stdin and stdin_is_terminal()):
            return False
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return True

    def bell(self) -> bool:
        """Ring the terminal's bell for a refused scan (not with ``quiet``, never into a
        pipe or file); returns whether it rang."""
        if self.quiet:
            return False
        stream = terminal()
        if stream is None:
            return False
        stream.write(BELL)
        stream.flush()
        self.rings += 1
        return True

    def interrupted(self) -> None:
        """After Ctrl-C the terminal shows ^C where the cursor is: what follows (the
        summary) starts on a line of its own."""
        if sys.stdout.isatty():
            sys.stdout.write("\n")
            sys.stdout.flush()

    def __iter__(self) -> Iterator[str]:
        codes = iter_codes(self.codes, default_stdin=self.default_stdin)
        if not (self.reads_stdin and stdin_is_terminal()):
            return codes
        return self._typed(codes)

    def _typed(self, codes: Iterator[str]) -> Iterator[str]:
        from logistics.i18n import _

        for code in codes:
            plain = unicodedata.normalize("NFKC", code).lower()  # ｑ from a Chinese IME
            if plain in END_WORDS:
                return
            if plain.split()[0] == "hub":
                from logistics.cli.output import err_console

                err_console.print(
                    _(
                        "'{line}' is a command, not a label: scanning goes on; Ctrl-D or q "
                        "ends it, then type the command."
                    ).format(line=code),
                    style="yellow",
                    markup=False,
                )
                continue
            yield code
