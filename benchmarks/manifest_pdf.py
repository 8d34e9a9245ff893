"""Render a 3,000-parcel pickup manifest PDF and print the seconds it took.

Target: under 5 seconds. Usage: python benchmarks/manifest_pdf.py [PARCELS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from logistics.domain.manifest_status import ManifestStatus
from logistics.io.pdf.manifest import (
    ManifestDocument,
    ManifestHandover,
    ManifestLine,
    render_manifest,
)

TARGET_SECONDS = 5.0
STATIONS = ["青山村服务站", "桃花坪村服务站", "石门坎村代办点", "猕猴桃合作社", "茶园村服务站"]
PLACES = [
    ("四川", "成都市"),
    ("广东", "广州市"),
    ("浙江", "杭州市"),
    ("新疆", "乌鲁木齐市"),
    ("北京", "北京市"),
]
SURNAMES = "张王李赵刘陈杨黄"


def manifest(parcels: int) -> ManifestDocument:
    lines = [
        ManifestLine(
            seq=i + 1,
            parcel_no=f"P20261123-{i + 1:05d}",
            tracking_no=None if i % 20 == 7 else f"7{73100000000000 + i * 7919:014d}",
            origin_station=STATIONS[i % len(STATIONS)],
            origin_station_code=f"ST{i % 30 + 1:02d}",
            dest_province=PLACES[i % len(PLACES)][0],
            dest_city=PLACES[i % len(PLACES)][1],
            chargeable_g=(i % 37 + 5) * 250,
            recipient=f"{SURNAMES[i % len(SURNAMES)]}*  1******{i % 10000:04d}",
        )
        for i in range(parcels)
    ]
    return ManifestDocument(
        manifest_no="M-ZTO-20261123-1",
        hub_name="青山镇快递物流集散中心",
        hub_code="QS01",
        courier_code="ZTO",
        courier_name="中通快递",
        service_date=date(2026, 11, 23),
        cutoff=clock_time(17, 0),
        status=ManifestStatus.CLOSED,
        issued_at=datetime(2026, 11, 23, 16, 50),
        lines=lines,
        operator_name="李明",
        handover=ManifestHandover("王大力", "川A12345", datetime(2026, 11, 23, 17, 5)),
    )


def main() -> None:
    parcels = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    doc = manifest(parcels)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.pdf"
        render_manifest(manifest(10), Path(folder) / "warm-up.pdf")  # font registration etc.
        wall, cpu = time.perf_counter(), time.process_time()
        pages = render_manifest(doc, path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = path.stat().st_size
    verdict = "ok" if wall < TARGET_SECONDS else "SLOW"
    print(
        f"manifest_pdf parcels={parcels} pages={pages} seconds={wall:.2f} cpu={cpu:.2f} "
        f"size_kb={size // 1024} target<{TARGET_SECONDS:.0f}s {verdict}"
    )


if __name__ == "__main__":
    main()
