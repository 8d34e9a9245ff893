"""How the reports' tables are laid out: which tables, their columns in order, row labels.

A report is data (rows of ints, Decimals and text); a column's ``kind`` says what its
values are, and `logistics.io.report_text` says how each kind reads for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from logistics.domain import products, units
from logistics.domain.parcel_status import Direction
from logistics.i18n import N_, _

if TYPE_CHECKING:
    from logistics.services.report_monthly import MonthlyReport

TOP_PROVINCES = 10
#: The row label of parcels whose destination province is not recorded.
UNKNOWN_PROVINCE = N_("(unknown)")
#: Weekday names, Monday first (``date.weekday()``); JSON and CSV keep these.
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))

#: The product categories' English names by key (`logistics.domain.products` holds the
#: list, the Chinese names and what people type for each).
CATEGORY_LABELS = {product.key: product.english for product in products.PRODUCTS}
#: A parcel's direction as a person reads it in a report.
DIRECTION_LABELS = {Direction.OUTBOUND: N_("outbound"), Direction.INBOUND: N_("inbound")}


@dataclass(frozen=True)
class TableColumn:
    """One column of a report table. ``kind`` says how the value is shown and stored:
    text, int, kg (Decimal kg), km (Decimal km), yuan (Decimal yuan), pct (a fraction,
    0.123 = 12.3 %), hours, rate (two decimals), number, date.

    ``shown`` names the row's field people read when ``key`` holds a code (``weekday`` is
    shown as ``weekday_label``): the terminal, XLSX and PDF show it, CSV keeps the code.
    A ``scripts_only`` column holds a code whose words another column shows (a key
    figure's key, a product's key): CSV keeps it, the terminal, XLSX and PDF leave it
    out, so people read each thing once."""

    key: str
    header: str
    kind: str = "text"
    shown: str | None = None
    scripts_only: bool = False

    @property
    def field(self) -> str:
        return self.shown or self.key


@dataclass(frozen=True)
class ReportTable:
    name: str  # file name and English sheet name: stations -> stations.csv, sheet "stations"
    title: str
    columns: tuple[TableColumn, ...]
    rows: list[dict[str, Any]]
    sheet: str = ""  # the sheet's name in the chosen language (name when empty)

    @property
    def people_columns(self) -> tuple[TableColumn, ...]:
        """The columns people read (terminal, XLSX, PDF); CSV writes all of them."""
        return tuple(column for column in self.columns if not column.scripts_only)


# ---------------------------------------------------------------- row labels


def category_label(category: str | None) -> str:
    """A stored product key in the chosen language (猕猴桃 / kiwi fruit); text stored
    before the product list existed reads as typed."""
    return products.label(category)


def province_label(code: str | None) -> str:
    """The province's short name; a row of parcels without a province says so."""
    name = units.province_name(code)
    return name or _(UNKNOWN_PROVINCE)


def weekday_label(weekday: int) -> str:
    """Monday (0) to Sunday (6) as a person reads it: ``Thu`` / ``周四``."""
    name = WEEKDAYS[weekday]
    return _(name)


def direction_label(direction: str) -> str:
    label = DIRECTION_LABELS.get(direction)
    return str(direction) if label is None else _(label)


# ---------------------------------------------------------------- the monthly report's tables

# Key figures: key -> (what, unit). Shares and rates are fractions (0.123 = 12.3 %).
# A label names what is counted, never its unit: the unit is said once, after the value
# (33,077.87 kg, 8.51 hours) in the terminal and the PDF, in the Unit column of the XLSX.
TOTAL_LABELS = {
    "outbound_parcels": (N_("Outbound parcels"), "parcels"),
    "inbound_parcels": (N_("Inbound parcels"), "parcels"),
    "parcels": (N_("Parcels"), "parcels"),
    "outbound_kg": (N_("Outbound weight"), "kg"),
    "inbound_kg": (N_("Inbound weight"), "kg"),
    "kg": (N_("Weight"), "kg"),
    "fees": (N_("Fees"), "yuan"),
    "previous_parcels": (N_("Parcels the month before"), "parcels"),
    "growth": (N_("Growth on the month before"), "share"),
}
SERVICE_LABELS = {
    "handed_over": (N_("Outbound parcels handed over"), "parcels"),
    "median_hours": (N_("Median time, registration to handover"), "hours"),
    "p90_hours": (N_("90th percentile time, registration to handover"), "hours"),
    "rounds": (N_("Rounds driven"), "rounds"),
    "km": (N_("Distance driven"), "km"),
    "round_parcels": (N_("Parcels carried on the rounds"), "parcels"),
    "parcels_per_km": (N_("Parcels per km"), "parcels/km"),
    "registered": (N_("Parcels registered (cancelled included)"), "parcels"),
    "exceptions": (N_("Exceptions (held, cancelled, returned)"), "parcels"),
    "held": (N_("Held"), "parcels"),
    "cancelled": (N_("Cancelled"), "parcels"),
    "returned": (N_("Returned (inbound)"), "parcels"),
    "exception_rate": (N_("Exception rate"), "share"),
    "overdue_inbound": (N_("Inbound parcels overdue at stations now"), "parcels"),
}
#: How a key figure's unit reads in the Unit column (kg and km are the same in both).
UNIT_LABELS = {
    "parcels": N_("parcels"),
    "rounds": N_("rounds"),
    "yuan": N_("yuan"),
    "share": N_("share"),
    "hours": N_("hours"),
    "parcels/km": N_("parcels/km"),
}
FIGURE_COLUMNS = (
    TableColumn("figure", N_("Figure"), scripts_only=True),
    TableColumn("label", N_("What")),
    TableColumn("value", N_("Value"), "number"),
    TableColumn("unit", N_("Unit"), shown="unit_label"),
)
#: The sheet names of the workbook in the chosen language, by table name.
SHEETS = {
    "totals": N_("totals"),
    "stations": N_("stations"),
    "couriers": N_("couriers"),
    "days": N_("days"),
    "provinces": N_("provinces"),
    "categories": N_("categories"),
    "service": N_("service"),
}


