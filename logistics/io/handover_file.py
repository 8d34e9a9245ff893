"""The handover file: a manifest's parcels with full recipient data, for the courier's
system to make its own waybills (电子面单).

The columns follow the batch-order import templates (批量下单 / 批量导入) of Chinese
couriers' outlet systems and of Cainiao: 订单号, 收件人姓名, 收件人手机, 收件省, 收件市,
收件区县, 收件详细地址, 寄件人姓名, 寄件人手机, 寄件省, 寄件市, 寄件区县, 寄件详细地址,
物品名称, 重量(kg), 件数, 备注. 订单号 carries the hub parcel id (中心编号), which the
courier's waybill file gives back beside each 运单号 (``hub manifest waybills``).

Written as CSV (UTF-8 with BOM, formula-safe) or XLSX, always readable by the owner only
(``private=True``): unlike paper, it holds names, phone numbers and addresses in full.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from logistics.io import files
from logistics.io.csv_export import safe_cell, write_csv

HEADERS: tuple[str, ...] = (
    "订单号",
    "收件人姓名",
    "收件人手机",
    "收件省",
    "收件市",
    "收件区县",
    "收件详细地址",
    "寄件人姓名",
    "寄件人手机",
    "寄件省",
    "寄件市",
    "寄件区县",
    "寄件详细地址",
    "物品名称",
    "重量(kg)",
    "件数",
    "备注",
)


@dataclass(frozen=True)
class HandoverRow:
    parcel_no: str
    recipient_name: str
    recipient_phone: str
    recipient_province: str
    recipient_city: str
    recipient_district: str
    recipient_address: str
    sender_name: str
    sender_phone: str
    sender_province: str
    sender_city: str
    sender_district: str
    sender_address: str
    goods: str
    weight_kg: Decimal
    pieces: int = 1
    remark: str = ""

    def cells(self) -> list[object]:
        return [
            self.parcel_no,
            self.recipient_name,
            self.recipient_phone,
            self.recipient_province,
            self.recipient_city,
            self.recipient_district,
            self.recipient_address,
            self.sender_name,
            self.sender_phone,
            self.sender_province,
            self.sender_city,
            self.sender_district,
            self.sender_address,
            self.goods,
            self.weight_kg,
            self.pieces,
            self.remark,
        ]


@dataclass(frozen=True)
class HandoverFile:
    manifest_no: str
    courier_code: str
    rows: Sequence[HandoverRow]
    parcel_ids: Sequence[int]
    """The database ids of the parcels in the file, in its order (for the record)."""


def is_xlsx(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() == ".xlsx"


def write_handover(
    doc: HandoverFile, path: str | os.PathLike[str], *, xlsx: bool = False, force: bool = False
) -> int:
    """Write the handover file at ``path`` (XLSX when ``xlsx``, else CSV), readable by its
    owner only; returns the number of parcel rows."""
    if not xlsx:
        return write_csv(
            path, HEADERS, [row.cells() for row in doc.rows], force=force, private=True
        )

    def fill(temporary: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = doc.manifest_no[:31]
        sheet.append(list(HEADERS))
        for row in doc.rows:
            # text stays text (phone numbers keep their digits), formulas never run
            sheet.append(
                [
                    value if isinstance(value, int | Decimal) else safe_cell(value)
                    for value in row.cells()
                ]
            )
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = 14
        book.save(temporary)

    files.write_file(path, fill, force=force, private=True)
    return len(doc.rows)
