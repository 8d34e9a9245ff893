"""Writing a report's tables: a folder of CSV files, an XLSX workbook, a PDF with charts.

Pure writers (no database): they take a report from `logistics.services.reports`
(anything with ``title``, ``tables()``, ``days`` and ``couriers``) and write files.

- CSV: one file per table (``totals.csv``, ``stations.csv``...), UTF-8 with a BOM so
  Excel and WPS show the Chinese names, cells made formula-safe by `write_csv`.
- XLSX: one sheet per table, header row frozen, numbers stored as numbers (money and kg
  exactly as their decimals, shares as fractions shown as per cent).
- PDF: A4, the key figures, a bar chart of parcels by day and a pie of the couriers'
  shares drawn with reportlab's own graphics, then every table. Chinese is set in the
  CID font STSong-Light (no font file needed), Latin text in Helvetica.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from logistics.errors import InvalidInput
from logistics.io.csv_export import safe_cell, write_csv
from logistics.io.pdf.fonts import CJK, SANS, SANS_BOLD, printable, register_fonts

if TYPE_CHECKING:
    from logistics.services.reports import MonthlyReport, ReportTable, TableColumn

# Number formats by column kind (and by the unit of a key-figure row).
XLSX_FORMATS = {
    "int": "#,##0",
    "kg": "#,##0.0",
    "yuan": "#,##0.00",
    "pct": "0.0%",
    "hours": "0.00",
    "number": "#,##0.##",
}
UNIT_KINDS = {
    "parcels": "int",
    "rounds": "int",
    "kg": "kg",
    "km": "kg",
    "yuan": "yuan",
    "share": "pct",
    "hours": "hours",
    "parcels/km": "hours",
}
# Courier colours in the pie, in share order.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
OUTBOUND_COLOUR = colors.HexColor("#1f77b4")
INBOUND_COLOUR = colors.HexColor("#ff7f0e")


def _cell_kind(column: TableColumn, row: dict[str, Any]) -> str:
    if column.kind == "number" and row.get("unit"):
        return UNIT_KINDS.get(row["unit"], "number")
    return column.kind


# ---------------------------------------------------------------- CSV


def write_csv_dir(report: MonthlyReport, folder: str | Path) -> list[Path]:
    """One CSV file per table in `folder` (made if missing); returns the files written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput(f"Folder '{folder}' cannot be made: {reason}.") from None
    if not folder.is_dir():
        raise InvalidInput(f"'{folder}' is a file: expected a folder for the CSV files.")
    written = []
    for table in report.tables():
        path = folder / f"{table.name}.csv"
        keys = [column.key for column in table.columns]
        write_csv(path, keys, table.rows)
        written.append(path)
    return written


# ---------------------------------------------------------------- XLSX


def write_xlsx(report: MonthlyReport, path: str | Path) -> Path:
    """A workbook with one sheet per table, numbers as numbers, Chinese as text."""
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in report.tables():
        sheet = book.create_sheet(table.name[:31])
        sheet.append([column.header for column in table.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center")
        widths = [max(8, _text_width(column.header)) for column in table.columns]
        for row in table.rows:
            values = []
            for k, column in enumerate(table.columns):
                value = _xlsx_value(row.get(column.key))
                values.append(value)
                widths[k] = max(widths[k], _text_width(value))
            sheet.append(values)
            for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
                number_format = XLSX_FORMATS.get(_cell_kind(column, row))
                if number_format and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = number_format
                elif isinstance(cell.value, str):
                    cell.alignment = Alignment(horizontal="left")
        for k, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(k)].width = min(width + 2, 48)
        sheet.freeze_panes = "A2"
    book.properties.title = report.title
    book.properties.creator = "hub (logistics)"
    try:
        book.save(path)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput(f"File '{path}' cannot be written: {reason}.") from None
    return path


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers (Decimal is written exactly); text is made formula-safe."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if hasattr(value, "isoformat"):
        return value  # dates: openpyxl stores them as dates
    return safe_cell(value)


def _text_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# ---------------------------------------------------------------- PDF

_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _markup(text: str) -> str:
    """Paragraph markup with Chinese runs in STSong-Light and the rest in Helvetica."""
    parts = []
    for match in _RUNS.finditer(printable(text)):
        run = escape(match.group())
        parts.append(run if match.group()[0] < "\x80" else f'<font name="{CJK}">{run}</font>')
    return "".join(parts)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SANS, fontSize=8, leading=10)
    return {
        "title": ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=9, leading=12),
        "heading": ParagraphStyle(
            "heading", base, fontName=SANS_BOLD, fontSize=11, leading=14, spaceBefore=8
        ),
        "cell": base,
        "head": ParagraphStyle("head", base, fontName=SANS_BOLD),
        "num": ParagraphStyle("num", base, alignment=2),
        "numhead": ParagraphStyle("numhead", base, fontName=SANS_BOLD, alignment=2),
    }


def format_value(value: Any, kind: str) -> str:
    """How a table value reads on paper and in the terminal."""
    if value is None:
        return "–"
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if kind == "kg":
        return f"{Decimal(value):,.1f}"
    if kind == "yuan":
        return f"{Decimal(value):,.2f}"
    if kind == "pct":
        return f"{float(value) * 100:.1f} %"
    if kind == "hours":
        return f"{float(value):.2f}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


