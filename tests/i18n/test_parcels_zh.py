"""Parcels in Chinese: a bad import row, the import summary, `parcel show`'s timeline and
JSON labels; and what people type (products, couriers, provinces) folded to one code."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess

import pytest

from logistics import i18n
from logistics.domain.parcel_rows import RowInvalid, RowRules, parse_row
from logistics.domain.parcel_status import Status
from logistics.domain.tracking_numbers import DEFAULT_PATTERNS

RULES = RowRules(
    stations={"GD01", "GD02"},
    villages={"高都村": "GD01"},
    patterns=DEFAULT_PATTERNS,
    courier_names={"ZTO": "中通快递", "YTO": "圆通速递", "SF": "顺丰速运", "EMS": "中国邮政"},
)

GOOD = {
    "station": "GD01",
    "recipient_name": "张三",
    "recipient_phone": "13812345678",
    "province": "贵州",
    "address": "贵阳市云岩区中华北路1号",
    "weight_kg": "2.5",
}


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    return hub


# ------------------------------------------------------------------ what people type


@pytest.mark.parametrize("typed", ["猕猴桃", "奇异果", "kiwi", " Kiwifruit "])
def test_product_labels_fold_to_one_key(typed):
    spec = parse_row({**GOOD, "category": typed}, RULES)
    assert spec.category == "kiwi" and spec.category_typed is None


def test_an_unknown_product_is_other_and_kept_as_typed():
    spec = parse_row({**GOOD, "category": "螺蛳粉"}, RULES)
    assert spec.category == "other" and spec.category_typed == "螺蛳粉"
    assert parse_row(GOOD, RULES).category is None


@pytest.mark.parametrize("typed", ["中通", "中通快递", "ZTO", "zto", " 中通 快递 "])
def test_a_courier_is_named_by_code_or_name(typed):
    spec = parse_row({**GOOD, "courier": typed, "tracking_no": "73100000000001"}, RULES)
    assert spec.courier_code == "ZTO" and spec.tracking_no == "73100000000001"


def test_an_unknown_courier_is_refused_naming_the_active_ones():
    with pytest.raises(RowInvalid) as refused:
        parse_row({**GOOD, "courier": "火星快递"}, RULES)
    assert "火星快递" in str(refused.value) and "ZTO" in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "code"), [("内蒙", "15"), ("内蒙古", "15"), ("广西", "45"), ("新疆", "65")]
)
def test_provinces_accept_short_forms(typed, code):
    assert parse_row({**GOOD, "province": typed}, RULES).province_code == code


def test_a_bad_row_names_the_field_by_its_chinese_header(chinese):
    with pytest.raises(RowInvalid) as refused:
        parse_row({**GOOD, "weight_kg": "abc", "recipient_name": ""}, RULES)
    said = str(refused.value)
    assert "收件人为空" in said and "重量应为以 kg 计的重量" in said and "abc" in said
    assert "weight_kg" not in said and "must be" not in said


def test_english_row_problems_are_unchanged():
    with pytest.raises(RowInvalid) as refused:
        parse_row({**GOOD, "weight_kg": "abc"}, RULES)
    assert str(refused.value) == "weight_kg must be a weight in kg such as 2.5, got 'abc'."


# ------------------------------------------------------------------ the commands


BAD = (
    "站点,订单号,收件人,电话,省份,地址,重量\n"
    "GD01,A1,张三,13812345678,贵州,1号,2.5\n"
    "GD01,A2,李四,13812345679,贵州,2号,abc\n"
)


def test_a_bad_import_row_reads_in_chinese(ready, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(BAD, encoding="utf-8")
    result = ready("parcel", "import", str(path), "--lang", "zh")
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "p.csv：1 行有错，一件都没有导入。" in said
    assert "p.csv 第 3 行，“重量”列：重量应为以 kg 计的重量，如 2.5，现在是“abc”。" in said
    assert "nothing was imported" not in said and "bad row" not in said
    english = ready("parcel", "import", str(path))
    assert "1 bad row, nothing was imported." in english.output
    assert "p.csv row 3, column 重量: weight_kg must be a weight in kg" in english.output


def test_import_habits_read_in_chinese(ready, tmp_path):
    bad = tmp_path / "b.csv"
    bad.write_text("站点,订单号,收件人,电话,省份,地址,重量\nGD99,T B,李四,12,贵州,2号,1\n", "utf-8")
    said = " ".join(ready("parcel", "import", bad, "--lang", "zh").output.split())
    assert "b.csv：1 行有错，一件都没有导入。" in said
    assert "b.csv 第 2 行，3 处错误：" in said and "“站点”列：" in said
    empty = tmp_path / "e.csv"
    empty.write_text("站点,收件人,电话,省份,地址,重量\n", encoding="utf-8")
    said = " ".join(ready("parcel", "import", empty, "--lang", "zh").output.split())
    assert "文件“e.csv”只有表头，没有数据行：一件都没有导入。" in said
    narrow = tmp_path / "n.csv"
    narrow.write_text("站点,收件人,地址\nGD01,张三,1号\n", encoding="utf-8")
    said = " ".join(ready("parcel", "import", narrow, "--lang", "zh").output.split())
    assert "缺少 'recipient_phone', 'province', 'weight_kg' 这几列" in said
    shop = tmp_path / "s.csv"
    shop.write_text("站点,收件人,电话,省份,地址,重量\nGD01,张三,13812345678,贵州,1号,2\n", "utf-8")
    said = " ".join(ready("parcel", "import", shop, "--lang", "zh").output.split())
    assert "导入的 1 行既没有订单号也没有运单号" in said
    retry = ready("parcel", "import", shop, "--lang", "zh")
    said = " ".join(retry.output.split())
    assert retry.exit_code == 1 and "文件“s.csv”已于 " in said
    assert "导入了 1 件：这次一件都没有导入（确要再导入一次，请加 --again）。" in said


def test_the_import_summary_names_unknown_products(ready, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "站点,收件人,电话,省份,地址,重量,品类,快递\n"
        "GD01,张三,13812345678,广西,1号,2.5,猕猴桃,中通快递\n"
        "GD01,张三,13812345678,新疆,2号,2.5,奇异果,zto\n"
        "GD01,张三,13812345678,内蒙,3号,2.5,螺蛳粉,中通\n"
        "GD01,张三,13812345678,贵州,4号,2.5,螺蛳粉,ZTO\n",
        encoding="utf-8",
    )
    result = ready("parcel", "import", str(path), "--lang", "zh")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "已导入 q.csv：4 件" in said
    assert "2 行的品类不在品类表里（螺蛳粉 ×2）：按“其他”统计。" in said
    rows = json.loads(ready("parcel", "list", "--json").output)
    assert sorted(r["category"] for r in rows) == ["kiwi", "kiwi", "other", "other"]
    assert {r["courier"] for r in rows} == {"ZTO"}
    assert {r["province_name"] for r in rows} == {"广西", "新疆", "内蒙古", "贵州"}


def test_show_reads_in_chinese_with_its_timeline(ready, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "站点,收件人,电话,省份,地址,重量,品类\nGD01,张三,13812345678,52,1号,2.5,螺蛳粉\n",
        encoding="utf-8",
    )
    assert ready("parcel", "import", str(path)).exit_code == 0
    (row,) = json.loads(ready("parcel", "list", "--json").output)
    shown = ready("parcel", "show", row["parcel_no"], "--lang", "zh")
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.output.split())
    for words in ("流转记录", "登记", "从 q.csv 导入", "填写的品类：螺蛳粉", "寄出", "贵州"):
        assert words in said, words
    assert "其他（填写为：螺蛳粉）" in said and "2.50 kg" in said
    for english in ("Timeline", "imported from", "outbound", "Weight"):
        assert english not in said, english
    english = ready("parcel", "show", row["parcel_no"]).output
    assert "Timeline" in english and "register" in english and "imported from q.csv" in english


def test_json_keeps_codes_and_adds_labels(ready):
    args = ["parcel", "register", "--station", "GD03", "--weight", "1.2", "--recipient", "李四"]
    args += ["--phone", "13900001111", "--province", "内蒙", "--address", "x"]
    args += ["--category", "奇异果", "--courier", "中通快递", "--json", "--lang", "zh"]
    registered = json.loads(ready(*args).output)
    assert registered["status"] == "registered"
    i18n.use("zh")
    assert registered["status_label"] == Status.label_of("registered")
    i18n.use("en")
    (row,) = json.loads(ready("parcel", "list", "--json", "--lang", "zh").output)
    assert (row["direction"], row["direction_label"]) == ("outbound", "寄出")
    assert (row["category"], row["category_label"]) == ("kiwi", "猕猴桃")
    assert (row["province"], row["province_name"]) == ("15", "内蒙古")
    assert row["courier"] == "ZTO"
    listed = ready("parcel", "list", "--lang", "zh", "--courier", "中通")
    said = " ".join(listed.output.split())
    assert "包裹（1 件）" in said and "猕猴桃" in said and "内蒙古" in said


def test_list_and_overdue_empty_in_chinese(ready):
    assert "没有符合条件的包裹。" in ready("parcel", "list", "--lang", "zh").output
    overdue = ready("parcel", "overdue", "--lang", "zh").output
    assert "没有滞留件" in overdue and "No parcel" not in overdue
    refused = ready("parcel", "list", "--status", "nope", "--lang", "zh")
    assert refused.exit_code == 1 and "没有“nope”这个状态" in refused.output


def test_csv_written_to_a_file_carries_a_bom(ready, database_url, tmp_path):
    """`hub parcel list --csv > parcels.csv` opens in Excel with its Chinese readable;
    the same listing read through a pipe by a script has no BOM."""
    command = shutil.which("hub")
    if command is None:
        pytest.skip("the hub command is not installed")
    environment = {**os.environ, "HUB_DATABASE_URL": database_url}
    target = tmp_path / "parcels.csv"
    with open(target, "wb") as out:
        subprocess.run(
            [command, "parcel", "list", "--csv"], stdout=out, env=environment, check=True
        )
    assert target.read_bytes().startswith(b"\xef\xbb\xbfparcel_no,")
    piped = subprocess.run(
        [command, "parcel", "list", "--csv"], capture_output=True, env=environment, check=True
    )
    assert piped.stdout.startswith(b"parcel_no,")
    with open(target, "wb") as out:
        subprocess.run(
            [command, "parcel", "list", "--csv", "--encoding", "gb18030"],
            stdout=out,
            env=environment,
            check=True,
        )
    header = next(csv.reader(io.StringIO(target.read_bytes().decode("gb18030"))))
    assert header[:3] == ["parcel_no", "tracking_no", "direction"]
