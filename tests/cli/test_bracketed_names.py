"""Names and values that look like terminal markup ("[/]", "[red]") are shown as typed.

Station names, keepers, recipients and imported cells come from people and spreadsheets;
the terminal renderer must never read them as its own styling (a stray "[/]" used to
stop the command with "Unexpected error (MarkupError ...)")."""

from __future__ import annotations

import pytest
from sqlmodel import select

from logistics.models import Hub, Station

ODD_STATION = "西沟[/]村[red]站"
ODD_KEEPER = "[bold]韩小红"
ODD_HUB = "高都[/]分拨中心"


@pytest.fixture
def odd_names(sample_network, make_parcel):
    session = sample_network
    station = session.exec(select(Station).where(Station.code == "GD03")).one()
    station.name, station.keeper_name = ODD_STATION, ODD_KEEPER
    hub = session.exec(select(Hub)).one()
    hub.name = ODD_HUB
    session.commit()
    make_parcel("registered", station="GD03", weight_g=2000)
    make_parcel("arrived_hub", station="GD03", weight_g=900)
    session.close()


def _said(output: str) -> str:
    return "".join(output.split())


@pytest.mark.parametrize(
    "args",
    [
        ["station", "list"],
        ["station", "show", "GD03"],
        ["plan", "--time-limit", "0.3", "--vans", "VAN1"],
        ["report", "daily"],
        ["parcel", "list"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_bracketed_names_are_shown_as_typed(odd_names, hub, monkeypatch, args):
    from logistics.cli import output

    monkeypatch.setattr(output.console, "width", 200)
    result = hub(*args)
    assert result.exit_code == 0, result.output
    assert "Unexpected error" not in result.output
    if args[0] in ("station", "plan"):
        assert _said(ODD_STATION) in _said(result.output), result.output
    if args[0] == "report":
        assert _said(ODD_HUB) in _said(result.output), result.output


def test_bracketed_names_on_a_round_and_its_sheet(odd_names, hub, monkeypatch):
    from logistics.cli import output

    monkeypatch.setattr(output.console, "width", 200)
    assert hub("plan", "--time-limit", "0.3", "--vans", "VAN1").exit_code == 0
    for args in (["round", "list"], ["round", "show", "1"]):
        result = hub(*args)
        assert result.exit_code == 0 and "Unexpected error" not in result.output, result.output
    assert _said(ODD_STATION) in _said(hub("round", "show", "1").output)


def test_a_bad_import_row_with_brackets_is_listed_as_typed(sample_network, hub, tmp_path):
    sample_network.close()
    path = tmp_path / "parcels.csv"
    path.write_text(
        "station,recipient_name,recipient_phone,province,address,weight_kg\n"
        "GD03,[/]张三,13812345678,广东,[red]1号,heavy[/]\n",
        encoding="utf-8",
    )
    result = hub("parcel", "import", str(path))
    assert result.exit_code != 0
    assert "Unexpected error" not in result.output, result.output
    assert "heavy[/]" in result.output and "row 2" in result.output
