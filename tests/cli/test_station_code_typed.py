"""A station code typed by a person is read in NFKC and in any case: a Chinese input
method's full-width ｇｄ０２ names station GD02, as full-width parcel codes already do."""

from __future__ import annotations

import json

FULL_WIDTH = "ｇｄ０５"  # what a Chinese input method types for gd05


def test_a_scan_at_a_full_width_station_code_is_done_there(make_parcel, hub):
    parcel = make_parcel("registered", station="GD05")
    result = hub("scan", "collect", "--station", FULL_WIDTH, "-", input=f"{parcel.parcel_no}\n")
    assert result.exit_code == 0, result.output
    assert "There is no station" not in result.output
    shown = json.loads(hub("parcel", "show", parcel.parcel_no, "--json").output)
    assert shown["status"] == "collected"
    assert shown["timeline"][-1]["place"] == "GD05"


def test_a_scan_at_a_lower_case_station_code_with_spaces_is_done_there(make_parcel, hub):
    parcel = make_parcel("registered", station="GD05")
    result = hub("scan", "collect", "--station", " gd05　", parcel.parcel_no)
    assert result.exit_code == 0, result.output


def test_station_show_and_parcel_lists_read_a_full_width_code(make_parcel, hub):
    parcel = make_parcel("registered", station="GD05")
    shown = hub("station", "show", FULL_WIDTH, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["code"] == "GD05"
    listed = hub("parcel", "list", "--station", FULL_WIDTH, "--json")
    assert listed.exit_code == 0, listed.output
    assert [row["parcel_no"] for row in json.loads(listed.output)] == [parcel.parcel_no]
    inbound = make_parcel("out_for_delivery", station="GD05")
    assert hub("scan", "at-station", "--station", FULL_WIDTH, inbound.parcel_no).exit_code == 0
    waiting = hub("parcel", "pickups", "--station", FULL_WIDTH)
    assert waiting.exit_code == 0, waiting.output
    assert "Waiting at station GD05 (1)" in " ".join(waiting.output.split())


def test_parcel_import_reads_a_full_width_default_station(sample_network, hub, tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(
        "订单号,收件人,电话,省份,地址,重量\nA1,张三,13812345678,贵州,1号,2.5\n", encoding="utf-8"
    )
    result = hub("parcel", "import", path, "--station", FULL_WIDTH)
    assert result.exit_code == 0, result.output
    rows = json.loads(hub("parcel", "list", "--station", "GD05", "--json").output)
    assert len(rows) == 1


def test_parcel_register_reads_a_full_width_station(sample_network, hub):
    result = hub(
        "parcel", "register", "--station", FULL_WIDTH, "--weight", "1", "--recipient", "张三",
        "--phone", "13812345678", "--province", "44", "--address", "1号", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(hub("parcel", "list", "--station", "GD05", "--json").output)
    assert len(rows) == 1
