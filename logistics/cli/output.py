"""Output shared by every command: tables, --json, --csv, and coloured one-line verdicts.

Colour carries meaning: green done, yellow warning or nothing changed, red refused.
"""

from __future__ import annotations

import json
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
from rich.table import Table
from rich.text import Text

from logistics.domain.units import kg_text, yuan_text
from logistics.i18n import _, is_chinese, ngettext

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

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
    first (ties: the rightmost first); 0 never. --csv and --json always have them all."""
    no_wrap: bool | None = None
    """Never break a cell across lines; None: only for an id column (:data:`ID_KEYS`)."""

    @property
    def keeps_whole(self) -> bool:
        return self.key in ID_KEYS if self.no_wrap is None else self.no_wrap

    @property
    def title(self) -> str:
        """The header in the chosen language."""
        return _(self.header)


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


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n")


def _cell(column: Column, value: Any) -> Text:
    """The cell as shown: plain Text, so a name such as "西沟[/]村" is data, not markup;
    a column's format may return a styled Text of its own (a red NO)."""
    if value is None:
        return Text("")
    if column.format is not None:
        shown = column.format(value)
        return shown if isinstance(shown, Text) else Text(shown)
    return Text(str(plain(value)))


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
            ([plain(row.get(column.key)) for column in columns] for row in rows),
            bom=False,
        )
        return
    if not rows:
        shown = _("Nothing to show.") if empty is None else _(empty)
        console.print(f"[yellow]{escape(shown)}[/yellow]")
        return
    cells = [[_cell(column, row.get(column.key)) for column in columns] for row in rows]
    titles = [column.title for column in columns]
    keep = _columns_that_fit(columns, cells, console.width, titles)
    table = Table(title=_(title) if title else title, title_justify="left")
    for k in keep:
        # fold, not "…": what still does not fit wraps onto another line instead of
        # hiding the id or number an operator is looking for; an id is never broken
        table.add_column(
            titles[k],
            justify=columns[k].justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=columns[k].keeps_whole,
            min_width=_id_width(k, cells) if columns[k].keeps_whole else None,
        )
    for row in cells:
        table.add_row(*(row[k] for k in keep))
    console.print(table)
    if len(keep) < len(columns):
        left_out = _list_separator().join(
            titles[k].strip() for k in range(len(columns)) if k not in keep
        )
        sentence = _(
            "Left out to fit the terminal: {columns} "
            "(a wider window, --csv or --json show every column)."
        ).format(columns=left_out)
        console.print(f"[dim]{escape(sentence)}[/dim]")


def _list_separator() -> str:
    """Between names in a sentence: ", " in English, "、" in Chinese."""
    return "、" if is_chinese() else ", "


def _id_width(k: int, cells: list[list[Text]]) -> int | None:
    """The width of the longest id in column ``k`` (the column never gets narrower)."""
    return max((row[k].cell_len for row in cells), default=0) or None


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
        table.add_row(_(label), Text("" if value is None else str(plain(value))))
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


# Tables and sentences show weights and money with the digits of logistics.domain.units;
# the short names stay because many command modules format columns with them.
yuan = yuan_text
kg = kg_text


def figure(value: Decimal | None) -> str:
    """A kg, km or yuan figure a service already rounded through logistics.domain.units,
    thousands separated as the ``*_text`` functions show it."""
    return "" if value is None else f"{value:,}"
