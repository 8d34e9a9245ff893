"""The network commands, `hub sample generate` and `hub demo` in Chinese: listings, refusals
naming the file, row and field, summaries; and the same commands still in English."""

from __future__ import annotations

import json
import re

import pytest

from logistics import i18n
from logistics.domain.network import parse_vehicle
from logistics.errors import InvalidInput


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    return hub


def said(result) -> str:
    return " ".join(result.output.split())


# ------------------------------------------------------------------ listings


def test_station_list_headers_and_title_in_chinese(ready):
    result = ready("--lang", "zh", "station", "list")
    assert result.exit_code == 0, result.output
    for word in ("服务站", "编码", "站长", "待揽收"):
        assert word in result.output
    for word in ("Stations", "Keeper", "Waiting", "Phone"):
        assert word not in result.output
    assert "高都村服务站" in result.output  # data as typed


def test_station_list_in_english_is_unchanged(ready):
    result = ready("station", "list")
    assert result.exit_code == 0
    for word in ("Stations", "Code", "Station", "Waiting"):
        assert word in result.output
    assert "待揽收" not in result.output


def test_station_show_labels_and_flag_in_chinese(ready):
    result = ready("--lang", "zh", "station", "show", "GD01")
    assert result.exit_code == 0
    for word in ("营业时间", "保管天数", "待取进港件", "启用"):
        assert word in result.output
    assert re.search(r"启用\s+是", result.output)
    assert "True" not in result.output and "Opening hours" not in result.output


def test_courier_show_tariff_in_chinese_with_province_names(ready):
    result = ready("--lang", "zh", "courier", "show", "ZTO")
    assert result.exit_code == 0
    for word in ("运价", "首重（元）", "续重每 kg（元）", "最低份额", "贵州", "15%"):
        assert word in result.output
    assert "Tariff" not in result.output and "First kg" not in result.output


def test_vehicle_list_in_chinese(ready):
    result = ready("--lang", "zh", "vehicle", "list")
    assert result.exit_code == 0
    for word in ("车辆", "车牌", "载重 kg", "件数上限", "是", "晋E·A2235"):
        assert word in result.output
    assert "Capacity" not in result.output and "True" not in result.output


def test_json_keeps_english_keys_and_codes(ready):
    rows = json.loads(ready("--lang", "zh", "station", "list", "--json").output)
    assert rows[0]["code"] == "GD01" and "waiting" in rows[0]
    vans = json.loads(ready("--lang", "zh", "vehicle", "list", "--json").output)
    assert vans[0]["active"] is True


# ------------------------------------------------------------------ refusals and summaries


def test_station_import_row_error_in_chinese_names_file_row_and_field(ready, tmp_path):
    bad = tmp_path / "stations.csv"
    bad.write_text(
        "code,name,lat,lon\nGD41,新庄村服务站,35.6,112.9\n"
        "G D,坏站,35.6,112.9\nGD41,重复站,35.6,112.9\n",
        encoding="utf-8",
    )
    result = ready("--lang", "zh", "station", "import", str(bad))
    assert result.exit_code == 1
    text = said(result)
    assert "stations.csv 第 3 行：code “G D”不是有效编码" in text
    assert "stations.csv 第 4 行：GD41 与第 2 行重复" in text
    assert "row 3" not in text and "is not a code" not in text
    listed = json.loads(ready("station", "list", "--json").output)
    assert "GD41" not in {row["code"] for row in listed}


def test_station_import_row_error_in_english_is_unchanged(ready, tmp_path):
    bad = tmp_path / "stations.csv"
    bad.write_text("code,name,lat,lon\nG D,坏站,35.6,112.9\n", encoding="utf-8")
    result = ready("station", "import", str(bad))
    assert result.exit_code == 1
    assert "stations.csv row 2: code 'G D' is not a code" in said(result)


