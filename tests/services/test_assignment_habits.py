"""Issue 14, courier assignment: what an operator does by habit never moves or misstates.

* A parcel on a manifest (open or closed) keeps its courier on every path of `hub assign`
  (a day run, --include-stations, --parcel, --explain): one rule, ``courier_lock``.
* A run that changes the courier of a parcel at the hub lists it to re-sort (which cage
  to which).
* Under a steady shortage the parcels that waited go first, so the same heavy parcel does
  not wait day after day.

Sample township tariffs to Guangdong (44) with JT: 3.20 yuan the first kg and 1.95 yuan
each extra kg, so 2.5 kg (3 kg chargeable) costs 7.10 yuan and 10 kg costs 20.75 yuan
(13.65 yuan more: more than one day of waiting counts, less than two).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from logistics.domain.assignment import AGE_BONUS_FEN_PER_DAY, AGE_DAYS_CAP
from logistics.domain.clock import utcnow
from logistics.domain.parcel_status import Status
from logistics.errors import RuleBroken
from logistics.models import Parcel, ParcelEvent
from logistics.services import assignment
from logistics.services.manifests import build_manifests

TODAY = date(2026, 11, 23)

pytestmark = pytest.mark.usefixtures("assignment_morning")


def only_jt(session, couriers, capacity):
    """JT alone has capacity today: ``capacity`` parcels."""
    for courier in couriers.values():
        courier.daily_capacity = capacity if courier.code == "JT" else 0
        session.add(courier)
    session.commit()


def fresh(session, parcels):
    session.expire_all()
    return [session.get(Parcel, p.id) for p in parcels]


def assign_events(session, parcel):
    return list(
        session.exec(
            select(ParcelEvent).where(
                ParcelEvent.parcel_id == parcel.id, ParcelEvent.action == "assign"
            )
        )
    )


# ------------------------------------------------------------ item 4: on a manifest


def test_parcels_on_an_open_manifest_keep_their_courier_on_every_path(
    session, couriers, make_parcel
):
    jt, yto = couriers["JT"], couriers["YTO"]
    jt.daily_capacity = 3
    session.add(jt)
    session.commit()
    built_for = [make_parcel() for _ in range(3)]
    assignment.assign_day(session)
    [built] = build_manifests(session, day=TODAY, operator="ann").manifests
    assert (built.courier_code, built.added) == ("JT", 3)

    # JT phones: two parcels today, not three; and older parcels wait at a station.
    jt.daily_capacity = 2
    session.add(jt)
    session.commit()
    older = [
        make_parcel("collected", registered_at=utcnow() - timedelta(hours=9)) for _ in range(3)
    ]
    assert assignment.assign_day(session).parcels == 0  # the hub's run leaves them alone
    run = assignment.assign_day(session, include_stations=True)

    on_manifest = fresh(session, built_for)
    assert {p.courier_id for p in on_manifest} == {jt.id}
    assert all(p.manifest_id is not None for p in on_manifest)
    assert all(assign_events(session, p)[-1].note.startswith("JT") for p in on_manifest)
    assert {p.courier_id for p in fresh(session, older)} == {yto.id}
    assert run.parcels == 3 and run.resorted == ()
    jt_line = next(line for line in run.couriers if line.courier == "JT")
    assert (jt_line.earlier, jt_line.parcels) == (3, 0)
    session.commit()

    # The next build neither drops them nor calls them "no longer at the hub".
    again = build_manifests(session, day=TODAY, operator="ann").manifests
    assert next(m for m in again if m.courier_code == "JT").removed == 0

    # --parcel refuses one, --explain says its courier can no longer change.
    with pytest.raises(RuleBroken, match="take it off the manifest first"):
        assignment.assign_day(session, parcels=[built_for[0].parcel_no])
    explained = assignment.explain(session, built_for[0].parcel_no, include_stations=True)
    assert explained.locked and explained.courier == "JT"
    assert "can no longer change" in explained.summary


def test_a_tracking_number_or_a_final_state_also_fixes_the_courier(session, couriers, make_parcel):
    ems = make_parcel(courier="EMS", tracking_no="1123456789012")
    gone = make_parcel("handed_over", courier="ZTO")
    run = assignment.assign_day(session)
    kept, handed = fresh(session, [ems, gone])
    assert kept.courier_id == couriers["EMS"].id and handed.courier_id == couriers["ZTO"].id
    assert run.parcels == 1 and run.changed == 0
    with pytest.raises(RuleBroken, match="already handed over to ZTO"):
        assignment.assign_day(session, parcels=[gone.parcel_no])


def test_a_run_that_moves_parcels_lists_them_to_re_sort(session, couriers, make_parcel):
    jt = couriers["JT"]
    parcels = [make_parcel() for _ in range(3)]
    assignment.assign_day(session)
    jt.daily_capacity = 1
    session.add(jt)
    session.commit()
    station = make_parcel("collected")  # had no courier: nothing to move

    run = assignment.assign_day(session, include_stations=True)

    moved = [p for p in fresh(session, parcels) if p.courier_id != jt.id]
    assert len(moved) == 2 and run.changed == 3
    assert [(r.parcel_no, r.from_courier, r.to_courier) for r in run.resorted] == [
        (p.parcel_no, "JT", "YTO") for p in moved
    ]
    assert station.parcel_no not in {r.parcel_no for r in run.resorted}
    assert run.resorted[0].move == f"Move {moved[0].parcel_no} from JT's cage to YTO's."
    assert run.as_dict()["resorted"][0]["move"] == run.resorted[0].move


def test_a_dry_run_lists_what_it_would_move_and_a_parcel_left_without_a_courier(
    session, couriers, make_parcel
):
    parcel = make_parcel()
    assignment.assign_day(session)
    only_jt(session, couriers, 0)
    run = assignment.assign_day(session, dry_run=True)
    [line] = run.resorted
    assert (line.parcel_no, line.from_courier, line.to_courier) == (parcel.parcel_no, "JT", None)
    assert line.move == f"Take {parcel.parcel_no} out of JT's cage: it has no courier now."


# ------------------------------------------------------------- item 5: who waits


def test_parcels_that_waited_are_served_first_when_capacity_is_short(
    session, couriers, make_parcel
):
    only_jt(session, couriers, 4)
    two_days_ago = utcnow() - timedelta(days=2)
    old = [make_parcel(weight_g=10_000, registered_at=two_days_ago) for _ in range(4)]
    new = [make_parcel() for _ in range(4)]  # 7.10 yuan each, 13.65 yuan cheaper

    run = assignment.assign_day(session)

    assert {p.courier_id for p in fresh(session, old)} == {couriers["JT"].id}
    assert {p.courier_id for p in fresh(session, new)} == {None}
    assert run.total_fee_fen == 4 * 2075
    assert {line.parcel_no: line.waited_days for line in run.unassigned} == {
        p.parcel_no: 0 for p in new
    }
    note = assign_events(session, old[0])[0].note
    assert note.endswith("waited 2 days: priority raised by 20.00 yuan")

    served = assignment.explain(session, old[0].parcel_no)
    assert (served.waited_days, served.priority_fen) == (2, 2 * AGE_BONUS_FEN_PER_DAY)
    assert "Waited 2 days: priority raised by 20.00 yuan." in served.summary
    rule = f"counts 10.00 yuan against its fee, for at most {AGE_DAYS_CAP} days (70.00 yuan)"
    assert rule in served.ageing
    waiting = assignment.explain(session, new[0].parcel_no)
    assert waiting.courier is None and rule in waiting.ageing


def test_a_parcel_that_waited_only_one_day_still_yields_to_a_much_cheaper_fresh_one(
    session, couriers, make_parcel
):
    only_jt(session, couriers, 1)
    old = make_parcel(weight_g=10_000, registered_at=utcnow() - timedelta(days=1))
    new = make_parcel()
    assignment.assign_day(session)
    old, new = fresh(session, [old, new])
    assert (old.courier_id, new.courier_id) == (None, couriers["JT"].id)


def _one_day(session, monkeypatch, couriers, make_parcel, n, arrivals):
    """Day ``n`` of a steady shortage: new parcels arrive, the run decides, the parcels
    given a courier leave the hub. Returns the parcel ids left without a courier."""
    monkeypatch.setenv("HUB_NOW", f"{TODAY + timedelta(days=n)}T10:00:00")
    for weight in arrivals:
        make_parcel(weight_g=weight, registered_at=utcnow() - timedelta(hours=2))
    run = assignment.assign_day(session)
    session.exec(
        update(Parcel)
        .where(Parcel.status == Status.AT_HUB, Parcel.courier_id.is_not(None))
        .values(status=Status.HANDED_OVER, status_at=utcnow())
    )
    session.commit()
    return {line.parcel_no for line in run.unassigned}


def test_under_a_steady_shortage_no_parcel_waits_three_days_in_a_row(
    session, monkeypatch, couriers, make_parcel
):
    """JT takes 6 parcels a day; day 1 brings 6 light and 2 heavy parcels, every later day
    6 light ones, so 2 parcels wait each day. By fee alone the 2 heavy ones would wait
    for ever; with ageing they wait two days and go on the third."""
    only_jt(session, couriers, 6)
    waiting_by_day = [
        _one_day(session, monkeypatch, couriers, make_parcel, 0, [2500] * 6 + [10_000] * 2)
    ]
    for n in range(1, 6):
        waiting_by_day.append(_one_day(session, monkeypatch, couriers, make_parcel, n, [2500] * 6))

    assert all(len(waiting) == 2 for waiting in waiting_by_day)
    for n in range(len(waiting_by_day) - 2):
        assert not waiting_by_day[n] & waiting_by_day[n + 1] & waiting_by_day[n + 2]
    heavy = set(session.exec(select(Parcel.parcel_no).where(Parcel.weight_g == 10_000)).all())
    assert heavy == waiting_by_day[0] == waiting_by_day[1]
    assert not heavy & waiting_by_day[2]
