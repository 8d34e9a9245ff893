"""Reports: the monthly volume report and the operator's end-of-day report, as plain data.

Both reports are dataclasses of rows (dicts of ints, Decimals and text) that the CLI
renders with rich and `logistics.io.report_export` writes as CSV, XLSX and PDF.
``tables()`` lists a report's tables with their columns in the order they are shown.

The work is split by job: `report_monthly` and `report_daily` make the two reports,
`report_rollups` holds the GROUP BYs they read, `report_tables` the tables' layout and
how a figure reads. This module is the one name callers import.
"""

from __future__ import annotations

from logistics.services.report_daily import DailyReport, daily_report
from logistics.services.report_monthly import MonthlyReport, default_month, monthly_report
from logistics.services.report_rollups import (
    EXCEPTION_STATUSES,
    OPEN_STATUSES,
    STATUS_ORDER,
    hours_between,
    percentile,
)
from logistics.services.report_tables import (
    CATEGORY_LABELS,
    FIGURE_COLUMNS,
    SERVICE_LABELS,
    TOP_PROVINCES,
    TOTAL_LABELS,
    WEEKDAYS,
    ReportTable,
    TableColumn,
)

__all__ = [
    "CATEGORY_LABELS",
    "EXCEPTION_STATUSES",
    "FIGURE_COLUMNS",
    "OPEN_STATUSES",
    "SERVICE_LABELS",
    "STATUS_ORDER",
    "TOP_PROVINCES",
    "TOTAL_LABELS",
    "WEEKDAYS",
    "DailyReport",
    "MonthlyReport",
    "ReportTable",
    "TableColumn",
    "daily_report",
    "default_month",
    "hours_between",
    "monthly_report",
    "percentile",
]
