"""Courier assignment on a real database: what is stored, logged, refused and explained.

Sample township tariffs to Guangdong (44) for a 2.5 kg parcel (3 kg chargeable, 1 kg steps):
JT 3.20 + 2 x 1.95 = 7.10 yuan, YTO 4.10 + 2 x 1.90 = 7.90 yuan, ZTO and YUNDA 8.00 yuan, ...
"""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import func, select

from logistics.domain.clock import utcnow
from logistics.errors import RuleBroken
from logistics.models import Manifest, Parcel, ParcelEvent
from logistics.services import assignment

TODAY = date(2026, 11, 23)


pytestmark = pytest.mark.usefixtures("assignment_morning")


def set_capacity(session, courier, parcels):
    courier.daily_capacity = parcels
    session.add(courier)
    session.commit()


def events(session, parcel, action="assign"):
    return list(
        session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.parcel_id == parcel.id, ParcelEvent.action == action)
            .order_by(ParcelEvent.id)
        )
    )


def put_on_manifest(session, parcels, courier, status="manifested", n=1):
    manifest = Manifest(
        manifest_no=f"M-{courier.code}-20261123-{n}",
        courier_id=courier.id,
        service_date=TODAY,
        cutoff=time(17, 0),
        created_at=utcnow(),
        status="open" if status == "manifested" else "handed_over",
    )
    session.add(manifest)
    session.flush()
    for parcel in parcels:
        parcel.status = status
        parcel.manifest_id = manifest.id
        parcel.courier_id = courier.id
        session.add(parcel)
    session.commit()
    return manifest


def stored_fees(session, parcels):
    session.expire_all()
    return sum(session.get(Parcel, p.id).fee_fen for p in parcels)


def test_cheapest_courier_is_stored_with_its_fee_in_fen_and_an_event(
    session, couriers, make_parcel
):
    parcels = [make_parcel(weight_g=2500) for _ in range(3)]
    run = assignment.assign_day(session, operator="ann")

    for parcel in parcels:
        session.refresh(parcel)
        assert parcel.courier_id == couriers["JT"].id
        assert (parcel.chargeable_g, parcel.fee_fen) == (3000, 710)
        [event] = events(session, parcel)
        assert event.operator == "ann"
        assert event.note.startswith("JT, 7.10 yuan: the cheapest courier")
    assert run.day == TODAY and run.assigned == 3 and run.changed == 3
    assert run.total_fee_fen == 3 * 710 == stored_fees(session, parcels)
    jt = next(line for line in run.couriers if line.courier == "JT")
    assert (jt.parcels, jt.weight_g, jt.fee_fen, str(jt.share)) == (3, 7500, 2130, "1.0000")
    assert run.saving_fen == 0 and "cheapest on average" in run.baseline_sentence


def test_capacity_used_earlier_the_same_day_is_respected(session, couriers, make_parcel):
    jt, yto = couriers["JT"], couriers["YTO"]
    set_capacity(session, jt, 3)
    morning = [make_parcel() for _ in range(2)]
    assignment.assign_day(session)
    put_on_manifest(session, morning, jt)

    afternoon = [make_parcel() for _ in range(3)]
    run = assignment.assign_day(session)

    session.expire_all()
    got = sorted(session.get(Parcel, p.id).courier_id for p in afternoon)
    assert got == sorted([jt.id, yto.id, yto.id])  # one JT slot was left
    line = next(line for line in run.couriers if line.courier == "JT")
    assert (line.earlier, line.parcels, line.capacity_left) == (2, 1, 0)
    at_yto = next(p for p in afternoon if p.courier_id == yto.id)
    assert "JT (7.10 yuan) had no capacity left" in events(session, at_yto)[0].note
    assert run.total_fee_fen == 710 + 2 * 790 == stored_fees(session, afternoon)


def test_shortage_lists_the_rest_with_the_reason(session, couriers, make_parcel):
    for courier in couriers.values():
        set_capacity(session, courier, 1)
    parcels = [make_parcel() for _ in range(10)]
    heavy = make_parcel(weight_g=70_000)
    run = assignment.assign_day(session)
    assert run.assigned == 8
    reasons = {line.parcel_no: line.reason for line in run.unassigned}
    assert reasons == {
        parcels[8].parcel_no: "capacity_exhausted",
        parcels[9].parcel_no: "capacity_exhausted",
        heavy.parcel_no: "over_max_weight",
    }
    assert "no capacity left" in run.unassigned[0].detail


def test_tracking_number_parcels_keep_their_courier(session, couriers, make_parcel):
    ems = make_parcel(courier="EMS", tracking_no="1123456789012")
    free = make_parcel()
    run = assignment.assign_day(session)
    session.expire_all()
    kept = session.get(Parcel, ems.id)
    assert kept.courier_id == couriers["EMS"].id
    assert kept.fee_fen == 1160  # EMS: 6.00 + 2 x 2.80, dearer than JT, still EMS
    assert events(session, kept) == []  # its courier did not change
    assert session.get(Parcel, free.id).courier_id == couriers["JT"].id
    line = next(line for line in run.couriers if line.courier == "EMS")
    assert (line.parcels, line.fixed_parcels) == (1, 1)
    explanation = assignment.explain(session, "1123456789012")
    assert explanation.fixed and explanation.courier == "EMS"
    assert "tracking number" in explanation.summary


def test_rerun_is_stable_and_logs_no_duplicate_events(session, couriers, make_parcel):
    parcels = [make_parcel(province=p) for p in ("44", "11", "52", "33")]
    first = assignment.assign_day(session)
    before = {p.id: (p.courier_id, p.fee_fen) for p in parcels}
    second = assignment.assign_day(session)
    session.expire_all()
    assert second.changed == 0 and first.changed == 4
    assert {p.id: (p.courier_id, p.fee_fen) for p in parcels} == before
    assert all(len(events(session, p)) == 1 for p in parcels)
    assert second.total_fee_fen == first.total_fee_fen


