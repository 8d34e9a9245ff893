"""`hub manifest ...` and `hub parcel label`, run as an operator and a driver would."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from logistics.domain.clock import local_today, zone
from tests.support import needs_pdftotext, needs_zbar, pdf_text, scanned_codes


def zto(n: int) -> str:
    return f"7{73100000000000 + n:013d}"


def number(courier: str = "ZTO", n: int = 1) -> str:
    return f"M-{courier}-{local_today(zone('Asia/Shanghai')):%Y%m%d}-{n}"


@pytest.fixture
def waiting(session, make_parcel):
    """Three ZTO parcels and one STO parcel at the hub, with couriers assigned."""
    parcels = [make_parcel(courier="ZTO", tracking_no=zto(i), commit=False) for i in range(3)]
    parcels.append(make_parcel(courier="STO", commit=False))
    make_parcel(courier="ZTO", commit=False, status="collected")  # not at the hub yet
    session.commit()
    return parcels


def test_build_list_and_show(hub, make_parcel, waiting):
    make_parcel(courier="ZTO", tracking_no=zto(9))

    result = hub("manifest", "build")
    assert result.exit_code == 0, result.output
    assert number("ZTO") in result.output and number("STO") in result.output
    assert "4 parcels" in result.output  # ZTO: three + the one just made

    listed = json.loads(hub("manifest", "list", "--json").output)
    counts = {row["manifest_no"]: (row["courier"], row["parcels"], row["status"]) for row in listed}
    assert counts == {number("ZTO"): ("ZTO", 4, "open"), number("STO"): ("STO", 1, "open")}

    later = make_parcel(courier="ZTO")
    again = hub("manifest", "build", "--courier", "zto")
    assert number("ZTO") in again.output and "1 added, 5 parcels" in again.output

    shown = json.loads(hub("manifest", "show", number("ZTO"), "--json").output)
    assert [line["parcel_no"] for line in shown["lines"]][-1] == later.parcel_no
    assert {line["recipient"] for line in shown["lines"]} == {"张**"}
    assert {line["recipient_phone"] for line in shown["lines"]} == {"1******5678"}
    table = hub("manifest", "show", number("ZTO"))
    assert "13812345678" not in table.output and later.parcel_no in table.output

    csv_out = hub("manifest", "list", "--csv").output
    assert csv_out.splitlines()[0].startswith("manifest_no,courier")


def test_nothing_waiting_is_a_warning_not_an_error(hub, sample_network):
    result = hub("manifest", "build")
    assert result.exit_code == 0 and "No parcels at the hub" in result.output


def test_unknown_manifest_is_one_sentence(hub, sample_network):
    result = hub("manifest", "close", "M-ZTO-20990101-9")
    assert result.exit_code == 1
    assert "There is no manifest 'M-ZTO-20990101-9'" in result.output
    assert "Traceback" not in result.output


def test_close_load_check_and_handover(hub, make_parcel, waiting):
    stranger = waiting[3]  # STO: on another manifest
    make_parcel(courier="ZTO", tracking_no=zto(9))
    hub("manifest", "build")
    zto_parcels = waiting[:3]

    closed = hub("manifest", "close", number("ZTO"))
    assert closed.exit_code == 0 and "4 parcels manifested" in closed.output
    again = hub("manifest", "close", number("ZTO"))
    assert again.exit_code == 1 and "already closed" in again.output
    late = make_parcel(courier="ZTO")
    assert number("ZTO", 2) in hub("manifest", "build", "--courier", "ZTO").output

    scans = "\n".join([zto_parcels[0].tracking_no, "", zto_parcels[0].parcel_no])
    scans += "\n" + stranger.parcel_no + "\n" + late.parcel_no + "\n"
    loaded = hub("manifest", "load", number("ZTO"), input=scans)
    assert loaded.exit_code == 1  # something was refused
    lines = loaded.output.splitlines()
    answers = [line for line in lines if line.split(" ", 1)[0] in ("loaded", "repeat", "refused")]
    assert [a.split()[0] for a in answers] == ["loaded", "repeat", "refused", "refused"]
    assert number("STO") in answers[2] and number("ZTO", 2) in answers[3]
    assert "1/4 loaded, 3 missing: " + zto_parcels[1].tracking_no in answers[0]
    assert "1 of 4 loaded" in lines[-1] and "Missing 3" in lines[-1]

    refused = hub("manifest", "handover", number("ZTO"), "--driver", "王大力", "--plate", "晋E1")
    assert refused.exit_code == 1 and "3 of 4 parcels were not scanned" in refused.output
    no_reason = hub(
        "manifest", "handover", number("ZTO"), "--driver", "王大力", "--plate", "晋E1", "--force"
    )
    assert no_reason.exit_code == 1 and "--reason" in no_reason.output

    rest = "\n".join([p.tracking_no for p in zto_parcels[1:]]) + "\n"
    finished = hub("manifest", "load", number("ZTO"), input=rest)
    assert finished.exit_code == 0 and "3/4 loaded, 1 missing" in finished.output
    forced = hub(
        "manifest",
        "handover",
        number("ZTO"),
        "--driver",
        "王大力",
        "--plate",
        "晋E12345",
        "--force",
        "--reason",
        "标签破损 label torn",
    )
    assert forced.exit_code == 0, forced.output
    assert "handed over to 王大力 (晋E12345)" in forced.output and "Forced" in forced.output

    shown = json.loads(hub("manifest", "show", number("ZTO"), "--json").output)
    assert shown["status"] == "handed_over" and shown["forced"] is True
    assert shown["force_reason"] == "标签破损 label torn"
    assert {line["status"] for line in shown["lines"]} == {"handed_over"}
    assert shown["load_refused"] == 2 and shown["loaded"] == 3
    parcel = json.loads(hub("parcel", "show", zto_parcels[0].parcel_no, "--json").output)
    assert parcel["status"] == "handed_over"


def test_complete_load_check_hands_over_without_force(hub, make_parcel):
    parcels = [make_parcel(courier="YTO", tracking_no=f"YT{i:013d}") for i in range(2)]
    hub("manifest", "build")
    hub("manifest", "close", number("YTO"))
    loaded = hub("manifest", "load", number("YTO"), *[p.parcel_no for p in parcels])
    assert loaded.exit_code == 0 and "Complete" in loaded.output
    result = hub("manifest", "handover", number("YTO"), "--driver", "赵师傅", "--plate", "晋E9")
    assert result.exit_code == 0 and "Forced" not in result.output
    listed = json.loads(hub("manifest", "list", "--json", "--status", "handed_over").output)
    assert [(r["manifest_no"], r["driver"], r["plate"]) for r in listed] == [
        (number("YTO"), "赵师傅", "晋E9")
    ]


@needs_pdftotext
def test_print_pdf_and_csv_and_reprint_is_identical(hub, make_parcel, tmp_path):
    make_parcel(courier="ZTO", tracking_no=zto(1), recipient_name="=cmd|' /C calc'!A0")
    make_parcel(courier="ZTO", tracking_no=zto(2), station="GD02")
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    pdf, csv_file, again = tmp_path / "m.pdf", tmp_path / "m.csv", tmp_path / "again.pdf"

    result = hub("manifest", "print", number("ZTO"), "--pdf", pdf, "--csv", csv_file)

    assert result.exit_code == 0, result.output
    assert "1 page" in result.output and "2 rows" in result.output
    text = pdf_text(pdf)
    assert "中通快递" in text and "高都村服务站" in text and "东沟村服务站" in text
    assert "1******5678" in text and "13812345678" not in text
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "中通快递".encode() not in raw[:3]
    body = raw.decode("utf-8-sig")
    assert "'=" in body and ",=" not in body and "13812345678" not in body
    assert "广东" in body  # the province's short name, as in every table

    hub("manifest", "print", number("ZTO"), "--pdf", again)
    assert again.read_bytes() == pdf.read_bytes()


def test_print_needs_an_output_file(hub, make_parcel, tmp_path, monkeypatch):
    make_parcel(courier="ZTO")
    hub("manifest", "build")
    monkeypatch.setenv("PATH", str(tmp_path))  # no printer either
    result = hub("manifest", "print", number("ZTO"))
    assert result.exit_code == 1 and "--pdf FILE" in result.output


@needs_zbar
def test_parcel_label_decodes_to_the_hub_id(hub, make_parcel, tmp_path):
    first = make_parcel(courier="ZTO", tracking_no=zto(5))
    second = make_parcel()
    path = tmp_path / "labels.pdf"

    result = hub("parcel", "label", first.parcel_no, second.parcel_no, "--pdf", path)

    assert result.exit_code == 0, result.output
    assert "2 labels written" in result.output
    assert sorted(scanned_codes(path, 1, tmp_path)) == sorted([first.parcel_no, first.tracking_no])
    assert scanned_codes(path, 2, tmp_path) == [second.parcel_no]


def test_parcel_label_of_unknown_parcel_is_refused(hub, sample_network, tmp_path):
    result = hub("parcel", "label", "P20990101-00001", "--pdf", tmp_path / "x.pdf")
    assert result.exit_code == 1 and "P20990101-00001" in result.output
    assert not (tmp_path / "x.pdf").exists()


def closed_zto(hub, make_parcel) -> str:
    make_parcel(courier="ZTO", tracking_no=zto(1))
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    return number("ZTO")


@pytest.mark.sqlite_only
def test_print_over_the_database_is_refused_and_the_database_kept(hub, make_parcel, database_url):
    manifest = closed_zto(hub, make_parcel)
    database = Path(make_url(database_url).database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()

    for option in ("--pdf", "--csv"):
        result = hub("manifest", "print", manifest, option, database, "--force")
        assert result.exit_code == 1 and "is the database" in result.output, result.output
        assert "Traceback" not in result.output

    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    listed = json.loads(hub("manifest", "list", "--json").output)
    assert [row["manifest_no"] for row in listed] == [manifest]


def test_print_to_an_existing_file_needs_force(hub, make_parcel, tmp_path):
    manifest = closed_zto(hub, make_parcel)
    pdf, csv_file = tmp_path / "m.pdf", tmp_path / "m.csv"
    csv_file.write_text("kept\n")

    refused = hub("manifest", "print", manifest, "--pdf", pdf, "--csv", csv_file)

    assert refused.exit_code == 1 and "already exists: add --force" in refused.output
    assert csv_file.read_text() == "kept\n"
    assert not pdf.exists()  # both files are checked before either is written
    forced = hub("manifest", "print", manifest, "--pdf", pdf, "--csv", csv_file, "--force")
    assert forced.exit_code == 0, forced.output
    assert pdf.read_bytes().startswith(b"%PDF") and csv_file.read_bytes() != b"kept\n"


def test_label_over_an_existing_file_needs_force_and_notes_nothing(hub, make_parcel, tmp_path):
    parcel = make_parcel()
    path = tmp_path / "labels.pdf"
    path.write_bytes(b"old labels")

    refused = hub("parcel", "label", parcel.parcel_no, "--pdf", path)

    assert refused.exit_code == 1 and "already exists: add --force" in refused.output
    assert path.read_bytes() == b"old labels"
    shown = json.loads(hub("parcel", "show", parcel.parcel_no, "--json").output)
    assert "label printed" not in json.dumps(shown, ensure_ascii=False)
    forced = hub("parcel", "label", parcel.parcel_no, "--pdf", path, "--force")
    assert forced.exit_code == 0 and "1 label written" in forced.output
    shown = json.loads(hub("parcel", "show", parcel.parcel_no, "--json").output)
    assert "label printed" in json.dumps(shown, ensure_ascii=False)


def test_build_and_list_read_the_date_as_every_command_does(hub, make_parcel):
    make_parcel(courier="ZTO")
    built = hub("manifest", "build", "--date", "今天")
    assert built.exit_code == 0 and number("ZTO") in built.output
    today = local_today(zone("Asia/Shanghai"))
    for typed in (f"{today:%Y/%m/%d}", f"{today:%Y%m%d}", f"{today.month}月{today.day}日"):
        listed = json.loads(hub("manifest", "list", "--json", "--date", typed).output)
        assert [row["manifest_no"] for row in listed] == [number("ZTO")], typed
    wrong = hub("manifest", "build", "--date", "2026-13-01")
    assert wrong.exit_code == 1 and "'2026-13-01' is not a date" in wrong.output
    bad_status = hub("manifest", "list", "--status", "opened")
    assert bad_status.exit_code == 1 and "not a manifest status" in bad_status.output


# ------------------------------------------------------------------ issue 14: habits


class _Terminal:
    """A terminal stand-in: what the bell writes lands here."""

    def __init__(self) -> None:
        self.written = ""

    def write(self, text: str) -> int:
        self.written += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_load_reads_dash_as_standard_input_as_scan_does(hub, make_parcel, waiting):
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    scans = waiting[0].tracking_no + "\n\n" + waiting[1].parcel_no + "\n"

    loaded = hub("manifest", "load", number("ZTO"), "-", input=scans)

    answers = [line.split()[0] for line in loaded.output.splitlines() if line[:1].isalpha()]
    assert answers.count("loaded") == 2 and "refused" not in answers, loaded.output
    assert "'-'" not in loaded.output and "2 of 3 loaded" in loaded.output


def test_load_rings_the_bell_on_each_refusal_unless_quiet(hub, make_parcel, waiting, monkeypatch):
    from logistics.cli import scanning_input

    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    screen = _Terminal()
    monkeypatch.setattr(scanning_input, "terminal", lambda: screen)
    scans = "\n".join([waiting[0].tracking_no, "NOT-A-PARCEL", waiting[3].parcel_no]) + "\n"

    rung = hub("manifest", "load", number("ZTO"), input=scans)
    assert rung.exit_code == 1 and screen.written == "\a\a"  # two refusals, two rings
    assert "\a" not in rung.output  # never into the answers

    screen.written = ""
    quiet = hub("manifest", "load", number("ZTO"), "--quiet", "NOT-A-PARCEL")
    assert quiet.exit_code == 1 and screen.written == ""


def test_scanning_input_convention():
    import io

    from logistics.cli.scanning_input import ScanInput, iter_codes

    stdin = io.StringIO(" A1 \n\nB2\n")
    assert list(iter_codes(["X", "-", "Y"], stdin=stdin)) == ["X", "A1", "B2", "Y"]
    assert list(iter_codes([], default_stdin=True, stdin=io.StringIO("C3\n"))) == ["C3"]
    assert list(iter_codes([], stdin=io.StringIO("C3\n"))) == []
    assert ScanInput(["-"]).reads_stdin and ScanInput([], default_stdin=True).reads_stdin
    assert not ScanInput(["P1"], default_stdin=True).reads_stdin
    # under pytest neither output is a terminal: no bell is written anywhere
    assert ScanInput(["-"]).bell() is False and ScanInput(["-"], quiet=True).bell() is False


def _fake_printer(folder: Path, name: str = "lp") -> Path:
    """A `lp` that keeps a copy of what it is asked to print and its arguments."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{folder}/args"\n'
        "for last; do :; done\n"
        f'/bin/cp "$last" "{folder}/printed.pdf"\n'
        'echo "request id is Printer-7 (1 file(s))"\n'
    )
    script.chmod(0o755)
    return folder


