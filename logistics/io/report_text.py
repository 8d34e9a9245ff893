"""How a figure of a report reads for people, in the terminal and on paper.

The terminal (`logistics.cli.commands.report`) and the PDF
(`logistics.io.report_export`) both write a cell through :func:`cell_text`, and the
XLSX keeps the number with the matching :data:`XLSX_FORMATS`, so a figure shows the
same digits everywhere: kg, km and yuan with the steps of `logistics.domain.units`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from logistics.domain import units
from logistics.i18n import _

if TYPE_CHECKING:
    from logistics.services.report_tables import TableColumn

NUMERIC = ("int", "kg", "km", "yuan", "pct", "hours", "rate", "number")
#: Key-figure rows whose value is followed by its unit (``41.5 km``; money ``70.50 yuan``;
#: ``8.51 hours``): their labels never name the unit, so it is said once.
SUFFIXED = ("kg", "km", "yuan", "hours")
FIGURE_TABLES = ("totals", "service")
#: The kind of a key-figure row's value, by its unit.
UNIT_KINDS = {
    "parcels": "int",
    "rounds": "int",
    "kg": "kg",
    "km": "km",
    "yuan": "yuan",
    "share": "pct",
    "hours": "hours",
    "parcels/km": "rate",
}
# Spreadsheet number formats by kind: the digits cell_text shows.
XLSX_FORMATS = {
    "int": "#,##0",
    "kg": "#,##0.00",
    "km": "#,##0.0",
    "yuan": "#,##0.00",
    "pct": "0.0%",
    "hours": "0.00",
    "rate": "0.00",
    "number": "#,##0.##",
}
_STEPS = {"kg": units.WEIGHT_STEP, "km": units.DISTANCE_STEP, "yuan": units.MONEY_STEP}


def cell_kind(column: TableColumn, row: Mapping[str, Any]) -> str:
    """A key-figure table's value column takes its kind from the row's unit."""
    if column.kind == "number" and row.get("unit"):
        return UNIT_KINDS.get(row["unit"], "number")
    return column.kind


def cell_text(value: Any, kind: str) -> str:
    """How a table value reads in the terminal and on paper."""
    if value is None:
        return "–"
    if kind in _STEPS:
        return f"{Decimal(value).quantize(_STEPS[kind], ROUND_HALF_UP):,}"
    if kind == "pct":
        return f"{float(value) * 100:.1f} %"
    if kind in ("hours", "rate"):
        return f"{float(value):.2f}"
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def figure_text(row: Mapping[str, Any], column: TableColumn) -> str:
    """A cell of any table as people read it (a code column shows its label); a key
    figure's value carries its unit when it has one, money as ``70.50 yuan`` / ``70.50 元``,
    time as ``8.51 hours`` / ``8.51 小时``."""
    text = cell_text(row.get(column.field), cell_kind(column, row))
    unit = row.get("unit")
    if column.key != "value" or unit not in SUFFIXED or row.get("value") is None:
        return text
    if unit == "yuan":
        return _("{amount} yuan").format(amount=text)
    if unit == "hours":
        return _("{hours} hours").format(hours=text)
    return f"{text} {unit}"
