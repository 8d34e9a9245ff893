"""A corpus of CSV files as Excel, WPS and Numbers save them, in each encoding.

Each file is built here the way its program writes it (byte-order mark or not, line
ends, delimiter, trailing empty cells) and must read back exactly; a file whose
encoding the bytes do not tell (Latin-1 from a European Excel, Mac Roman from Excel for
Mac, Big5 from a Taiwanese Excel) is refused with a sentence naming ``--encoding``,
never read as GB18030 ("Müller" used to become "M黮ler"), and reads right once the
encoding is named.
"""

from __future__ import annotations

import codecs
import csv
import io
import json

import pytest

from logistics.errors import InvalidInput
from logistics.io import encodings
from logistics.io.tables import open_table

ALIASES = {
    "station": ["站点"],
    "order_ref": ["订单号"],
    "recipient_name": ["收件人"],
    "recipient_phone": ["电话"],
    "province": ["省份"],
    "address": ["地址"],
    "weight_kg": ["重量"],
    "note": ["备注"],
}
FIELDS = list(ALIASES)

CHINESE = [
    ["站点", "订单号", "收件人", "电话", "省份", "地址", "重量", "备注"],
    ["S01", "TB20261123001", "张三", "13800001234", "贵州", "凯里市大十字街道 12 号", "2.5", ""],
    ["S02", "TB20261123002", "欧阳娜娜", "13900005678", "湖南省", "吉首市乾州街道", "１２", "易碎"],
    [
        "S03",
        "TB20261123003",
        "王堃",
        "13700001111",
        "广东",
        "深圳市南山区（西丽）",
        "0.8",
        "周一送",
    ],
]
WESTERN = [
    ["station", "order_ref", "recipient_name", "recipient_phone", "province", "address",
     "weight_kg", "note"],
    ["S01", "EU-1", "Jürgen Müller", "+49 30 1234", "Guizhou", "Straße 5, Köln", "2,5 kg", "€ 12"],
    ["S02", "EU-2", "François Lefèvre", "+33 1 2345", "Hunan", "Rue de l’Église", "1", "fragile"],
]  # fmt: skip


