"""What a tester found in Chinese at 80 columns in round km (issue 16): the road server's
reason in the system's English, round numbers joined with ", ", one word for the odometer
and the road table, km sentences that disagree or name the wrong thing, a finished
round's km, a distance the learning will leave out, km typed as people type them, a
stray space, and 双十一 / 12月2号."""

from __future__ import annotations

import errno
import json
import socket
from decimal import Decimal
from urllib.error import URLError

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from logistics import i18n
from logistics.i18n import LOCALE_DIR, _, ngettext
from logistics.io import road_server
from logistics.models import Station
from logistics.services.planning.summary import Backlog
from tests.support import said


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"osrm+http://127.0.0.1:{port}"


def _planned_km(hub, round_no) -> float:
    return float(json.loads(hub("round", "show", round_no, "--json").output)["km"])


# ------------------------------------------------------------ 1. the road server's reason


@pytest.mark.usefixtures("chinese_terminal")
def test_a_refused_connection_is_said_in_chinese(sample_network, make_parcel, hub):
    make_parcel("registered", station="GD05", weight_g=2000)
    url = _dead_url()
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--roads", url)
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "Connection refused" not in text and "connection refused" not in text
    assert "连接被拒绝" in text


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "connection refused",
         "连接被拒绝"),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "no such host",
         "找不到"),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), "network unreachable",
         "网络不通"),
        (OSError(errno.ETIMEDOUT, "Connection timed out"), "did not answer within", "没有应答"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "host unreachable", "到不了"),
    ],
)  # fmt: skip
def test_the_usual_reasons_are_said_in_the_chosen_language(error, english, chinese, monkeypatch):
    def fail(*args, **kwargs):
        raise URLError(error)

    monkeypatch.setattr(road_server.urllib.request, "urlopen", fail)
    server = road_server.road_server("osrm+http://roads.example:5000")
    with pytest.raises(road_server.RoadServerError, match=english):
        road_server.fetch_matrix(server, [(35.0, 112.0), (35.1, 112.1)], ["A", "B"])
    i18n.use("zh")
    with pytest.raises(road_server.RoadServerError) as refused:
        road_server.fetch_matrix(server, [(35.0, 112.0), (35.1, 112.1)], ["A", "B"])
    assert chinese in str(refused.value)
    assert error.strerror not in str(refused.value)


def test_a_reason_the_hub_does_not_know_is_said_as_the_system_says_it(monkeypatch):
    def fail(*args, **kwargs):
        raise URLError(OSError(errno.EPROTO, "Protocol error"))

    monkeypatch.setattr(road_server.urllib.request, "urlopen", fail)
    i18n.use("zh")
    with pytest.raises(road_server.RoadServerError, match="Protocol error"):
        road_server.fetch_matrix(
            road_server.road_server("osrm+http://roads.example:5000"),
            [(35.0, 112.0), (35.1, 112.1)],
            ["A", "B"],
        )


# ------------------------------------------------------------ 1. lists joined with 、


def test_listing_joins_with_the_languages_own_mark(chinese):
    assert i18n.listing(["R-1", "R-2", "R-3"]) == "R-1、R-2、R-3"
    i18n.use("en")
    assert i18n.listing(["R-1", "R-2"]) == "R-1, R-2"
    assert i18n.listing([]) == ""


def test_the_waiting_stations_are_joined_with_the_chinese_mark(chinese):
    backlog = Backlog(
        parcels=12,
        outbound_parcels=12,
        inbound_parcels=0,
        stations=("GD05", "GD06"),
        round_trips=2,
        van_hours=Decimal("1.5"),
    )
    assert "GD05、GD06" in backlog.sentence and "GD05, GD06" not in backlog.sentence


@pytest.mark.usefixtures("chinese_terminal")
def test_the_kept_rounds_are_joined_with_the_chinese_mark(started_round, make_parcel, hub):
    make_parcel("registered", station="GD12", weight_g=2000)
    planned = hub("plan", "--time-limit", "0.3", "--vans", "VAN2", "--json")
    second = [r["round_no"] for r in json.loads(planned.output)["rounds"]]
    assert hub("round", "start", second[0]).exit_code == 0
    result = hub("plan", "--time-limit", "0.3", "--vans", "VAN1,VAN2")
    assert result.exit_code == 0, result.output
    text = "".join(result.output.split())
    assert started_round in text and second[0] in text
    assert "返回）、R-" in text and "返回）,R-" not in text


# ------------------------------------------------------------ 2. 里程表 is the odometer


def _catalog():
    with open(LOCALE_DIR / "zh" / "LC_MESSAGES" / "hub.po", "rb") as po:
        return [m for m in read_po(po) if m.id]


def test_the_road_table_has_its_own_word():
    for message in _catalog():
        english = message.id if isinstance(message.id, str) else message.id[0]
        chinese = message.string if isinstance(message.string, str) else message.string[0]
        if "里程表" in chinese:
            assert "odometer" in english.lower(), (english, chinese)
        road_table = "matrix file" in english or "road table" in english.lower()
        if road_table and "road server" not in english:
            assert "道路距离表" in chinese, (english, chinese)


def test_the_glossary_names_both():
    from pathlib import Path

    glossary = (Path(__file__).parents[2] / "docs" / "glossary.md").read_text()
    assert "道路距离表" in glossary and "里程表" in glossary


# ------------------------------------------------------------ 3. one rule, the typed name


