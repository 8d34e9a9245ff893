"""`hub init` and `hub db ...` as an operator types them."""

from __future__ import annotations

import pytest

from logistics import db
from logistics.domain.parcel_status import Status


def test_db_check_finds_a_parcel_that_disagrees_with_its_log(hub, make_parcel, session):
    parcel = make_parcel(Status.AT_HUB)
    assert hub("db", "check").exit_code == 0
    parcel.status = Status.HANDED_OVER  # a write that bypassed the event log
    session.add(parcel)
    session.commit()
    result = hub("db", "check")
    assert result.exit_code == 1
    assert parcel.parcel_no in result.output


def test_init_and_upgrade_on_a_current_database_change_nothing(hub):
    for command in (("init",), ("db", "upgrade")):
        result = hub(*command)
        assert result.exit_code == 0
        assert f"is already at schema {db.SCHEMA_HEAD}" in result.output


@pytest.mark.sqlite_only
def test_db_backup_refuses_an_existing_file_unless_forced(hub, sample_network, tmp_path):
    target = tmp_path / "backup.db"
    assert hub("db", "backup", target).exit_code == 0
    first = target.stat().st_size

    again = hub("db", "backup", target)
    assert again.exit_code != 0
    assert "already exists: add --force" in again.output
    assert target.stat().st_size == first

    forced = hub("db", "backup", target, "--force")
    assert forced.exit_code == 0
    assert "Backed up to" in forced.output
    assert target.stat().st_mode & 0o777 == 0o600
