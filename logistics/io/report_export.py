"""Writing a report's tables: a folder of CSV files, an XLSX workbook, a PDF with charts.

The hub's monthly report and the county's (``hub report monthly --county``) share the
CSV and XLSX writers (both are a title and tables); each has its own PDF story.

Pure writers (no database): they take a report from `logistics.services.reports`
(anything with ``title``, ``tables()``, ``days`` and ``couriers``) and write files
through `logistics.io.files`, which refuses to replace an existing file unless the
caller passes ``force`` and words a failure to write. A cell reads as
`logistics.io.report_text.cell_text` writes it, as in the terminal.

- CSV: one file per table (``totals.csv``, ``stations.csv``...), UTF-8 with a BOM so
  Excel and WPS show the Chinese names, cells made formula-safe by `write_csv`.
- XLSX: one sheet per table, header row frozen, numbers stored as numbers (money and kg
  exactly as their decimals, shares as fractions shown as per cent); a key figure's
  words and its unit, a product's name, never the key CSV keeps for scripts.
- PDF: A4, the key figures, a bar chart of parcels by day and a pie of the couriers'
  shares drawn with reportlab's own graphics, then every table, and at the end a place
  for the preparer's and the checker's signatures and the unit's stamp, as a report to
  the county commerce bureau has. Every page names the hub and the month and carries
  "Page 1 of 3". Chinese is set in the CID font STSong-Light (no font file needed),
  Latin text in Helvetica.

Titles, headings, headers, sheet names and row labels are in the language chosen for
the command (the report's tables carry them); CSV keeps codes and English keys for
scripts.
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
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io import files
from logistics.io.csv_export import safe_cell, write_csv
from logistics.io.pdf.fonts import (
    CJK,
    SANS,
    SANS_BOLD,
    draw_text,
    printable,
    register_fonts,
    text_width,
)
from logistics.io.report_text import (
    FIGURE_TABLES,
    NUMERIC,
    XLSX_FORMATS,
    cell_kind,
    cell_text,
    figure_text,
)

if TYPE_CHECKING:
    from logistics.services.report_county import CountyReport
    from logistics.services.reports import MonthlyReport, ReportTable, TableColumn

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


# ---------------------------------------------------------------- CSV


def write_csv_dir(report: MonthlyReport, folder: str | Path, *, force: bool = False) -> list[Path]:
    """One CSV file per table in `folder`; returns the files written.

    A folder made here is the command's own, so its files are written freely; in a
    folder that was already there, an existing file is replaced only with ``force``,
    and every file is checked before the first is written, so a refusal writes none.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(
            _("'{folder}' is a file: expected a folder for the CSV files.").format(folder=folder)
        )
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            reason = (error.strerror or type(error).__name__).lower()
            raise InvalidInput(
                _("Folder '{folder}' cannot be made: {reason}.").format(
                    folder=folder, reason=reason
                )
            ) from None
        files.own_folder(folder)
    tables = report.tables()
    paths = [folder / f"{table.name}.csv" for table in tables]
    for path in paths:
        files.check_target(path, force=force)
    for table, path in zip(tables, paths, strict=True):
        write_csv(path, [column.key for column in table.columns], table.rows, force=force)
    return paths


# ---------------------------------------------------------------- XLSX


