"""A station keeper's day with inbound parcels: codes at the station, the list, the
messages to the villagers, and pickups by code."""

from __future__ import annotations

import csv
import json
import stat

import pytest


@pytest.fixture
def arrived(hub):
    """Three inbound parcels for GD05 scanned at the station (two for one villager)."""
    assert hub("init", "--sample").exit_code == 0
    phones = ["13812345671", "13812345672", "13812345671"]
    for n, phone in enumerate(phones):
        result = hub(
            "parcel", "register", "--direction", "inbound", "--station", "GD05",
            "--weight", "1.5", "--recipient", "王小明", "--phone", phone,
            "--tracking-no", f"YT123456789012{n}", "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    scanned = hub("scan", "at-station", "--station", "GD05", "-", input="".join(
        f"YT123456789012{n}\n" for n in range(3)
    ))  # fmt: skip
    assert scanned.exit_code == 0, scanned.output
    assert "pickup code 1-2-1001" in scanned.output and "pickup code 3-2-1003" in scanned.output
    return hub


def test_the_keepers_list_shows_codes_masked_names_and_the_phones_last_four(arrived):
    rows = json.loads(arrived("parcel", "pickups", "--station", "GD05", "--json").output)
    assert [(r["pickup_code"], r["recipient"], r["phone_tail"]) for r in rows] == [
        ("1-2-1001", "王**", "5671"),
        ("2-2-1002", "王**", "5672"),
        ("3-2-1003", "王**", "5671"),
    ]
    table = arrived("parcel", "pickups", "--station", "GD05")
    assert table.exit_code == 0 and "Waiting at station GD05 (3)" in table.output
    assert "13812345671" not in table.output and "1-2-1001" in table.output


def test_picked_up_by_the_code_needs_the_station(arrived):
    bare = arrived("scan", "picked-up", "2-2-1002")
    assert bare.exit_code == 1 and "is a pickup code" in bare.output and "--station" in bare.output
    picked = arrived("scan", "picked-up", "--station", "GD05", "2-2-1002")
    assert picked.exit_code == 0 and "is now picked up" in picked.output, picked.output
    rows = json.loads(arrived("parcel", "pickups", "--station", "GD05", "--json").output)
    assert [r["pickup_code"] for r in rows] == ["1-2-1001", "3-2-1003"]


def test_notices_one_message_per_villager_for_the_keepers_phone(arrived, tmp_path):
    path = tmp_path / "gd05-sms.csv"
    result = arrived("parcel", "pickups", "--station", "GD05", "--notices", path)
    assert result.exit_code == 0, result.output
    assert "2 messages, 3 parcels" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # full phone numbers: owner only
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["phone"] for row in rows] == ["13812345671", "13812345672"]
    assert rows[0]["message"].startswith("【高都镇快递物流分拨中心】您的 2 件包裹已到岭上村服务站")
    assert (
        "取件码 1-2-1001、3-2-1003" in rows[0]["message"]
    )  # Chinese, though the screen is English

    # the file exists: replaced only with --force; each write is on the parcels' timelines
    again = arrived("parcel", "pickups", "--station", "GD05", "--notices", path)
    assert again.exit_code == 1 and "--force" in again.output
    english = arrived(
        "--lang", "en", "parcel", "pickups", "--station", "GD05", "--notices", path, "--force"
    )
    assert english.exit_code == 0
    assert "Your 2 parcels have arrived at 岭上村服务站" in path.read_text(encoding="utf-8-sig")
    timeline = json.loads(arrived("parcel", "show", "YT1234567890120", "--json").output)
    noted = [e for e in timeline["timeline"] if e["action"] == "pickup-notice"]
    assert len(noted) == 2 and all(e["operator"] == "tester" for e in noted)


def test_the_list_as_a_csv_file_and_json_stays_clean(arrived, tmp_path):
    path = tmp_path / "gd05.csv"
    result = arrived("parcel", "pickups", "--station", "GD05", "--csv", path, "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3  # the sentence about the file went to stderr
    with open(path, encoding="utf-8-sig", newline="") as f:
        assert [row["pickup_code"] for row in csv.DictReader(f)] == [
            "1-2-1001",
            "2-2-1002",
            "3-2-1003",
        ]
