import csv
import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.errors import InvalidInput
from logistics.io.tables import TableRow, header_key, open_table, write_rejects, xlsx_text

ALIASES = {
    "station": ["站点", "站点编码", "station code"],
    "recipient_name": ["收件人", "recipient"],
    "recipient_phone": ["电话", "收件人电话", "phone"],
    "province": ["省份", "省"],
    "weight_kg": ["重量", "重量(kg)", "weight"],
    "note": ["备注"],
}
REQUIRED = ["station", "province", "weight_kg"]

ROWS = [
    ["站点", "收件人", "电话", "省份", "重量(kg)", "颜色"],
    ["S01", "张三", "13800001234", "贵州", "2.5", "红"],
    ["S02", "欧阳娜娜", "１３９００００５６７８", "Guizhou", "１２", "蓝"],
]


def write_csv(path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def read(path, aliases=ALIASES, required=REQUIRED):
    table = open_table(path, aliases, required)
    return table, list(table)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_in_every_encoding_excel_saves(tmp_path, encoding):
    path = write_csv(tmp_path / "parcels.csv", ROWS, encoding=encoding)
    table, rows = read(path)
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values == {
        "station": "S01",
        "recipient_name": "张三",
        "recipient_phone": "13800001234",
        "province": "贵州",
        "weight_kg": "2.5",
    }
    # full-width digits come out as ASCII digits
    assert rows[1].values["recipient_phone"] == "13900005678"
    assert rows[1].values["weight_kg"] == "12"
    assert table.ignored_headers == ["颜色"]
    assert table.format == "csv"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_delimited(tmp_path, delimiter):
    path = write_csv(tmp_path / "parcels.txt", ROWS, delimiter=delimiter)
    _, rows = read(path)
    assert rows[0].values["station"] == "S01"
    assert rows[1].values["province"] == "Guizhou"


def test_headers_in_any_order_case_and_width(tmp_path):
    rows = [
        [" WEIGHT ", "\ufeffStation_Code", "ＰＨＯＮＥ", "Province*"],
        ["3", "S09", "010-12345678", "52"],
    ]
    table, data = read(write_csv(tmp_path / "a.csv", rows))
    assert data == [
        TableRow(
            2,
            {
                "station": "S09",
                "recipient_phone": "010-12345678",
                "province": "52",
                "weight_kg": "3",
            },
        )
    ]
    assert table.columns == {"weight_kg": 0, "station": 1, "recipient_phone": 2, "province": 3}
    assert "recipient_name" not in data[0].values


def test_ragged_and_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    rows = [
        ["站点", "省份", "重量", "备注"],
        ["S01", "贵州"],  # short row: padded
        [],  # blank line
        ["", " ", "　", ""],  # only spaces (incl. full-width): blank
        ["S03", "湖南", "1", "ok", "extra", "cells"],  # long row
    ]
    _, data = read(write_csv(tmp_path / "a.csv", rows))
    assert [r.number for r in data] == [2, 5]
    assert data[0].values == {"station": "S01", "province": "贵州", "weight_kg": "", "note": ""}
    assert data[1].values["note"] == "ok"


def test_quoted_multiline_cell_counts_as_one_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('站点,省份,重量\nS01,"贵州\n省",1\nS02,湖南,2\n', encoding="utf-8")
    _, data = read(path)
    assert [r.number for r in data] == [2, 3]
    assert data[0].values["province"] == "贵州\n省"


def test_title_row_above_the_header_is_skipped(tmp_path):
    rows = [["2026年11月发货清单"], [], ROWS[0], ROWS[1]]
    table, data = read(write_csv(tmp_path / "a.csv", rows))
    assert table.header_row == 3
    assert [r.number for r in data] == [4]


def test_missing_required_column_names_file_column_and_accepted_headers(tmp_path):
    path = write_csv(tmp_path / "parcels.csv", [["站点", "收件人", "重量"], ["S01", "a", "1"]])
    with pytest.raises(InvalidInput) as info:
        open_table(path, ALIASES, REQUIRED)
    message = str(info.value)
    assert "parcels.csv" in message
    assert "'province'" in message
    assert "'省份'" in message and "'省'" in message


def test_every_missing_required_column_is_named_at_once(tmp_path):
    rows = [["11月发货清单"], ["站点", "收件人"], ["S01", "a"]]
    with pytest.raises(InvalidInput) as info:
        open_table(write_csv(tmp_path / "p.csv", rows), ALIASES, REQUIRED)
    message = str(info.value)
    assert message.startswith(
        "File 'p.csv' has no 'province', 'weight_kg' columns in its header row (row 2): "
        "expected headers such as 'province', '省份', '省'; 'weight_kg', '重量',"
    )


def test_a_file_digest_is_its_bytes_under_any_name(tmp_path):
    from logistics.io.tables import file_digest

    first = write_csv(tmp_path / "a.csv", ROWS)
    copy = tmp_path / "b.csv"
    copy.write_bytes(first.read_bytes())
    assert file_digest(first) == file_digest(copy) == open_table(first, ALIASES).digest
    assert len(file_digest(first)) == 64
    copy.write_bytes(first.read_bytes() + b"\n")
    assert file_digest(copy) != file_digest(first)


def test_two_columns_for_one_field_are_refused(tmp_path):
    path = write_csv(
        tmp_path / "p.csv", [["站点", "省份", "重量", "weight"], ["S", "贵州", "1", "2"]]
    )
    with pytest.raises(InvalidInput, match=r"two columns for 'weight_kg' \('重量' and 'weight'\)"):
        open_table(path, ALIASES, REQUIRED)


@pytest.mark.parametrize("name", ["parcels.pdf", "parcels", "parcels.json"])
def test_unsupported_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(InvalidInput, match=r"is not a \.csv, \.txt or \.xlsx file"):
        open_table(path, ALIASES, REQUIRED)


def test_old_xls_is_explained(tmp_path):
    path = tmp_path / "parcels.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InvalidInput, match="old .xls workbook"):
        open_table(path, ALIASES, REQUIRED)


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(InvalidInput, match="does not exist"):
        open_table(tmp_path / "nope.csv", ALIASES, REQUIRED)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InvalidInput, match="'empty.csv' is empty"):
        open_table(tmp_path / "empty.csv", ALIASES, REQUIRED)


