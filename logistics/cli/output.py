"""Output shared by every command: tables, --json, --csv, and coloured one-line verdicts.

Colour carries meaning: green done, yellow warning or nothing changed, red refused.

Nothing from the data reaches the terminal raw: both consoles show every control or
invisible character of what they print as an escape (``\\x1b``, ``<U+202E>``,
:func:`logistics.domain.text.visible`), cells are made visible before a table is laid
out, --csv cells likewise, and --json writes such characters as JSON escapes. Errors on
standard error are one line when it is not a terminal (a log or a pipe), never wrapped.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from logistics.cli import line_breaks
from logistics.domain.text import REFUSED, visible
from logistics.domain.units import kg_text, yuan_text
from logistics.i18n import _, listing, ngettext


def _visible_lines(text: str) -> str:
    """``text`` made visible line by line: a line break printed is a line break."""
    if "\n" not in text:
        return visible(text)
    return "\n".join(visible(line) for line in text.split("\n"))


class SafeConsole(Console):
    """A rich console that never sends a control or invisible character of the text it
    prints to the terminal (its own styling and cursor controls pass as they are), and
    on standard error prints each message as one line when it is not a terminal."""

    def render(self, renderable, options=None):
        for segment in super().render(renderable, options):
            text = segment.text
            if segment.control is None and not (text.isascii() and text.isprintable()):
                shown = _visible_lines(text)
                if shown != text:
                    segment = Segment(shown, segment.style)
            yield segment

    def print(self, *objects, soft_wrap=None, **options):  # type: ignore[override]
        if soft_wrap is None and self.stderr and not self.is_terminal:
            soft_wrap = True
        super().print(*objects, soft_wrap=soft_wrap, **options)


line_breaks.install()  # Chinese lines break between characters, not inside GD25
console = SafeConsole(highlight=False)
err_console = SafeConsole(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV, for spreadsheets and scripts.")]

#: Keys of id columns: a hub parcel id, tracking number, manifest or round number is
#: never broken across lines (a broken id cannot be read back or scanned by eye).
ID_KEYS = frozenset({"parcel_no", "tracking_no", "manifest_no", "round_no", "round_ref"})


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    """Shown translated (``N_("Station")`` in a module's column list; text already
    translated is shown as it is)."""
    justify: str = "left"
    format: Callable[[Any], str | Text] | None = None
    leave_out: int = 0
    """In a terminal too narrow for the table, columns are left out by this rank, highest
    first (ties: the rightmost first); 0 not by rank (only when even squeezed the table
    does not fit, from the right, see :func:`fit`). --csv and --json always have them all."""
    no_wrap: bool | None = None
    """Never break a cell across lines; None: only for an id column (:data:`ID_KEYS`)."""
    called: str | None = None
    """What the left-out sentence calls the column where its header alone would not say
    (a bare "kg" beside "Pick up"); the header by default. Shown translated."""

    @property
    def keeps_whole(self) -> bool:
        return self.key in ID_KEYS if self.no_wrap is None else self.no_wrap

    @property
    def title(self) -> str:
        """The header in the chosen language."""
        return _(self.header)

    @property
    def name(self) -> str:
        """What the column is called when it is named alone, in the chosen language."""
        return _(self.called) if self.called else self.title.strip()


def plain(value: Any) -> Any:
    """A JSON-safe version of a value: money and dates as text, exact."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


def _json_escape(match: re.Match[str]) -> str:
    # json.dumps escapes C0 inside strings already: a raw one is the layout's line break
    char = match.group()
    return char if char < " " else json.dumps(char)[1:-1]


def print_json(value: Any) -> None:
    """``value`` as JSON; a control or invisible character in a string is written as its
    JSON escape (``\\u202e``): a script reads the exact text, a terminal shows no trick."""
    text = json.dumps(plain(value), ensure_ascii=False, indent=2)
    if not text.isascii():
        text = REFUSED.sub(_json_escape, text)
    sys.stdout.write(text + "\n")


