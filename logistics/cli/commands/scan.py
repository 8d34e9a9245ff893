"""`hub scan ACTION CODES...|-`: scan parcels, one answer per code.

Kept light on purpose: a scanner at a station or on the sorting floor starts this
command many times a day, so it imports only the scanning service (no OR-Tools, PDF,
spreadsheet or migration libraries).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.cells import cell_len

from logistics.cli.context import hub_context
from logistics.cli.output import console
from logistics.domain.verdicts import ScanVerdict
from logistics.i18n import _

NAME = "scan"
ORDER = 30

_COLOUR = {
    ScanVerdict.DONE: "green",
    ScanVerdict.ALREADY: "yellow",
    ScanVerdict.REFUSED: "red",
}


def register(root: typer.Typer) -> None:
    root.command("scan", help=scan.__doc__, rich_help_panel=None)(scan)


def scan(
    ctx: typer.Context,
    action: Annotated[
        str,
        typer.Argument(
            help="What happens to the parcels: collect, arrive, hold, release, cancel, "
            "arrive-inbound, dispatch, at-station, picked-up, return."
        ),
    ],
    codes: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub parcel ids, tracking numbers or pickup codes (with --station); "
            "- (or no code) reads them from standard input."
        ),
    ] = None,
    station: Annotated[
        str | None,
        typer.Option(help="Station the scan happens at (required to collect; checks at-station)."),
    ] = None,
    round_ref: Annotated[
        str | None, typer.Option("--round", help="Round being driven (noted on each event).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No bell on a refused scan.")] = False,
) -> None:
    """Scan parcels: one answer per code, each accepted scan saved before it is answered.

    Each code is answered at once: green done, yellow already done, red refused and why.

    With - or no code the codes are read one per line from standard input until it ends,
    as a barcode scanner in keyboard mode types them (blank lines are ignored), as
    `hub manifest load` does. A refused scan rings the terminal's bell (--quiet silences
    it): at the dock the driver looks at the parcel, not at the screen. The exit status
    is 0 when every scan was accepted or already done, 1 when any was refused.

    An inbound parcel scanned at-station gets its pickup code (取件码, shelf-layer-number
    such as 3-2-1045), shown in the answer; at its station the keeper may scan
    picked-up by that code.

    Examples:
      hub scan collect --station GD03 P20261123-00042 P20261123-00043
      hub scan arrive                    # then scan the labels; Ctrl-D ends
      hub scan hold 73100000000001
      hub scan at-station --station GD05 -
      hub scan picked-up --station GD05 3-2-1045
      hub scan arrive-inbound --station GD05 YT1234567890123
    """
    from logistics.cli.scanning_input import ScanInput
    from logistics.services.scanning import open_scan_session

    hub = hub_context(ctx)
    reader = ScanInput(codes, default_stdin=True, quiet=quiet)
    session = open_scan_session(
        hub.url,
        action,
        operator=hub.operator,
        station=station,
        round_ref=round_ref,
        hub=hub.hub_option,
    )
    out = console

    def answer(code: str) -> None:
        result = session.scan(code)
        colour, word = _COLOUR[result.verdict], _padded(result.verdict.label, VERDICT_CELLS)
        done, already, refused = _counts(session.tally)
        tally = _("({done} done, {already} already, {refused} refused)").format(
            done=done, already=already, refused=refused
        )
        gap = "" if tally.startswith("（") else " "  # a full-width bracket brings its space
        if out.is_terminal and not _fits_after(
            out, result.message, gap + tally, out.width - VERDICT_CELLS - 1
        ):
            gap = "\n"  # the tally whole on a line of its own, never split
        said = f"{_escape(result.message)}{gap}[dim]{_escape(tally)}[/dim]"
        if out.is_terminal:
            out.print(_hanging(f"[{colour}]{word}[/{colour}]", said))
        else:  # a script reads one line per scan
            out.print(f"[{colour}]{word}[/{colour}] {said}", soft_wrap=True)
        out.file.flush()
        if result.verdict is ScanVerdict.REFUSED:
            reader.bell()

    reader.prompt(_("Scan the labels one by one; Ctrl-D or q ends."))
    try:
        for code in reader:
            answer(code)
    except KeyboardInterrupt:
        reader.interrupted()  # every answered scan is already saved: on to the summary
    done, already, refused = _counts(session.tally)
    colour = "red" if refused else "green"
    summary = _("{total} scanned: {done} done, {already} already done, {refused} refused.")
    summary = summary.format(
        total=done + already + refused, done=done, already=already, refused=refused
    )
    out.print(f"[{colour}]{_escape(summary)}[/{colour}]")
    if refused:
        raise typer.Exit(1)


def _fits_after(out, message: str, tail: str, width: int) -> bool:
    """Whether ``tail`` fits on the last line ``message`` wraps to in ``width`` cells."""
    from rich.text import Text

    last = Text(message).wrap(out, width)[-1]
    return last.cell_len + cell_len(tail) <= width


#: The verdict word's column (完成, 已做过, refused): the sentences line up after it.
VERDICT_CELLS = 8


def _hanging(word: str, sentence: str):
    """The verdict, then the sentence broken under itself: what the terminal would carry
    onto the next line would start under 拒绝 and hide where the next answer begins."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(word, sentence)
    return grid


def _counts(tally) -> tuple[int, int, int]:
    """Done, already and refused scans so far."""
    return tally[ScanVerdict.DONE], tally[ScanVerdict.ALREADY], tally[ScanVerdict.REFUSED]


def _padded(word: str, cells: int) -> str:
    """``word`` padded to ``cells`` terminal cells (a Chinese character takes two)."""
    return word + " " * max(cells - cell_len(word), 0)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