NUMERIC = ("int", "kg", "yuan", "pct", "hours", "number")
FIGURE_TABLES = ("totals", "service")
SUFFIXED = ("kg", "km", "yuan")


def _pdf_table(table: ReportTable, styles, width: float) -> Table:
    figures = table.name in FIGURE_TABLES
    columns = (
        [c for c in table.columns if c.key in ("label", "value")] if figures else table.columns
    )
    data = [
        [
            Paragraph(
                _markup(column.header),
                styles["numhead" if column.kind in NUMERIC else "head"],
            )
            for column in columns
        ]
    ]
    for row in table.rows:
        cells = []
        for column in columns:
            text = format_value(row.get(column.key), _cell_kind(column, row))
            if figures and column.key == "value" and row.get("unit") in SUFFIXED:
                text = f"{text} {row['unit']}"
            style = styles["num" if column.kind in NUMERIC else "cell"]
            cells.append(Paragraph(_markup(text), style))
        data.append(cells)
    weights = [3 if column.kind == "text" else 2 for column in columns]
    if figures:
        weights = [7, 4]
    unit = width / sum(weights)
    pdf = Table(data, colWidths=[w * unit for w in weights], repeatRows=1)
    pdf.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return pdf


def day_chart(days: Sequence[dict[str, Any]], width: float, height: float) -> Drawing:
    """Stacked bars of outbound and inbound parcels by day of the month."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 28
    chart.width, chart.height = width - 48, height - 56
    chart.data = [
        [row["outbound"] for row in days],
        [row["inbound"] for row in days],
    ]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [f"{row['date'].day}" for row in days]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars[0].fillColor = OUTBOUND_COLOUR
    chart.bars[1].fillColor = INBOUND_COLOUR
    chart.bars.strokeWidth = 0
    chart.barSpacing = 0.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, height - 8
    legend.fontName = SANS
    legend.fontSize = 7
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(OUTBOUND_COLOUR, "outbound"), (INBOUND_COLOUR, "inbound")]
    drawing.add(legend)
    return drawing


def share_chart(couriers: Sequence[dict[str, Any]], width: float, height: float) -> Drawing:
    """A pie of the couriers' shares of the outbound parcels."""
    drawing = Drawing(width, height)
    rows = [row for row in couriers if row.get("outbound")]
    if not rows:
        drawing.add(String(width / 2, height / 2, "no outbound parcels", fontName=SANS,
                           fontSize=8, textAnchor="middle"))  # fmt: skip
        return drawing
    pie = Pie()
    size = min(width * 0.55, height - 16)
    pie.x, pie.y = 8, (height - size) / 2
    pie.width = pie.height = size
    pie.data = [row["outbound"] for row in rows]
    pie.labels = None
    pie.slices.strokeWidth = 0.5
    pie.slices.strokeColor = colors.white
    for k in range(len(rows)):
        pie.slices[k].fillColor = colors.HexColor(PALETTE[k % len(PALETTE)])
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = size + 24, height - 10
    legend.fontName = SANS
    legend.fontSize = 7
    legend.dx = legend.dy = 6
    legend.deltay = 10
    legend.columnMaximum = 12
    legend.alignment = "right"
    legend.colorNamePairs = [
        (
            colors.HexColor(PALETTE[k % len(PALETTE)]),
            f"{row['code'] or 'none'}  {format_value(row['share'], 'pct')}",
        )
        for k, row in enumerate(rows)
    ]
    drawing.add(legend)
    return drawing


def write_pdf(report: MonthlyReport, path: str | Path) -> Path:
    """The report on A4: key figures, the two charts, then every table."""
    register_fonts()
    path = Path(path)
    styles = _styles()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=report.title,
        author="hub (logistics)",
        creator="hub (logistics)",
        invariant=1,
    )
    width = doc.width
    tables = {table.name: table for table in report.tables()}
    story: list[Any] = [
        Paragraph(_markup(report.title), styles["title"]),
        Paragraph(
            _markup(
                f"{report.first_day:%Y-%m-%d} to {report.last_day:%Y-%m-%d}, "
                f"time zone {report.timezone}; made {report.generated_at:%Y-%m-%d %H:%M}"
            ),
            styles["subtitle"],
        ),
        Spacer(1, 4 * mm),
    ]
    half = (width - 6 * mm) / 2
    figures = Table(
        [
            [
                _pdf_table(tables["totals"], styles, half),
                _pdf_table(tables["service"], styles, half),
            ]
        ],
        colWidths=[half + 3 * mm, half + 3 * mm],
    )
    figures.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0),
                                 (-1, -1), 0)]))  # fmt: skip
    story.append(figures)
    story.append(Paragraph("Parcels by day", styles["heading"]))
    story.append(day_chart(report.days, width, 62 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph("Couriers' shares of outbound parcels", styles["heading"]),
                share_chart(report.couriers, width, 50 * mm),
            ]
        )
    )
    for name in ("stations", "couriers", "provinces", "categories", "days"):
        table = tables[name]
        story.append(Paragraph(_markup(table.title), styles["heading"]))
        story.append(_pdf_table(table, styles, width))
    try:
        doc.build(story)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput(f"File '{path}' cannot be written: {reason}.") from None
    return path