def _cell(column: Column, value: Any) -> Text:
    """The cell as shown: plain Text, so a name such as "西沟[/]村" is data, not markup;
    a column's format may return a styled Text of its own (a red NO)."""
    if value is None:
        return Text("")
    if column.format is not None:
        shown = column.format(value)
        if isinstance(shown, Text):
            return shown if shown.plain.isprintable() else Text(visible(shown.plain), shown.style)
        return Text(visible(shown))
    return Text(visible(plain(value)))


def render_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    as_json: bool = False,
    as_csv: bool = False,
    empty: str | None = None,
) -> None:
    """One listing in the format the operator asked for; ``title`` and ``empty`` are
    shown translated, and so are the columns' headers."""
    if as_json and as_csv:
        raise typer.BadParameter(_("choose one of --json and --csv"))
    if as_json:
        print_json([{column.key: row.get(column.key) for column in columns} for row in rows])
        return
    if as_csv:
        from logistics.io.csv_export import write_csv

        write_csv(
            sys.stdout,
            [column.key for column in columns],
            ([_csv_cell(row.get(column.key)) for column in columns] for row in rows),
            bom=False,
        )
        return
    if not rows:
        shown = _("Nothing to show.") if empty is None else _(empty)
        console.print(f"[yellow]{escape(shown)}[/yellow]")
        return
    cells = [[_cell(column, row.get(column.key)) for column in columns] for row in rows]
    titles = [column.title for column in columns]
    natural = [
        max([cell_len(titles[k])] + [row[k].cell_len for row in cells]) for k in range(len(columns))
    ]
    least = [_column_least(columns[k], titles[k], cells, k) for k in range(len(columns))]
    keep, widths = fit(_columns_that_fit(columns, cells, console.width, titles), natural, least)
    table = Table(title=_(title) if title else title, title_justify="left")
    for k in keep:
        # fold, not "…": what still does not fit wraps onto another line instead of
        # hiding the id or number an operator is looking for; an id is never broken
        table.add_column(
            titles[k],
            justify=columns[k].justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=columns[k].keeps_whole,
            min_width=least[k] or None,
            width=widths.get(k),
        )
    for row in cells:
        table.add_row(*(row[k] for k in keep))
    console.print(table)
    say_left_out([columns[k].name for k in range(len(columns)) if k not in keep])


#: Units and marks a header shows as they are, in both languages ("kg " is the second kg).
UNITS = ("#", "kg", "kg ", "km")


def header_said(header: str) -> str:
    """A header in the chosen language; units and marks stay as they are."""
    return header if header in UNITS else _(header)


def say_left_out(names: Sequence[str]) -> None:
    """The one sentence naming the columns a narrow terminal left out (none: nothing)."""
    if names:
        sentence = _(
            "Left out to fit the terminal: {columns} "
            "(a wider window, --csv or --json show every column)."
        ).format(columns=listing(names))
        console.print(f"[dim]{escape(sentence)}[/dim]")


_FOLDED = 8
"""The narrowest a column of Chinese gets: four characters a line (a station's name in
two or three lines, not in six)."""


def least_cells(text: str) -> int:
    """The narrowest a cell or header can be without breaking a code, time or figure;
    Chinese breaks between words, four characters a line at the narrowest."""
    folded = 0 if text.isascii() else min(cell_len(text), _FOLDED)
    return max(line_breaks.least_cells(text), folded)


def _column_least(column: Column, title: str, cells: list[list[Text]], k: int) -> int:
    if column.keeps_whole:
        return max([cell_len(title)] + [row[k].cell_len for row in cells])
    return max([least_cells(title)] + [least_cells(row[k].plain) for row in cells])


