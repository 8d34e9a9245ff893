"""The network commands as an operator types them."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def ready(hub):
    result = hub("init", "--sample")
    assert result.exit_code == 0, result.output
    return hub


def test_init_sample_then_list_stations_as_table_json_and_csv(ready):
    table = ready("station", "list")
    assert table.exit_code == 0
    assert "高都村服务站" in table.output and "GD30" in table.output
    rows = json.loads(ready("station", "list", "--json").output)
    assert len(rows) == 30 and rows[0]["code"] == "GD01"
    parsed = list(csv.DictReader(io.StringIO(ready("station", "list", "--csv").output)))
    assert [row["code"] for row in parsed] == [row["code"] for row in rows]


def test_courier_show_prints_the_tariff(ready):
    result = ready("courier", "show", "ZTO")
    assert result.exit_code == 0
    assert "中通快递" in result.output and "贵州" in result.output
    assert json.loads(ready("courier", "show", "ZTO", "--json").output)["cutoff"] == "17:00"


def test_unknown_code_is_one_sentence_and_exit_1(ready):
    result = ready("station", "show", "NOPE")
    assert result.exit_code == 1
    assert "There is no station with code 'NOPE'" in result.output
    assert "Traceback" not in result.output


def test_command_on_a_database_never_initialised_says_how_to_fix(hub, tmp_path):
    result = hub("--db", str(tmp_path / "fresh.db"), "station", "list")
    assert result.exit_code == 1
    assert "hub init" in result.output
    assert not (tmp_path / "fresh.db").exists()


def test_wrong_db_url_is_one_sentence(hub):
    result = hub("--db", "mysql://root@localhost/hub", "station", "list")
    assert result.exit_code == 1
    assert "is not a database this hub can use" in result.output


def test_bad_import_file_leaves_the_database_unchanged(ready, tmp_path):
    bad = tmp_path / "vans.csv"
    bad.write_text("code,capacity_kg,capacity_parcels\nVAN8,900,100\nVAN9,lots,100\n")
    result = ready("vehicle", "import", str(bad))
    assert result.exit_code == 1
    assert "vans.csv row 3: capacity_kg must be" in result.output
    codes = [row["code"] for row in json.loads(ready("vehicle", "list", "--json").output)]
    assert "VAN8" not in codes


def test_missing_file_is_one_sentence(ready, tmp_path):
    result = ready("station", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_add_station_then_update_it(ready):
    args = ["station", "add", "--code", "gd31", "--name", "新庄村服务站", "--lat", "35.61"]
    assert ready(*args, "--lon", "112.99").exit_code == 0
    assert ready(*args, "--lon", "112.98", "--hours", "09:00-17:00").exit_code == 0
    shown = json.loads(ready("station", "show", "GD31", "--json").output)
    assert shown["lon"] == 112.98 and shown["hours"] == "09:00-17:00"
    assert len(json.loads(ready("station", "list", "--json").output)) == 31


def test_help_lists_only_working_groups(hub):
    result = hub("--help")
    assert result.exit_code == 0
    for group in ("station", "courier", "vehicle", "init", "db", "demo"):
        assert group in result.output


def test_import_lists_what_it_changes_and_dry_run_saves_nothing(ready, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("code,service_minutes,站长电话\nGD05,9,139\nGD07,\n", encoding="utf-8")
    refused = ready("station", "import", str(path))
    assert refused.exit_code == 1 and "站长电话" in refused.output
    assert "--ignore-unknown" in " ".join(refused.output.split())
    dry = ready("station", "import", str(path), "--ignore-unknown", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "GD05" in dry.output and "Stop minutes 6 → 9" in dry.output
    assert "1 row unchanged: GD07" in dry.output and "Dry run: nothing was saved" in dry.output
    assert json.loads(ready("station", "show", "GD05", "--json").output)["service_minutes"] == 6
    done = ready("station", "import", str(path), "--ignore-unknown")
    said = " ".join(done.output.split())
    assert "0 stations added, 1 updated, 1 unchanged" in said
    shown = json.loads(ready("station", "show", "GD05", "--json").output)
    assert (shown["service_minutes"], shown["keeper_phone"]) == (9, "13683524485")
    as_json = json.loads(ready("station", "import", str(path), "--ignore-unknown", "--json").output)
    assert as_json["rows"][0] == {"code": "GD05", "change": "unchanged", "fields": []}
