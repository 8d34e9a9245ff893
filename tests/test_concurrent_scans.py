"""Several processes scanning the same parcels at once never lose or double an event."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlmodel import func, select

from logistics.models import Parcel, ParcelEvent

WORKER = textwrap.dedent(
    """
    import sys
    from logistics.services.scanning import open_scan_session
    url, action, operator, *codes = sys.argv[1:]
    scan = open_scan_session(url, action, operator=operator)
    verdicts = [scan.scan(code).verdict for code in codes]
    print(" ".join(verdicts))
    """
)


def run_workers(url, action, codes, workers=4):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, action, f"op{n}", *codes],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        outputs.append(out.split())
    return outputs


def test_four_processes_arriving_the_same_parcels(make_parcel, sample_network, database_url):
    parcels = [make_parcel("collected") for _ in range(30)]
    codes = [p.parcel_no for p in parcels]
    outputs = run_workers(database_url, "arrive", codes)
    done = sum(v == "done" for out in outputs for v in out)
    already = sum(v == "already" for out in outputs for v in out)
    assert (done, already) == (30, 90)
    sample_network.expire_all()
    arrivals = sample_network.exec(
        select(func.count()).select_from(ParcelEvent).where(ParcelEvent.action == "arrive")
    ).one()
    assert arrivals == 30
    statuses = set(sample_network.exec(select(Parcel.status)).all())
    assert statuses == {"at_hub"}


def test_hold_and_release_racing_keep_status_and_last_event_in_agreement(
    make_parcel, sample_network, database_url
):
    parcels = [make_parcel("at_hub") for _ in range(15)]
    codes = [p.parcel_no for p in parcels]
    procs_hold = run_workers(database_url, "hold", codes, workers=2)
    assert sum(v == "done" for out in procs_hold for v in out) == 15
    sample_network.expire_all()
    for parcel in sample_network.exec(select(Parcel)).all():
        last = sample_network.exec(
            select(ParcelEvent)
            .where(ParcelEvent.parcel_id == parcel.id)
            .order_by(ParcelEvent.id.desc())
        ).first()
        assert last.to_status == parcel.status == "held"
