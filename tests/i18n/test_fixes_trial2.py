"""What a tester found using `hub` in Chinese in an 80-column terminal (second trial):
network imports of a Latin-1 file, the counts of `hub assign`, the handover export's
message, the field names of an import's changes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from logistics.domain.clock import local_today, zone
from logistics.models import Parcel
from tests.support import said, tight

pytestmark = pytest.mark.usefixtures("chinese_terminal")


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    return hub


# ------------------------------------------------------------------ 1. --encoding


def test_station_import_of_a_latin_1_file_takes_encoding(ready, tmp_path):
    path = tmp_path / "st2.csv"
    path.write_bytes("code,keeper_name\nGD01,Müller\n".encode("latin-1"))
    refused = ready("station", "import", path)
    assert refused.exit_code == 1
    assert "--encoding latin-1" in said(refused)

    result = ready("station", "import", path, "--encoding", "latin-1")
    assert result.exit_code == 0, result.output
    assert "Müller" in result.output and "没有这个选项" not in result.output
    shown = ready("station", "show", "GD01")
    assert "Müller" in shown.output


def test_courier_and_tariff_import_take_encoding(ready, tmp_path):
    couriers = tmp_path / "c2.csv"
    couriers.write_bytes("code,phone\nZTO,Müller 0351\n".encode("latin-1"))
    tariffs = tmp_path / "t2.csv"
    tariffs.write_bytes(
        "courier,province,first_kg,extra_kg,note\nZTO,52,9.50,4.00,Ü\n".encode("latin-1")
    )
    result = ready(
        "courier", "import", couriers, "--tariffs", tariffs, "--encoding", "latin-1",
        "--ignore-unknown",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "没有这个选项" not in result.output


def test_vehicle_import_takes_encoding(ready, tmp_path):
    path = tmp_path / "v2.csv"
    path.write_bytes("code,plate\nVAN1,Ö-123\n".encode("latin-1"))
    result = ready("vehicle", "import", path, "--encoding", "latin-1")
    assert result.exit_code == 0, result.output
    assert "Ö-123" in ready("vehicle", "list").output


# ------------------------------------------------------------------ 4. field names


def test_station_import_names_the_changed_fields_in_chinese(ready, tmp_path):
    path = tmp_path / "st.csv"
    path.write_text("code,keeper_phone,households\nGD01,13900000001,321\n", encoding="utf-8")
    result = ready("station", "import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    out = tight(result)
    assert "站长电话" in out and "户数" in out
    assert "keeper_phone" not in out and "households" not in out


def test_json_keeps_the_field_code_with_a_label(ready, tmp_path):
    import json

    path = tmp_path / "st.csv"
    path.write_text("code,keeper_phone\nGD01,13900000001\n", encoding="utf-8")
    data = json.loads(ready("station", "import", path, "--dry-run", "--json").output)
    [changed] = [row for row in data["rows"] if row["fields"]]
    assert changed["fields"][0]["field"] == "keeper_phone"
    assert changed["fields"][0]["field_label"] == "站长电话"


# ------------------------------------------------------------------ 2. assign counts


@pytest.mark.usefixtures("assignment_morning")
def test_first_assignment_says_given_a_courier_not_changed(hub, couriers, make_parcel):
    for _ in range(3):
        make_parcel()
    dry = hub("assign", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "3件包裹分到快递公司" in tight(dry) and "更换" not in dry.output
    result = hub("assign")
    assert result.exit_code == 0, result.output
    assert "已保存：3件包裹分到快递公司" in tight(result)
    assert "更换了快递公司" not in result.output


@pytest.mark.usefixtures("assignment_morning")
def test_every_parcel_to_re_sort_is_listed(hub, session, couriers, make_parcel):
    def only_jt(capacity):
        for courier in couriers.values():
            courier.daily_capacity = capacity if courier.code == "JT" else 0
            session.add(courier)
        session.commit()

    parcels = [make_parcel() for _ in range(7)]
    only_jt(7)
    assert hub("assign").exit_code == 0
    only_jt(1)
    session.expire_all()
    stored = session.exec(select(Parcel).where(Parcel.id.in_([p.id for p in parcels]))).all()
    assert all(p.courier_id == couriers["JT"].id for p in stored)
    session.commit()

    result = hub("assign")
    assert result.exit_code == 0, result.output
    out = tight(result)
    assert "分拨中心有6件包裹要重新分拣" in out
    assert out.count("的笼车取出") == 6
    assert "6件包裹不再有快递公司" in out and "更换了快递公司" not in out


# ------------------------------------------------------------------ 3. handover export


def test_export_says_why_parcels_with_a_tracking_number_are_left_out(
    hub, make_parcel, sample_network, tmp_path
):
    day = local_today(zone("Asia/Shanghai"))
    for i in range(5):
        make_parcel(courier="ZTO", tracking_no=f"7{day:%m%d}{i:07d}")
    for _ in range(3):
        make_parcel(courier="ZTO")
    number = f"M-ZTO-{day:%Y%m%d}-1"
    assert hub("manifest", "build").exit_code == 0
    assert hub("manifest", "close", number).exit_code == 0
    result = hub("manifest", "export", number, tmp_path / "zto-hand.csv")
    assert result.exit_code == 0, result.output
    out = tight(result)
    assert "8件中的3件" in out
    assert "另外5件已有ZTO的运单号" in out and "--all" in out

    every = hub("manifest", "export", number, tmp_path / "all.csv", "--all")
    assert every.exit_code == 0, every.output
    assert "8件" in tight(every) and "另外" not in every.output
