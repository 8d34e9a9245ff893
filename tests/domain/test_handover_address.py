"""Addresses cut into the parts a courier's batch-order import asks for."""

from __future__ import annotations

import pytest

from logistics.domain.handover import split_address
from logistics.domain.manifest_status import ManifestStatus, check_export
from logistics.errors import RuleBroken


@pytest.mark.parametrize(
    ("address", "code", "city", "parts"),
    [
        ("山西省晋城市泽州县高都镇", None, None, ("山西省", "晋城市", "泽州县", "高都镇")),
        (
            "广州市人民路12号3栋101室",
            "44",
            "广州市",
            ("广东省", "广州市", "", "人民路12号3栋101室"),
        ),
        (
            "广东省广州市天河区体育西路1号",
            "44",
            "广州",
            ("广东省", "广州", "天河区", "体育西路1号"),
        ),
        ("北京市朝阳区建国路1号", "11", None, ("北京市", "北京市", "朝阳区", "建国路1号")),
        ("某某路1号", "44", "广州", ("广东省", "广州", "", "某某路1号")),
    ],
)
def test_split_address_keeps_every_character(address, code, city, parts):
    found = split_address(address, province_code=code, city=city)
    assert (found.province, found.city, found.district, found.detail) == parts


def test_only_a_closed_or_handed_over_manifest_is_exported():
    check_export(ManifestStatus.CLOSED, manifest_no="M-ZTO-20261123-1")
    check_export("handed_over", manifest_no="M-ZTO-20261123-1")
    with pytest.raises(RuleBroken, match="still open"):
        check_export(ManifestStatus.OPEN, manifest_no="M-ZTO-20261123-1")
