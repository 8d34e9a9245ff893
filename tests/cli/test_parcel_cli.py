"""`hub parcel ...` as an operator types it."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    return hub


REGISTER = [
    "parcel", "register", "--station", "GD03", "--weight", "2.5", "--recipient", "张三丰",
    "--phone", "13812345678", "--province", "广东", "--address", "天河区体育西路1号",
]  # fmt: skip


def test_register_prints_the_hub_parcel_id_then_list_and_show_mask(ready):
    result = ready(*REGISTER)
    assert result.exit_code == 0, result.output
    assert "Registered parcel P" in result.output and "-00001" in result.output
    rows = json.loads(ready("parcel", "list", "--json").output)
    assert rows[0]["recipient"] == "张**" and rows[0]["recipient_phone"] == "1******5678"
    table = ready("parcel", "list", "--station", "GD03")
    assert "13812345678" not in table.output and "张三丰" not in table.output
    shown = ready("parcel", "show", rows[0]["parcel_no"])
    assert shown.exit_code == 0 and "register" in shown.output and "张**" in shown.output
    assert "2.50 kg" in shown.output
    assert "13812345678" not in shown.output
    parsed = list(csv.DictReader(io.StringIO(ready("parcel", "list", "--csv").output)))
    assert parsed[0]["parcel_no"] == rows[0]["parcel_no"]
    dated = json.loads(ready("parcel", "list", "--date", "今天", "--json").output)
    assert [r["parcel_no"] for r in dated] == [rows[0]["parcel_no"]]
    assert json.loads(ready("parcel", "list", "--since", "明天", "--json").output) == []
    typo = ready("parcel", "list", "--until", "2026-13-45")
    assert typo.exit_code == 1 and "Traceback" not in typo.output


def test_register_with_a_bad_value_is_one_sentence(ready):
    result = ready(*REGISTER[:-2], "--address", "x", "--tracking-no", "12345")
    assert result.exit_code == 1
    assert "does not match any active courier" in result.output
    assert "Traceback" not in result.output


def test_import_lists_every_bad_row_and_changes_nothing(ready, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "站点,订单号,收件人,电话,省份,地址,重量\n"
        "GD01,A1,张三,13812345678,贵州,1号,2.5\n"
        "GD01,A2,李四,13812345679,贵州,2号,abc\n"
        "GD77,A3,王五,13812345670,贵州,3号,1\n",
        encoding="utf-8",
    )
    result = ready("parcel", "import", str(path))
    assert result.exit_code == 1
    assert "2 bad rows, nothing was imported" in result.output
    assert (
        "p.csv row 3, column 重量" in result.output and "p.csv row 4, column 站点" in result.output
    )
    assert json.loads(ready("parcel", "list", "--json").output) == []
    rejects = tmp_path / "rejects.csv"
    ok = ready("parcel", "import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert ok.exit_code == 0 and "1 parcel (" in ok.output and "2 bad rows skipped" in ok.output
    assert rejects.stat().st_mode & 0o777 == 0o600  # names and phone numbers
    again = ready(
        "parcel", "import", path, "--skip-invalid", "--rejects", rejects, "--force", "--again"
    )
    assert "0 parcels" in again.output and "1 already imported" in again.output


def test_import_counts_bad_rows_and_lists_each_rows_problems_under_it(ready, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "站点,订单号,收件人,电话,省份,地址,重量\n"
        "GD99,T B,李四,12,Atlantis,2号,heavy\n"
        "GD01,A2,王五,13812345679,贵州,2号,-1\n",
        encoding="utf-8",
    )
    result = ready("parcel", "import", path)
    assert result.exit_code == 1
    assert "p.csv: 2 bad rows, nothing was imported." in result.output
    assert "7 bad rows" not in result.output
    lines = result.output.splitlines()
    at = lines.index("  p.csv row 2, 5 problems:")
    assert [line.split(":")[0] for line in lines[at + 1 : at + 6]] == [
        "    column 订单号",
        "    column 电话",
        "    column 省份",
        "    column 重量",
        "    column 站点",
    ]
    assert lines[at + 6].startswith("  p.csv row 3, column 重量: weight_kg must be")


def test_a_file_with_only_a_header_is_refused_with_exit_1(ready, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("站点,收件人,电话,省份,地址,重量\n", encoding="utf-8")
    result = ready("parcel", "import", path)
    assert result.exit_code == 1
    assert "File 'p.csv' has no data rows: nothing was imported." in result.output
    assert "Imported" not in result.output


def test_import_names_every_missing_column_at_once(ready, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("站点,收件人,地址\nGD01,张三,1号\n", encoding="utf-8")
    result = ready("parcel", "import", path)
    assert result.exit_code == 1
    assert "has no 'recipient_phone', 'province', 'weight_kg' columns" in result.output


def test_the_same_file_twice_is_refused_unless_again(ready, tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(
        "站点,收件人,电话,省份,地址,重量\n"
        "GD01,张三,13812345678,贵州,1号,2.5\n"
        "GD02,李四,13900001111,广东,2号,1\n",
        encoding="utf-8",
    )
    first = ready("parcel", "import", path)
    assert first.exit_code == 0 and "2 parcels" in first.output
    assert "2 imported rows have no order_ref and no tracking_no" in first.output
    retry = ready("parcel", "import", path)
    assert retry.exit_code == 1
    assert "File 'shop.csv' was already imported on " in retry.output
    assert "by tester, adding 2 parcels: nothing was imported" in retry.output
    assert len(json.loads(ready("parcel", "list", "--json").output)) == 2
    again = ready("parcel", "import", path, "--again", "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert (summary["imported"], summary["unreferenced"]) == (2, 2)
    assert len(json.loads(ready("parcel", "list", "--json").output)) == 4


BAD_FILE = (
    "站点,收件人,电话,省份,地址,重量\nGD01,张三,13812345678,贵州,1号,2.5\nGD01,李四,1,贵州,2号,1\n"
)


def test_rejects_never_replace_the_input_or_the_database(ready, tmp_path, database_url):
    path = tmp_path / "in.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    for force in ([], ["--force"]):
        result = ready("parcel", "import", path, "--skip-invalid", "--rejects", path, *force)
        assert result.exit_code == 1
        assert "is the database or an input of this command" in result.output
        assert path.read_text(encoding="utf-8") == BAD_FILE
    assert json.loads(ready("parcel", "list", "--json").output) == []
    if database_url.startswith("sqlite:///"):
        database = database_url.removeprefix("sqlite:///")
        result = ready("parcel", "import", path, "--skip-invalid", "--rejects", database, "--force")
        assert result.exit_code == 1 and "is the database" in result.output
        assert json.loads(ready("parcel", "list", "--json").output) == []


def test_an_existing_rejects_file_needs_force(ready, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("keep me", encoding="utf-8")
    result = ready("parcel", "import", path, "--skip-invalid", "--rejects", rejects)
    assert result.exit_code == 1 and "already exists: add --force" in result.output
    assert rejects.read_text(encoding="utf-8") == "keep me"
    assert json.loads(ready("parcel", "list", "--json").output) == []
    forced = ready("parcel", "import", path, "--skip-invalid", "--rejects", rejects, "--force")
    assert forced.exit_code == 0 and "1 bad row skipped" in forced.output
    assert "李四" in rejects.read_text(encoding="utf-8-sig")


def test_skip_invalid_needs_rejects(ready, tmp_path):
    result = ready("parcel", "import", str(tmp_path / "x.csv"), "--skip-invalid")
    assert result.exit_code == 1 and "--rejects" in result.output


def test_template_then_overdue(ready, tmp_path):
    target = tmp_path / "t.csv"
    assert ready("parcel", "template", str(target), "--chinese").exit_code == 0
    assert target.read_text(encoding="utf-8-sig").startswith("服务站*,订单号")
    again = ready("parcel", "template", str(target))
    assert again.exit_code == 1 and "already exists: add --force" in again.output
    assert ready("parcel", "template", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8-sig").startswith("station*,order_ref")
    result = ready("parcel", "overdue")
    assert result.exit_code == 0 and "No parcel is waiting" in result.output


def test_a_list_cut_at_its_limit_says_more_match_and_keeps_json_whole(hub, make_parcel):
    for _ in range(4):
        make_parcel("registered", station="GD05")
    cut = hub("parcel", "list", "--limit", "3")
    assert cut.exit_code == 0
    assert (
        "Only the newest 3 parcels are listed; more match: --limit 0 lists them all."
        in " ".join(cut.output.split())
    )
    assert len(json.loads(hub("parcel", "list", "--limit", "3", "--json").stdout)) == 3
    assert cut.output.rstrip().endswith("--limit 0 lists them all.")  # after the rows
    negative = hub("parcel", "list", "--limit", "-1")
    assert negative.exit_code == 2 and "--limit" in negative.output
    whole = hub("parcel", "list", "--limit", "4")
    assert "Only the newest" not in whole.output
    one = " ".join(hub("parcel", "list", "--limit", "1").output.split())
    assert "Only the newest parcel is listed; more match: --limit 0 lists them all." in one
    assert len(json.loads(hub("parcel", "list", "--limit", "0", "--json").stdout)) == 4
