"""What an operator does by habit with an import file never loses, doubles or misstates
anything (issue 14 item 11, issue 17 item 4): bad rows are counted as rows, a file of
headers only and a file missing columns are refused in one go, and the same file
imported twice (say, retried after a kill) adds nothing unless asked.

The file memory needs the ``imported_file`` table (``logistics/models/imports.py``),
created by migration 0005.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from logistics.errors import ImportRejected, InvalidInput, RuleBroken
from logistics.models import Parcel
from logistics.models.imports import ImportedFile
from logistics.services.parcel_import import import_parcels

HEADER = "站点,订单号,收件人,电话,省份,城市,地址,重量,快递,运单号\n"
GOOD = "GD01,TB001,张三,13812345678,贵州,贵阳,云岩区中华北路1号,2.5,,\n"
# five problems in one row: order_ref, phone, province, weight, station
FIVE = "GD99,T B,李四,12,Atlantis,广州,2号,heavy,,\n"
ONE = "GD02,TB003,王五,13700002222,广东,深圳,3号,-1,,\n"
# rows a village shop sends: no order reference, no tracking number
PLAIN = (
    "站点,收件人,电话,省份,地址,重量\n"
    "GD01,张三,13812345678,贵州,1号,2.5\n"
    "GD02,李四,13900001111,广东,2号,1\n"
)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def count(session, model=Parcel):
    return session.exec(select(func.count()).select_from(model)).one()


# ----------------------------------------------------------------- bad rows are rows


def test_bad_rows_are_counted_as_rows_with_their_problems_under_them(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + GOOD + FIVE + ONE)
    with pytest.raises(ImportRejected) as caught:
        import_parcels(sample_network, path, operator="amy")
    error = caught.value
    assert error.rows == 2
    head, *lines = str(error).splitlines()
    assert head == "p.csv: 2 bad rows, nothing was imported."
    assert lines[0] == "p.csv row 3, 5 problems:"
    assert [line.split(":")[0] for line in lines[1:6]] == [
        "  column 订单号",
        "  column 电话",
        "  column 省份",
        "  column 重量",
        "  column 站点",
    ]
    assert lines[6].startswith("p.csv row 4, column 重量: weight_kg must be")
    assert len(lines) == 7
    assert count(sample_network) == 0


def test_a_row_repeating_another_is_one_bad_row(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + GOOD + GOOD)
    with pytest.raises(ImportRejected, match="1 bad row, nothing was imported") as caught:
        import_parcels(sample_network, path, operator="amy")
    assert caught.value.rows == 1


def test_skip_invalid_counts_rows_and_keeps_each_rows_problems_together(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + GOOD + FIVE + ONE)
    rejects = tmp_path / "rejects.csv"
    summary = import_parcels(
        sample_network, path, operator="amy", skip_invalid=True, rejects=rejects
    )
    assert (summary.imported, summary.rejected) == (1, 2)
    lines = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3  # the header and two rows
    assert "station 'GD99'" in lines[1] and "weight_kg" in lines[1]


# ------------------------------------------------------------- a file of headers only


@pytest.mark.parametrize(
    "text",
    [HEADER, HEADER + "\n,,,\n", "11月发货清单\n" + HEADER],
    ids=["header", "blank rows", "title and header"],
)
def test_a_file_with_a_header_and_no_data_rows_is_refused(sample_network, tmp_path, text):
    path = write(tmp_path / "empty.csv", text)
    with pytest.raises(InvalidInput) as caught:
        import_parcels(sample_network, path, operator="amy")
    assert str(caught.value) == "File 'empty.csv' has no data rows: nothing was imported."
    assert count(sample_network) == 0
    assert count(sample_network, ImportedFile) == 0


def test_an_xlsx_template_left_empty_is_refused(sample_network, tmp_path):
    from logistics.io.tables import write_template
    from logistics.services.parcel_import import template_headers

    path = tmp_path / "t.xlsx"
    write_template(path, template_headers("zh"))
    with pytest.raises(InvalidInput, match="'t.xlsx' has no data rows: nothing was imported"):
        import_parcels(sample_network, path, operator="amy")


# ------------------------------------------------------- missing columns, all at once


def test_every_missing_required_column_is_named_in_one_sentence(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", "站点,收件人,地址\nGD01,张三,1号\n")
    with pytest.raises(InvalidInput) as caught:
        import_parcels(sample_network, path, operator="amy")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        "File 'p.csv' has no 'recipient_phone', 'province', 'weight_kg' columns in its "
        "header row (row 1): expected headers such as "
    )
    assert "'电话'" in message and "'省份'" in message and "'重量'" in message


def test_missing_columns_are_found_under_a_title_row(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", "11月发货清单\n站点,收件人,电话,地址\nGD01,张三,1,1号\n")
    with pytest.raises(InvalidInput) as caught:
        import_parcels(sample_network, path, operator="amy")
    message = str(caught.value)
    assert "has no 'province', 'weight_kg' columns in its header row (row 2)" in message
    assert "'station'" not in message.split(": expected")[0]


# ---------------------------------------------------- the same file twice (retry)


def test_the_same_file_again_is_refused_and_says_when_and_how_many(sample_network, tmp_path):
    path = write(tmp_path / "shop.csv", PLAIN)
    first = import_parcels(sample_network, path, operator="amy")
    assert (first.imported, first.unreferenced) == (2, 2)
    remembered = sample_network.exec(select(ImportedFile)).one()
    assert (remembered.file_name, remembered.parcels_added, remembered.operator) == (
        "shop.csv",
        2,
        "amy",
    )
    assert len(remembered.digest) == 64
    with pytest.raises(RuleBroken) as caught:
        import_parcels(sample_network, path, operator="bob")  # the natural retry
    message = str(caught.value)
    assert message.startswith("File 'shop.csv' was already imported on ")
    assert "by amy, adding 2 parcels: nothing was imported" in message and "--again" in message
    assert count(sample_network) == 2


def test_a_renamed_copy_is_the_same_file(sample_network, tmp_path):
    import_parcels(sample_network, write(tmp_path / "shop.csv", PLAIN), operator="amy")
    copy = write(tmp_path / "shop (1).csv", PLAIN)
    with pytest.raises(RuleBroken, match=r"'shop \(1\).csv' was already imported as 'shop.csv'"):
        import_parcels(sample_network, copy, operator="amy")
    assert count(sample_network) == 2


def test_again_imports_the_same_file_once_more(sample_network, tmp_path):
    path = write(tmp_path / "shop.csv", PLAIN)
    import_parcels(sample_network, path, operator="amy")
    again = import_parcels(sample_network, path, operator="bob", again=True)
    assert (again.imported, again.already, again.unreferenced) == (2, 0, 2)
    assert count(sample_network) == 4
    remembered = sample_network.exec(select(ImportedFile)).one()
    assert (remembered.parcels_added, remembered.operator) == (2, "bob")


def test_rows_with_references_are_still_skipped_with_again(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + GOOD)
    assert import_parcels(sample_network, path, operator="amy").unreferenced == 0
    again = import_parcels(sample_network, path, operator="amy", again=True)
    assert (again.imported, again.already) == (0, 1)
    assert count(sample_network) == 1


def test_a_changed_file_is_a_new_file(sample_network, tmp_path):
    path = write(tmp_path / "shop.csv", PLAIN)
    import_parcels(sample_network, path, operator="amy")
    write(path, PLAIN + "GD03,王五,13700002222,贵州,3号,1\n")
    summary = import_parcels(sample_network, path, operator="amy")
    assert summary.imported == 3  # the hub cannot tell the rows without a reference
    assert count(sample_network, ImportedFile) == 2


def test_a_refused_file_is_not_remembered(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + GOOD + ONE)
    with pytest.raises(ImportRejected):
        import_parcels(sample_network, path, operator="amy")
    assert count(sample_network, ImportedFile) == 0
    summary = import_parcels(
        sample_network, path, operator="amy", skip_invalid=True, rejects=tmp_path / "r.csv"
    )
    assert summary.imported == 1
    with pytest.raises(RuleBroken, match="adding 1 parcel: nothing was imported"):
        import_parcels(sample_network, path, operator="amy")


def test_a_file_of_only_bad_rows_skipped_is_not_remembered(sample_network, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + ONE)
    rejects = tmp_path / "r.csv"
    summary = import_parcels(
        sample_network, path, operator="amy", skip_invalid=True, rejects=rejects
    )
    assert (summary.imported, summary.rejected) == (0, 1)
    assert count(sample_network, ImportedFile) == 0
