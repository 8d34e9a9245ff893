"""`hub demo`: the README's first command runs a whole day and leaves its papers behind."""

from __future__ import annotations

from sqlmodel import func, select

from logistics import db
from logistics.models import Manifest, Parcel, Round


def test_demo_runs_a_day_from_parcels_to_handover(hub, database_url, tmp_path):
    result = hub("--db", database_url, "demo", "--folder", str(tmp_path), "--no-month")
    assert result.exit_code == 0, result.output
    assert "A day at the hub" in result.output
    assert "not found at their station" in result.output
    # the day went into the database given by --db, not into the folder of printouts
    said = " ".join(result.output.split())
    assert f"The printouts are in {tmp_path}" in said
    assert "the database and" not in said

    sheets = list((tmp_path / "round-sheets").glob("R-*.pdf"))
    manifests = list((tmp_path / "manifests").glob("M-*.pdf"))
    assert sheets and manifests and (tmp_path / "labels.pdf").exists()

    with db.session_scope(database_url, write=False) as session:
        rounds = session.exec(select(Round)).all()
        assert len(rounds) == len(sheets)
        assert {r.status for r in rounds} == {"finished"}
        handed = session.exec(select(Manifest).where(Manifest.status == "handed_over")).all()
        assert len(handed) == len(manifests)
        on_handed = session.exec(
            select(func.count()).where(Parcel.manifest_id.in_([m.id for m in handed]))
        ).one()
        handed_over = session.exec(select(func.count()).where(Parcel.status == "handed_over")).one()
        assert on_handed == handed_over > 0
        # everything that reached the hub went out with a courier the same day
        at_hub = session.exec(select(func.count()).where(Parcel.status == "at_hub")).one()
        assert at_hub == 0
        # the parcels left behind at their stations wait for tomorrow, unplanned
        left = session.exec(
            select(func.count()).where(
                Parcel.status == "registered", Parcel.direction == "outbound"
            )
        ).one()
        assert left > 0


def test_demo_refuses_a_folder_with_an_earlier_demos_papers_before_it_starts(hub, tmp_path):
    (tmp_path / "labels.pdf").write_bytes(b"%PDF-1.4 an earlier demo")
    result = hub("demo", "--folder", str(tmp_path), "--no-month")
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert "already holds the papers of an earlier demo (labels.pdf)" in said
    assert "add --force" in said
    assert "A day at the hub" not in said  # refused before any work
    assert (tmp_path / "labels.pdf").read_bytes() == b"%PDF-1.4 an earlier demo"


def test_the_demo_run_late_in_the_afternoon_still_plays_a_whole_day(
    hub, database_url, tmp_path, monkeypatch
):
    # Run at 16:00 on the real clock, the demo's plan of today was refused ("no van can
    # leave today and be back by 15:30"): the demo replays its day from the morning.
    from datetime import UTC, datetime

    from logistics.domain import clock

    late = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    began = datetime.now(UTC)

    class AtFourInTheAfternoon(datetime):
        @classmethod
        def now(cls, tz=None):
            return late + (datetime.now(UTC) - began)

    monkeypatch.delenv("HUB_NOW")
    monkeypatch.setattr(clock, "datetime", AtFourInTheAfternoon)
    result = hub("--db", database_url, "demo", "--folder", str(tmp_path), "--no-month")
    assert result.exit_code == 0, result.output
    with db.session_scope(database_url, write=False) as session:
        rounds = session.exec(select(Round)).all()
        assert rounds and {r.status for r in rounds} == {"finished"}
        assert all(r.service_date.isoformat() == "2026-12-02" for r in rounds)
        started = min(clock.to_local(r.started_at, clock.zone(None)) for r in rounds)
        assert started.hour < 9  # the morning of the demo's day, not 16:00