def write_xlsx(report: MonthlyReport, path: str | Path, *, force: bool = False) -> Path:
    """A workbook with one sheet per table, numbers as numbers, Chinese as text."""
    files.check_target(path, force=force)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in report.tables():
        sheet = book.create_sheet(_sheet_name(table))
        columns = table.people_columns  # words, not the keys CSV keeps for scripts
        sheet.append([column.header for column in columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center")
        widths = [max(8, _text_width(column.header)) for column in columns]
        for row in table.rows:
            values = []
            for k, column in enumerate(columns):
                value = _xlsx_value(row.get(column.field))
                values.append(value)
                widths[k] = max(widths[k], _text_width(value))
            sheet.append(values)
            for column, cell in zip(columns, sheet[sheet.max_row], strict=True):
                number_format = XLSX_FORMATS.get(cell_kind(column, row))
                if number_format and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = number_format
                elif isinstance(cell.value, str):
                    cell.alignment = Alignment(horizontal="left")
        for k, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(k)].width = min(width + 2, 48)
        sheet.freeze_panes = "A2"
    book.properties.title = report.title
    book.properties.creator = "hub (logistics)"
    return files.write_file(path, book.save, force=force)


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(table: ReportTable) -> str:
    """The table's sheet name in the chosen language, as Excel allows it (31 characters,
    none of []:*?/\\)."""
    return _NOT_IN_SHEET_NAMES.sub(" ", table.sheet or table.name)[:31]


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
        "sign": ParagraphStyle("sign", base, fontSize=10, leading=14),
    }


