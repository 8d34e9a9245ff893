"""The database layer: URLs, readiness, migrations, SQLite settings, backup and restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel, select

import logistics.models  # noqa: F401
from logistics import db
from logistics.errors import DatabaseNotReady, InvalidInput, RuleBroken
from logistics.models import Station


def test_schema_head_constant_is_the_migrations_head():
    config = db.alembic_config(None)
    assert ScriptDirectory.from_config(config).get_current_head() == db.SCHEMA_HEAD


def test_migrations_create_exactly_the_models(database_url):
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == [], "models and migrations differ: add a revision (logistics/migrations)"


def test_every_time_is_stored_as_naive_utc():
    from sqlalchemy import DateTime

    aware = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime) and column.type.timezone
    ]
    assert aware == []


def test_bare_path_means_a_sqlite_file(tmp_path):
    url = db.resolve_url(str(tmp_path / "x.db"))
    assert url.startswith("sqlite:///") and url.endswith("x.db")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense://", "postgresql+nodriver://h/db"])
def test_a_url_we_cannot_use_is_one_sentence(url):
    with pytest.raises(InvalidInput, match="is not a database this hub can use"):
        db.make_engine(db.resolve_url(url))


def test_missing_sqlite_file_says_run_init(tmp_path):
    with pytest.raises(DatabaseNotReady, match="hub init"):
        db.check_ready(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()


def test_empty_database_is_not_initialised(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    with pytest.raises(DatabaseNotReady, match="not initialised"):
        db.check_ready(f"sqlite:///{path}")


def test_init_twice_keeps_data(database_url, sample_network):
    before = len(sample_network.exec(select(Station)).all())
    sample_network.rollback()  # end the read, as every command does before the next one
    assert db.upgrade(database_url) == (db.SCHEMA_HEAD, db.SCHEMA_HEAD)
    with db.session_scope(database_url) as session:
        assert len(session.exec(select(Station)).all()) == before == 30


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(database_url):
    with db.make_engine(database_url).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.busy_timeout_ms()


@pytest.mark.sqlite_only
def test_backup_then_restore_gives_back_the_same_data(database_url, sample_network, tmp_path):
    copy = tmp_path / "backup.db"
    db.backup(database_url, copy)
    station = sample_network.exec(select(Station).where(Station.code == "GD01")).one()
    station.name = "changed after the backup"
    sample_network.add(station)
    sample_network.commit()
    db.restore(database_url, copy)
    with db.session_scope(database_url) as session:
        assert (
            session.exec(select(Station).where(Station.code == "GD01")).one().name == "高都村服务站"
        )
        assert len(session.exec(select(Station)).all()) == 30


@pytest.mark.sqlite_only
def test_backup_refuses_to_overwrite(database_url, tmp_path: Path):
    target = tmp_path / "b.db"
    target.write_text("precious")
    with pytest.raises(InvalidInput, match="already exists: add --force"):
        db.backup(database_url, target)
    assert target.read_text() == "precious"


@pytest.mark.sqlite_only
def test_backup_with_force_replaces_the_file_and_only_its_owner_may_read_it(
    database_url, sample_network, tmp_path: Path
):
    target = tmp_path / "b.db"
    target.write_text("yesterday's")
    target.chmod(0o644)
    written = db.backup(database_url, target, force=True)
    assert written == target and target.stat().st_size > 0
    assert target.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM station").fetchone()[0] == 30
    copy.close()
    assert not [path.name for path in tmp_path.iterdir() if ".part" in path.name]


@pytest.mark.sqlite_only
def test_backup_never_writes_over_the_database_itself(database_url):
    live = db.sqlite_path(database_url)
    with pytest.raises(InvalidInput, match="is the database"):
        db.backup(database_url, live, force=True)


@pytest.mark.sqlite_only
def test_backup_into_a_missing_folder_is_one_sentence(database_url, tmp_path: Path):
    with pytest.raises(InvalidInput, match="cannot be written: its folder does not exist"):
        db.backup(database_url, tmp_path / "no" / "b.db")


@pytest.mark.postgresql_only
def test_backup_of_postgresql_points_to_pg_dump(database_url, tmp_path):
    with pytest.raises(RuleBroken, match="pg_dump"):
        db.backup(database_url, tmp_path / "x.db")


@pytest.mark.parametrize(
    ("server_said", "sentence"),
    [
        (
            'connection failed: connection to server at "127.0.0.1", port 54331 failed: '
            "Connection refused",
            "no server answers at that address and port",
        ),
        ('FATAL:  role "nobody" does not exist', "there is no login nobody on the server"),
        (
            'FATAL:  database "county_trail" does not exist',
            "there is no database county_trail on the server",
        ),
        (
            'FATAL:  password authentication failed for user "wang"',
            "the password of wang is not right",
        ),
        (
            "(sqlite3.OperationalError) unable to open database file",
            "SQLite cannot open that file: it must be a file, not a folder, that this login "
            "may read and write, in a folder it may write",
        ),
    ],
)
def test_a_database_that_cannot_be_opened_is_said_in_the_persons_words(server_said, sentence):
    # libpq's English reached Chinese sentences as it was (a user trial)
    assert db._first_line(RuntimeError(server_said)) == sentence


@pytest.mark.usefixtures("_english_after")
def test_a_folder_given_as_the_database_is_one_chinese_sentence(hub, tmp_path: Path):
    # SQLite's own "unable to open database file" reached a Chinese sentence (a user trial)
    said = hub("--db", str(tmp_path), "round", "list", "--lang", "zh")
    assert said.exit_code == 1
    assert "unable to open" not in said.output and "Traceback" not in said.output
    assert f"无法打开数据库 sqlite:///{tmp_path}：SQLite 无法打开这个文件" in said.output


@pytest.mark.usefixtures("_english_after")
def test_a_text_file_given_as_the_database_is_no_database_not_a_damaged_one(hub, tmp_path: Path):
    # "数据库 … 已损坏（file is not a database）：`hub db restore` 可恢复备份" for notes.txt,
    # and the restore it advised put a database in place of the text file (a user trial)
    notes = tmp_path / "notes.txt"
    notes.write_text("明天 8 点装车\n", encoding="utf-8")
    said = hub("--db", str(notes), "parcel", "list", "--lang", "zh")
    assert said.exit_code == 1
    flat = "".join(said.output.split())
    assert f"{notes}不是分拨中心数据库" in flat, said.output
    assert "损坏" not in flat and "restore" not in flat and "file is not" not in flat
    assert notes.read_text(encoding="utf-8") == "明天 8 点装车\n"


def test_an_empty_file_given_as_the_database_is_left_empty(hub, tmp_path: Path):
    # A listing on a 0-byte file wrote a SQLite header and -wal/-shm files (a user trial)
    empty = tmp_path / "empty.db"
    empty.touch()
    said = hub("--db", str(empty), "parcel", "list")
    assert said.exit_code == 1
    assert f"The database sqlite:///{empty} is not initialised: run `hub init`" in " ".join(
        said.output.split()
    )
    assert empty.stat().st_size == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("empty.db-")]


def test_a_database_inside_a_file_is_refused_with_the_reason(hub, tmp_path: Path):
    # `--db hub.db/x` advised `hub init`, which then failed: "hub.db 文件已存在" (a user trial)
    (tmp_path / "a.db").write_bytes(b"")
    said = hub("--db", str(tmp_path / "a.db" / "x"), "parcel", "list")
    assert said.exit_code == 1
    flat = " ".join(said.output.split())
    assert f"{tmp_path / 'a.db'} is a file, not a folder" in flat, said.output
    assert "hub init" not in flat


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("sample_network")
def test_a_backup_into_a_folder_gets_a_dated_name_there(hub, tmp_path: Path, monkeypatch):
    # `hub db backup backups/` wrote a FILE named backups, and the README's
    # `hub db backup backups/hub-….db` then failed (a user trial)
    monkeypatch.setenv("HUB_NOW", "2026-12-03 07:15")
    folder = tmp_path / "backups"
    missing = hub("db", "backup", f"{folder}/")
    assert missing.exit_code == 1
    assert f"The folder {folder}/ does not exist" in " ".join(missing.output.split())
    assert not folder.exists()

    folder.mkdir()
    for given in (f"{folder}/", str(folder)):
        done = hub("db", "backup", given)
        assert done.exit_code == 0, done.output
    made = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert made == ["hub-2026-12-03-0715-2.db", "hub-2026-12-03-0715.db"], made
    assert db.inspect_backup(tmp_path / "backups" / made[1]).counts["stations"] == 30


@pytest.mark.parametrize("given", ["newhub/", "a/b/"])
def test_a_database_path_ending_in_a_slash_names_a_folder_and_is_refused(given, tmp_path):
    # `hub --db newhub/ init` made a FILE named newhub (a user trial)
    with pytest.raises(InvalidInput, match=f"--db {given} names a folder"):
        db.resolve_url(given)
    assert db.resolve_url("newhub").endswith("/newhub")


def test_a_database_file_given_with_a_slash_is_told_to_drop_it(tmp_path):
    # `--db hub.db/` was said to be a folder, with the advice hub.db/hub.db (a user trial)
    (tmp_path / "hub.db").write_bytes(b"")
    with pytest.raises(InvalidInput, match=r"ends in /, but .*hub.db is a file: leave out the /"):
        db.resolve_url(f"{tmp_path}/hub.db/")


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("_english_after")
def test_init_on_a_text_file_or_inside_a_file_says_what_is_wrong(hub, tmp_path: Path):
    # init called a text file a damaged database ("file is not a database", restore it)
    # and said "hub.db: file exists" for hub.db/x, where the other commands were right
    notes = tmp_path / "notes.txt"
    notes.write_text("明天 8 点装车\n", encoding="utf-8")
    text = hub("--db", str(notes), "init", "--lang", "zh")
    assert text.exit_code == 1
    flat = "".join(text.output.split())
    assert f"{notes}不是分拨中心数据库" in flat and "损坏" not in flat, text.output
    assert notes.read_text(encoding="utf-8") == "明天 8 点装车\n"
    inside = hub("--db", str(notes / "x"), "init")
    assert inside.exit_code == 1
    assert f"{notes} is a file, not a folder" in " ".join(inside.output.split())


@pytest.mark.sqlite_only
def test_init_on_an_empty_file_makes_it_readable_by_its_owner_only(hub, tmp_path: Path):
    empty = tmp_path / "empty.db"
    empty.touch(mode=0o644)
    empty.chmod(0o644)
    assert hub("--db", str(empty), "init").exit_code == 0
    assert empty.stat().st_mode & 0o777 == 0o600  # it holds names and phones from now on


@pytest.mark.sqlite_only
def test_init_of_another_database_says_the_next_command_with_its_db(hub, tmp_path: Path):
    # after `hub --db empty.db init` the hint said `hub init --hub-name ...`, which then
    # worked on ./hub.db instead (a user trial)
    other = tmp_path / "other.db"
    said = " ".join(hub("--db", str(other), "init").output.split())
    assert f"`hub --db {other} init --hub-name NAME --lat LAT --lon LON`" in said, said
    assert f"`hub --db {other} init --sample`" in said
    # a path with a space or brackets is shown quoted for the shell, and as it is
    (tmp_path / "my [hub]").mkdir()
    odd = tmp_path / "my [hub]" / "x.db"
    said = " ".join(hub("--db", str(odd), "init").output.split())
    assert f"`hub --db '{odd}' init --sample`" in said, said


@pytest.mark.sqlite_only
def test_a_backup_folder_that_is_a_file_is_told_to_drop_the_slash(hub, tmp_path, monkeypatch):
    # review: "create it first (mkdir backups/)" for backups/ when backups is a file
    (tmp_path / "backups").write_text("x")
    with pytest.raises(InvalidInput, match="is a file"):
        db.backup_file(f"{tmp_path}/backups/")
    with pytest.raises(InvalidInput, match=r"mkdir -p "):
        db.backup_file(f"{tmp_path}/a/b/")
