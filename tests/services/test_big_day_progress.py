"""A big day's long steps: manifest build and close write in bulk, and assignment, build,
close and the manifest PDF report their progress up to the total (what the CLI's bar
shows). The chunks are made tiny here so that a handful of parcels spans several."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from sqlalchemy import event
from sqlmodel import func, select

from logistics.cli import progress as cli_progress
from logistics.io.pdf.manifest import render_manifest
from logistics.models import ParcelEvent
from logistics.services import assignment, manifests
from logistics.services.manifests import building

OP = "tester"


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(building, "_CHUNK", 2)
    monkeypatch.setattr(assignment, "_CHUNK", 2)


def _recorder():
    calls: list[tuple[int, int | None]] = []
    return calls, lambda done, total: calls.append((done, total))


def _writes(session):
    """Count the UPDATE and INSERT statements sent to the database."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        word = statement.lstrip().split(None, 1)[0].upper()
        if word in ("UPDATE", "INSERT"):
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    return seen, lambda: event.remove(engine, "before_cursor_execute", note)


def _counts_up_to_the_total(calls, total):
    assert calls, "progress was never reported"
    dones = [done for done, _total in calls]
    assert dones == sorted(dones) and dones[-1] == total
    assert all(t == total for _done, t in calls)
    assert len(set(dones)) > 1, "a bar that only jumps to the end shows nothing"


def test_build_and_close_report_progress_and_write_in_bulk(session, make_parcel, tiny_chunks):
    parcels = [make_parcel(courier="ZTO", commit=False) for _ in range(7)]
    session.commit()

    built_calls, built_progress = _recorder()
    (built,) = manifests.build_manifests(session, operator=OP, progress=built_progress).manifests
    assert built.added == built.parcels == 7
    _counts_up_to_the_total(built_calls, 7)

    seen, stop = _writes(session)
    try:
        close_calls, close_progress = _recorder()
        result = manifests.close_manifest(
            session, built.manifest_no, operator=OP, progress=close_progress
        )
    finally:
        stop()
    assert result.parcels == 7
    _counts_up_to_the_total(close_calls, 7)
    # 4 chunks of at most 2: one UPDATE of the parcels and one INSERT of their events
    # each, and the manifest's own row; not two statements a parcel
    assert len(seen) <= 4 * 2 + 1

    session.expire_all()
    for parcel in parcels:
        steps = session.exec(
            select(ParcelEvent.action, ParcelEvent.from_status, ParcelEvent.to_status).where(
                ParcelEvent.parcel_id == parcel.id, ParcelEvent.action == "manifest"
            )
        ).all()
        assert steps == [("manifest", "at_hub", "manifested")], "one event per parcel"
    events = session.exec(
        select(func.count()).select_from(ParcelEvent).where(ParcelEvent.note == built.manifest_no)
    ).one()
    assert events == 7


def test_objects_the_caller_holds_show_the_bulk_changes(session, make_parcel):
    parcel = make_parcel(courier="ZTO")
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    assert parcel.manifest_id is not None
    manifests.close_manifest(session, built.manifest_no, operator=OP)
    assert parcel.status == "manifested"


def test_assignment_reports_unknown_then_counts_the_stored_parcels(
    sample_network, make_parcel, couriers, tiny_chunks, monkeypatch
):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T10:00:00")
    for _ in range(5):
        make_parcel(courier=None, province="44", commit=False)
    sample_network.commit()

    calls, progress = _recorder()
    run = assignment.assign_day(sample_network, operator=OP, progress=progress)

    assert run.assigned == 5
    assert calls[0] == (0, None), "reading and deciding: no total yet"
    _counts_up_to_the_total(calls[1:], 5)


def test_the_manifest_pdf_reports_each_page(session, make_parcel, tmp_path):
    for _ in range(3):
        make_parcel(courier="ZTO", commit=False)
    session.commit()
    (built,) = manifests.build_manifests(session, operator=OP).manifests
    doc = manifests.manifest_document(session, built.manifest_no)
    calls, progress = _recorder()
    pages = render_manifest(doc, tmp_path / "m.pdf", progress)
    assert calls == [(page, pages) for page in range(1, pages + 1)]


def test_the_bar_shows_on_a_terminal_for_big_steps_only(monkeypatch):
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=80)
    monkeypatch.setattr(cli_progress, "console", terminal)

    with cli_progress.progress_bar("Closing M-ZTO-1", shown=False) as progress:
        assert progress is None  # --json: the service is not asked to report
    with cli_progress.progress_bar("Closing M-ZTO-1", at_least=100) as progress:
        progress(5, 10)
    assert out.getvalue() == "", "a small step draws no bar"
    with cli_progress.progress_bar("Closing M-ZTO-1", at_least=100) as progress:
        progress(500, 1000)
        progress(1000, 1000)
    assert "Closing M-ZTO-1" in out.getvalue()

    plain = Console(file=io.StringIO())
    monkeypatch.setattr(cli_progress, "console", plain)
    with cli_progress.progress_bar("Closing M-ZTO-1") as progress:
        assert progress is None  # a pipe or a log: no bar
