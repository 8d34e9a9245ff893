"""Two townships' hubs on one database: a day's work of one hub never reads or changes
the other's rows, even where both use the same station, courier and van codes.

Runs on SQLite and, with HUB_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from sqlmodel import SQLModel

from logistics import db
from logistics.errors import NotFound, RuleBroken
from logistics.models import Parcel, Station, scope

pytestmark = pytest.mark.usefixtures("_english_after")


@pytest.fixture
def two_hubs(hub, monkeypatch):
    """GAODU and XILING, both with the sample township's network (the same codes) and a
    day of waiting work each, XILING's from another seed."""
    monkeypatch.setenv("HUB_NOW", "2026-11-23T09:00:00")
    assert hub("init", "--sample").exit_code == 0
    made = hub("hubs", "add", "XILING", "--name", "西岭镇", "--lat", "35.42", "--lon", "112.85")
    assert made.exit_code == 0, made.output
    for code, seed in (("GAODU", "1"), ("XILING", "2")):
        if code == "XILING":
            assert hub("--hub", code, "init", "--sample").exit_code == 0
        result = hub("--hub", code, "sample", "generate", "--today", "--seed", seed)
        assert result.exit_code == 0, result.output
    return hub


def _rows_of(url: str, hub_code: str) -> dict[str, list[tuple]]:
    """Every row of every table that belongs to the hub, in a comparable form."""
    with db.session_scope(url, write=False, any_hub=True) as session:
        hub_id = session.execute(select(db_hub_id()).where(db_hub_code() == hub_code)).scalar_one()
        found = {}
        for table in SQLModel.metadata.sorted_tables:
            if "hub_id" not in table.c:
                continue
            rows = session.execute(
                select(table).where(table.c.hub_id == hub_id).order_by(*table.primary_key.columns)
            ).all()
            found[table.name] = [tuple(row) for row in rows]
        return found


def db_hub_id():
    from logistics.models import Hub

    return Hub.id


def db_hub_code():
    from logistics.models import Hub

    return Hub.code


def _tracking_numbers(url: str, hub_code: str) -> set[str]:
    with db.session_scope(url, write=False, hub=hub_code) as session:
        return {
            number for number in session.execute(select(Parcel.tracking_no)).scalars() if number
        }


def test_a_whole_day_of_one_hub_leaves_the_other_as_it_was(two_hubs, database_url):
    hub = two_hubs
    before = _rows_of(database_url, "XILING")
    theirs = _tracking_numbers(database_url, "XILING")
    assert sum(len(rows) for rows in before.values()) > 1000 and theirs

    outputs = []
    for args in (
        ("parcel", "list", "--json", "--limit", "100000"),
        ("station", "list", "--json"),
        ("courier", "list", "--json"),
        ("vehicle", "list", "--json"),
        ("plan",),
        ("round", "list", "--json"),
        ("assign",),
        ("manifest", "build"),
        ("manifest", "list", "--json"),
        ("report", "daily", "--json"),
        ("parcel", "pickups", "--station", "GD05", "--json"),
    ):
        result = hub("--hub", "GAODU", *args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)

    assert _rows_of(database_url, "XILING") == before
    said = "\n".join(outputs)
    assert not [number for number in theirs if number in said]


def test_the_lists_of_one_hub_count_only_its_own(two_hubs, database_url):
    hub = two_hubs
    counts = {}
    for code in ("GAODU", "XILING"):
        listed = json.loads(
            hub("--hub", code, "parcel", "list", "--json", "--limit", "100000").output
        )
        with db.session_scope(database_url, write=False, any_hub=True) as session:
            hub_id = session.execute(select(db_hub_id()).where(db_hub_code() == code)).scalar_one()
            stored = session.execute(
                select(Parcel.parcel_no).where(Parcel.hub_id == hub_id)
            ).scalars()
            counts[code] = (len(listed), len(list(stored)))
    assert counts["GAODU"][0] == counts["GAODU"][1]
    assert counts["XILING"][0] == counts["XILING"][1]
    assert counts["GAODU"] != counts["XILING"]  # two seeds, two different days


