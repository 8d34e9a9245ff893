"""`hub init --sample county`: three townships of different sizes in one database."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from logistics import db
from logistics.models import Parcel, Station, scope
from logistics.services import network, network_sample

SIZES = {"GAODU": 30, "XILING": 18, "DONGYU": 10}


def _hubs(hub) -> dict[str, dict]:
    import json

    result = hub("hubs", "list", "--json")
    assert result.exit_code == 0, result.output
    return {row["code"]: row for row in json.loads(result.output)}


def test_init_sample_county_makes_three_townships_of_different_sizes(hub):
    result = hub("init", "--sample", "county")
    assert result.exit_code == 0, result.output
    assert "Loaded hub XILING" in result.output
    assert "hub sample generate --county" in " ".join(result.output.split())
    hubs = _hubs(hub)
    assert {code: row["stations"] for code, row in hubs.items()} == SIZES
    # fewer vans and courier accounts in the smaller townships
    assert hubs["GAODU"]["vans"] > hubs["XILING"]["vans"] > hubs["DONGYU"]["vans"] > 0
    assert hubs["GAODU"]["couriers"] > hubs["XILING"]["couriers"] > hubs["DONGYU"]["couriers"]
    assert len({row["name"] for row in hubs.values()}) == 3

    again = hub("init", "--sample", "county")
    assert again.exit_code == 0, again.output
    assert again.output.count("nothing new was added") == 3
    assert {code: row["stations"] for code, row in _hubs(hub).items()} == SIZES


def test_each_county_hub_has_its_own_network_and_tariffs(database_url):
    from logistics.models import Courier, CourierTariff, Hub

    db.upgrade(database_url)
    with db.session_scope(database_url, any_hub=True) as session:
        network_sample.load_sample_county(session)
    own = {}
    for code in SIZES:
        with db.session_scope(database_url, hub=code, write=False) as session:
            hub_row = network.current_hub(session)
            couriers = {c.code: c for c in session.exec(select(Courier))}
            zto = couriers["ZTO"]
            first_kg = session.exec(
                select(CourierTariff.first_kg_fen).where(
                    CourierTariff.courier_id == zto.id, CourierTariff.province_code == "44"
                )
            ).one()
            stations = list(session.exec(select(Station)))
            own[code] = (hub_row, set(couriers), first_kg, stations)
    assert own["DONGYU"][1] < own["XILING"][1] < own["GAODU"][1]  # a subset of the couriers
    # the smaller townships pay a little more per parcel: their own tariffs
    assert own["GAODU"][2] < own["XILING"][2] < own["DONGYU"][2]
    assert {s.hub_id for s in own["XILING"][3]} == {own["XILING"][0].id}
    # a few tens of km apart
    from logistics.domain.geo import haversine_km

    gaodu = own["GAODU"][0]
    for code in ("XILING", "DONGYU"):
        other = own[code][0]
        assert 15 < haversine_km(gaodu.lat, gaodu.lon, other.lat, other.lon) < 60
    with db.session_scope(database_url, any_hub=True, write=False) as session:
        assert len(list(session.exec(select(Hub)))) == 3


def test_a_station_code_is_unique_within_a_hub_but_not_across_hubs(database_url):
    from logistics.domain.network import StationSpec

    db.upgrade(database_url)
    with db.session_scope(database_url, any_hub=True) as session:
        network_sample.load_sample_county(session)
    with db.session_scope(database_url, hub="GAODU", write=False) as session:
        gd01 = session.exec(select(Station).where(Station.code == "GD01")).one()
        spec = StationSpec(
            **{
                key: getattr(gd01, key)
                for key in StationSpec.__dataclass_fields__
                if hasattr(gd01, key)
            }
        )
    with db.session_scope(database_url, hub="XILING") as session:
        network.upsert_stations(session, [spec])
        session.commit()
    for code in ("GAODU", "XILING"):
        with db.session_scope(database_url, hub=code, write=False) as session:
            assert session.exec(select(Station).where(Station.code == "GD01")).one()
    with db.session_scope(database_url, hub="XILING") as session:
        hub_id = scope.hub_id_of(session)
        session.add(
            Station(
                hub_id=hub_id,
                code="GD01",
                name="又一个",
                village="又一村",
                lat=35.4,
                lon=112.8,
                opens=gd01.opens,
                closes=gd01.closes,
                service_minutes=5,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_the_township_sample_is_still_a_flag(hub):
    result = hub("init", "--sample", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "30" in result.output
    assert list(_hubs(hub)) == ["GAODU"]
    # the county comes beside it: the township's hub is kept, two more are added
    county = hub("init", "--sample", "county")
    assert county.exit_code == 0, county.output
    assert sorted(_hubs(hub)) == ["DONGYU", "GAODU", "XILING"]


def test_an_unknown_sample_is_one_sentence(hub):
    result = hub("init", "--sample", "town")
    assert result.exit_code != 0
    assert "--sample 'town' is not a sample: expected township or county." in result.output
    assert "Traceback" not in result.output
    alone = hub("init", "county")
    assert alone.exit_code != 0
    assert "'county' goes after --sample" in alone.output


def test_sample_generate_fills_one_hub_or_every_hub(hub, database_url):
    assert hub("init", "--sample", "county").exit_code == 0
    one = hub("--hub", "DONGYU", "sample", "generate", "--days", "1", "--start", "2026-10-05")
    assert one.exit_code == 0, one.output
    parcels = {code: row["parcels"] for code, row in _hubs(hub).items()}
    assert parcels["DONGYU"] > 0 and parcels["GAODU"] == parcels["XILING"] == 0

    every = hub("sample", "generate", "--county", "--days", "1", "--start", "2026-10-06")
    assert every.exit_code == 0, every.output
    assert all(f"Hub {code}:" in every.output for code in SIZES)
    parcels = {code: row["parcels"] for code, row in _hubs(hub).items()}
    # volumes follow the townships' stations: the biggest township sends the most
    assert parcels["GAODU"] > parcels["XILING"] > 0
    with db.session_scope(database_url, any_hub=True, write=False) as session:
        numbers = session.exec(select(Parcel.tracking_no).where(Parcel.tracking_no.is_not(None)))
        numbers = list(numbers)
    assert len(numbers) == len(set(numbers)), "two hubs were given the same tracking numbers"
