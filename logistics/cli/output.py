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

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV, for spreadsheets and scripts.")]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    justify: str = "left"
    format: Callable[[Any], str | Text] | None = None
    leave_out: int = 0
    """In a terminal too narrow for the table, columns are left out by this rank, highest
    first (ties: the rightmost first); 0 never. --csv and --json always have them all."""


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
    empty: str = "Nothing to show.",
) -> None:
    """One listing in the format the operator asked for."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
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
        console.print(f"[yellow]{empty}[/yellow]")
        return
    cells = [[_cell(column, row.get(column.key)) for column in columns] for row in rows]
    keep = _columns_that_fit(columns, cells, console.width)
    table = Table(title=title, title_justify="left")
    for k in keep:
        # fold, not "…": what still does not fit wraps onto another line instead of
        # hiding the id or number an operator is looking for
        table.add_column(columns[k].header, justify=columns[k].justify, overflow="fold")  # type: ignore[arg-type]
    for row in cells:
        table.add_row(*(row[k] for k in keep))
    console.print(table)
    if len(keep) < len(columns):
        left_out = ", ".join(c.header.strip() for k, c in enumerate(columns) if k not in keep)
        console.print(
            f"[dim]Left out to fit the terminal: {escape(left_out)} "
            "(a wider window, --csv or --json show every column).[/dim]"
        )


def _columns_that_fit(columns: Sequence[Column], cells: list[list[Text]], width: int) -> list[int]:
    """Indexes of the columns to show: all of them when the table fits ``width``, else
    without the columns ranked to go first until it fits (or none is left to go)."""
    widths = [
        max([cell_len(column.header)] + [row[k].cell_len for row in cells]) + 3  # padding and rule
        for k, column in enumerate(columns)
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
        table.add_row(label, Text("" if value is None else str(plain(value))))
    console.print(table)


def counted(count: int, noun: str) -> str:
    """'1 parcel', '2 parcels', '1,204 rows': a count with its noun."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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
