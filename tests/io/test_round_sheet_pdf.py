"""The round sheet written as a file, and its figures rounded as everywhere else."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from logistics.errors import InvalidInput
from logistics.io.pdf.round_sheet import (
    RoundSheetDocument,
    RoundStopLine,
    kg_shown,
    km_shown,
    write_round_sheet_pdf,
)

START = datetime(2026, 11, 23, 7, 30)


def sheet() -> RoundSheetDocument:
    stop = RoundStopLine(
        seq=1,
        station_name="岭上村服务站",
        station_code="GD05",
        keeper_phone="13900000001",
        planned_arrival=START + timedelta(minutes=20),
        planned_departure=START + timedelta(minutes=30),
        collect_parcels=3,
        collect_kg=Decimal("6.125"),
        drop_parcels=1,
        drop_kg=Decimal("0.5"),
        km_from_previous=Decimal("12.25"),
    )
    return RoundSheetDocument(
        round_no="R-20261123-1",
        hub_name="高都镇集散中心",
        service_date=date(2026, 11, 23),
        vehicle_code="VAN1",
        planned_start=START,
        planned_return=START + timedelta(hours=2),
        return_km=Decimal("12.3"),
        issued_at=START,
        stops=(stop,),
    )


def test_the_sheet_is_written_once_and_replaced_only_with_force(tmp_path):
    path = tmp_path / "sheet.pdf"
    assert write_round_sheet_pdf(sheet(), path) == 1
    first = path.read_bytes()
    assert first.startswith(b"%PDF")
    with pytest.raises(InvalidInput, match="already exists: add --force"):
        write_round_sheet_pdf(sheet(), path)
    assert write_round_sheet_pdf(sheet(), path, force=True) == 1
    assert path.read_bytes() == first  # same round, same bytes
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]


def test_sheet_figures_round_half_up_like_every_other_table():
    assert km_shown(Decimal("12.25")) == "12.3"
    assert km_shown(Decimal("1234.5")) == "1,234.5"
    assert kg_shown(Decimal("6.125")) == "6.13"
    assert kg_shown(Decimal("0.5")) == "0.50"
    assert sheet().total_km == Decimal("24.55")
    assert km_shown(sheet().total_km) == "24.6"