@pytest.mark.usefixtures("chinese_terminal")
def test_zero_and_minus_km_give_one_sentence(started_round, hub):
    minus = said(hub("round", "finish", started_round, "--km", "-5"))
    zero = said(hub("round", "finish", started_round, "--km", "0"))
    assert minus.replace("--km -5", "--km X") == zero.replace("--km 0", "--km X")
    assert "0 或以上" not in minus


def test_hub_round_km_names_the_km_it_was_given(started_round, hub):
    assert hub("round", "finish", started_round).exit_code == 0
    result = hub("round", "km", started_round, "--", "-3")
    assert result.exit_code != 0
    assert "KM -3" in said(result) and "--km" not in said(result)


# ------------------------------------------------------------ 4. a finished round's km


def test_a_second_finish_says_the_km_recorded(started_round, hub):
    assert hub("round", "finish", started_round, "--km", "48.5").exit_code == 0
    again = hub("round", "finish", started_round, "--km", "48.5")
    assert again.exit_code != 0
    assert (
        f"Round {started_round} is already finished with 48.5 km recorded: "
        f"`hub round km {started_round} KM` corrects it." in said(again)
    )


@pytest.mark.usefixtures("chinese_terminal")
def test_a_second_finish_says_the_km_recorded_in_chinese(started_round, hub):
    assert hub("round", "finish", started_round, "--km", "48.5").exit_code == 0
    again = said(hub("round", "finish", started_round, "--km", "48.5"))
    assert "48.5" in again and "hub round km" in again
    assert "登记实际行驶里程" not in again


# ------------------------------------------------------------ 5. a distance left out


def test_a_distance_the_learning_leaves_out_is_said_when_recorded(started_round, hub):
    assert hub("round", "finish", started_round).exit_code == 0
    planned = _planned_km(hub, started_round)
    typed = f"{planned * 9.8:.1f}"
    result = hub("round", "km", started_round, typed)
    assert result.exit_code == 0, result.output
    text = said(result)
    assert f"{float(typed):.1f} km is 9.8 times the planned {planned:.1f} km" in text
    assert "recorded, but not used to learn road factors" in text
    assert f"`hub round km {started_round} KM` corrects it" in text
    fine = hub("round", "km", started_round, f"{planned * 1.1:.1f}")
    assert "not used to learn" not in said(fine)


def test_a_finish_under_the_straight_line_says_so(started_round, hub):
    planned = _planned_km(hub, started_round)
    result = hub("round", "finish", started_round, "--km", f"{planned * 0.3:.1f}")
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "less than the straight line between its stops" in text
    assert "not used to learn road factors" in text


@pytest.mark.usefixtures("chinese_terminal")
def test_a_distance_left_out_in_chinese(started_round, hub):
    planned = _planned_km(hub, started_round)
    result = hub("round", "finish", started_round, "--km", f"{planned * 9.8:.1f}")
    assert result.exit_code == 0, result.output
    text = said(result)
    assert "not used" not in text and "道路系数" in text and "9.8" in text


# ------------------------------------------------------------ 6. km as people type them


@pytest.mark.usefixtures("chinese_terminal")
def test_km_typed_with_units_and_full_width_digits(started_round, hub):
    result = hub("round", "finish", started_round, "--km", "48.5公里")
    assert result.exit_code == 0, result.output
    assert (
        float(json.loads(hub("round", "show", started_round, "--json").output)["driven_km"]) == 48.5
    )
    again = hub("round", "km", started_round, "５１")
    assert again.exit_code == 0, again.output
    assert (
        float(json.loads(hub("round", "show", started_round, "--json").output)["driven_km"]) == 51
    )
    odometer = hub(
        "round", "km", started_round, "--odometer-out", "12,034.5", "--odometer-in", "12083.0 km"
    )
    assert odometer.exit_code == 0, odometer.output


@pytest.mark.usefixtures("chinese_terminal")
def test_a_decimal_comma_is_refused_echoing_it(started_round, hub):
    result = hub("round", "finish", started_round, "--km", "48,5")
    assert result.exit_code != 0
    text = said(result)
    assert "48,5" in text and "48.5" in text
    assert "应为数字" not in text and "Traceback" not in result.output
    assert json.loads(hub("round", "show", started_round, "--json").output)["status"] == "started"


# ------------------------------------------------------------ 7. a stray space


def test_learned_from_has_no_stray_space(chinese):
    rounds = ngettext("{n} driven round", "{n} driven rounds", 2).format(n=2)
    stations = ngettext("{n} station", "{n} stations", 3).format(n=3)
    text = _("learned from {rounds} for {stations}").format(rounds=rounds, stations=stations)
    assert " 的" not in text and "趟次的" in text, text


# ------------------------------------------------------------ 8. 双十一, 12月2号


@pytest.mark.usefixtures("chinese_terminal")
def test_the_peak_is_named_in_chinese(sample_network, hub, monkeypatch):
    for station in sample_network.exec(select(Station).where(Station.code > "GD03")):
        station.active = False
    sample_network.commit()
    monkeypatch.setenv("HUB_NOW", "2026-12-02T09:00")
    result = hub("sample", "generate", "--peak", "双十一", "--days", "1")
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("chinese_terminal")
def test_a_date_with_hao(sample_network, hub):
    result = hub("round", "list", "--date", "12月2号")
    assert result.exit_code == 0, result.output