def test_dry_run_stores_nothing(session, couriers, make_parcel):
    parcels = [make_parcel() for _ in range(2)]
    run = assignment.assign_day(session, dry_run=True)
    assert run.dry_run and run.changed == 2 and run.total_fee_fen == 1420
    session.expire_all()
    assert all(session.get(Parcel, p.id).courier_id is None for p in parcels)
    assert all(session.get(Parcel, p.id).fee_fen is None for p in parcels)
    count = select(func.count()).select_from(ParcelEvent).where(ParcelEvent.action == "assign")
    assert session.exec(count).one() == 0


def test_parcels_on_a_manifest_or_handed_over_are_refused_with_a_sentence(
    session, couriers, make_parcel
):
    zto = couriers["ZTO"]
    on_manifest = make_parcel()
    gone = make_parcel()
    manifest = put_on_manifest(session, [on_manifest], zto)
    put_on_manifest(session, [gone], zto, status="handed_over", n=2)

    with pytest.raises(RuleBroken) as error:
        assignment.assign_day(session, parcels=[on_manifest.parcel_no])
    message = str(error.value)
    assert on_manifest.parcel_no in message and manifest.manifest_no in message
    assert "cannot be re-assigned" in message and "take it off the manifest" in message
    with pytest.raises(RuleBroken, match="already handed over to ZTO"):
        assignment.assign_day(session, parcels=[gone.parcel_no])

    # A day run leaves them alone, and they count against ZTO's capacity.
    run = assignment.assign_day(session)
    session.expire_all()
    assert session.get(Parcel, on_manifest.id).courier_id == zto.id
    assert events(session, on_manifest) == []
    assert next(line for line in run.couriers if line.courier == "ZTO").earlier == 2
    explanation = assignment.explain(session, on_manifest.parcel_no)
    assert explanation.locked and explanation.courier == "ZTO"
    assert manifest.manifest_no in explanation.summary


def test_a_cancelled_parcel_named_for_assignment_is_refused_naming_its_state(
    session, couriers, make_parcel
):
    from logistics.services.parcel_events import record_step

    cancelled = make_parcel("registered")
    record_step(session, cancelled, "cancel", operator="hub-op")
    session.commit()
    with pytest.raises(RuleBroken) as error:
        assignment.assign_day(session, parcels=[cancelled.parcel_no])
    assert cancelled.parcel_no in str(error.value) and "cancelled" in str(error.value)


def test_a_named_parcel_is_decided_alone(session, couriers, make_parcel):
    set_capacity(session, couriers["JT"], 1)
    other = make_parcel()
    assignment.assign_day(session, parcels=[other.parcel_no])
    named = make_parcel()
    run = assignment.assign_day(session, parcels=[named.parcel_no])
    session.expire_all()
    assert run.parcels == 1
    # JT's one slot went to the other parcel, which keeps it.
    assert session.get(Parcel, other.id).courier_id == couriers["JT"].id
    assert session.get(Parcel, named.id).courier_id == couriers["YTO"].id


def test_explain_names_the_reasons(session, couriers, make_parcel):
    set_capacity(session, couriers["JT"], 1)
    pair = [make_parcel(), make_parcel()]
    tibet = make_parcel(province="54")
    assignment.assign_day(session)
    session.expire_all()
    second = next(p for p in pair if p.courier_id == couriers["YTO"].id)

    explanation = assignment.explain(session, second.parcel_no)
    assert explanation.courier == "YTO" and explanation.fee_fen == 790
    assert [o.courier for o in explanation.options][0] == "YTO"
    assert len(explanation.options) == len(couriers)
    jt = next(o for o in explanation.options if o.courier == "JT")
    assert jt.exclusion == "capacity_full" and "capacity" in jt.reason
    assert "JT is cheaper but its remaining capacity" in explanation.summary
    assert explanation.note is None  # what is stored is what a run gives now

    tibet_ex = assignment.explain(session, tibet.parcel_no)
    zto = next(o for o in tibet_ex.options if o.courier == "ZTO")
    assert zto.fee_fen is None and "does not serve province 54" in zto.reason


def test_minimum_shares_cost_money_and_the_saving_says_so(session, couriers, make_parcel):
    zto = couriers["ZTO"]
    zto.min_share = 0.25
    session.add(zto)
    session.commit()
    parcels = [make_parcel() for _ in range(8)]
    run = assignment.assign_day(session)
    line = next(line for line in run.couriers if line.courier == "ZTO")
    assert (line.parcels, line.min_parcels, line.min_share_met) == (2, 2, True)
    assert run.saving_fen == -2 * (800 - 710)
    assert "minimum shares cost" in run.saving_sentence
    assert run.total_fee_fen == stored_fees(session, parcels)
    zto_parcel = next(p for p in parcels if p.courier_id == zto.id)
    assert "minimum share" in events(session, zto_parcel)[0].note


def test_station_parcels_only_with_include_stations(session, couriers, make_parcel):
    waiting = make_parcel(status="collected")
    assert assignment.assign_day(session).parcels == 0
    run = assignment.assign_day(session, include_stations=True)
    session.refresh(waiting)
    assert run.parcels == 1 and waiting.courier_id == couriers["JT"].id


def test_parcel_without_a_province_is_listed_not_assigned(session, couriers, make_parcel):
    parcel = make_parcel(province=None)
    run = assignment.assign_day(session)
    assert run.assigned == 0
    assert run.unassigned[0].parcel_no == parcel.parcel_no
    assert "no destination province" in run.unassigned[0].detail
