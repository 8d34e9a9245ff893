"""`hub assign` as an operator types it: the table, the sentences, --json, --explain."""

from __future__ import annotations

import json
from datetime import time

import pytest
from sqlmodel import select

from logistics.domain.clock import utcnow
from logistics.models import Manifest, Parcel, ParcelEvent

pytestmark = pytest.mark.usefixtures("assignment_morning")


def stored(session, parcels):
    session.expire_all()
    rows = [session.get(Parcel, p.id) for p in parcels]
    session.commit()  # end the read, so the next `hub` command can write
    return rows


def test_assign_shows_couriers_totals_baseline_and_stores(hub, session, couriers, make_parcel):
    parcels = [make_parcel(weight_g=2500) for _ in range(3)] + [make_parcel(province="11")]
    result = hub("assign")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Courier assignment for 2026-11-23" in out
    assert "JT" in out and "21.30" in out  # 3 x 7.10 yuan to Guangdong
    assert "Total fee:" in out
    assert "cheapest on average" in out and "Saving against the baseline" in out
    assert "Stored: 4 parcels given a courier; each has an assign event." in out
    assert "changed courier" not in out  # none had a courier before
    rows = stored(session, parcels)
    assert all(p.courier_id is not None and p.fee_fen for p in rows)
    total = sum(p.fee_fen for p in rows)
    assert f"Total fee: {total / 100:.2f} yuan for 4 parcels" in out

    again = hub("assign")
    assert "no parcel changed courier" in again.output


def test_dry_run_says_so_and_stores_nothing(hub, session, couriers, make_parcel):
    parcel = make_parcel()
    result = hub("assign", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was stored; a run would store: 1 parcel given a courier." in (
        " ".join(result.output.split())
    )
    [row] = stored(session, [parcel])
    assert row.courier_id is None and row.fee_fen is None
    events = session.exec(select(ParcelEvent).where(ParcelEvent.action == "assign")).all()
    assert events == []


def test_json_parses_and_total_equals_the_stored_fees(hub, session, couriers, make_parcel):
    couriers["JT"].daily_capacity = 1
    session.add(couriers["JT"])
    session.commit()
    parcels = [make_parcel() for _ in range(3)]
    result = hub("assign", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_fee_fen"] == sum(p.fee_fen for p in stored(session, parcels))
    assert data["total_fee_fen"] == 710 + 2 * 790
    jt = next(c for c in data["couriers"] if c["courier"] == "JT")
    assert (jt["parcels"], jt["capacity_left"], jt["min_share_met"]) == (1, 0, True)
    assert data["unassigned"] == [] and data["day"] == "2026-11-23"
    assert "baseline" in data and data["saving_fen"] == data["baseline_fee_fen"] - 2290


def test_negative_saving_is_explained_by_capacity_and_shares(hub, session, couriers, make_parcel):
    zto = couriers["ZTO"]
    zto.min_share = 0.5
    session.add(zto)
    session.commit()
    for _ in range(4):
        make_parcel()
    result = hub("assign", "--dry-run")
    assert "costs 1.80 yuan more than the baseline" in result.output
    assert "capacity and agreed minimum shares cost" in result.output


def test_unassigned_parcels_are_listed_with_reasons(hub, session, couriers, make_parcel):
    heavy = make_parcel(weight_g=75_000)
    result = hub("assign")
    assert result.exit_code == 0
    assert "1 parcel without a courier" in result.output
    assert heavy.parcel_no in result.output and "too heavy for every courier" in result.output
    assert "over_max_weight" not in result.output  # the words, not the code


def test_explain_shows_every_courier_and_why(hub, session, couriers, make_parcel):
    couriers["JT"].daily_capacity = 0
    session.add(couriers["JT"])
    session.commit()
    parcel = make_parcel(tracking_no=None, province="54")
    result = hub("assign", "--explain", parcel.parcel_no)
    assert result.exit_code == 0, result.output
    for code in couriers:
        assert code in result.output
    assert "does not serve province 54" in result.output
    assert "Not stored yet" in result.output
    assert "[green]" not in result.output and "[/" not in result.output  # styled, not typed

    other = make_parcel()
    hub("assign")
    explained = hub("assign", "--explain", other.parcel_no, "--json")
    data = json.loads(explained.stdout)
    assert data["courier"] == "YTO" and data["fee_fen"] == 790
    jt = next(o for o in data["options"] if o["courier"] == "JT")
    assert jt["exclusion"] == "capacity_full"
    assert "capacity" in data["summary"]


def test_reassigning_a_parcel_on_a_manifest_is_refused(hub, session, couriers, make_parcel):
    parcel = make_parcel(status="manifested", courier="ZTO")
    manifest = Manifest(
        manifest_no="M-ZTO-20261123-1",
        courier_id=couriers["ZTO"].id,
        service_date=parcel.registered_on,
        cutoff=time(17, 0),
        created_at=utcnow(),
    )
    session.add(manifest)
    session.flush()
    parcel.manifest_id = manifest.id
    session.add(parcel)
    session.commit()
    result = hub("assign", "--parcel", parcel.parcel_no)
    assert result.exit_code == 1
    assert (
        f"Parcel {parcel.parcel_no} is on manifest M-ZTO-20261123-1 of ZTO and cannot be "
        "re-assigned" in result.output
    )
    assert "Traceback" not in result.output
    explained = hub("assign", "--explain", parcel.parcel_no)
    assert "its courier can no longer change" in explained.output


def test_unknown_parcel_is_one_sentence(hub, couriers):
    result = hub("assign", "--explain", "P00000000-00000")
    assert result.exit_code == 1
    assert "No parcel has the hub id or tracking number" in result.output


def test_a_run_that_moves_parcels_says_which_cage_to_which(hub, session, couriers, make_parcel):
    parcels = [make_parcel() for _ in range(2)]
    assert "2 parcels given a courier" in hub("assign").output
    couriers["JT"].daily_capacity = 1
    session.add(couriers["JT"])
    session.commit()

    dry = hub("assign", "--dry-run", "--json")
    [line] = json.loads(dry.stdout)["resorted"]
    moved = parcels[1].parcel_no
    assert line == {
        "parcel_no": moved,
        "from_courier": "JT",
        "to_courier": "YTO",
        "move": f"Move {moved} from JT's cage to YTO's.",
    }
    result = hub("assign")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Re-sort 1 parcel at the hub" in out
    assert "Stored: 1 parcel changed courier;" in out
    assert f"Move {moved} from JT's cage to YTO's." in out
    assert parcels[0].parcel_no not in out  # it keeps JT: nothing to move
    assert "Re-sort" not in hub("assign").output  # nothing changes, nothing to move


def test_explain_says_how_long_a_parcel_waited_and_the_rule(hub, session, couriers, make_parcel):
    from datetime import timedelta

    for courier in couriers.values():
        courier.daily_capacity = 1 if courier.code == "JT" else 0
        session.add(courier)
    session.commit()
    old = make_parcel(weight_g=10_000, registered_at=utcnow() - timedelta(days=2))
    new = make_parcel()
    result = hub("assign")
    assert "Waited (days)" in result.output
    out = hub("assign", "--explain", old.parcel_no).output
    assert "Waited 2 days: priority raised by 20.00 yuan." in out
    assert "each full day a parcel has waited" in out
    data = json.loads(hub("assign", "--explain", new.parcel_no, "--json").stdout)
    assert data["courier"] is None and data["waited_days"] == 0
    assert "10.00 yuan against its fee" in data["ageing"]