def fit(
    keep: Sequence[int],
    natural: Sequence[int],
    least: Sequence[int],
    width: int | None = None,
    *,
    going: Sequence[int] = (),
) -> tuple[list[int], dict[int, int]]:
    """The columns a table of ``width`` cells (the terminal's) shows, and their widths
    ({} when it fits as it is). The columns ``going`` names go first, in that order,
    while the table does not fit as it is. Columns whose ``least`` does not fit go from
    the right (a phone's 60 columns: the terminal would cut them off unnamed); the rest
    are squeezed column by column, none below its least: rich's own squeezing takes
    from the widest column whatever it holds, breaking 07:30-17:00 or drawing a name
    column 0 wide."""
    width = console.width if width is None else width
    keep, going = list(keep), [k for k in going if k in keep]
    while going and sum(natural[k] + 3 for k in keep) + 1 > width:
        keep.remove(going.pop(0))
    while len(keep) > 1 and sum(least[k] + 3 for k in keep) + 1 > width:
        keep.pop()
    room = width - 3 * len(keep) - 1
    if sum(natural[k] for k in keep) <= room:
        return keep, {}
    widths = {k: natural[k] for k in keep}
    while sum(widths.values()) > room:
        k = max(keep, key=lambda k: widths[k] - least[k])
        if widths[k] <= least[k]:
            break
        widths[k] -= 1
    return keep, widths


def _csv_cell(value: Any) -> Any:
    """A --csv cell: text made visible (a spreadsheet or a terminal gets no control)."""
    value = plain(value)
    return visible(value) if isinstance(value, str) else value


def _columns_that_fit(
    columns: Sequence[Column],
    cells: list[list[Text]],
    width: int,
    titles: Sequence[str] | None = None,
) -> list[int]:
    """Indexes of the columns to show: all of them when the table fits ``width``, else
    without the columns ranked to go first until it fits (or none is left to go).

    Widths are terminal cells (a Chinese character takes two), headers as shown."""
    titles = [column.header for column in columns] if titles is None else titles
    widths = [
        max([cell_len(titles[k])] + [row[k].cell_len for row in cells]) + 3  # padding and rule
        for k in range(len(columns))
    ]
    keep = list(range(len(columns)))
    candidates = sorted(
        (k for k, c in enumerate(columns) if c.leave_out > 0),
        key=lambda k: (columns[k].leave_out, k),
    )
    while sum(widths[k] for k in keep) + 1 > width and candidates:
        keep.remove(candidates.pop())
    return keep


def render_record(record: Mapping[str, Any], labels: Iterable[tuple[str, str]]) -> None:
    """One thing, shown as label: value lines."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, label in labels:
        value = record.get(key)
        table.add_row(_(label), Text("" if value is None else visible(plain(value))))
    console.print(table)


#: The nouns :func:`counted` knows in both languages (Chinese uses the count word:
#: 3 件, 1,204 行, 5 个服务站).
COUNTED_NOUNS = ("parcel", "row", "station", "manifest", "round")


def counted(count: int, noun: str) -> str:
    """'1 parcel', '2 parcels', '1,204 rows': a count with its noun, in the chosen language
    ("3 件", "1,204 行"). Nouns other than :data:`COUNTED_NOUNS` get an English "s"."""
    n = f"{count:,}"
    if noun == "parcel":
        return ngettext("{n} parcel", "{n} parcels", count).format(n=n)
    if noun == "row":
        return ngettext("{n} row", "{n} rows", count).format(n=n)
    if noun == "station":
        return ngettext("{n} station", "{n} stations", count).format(n=n)
    if noun == "manifest":
        return ngettext("{n} manifest", "{n} manifests", count).format(n=n)
    if noun == "round":
        return ngettext("{n} round", "{n} rounds", count).format(n=n)
    return f"{n} {noun}{'' if count == 1 else 's'}"


def done(message: str, *, stderr: bool = False) -> None:
    """A green line; ``stderr`` when standard output carries --json for a script."""
    (err_console if stderr else console).print(f"[green]{escape(message)}[/green]")


def warn(message: str) -> None:
    console.print(f"[yellow]{escape(message)}[/yellow]")


def refused(message: str) -> None:
    console.print(f"[red]{escape(message)}[/red]")


def error(message: str, *, style: str = "red") -> None:
    """An error sentence on standard error (one line there when it is not a terminal)."""
    err_console.print(f"[{style}]{escape(message)}[/{style}]")


# Tables and sentences show weights and money with the digits of logistics.domain.units;
# the short names stay because many command modules format columns with them.
yuan = yuan_text
kg = kg_text


def figure(value: Decimal | None) -> str:
    """A kg, km or yuan figure a service already rounded through logistics.domain.units,
    thousands separated as the ``*_text`` functions show it."""
    return "" if value is None else f"{value:,}"
