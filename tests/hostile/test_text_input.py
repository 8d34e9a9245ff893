"""Hostile and unlucky text: what people type, what is echoed back, and what leaks.

Issue 17, items 6, 7 and 9. Every hostile value is made here (no committed blobs):
terminal escape sequences, bidi overrides, zero-width characters, a name made only of
invisible characters, passwords in database URLs, numbers no database holds. Runs on
SQLite and, with HUB_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from logistics.domain.privacy import hide_password, mask_address
from logistics.domain.text import check_text, normalize, visible
from logistics.errors import ImportRejected, InvalidInput

ROOT = Path(__file__).resolve().parents[2]
ESC_OPERATOR = "\x1b[2J\x1b[31mADMIN\nroot"
RAW = ("\x1b", "\u202e", "\u200b", "\x9b")  # never reach the terminal as they are


def _no_raw(output: str) -> None:
    for char in RAW:
        assert char not in output, repr(output)


def _register(hub, *options: str):
    return hub(
        *options,
        "parcel",
        "register",
        "--station",
        "GD01",
        "--weight",
        "2.5",
        "--recipient",
        "张三",
        "--phone",
        "13812345678",
        "--province",
        "44",
        "--address",
        "广东省广州市天河区体育西路1号",
    )


def _events(session) -> int:
    from logistics.models import ParcelEvent

    session.expire_all()
    count = session.exec(select(func.count()).select_from(ParcelEvent)).one()
    session.close()  # the command under test writes in its own session
    return count


# ------------------------------------------------------------------ 6. the one rule


@pytest.mark.parametrize(
    "text",
    [
        "西沟\x1b[2J村",  # ESC: clears the screen
        "西沟\x07村",  # C0
        "西沟\x9b31m村",  # C1 CSI
        "西沟\u202e村站",  # bidi override
        "西沟\u2066村\u2069",  # bidi isolate
        "西\u200b沟",  # zero-width space
        "西\u200d沟",  # zero-width joiner
        "西沟\ufeff",  # byte order mark
        "ADMIN\nroot",  # a forged second line
    ],
)
def test_typed_text_with_controls_or_invisible_characters_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        check_text(text, "name")
    sentence = str(refused.value)
    assert sentence.startswith("name must be plain text")
    _no_raw(sentence)
    assert "\n" not in sentence


@pytest.mark.parametrize("text", ["\u3164", "\u3164\u115f", "\u2800 \u2800"])
def test_a_name_made_only_of_invisible_characters_is_refused(text):
    with pytest.raises(InvalidInput, match="shows nothing"):
        check_text(text, "name")


@pytest.mark.parametrize("text", ["西沟村", "买买提·艾力", "John O'Brien", "高都[/]站", "é"])
def test_plain_text_passes_unchanged(text):
    assert check_text(text, "name") == text


def test_visible_shows_every_hidden_character_as_an_escape():
    assert visible("\x1b[31mADMIN\nroot") == "\\x1b[31mADMIN\\x0aroot"
    assert visible("abc\u202edef\u200b") == "abc<U+202E>def<U+200B>"
    assert visible("西沟村") == "西沟村"


def test_imported_cells_fold_line_breaks_but_refuse_other_controls():
    assert normalize("西沟\n村") == "西沟 村"
    with pytest.raises(InvalidInput, match=r"\\x1b"):
        normalize("西沟\x1b[2J村")
    with pytest.raises(InvalidInput, match="<U\\+202E>"):
        normalize("西沟\u202e村")


# ------------------------------------------------------------------ 6. the operator


@pytest.mark.parametrize("how", ["option", "environment"], ids=["--operator", "HUB_OPERATOR"])
@pytest.mark.parametrize(
    "name",
    [ESC_OPERATOR, "\u200b\u200b\u200b", "adm\u202eni"],
    ids=["escape codes", "zero-width only", "bidi"],
)
def test_an_operator_with_terminal_codes_is_refused_and_nothing_is_written(
    sample_network, hub, monkeypatch, how, name
):
    before = _events(sample_network)
    if how == "option":
        result = _register(hub, "--operator", name)
    else:
        monkeypatch.setenv("HUB_OPERATOR", name)
        result = _register(hub)
    assert result.exit_code == 1, result.output
    assert "operator" in result.output.lower() or "OPERATOR" in result.output
    _no_raw(result.output)
    assert "Unexpected error" not in result.output
    assert _events(sample_network) == before


def test_an_operator_too_long_for_the_database_is_refused_before_writing(sample_network, hub):
    """On PostgreSQL it was "Unexpected error (DataError: value too long)" while SQLite
    stored it: the same limit on both, checked before writing."""
    before = _events(sample_network)
    result = _register(hub, "--operator", "x" * 100)
    assert result.exit_code == 1, result.output
    assert "--operator must be at most 64 characters, got 100." in result.output
    assert _events(sample_network) == before
    result = _register(hub, "--operator", "x" * 64)
    assert result.exit_code == 0, result.output


def test_the_operator_limit_is_the_length_of_every_operator_column():
    from sqlmodel import SQLModel

    import logistics.models  # noqa: F401  (every table)
    from logistics.cli.context import OPERATOR_MAX

    lengths = {
        table.name: table.c.operator.type.length
        for table in SQLModel.metadata.tables.values()
        if "operator" in table.c
    }
    assert lengths and set(lengths.values()) == {OPERATOR_MAX}, lengths


def test_a_stored_operator_with_escape_codes_cannot_forge_a_timeline_line(
    sample_network, make_parcel, hub
):
    """Rows written before the check (or by hand) are shown with their codes visible."""
    from logistics.models import ParcelEvent

    parcel = make_parcel("at_hub")
    event = sample_network.exec(
        select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id)
    ).first()
    from logistics.services.access import audit_paused

    # Events are insert-only (revision 0010): written by hand = the owner's maintenance.
    with audit_paused(sample_network.connection()):
        event.operator = ESC_OPERATOR
        sample_network.flush()
    sample_network.commit()
    result = hub("parcel", "show", parcel.parcel_no)
    assert result.exit_code == 0, result.output
    _no_raw(result.output)
    assert "\\x1b[2J\\x1b[31mADMIN\\x0aroot" in "".join(result.output.split())
    assert not any(line.strip().startswith("root") for line in result.output.splitlines())


# ------------------------------------------------------------------ 6. what is echoed


def _station_file(tmp_path, name: str):
    path = tmp_path / "stations.csv"
    path.write_text(
        "code,name,lat,lon\n"
        f"ZX01,{name},35.59,112.97\n"
        "ZX02,东沟\u202e村,35.60,112.98\n"
        "ZX03,\u200b\u200b,35.61,112.99\n",
        encoding="utf-8",
    )
    return path


def test_a_station_import_with_terminal_codes_is_refused_and_echoed_visibly(
    sample_network, hub, tmp_path
):
    sample_network.close()
    result = hub("station", "import", _station_file(tmp_path, "西沟\x1b[2J\x1b[31m村"))
    assert result.exit_code == 1, result.output
    _no_raw(result.output)
    assert "3 bad rows" in result.output
    said = "".join(result.output.split())
    assert "\\x1b[2J\\x1b[31m" in said and "<U+202E>" in said and "<U+200B>" in said


@pytest.fixture
def hostile_station(sample_network):
    from logistics.models import Station

    station = sample_network.exec(select(Station).where(Station.code == "GD03")).one()
    station.name = "\x1b[31m西沟\u202e村\x9b2J"
    station.keeper_name = "韩\u200b小红"
    sample_network.commit()
    sample_network.close()
    return "\x1b[31m西沟\u202e村\x9b2J"


@pytest.mark.parametrize("form", [[], ["--csv"], ["--json"]], ids=["table", "csv", "json"])
def test_stored_names_are_listed_with_their_codes_visible(hostile_station, hub, form):
    result = hub("station", "list", *form)
    assert result.exit_code == 0, result.output
    _no_raw(result.output)
    if form == ["--json"]:  # a script still reads the exact name
        names = {row["code"]: row["name"] for row in json.loads(result.output)}
        assert names["GD03"] == hostile_station
    else:
        assert "\\x1b[31m西沟<U+202E>村\\x9b2J" in "".join(result.output.split())


def test_a_scan_refusal_echoes_the_code_visibly(sample_network, hub):
    sample_network.close()
    result = hub("scan", "arrive", "P2026\x1b[2J\u202e-1")
    assert result.exit_code == 1, result.output
    _no_raw(result.output)


def test_an_error_from_anywhere_is_shown_visibly(hub):
    result = hub("--db", "/nonexistent/\x1b[2Jhub.db", "station", "list")
    assert result.exit_code != 0
    _no_raw(result.output)


def test_a_parcel_import_with_a_bidi_override_is_refused(sample_network, hub, tmp_path):
    sample_network.close()
    path = tmp_path / "parcels.csv"
    path.write_text(
        "station,recipient_name,recipient_phone,province,address,weight_kg\n"
        "GD01,张\u202e三,13812345678,44,广东省广州市天河区体育西路1号,2.5\n",
        encoding="utf-8",
    )
    result = hub("parcel", "import", path)
    assert result.exit_code == 1, result.output
    assert "<U+202E>" in result.output


# ------------------------------------------------------------------ 7. leaks


@pytest.mark.parametrize(
    "address, names, shown",
    [
        ("李四广州市天河区体育西路1号", ("李四",), "广州市天河区****"),
        ("李四 广州市天河区体育西路1号", ("王五", "李四"), "广州市天河区****"),
        ("欧阳娜娜贵州省贵阳市云岩区中华北路123号", ("欧阳娜娜",), "贵州省贵阳市云岩区****"),
        ("收件人王五，贵州省贵阳市云岩区中华北路", (), "贵州省贵阳市云岩区****"),
        ("贵州省贵阳市云岩区中华北路123号", ("张三",), "贵州省贵阳市云岩区****"),
    ],
)
def test_a_name_written_into_the_address_is_masked_too(address, names, shown):
    assert mask_address(address, names) == shown


def test_parcel_show_masks_a_name_at_the_start_of_the_address(sample_network, make_parcel, hub):
    parcel = make_parcel("at_hub", recipient_name="李四")
    parcel.address = "李四广州市天河区体育西路1号"
    sample_network.commit()
    result = hub("parcel", "show", parcel.parcel_no)
    assert result.exit_code == 0, result.output
    assert "李四广州" not in result.output and "广州市天河区****" in result.output


def test_a_rejected_phone_number_is_echoed_masked(sample_network, hub, tmp_path):
    sample_network.close()
    path = tmp_path / "parcels.csv"
    path.write_text(
        "station,recipient_name,recipient_phone,province,address,weight_kg\n"
        "GD01,张三,1391234567a,44,广东省广州市天河区体育西路1号,2.5\n",
        encoding="utf-8",
    )
    result = hub("parcel", "import", path)
    assert result.exit_code == 1, result.output
    assert "1391234567" not in result.output and "recipient_phone" in result.output


@pytest.mark.parametrize(
    "url",
    ["mysql://hub:s3cretPW@localhost/hub", "postgresql+psycopg://hub:s3cretPW@127.0.0.1:1/hub"],
    ids=["refused kind", "unreachable server"],
)
def test_a_database_url_is_never_echoed_with_its_password(hub, url):
    result = hub("--db", url, "station", "list")
    assert result.exit_code != 0
    assert "s3cretPW" not in result.output
    assert "hub:***@" in result.output


def test_hide_password():
    assert (
        hide_password("'mysql://hub:s3cretPW@db/hub' is not") == "'mysql://hub:***@db/hub' is not"
    )
    assert hide_password("sqlite:///tmp/hub.db") == "sqlite:///tmp/hub.db"


# ------------------------------------------------------------------ 9. messages


def test_a_limit_beyond_what_the_database_holds_is_refused_with_a_sentence(sample_network, hub):
    sample_network.close()
    result = hub("parcel", "list", "--limit", "99999999999999999999")
    assert result.exit_code == 2, result.output
    assert "more than the hub can count" in result.output
    assert "Unexpected error" not in result.output


@pytest.mark.parametrize(
    "args",
    [["manifest", "show", "99999999999999999999999"], ["round", "show", "99999999999999999999"]],
    ids=["manifest", "round"],
)
def test_a_huge_id_is_not_an_unexpected_error(sample_network, hub, args):
    sample_network.close()
    result = hub(*args)
    assert result.exit_code == 1, result.output
    assert "Unexpected error" not in result.output and "Overflow" not in result.output


def test_one_row_with_five_problems_is_one_bad_row():
    problems = [(7, f"stations.csv row 7: problem {n}") for n in range(5)]
    rejected = ImportRejected("stations.csv", [*problems, "stations.csv row 9: another"])
    head = str(rejected).splitlines()[0]
    assert head == "stations.csv: 2 bad rows, nothing was imported."
    assert rejected.rows == 2 and len(rejected.problems) == 6


def test_an_error_into_a_pipe_or_a_log_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["HUB_DATABASE_URL"] = "mysql://hub:s3cretPW@localhost/hub"
    env["HUB_LANG"] = "en"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.run(
        [sys.executable, "-m", "logistics", "station", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) > 80, run.stderr
    assert "s3cretPW" not in run.stderr
