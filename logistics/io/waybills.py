"""Reading the courier's waybill file: the tracking number (运单号) its system gave each
parcel of a handover file, found by the 订单号 / 中心编号 the handover file carried.

CSV or XLSX, any column order, Chinese or English headers (:func:`logistics.io.tables.open_table`);
the file is protected, so the same command can never write its rejects over it, and
read within the limits of :mod:`logistics.io.budgets` like every input file. Each line
keeps only its own row's cells (never padded to the header's width).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io.tables import open_table, write_rejects

ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_no": ("中心编号", "hub_parcel_id", "parcel"),
    "order_no": (
        "订单号",
        "订单编号",
        "客户订单号",
        "商家订单号",
        "order",
        "order_id",
        "order_ref",
    ),
    "tracking_no": (
        "运单号",
        "快递单号",
        "运单编号",
        "面单号",
        "单号",
        "mailno",
        "waybill",
        "waybill_no",
        "tracking",
        "tracking_number",
    ),
}


@dataclass(frozen=True)
class WaybillLine:
    row: int
    """The row number as the spreadsheet shows it."""
    parcel_ref: str
    """The hub parcel id (中心编号, else 订单号) the row names."""
    tracking_no: str
    original: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class WaybillFile:
    name: str
    headers: Sequence[str]
    lines: Sequence[WaybillLine]


def read_waybills(path: str | os.PathLike[str], *, encoding: str | None = None) -> WaybillFile:
    """The rows of a courier's waybill file; InvalidInput names a file that cannot be read,
    lacks the columns (运单号 and 订单号 or 中心编号) or is beyond the input budgets
    (:mod:`logistics.io.budgets`). ``encoding`` names a CSV file's encoding instead of
    telling it from the bytes."""
    table = open_table(path, ALIASES, required=["tracking_no"], encoding=encoding)
    if "parcel_no" not in table.columns and "order_no" not in table.columns:
        raise InvalidInput(
            _(
                "File '{file}' has no '订单号' or '中心编号' column: expected the hub parcel id "
                "beside each 运单号, as the handover file gave it."
            ).format(file=table.name)
        )
    lines = []
    for row in table:
        ref = row.values.get("parcel_no") or row.values.get("order_no") or ""
        lines.append(
            WaybillLine(row.number, ref, row.values.get("tracking_no", ""), table.original(row))
        )
    return WaybillFile(table.name, [h for h in table.headers if h], lines)


def write_waybill_rejects(
    path: str | os.PathLike[str],
    source: WaybillFile,
    rejects: Iterable[tuple[WaybillLine, str]],
    *,
    force: bool = False,
) -> int:
    """The refused rows as they were read, with a reason column (owner-only CSV)."""
    return write_rejects(
        path, source.headers, ((line.original, reason) for line, reason in rejects), force=force
    )