def test_a_session_of_one_hub_neither_reads_nor_updates_the_others_rows(two_hubs, database_url):
    with db.session_scope(database_url, hub="GAODU") as session:
        station = session.execute(select(Station).where(Station.code == "GD01")).scalar_one()
        ours = len(list(session.execute(select(Parcel.id)).scalars()))
        # an ORM UPDATE without any hub in its WHERE still touches this hub's rows only
        changed = session.execute(update(Station).values(service_minutes=9)).rowcount
        session.commit()
    with db.session_scope(database_url, write=False, any_hub=True) as session:
        every = session.execute(select(Station.hub_id, Station.service_minutes)).all()
        total = len(list(session.execute(select(Parcel.id)).scalars()))
    assert changed == 30
    assert {minutes for hub_id, minutes in every if hub_id == station.hub_id} == {9}
    assert 9 not in {minutes for hub_id, minutes in every if hub_id != station.hub_id}
    assert 0 < ours < total


def test_a_row_of_another_hub_is_refused_on_write(two_hubs, database_url):
    with db.session_scope(database_url, any_hub=True) as session:
        other = (
            session.execute(
                select(Station).join_from(Station, db_hub_table()).where(db_hub_code() == "XILING")
            )
            .scalars()
            .first()
        )
        session.expunge(other)
    with db.session_scope(database_url, hub="GAODU") as session:
        copy = Station(**{**other.model_dump(), "id": None, "code": "XL99"})
        session.add(copy)
        with pytest.raises(RuleBroken, match="another hub"):
            session.flush()


def db_hub_table():
    from logistics.models import Hub

    return Hub


def test_without_a_hub_named_a_command_on_two_hubs_is_refused_naming_them(two_hubs):
    result = two_hubs("station", "list")
    assert result.exit_code != 0
    assert "2 hubs (GAODU, XILING)" in result.output and "--hub" in result.output


def test_an_unknown_hub_is_refused_naming_those_there_are(two_hubs, database_url):
    result = two_hubs("--hub", "DONGSHAN", "parcel", "list")
    assert result.exit_code != 0
    assert "no hub DONGSHAN" in result.output and "GAODU, XILING" in result.output
    with pytest.raises(NotFound), db.session_scope(database_url, hub="dongshan"):
        pass


def test_hub_codes_are_chosen_in_any_case_and_from_the_environment(two_hubs, monkeypatch):
    assert two_hubs("--hub", "xiling", "station", "list").exit_code == 0
    monkeypatch.setenv("HUB_HUB", "XILING")
    listed = json.loads(two_hubs("station", "list", "--json").output)
    assert len(listed) == 30


def test_the_same_codes_live_in_two_hubs_and_the_scope_says_which(two_hubs, database_url):
    with db.session_scope(database_url, write=False, hub="XILING") as session:
        assert scope.hub_id_of(session) is not None
        codes = set(session.execute(select(Station.code)).scalars())
    assert "GD01" in codes and len(codes) == 30


def test_each_hub_speaks_its_own_language(two_hubs, monkeypatch):
    monkeypatch.delenv("HUB_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert two_hubs("--hub", "XILING", "init", "--lang", "zh").exit_code == 0
    xiling = two_hubs("--hub", "XILING", "vehicle", "list")
    gaodu = two_hubs("--hub", "GAODU", "vehicle", "list")
    assert "车辆" in xiling.output and "Vans" not in xiling.output
    assert "Vans" in gaodu.output


def test_real_parcels_of_one_hub_do_not_stop_the_sample_in_another(make_parcel, session):
    from logistics.services import hubs, network_sample, sample

    make_parcel(status="registered")  # GAODU's, typed by a person: real
    with pytest.raises(RuleBroken, match="real parcels"):
        sample.refuse_real_data(session)
    hubs.add_hub(session, code="XILING", name="西岭镇", lat=35.42, lon=112.85)
    network_sample.load_sample_network(session)
    sample.refuse_real_data(session)  # the new hub holds none: nothing refused


def test_the_hubs_list_counts_parcels_as_every_table_does(two_hubs, database_url):
    listed = two_hubs("hubs", "list")
    assert listed.exit_code == 0, listed.output
    with db.session_scope(database_url, write=False, hub="GAODU") as session:
        parcels = len(list(session.execute(select(Parcel.id)).scalars()))
    assert f"{parcels:,}" in listed.output and parcels >= 1000
