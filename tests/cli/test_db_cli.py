"""`hub db ...` as an operator types it."""

from __future__ import annotations


def test_db_check_finds_a_parcel_that_disagrees_with_its_log(hub, make_parcel, session):
    parcel = make_parcel("at_hub")
    assert hub("db", "check").exit_code == 0
    parcel.status = "handed_over"  # a write that bypassed the event log
    session.add(parcel)
    session.commit()
    result = hub("db", "check")
    assert result.exit_code == 1
    assert parcel.parcel_no in result.output