def test_print_without_a_file_goes_to_the_default_printer(hub, make_parcel, tmp_path, monkeypatch):
    manifest = closed_zto(hub, make_parcel)
    printer = _fake_printer(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(printer))

    result = hub("manifest", "print", manifest)

    assert result.exit_code == 0, result.output
    assert (printer / "printed.pdf").read_bytes().startswith(b"%PDF")
    assert "sent to the printer" in result.output and "lp" in result.output
    assert not list(tmp_path.glob("*.pdf"))  # the temporary PDF is gone
    named = hub("manifest", "print", manifest, "--printer", "dock")
    assert named.exit_code == 0 and (printer / "args").read_text().startswith("-d dock")


def test_print_without_a_file_or_a_printer_names_the_option_to_add(
    hub, make_parcel, tmp_path, monkeypatch
):
    manifest = closed_zto(hub, make_parcel)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    result = hub("manifest", "print", manifest)

    assert result.exit_code == 1
    assert "no printer command (lp or lpr)" in result.output
    assert f"hub manifest print {manifest} --pdf {manifest}.pdf" in result.output


def test_print_when_the_printer_refuses_says_why_and_what_to_add(
    hub, make_parcel, tmp_path, monkeypatch
):
    manifest = closed_zto(hub, make_parcel)
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "lp").write_text(
        "#!/bin/sh\necho 'lp: Error - no default destination available.' >&2\nexit 1\n"
    )
    (folder / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))

    result = hub("manifest", "print", manifest)

    assert result.exit_code == 1
    assert "no default destination available" in result.output and "--pdf" in result.output


