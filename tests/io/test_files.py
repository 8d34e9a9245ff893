"""The one writer of files: never over the database or an input, never half a file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from logistics import db
from logistics.errors import InvalidInput
from logistics.io import files
from logistics.io.csv_export import write_csv
from logistics.io.tables import open_table


def _writes(text: str):
    def fill(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return fill


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_new_file_is_written_and_its_path_returned(tmp_path):
    target = tmp_path / "manifest.pdf"
    assert files.write_file(target, _writes("printed")) == target
    assert target.read_text(encoding="utf-8") == "printed"
    assert _leftovers(tmp_path) == []


def test_the_database_and_its_companions_are_never_written(tmp_path, monkeypatch):
    database = tmp_path / "hub.db"
    db.make_engine(f"sqlite:///{database}")
    for name in ("hub.db", "hub.db-wal", "hub.db-shm"):
        with pytest.raises(InvalidInput, match="is the database or an input of this command"):
            files.write_file(tmp_path / name, _writes("oops"), force=True)
    # a relative spelling of the same file is the same file
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput, match="nothing was written"):
        write_csv("hub.db", ["a"], [[1]], force=True)
    assert not database.exists()


def test_an_input_of_the_command_is_never_written(tmp_path):
    source = tmp_path / "parcels.csv"
    source.write_text("station,weight_kg\nGD01,1.5\n", encoding="utf-8")
    open_table(source, {"station": (), "weight_kg": ()}, ("station",))
    with pytest.raises(InvalidInput, match="'.*parcels.csv' is the database or an input"):
        write_csv(source, ["rejected"], [["row 2"]], force=True)
    assert source.read_text(encoding="utf-8") == "station,weight_kg\nGD01,1.5\n"


def test_an_existing_file_is_replaced_only_with_force(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("last month", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        files.write_file(target, _writes("this month"))
    assert str(refused.value) == (
        f"File '{target}' already exists: add --force to replace it, or choose another file name."
    )
    assert target.read_text(encoding="utf-8") == "last month"
    files.write_file(target, _writes("this month"), force=True)
    assert target.read_text(encoding="utf-8") == "this month"


def test_open_text_refuses_and_replaces_like_write_file(tmp_path):
    target = tmp_path / "rejects.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(InvalidInput, match="already exists"), files.open_text(target) as f:
        f.write("new")
    with files.open_text(target, force=True) as f:
        f.write("new")
    assert target.read_text(encoding="utf-8") == "new"


def test_a_folder_the_command_made_for_itself_takes_new_versions(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "labels.pdf").write_text("yesterday", encoding="utf-8")
    files.own_folder(folder)
    files.write_file(folder / "labels.pdf", _writes("today"))
    assert (folder / "labels.pdf").read_text(encoding="utf-8") == "today"


def test_a_failing_fill_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "manifest.pdf"
    target.write_text("the signed one", encoding="utf-8")

    def disk_full(path: Path) -> None:
        path.write_text("half a pag", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(InvalidInput) as refused:
        files.write_file(target, disk_full, force=True)
    assert str(refused.value) == f"File '{target}' cannot be written: the disk is full."
    assert target.read_text(encoding="utf-8") == "the signed one"
    assert _leftovers(tmp_path) == []


def test_a_bug_in_the_fill_is_raised_as_it_is_and_cleans_up(tmp_path):
    target = tmp_path / "labels.pdf"

    def broken(path: Path) -> None:
        path.write_text("start", encoding="utf-8")
        raise ValueError("a renderer bug")

    with pytest.raises(ValueError, match="a renderer bug"):
        files.write_file(target, broken)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_an_error_inside_open_text_leaves_the_old_file(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("complete", encoding="utf-8")
    with pytest.raises(RuntimeError), files.open_text(target, force=True) as f:
        f.write("partial")
        raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "complete"
    assert _leftovers(tmp_path) == []


def test_private_files_are_readable_by_their_owner_only(tmp_path):
    document = files.write_file(tmp_path / "labels.pdf", _writes("names"), private=True)
    assert stat.S_IMODE(document.stat().st_mode) == 0o600
    write_csv(tmp_path / "parcels.csv", ["recipient"], [["张三"]], private=True)
    assert stat.S_IMODE((tmp_path / "parcels.csv").stat().st_mode) == 0o600
    public = files.write_file(tmp_path / "summary.pdf", _writes("totals"))
    assert stat.S_IMODE(public.stat().st_mode) == 0o666 & ~_umask()


def test_a_missing_folder_is_one_sentence(tmp_path):
    target = tmp_path / "no-such-folder" / "manifest.pdf"
    with pytest.raises(InvalidInput) as refused:
        files.write_file(target, _writes("x"))
    assert str(refused.value) == f"File '{target}' cannot be written: its folder does not exist."
    with pytest.raises(InvalidInput) as refused:
        write_csv(target.with_suffix(".csv"), ["a"], [])
    assert str(refused.value).endswith("cannot be written: its folder does not exist.")


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(InvalidInput, match="is a folder: expected a file name"):
        files.write_file(tmp_path, _writes("x"), force=True)


def test_cannot_write_words_every_failure_the_same_way():
    error = files.cannot_write("out.xlsx", PermissionError(errno.EACCES, "Permission denied"))
    assert str(error) == "File 'out.xlsx' cannot be written: permission denied."


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