def _pdf_table(table: ReportTable, styles, width: float) -> Table:
    figures = table.name in FIGURE_TABLES
    columns = (
        [c for c in table.columns if c.key in ("label", "value")]
        if figures
        else table.people_columns
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
            text = figure_text(row, column)
            style = styles["num" if column.kind in NUMERIC else "cell"]
            cells.append(Paragraph(_markup(text), style))
        data.append(cells)
    weights = [3 if column.kind == "text" else 2 for column in columns]
    if figures:
        weights = [7, 4]
    pdf = Table(data, colWidths=_widths(weights, columns, width), repeatRows=1)
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


def _widths(weights: list[int], columns: Sequence[TableColumn], width: float) -> list[float]:
    """Column widths by weight, each wide enough for its header on one line where the
    page allows (a Chinese header such as 重量（kg） is wider than its English one)."""
    unit = width / sum(weights)
    # a cell's padding (6 pt a side) plus the header's bold text
    needed = [text_width(column.header, 8, SANS_BOLD) + 13 for column in columns]
    grown = [max(w * unit, need) for w, need in zip(weights, needed, strict=True)]
    spare = sum(grown) - width
    if spare > 0:  # take it back from the columns wider than their header needs
        slack = [max(g - need, 0) for g, need in zip(grown, needed, strict=True)]
        total = sum(slack)
        if total:
            cut = min(spare, total)
            grown = [g - cut * k / total for g, k in zip(grown, slack, strict=True)]
    scale = width / sum(grown)
    return [g * scale for g in grown]


def day_chart(days: Sequence[dict[str, Any]], width: float, height: float) -> Drawing:
    """Stacked bars of outbound and inbound parcels by day of the month."""
    names = (_("outbound"), _("inbound"))
    return _bar_chart(
        width,
        height,
        [[row["outbound"] for row in days], [row["inbound"] for row in days]],
        [f"{row['date'].day}" for row in days],
        list(zip((OUTBOUND_COLOUR, INBOUND_COLOUR), names, strict=True)),
        stacked=True,
        frame=(36, 28, 48, 56),
        category_size=6,
        spacing=0.5,
        legend_at=(40, 8),
    )


def share_chart(couriers: Sequence[dict[str, Any]], width: float, height: float) -> Drawing:
    """A pie of the couriers' shares of the outbound parcels."""
    drawing = Drawing(width, height)
    rows = [row for row in couriers if row.get("outbound")]
    if not rows:
        nothing = _("no outbound parcels")
        drawing.add(String(width / 2, height / 2, nothing, fontName=_font_for(nothing),
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
            f"{row['code'] or _('(no courier yet)')}  {cell_text(row['share'], 'pct')}",
        )
        for k, row in enumerate(rows)
    ]
    legend.fontName = _font_for(*(name for _colour, name in legend.colorNamePairs))
    drawing.add(legend)
    return drawing


def _font_for(*texts: str) -> str:
    """Helvetica for ASCII text, else the Chinese font (a chart's strings take one font)."""
    return SANS if all(text.isascii() for text in texts) else CJK


class _NumberedCanvas(Canvas):
    """A canvas that keeps every page until the end, then writes on each one the hub's
    report and "Page n of N" (the number of pages is known only once all are laid out)."""

    def __init__(self, *args: Any, footer: str = "", page_text: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._page_text = page_text
        self._kept: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._kept)
        for state in self._kept:
            self.__dict__.update(state)
            self._draw_footer(self._pageNumber, pages)
            super().showPage()
        super().save()

    def _draw_footer(self, page: int, pages: int) -> None:
        width, _height = self._pagesize
        y = 8 * mm
        self.setStrokeColor(colors.HexColor("#999999"))
        self.setLineWidth(0.4)
        self.line(15 * mm, y + 3.5 * mm, width - 15 * mm, y + 3.5 * mm)
        self.setFillColor(colors.black)
        draw_text(self, 15 * mm, y, self._footer, 7, max_width=width * 0.6)
        shown = self._page_text.format(page=page, pages=pages)
        draw_text(self, width - 15 * mm, y, shown, 7, align="right")


def write_pdf(report: MonthlyReport, path: str | Path, *, force: bool = False) -> Path:
    """The report on A4: key figures, the two charts, every table, then the signatures;
    each page names the hub and the month and says "Page n of N"."""
    return _write_pdf(report, path, _story, force=force)


def write_county_pdf(report: CountyReport, path: str | Path, *, force: bool = False) -> Path:
    """The county's report on A4: key figures, parcels by hub against the month before
    and the year before, the couriers' shares, the tables, then the signatures; each
    page names the month and says "Page n of N". Figures only: no recipient. Landscape:
    its tables carry the month before and the year before beside the month."""
    return _write_pdf(report, path, _county_story, force=force, pagesize=landscape(A4))


def _write_pdf(
    report: Any, path: str | Path, story: Any, *, force: bool, pagesize: Any = A4
) -> Path:
    files.check_target(path, force=force)
    register_fonts()
    footer = report.title
    page_text = _("Page {page} of {pages}")

    def canvas(*args: Any, **kwargs: Any) -> Canvas:
        return _NumberedCanvas(*args, footer=footer, page_text=page_text, **kwargs)

    def fill(target: Path) -> None:
        doc = SimpleDocTemplate(
            str(target),
            pagesize=pagesize,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=18 * mm,
            title=report.title,
            author="hub (logistics)",
            creator="hub (logistics)",
            invariant=1,
        )
        doc.build(story(report, doc.width), canvasmaker=canvas)

    return files.write_file(path, fill, force=force)


def _signatures(styles: dict[str, ParagraphStyle], width: float) -> Table:
    """Where the preparer and the checker sign and the unit stamps the report."""
    cells = [
        _("Prepared by: ________"),
        _("Checked by: ________"),
        _("(Stamp)"),
    ]
    row = [Paragraph(_markup(text), styles["sign"]) for text in cells]
    table = Table([row], colWidths=[width * 0.38, width * 0.38, width * 0.24])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _dates(report: MonthlyReport | CountyReport) -> dict[str, str]:
    """The report's first and last day and when it was made, for its subtitle."""
    return {
        "first": f"{report.first_day:%Y-%m-%d}",
        "last": f"{report.last_day:%Y-%m-%d}",
        "made": f"{report.generated_at:%Y-%m-%d %H:%M}",
    }


def _opening(report: MonthlyReport | CountyReport, period: str, styles: dict) -> list[Any]:
    return [
        Paragraph(_markup(report.title), styles["title"]),
        Paragraph(_markup(period), styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]


def _shares(report: MonthlyReport | CountyReport, styles: dict, width: float) -> KeepTogether:
    return KeepTogether(
        [
            Paragraph(_markup(_("Couriers' shares of outbound parcels")), styles["heading"]),
            share_chart(report.couriers, width, 50 * mm),
        ]
    )


def _closing(tables: Sequence[ReportTable], styles: dict, width: float) -> list[Any]:
    """Each table under its title, then the signatures."""
    story: list[Any] = []
    for table in tables:
        story.append(Paragraph(_markup(table.title), styles["heading"]))
        story.append(_pdf_table(table, styles, width))
    story.append(Spacer(1, 12 * mm))
    story.append(KeepTogether([_signatures(styles, width)]))
    return story


def _story(report: MonthlyReport, width: float) -> list[Any]:
    styles = _styles()
    tables = {table.name: table for table in report.tables()}
    period = _("{first} to {last}, time zone {zone}; made {made}").format(
        **_dates(report), zone=report.timezone
    )
    story = _opening(report, period, styles)
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
    story.append(Paragraph(_markup(_("Parcels by day")), styles["heading"]))
    story.append(day_chart(report.days, width, 62 * mm))
    story.append(_shares(report, styles, width))
    names = ("stations", "couriers", "provinces", "categories", "days")
    return story + _closing([tables[name] for name in names], styles, width)


def hub_chart(hubs: Sequence[dict[str, Any]], months: Sequence[str], width: float,
              height: float) -> Drawing:  # fmt: skip
    """Bars of each hub's parcels: the month, the month before, the same month last year."""
    shades = (OUTBOUND_COLOUR, colors.HexColor("#9ecae1"), colors.HexColor("#bdbdbd"))
    return _bar_chart(
        width,
        height,
        [[row[key] for row in hubs] for key in ("parcels", "previous", "last_year")],
        [row["code"] for row in hubs],
        list(zip(shades, months, strict=True)),
        frame=(44, 20, 56, 44),
        category_size=7,
        spacing=1,
        legend_at=(48, 6),
        legend_step=60,
    )


def _bar_chart(
    width: float,
    height: float,
    series: list[list[int]],
    categories: list[str],
    legend: list[tuple[Any, str]],
    *,
    frame: tuple[float, float, float, float],
    category_size: float,
    spacing: float,
    legend_at: tuple[float, float],
    stacked: bool = False,
    legend_step: float | None = None,
) -> Drawing:
    """The reports' bar charts: one colour per series, counts with thousands separated,
    the legend on top. ``frame`` is the chart's x, y and the width and height left out;
    ``legend_at`` the legend's x and its distance below the top."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    x, y, spare_width, spare_height = frame
    chart.x, chart.y = x, y
    chart.width, chart.height = width - spare_width, height - spare_height
    chart.data = series
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = category_size
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    for k, (shade, _name) in enumerate(legend):
        chart.bars[k].fillColor = shade
    chart.bars.strokeWidth = 0
    chart.barSpacing = spacing
    drawing.add(chart)
    key = Legend()
    key.x, key.y = legend_at[0], height - legend_at[1]
    key.fontName = _font_for(*(name for _shade, name in legend))
    key.fontSize = 7
    key.columnMaximum = 1
    key.alignment = "right"
    key.dx = key.dy = 6
    if legend_step is not None:
        key.deltax = legend_step
    key.colorNamePairs = legend
    drawing.add(key)
    return drawing


#: The breakdown's columns the PDF leaves out for width: the hubs table names the hubs.
_COUNTY_PDF_LEAVES_OUT = ("hub_name",)


def _county_story(report: CountyReport, width: float) -> list[Any]:
    from dataclasses import replace

    styles = _styles()
    tables = {table.name: table for table in report.tables()}
    period = _("{first} to {last}, each hub's own days; made {made}").format(**_dates(report))
    story = _opening(report, period, styles)
    story += [
        _pdf_table(tables["totals"], styles, width * 0.45),
        Paragraph(_markup(_("Parcels by hub")), styles["heading"]),
        hub_chart(
            report.hubs,
            (report.month, report.previous_month, report.last_year_month),
            width,
            55 * mm,
        ),
        _shares(report, styles, width),
    ]
    shown = [
        replace(
            table, columns=tuple(c for c in table.columns if c.key not in _COUNTY_PDF_LEAVES_OUT)
        )
        for table in (tables[name] for name in ("hubs", "couriers", "breakdown"))
    ]
    return story + _closing(shown, styles, width)
