"""`--vans` as a dispatcher types it with a Chinese input method: full-width letters,
Chinese commas and spaces between the codes, and "all" / 全部 for every active van."""

from __future__ import annotations

import pytest
from sqlmodel import select

from logistics.models import Vehicle
from logistics.services import planning


@pytest.fixture
def waiting(make_parcel):
    for station, weight in (("GD05", 2000), ("GD06", 1500), ("GD12", 900)):
        make_parcel("registered", station=station, weight_g=weight)


@pytest.mark.parametrize(
    "typed",
    [
        "VAN1，VAN3",
        "VAN1、VAN3",
        "VAN1 VAN3",
        " VAN1 ,  VAN3 ",
        "ＶＡＮ１，ＶＡＮ３",
        "van1\u3000van3",
        ["ＶＡＮ１", "VAN3"],
    ],
)
def test_van_codes_typed_with_chinese_commas_full_width_or_spaces_are_read(
    sample_network, waiting, typed
):
    summary = planning.plan_day(sample_network, time_limit=0.3, vans=typed)
    assert summary.rounds
    assert {r.van for r in summary.rounds} <= {"VAN1", "VAN3"}


@pytest.mark.parametrize("typed", ["all", "ALL", "ａｌｌ", "全部", " 全部 "])
def test_all_or_quanbu_means_every_active_van(sample_network, waiting, typed):
    session = sample_network
    for van in session.exec(select(Vehicle)):
        van.active = van.code == "VAN5"
        session.add(van)
    session.commit()
    summary = planning.plan_day(session, time_limit=0.3, vans=typed)
    assert summary.rounds and {r.van for r in summary.rounds} == {"VAN5"}


def test_an_unknown_code_among_chinese_commas_is_still_named(sample_network, waiting):
    with pytest.raises(Exception, match="no van with code 'VAN9'"):
        planning.plan_day(sample_network, time_limit=0.3, vans="VAN1，ＶＡＮ９")
