"""Importing a parcel file: all-or-nothing, every bad row listed, no duplicates."""

from __future__ import annotations

import csv

import pytest
from sqlmodel import func, select

from logistics.domain.parcel_status import Direction, Status
from logistics.errors import ImportRejected, InvalidInput, RuleBroken
from logistics.io.tables import write_template
from logistics.models import Parcel, ParcelEvent, Station
from logistics.services.parcel_import import import_parcels, template_headers

HEADER = "站点,订单号,收件人,电话,省份,城市,地址,重量,快递,运单号\n"
ROWS = [
    "GD01,TB001,张三,13812345678,贵州,贵阳,云岩区中华北路1号,2.5,,\n",
    "GD02,TB002,李四,13900001111,Guangdong,广州,天河区1号,1,,73100000000001\n",
    "GD03,TB003,王五,13700002222,44,深圳,南山区2号,１０,SF,SF1234567890123\n",
]


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def count(session, model=Parcel):
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_good_file_imports_every_row_with_one_event_each(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + "".join(ROWS))
    summary = import_parcels(sample_network, path, operator="amy")
    assert (summary.rows, summary.imported, summary.already) == (3, 3, 0)
    parcels = sample_network.exec(select(Parcel).order_by(Parcel.parcel_no)).all()
    assert [p.parcel_no for p in parcels] == summary.parcel_nos
    assert parcels[0].parcel_no.endswith("-00001")
    assert [p.weight_g for p in parcels] == [2500, 1000, 10000]
    assert parcels[1].courier_fixed and parcels[1].tracking_no == "73100000000001"
    assert all(p.status == Status.REGISTERED for p in parcels)
    events = sample_network.exec(select(ParcelEvent)).all()
    assert len(events) == 3 and {e.operator for e in events} == {"amy"}
    assert {e.to_status for e in events} == {Status.REGISTERED}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(sample_network, tmp_path, encoding):
    path = write(tmp_path / "p.csv", HEADER + ROWS[0], encoding)
    assert import_parcels(sample_network, path, operator="amy").imported == 1


def test_importing_twice_creates_no_duplicates(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + "".join(ROWS))
    import_parcels(sample_network, path, operator="amy")
    with pytest.raises(RuleBroken, match="'p.csv' was already imported on .* adding 3 parcels"):
        import_parcels(sample_network, path, operator="amy")
    again = import_parcels(sample_network, path, operator="amy", again=True)
    assert (again.imported, again.already) == (0, 3)
    assert count(sample_network) == 3


def test_a_bad_file_imports_nothing_and_lists_every_bad_row(sample_network, tmp_path):
    bad = [
        "GD01,TB010,张三,13812345678,贵州,贵阳,1号,heavy,,\n",
        "GD99,TB011,李四,13900001111,广东,广州,2号,1,,\n",
        "GD01,TB001,王五,13700002222,Atlantis,深圳,3号,1,,\n",
    ]
    path = write(tmp_path / "p.csv", HEADER + "".join(ROWS) + "".join(bad))
    with pytest.raises(ImportRejected) as caught:
        import_parcels(sample_network, path, operator="amy")
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("p.csv row 5, column 重量: weight_kg must be")
    assert problems[1].startswith("p.csv row 6, column 站点: station 'GD99'")
    assert problems[2].startswith("p.csv row 7, column 省份: province 'Atlantis'")
    assert count(sample_network) == 0


def test_same_order_ref_twice_in_a_file_is_a_bad_row(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + ROWS[0] + ROWS[0])
    with pytest.raises(
        ImportRejected, match="row 3, column 订单号: order_ref 'TB001' repeats row 2"
    ):
        import_parcels(sample_network, path, operator="amy")


def test_skip_invalid_imports_the_good_rows_and_writes_rejects_that_reimport(
    sample_network, tmp_path
):
    bad = "GD01,TB010,张三,13812345678,贵州,贵阳,1号,heavy,,\n"
    path = write(tmp_path / "p.csv", HEADER + ROWS[0] + bad)
    rejects = tmp_path / "rejects.csv"
    summary = import_parcels(
        sample_network, path, operator="amy", skip_invalid=True, rejects=rejects
    )
    assert (summary.imported, summary.rejected) == (1, 1)
    with open(rejects, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["订单号"] == "TB010" and "weight_kg" in rows[0]["reason"]
    fixed = rejects.read_text(encoding="utf-8-sig").replace("heavy", "3")
    rejects.write_text(fixed, encoding="utf-8-sig")
    assert import_parcels(sample_network, rejects, operator="amy").imported == 1
    assert count(sample_network) == 2


def test_a_rejects_file_the_hub_may_not_write_stops_the_import_first(sample_network, tmp_path):
    bad = "GD01,TB010,张三,13812345678,贵州,贵阳,1号,heavy,,\n"
    path = write(tmp_path / "p.csv", HEADER + ROWS[0] + bad)
    with pytest.raises(InvalidInput, match="is the database or an input of this command"):
        import_parcels(
            sample_network, path, operator="amy", skip_invalid=True, rejects=path, force=True
        )
    rejects = write(tmp_path / "rejects.csv", "old")
    with pytest.raises(InvalidInput, match="already exists: add --force"):
        import_parcels(sample_network, path, operator="amy", skip_invalid=True, rejects=rejects)
    assert count(sample_network) == 0 and rejects.read_text() == "old"
    summary = import_parcels(
        sample_network, path, operator="amy", skip_invalid=True, rejects=rejects, force=True
    )
    assert (summary.imported, summary.rejected) == (1, 1)
    assert rejects.stat().st_mode & 0o777 == 0o600


def test_inbound_file_sorts_parcels_to_the_recipients_village(sample_network, tmp_path):
    text = (
        "运单号,收件人,电话,地址,重量\n"
        "73100000000009,王五,13700002222,泽州县高都镇东沟村3组,1.2\n"
        "YT1234567890123,赵六,13700003333,高都镇西沟村,0.4\n"
    )
    summary = import_parcels(
        sample_network,
        write(tmp_path / "in.csv", text),
        operator="amy",
        direction=Direction.INBOUND,
    )
    assert summary.imported == 2
    parcels = sample_network.exec(select(Parcel).order_by(Parcel.parcel_no)).all()
    assert {p.status for p in parcels} == {Status.ARRIVED_HUB}
    assert {p.direction for p in parcels} == {Direction.INBOUND}
    codes = [sample_network.get(Station, p.station_id).code for p in parcels]
    assert codes == ["GD02", "GD03"]


def test_default_station_for_a_file_without_one(sample_network, tmp_path):
    text = "收件人,电话,省份,地址,重量\n张三,13812345678,贵州,1号,1\n"
    summary = import_parcels(
        sample_network, write(tmp_path / "p.csv", text), operator="amy", station="gd05"
    )
    assert summary.imported == 1


def test_xlsx_import_and_template(sample_network, tmp_path):
    template = tmp_path / "t.xlsx"
    write_template(template, template_headers())
    import openpyxl

    book = openpyxl.load_workbook(template)
    sheet = book.active
    sheet.append(["GD01", "TB100", None, None, "张三", "13812345678", "浙江", "杭州", "1号", 2.5])
    book.save(template)
    assert import_parcels(sample_network, template, operator="amy").imported == 1


def test_progress_is_reported(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + "".join(ROWS))
    seen = []
    import_parcels(sample_network, path, operator="amy", progress=lambda d, t: seen.append(d))
    assert seen[-1] == 3
