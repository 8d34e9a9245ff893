"""`hub demo` never touches a hub's database and leaves nothing behind unless asked."""

from __future__ import annotations

import tempfile

import pytest
from sqlmodel import func, select

from logistics import db
from logistics.models import Parcel, Round, Station


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """The folder Python's tempfile hands out, empty before the demo."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def _counts(url: str) -> tuple[int, int, int]:
    with db.session_scope(url, write=False) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Station, Parcel, Round)
        )


def test_demo_refuses_a_db_that_holds_anything(hub, database_url, temp_dir):
    assert hub("init", "--sample").exit_code == 0
    before = _counts(database_url)
    result = hub("--db", database_url, "demo", "--no-month")
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "The demo runs only on an empty database" in said and "holds data" in said
    assert "A day at the hub" not in said
    assert _counts(database_url) == before == (30, 0, 0)
    assert list(temp_dir.iterdir()) == []  # refused before anything was made


def test_demo_ignores_hub_database_url_and_cleans_its_temporary_folder(hub, database_url, temp_dir):
    # the hub fixture sets HUB_DATABASE_URL to this hub's database
    assert hub("init", "--sample").exit_code == 0
    result = hub("demo", "--no-month")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "HUB_DATABASE_URL is ignored" in said
    assert "A day at the hub" in said
    assert _counts(database_url) == (30, 0, 0)  # the hub's own database is untouched
    assert "Removed the demo's temporary folder" in said and "MB" in said
    assert "give --folder to keep the printouts" in said
    assert "Try next" not in said  # the database is gone: nothing to try on
    assert list(temp_dir.iterdir()) == []


def test_demo_keep_and_folder_say_where_everything_is(hub, temp_dir, tmp_path):
    papers = tmp_path / "papers"
    result = hub("demo", "--no-month", "--keep", "--folder", str(papers))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    (work,) = list(temp_dir.iterdir())
    assert (work / "hub.db").exists()
    assert f"The printouts are in {papers}" in said
    assert f"The day's database is sqlite:///{work / 'hub.db'}" in said
    assert "Try next" in said
    assert (papers / "labels.pdf").exists() and list((papers / "round-sheets").glob("*.pdf"))
    assert not (work / "round-sheets").exists()
