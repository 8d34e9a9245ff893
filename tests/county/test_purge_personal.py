"""Personal data kept no longer than needed: `hub db purge-personal` and the day's first
`hub plan` erase the names, phones and detailed addresses of parcels whose last event
is older than the hub keeps them, and the reports over those months add up as before.

Runs on SQLite and, with HUB_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from logistics.domain import privacy
from logistics.domain.clock import local_today, zone
from logistics.errors import InvalidInput
from logistics.models import Hub, Parcel, ParcelEvent
from logistics.services import personal_data, planning, reports, sample
from logistics.services.network import current_hub

pytestmark = pytest.mark.usefixtures("_english_after")

PEOPLE = ("sender_name", "sender_phone", "recipient_name", "recipient_phone", "address")


@pytest.fixture
def township(sample_network):
    """Two days of parcels 200 days ago (an old month) and one day 30 days ago.

    The recent day is far enough back that all its events (a parcel not picked up goes
    back after the station's retention days, up to a week and more) are over five days
    old, whatever the day the suite runs on.
    """
    session = sample_network
    today = local_today(zone(current_hub(session).timezone))
    old = today - timedelta(days=200)
    sample.generate(session, 2, 5, start=old.replace(day=10), parcels_per_day=80)
    sample.generate(session, 1, 6, start=today - timedelta(days=30), parcels_per_day=80)
    return session, f"{old:%Y-%m}"


def _people(session) -> dict[str, tuple]:
    rows = session.execute(
        select(Parcel.parcel_no, Parcel.registered_on, Parcel.personal_erased_at)
        .add_columns(*(getattr(Parcel, name) for name in PEOPLE))
        .add_columns(Parcel.province_code, Parcel.city)
    ).all()
    session.rollback()
    return {row[0]: tuple(row[1:]) for row in rows}


def _events(session) -> list[tuple]:
    rows = session.execute(
        select(ParcelEvent.id, ParcelEvent.at, ParcelEvent.note, ParcelEvent.operator).order_by(
            ParcelEvent.id
        )
    ).all()
    session.rollback()
    return [tuple(row) for row in rows]


def _report(session, month: str) -> dict:
    figures = reports.monthly_report(session, month).as_dict()
    figures.pop("generated_at")
    session.rollback()
    return figures


def test_old_parcels_lose_names_phones_and_addresses_recent_ones_keep_them(township):
    session, old_month = township
    before = _people(session)
    events = _events(session)
    old = {no for no, row in before.items() if f"{row[0]:%Y-%m}" == old_month}
    assert old and len(old) < len(before)

    erased = personal_data.erase_personal(session)

    after = _people(session)
    assert erased.parcels == len(old)
    assert erased.local_day(erased.oldest) >= min(before[no][0] for no in old)
    assert erased.local_day(erased.newest) < local_today(zone(None)) - timedelta(days=90)
    for no, row in after.items():
        was = before[no]
        people = dict(zip(PEOPLE, row[2:7], strict=True))
        then = dict(zip(PEOPLE, was[2:7], strict=True))
        if no not in old:
            assert row == was
            continue
        assert row[1] is not None
        assert row[7:] == was[7:]  # province and city stay
        assert people["recipient_name"] == privacy.mask_name(then["recipient_name"])
        assert people["sender_phone"] == privacy.mask_phone(then["sender_phone"])
        assert people["recipient_phone"] == privacy.mask_phone(then["recipient_phone"])
        assert people["address"] == privacy.mask_address(
            then["address"], (then["recipient_name"], then["sender_name"])
        )
        assert then["recipient_phone"] not in repr(row)
    assert _events(session) == events


def test_the_report_of_an_old_month_adds_up_as_before(township):
    session, old_month = township
    before = _report(session, old_month)
    assert before["totals"]["parcels"] and before["provinces"]

    assert personal_data.erase_personal(session).parcels

    assert _report(session, old_month) == before


def test_erasing_again_changes_nothing(township):
    session, _month = township
    first = personal_data.erase_personal(session)
    once = _people(session)
    again = personal_data.erase_personal(session)
    assert first.parcels and again.parcels == 0
    assert _people(session) == once


def test_a_dry_run_counts_and_changes_nothing(township):
    session, _month = township
    before = _people(session)
    counted = personal_data.erase_personal(session, dry_run=True, keep_days=5)
    assert counted.parcels == len(before)
    assert _people(session) == before
    assert current_hub(session).keep_personal_days == 90
    assert personal_data.erase_personal(session).parcels < counted.parcels


def test_keep_days_is_the_hubs_setting_and_days_is_this_run_only(township):
    session, _month = township
    total = len(_people(session))
    assert personal_data.erase_personal(session, days=400).parcels == 0
    assert current_hub(session).keep_personal_days == 90
    assert personal_data.erase_personal(session, keep_days=5).parcels == total
    session.expire_all()
    assert session.execute(select(Hub.keep_personal_days)).scalar_one() == 5
    with pytest.raises(InvalidInput, match="--days must be a whole number of days from 1"):
        personal_data.erase_personal(session, days=0)
    with pytest.raises(InvalidInput, match="not both"):
        personal_data.erase_personal(session, days=5, keep_days=5)


def test_the_days_first_plan_erases_what_is_due_and_says_so(township):
    session, _month = township
    today = local_today(zone(current_hub(session).timezone))
    sample.generate(session, 1, 8, start=today, today=True, parcels_per_day=60)
    due = personal_data.erase_personal(session, dry_run=True).parcels

    first = planning.plan_day(session, today, time_limit=0.5)

    said = f"erased the names, phones and addresses of {due} parcels whose last events were"
    assert any(note.startswith(said) for note in first.notes)
    assert personal_data.erase_personal(session, dry_run=True).parcels == 0
    # The day's next plan leaves the rest to the next day, even once more is due.
    session.get(Hub, current_hub(session).id).keep_personal_days = 5
    session.commit()
    again = planning.plan_day(session, today, time_limit=0.5)
    assert not any("erased" in note for note in again.notes)
    assert personal_data.erase_personal(session, dry_run=True).parcels > 0


def test_purge_personal_on_the_command_line(township, hub):
    session, _month = township
    count = session.execute(select(func.count()).select_from(Parcel)).scalar_one()
    session.rollback()

    dry = hub("db", "purge-personal", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would have their names, phones and addresses erased" in dry.output
    assert "Nothing was changed." in dry.output

    done = hub("db", "purge-personal", "--keep-days", "5")
    assert done.exit_code == 0, done.output
    assert "now keeps personal data 5 days after a parcel's last event" in done.output
    assert (
        f"Erased the names, phones and addresses of {count:,} parcels (last events" in done.output
    )

    again = hub("db", "purge-personal")
    assert "nothing to erase" in again.output

    wrong = hub("db", "purge-personal", "--days", "0")
    assert wrong.exit_code != 0
    assert "--days must be a whole number of days from 1 to 3650, got 0." in wrong.output
    assert "Traceback" not in wrong.output