def save(path, rows, encoding, *, delimiter=",", newline="\r\n", bom=b"", trailing=0):
    """Write rows as the program would: its delimiter, line end, mark and empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows(row + [""] * trailing for row in rows)
    path.write_bytes(bom + out.getvalue().encode(encoding))
    return path


def values(path, **options):
    table = open_table(path, ALIASES, ["station", "weight_kg"], **options)
    return table, [v for _, _, v in table.records(FIELDS)]


def expected(rows):
    import unicodedata

    return [tuple(unicodedata.normalize("NFKC", c).strip() for c in row) for row in rows[1:]]


# Chinese files: every program, every encoding it offers
CHINESE_FILES = {
    "excel-csv-ansi": dict(encoding="gbk"),  # Excel "CSV (逗号分隔)" on Chinese Windows
    "excel-csv-utf8": dict(encoding="utf-8", bom=codecs.BOM_UTF8),  # "CSV UTF-8 (逗号分隔)"
    "excel-unicode-text": dict(
        encoding="utf-16-le", bom=codecs.BOM_UTF16_LE, delimiter="\t"
    ),  # "Unicode 文本"
    "excel-mac-csv-utf8": dict(encoding="utf-8", bom=codecs.BOM_UTF8, newline="\n"),
    "wps-csv": dict(encoding="gbk", trailing=3),  # WPS keeps empty cells of used columns
    "wps-csv-utf8": dict(encoding="utf-8", bom=codecs.BOM_UTF8, trailing=3),
    "wps-txt-gb18030": dict(encoding="gb18030", delimiter="\t"),
    "numbers-utf8": dict(encoding="utf-8", newline="\n"),  # Numbers: no mark
    "numbers-utf16": dict(encoding="utf-16-be", bom=codecs.BOM_UTF16_BE, newline="\n"),
    "numbers-semicolon-utf8": dict(encoding="utf-8", delimiter=";", newline="\n"),
    "system-utf16-without-mark": dict(encoding="utf-16-le", delimiter="\t"),
}


@pytest.mark.parametrize("name", list(CHINESE_FILES))
def test_chinese_files_from_excel_wps_and_numbers(tmp_path, name):
    options = CHINESE_FILES[name]
    suffix = ".txt" if options.get("delimiter") == "\t" else ".csv"
    path = save(tmp_path / f"{name}{suffix}", CHINESE, **options)
    table, rows = values(path)
    assert rows == expected(CHINESE)
    assert (
        encodings.label(table.encoding)
        == {
            "gbk": "GB18030",
            "gb18030": "GB18030",
            "utf-8": "UTF-8",
            "utf-16-le": "UTF-16",
            "utf-16-be": "UTF-16",
        }[options["encoding"]]
    )


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("excel-csv-western", "cp1252", ";"),  # European Excel "CSV (Trennzeichen-getrennt)"
        ("numbers-western-latin1", "cp1252", ","),  # Numbers "Western (Windows Latin 1)"
        ("excel-mac-csv", "mac_roman", ","),  # Excel for Mac "Comma Separated Values"
    ],
)
def test_western_files_are_refused_naming_encoding_then_read_when_it_is_named(
    tmp_path, name, encoding, delimiter
):
    path = save(tmp_path / f"{name}.csv", WESTERN, encoding, delimiter=delimiter)
    with pytest.raises(InvalidInput) as refused:
        values(path)
    message = str(refused.value)
    assert f"File '{name}.csv' is neither UTF-8 nor Chinese GB18030 text (line 2" in message
    assert "--encoding" in message
    named = "latin-1" if encoding == "cp1252" else encoding
    _, rows = values(path, encoding=named)
    assert rows == expected(WESTERN)
    assert rows[0][2] == "Jürgen Müller"  # not "J黵gen M黮ler"


def test_mueller_is_not_read_as_chinese(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes("站点,收件人,重量\nS01,Müller,2\n".replace("站点", "station")
                     .replace("收件人", "recipient_name").replace("重量", "weight_kg")
                     .encode("latin-1"))  # fmt: skip
    # the whole file decodes as GB18030 ("M黮ler"), but not to everyday Chinese
    assert path.read_bytes().decode("gb18030").splitlines()[1] == "S01,M黮ler,2"
    with pytest.raises(InvalidInput, match="--encoding latin-1"):
        values(path)
    _, rows = values(path, encoding="latin-1")
    assert rows[0][2] == "Müller"


def test_big5_from_a_taiwanese_excel_is_not_taken_for_gb18030(tmp_path):
    rows = [
        WESTERN[0],
        ["S01", "TW1", "陳小明", "0912345678", "台灣", "臺北市信義區", "1", "請小心輕放"],
    ]
    path = save(tmp_path / "big5.csv", rows, "big5")
    with pytest.raises(InvalidInput, match="--encoding"):
        values(path)
    _, read = values(path, encoding="big5")
    assert read[0][2] == "陳小明"


def test_a_chinese_file_with_rare_name_characters_is_still_gb18030(tmp_path):
    rows = [*CHINESE, ["S04", "TB4", "李喆", "1", "浙江", "杭州市西湖区文三路", "1", "堃"]]
    table, read = values(save(tmp_path / "rare.csv", rows, "gb18030"))
    assert table.encoding == "gb18030"
    assert read[-1][2] == "李喆"


def test_a_named_encoding_that_does_not_fit_names_the_line(tmp_path):
    path = save(tmp_path / "gbk.csv", CHINESE, "gbk")
    with pytest.raises(InvalidInput, match=r"'gbk.csv' line 1 is not UTF-8 text.*--encoding"):
        values(path, encoding="utf-8")
    _, rows = values(path, encoding="GBK")
    assert rows == expected(CHINESE)


def test_an_unknown_encoding_name_is_one_sentence(tmp_path):
    path = save(tmp_path / "a.csv", CHINESE, "utf-8")
    with pytest.raises(InvalidInput, match="--encoding 'klingon' is not an encoding"):
        values(path, encoding="klingon")
    with pytest.raises(InvalidInput, match="--encoding 'rot13' is not an encoding"):
        values(path, encoding="rot13")


def test_a_mark_that_lies_is_refused(tmp_path):
    path = tmp_path / "liar.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"station,weight_kg\nS01,2\n" + b"\xc3\x28\n")
    with pytest.raises(InvalidInput, match=r"'liar.csv' line 3 is not UTF-8 text"):
        values(path)


def test_parcel_import_takes_encoding_from_the_command_line(hub, sample_network, tmp_path):
    """A Latin-1 file the bytes cannot tell is refused naming --encoding; with it, it imports."""
    sample_network.close()
    path = tmp_path / "europe.csv"
    path.write_bytes(
        (
            "station,recipient_name,recipient_phone,province,address,weight_kg\n"
            "GD01,Müller Jürgen,13812345678,44,Guangzhou Tianhe 1,2.5\n"
        ).encode("latin-1")
    )
    refused = hub("parcel", "import", path)
    assert refused.exit_code == 1
    assert "--encoding" in refused.output
    done = hub("parcel", "import", path, "--encoding", "latin-1")
    assert done.exit_code == 0, done.output
    rows = json.loads(hub("parcel", "list", "--json").output)
    rows = rows["parcels"] if isinstance(rows, dict) else rows
    assert [row["recipient"][0] for row in rows] == ["M"]  # Müller, masked, not M黮ler
