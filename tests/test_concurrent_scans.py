"""Several processes scanning the same parcels at once never lose or double an event."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from collections import Counter

from sqlmodel import func, select

from logistics.models import Parcel, ParcelEvent
from logistics.services import integrity

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


# ------------------------------------------------------------------ real `hub scan -` sessions


def run_sessions(url, plans, tmp_path):
    """Run one `hub scan ACTION -` per (action, warm-up code, codes) at the same moment.

    Each session first answers its warm-up code (a scan that changes nothing), so all of
    them are started and reading; then every session gets all its codes at once, as a
    scanner types them. Returns [(exit code, [(code, verdict), ...]), ...].
    """
    env = {**os.environ, "HUB_DATABASE_URL": url, "COLUMNS": "200"}
    procs = []
    for n, (action, warm_up, codes) in enumerate(plans):
        proc = subprocess.Popen(
            [sys.executable, "-m", "logistics", "--operator", f"op{n}", "scan", action, "-"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        proc.stdin.write(f"{warm_up}\n")
        proc.stdin.flush()
        procs.append((proc, codes))
    for proc, _ in procs:
        assert proc.stdout.readline().startswith("already"), proc.stderr.read()
    for proc, codes in procs:
        proc.stdin.write("".join(f"{c}\n" for c in codes))
        proc.stdin.flush()
    results = []
    for proc, codes in procs:
        out, err = proc.communicate(timeout=180)
        assert "Traceback" not in err and "Unexpected error" not in err, err
        lines = out.splitlines()
        assert len(lines) == len(codes) + 1, out  # one answer per code, then the summary
        verdicts = [line.split()[0] for line in lines[:-1]]
        assert set(verdicts) <= {"done", "already", "refused"}, out
        results.append((proc.returncode, list(zip(codes, verdicts, strict=True))))
    return results


def events_by_parcel(session, action, codes):
    """How many events of ``action`` each of the parcels ``codes`` has (those with any)."""
    rows = session.exec(
        select(Parcel.parcel_no, func.count(ParcelEvent.id))
        .join(ParcelEvent, ParcelEvent.parcel_id == Parcel.id)
        .where(ParcelEvent.action == action, Parcel.parcel_no.in_(codes))
        .group_by(Parcel.parcel_no)
    ).all()
    return dict(rows)


def test_four_scan_sessions_in_any_order_lose_nothing_and_double_nothing(
    make_parcel, sample_network, database_url, tmp_path
):
    codes = [make_parcel("collected").parcel_no for _ in range(40)]
    warm_up = make_parcel("at_hub").parcel_no
    sample_network.close()
    orders = [random.Random(seed).sample(codes, len(codes)) for seed in range(4)]
    plans = [("arrive", warm_up, order) for order in orders]
    results = run_sessions(database_url, plans, tmp_path)

    assert [code for code, _ in results] == [0, 0, 0, 0]
    done = Counter(code for _, answers in results for code, v in answers if v == "done")
    already = Counter(code for _, answers in results for code, v in answers if v == "already")
    assert done == Counter(codes), "each arrival answered 'done' exactly once"
    assert already == Counter({code: 3 for code in codes})
    assert events_by_parcel(sample_network, "arrive", codes) == {code: 1 for code in codes}
    statuses = dict(sample_network.exec(select(Parcel.parcel_no, Parcel.status)).all())
    assert {statuses[code] for code in codes} == {"at_hub"}
    assert integrity.check(sample_network) == []


def test_four_sessions_holding_and_releasing_the_same_parcels_agree_with_the_log(
    make_parcel, sample_network, database_url, tmp_path
):
    codes = [make_parcel("at_hub").parcel_no for _ in range(30)]
    warm_up = {"hold": make_parcel("collected"), "release": make_parcel("at_hub")}
    hold_scan = run_workers(database_url, "hold", [warm_up["hold"].parcel_no], workers=1)
    assert hold_scan == [["done"]]
    sample_network.close()
    plans = [
        (action, warm_up[action].parcel_no, random.Random(seed).sample(codes, len(codes)))
        for seed, action in enumerate(["hold", "release", "hold", "release"])
    ]
    results = run_sessions(database_url, plans, tmp_path)

    for (action, _, _), (exit_code, answers) in zip(plans, results, strict=True):
        refused = any(v == "refused" for _, v in answers)
        assert exit_code == (1 if refused else 0), action
    answered = {"hold": Counter(), "release": Counter()}
    for (action, _, _), (_, answers) in zip(plans, results, strict=True):
        answered[action].update(c for c, v in answers if v == "done")
    # Every 'done' is one event in the log, and every event was answered 'done'.
    assert events_by_parcel(sample_network, "hold", codes) == dict(answered["hold"])
    assert events_by_parcel(sample_network, "release", codes) == dict(answered["release"])
    statuses = dict(sample_network.exec(select(Parcel.parcel_no, Parcel.status)).all())
    for code in codes:
        held = answered["hold"][code] - answered["release"][code]
        assert held in (0, 1), code
        assert statuses[code] == ("held" if held else "at_hub"), code
    assert integrity.check(sample_network) == []


def test_four_keepers_scanning_in_at_one_station_never_give_one_pickup_code_twice(
    make_parcel, sample_network, database_url, tmp_path
):
    parcels = [make_parcel("out_for_delivery", station="GD05") for _ in range(40)]
    warm_up = make_parcel("at_station", station="GD05").parcel_no
    codes = [p.parcel_no for p in parcels]
    sample_network.close()
    # each session scans its own quarter of the parcels, all at the same station
    plans = [("at-station", warm_up, codes[n::4]) for n in range(4)]
    results = run_sessions(database_url, plans, tmp_path)

    assert [code for code, _ in results] == [0, 0, 0, 0]
    given = sample_network.exec(select(Parcel.pickup_code).where(Parcel.parcel_no.in_(codes))).all()
    assert None not in given and len(set(given)) == 40
    assert {int(code.split("-")[2]) for code in given} == set(range(1001, 1041))
