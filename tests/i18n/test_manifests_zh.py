"""Pickup manifests in Chinese: refusals, the load check's answers, the listing in an
80-column terminal, JSON labels, and the bilingual paper with the glossary's words."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from logistics import i18n
from logistics.domain import manifest_status
from logistics.domain.clock import local_today, zone
from logistics.domain.manifest_status import ManifestAction, ManifestStatus
from logistics.domain.parcel_status import Status
from logistics.domain.verdicts import LoadOutcome, ScanVerdict
from logistics.errors import RuleBroken
from tests.support import needs_pdftotext, pdf_text


def number(courier: str = "ZTO", n: int = 1) -> str:
    return f"M-{courier}-{local_today(zone('Asia/Shanghai')):%Y%m%d}-{n}"


def zto(n: int) -> str:
    return f"7{73100000000000 + n:013d}"


@pytest.fixture
def closed_zto(hub, make_parcel):
    """A closed ZTO manifest of three parcels, and an STO parcel on an open manifest."""
    parcels = [make_parcel(courier="ZTO", tracking_no=zto(i)) for i in range(3)]
    stranger = make_parcel(courier="STO")
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    return parcels, stranger


# ------------------------------------------------------------------ domain words


def test_status_and_answer_words_follow_the_language(chinese):
    assert ManifestStatus.HANDED_OVER.label == "已交接"
    assert ManifestStatus.label_of("closed") == "已封单"
    assert ManifestStatus.OPEN.english == "open"  # the English half of the paper
    assert [o.label for o in LoadOutcome] == ["已装车", "重复", "拒绝"]
    assert [v.label for v in ScanVerdict] == ["完成", "已做过", "拒绝"]
    with pytest.raises(RuleBroken) as refused:
        manifest_status.apply("closed", ManifestAction.CLOSE, manifest_no="M-ZTO-20261123-1")
    assert str(refused.value) == "交接清单 M-ZTO-20261123-1 已封单：不能再加减包裹。"


def test_english_words_are_unchanged():
    assert ManifestStatus.HANDED_OVER.label == "handed over"
    assert LoadOutcome.REPEAT.label == "repeat"


# ------------------------------------------------------------------ the commands


def test_closing_a_closed_manifest_is_refused_in_chinese(hub, closed_zto, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    again = hub("manifest", "close", number("ZTO"))
    assert again.exit_code == 1
    assert f"交接清单 {number('ZTO')} 已封单：不能再加减包裹。" in again.output
    assert "already closed" not in again.output
    unknown = hub("manifest", "close", "M-ZTO-20990101-9")
    assert "没有交接清单“M-ZTO-20990101-9”" in unknown.output


def test_close_and_build_speak_chinese(hub, make_parcel):
    make_parcel(courier="ZTO", tracking_no=zto(1))
    make_parcel(courier="ZTO", tracking_no=zto(2))
    built = hub("--lang", "zh", "manifest", "build")
    assert built.exit_code == 0, built.output
    assert "截单时间" in built.output and "新建，加入 2 件，共 2 件" in built.output
    closed = hub("manifest", "close", number("ZTO"), "--lang", "zh")
    assert f"交接清单 {number('ZTO')} 已封单：2 件已上单" in closed.output
    assert "closed:" not in closed.output and "parcels" not in closed.output


def test_load_check_answers_and_tally_in_chinese(hub, closed_zto, monkeypatch):
    parcels, stranger = closed_zto
    monkeypatch.setenv("HUB_LANG", "zh")
    scans = "\n".join([parcels[0].tracking_no, parcels[0].parcel_no, stranger.parcel_no]) + "\n"

    loaded = hub("manifest", "load", number("ZTO"), input=scans)

    assert loaded.exit_code == 1  # a scan was refused
    lines = loaded.output.splitlines()
    assert "装车核对：共 3 件，已装车 0 件" in lines[0]
    answers = [line for line in lines if line.split(" ", 1)[0] in ("已装车", "重复", "拒绝")]
    assert [a.split()[0] for a in answers] == ["已装车", "重复", "拒绝"]
    assert f"包裹 {parcels[0].parcel_no}（{parcels[0].tracking_no}）" in answers[0]
    assert "已装车。" in answers[0]
    assert f"还差 2 件：{parcels[1].tracking_no}、{parcels[2].tracking_no}" in answers[0]
    assert f"（已装车 1/3，还差 2 件：{parcels[1].tracking_no}" in answers[0]
    assert "已经装过车了，只算一次" in answers[1]
    assert f"不在交接清单 {number('ZTO')} 上，不要装车" in answers[2]
    assert number("STO") in answers[2]
    assert "还差 2 件：" in lines[-1] and "重复 1 次，拒绝 1 次" in lines[-1]
    for english in ("loaded", "missing", "Missing", "repeat", "refused", "Not on manifest"):
        assert english not in loaded.output

    refused = hub("manifest", "handover", number("ZTO"), "--driver", "王大力", "--plate", "晋E1")
    assert refused.exit_code == 1
    assert "不能交接：共 3 件，还有 2 件没有装车核对" in refused.output

    rest = "\n".join(p.tracking_no for p in parcels[1:]) + "\n"
    finished = hub("manifest", "load", number("ZTO"), input=rest)
    assert finished.exit_code == 0 and "全部到齐" in finished.output
    assert f"`hub manifest handover {number('ZTO')}`" in finished.output
    handed = hub("manifest", "handover", number("ZTO"), "--driver", "王大力", "--plate", "晋E1")
    assert f"交接清单 {number('ZTO')} 已交接给 王大力（晋E1）：3 件" in handed.output
    twice = hub("manifest", "handover", number("ZTO"), "--driver", "王大力", "--plate", "晋E1")
    assert f"交接清单 {number('ZTO')} 已经交接给 王大力（晋E1），" in twice.output


def test_list_and_show_json_carry_status_labels(hub, closed_zto, monkeypatch):
    monkeypatch.setenv("HUB_LANG", "zh")
    listed = json.loads(hub("manifest", "list", "--json").output)
    by_no = {row["manifest_no"]: row for row in listed}
    assert by_no[number("ZTO")]["status"] == "closed"
    assert by_no[number("ZTO")]["status_label"] == "已封单"
    assert by_no[number("STO")]["status_label"] == "未封单"
    shown = json.loads(hub("manifest", "show", number("ZTO"), "--json").output)
    assert shown["status"] == "closed" and shown["status_label"] == "已封单"
    i18n.use("zh")
    assert {line["status_label"] for line in shown["lines"]} == {Status.label_of("manifested")}

    table = hub("manifest", "show", number("ZTO")).output
    assert "已封单" in table and "装车核对" in table and "运单号" in table
    assert "closed" not in table and "Load check" not in table
    assert "（ZTO）" in table and " (ZTO)" not in table  # Chinese brackets in Chinese


def test_english_list_and_json_keep_their_words(hub, closed_zto):
    listed = json.loads(hub("manifest", "list", "--json").output)
    assert {row["status_label"] for row in listed} == {"closed", "open"}
    table = hub("manifest", "show", number("ZTO")).output
    assert "Load check" in table and "0 of 3 loaded, 0 refused scans" in table
    assert " (ZTO)" in table


# ------------------------------------------------------------------ an 80-column terminal


def run_hub(database_url: str, *args: str, lang: str) -> str:
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "COLUMNS": "80", "HUB_LANG": lang}
    env.pop("LINES", None)
    done = subprocess.run(
        [sys.executable, "-c", "from logistics.cli.main import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_manifest_list_keeps_every_number_whole_at_80_columns(hub, make_parcel, database_url, lang):
    for courier in ("DEPPON", "YUNDA", "ZTO"):
        make_parcel(courier=courier)
    hub("manifest", "build")
    hub("manifest", "close", number("DEPPON"))
    numbers = [number(courier) for courier in ("DEPPON", "YUNDA", "ZTO")]

    out = run_hub(database_url, "manifest", "list", lang=lang)

    assert all(len(line) <= 80 for line in out.splitlines())
    for manifest in numbers:
        assert re.search(rf"\b{re.escape(manifest)}\b", out), out
    if lang == "zh":
        assert "交接清单" in out and "已封单" in out and "未封单" in out
        assert "Manifest" not in out and "closed" not in out
    else:
        assert "Manifest" in out and "closed" in out and "open" in out


# ------------------------------------------------------------------ paper


@needs_pdftotext
def test_printed_manifest_uses_the_glossary_in_either_language(hub, closed_zto, tmp_path):
    for lang in ("en", "zh"):
        path = tmp_path / f"{lang}.pdf"
        result = hub("--lang", lang, "manifest", "print", number("ZTO"), "--pdf", path)
        assert result.exit_code == 0, result.output
        text = pdf_text(path)
        for term in ("揽收交接清单", "运单号", "截单时间", "已封单 closed", "干线司机"):
            assert term in text, (lang, term)
        assert "集散中心" not in text and "快递揽收" not in text
    printed = hub("--lang", "zh", "manifest", "print", number("ZTO"), "--pdf", tmp_path / "z")
    assert "交接清单" in printed.output and "1 页" in printed.output