def test_a_folder_is_named_as_a_folder_whatever_its_name(tmp_path):
    # `hub parcel import ~/Downloads` (a folder, no suffix) and a folder named like a file
    for folder in (tmp_path / "Downloads", tmp_path / "today.csv"):
        folder.mkdir()
        with pytest.raises(InvalidInput, match=f"'{folder}' is a folder"):
            open_table(folder, ALIASES, REQUIRED)


def test_undecodable_csv_is_one_sentence(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"station,province,weight_kg\n\xff\xfe\x80\x81,\x80,\xff\n")
    with pytest.raises(
        InvalidInput, match="'bad.csv' is neither UTF-8 nor Chinese GB18030.*--encoding"
    ):
        open_table(path, ALIASES, REQUIRED)


def test_xlsx_with_chinese_headers(tmp_path):
    path = tmp_path / "parcels.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["站点", "收件人", "电话", "省份", "重量", "备注"])
    ws.append(["S01", "张三", 13800001234, "贵州", 12.0, dt.date(2026, 11, 23)])
    ws.append([])
    ws.append(["S02", "李四", "１３９", 52, 2.5, dt.datetime(2026, 11, 23, 8, 30)])
    ws.append(["S03", None, None, "湖南", 3])  # ragged
    ws.append(["S04", None, None, "湖南", 1, dt.time(8, 30)])
    wb.save(path)
    table, data = read(path)
    assert table.format == "xlsx"
    assert [r.number for r in data] == [2, 4, 5, 6]
    assert data[0].values == {
        "station": "S01",
        "recipient_name": "张三",
        "recipient_phone": "13800001234",
        "province": "贵州",
        "weight_kg": "12",
        "note": "2026-11-23",
    }
    assert data[1].values["province"] == "52"
    assert data[1].values["weight_kg"] == "2.5"
    assert data[1].values["recipient_phone"] == "139"
    assert data[1].values["note"] == "2026-11-23 08:30"
    assert data[2].values["recipient_name"] == ""
    assert data[2].values["note"] == ""
    assert data[3].values["note"] == "08:30"
    assert table.total_rows_hint == 5


def test_xlsx_picks_the_sheet_with_the_headers(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["说明: 请在第二个工作表填写"])
    ws = wb.create_sheet("数据")
    ws.append(["站点", "省份", "重量"])
    ws.append(["S01", "贵州", 1])
    wb.save(path)
    table, data = read(path)
    assert table.sheet == "数据"
    assert data[0].values["station"] == "S01"


