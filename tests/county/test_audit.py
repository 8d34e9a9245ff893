"""The audit trail nobody it records can rewrite (issue 15, item 4), on SQLite and
PostgreSQL: events, load-check scans and export records refuse UPDATE and DELETE; each
file of full personal data is recorded; `hub db check` says when any of it is off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from logistics.domain.clock import utcnow
from logistics.models import ManifestExport, ParcelEvent, PersonalExport
from logistics.services import access, integrity, manifests

OP = "tester"


@pytest.fixture
def closed(session, make_parcel):
    """A closed ZTO manifest of two parcels without a tracking number."""
    made = [make_parcel(courier="ZTO"), make_parcel(courier="ZTO", station="GD02")]
    number = manifests.build_manifests(session, courier="ZTO", operator=OP).manifests[0]
    manifests.close_manifest(session, number.manifest_no, operator=OP)
    return number.manifest_no, made


def _exported(session, number: str) -> None:
    doc = manifests.handover_file(session, number)
    manifests.note_export(session, doc, file_name="zto.csv", operator="李会计")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE parcel_event SET note = 'nothing happened'",
        "DELETE FROM parcel_event",
        "UPDATE manifest_load_scan SET outcome = 'loaded'",
        "DELETE FROM manifest_load_scan",
        "UPDATE personal_export SET parcels = 0",
        "DELETE FROM personal_export",
    ],
)
def test_the_audit_trail_refuses_every_change_even_the_owners(session, closed, statement):
    number, made = closed
    _exported(session, number)
    manifests.load_scan(session, number, [made[0].parcel_no], operator="driver")
    session.commit()
    table = statement.split()[1 if statement.startswith("UPDATE") else 2]
    before = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert before > 0

    with pytest.raises(DBAPIError) as refused:
        session.execute(text(statement))
    session.rollback()

    assert access.refusal(refused.value) == (
        f"The audit trail ({table}) is never changed or deleted: record a new event "
        "instead; nothing was changed."
    )
    assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == before


def test_a_refused_change_reaches_a_person_as_one_sentence(session, make_parcel):
    from logistics.cli.main import _sentence_for

    parcel = make_parcel("at_hub")
    event = session.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id)).first()
    event.operator = "someone else"
    session.add(event)
    with pytest.raises(DBAPIError) as refused:
        session.commit()
    session.rollback()
    sentence = _sentence_for(refused.value)
    assert sentence.startswith("The audit trail (parcel_event) is never changed")
    assert "\n" not in sentence and "Unexpected" not in sentence


def test_the_owner_may_pause_the_trail_for_maintenance_and_it_comes_back(session, make_parcel):
    parcel = make_parcel("at_hub")
    with access.audit_paused(session.connection()):
        session.execute(
            text("UPDATE parcel_event SET note = 'repaired' WHERE parcel_id = :id"),
            {"id": parcel.id},
        )
    session.commit()
    notes = session.execute(
        text("SELECT note FROM parcel_event WHERE parcel_id = :id"), {"id": parcel.id}
    ).scalars()
    assert set(notes) == {"repaired"}
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM parcel_event"))
    session.rollback()
    assert integrity.check(session) == []


def test_each_handover_file_is_recorded_with_who_when_and_how_many(session, closed):
    number, _made = closed
    _exported(session, number)
    record = session.exec(select(PersonalExport)).one()
    kept = session.exec(select(ManifestExport)).one()  # the manifest's own list, as before
    assert (record.kind, record.subject, record.parcels, record.operator) == (
        "handover",
        number,
        2,
        "李会计",
    )
    assert (record.file_name, record.at) == (kept.file_name, kept.at) == ("zto.csv", kept.at)
    assert integrity.check(session) == []


def test_the_keepers_notice_list_is_recorded_too(hub, make_parcel, session, tmp_path):
    made = [
        make_parcel("at_station", station="GD05", recipient_phone="13812345671"),
        make_parcel("at_station", station="GD05", recipient_phone="13812345672"),
    ]
    result = hub(
        "--operator", "站长", "parcel", "pickups", "--station", "GD05", "--notices",
        tmp_path / "sms.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    session.expire_all()
    record = session.exec(select(PersonalExport)).one()
    assert (record.kind, record.subject, record.parcels, record.operator) == (
        "notices",
        "GD05",
        len(made),
        "站长",
    )
    assert record.file_name == "sms.csv"


def test_db_check_finds_a_trail_that_could_be_rewritten(session, closed, hub):
    number, made = closed
    _exported(session, number)
    assert integrity.check(session) == []
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("DROP TRIGGER parcel_event_no_update")
    else:
        connection.exec_driver_sql(
            "ALTER TABLE parcel_event DISABLE TRIGGER parcel_event_insert_only"
        )
    # A handover file written around the service: no record of the export.
    manifest_id = session.execute(text("SELECT id FROM manifest")).scalar_one()
    session.add(
        ManifestExport(
            manifest_id=manifest_id, at=utcnow(), operator="x", parcels=2, file_name="sly.csv"
        )
    )
    # An event dated before the one logged ahead of it.
    session.add(
        ParcelEvent(
            parcel_id=made[0].id,
            at=utcnow() - timedelta(days=30),
            action="handover-file",
            from_status="manifested",
            to_status="manifested",
            operator="x",
        )
    )
    session.commit()

    found = integrity.check(session)
    shown = "\n".join(found)
    if sqlite:
        assert "The audit trigger parcel_event_no_update is missing" in shown
    else:
        assert "The audit trigger parcel_event_insert_only is disabled" in shown
    assert f"The handover file sly.csv of manifest {number} is not in the record" in shown
    assert f"Parcel {made[0].parcel_no}: event" in shown and "dated before" in shown
    result = hub("db", "check")
    assert result.exit_code == 1 and "audit trigger" in result.output


@pytest.mark.sqlite_only
def test_roles_on_sqlite_say_they_need_the_county_server(hub):
    result = hub("db", "roles")
    assert result.exit_code != 0
    assert "Roles need the county's PostgreSQL server" in result.output