def test_export_then_waybills_then_the_label_shows_the_courier_number(hub, make_parcel, tmp_path):
    import csv
    import os
    import stat

    parcel = make_parcel(courier="ZTO")
    hub("manifest", "build")
    manifest = number("ZTO")
    early = hub("manifest", "export", manifest, tmp_path / "early.csv")
    assert early.exit_code == 1 and "still open" in early.output
    hub("manifest", "close", manifest)
    handover = tmp_path / "handover.csv"

    exported = hub("manifest", "export", manifest, handover)

    assert exported.exit_code == 0, exported.output
    assert "1 parcel" in exported.output and "recorded" in exported.output
    assert "13812345678" in handover.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(os.stat(handover).st_mode) == 0o600
    again = hub("manifest", "export", manifest, handover)
    assert again.exit_code == 1 and "add --force" in again.output
    listed = json.loads(hub("manifest", "exports", manifest, "--json").output)
    assert [(r["operator"], r["parcels"], r["file"]) for r in listed] == [
        ("tester", 1, str(handover))
    ]

    waybill_file = tmp_path / "zto-waybills.csv"
    with open(waybill_file, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["订单号", "运单号"], [parcel.parcel_no, "73100000000077"]])
    loaded = hub("manifest", "waybills", manifest, waybill_file)
    assert loaded.exit_code == 0 and "1 tracking number of ZTO stored" in loaded.output

    shown = json.loads(hub("parcel", "show", parcel.parcel_no, "--json").output)
    assert shown["tracking_no"] == "73100000000077"
    assert "73100000000077" in json.dumps(shown, ensure_ascii=False)  # on the timeline


