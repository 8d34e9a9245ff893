"""Setting up the hub's network from files: stations, couriers with tariffs, vans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from logistics.errors import ImportRejected, InvalidInput, RuleBroken
from logistics.models import Courier, CourierExcludedProvince, CourierTariff, Station, Vehicle
from logistics.services import network, network_import

STATIONS = """code,name,village,keeper_name,keeper_phone,lat,lon,hours,service_minutes
GD90,新庄村服务站,新庄村,王建国,13800001111,35.61,112.99,08:00-18:00,5
GD91,北岭村服务站,北岭村,李秀英,13800002222,35.63,112.95,09:00-12:00,6
"""


def write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_sample_township_has_thirty_stations_eight_couriers_and_vans(sample_network):
    session = sample_network
    assert count(session, Station) == 30
    assert count(session, Courier) == 8
    assert 4 <= count(session, Vehicle) <= 6
    hub = network.current_hub(session)
    assert hub.timezone == "Asia/Shanghai"
    # every courier has a price for every mainland province it serves
    zto = session.exec(select(Courier).where(Courier.code == "ZTO")).one()
    assert count(session, CourierTariff) >= 8 * 31
    excluded = session.exec(
        select(CourierExcludedProvince.province_code).where(
            CourierExcludedProvince.courier_id == zto.id
        )
    ).all()
    assert "54" in excluded  # Tibet


def test_stations_are_within_fifteen_km_of_the_hub(sample_network):
    from logistics.domain.geo import haversine_km

    hub = network.current_hub(sample_network)
    for station in sample_network.exec(select(Station)):
        assert haversine_km(hub.lat, hub.lon, station.lat, station.lon) < 15.5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_station_import_reads_what_chinese_excel_saves(sample_network, tmp_path, encoding):
    result = network_import.import_stations(
        sample_network, write(tmp_path / "s.csv", STATIONS, encoding)
    )
    assert (result.added, result.updated) == (2, 0)
    station = network.station_by_code(sample_network, "GD91")
    assert station.name == "北岭村服务站"
    assert f"{station.opens:%H:%M}-{station.closes:%H:%M}" == "09:00-12:00"


def test_station_import_twice_updates_by_code(sample_network, tmp_path):
    path = write(tmp_path / "s.csv", STATIONS)
    network_import.import_stations(sample_network, path)
    write(path, STATIONS.replace("新庄村服务站", "新庄服务站"))
    again = network_import.import_stations(sample_network, path)
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1)
    assert count(sample_network, Station) == 32
    assert network.station_by_code(sample_network, "GD90").name == "新庄服务站"


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            "GD92,坏站,坏村,,,95,112.9,08:00-18:00,5",
            r"row 4: lat must be between -90 and 90, got '95'",
        ),
        ("GD92,坏站,坏村,,,35.6,112.9,18:00-08:00,5", r"row 4: hours must close after it opens"),
        ("GD92,坏站,坏村,,,北纬,112.9,08:00-18:00,5", r"row 4: lat must be a number"),
        ("GD90,重复,重复村,,,35.6,112.9,08:00-18:00,5", r"row 4: GD90 repeats row 2"),
    ],
)
def test_a_bad_row_names_file_row_and_field_and_nothing_is_imported(
    sample_network, tmp_path, bad_row, expected
):
    path = write(tmp_path / "stations.csv", STATIONS + bad_row + "\n")
    with pytest.raises(ImportRejected, match=expected) as error:
        network_import.import_stations(sample_network, path)
    assert "stations.csv" in str(error.value)
    sample_network.rollback()
    assert count(sample_network, Station) == 30


def test_missing_column_is_named(sample_network, tmp_path):
    path = write(tmp_path / "s.csv", "code,name,lat\nGD95,x,35.6\n")
    with pytest.raises(InvalidInput, match="lon"):
        network_import.import_stations(sample_network, path)


def test_stations_need_a_hub_first(session, tmp_path):
    with pytest.raises(RuleBroken, match="No hub is set up"):
        network_import.import_stations(session, write(tmp_path / "s.csv", STATIONS))


def test_courier_import_with_tariffs_and_provinces_by_any_name(sample_network, tmp_path):
    couriers = write(
        tmp_path / "c.csv",
        "code,name,cutoff,daily_capacity,min_share,volumetric_divisor,weight_step_kg,"
        "max_weight_kg,excluded_provinces\n"
        "BEST,百世快递,16:45,400,12%,8000,0.5,30,新疆;Tibet;63\n",
    )
    tariffs = write(
        tmp_path / "t.csv",
        "快递,省份,首重,续重\nBEST,贵州省,4.50,1.20\nBEST,Guangdong,4,1\nBEST,*,6,2\n",
        "gb18030",
    )
    result = network_import.import_couriers(sample_network, couriers, tariffs)
    assert (result.added, result.updated, len(result.tariffs)) == (1, 0, 3)
    shown = network.show_courier(sample_network, "best")
    assert shown["min_share"] == pytest.approx(0.12)
    assert shown["weight_step_kg"] == 0.5
    assert sorted(shown["not_served"]) == sorted(["新疆", "西藏", "青海"])
    prices = {row["province_code"]: row["first_kg_fen"] for row in shown["tariffs"]}
    assert prices == {"52": 450, "44": 400, "*": 600}


def test_tariff_for_unknown_courier_is_a_bad_row_listed_with_the_others(sample_network, tmp_path):
    tariffs = write(
        tmp_path / "t.csv",
        "courier,province,first_kg,extra_kg\nZTO,52,3,1\nNOPE,52,3,1\nZTO,火星,3,1\n",
    )
    with pytest.raises(ImportRejected) as error:
        network_import.import_couriers(sample_network, None, tariffs)
    problems = error.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("t.csv row 3:") and "'NOPE'" in problems[0]
    assert "hub courier import" in problems[0]
    assert problems[1].startswith("t.csv row 4:") and "火星" in problems[1]


def test_tariff_amounts_must_be_yuan_with_two_decimals(sample_network, tmp_path):
    tariffs = write(tmp_path / "t.csv", "courier,province,first_kg,extra_kg\nZTO,52,3.456,1\n")
    with pytest.raises(ImportRejected, match="row 2: first_kg must have at most 2 decimal places"):
        network_import.import_couriers(sample_network, None, tariffs)


def test_vehicle_import_checks_shift_and_capacity(sample_network, tmp_path):
    vans = write(
        tmp_path / "v.csv",
        "code,plate,capacity_kg,capacity_parcels,shift_start,shift_end\n"
        "VAN9,晋E·X,1000,120,17:00,08:00\n",
    )
    with pytest.raises(ImportRejected, match="row 2: shift_end must be after shift_start"):
        network_import.import_vehicles(sample_network, vans)
    write(vans, "code,capacity_kg,capacity_parcels\nVAN9,1000,0\n")
    with pytest.raises(ImportRejected, match="capacity_parcels"):
        network_import.import_vehicles(sample_network, vans)