def unit_label(unit: str) -> str:
    label = UNIT_LABELS.get(unit)
    return unit if label is None else _(label)


def figure_columns() -> tuple[TableColumn, ...]:
    """The key-figure tables' columns, headers in the chosen language."""
    return tuple(_column(column) for column in FIGURE_COLUMNS)


def _column(column: TableColumn) -> TableColumn:
    header = column.header
    return TableColumn(column.key, _(header), column.kind, column.shown, column.scripts_only)


#: Columns that read the same in the hub's and the county's tables, by key: `columns`
#: picks them, so a header is written once.
SHARED_COLUMNS = {
    column.key: column
    for column in (
        TableColumn("rank", N_("Rank"), "int"),
        TableColumn("code", N_("Code")),
        TableColumn("outbound", N_("Outbound"), "int"),
        TableColumn("inbound", N_("Inbound"), "int"),
        TableColumn("parcels", N_("Parcels"), "int"),
        TableColumn("share", N_("Share"), "pct"),
        TableColumn("kg", N_("kg"), "kg"),
        TableColumn("fees", N_("Fees (yuan)"), "yuan"),
        TableColumn("direction", N_("Direction"), shown="direction_label"),
        TableColumn("category", N_("Category"), scripts_only=True),
        TableColumn("label", N_("Product")),
    )
}


def columns(*picked: str | TableColumn) -> tuple[TableColumn, ...]:
    """A table's columns in order: a key names one of `SHARED_COLUMNS` (its header
    translated here), a `TableColumn` is the table's own (its header already translated)."""
    return tuple(
        _column(SHARED_COLUMNS[column]) if isinstance(column, str) else column for column in picked
    )


def figure_rows(values: Mapping[str, Any], labels: Mapping[str, tuple[str, str]]) -> list:
    rows = []
    for key, (label, unit) in labels.items():
        rows.append(
            {
                "figure": key,
                "label": _(label),
                "value": values.get(key),
                "unit": unit,
                "unit_label": unit_label(unit),
            }
        )
    return rows


def table(
    name: str,
    title: str,
    picked: tuple[str | TableColumn, ...],
    rows: list,
    sheets: Mapping[str, str] = SHEETS,
) -> ReportTable:
    """A table of the ``picked`` columns (see `columns`), its sheet named by
    ``sheets[name]`` in the chosen language."""
    sheet = sheets[name]
    return ReportTable(name, title, columns(*picked), rows, _(sheet))


def monthly_tables(report: MonthlyReport) -> list[ReportTable]:
    """The monthly report's tables in the order they are shown and exported, their
    titles, headers and sheet names in the chosen language."""
    previous = TableColumn(
        "previous", _("Parcels {month}").format(month=report.previous_month), "int"
    )
    growth = TableColumn("growth", _("Growth"), "pct")
    station, courier = TableColumn("name", _("Station")), TableColumn("name", _("Courier"))
    return [
        table("totals", _("Totals"), figure_columns(), figure_rows(report.totals, TOTAL_LABELS)),
        table(
            "stations",
            _("By station"),
            ("rank", "code", station, "outbound", "inbound", "parcels", "kg", previous, growth),
            report.stations,
        ),
        table(
            "couriers",
            _("By courier (outbound shares)"),
            ("code", courier, "outbound", "share", "kg", "fees", "inbound"),
            report.couriers,
        ),
        table(
            "days",
            _("By day"),
            (
                TableColumn("date", _("Date"), "date"),
                TableColumn("weekday", _("Day"), shown="weekday_label"),
                *("outbound", "inbound", "parcels", "kg"),
            ),
            report.days,
        ),
        table(
            "provinces",
            _("Top {n} destination provinces (outbound)").format(n=TOP_PROVINCES),
            ("rank", "code", TableColumn("name", _("Province")), "parcels", "share", "kg", "fees"),
            report.provinces,
        ),
        table(
            "categories",
            _("By product category"),
            ("direction", "category", "label", "parcels", "share", "kg"),
            report.categories,
        ),
        table(
            "service", _("Service"), figure_columns(), figure_rows(report.service, SERVICE_LABELS)
        ),
    ]