def test_waybills_with_a_wrong_row_store_nothing_unless_skipped_to_rejects(
    hub, make_parcel, tmp_path
):
    import csv

    good, bad = make_parcel(courier="ZTO"), make_parcel(courier="ZTO")
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    source = tmp_path / "w.csv"
    with open(source, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(
            [["中心编号", "运单号"], [good.parcel_no, "73100000000088"], [bad.parcel_no, "12345"]]
        )

    refused = hub("manifest", "waybills", number("ZTO"), source)
    assert refused.exit_code == 1 and "Row 3:" in refused.output and "12345" in refused.output
    shown = json.loads(hub("parcel", "show", good.parcel_no, "--json").output)
    assert shown["tracking_no"] is None
    onto_input = hub(
        "manifest", "waybills", number("ZTO"), source, "--skip-invalid", "--rejects", source
    )
    assert onto_input.exit_code == 1 and "input of this command" in onto_input.output

    rejects = tmp_path / "rejects.csv"
    skipped = hub(
        "manifest", "waybills", number("ZTO"), source, "--skip-invalid", "--rejects", rejects
    )
    assert skipped.exit_code == 1 and "1 row refused" in skipped.output
    assert "12345" in rejects.read_text(encoding="utf-8-sig")
    shown = json.loads(hub("parcel", "show", good.parcel_no, "--json").output)
    assert shown["tracking_no"] == "73100000000088"


def test_a_forced_handover_reason_with_terminal_codes_is_refused(hub, make_parcel):
    """The reason is printed on the manifest and noted on parcels: checked like any text."""
    manifest = closed_zto(hub, make_parcel)
    result = hub(
        "manifest", "handover", manifest, "--driver", "王师傅", "--plate", "晋E·12345",
        "--force", "--reason", "\x1b[2J\x1b[31mloaded\u202e",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "--reason" in result.output and "\x1b" not in result.output
    shown = hub("manifest", "show", manifest, "--json")
    assert '"status": "closed"' in shown.output  # nothing was handed over
