"""Hostile input files: seconds and peak memory to accept or refuse each one.

Each file is 10 MB or less and is read the way `hub parcel import` reads it
(:func:`logistics.io.tables.open_table`, then every row, each kept with its cells as
the import keeps a rejected row), in a fresh subprocess so
that its peak RSS (``resource.getrusage``) is its own. Target: every file accepted or
refused within 10 s and 300 MB.

    python benchmarks/hostile_inputs.py

The files:

* ``wide-header.csv``: a million-column header and 1,000 bad rows (7.9 MB);
* ``bad-rows.csv``: a 400-column header and 1,000 bad rows, each with its 400 cells;
* ``shared-string.xlsx``: a 300 MB shared string packed into some 300 KB;
* ``empty-rows.xlsx``: a header, three parcels and 3 million empty rows after them;
* ``empty-rows-lying.xlsx``: the same with a ``<dimension>`` that says A1:J3000003 and
  no header, so every sheet is searched;
* ``gap-then-data.xlsx``: 3 million empty rows between the parcels and one more parcel;
* ``long-cell.csv``: one 9 MB cell;
* ``latin1.csv``: 10 MB of Latin-1 text (refused, naming ``--encoding``);
* ``wide-header-100k.csv``: a 100,000-column header of short names (600 KB);
* ``parcels.csv``, ``parcels.xlsx``: ordinary files of 100,000 and 50,000 parcels, for
  comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HEADER = ["站点", "订单号", "收件人", "电话", "省份", "地址", "重量"]
PARCEL = ["S01", "A1", "张三", "13800001234", "贵州", "凯里市大十字 1 号", "2.5"]

_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'{_XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_DOC}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row_xml(number: int, cells: list[str]) -> str:
    inner = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{_escape(c)}</t></is></c>'
        for i, c in enumerate(cells)
    )
    return f'<row r="{number}">{inner}</row>'


def write_xlsx(
    path: Path,
    rows: list[tuple[int, list[str]]],
    *,
    empty_rows: range = range(0),
    empty_first: bool = False,
    dimension: str | None = None,
    shared: list[str] = (),  # type: ignore[assignment]
) -> Path:
    """A minimal workbook as Excel writes one, streamed so that millions of rows cost
    nothing: ``rows`` as (row number, cells) with inline strings, ``empty_rows`` as
    styled empty rows (``<row r="N" s="1" customFormat="1"/>``, what Excel and WPS write
    for formatted rows), placed after the rows unless ``empty_first``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for text in shared:
                f.write(b"<si><t>")
                if len(text) > 1 << 20:  # write big strings in pieces
                    for i in range(0, len(text), 1 << 20):
                        f.write(_escape(text[i : i + (1 << 20)]).encode())
                else:
                    f.write(_escape(text).encode())
                f.write(b"</t></si>")
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_OPEN.encode())
            if dimension:
                f.write(f'<dimension ref="{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            head, tail = (rows, []) if not empty_first else (rows[:-1], rows[-1:])
            for number, cells in head:
                f.write(_row_xml(number, cells).encode())
            batch = []
            for number in empty_rows:
                batch.append(f'<row r="{number}" s="1" customFormat="1"/>')
                if len(batch) >= 10_000:
                    f.write("".join(batch).encode())
                    batch.clear()
            f.write("".join(batch).encode())
            for number, cells in tail:
                f.write(_row_xml(number, cells).encode())
            f.write(b"</sheetData></worksheet>")
    return path


def make_files(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}

    path = folder / "wide-header.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER + [f"x{i}" for i in range(1_000_000 - len(HEADER))]) + "\n")
        for i in range(1_000):
            f.write(f"S01,B{i},李四,123,火星,路,-1\n")
    files["wide-header.csv"] = path

    path = folder / "wide-header-100k.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER + [f"{i}" for i in range(100_000 - len(HEADER))]) + "\n")
        for i in range(1_000):
            f.write(f"S01,B{i},李四,123,火星,路,-1\n")
    files["wide-header-100k.csv"] = path

    path = folder / "bad-rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER + [f"备注{i}" for i in range(400 - len(HEADER))]) + "\n")
        filler = ",".join(["some remark"] * (400 - len(HEADER)))
        for i in range(1_000):
            f.write(f"S01,B{i},李四,123,火星,路,-1,{filler}\n")
    files["bad-rows.csv"] = path

    path = folder / "shared-string.xlsx"
    write_xlsx(path, [(1, HEADER), (2, PARCEL)], shared=["A" * 300_000_000])
    files["shared-string.xlsx"] = path

    parcels = [(1, HEADER), *((n, [*PARCEL[:1], f"A{n}", *PARCEL[2:]]) for n in (2, 3, 4))]
    path = folder / "empty-rows.xlsx"
    write_xlsx(path, parcels, empty_rows=range(5, 3_000_005))
    files["empty-rows.xlsx"] = path

    path = folder / "empty-rows-lying.xlsx"
    write_xlsx(
        path,
        [(1, ["title"])],
        empty_rows=range(2, 3_000_004),
        dimension="A1:J3000003",
    )
    files["empty-rows-lying.xlsx"] = path

    path = folder / "gap-then-data.xlsx"
    write_xlsx(
        path,
        [*parcels, (3_000_005, [*PARCEL[:1], "A9", *PARCEL[2:]])],
        empty_rows=range(5, 3_000_005),
        empty_first=True,
    )
    files["gap-then-data.xlsx"] = path

    path = folder / "long-cell.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        f.write(",".join([*PARCEL[:5], "x" * 9_000_000, "1"]) + "\n")
    files["long-cell.csv"] = path

    path = folder / "latin1.csv"
    with open(path, "w", encoding="latin-1", newline="") as f:
        f.write("station,order_ref,recipient_name,province,address,weight_kg\n")
        line = "S01,A{n},Müller,Guizhou,Straße 1 Köln,2.5\n"
        n = 0
        while f.tell() < 10_000_000 - 100:
            f.write(line.format(n=n))
            n += 1
    files["latin1.csv"] = path

    # two ordinary files, for comparison: 100,000 parcels as CSV, 50,000 as XLSX
    path = folder / "parcels.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        for n in range(100_000):
            f.write(",".join([*PARCEL[:1], f"A{n}", *PARCEL[2:]]) + "\n")
    files["parcels.csv"] = path
    path = folder / "parcels.xlsx"
    write_xlsx(
        path, [(1, HEADER), *((n, [*PARCEL[:1], f"A{n}", *PARCEL[2:]]) for n in range(2, 50_002))]
    )
    files["parcels.xlsx"] = path
    return files


CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from logistics.errors import HubError
from logistics.io.tables import open_table
from logistics.services.parcel_import import PARCEL_HEADERS, FIELDS
outcome = "accepted"
try:
    table = open_table(sys.argv[1], PARCEL_HEADERS, ["station", "weight_kg"])
    kept = [(number, cells) for number, cells, _ in table.records(FIELDS)]  # all as rejects
    outcome = f"accepted, {len(kept)} rows"
except HubError as error:
    outcome = "refused: " + str(error)
except MemoryError:
    outcome = "MemoryError"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # this process's own peak: getrusage also counts the parent's size at the fork
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    pass
print(json.dumps({"seconds": time.perf_counter() - started, "peak_kb": peak, "outcome": outcome}))
"""


def measure(path: Path, limit_mb: int = 2_000) -> dict:
    def cap() -> None:
        import resource

        size = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=cap,
        cwd=os.environ.get("HUB_SOURCE") or Path(__file__).resolve().parent.parent,
        timeout=600,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": wall, "peak_kb": 0, "outcome": f"crashed: {tail}"}
    return json.loads(done.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder))
        print(f"{'file':<24} {'size MB':>8} {'seconds':>8} {'peak MB':>8}  outcome")
        for name, path in files.items():
            result = measure(path)
            size = os.path.getsize(path) / 1e6
            outcome = result["outcome"]
            if len(outcome) > 110:
                outcome = outcome[:107] + "..."
            print(
                f"{name:<24} {size:8.2f} {result['seconds']:8.2f} "
                f"{result['peak_kb'] / 1024:8.0f}  {outcome}"
            )


if __name__ == "__main__":
    main()