def test_damaged_xlsx_is_one_sentence(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InvalidInput, match="'broken.xlsx' could not be read as an XLSX workbook"):
        open_table(path, ALIASES, REQUIRED)


def test_xlsx_text():
    assert xlsx_text(12.0) == "12"
    assert xlsx_text(0.1 + 0.2) == "0.3"
    assert xlsx_text(75012345678901.0) == "75012345678901"
    assert xlsx_text(True) == "TRUE"
    assert xlsx_text(dt.datetime(2026, 1, 2, 0, 0)) == "2026-01-02"
    assert xlsx_text(None) == ""


def test_header_key():
    assert header_key(" Weight (KG) ") == header_key("ＷＥＩＧＨＴ（ｋｇ）") == "weight(kg)"
    assert header_key("站点*") == "站点"


def test_table_can_be_iterated_twice_and_gives_total_rows_hint(tmp_path):
    rows = [ROWS[0]] + [[f"S{i:03d}", "x", "1", "贵州", "1", ""] for i in range(500)]
    table = open_table(write_csv(tmp_path / "a.csv", rows), ALIASES, REQUIRED)
    assert 400 <= table.total_rows_hint <= 600
    assert len(list(table)) == 500
    assert len(list(table)) == 500


def test_rejects_file_can_be_fixed_and_imported_again(tmp_path):
    source = write_csv(tmp_path / "parcels.csv", ROWS, encoding="gb18030")
    table = open_table(source, ALIASES, REQUIRED)
    rejects = [(table.original(row), f"row {row.number}: weight is wrong") for row in table]
    out = tmp_path / "rejects.csv"
    assert write_rejects(out, table.headers, rejects) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    again, data = read(out)
    assert "reason" in again.ignored_headers
    assert [r.values for r in data] == [r.values for r in read(source)[1]]
    with open(out, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0][-1] == "reason"
    assert lines[1][-1] == "row 2: weight is wrong"
    assert lines[2][2] == "１３９００００５６７８"  # original value, as it was in the file


def test_rejects_into_a_missing_folder_is_one_sentence(tmp_path):
    with pytest.raises(InvalidInput, match="cannot be written"):
        write_rejects(tmp_path / "no" / "r.csv", ["a"], [({"a": "1"}, "bad")])


def _read_all(path):
    try:
        table = open_table(path, ALIASES, ["station"])
        for row in table:
            assert isinstance(row.values["station"], str)
    except InvalidInput as error:
        assert str(error).endswith(".")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes_never_raise_anything_but_invalid_input(tmp_path, data):
    for name in ("f.csv", "f.xlsx"):
        path = tmp_path / name
        path.write_bytes(b"station," + data if name == "f.csv" else data)
        _read_all(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_fuzz_arbitrary_text_never_raises_anything_but_invalid_input(tmp_path, text, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes(("站点," + text).encode(encoding, errors="replace"))
    _read_all(path)


def test_tab_delimited_with_a_title_line(tmp_path):
    rows = [["发货清单"], ROWS[0], ROWS[1]]
    table, data = read(write_csv(tmp_path / "a.txt", rows, encoding="utf-16", delimiter="\t"))
    assert table.delimiter == "\t"
    assert data[0].values["province"] == "贵州"


def test_records_give_the_cleaned_values_of_the_fields_asked_for(tmp_path):
    rows = [
        ["站点", "省份", "重量", "备注"],
        [" S01 ", "贵州", "１２"],
        [],
        ["S03", "湖南", "1", "ok", "extra"],
    ]
    table = open_table(write_csv(tmp_path / "a.csv", rows), ALIASES, REQUIRED)
    as_rows = list(table)
    records = list(table.records(["weight_kg", "recipient_name", "station", "note"]))
    assert [(n, v) for n, _, v in records] == [
        (2, ("12", "", "S01", "")),
        (4, ("1", "", "S03", "ok")),
    ]
    assert [r.number for r in as_rows] == [n for n, _, _ in records]
    assert table.original(TableRow(4, {}, records[1][1])) == {
        "站点": "S03",
        "省份": "湖南",
        "重量": "1",
        "备注": "ok",
    }
