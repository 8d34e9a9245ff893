"""Build, close and print a 3,000-parcel manifest through the service on SQLite.

Prints the seconds of each step: build (parcels onto the open manifest), close (every
parcel manifested, one event each, one transaction), print (document from the
database + PDF render; "document" is the database part alone) and CSV, as wall
seconds with the process's CPU seconds in brackets. Target: the PDF print under 5 seconds.

Usage: python benchmarks/manifest_service.py [PARCELS]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

TARGET_SECONDS = 5.0


def seed(url: str, parcels: int) -> None:
    """The sample township and `parcels` ZTO parcels at the hub, inserted in bulk."""
    from sqlalchemy import insert, select

    from logistics import db
    from logistics.domain.clock import to_local, utcnow, zone
    from logistics.domain.parcel_status import Action, Direction, Status
    from logistics.models import Courier, Hub, Parcel, ParcelEvent, Station
    from logistics.services import network_sample

    with db.session_scope(url) as session:
        network_sample.load_sample_network(session)
        hub = session.exec(select(Hub)).scalars().first()
        stations = list(session.exec(select(Station)).scalars())
        courier = session.exec(select(Courier).where(Courier.code == "ZTO")).scalars().one()
        start = utcnow() - timedelta(hours=3)
        day = to_local(start, zone(hub.timezone)).date()
        provinces = [
            ("44", "广州"),
            ("51", "成都"),
            ("33", "杭州"),
            ("11", "北京"),
            ("65", "乌鲁木齐"),
        ]
        surnames = "张王李赵刘陈杨黄欧阳"
        rows = []
        for i in range(parcels):
            code, city = provinces[i % len(provinces)]
            rows.append(
                {
                    "parcel_no": f"P{day:%Y%m%d}-{i + 1:05d}",
                    "tracking_no": None if i % 20 == 7 else f"7{73100000000000 + i * 7919:013d}",
                    "direction": Direction.OUTBOUND,
                    "station_id": stations[i % len(stations)].id,
                    "recipient_name": surnames[i % 8] + "小明",
                    "recipient_phone": f"138{i:08d}",
                    "province_code": code,
                    "city": city,
                    "weight_g": 500 + (i % 37) * 250,
                    "chargeable_g": 1000 + (i % 9) * 1000,
                    "courier_id": courier.id,
                    "courier_fixed": False,
                    "status": Status.AT_HUB,
                    "registered_at": start,
                    "registered_on": day,
                    "status_at": start,
                }
            )
        session.execute(insert(Parcel), rows)
        ids = session.exec(select(Parcel.id)).scalars().all()
        session.execute(
            insert(ParcelEvent),
            [
                {
                    "parcel_id": pid,
                    "at": start,
                    "action": Action.ARRIVE,
                    "from_status": Status.COLLECTED,
                    "to_status": Status.AT_HUB,
                    "operator": "bench",
                }
                for pid in ids
            ],
        )
        session.commit()


def measure(parcels: int = 3000) -> dict:
    """Build, close and print a ``parcels``-parcel manifest on a fresh SQLite hub.

    Keys: figures ({step: (wall, cpu)} for build, close, document, print_pdf, print_csv,
    reprint_pdf), parcels, pages, size, identical (reprint byte-identical), and render /
    render_cpu: the floor, the pure renderer ``render_manifest`` on the same document
    (read once more from the database, untimed), after the prints, so warm."""
    os.environ.pop("HUB_DATABASE_URL", None)
    from logistics import db
    from logistics.io.manifest_csv import write_manifest_csv
    from logistics.io.pdf.manifest import render_manifest, write_manifest_pdf
    from logistics.services import manifests

    def print_pdf(session, number, path) -> int:
        """As `hub manifest print --pdf`: the document from the database, written by io."""
        doc = manifests.manifest_document(session, number)
        session.rollback()
        return write_manifest_pdf(doc, path)

    def print_csv(session, number, path) -> int:
        doc = manifests.manifest_document(session, number)
        session.rollback()
        return write_manifest_csv(doc, path)

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'hub.db'}"
        db.upgrade(url)
        seed(url, parcels)
        figures: dict[str, tuple[float, float]] = {}

        def timed(name, work):
            wall, cpu = time.perf_counter(), time.process_time()
            result = work()
            figures[name] = (time.perf_counter() - wall, time.process_time() - cpu)
            return result

        folder_path = Path(folder)
        pdf, again = folder_path / "manifest.pdf", folder_path / "again.pdf"
        with db.session_scope(url) as session:
            built = timed(
                "build", lambda: manifests.build_manifests(session, courier="ZTO", operator="bench")
            )
            number = built.manifests[0].manifest_no
            closed = timed(
                "close", lambda: manifests.close_manifest(session, number, operator="bench")
            )
            timed("document", lambda: manifests.manifest_document(session, number))
            session.rollback()
            pages = timed("print_pdf", lambda: print_pdf(session, number, pdf))
            timed("print_csv", lambda: print_csv(session, number, folder_path / "m.csv"))
            timed("reprint_pdf", lambda: print_pdf(session, number, again))
            identical = pdf.read_bytes() == again.read_bytes()
            size = pdf.stat().st_size
            doc = manifests.manifest_document(session, number)
            session.rollback()
        wall, cpu = time.perf_counter(), time.process_time()
        render_manifest(doc, folder_path / "floor.pdf")
        render, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.dispose_engine(url)
    return {
        "figures": figures,
        "parcels": closed.parcels,
        "pages": pages,
        "size": size,
        "identical": identical,
        "render": render,
        "render_cpu": render_cpu,
    }


def main() -> None:
    parcels = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    m = measure(parcels)
    figures = m["figures"]
    verdict = "ok" if figures["print_pdf"][0] < TARGET_SECONDS else "SLOW"
    steps = " ".join(f"{name}={wall:.2f}s(cpu {cpu:.2f})" for name, (wall, cpu) in figures.items())
    print(
        f"manifest_service parcels={m['parcels']} pages={m['pages']} {steps} "
        f"size_kb={m['size'] // 1024} reprint_identical={m['identical']} "
        f"pdf_target<{TARGET_SECONDS:.0f}s {verdict}"
    )


if __name__ == "__main__":
    main()
