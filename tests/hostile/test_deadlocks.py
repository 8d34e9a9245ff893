"""Scanner, assign, build and close at once on PostgreSQL: nobody dies of a deadlock (issue 17, 2).

Before: `hub assign` updated parcels (and so waited for a share lock on their courier's
row) while `hub manifest build` held that courier row FOR UPDATE and waited for the same
parcels: PostgreSQL killed one of them ("DeadlockDetected"), 6 of 16 assign runs under a
scanner plus assign and build loops. Now assign, build, close and handover take one
advisory lock of the hub first (``services/locks.py``) and a transaction that still
loses a deadlock or a serialization conflict is run again.

Four processes, each with its own engine, loop for :data:`SECONDS`: a scanner arriving
collected parcels and holding and releasing parcels at the hub, ``assign_day``,
``build_manifests`` and ``close_manifest`` on every open manifest of the day. Every
run must succeed or be refused with a rule's sentence; ``hub db check`` is clean after.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy.exc import OperationalError

from logistics import db
from logistics.errors import DatabaseBusy
from logistics.services import integrity, locks

SECONDS = 15

WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from sqlmodel import select

    from logistics import db
    from logistics.errors import DatabaseBusy, HubError
    from logistics.domain.manifest_status import ManifestStatus
    from logistics.models import Manifest, Parcel
    from logistics.domain.parcel_status import Status

    url, role, seconds, *codes = sys.argv[1:]
    deadline = time.monotonic() + float(seconds)
    tally = {"role": role, "ok": 0, "refused": 0, "failed": []}


    def attempt(work):
        try:
            work()
            tally["ok"] += 1
        except DatabaseBusy as error:
            tally["failed"].append(f"DatabaseBusy: {error}")
        except HubError:
            tally["refused"] += 1
        except Exception as error:  # what the operator would see as "Unexpected error"
            tally["failed"].append(f"{type(error).__name__}: {str(error).splitlines()[0]}")


    if role == "scan":
        from logistics.services.scanning import open_scan_session

        sessions = {
            action: open_scan_session(url, action, operator="scanner")
            for action in ("arrive", "hold", "release")
        }
        random.seed(2)
        arrived = []
        waiting = list(codes)
        while time.monotonic() < deadline:
            if waiting:
                code = waiting.pop()
                attempt(lambda: sessions["arrive"].scan(code))
                arrived.append(code)
            if arrived:
                code = random.choice(arrived)
                attempt(lambda: sessions["hold"].scan(code))
                attempt(lambda: sessions["release"].scan(code))
            time.sleep(0.005)
    else:
        from logistics.services import assignment, manifests

        def assign():
            with db.session_scope(url) as session:
                assignment.assign_day(session, operator="assigner")

        def build():
            with db.session_scope(url) as session:
                manifests.build_manifests(session, operator="builder")

        def close():
            with db.session_scope(url) as session:
                numbers = session.exec(
                    select(Manifest.manifest_no).where(Manifest.status == ManifestStatus.OPEN)
                ).all()
            for number in numbers:
                def one(number=number):
                    with db.session_scope(url) as session:
                        manifests.close_manifest(session, number, operator="closer")
                attempt(one)

        work = {"assign": assign, "build": build, "close": close}[role]
        while time.monotonic() < deadline:
            if role == "close":
                work()
                time.sleep(0.2)
            else:
                attempt(work)
    print(json.dumps(tally))
    """
)


@pytest.mark.postgresql_only
def test_scanner_assign_build_and_close_at_once_never_fail(
    make_parcel, sample_network, database_url
):
    waiting = [make_parcel("at_hub").parcel_no for _ in range(60)]
    collected = [make_parcel("collected").parcel_no for _ in range(240)]
    sample_network.close()
    arguments = {
        "scan": collected,
        "assign": [],
        "build": [],
        "close": [],
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url, role, str(SECONDS), *codes],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, codes in arguments.items()
    ]
    tallies = []
    for proc in procs:
        out, err = proc.communicate(timeout=SECONDS + 60)
        assert proc.returncode == 0, err
        tallies.append(json.loads(out.splitlines()[-1]))
    print()
    for tally in tallies:
        print(
            f"{tally['role']:>7}: {tally['ok']} done, {tally['refused']} refused, "
            f"{len(tally['failed'])} failed {tally['failed'][:3]}"
        )

    assert {t["role"]: t["failed"] for t in tallies} == dict.fromkeys(arguments, [])
    by_role = {t["role"]: t for t in tallies}
    assert by_role["assign"]["ok"] >= 3 and by_role["build"]["ok"] >= 3
    assert by_role["close"]["ok"] >= 1
    assert by_role["scan"]["ok"] >= len(collected)
    with db.session_scope(database_url, write=False) as session:
        assert integrity.check(session) == []
    assert waiting


class _Deadlock(Exception):
    sqlstate = locks.DEADLOCK


def _lost(times: int):
    """A use case that loses a deadlock ``times`` times, then succeeds."""
    calls = []

    @locks.one_at_a_time
    def work(session, value):
        calls.append(value)
        if len(calls) <= times:
            raise OperationalError("UPDATE parcel ...", {}, _Deadlock("deadlock detected"))
        return value

    return work, calls


def test_a_use_case_that_loses_a_deadlock_runs_again(session, monkeypatch):
    monkeypatch.setattr(locks, "PAUSE_SECONDS", (0, 0))
    work, calls = _lost(locks.TRIES - 1)
    assert work(session, "ok") == "ok"
    assert len(calls) == locks.TRIES


def test_a_use_case_that_keeps_losing_says_so_in_one_sentence(session, monkeypatch):
    monkeypatch.setattr(locks, "PAUSE_SECONDS", (0, 0))
    work, calls = _lost(99)
    with pytest.raises(DatabaseBusy, match="nothing was changed: try again"):
        work(session, "ok")
    assert len(calls) == locks.TRIES


def test_other_database_errors_are_not_retried(session):
    calls = []

    @locks.one_at_a_time
    def work(session):
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

    with pytest.raises(OperationalError):
        work(session)
    assert calls == [1]