def test_station_import_summary_in_chinese(ready, tmp_path):
    good = tmp_path / "new.csv"
    good.write_text("站点编码,站点名称,纬度,经度\nGD41,新庄村服务站,35.6,112.9\n", encoding="utf-8")
    result = ready("--lang", "zh", "station", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "已导入 new.csv：新增 1 个服务站，更新 0 个，0 个未变。" in said(result)


def test_unknown_station_in_chinese(ready):
    result = ready("--lang", "zh", "station", "show", "NOPE")
    assert result.exit_code == 1
    assert "没有编码为“NOPE”的服务站" in said(result)
    assert "There is no station" not in result.output


def test_add_van_refusal_and_saved_in_chinese(ready):
    args = ["--lang", "zh", "vehicle", "add", "--code", "VAN9", "--capacity-kg", "900"]
    refused = ready(*args, "--capacity-parcels", "90", "--shift-start", "18:00")
    assert refused.exit_code == 1
    assert "shift_end 必须晚于 shift_start" in said(refused)
    saved = ready(*args, "--capacity-parcels", "90")
    assert saved.exit_code == 0
    assert "车辆 VAN9 已保存。" in said(saved)


def test_domain_sentence_follows_the_language():
    i18n.use("zh")
    with pytest.raises(InvalidInput, match="shift_end 必须晚于 shift_start"):
        parse_vehicle(
            {
                "code": "V1",
                "capacity_kg": "900",
                "capacity_parcels": "9",
                "shift_start": "18:00",
                "shift_end": "08:00",
            }
        )
    i18n.use("en")
    with pytest.raises(InvalidInput, match="shift_end must be after shift_start"):
        parse_vehicle(
            {
                "code": "V1",
                "capacity_kg": "900",
                "capacity_parcels": "9",
                "shift_start": "18:00",
                "shift_end": "08:00",
            }
        )


def test_sample_generate_summary_in_chinese(ready):
    result = ready("--lang", "zh", "sample", "generate", "--days", "1", "--seed", "3")
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "已生成" in text and "件包裹（寄出" in text and "条扫描记录" in text
    assert "Generated" not in text and "parcels" not in text
    again = said(ready("--lang", "zh", "sample", "generate", "--days", "1", "--seed", "3"))
    assert "已有种子 3 的包裹：没有新增。" in again


# ------------------------------------------------------------------ the demo

ENGLISH = (
    "parcels",
    "Planned",
    "handed over",
    "handed to",
    "rounds",
    "Rounds",
    "Today",
    "Try next",
    "Assigned",
    "Everything is in",
    "printouts",
    "Generating",
    "Scanning",
    "Saving",
    "station",
    "not found",
)


def test_demo_speaks_chinese_from_start_to_end(hub, database_url, tmp_path):
    result = hub("--db", database_url, "--lang", "zh", "demo", "--folder", tmp_path, "--no-month")
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "分拨中心的一天：" in text
    assert "已跑" in text and "个趟次" in text and "已交接给" in text
    assert "打印文件在" in text and "接下来可以试试：" in text
    lines = [
        line
        for line in result.output.splitlines()
        if not line.lstrip().startswith("hub --db")  # commands to type stay as they are
    ]
    english = sorted({word for line in lines for word in ENGLISH if word in line})
    assert not english, english
    # and no English phrase at all, commands in backticks aside
    phrases = [
        line
        for line in lines
        if re.search(r"\b[A-Za-z]{3,}\s+[A-Za-z]{3,}\b", re.sub(r"`[^`]*`", "", line))
    ]
    assert not phrases, phrases


def test_demo_papers_folder_refusal_in_chinese(hub, tmp_path):
    (tmp_path / "labels.pdf").write_bytes(b"%PDF-1.4 an earlier demo")
    result = hub("--lang", "zh", "demo", "--folder", tmp_path, "--no-month")
    assert result.exit_code != 0
    text = said(result)
    assert "里已有上次演示的打印文件（labels.pdf）：加 --force 覆盖" in text
    assert "already holds" not in text
