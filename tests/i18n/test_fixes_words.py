"""What a tester found using `hub` in Chinese in an 80-column terminal: state words typed
in Chinese, couriers typed by name, the manifest's chargeable weight, the label's
product, the timeline's own notes, the courier's driver, the import template's headers."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from logistics.domain.clock import local_today, zone
from tests.support import needs_pdftotext, pdf_text, said, tight

pytestmark = pytest.mark.usefixtures("chinese_terminal")


def number(courier: str = "ZTO") -> str:
    return f"M-{courier}-{local_today(zone('Asia/Shanghai')):%Y%m%d}-1"


@pytest.fixture
def handed_over(hub, make_parcel, sample_network):
    """A ZTO manifest of two parcels (2.01 kg: 3 chargeable kg each, as `hub assign`
    stores it) handed over to 王师傅, one parcel not scanned in the load check (forced)."""
    first = make_parcel(courier="ZTO", weight_g=2010)
    second = make_parcel(courier="ZTO", weight_g=2010)
    for parcel in (first, second):
        parcel.chargeable_g = 3000
        sample_network.add(parcel)
    sample_network.commit()
    assert hub("manifest", "build").exit_code == 0
    assert hub("manifest", "close", number()).exit_code == 0
    hub("manifest", "load", number(), first.parcel_no)
    handover = hub(
        "manifest", "handover", number(), "--driver", "王师傅", "--plate", "晋E·A2235",
        "--force", "--reason", "扫码枪没电",
    )  # fmt: skip
    assert handover.exit_code == 0, handover.output
    return first, second


# ------------------------------------------------------------------ state words


def test_parcel_list_reads_chinese_and_english_state_words(hub, make_parcel):
    waiting = make_parcel(status="registered")
    at_hub = make_parcel(status="at_hub")
    for typed in ("已登记", "registered", "Registered"):
        listed = said(hub("parcel", "list", "--status", typed))
        assert waiting.parcel_no in listed and at_hub.parcel_no not in listed, typed
    for typed in ("已到件", "at the hub", "AT-HUB"):
        listed = said(hub("parcel", "list", "--status", typed))
        assert at_hub.parcel_no in listed and waiting.parcel_no not in listed, typed
    for typed in ("寄出", "出港", "outbound"):
        listed = said(hub("parcel", "list", "--direction", typed))
        assert "包裹（2 件）" in listed, typed
    assert "包裹（0 件）" in said(hub("parcel", "list", "--direction", "进港")) or (
        "没有符合条件的包裹" in said(hub("parcel", "list", "--direction", "进港"))
    )


def test_a_state_word_not_known_lists_the_choices_in_the_chosen_language(hub, make_parcel):
    make_parcel()
    refused = hub("parcel", "list", "--status", "已装车")
    assert refused.exit_code == 1
    assert "没有“已装车”这个状态，应为以下之一：已登记、已揽收、已到件" in said(refused)
    assert "registered" not in refused.output
    direction = hub("parcel", "list", "--direction", "往外", "--lang", "en")
    assert direction.exit_code == 1
    assert "direction '往外' is not known: expected one of outbound, inbound." in said(direction)


def test_manifest_list_reads_a_chinese_status(hub, make_parcel):
    make_parcel(courier="ZTO")
    make_parcel(courier="STO")
    hub("manifest", "build")
    hub("manifest", "close", number("ZTO"))
    closed = said(hub("manifest", "list", "--status", "已封单"))
    assert number("ZTO") in closed and number("STO") not in closed
    still_open = said(hub("manifest", "list", "--status", "未封单"))
    assert number("STO") in still_open and number("ZTO") not in still_open
    refused = hub("manifest", "list", "--status", "已签收")
    assert refused.exit_code == 1
    assert "应为以下之一：未封单、已封单、已交接" in said(refused)


# ------------------------------------------------------------------ couriers by name


def test_a_courier_is_named_alike_wherever_it_is_typed(hub, make_parcel):
    shown = said(hub("courier", "show", "中通"))
    assert "ZTO" in shown and "中通快递" in shown
    assert "中通快递" in said(hub("courier", "show", "中通快递"))
    make_parcel(courier="ZTO")
    hub("manifest", "build", "--courier", "中通")
    assert number("ZTO") in said(hub("manifest", "list", "--courier", "zto"))
    assert number("ZTO") in said(hub("manifest", "list", "--courier", "中通"))
    unknown = hub("courier", "show", "顺风")
    assert unknown.exit_code == 1 and "顺风" in said(unknown)


# ------------------------------------------------------------------ manifest words


def test_manifest_weights_are_labelled_chargeable(hub, handed_over):
    shown = said(hub("manifest", "show", number()))
    assert "计费重量（kg） 6.00" in shown
    assert shown.count("计费重量（kg）") == 2  # the summary and the parcels' column
    assert "重量（kg）" not in shown.replace("计费重量（kg）", "")
    listed = said(hub("manifest", "list"))
    assert "计费重量（kg）" in listed and "6.00" in listed
    parcel = said(hub("parcel", "show", handed_over[0].parcel_no))
    assert "重量 2.01 kg" in parcel
    english = said(hub("manifest", "show", number(), "--lang", "en"))
    assert "Chargeable kg" in english and "Line-haul driver 王师傅" in english


def test_manifest_show_names_the_courier_s_driver(hub, handed_over):
    shown = said(hub("manifest", "show", number()))
    assert "干线司机 王师傅" in shown and "车牌 晋E·A2235" in shown
    assert "司机 王师傅" not in shown.replace("干线司机 王师傅", "")


# ------------------------------------------------------------------ timeline notes


def test_the_hub_s_own_notes_read_in_chinese(hub, handed_over, sample_network):
    from logistics.models import ParcelEvent
    from logistics.services.sample import SAMPLE_MARK

    first, second = handed_over
    event = sample_network.exec(
        select(ParcelEvent).where(ParcelEvent.parcel_id == first.id).order_by(ParcelEvent.id)
    ).first()
    from logistics.services.access import audit_paused

    # Events are insert-only (revision 0010): rewritten here as the owner's maintenance.
    with audit_paused(sample_network.connection()):
        event.note = SAMPLE_MARK
        sample_network.add(event)
        sample_network.flush()
    sample_network.commit()
    shown = said(hub("parcel", "show", first.parcel_no))
    assert "示例数据" in shown and "sample data" not in shown
    # the driver and plate stay as typed
    assert f"{number()} 交接给 王师傅 晋E·A2235" in shown and " to " not in shown
    forced = tight(hub("parcel", "show", second.parcel_no))
    assert "交接给王师傅晋E·A2235；装车核对未扫描，强制交接：扫码枪没电" in forced
    assert "forced" not in forced
    english = json.loads(hub("parcel", "show", second.parcel_no, "--json", "--lang", "en").output)
    assert english["timeline"][-1]["note_text"] == (
        f"{number()} handed over to 王师傅 晋E·A2235; not scanned in the load check, "
        "forced: 扫码枪没电"
    )


# ------------------------------------------------------------------ the parcel label


@needs_pdftotext
def test_the_label_prints_the_product_s_name(hub, make_parcel, tmp_path):
    parcel = make_parcel(category="rice_tofu")
    crafts = make_parcel(category="crafts")
    target = tmp_path / "labels.pdf"
    assert (
        hub("parcel", "label", parcel.parcel_no, crafts.parcel_no, "--pdf", target).exit_code == 0
    )
    text = pdf_text(target)
    assert "米豆腐 rice tofu" in text and "手工艺品 crafts" in text
    assert "rice_tofu" not in text


# ------------------------------------------------------------------ the import template


def test_the_chinese_template_speaks_the_glossary_and_old_headers_still_import(
    hub, sample_network, tmp_path
):
    template = tmp_path / "发货清单.csv"
    assert hub("parcel", "template", template, "--chinese").exit_code == 0
    headers = template.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert headers[0] == "服务站*" and "收件人电话*" in headers and "快递公司" in headers
    assert not {"站点*", "电话*", "快递"} & set(headers)
    rows = {
        "new.csv": (
            "服务站,收件人,收件人电话,省份,地址,重量,快递公司\n"
            "GD01,张三,13812345678,广东,广州市天河区体育西路1号,2.5,中通\n"
        ),
        "old.csv": (
            "站点,收件人,电话,省份,地址,重量,快递\n"
            "GD02,李四,13912345678,贵州,贵阳市云岩区中华北路1号,1.5,中通快递\n"
        ),
    }
    for name, text in rows.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        imported = hub("parcel", "import", path)
        assert imported.exit_code == 0, imported.output
        assert "1 件" in said(imported)
    listed = said(hub("parcel", "list", "--courier", "中通"))
    assert "包裹（2 件）" in listed


def test_a_file_name_too_long_is_said_in_chinese(hub, sample_network, tmp_path):
    # The tester's 300-letter file name got the system's English inside a Chinese sentence.
    sample_network.commit()
    result = hub("plan", "--map", str(tmp_path / ("a" * 300 + ".html")))
    assert result.exit_code != 0
    assert "文件名太长" in said(result) and "too long" not in said(result)
