"""Access enforced by PostgreSQL itself (issue 15, item 3): each group role of
`hub db roles` is logged into with plain SQL and tries what it must not do (read another
hub's parcels, read a full phone number, change a closed manifest, delete a scan);
each attempt fails, and what it may do works.

Roles are cluster-wide: every role here is named after the test's own database and
dropped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from logistics.domain import privacy
from logistics.models import Parcel, ParcelEvent, Station, scope
from logistics.services import access, hubs, manifests

OP = "tester"


@dataclass
class County:
    url: str
    prefix: str
    gaodu_id: int
    xiling_id: int
    zto_manifest: str
    sto_manifest: str
    on_zto: list[str]
    xiling_parcel: str
    waiting_gd05: str
    logins: dict[str, str]
    """Group kind -> the login made for it."""

    def connect(self, who: str) -> psycopg.Connection:
        url = make_url(self.url)
        return psycopg.connect(
            host=url.host,
            port=url.port,
            dbname=url.database,
            user=self.logins[who],
            autocommit=True,
        )


def _drop_roles(url: str, names: list[str]) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(:names)"
            ),
            {"names": names},
        )
        for name in names:
            if connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}
            ).first():
                connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
                connection.exec_driver_sql(f'DROP ROLE "{name}"')
    engine.dispose()


@pytest.fixture
def county(database_url, session, make_parcel, tmp_path) -> Iterator[County]:
    """Gaodu (the sample) with a closed ZTO and STO manifest and parcels waiting at
    GD05, a second hub Xiling with a parcel, the roles made, a login in each group."""
    on_zto = [make_parcel(courier="ZTO"), make_parcel(courier="ZTO", station="GD02")]
    make_parcel(courier="STO")
    waiting = make_parcel("at_station", station="GD05", recipient_name="张三丰")
    built = {}
    for courier in ("ZTO", "STO"):
        number = manifests.build_manifests(session, courier=courier, operator=OP).manifests[0]
        manifests.close_manifest(session, number.manifest_no, operator=OP)
        built[courier] = number.manifest_no
    gaodu_id = scope.hub_id_of(session)
    xiling = hubs.add_hub(session, code="XILING", name="西陵分拨中心", lat=35.1, lon=112.5)
    scope.scope_to(session, xiling.id)
    station = Station(code="XL01", name="西陵一站", village="西陵村", lat=35.1, lon=112.51)
    session.add(station)
    session.flush()
    now = datetime(2026, 11, 23, 2, 0)
    other = Parcel(
        parcel_no="P20261123-00001",
        direction="outbound",
        station_id=station.id,
        recipient_name="李白",
        recipient_phone="13900009999",
        province_code="44",
        weight_g=1000,
        status="registered",
        registered_at=now,
        registered_on=date(2026, 11, 23),
        status_at=now,
    )
    session.add(other)
    session.flush()
    session.add(
        ParcelEvent(
            parcel_id=other.id, at=now, action="register", to_status="registered", operator=OP
        )
    )
    session.commit()

    prefix = "r" + make_url(database_url).database.rsplit("_", 1)[-1][:12]
    groups = {
        "operator": f"{prefix}_gaodu_operator",
        "driver": f"{prefix}_gaodu_courier_zto",
        "keeper": f"{prefix}_gaodu_station_gd05",
        "county": f"{prefix}_county",
    }
    logins = {who: f"{prefix}_{who}_login" for who in groups}
    password = tmp_path / "pw"
    password.write_text("s3cret-Passw0rd\n")
    made: list[str] = []
    try:
        for who, group in groups.items():
            result = access.make_roles(
                database_url,
                prefix=prefix,
                login=logins[who],
                member=group,
                password_file=password if who == "operator" else None,
            )
            made = [g.name for g in result.groups]
        yield County(
            url=database_url,
            prefix=prefix,
            gaodu_id=gaodu_id,
            xiling_id=xiling.id,
            zto_manifest=built["ZTO"],
            sto_manifest=built["STO"],
            on_zto=sorted(p.parcel_no for p in on_zto),
            xiling_parcel=other.parcel_no,
            waiting_gd05=waiting.parcel_no,
            logins=logins,
        )
    finally:
        session.close()
        _drop_roles(database_url, [*logins.values(), *made])


def _fails(connection: psycopg.Connection, sql: str, *params) -> str:
    with pytest.raises(psycopg.Error) as refused:
        connection.execute(sql, params or None)
    return str(refused.value)


def _rows(connection: psycopg.Connection, sql: str, *params) -> list[tuple]:
    return connection.execute(sql, params or None).fetchall()


pytestmark = pytest.mark.postgresql_only


def test_roles_are_made_for_every_hub_courier_and_station_and_again_changes_nothing(county):
    again = access.make_roles(county.url, prefix=county.prefix)
    names = {group.name for group in again.groups}
    assert again.created == []
    assert {
        f"{county.prefix}_county",
        f"{county.prefix}_gaodu_operator",
        f"{county.prefix}_xiling_operator",
        f"{county.prefix}_gaodu_courier_zto",
        f"{county.prefix}_gaodu_station_gd01",
        f"{county.prefix}_xiling_station_xl01",
    } <= names
    engine = create_engine(county.url)
    with engine.connect() as connection:
        password = connection.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :name"),
            {"name": county.logins["operator"]},
        ).scalar_one()
        assert password.startswith("SCRAM-SHA-256$")  # hashed before it left the hub
        assert access.audit_problems(connection) == []
    engine.dispose()


def test_an_operator_reads_its_own_hub_in_full_and_nothing_of_another(county):
    with county.connect("operator") as op:
        own = _rows(op, "SELECT parcel_no, recipient_phone FROM parcel ORDER BY parcel_no")
        assert len(own) == 4 and ("13812345678" in {phone for _no, phone in own})
        assert county.xiling_parcel not in {no for no, _phone in own}
        assert _rows(op, "SELECT count(*) FROM parcel WHERE hub_id = %s", county.xiling_id) == [
            (0,)
        ]
        assert _rows(op, "SELECT code FROM hub") == [("GAODU",)]
        # nor write into it
        message = _fails(
            op,
            "INSERT INTO station (hub_id, code, name, village, lat, lon, opens, closes, "
            "service_minutes, active) VALUES (%s, 'X9', 'x', 'x', 1, 1, '08:00', '18:00', 5, "
            "true)",
            county.xiling_id,
        )
        assert "row-level security" in message


def test_an_operator_cannot_change_a_closed_manifest_nor_rewrite_events(county):
    with county.connect("operator") as op:
        message = _fails(
            op, "UPDATE manifest SET cutoff = '23:00' WHERE manifest_no = %s", county.zto_manifest
        )
        assert f"hub audit: manifest {county.zto_manifest} is closed" in message
        assert "closed" in _fails(
            op, "UPDATE parcel SET manifest_id = NULL WHERE parcel_no = %s", county.on_zto[0]
        )
        assert "permission denied" in _fails(op, "DELETE FROM parcel_event")
        assert "permission denied" in _fails(op, "UPDATE manifest_load_scan SET code = 'x'")
        # what the day needs still works: a new event
        parcel_id, hub_id = _rows(
            op, "SELECT id, hub_id FROM parcel WHERE parcel_no = %s", county.waiting_gd05
        )[0]
        op.execute(
            "INSERT INTO parcel_event (hub_id, parcel_id, at, action, from_status, to_status, "
            "operator) VALUES (%s, %s, now(), 'note', 'at_station', 'at_station', 'op')",
            (hub_id, parcel_id),
        )


def test_a_driver_reads_its_manifest_masked_records_a_scan_and_hands_over(county):
    with county.connect("driver") as driver:
        assert "permission denied" in _fails(driver, "SELECT recipient_phone FROM parcel")
        assert "permission denied" in _fails(driver, "SELECT * FROM parcel")
        masked = _rows(
            driver,
            "SELECT parcel_no, recipient_name, recipient_phone FROM parcel_masked "
            "ORDER BY parcel_no",
        )
        assert [row[0] for row in masked] == county.on_zto
        assert {row[1:] for row in masked} == {("张**", "1******5678")}
        assert [row[0] for row in _rows(driver, "SELECT parcel_no FROM parcel ORDER BY 1")] == (
            county.on_zto
        )
        assert _rows(driver, "SELECT manifest_no FROM manifest") == [(county.zto_manifest,)]
        manifest_id, hub_id = _rows(
            driver, "SELECT id, hub_id FROM manifest WHERE manifest_no = %s", county.zto_manifest
        )[0]
        parcel_id = _rows(driver, "SELECT id FROM parcel WHERE parcel_no = %s", county.on_zto[0])[
            0
        ][0]
        driver.execute(
            "INSERT INTO manifest_load_scan (hub_id, manifest_id, parcel_id, code, outcome, at, "
            "operator) VALUES (%s, %s, %s, %s, 'loaded', now(), 'driver')",
            (hub_id, manifest_id, parcel_id, county.on_zto[0]),
        )
        assert "permission denied" in _fails(driver, "DELETE FROM manifest_load_scan")
        # not its manifest: another courier's is out of sight, its scans refused
        sto_id = _rows(
            driver, "SELECT id FROM manifest WHERE manifest_no = %s", county.sto_manifest
        )
        assert sto_id == []
        assert "permission denied" in _fails(
            driver, "UPDATE manifest SET cutoff = '23:00' WHERE id = %s", manifest_id
        )
        driver.execute(
            "UPDATE manifest SET status = 'handed_over', handed_over_at = now(), "
            "driver_name = '王师傅', plate = '晋E·A2235' WHERE id = %s",
            (manifest_id,),
        )
        assert "handed_over" in _fails(
            driver, "UPDATE manifest SET driver_name = '李师傅' WHERE id = %s", manifest_id
        )


def test_a_keeper_reads_its_stations_parcels_masked_and_nothing_else(county):
    with county.connect("keeper") as keeper:
        assert "permission denied" in _fails(keeper, "SELECT recipient_name FROM parcel")
        rows = _rows(keeper, "SELECT parcel_no, recipient_name, recipient_phone FROM parcel_masked")
        assert rows == [(county.waiting_gd05, "张**", "1******5678")]
        assert _rows(keeper, "SELECT parcel_no FROM parcel") == [(county.waiting_gd05,)]
        assert _rows(keeper, "SELECT code FROM station") == [("GD05",)]
        assert _rows(keeper, "SELECT count(*) FROM manifest") == [(0,)]


def test_the_county_reads_aggregates_only(county):
    with county.connect("county") as bureau:
        figures = _rows(
            bureau, "SELECT hub_code, sum(parcels) FROM county_volume GROUP BY 1 ORDER BY 1"
        )
        assert figures == [("GAODU", 4), ("XILING", 1)]
        for table in ("parcel", "parcel_masked", "parcel_event", "hub", "manifest"):
            assert "permission denied" in _fails(bureau, f"SELECT count(*) FROM {table}")


def test_the_sql_masks_are_the_hubs_masks(county):
    names = ["张三", "欧阳娜娜", "王", "John Smith", "买买提·艾力", ""]
    phones = [
        "13800001234",
        "+86 138 0000 1234",
        "0851-85551234",
        "12345",
        "138 0000 1234/0851-85551234",
    ]
    addresses = [
        "贵州省贵阳市云岩区中华北路123号",
        "李四广州市天河区体育西路1号",
        "某某路1号",
        "北京市朝阳区",
    ]
    engine = create_engine(county.url)
    with engine.connect() as connection:
        for name in names:
            sql = connection.execute(text("SELECT hub_mask_name(:v)"), {"v": name}).scalar()
            assert sql == privacy.mask_name(name), name
        for phone in phones:
            sql = connection.execute(text("SELECT hub_mask_phone(:v)"), {"v": phone}).scalar()
            assert sql == privacy.mask_phone(phone), phone
        for address in addresses:
            sql = connection.execute(
                text("SELECT hub_mask_address(:v, ARRAY['李四'])"), {"v": address}
            ).scalar()
            assert sql == privacy.mask_address(address, ("李四",)), address
    engine.dispose()


def test_hub_db_roles_lists_the_groups_and_says_how_a_person_logs_in(county, hub, tmp_path):
    result = hub("db", "roles", "--prefix", county.prefix)
    assert result.exit_code == 0, result.output
    assert f"{county.prefix}_gaodu_courier_zto" in result.output
    assert "0 new" in result.output and "row-level security is on" in result.output
    secret = tmp_path / "pw"
    secret.write_text("an0ther-Secret\n")
    result = hub(
        "db", "roles", "--prefix", county.prefix, "--login", county.logins["keeper"],
        "--member", f"{county.prefix}_gaodu_station_gd05", "--password-file", secret,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "(password set)" in result.output and "an0ther" not in result.output
    result = hub("db", "roles", "--prefix", county.prefix, "--login", "x", "--member", "nobody")
    assert result.exit_code != 0 and "There is no group nobody" in result.output


def test_the_hub_commands_run_under_an_operators_own_login(county, hub, monkeypatch):
    def as_(who: str) -> str:
        url = make_url(county.url).set(username=county.logins[who], password=None)
        return url.render_as_string(hide_password=False)

    monkeypatch.setenv("HUB_DATABASE_URL", as_("operator"))
    result = hub("parcel", "list", "--json")
    assert result.exit_code == 0, result.output
    assert county.xiling_parcel not in result.output and county.on_zto[0] in result.output
    monkeypatch.setenv("HUB_DATABASE_URL", as_("driver"))
    result = hub("parcel", "list")
    assert result.exit_code != 0
    assert "Your database login may not do this" in result.output
    assert "Traceback" not in result.output
    # the bureau's login was told to run `hub init` on a working server (a user trial)
    monkeypatch.setenv("HUB_DATABASE_URL", as_("county"))
    result = hub("report", "monthly", "--county")
    assert result.exit_code != 0
    assert "may not read the hub's tables" in result.output
    assert "hub init" not in result.output
