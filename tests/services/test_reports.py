"""The monthly and daily reports, checked against counts made here from the parcels made here.

The month under test is October 2026 (the hub's clock is pinned to 23 November 2026, so
it is also the default month). Parcels are spread over September, October and November
with every status, several stations, couriers, provinces and categories, weights, fees,
handover times and rounds; each figure is recomputed below with plain Python from the
specs the parcels were made from, never through the database.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from logistics.errors import InvalidInput
from logistics.models import Courier, Manifest, ParcelEvent, Round, Station, Vehicle
from logistics.services import reports
from tests.support import stored

TZ = ZoneInfo("Asia/Shanghai")
NOW_LOCAL = datetime(2026, 11, 23, 18, 0)
MONTH = "2026-10"
STATIONS = ["GD01", "GD02", "GD03", "GD04", "GD05", "GD06"]
COURIERS = ["ZTO", "STO", "YTO", "YUNDA", "JT"]
PROVINCE_NAMES = {
    "44": "广东",
    "33": "浙江",
    "32": "江苏",
    "31": "上海",
    "11": "北京",
    "37": "山东",
    "14": "山西",
    "51": "四川",
    "50": "重庆",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
}
PROVINCES = list(PROVINCE_NAMES)
OUT_CATEGORIES = ["kiwi", "tea", "cured_meat"]
IN_CATEGORIES = ["apparel", "food"]
OUT_STATUSES = ["handed_over"] * 6 + ["registered", "at_hub", "manifested", "held", "cancelled"]
IN_STATUSES = ["picked_up"] * 4 + ["arrived_hub", "at_station", "returned"]
ROUNDS = {
    # key: (service day, status, planned metres)
    "R1": (date(2026, 10, 10), "finished", 23456),
    "R2": (date(2026, 10, 20), "finished", 18000),
    "R3": (date(2026, 10, 25), "planned", 20000),  # not driven
    "R4": (date(2026, 9, 20), "finished", 15000),  # another month
}


@dataclass
class Spec:
    direction: str
    status: str
    station: str
    courier: str | None
    province: str | None
    category: str | None
    weight_g: int
    fee_fen: int | None
    local: datetime  # registered (outbound) / arrived at the hub (inbound), hub time
    hours: float | None = None  # registration to handover, for handed-over parcels
    at_station_since: datetime | None = None  # hub time, for parcels at a station
    round: str | None = None

    @property
    def month(self) -> str:
        # Independent of the system's registered_on: the UTC moment seen in Beijing.
        moment = self.local.replace(tzinfo=TZ).astimezone(UTC).astimezone(TZ)
        return f"{moment:%Y-%m}"


def random_specs(seed: int = 20261001) -> list[Spec]:
    rng = random.Random(seed)
    days = (
        [date(2026, 9, d) for d in range(1, 31)]
        + [date(2026, 10, d) for d in range(1, 32)] * 2
        + [date(2026, 11, d) for d in range(1, 21)]
    )
    specs = []
    for _ in range(150):
        day = rng.choice(days)
        local = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)))
        outbound = rng.random() < 0.65
        if outbound:
            status = rng.choice(OUT_STATUSES)
            courier = None if status == "registered" else rng.choice(COURIERS + [None])
            spec = Spec(
                "outbound",
                status,
                rng.choice(STATIONS),
                courier,
                rng.choice(PROVINCES),
                rng.choice(OUT_CATEGORIES),
                rng.randrange(300, 12000),
                rng.randrange(500, 3000) if courier else None,
                local,
                hours=round(rng.uniform(2, 60), 3) if status == "handed_over" else None,
            )
        else:
            status = rng.choice(IN_STATUSES)
            since = None
            if status == "at_station":
                # Some wait past the 7-day retention period (overdue now), some not.
                since = rng.choice([NOW_LOCAL - timedelta(days=10), NOW_LOCAL - timedelta(days=2)])
            spec = Spec(
                "inbound",
                status,
                rng.choice(STATIONS),
                rng.choice(COURIERS),
                None,
                rng.choice(IN_CATEGORIES),
                rng.randrange(100, 8000),
                None,
                local,
                at_station_since=since,
            )
        if rng.random() < 0.3:
            spec.round = rng.choice(list(ROUNDS))
        specs.append(spec)
    # The edges of the month, in the hub's time zone.
    edge = dict(courier="ZTO", province="44", category="kiwi", weight_g=2500, fee_fen=1200)
    specs += [
        Spec("outbound", "handed_over", "GD03", local=datetime(2026, 10, 1, 0, 30), hours=5,
             **edge),
        Spec("outbound", "handed_over", "GD03", local=datetime(2026, 9, 30, 23, 30), hours=7,
             **edge),
        Spec("outbound", "handed_over", "GD03", local=datetime(2026, 10, 31, 23, 59), hours=9,
             **edge),
        Spec("outbound", "registered", "GD03", local=datetime(2026, 11, 1, 0, 10),
             **{**edge, "courier": None, "fee_fen": None}),
    ]  # fmt: skip
    return specs


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setenv("HUB_NOW", NOW_LOCAL.isoformat())


def build(session, make_parcel, specs: list[Spec]) -> None:
    vehicle = session.exec(select(Vehicle).order_by(Vehicle.id)).first()
    round_ids = {}
    for key, (day, status, metres) in ROUNDS.items():
        start = stored(datetime.combine(day, time(8, 0)))
        item = Round(
            round_no=f"R-{day:%Y%m%d}-{key}",
            service_date=day,
            vehicle_id=vehicle.id,
            status=status,
            planned_start=start,
            planned_end=start + timedelta(hours=4),
            planned_m=metres,
        )
        session.add(item)
        session.flush()
        round_ids[key] = item.id
    late = {"held": "at_hub", "cancelled": "registered", "returned": "at_station"}
    for spec in specs:
        base = late.get(spec.status, spec.status)
        parcel = make_parcel(
            base,
            station=spec.station,
            province=spec.province,
            weight_g=spec.weight_g,
            courier=spec.courier,
            category=spec.category,
            registered_at=stored(spec.local),
            commit=False,
        )
        if spec.status != base:
            moment = parcel.status_at + timedelta(minutes=10)
            session.add(
                ParcelEvent(
                    parcel_id=parcel.id,
                    at=moment,
                    action={"held": "hold", "cancelled": "cancel"}.get(spec.status, "return"),
                    from_status=base,
                    to_status=spec.status,
                    operator="tester",
                )
            )
            parcel.status = spec.status
            parcel.status_at = moment
        if spec.hours is not None:
            parcel.status_at = stored(spec.local + timedelta(hours=spec.hours))
        if spec.at_station_since is not None:
            parcel.status_at = stored(spec.at_station_since)
        parcel.fee_fen = spec.fee_fen
        parcel.round_id = round_ids[spec.round] if spec.round else None
        session.add(parcel)
    session.commit()


@pytest.fixture
def month(session, make_parcel, pinned):
    specs = random_specs()
    build(session, make_parcel, specs)
    return specs


def kg(grams: int) -> Decimal:
    """Weights are shown in kg with two decimals, half up, everywhere."""
    return (Decimal(grams) / 1000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def test_every_figure_of_the_month_matches_counts_made_here(session, month):
    specs = month
    report = reports.monthly_report(session, MONTH)
    names = {s.code: s.name for s in session.exec(select(Station))}
    courier_names = {c.code: c.name for c in session.exec(select(Courier))}

    this = [s for s in specs if s.month == MONTH]
    kept = [s for s in this if s.status != "cancelled"]
    before = [s for s in specs if s.month == "2026-09" and s.status != "cancelled"]
    out = [s for s in kept if s.direction == "outbound"]
    inb = [s for s in kept if s.direction == "inbound"]
    assert len(out) > 20 and len(inb) > 10  # the month is not trivially small

    assert (report.month, report.first_day, report.last_day) == (
        MONTH,
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    assert report.previous_month == "2026-09"

    # Totals.
    assert report.totals == {
        "outbound_parcels": len(out),
        "inbound_parcels": len(inb),
        "parcels": len(kept),
        "outbound_kg": kg(sum(s.weight_g for s in out)),
        "inbound_kg": kg(sum(s.weight_g for s in inb)),
        "kg": kg(sum(s.weight_g for s in kept)),
        "fees": Decimal(sum(s.fee_fen or 0 for s in out)) / 100,
        "previous_parcels": len(before),
        "growth": round((len(kept) - len(before)) / len(before), 4),
    }

    # By station: every active station, ranked by parcels, growth on September.
    per = Counter(s.station for s in kept)
    previous = Counter(s.station for s in before)
    expected_stations = []
    for code in names:
        mine = [s for s in kept if s.station == code]
        expected_stations.append(
            {
                "code": code,
                "name": names[code],
                "outbound": sum(s.direction == "outbound" for s in mine),
                "inbound": sum(s.direction == "inbound" for s in mine),
                "parcels": per[code],
                "kg": kg(sum(s.weight_g for s in mine)),
                "previous": previous[code],
                "growth": (
                    round((per[code] - previous[code]) / previous[code], 4)
                    if previous[code]
                    else None
                ),
            }
        )
    expected_stations.sort(key=lambda row: (-row["parcels"], row["code"]))
    expected_stations = [{"rank": k, **row} for k, row in enumerate(expected_stations, 1)]
    assert report.stations == expected_stations

    # By courier: outbound parcels, share, kg, fees; inbound parcels.
    by_courier = {row["code"]: row for row in report.couriers}
    for code, name in courier_names.items():
        mine = [s for s in out if s.courier == code]
        assert by_courier[code] == {
            "code": code,
            "name": name,
            "outbound": len(mine),
            "share": share(len(mine), len(out)),
            "kg": kg(sum(s.weight_g for s in mine)),
            "fees": Decimal(sum(s.fee_fen or 0 for s in mine)) / 100,
            "inbound": sum(1 for s in inb if s.courier == code),
        }
    unassigned = [s for s in out if s.courier is None]
    assert by_courier[""]["outbound"] == len(unassigned) > 0
    assert report.couriers[-1]["code"] == ""  # the unassigned row comes last
    shares = [row["outbound"] for row in report.couriers[:-1]]
    assert shares == sorted(shares, reverse=True)
    assert sum(row["outbound"] for row in report.couriers) == len(out)

    # By day: all 31 days, October 1 includes the parcel of 00:30 Beijing time.
    assert [row["date"] for row in report.days] == [date(2026, 10, d) for d in range(1, 32)]
    for row in report.days:
        mine = [s for s in kept if s.local.date() == row["date"]]
        assert row == {
            "date": row["date"],
            "weekday": row["date"].strftime("%a"),
            "weekday_label": row["date"].strftime("%a"),
            "outbound": sum(s.direction == "outbound" for s in mine),
            "inbound": sum(s.direction == "inbound" for s in mine),
            "parcels": len(mine),
            "kg": kg(sum(s.weight_g for s in mine)),
        }

    # Top ten destination provinces of outbound parcels (twelve are used).
    per_province = Counter(s.province for s in out)
    top = sorted(per_province.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert len(per_province) > 10
    assert [(row["code"], row["parcels"]) for row in report.provinces] == top
    for row in report.provinces:
        mine = [s for s in out if s.province == row["code"]]
        assert row["share"] == share(len(mine), len(out))
        assert row["kg"] == kg(sum(s.weight_g for s in mine))
        assert row["fees"] == Decimal(sum(s.fee_fen or 0 for s in mine)) / 100
    assert [row["rank"] for row in report.provinces] == list(range(1, 11))
    assert all(row["name"] == PROVINCE_NAMES[row["code"]] for row in report.provinces)

    # Product categories by direction.
    got = {(row["direction"], row["category"]): row for row in report.categories}
    expected_groups = Counter((s.direction, s.category) for s in kept)
    assert set(got) == set(expected_groups)
    for (direction, category), count in expected_groups.items():
        whole = len(out) if direction == "outbound" else len(inb)
        row = got[(direction, category)]
        assert row["parcels"] == count
        assert row["share"] == share(count, whole)
        mine = [s for s in kept if (s.direction, s.category) == (direction, category)]
        assert row["kg"] == kg(sum(s.weight_g for s in mine))
    assert got[("outbound", "kiwi")]["label"] == "kiwi fruit"  # 猕猴桃 in Chinese
    assert got[("outbound", "kiwi")]["direction_label"] == "outbound"
    assert [row["direction"] for row in report.categories][0] == "outbound"

    # Service figures.
    handed = sorted(s.hours for s in out if s.status == "handed_over")
    deciles = statistics.quantiles(handed, n=10, method="inclusive")
    rounds_driven = [k for k, (day, status, _m) in ROUNDS.items()
                     if status == "finished" and f"{day:%Y-%m}" == MONTH]  # fmt: skip
    metres = sum(ROUNDS[k][2] for k in rounds_driven)
    carried = sum(1 for s in specs if s.round in rounds_driven)
    exceptions = Counter(s.status for s in this if s.status in ("held", "cancelled", "returned"))
    overdue = [
        s
        for s in this
        if s.status == "at_station" and s.at_station_since < NOW_LOCAL - timedelta(days=7)
    ]
    service = report.service
    assert service["handed_over"] == len(handed)
    assert service["median_hours"] == pytest.approx(statistics.median(handed), abs=0.006)
    assert service["p90_hours"] == pytest.approx(deciles[-1], abs=0.006)
    assert service["rounds"] == len(rounds_driven) == 2
    assert service["km"] == Decimal("41.5")  # 23,456 m + 18,000 m
    assert service["round_parcels"] == carried
    assert service["parcels_per_km"] == round(carried * 1000 / metres, 2)
    assert service["registered"] == len(this)
    assert service["held"] == exceptions["held"]
    assert service["cancelled"] == exceptions["cancelled"]
    assert service["returned"] == exceptions["returned"]
    assert service["exceptions"] == sum(exceptions.values()) > 0
    assert service["exception_rate"] == round(sum(exceptions.values()) / len(this), 4)
    assert service["overdue_inbound"] == len(overdue)


def test_a_parcel_registered_at_half_past_midnight_beijing_time_belongs_to_that_month(
    session, make_parcel, pinned
):
    edge = dict(courier="ZTO", province="44", category="kiwi", weight_g=2500, fee_fen=900)
    build(
        session,
        make_parcel,
        [
            Spec("outbound", "handed_over", "GD01", local=datetime(2026, 10, 1, 0, 30), **edge),
            Spec("outbound", "handed_over", "GD02", local=datetime(2026, 9, 30, 23, 59), **edge),
        ],
    )
    october = reports.monthly_report(session, "2026-10")
    september = reports.monthly_report(session, "2026-09")
    assert october.totals["outbound_parcels"] == 1
    assert october.days[0]["date"] == date(2026, 10, 1) and october.days[0]["outbound"] == 1
    assert [row["code"] for row in october.stations if row["parcels"]] == ["GD01"]
    assert september.totals["outbound_parcels"] == 1
    assert september.days[-1]["outbound"] == 1
    assert [row["code"] for row in september.stations if row["parcels"]] == ["GD02"]
    # October grows on September station by station: GD01 from 0, GD02 down to 0.
    rows = {row["code"]: row for row in october.stations}
    assert rows["GD01"]["growth"] is None and rows["GD02"]["growth"] == -1.0


def test_default_month_is_the_last_complete_month_in_the_hubs_time_zone(
    sample_network, monkeypatch
):
    monkeypatch.setenv("HUB_NOW", "2026-11-23T10:00:00")
    assert reports.monthly_report(sample_network).month == "2026-10"
    # 00:30 on 1 January in Beijing is still 31 December in UTC.
    monkeypatch.setenv("HUB_NOW", "2027-01-01T00:30:00")
    assert reports.default_month(sample_network) == "2026-12"


def test_an_empty_month_has_zeros_and_no_percentiles(sample_network, pinned):
    report = reports.monthly_report(sample_network, "2026-10")
    assert report.totals["parcels"] == 0 and report.totals["growth"] is None
    assert report.service["median_hours"] is None and report.service["exception_rate"] is None
    assert len(report.stations) == 30 and all(row["parcels"] == 0 for row in report.stations)
    assert report.provinces == [] and report.categories == []
    assert len(report.days) == 31
    assert [table.name for table in report.tables()] == [
        "totals",
        "stations",
        "couriers",
        "days",
        "provinces",
        "categories",
        "service",
    ]


@pytest.mark.parametrize("text", ["2026-13", "October", "26-10", "2026-1x"])
def test_a_month_that_is_not_yyyy_mm_is_refused_in_one_sentence(sample_network, text):
    with pytest.raises(InvalidInput, match="is not a month: expected YYYY-MM"):
        reports.monthly_report(sample_network, text)


def test_percentile_interpolates_between_the_closest_ranks():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert reports.percentile(values, 0.5) == 3.0
    assert reports.percentile(values, 0.9) == pytest.approx(7.6)
    assert reports.percentile([5.0], 0.9) == 5.0


# ---------------------------------------------------------------- the daily report


def test_daily_report_counts_the_day_and_what_waits_where(session, make_parcel, pinned):
    today = NOW_LOCAL.date()
    morning = stored(datetime.combine(today, time(9, 0)))
    vehicle = session.exec(select(Vehicle).order_by(Vehicle.id)).first()
    zto = session.exec(select(Courier).where(Courier.code == "ZTO")).one()

    waiting_1 = make_parcel("registered", station="GD01", registered_at=morning)
    make_parcel("registered", station="GD01", registered_at=morning)
    assigned = make_parcel("at_hub", station="GD02", registered_at=morning, courier="ZTO")
    on_manifest = make_parcel("manifested", station="GD02", registered_at=morning)
    handed = make_parcel("handed_over", station="GD03", registered_at=morning)
    held = make_parcel("at_hub", station="GD03", registered_at=morning)
    session.add(
        ParcelEvent(
            parcel_id=held.id,
            at=held.status_at + timedelta(minutes=5),
            action="hold",
            from_status="at_hub",
            to_status="held",
            operator="hub-op",
            note="label torn",
        )
    )
    held.status, held.held_from = "held", "at_hub"
    held.status_at = held.status_at + timedelta(minutes=5)
    # Notes are events without a change of state (an assignment, a label printed, also
    # for the held parcel): no steps of the day, and no second exception.
    for parcel, action in ((assigned, "assign"), (handed, "label"), (held, "label")):
        session.add(
            ParcelEvent(
                parcel_id=parcel.id,
                at=parcel.status_at + timedelta(minutes=1),
                action=action,
                from_status=parcel.status,
                to_status=parcel.status,
                operator="hub-op",
            )
        )
    make_parcel("out_for_delivery", station="GD04", registered_at=morning)
    # Inbound parcels of earlier days, waiting at GD04: one past the 7-day retention.
    long_ago = stored(NOW_LOCAL - timedelta(days=12))
    late = make_parcel("at_station", station="GD04", registered_at=long_ago)
    late.status_at = stored(NOW_LOCAL - timedelta(days=10))
    make_parcel("at_station", station="GD04", registered_at=stored(NOW_LOCAL - timedelta(days=2)))
    # Yesterday's parcel: not in today's registrations.
    make_parcel("registered", station="GD05", registered_at=stored(NOW_LOCAL - timedelta(days=1)))

    start = stored(datetime.combine(today, time(8, 0)))
    created = stored(datetime.combine(today, time(8, 0)))
    driven = Round(
        round_no=f"R-{today:%Y%m%d}-1",
        service_date=today,
        vehicle_id=vehicle.id,
        status="finished",
        planned_start=start,
        planned_end=start + timedelta(hours=3),
        planned_m=31300,
    )
    session.add(driven)
    session.flush()
    waiting_1.round_id = driven.id
    for status, number in (("open", 1), ("closed", 2), ("handed_over", 3)):
        session.add(
            Manifest(
                manifest_no=f"M-ZTO-{today:%Y%m%d}-{number}",
                courier_id=zto.id,
                service_date=today,
                cutoff=time(17, 0),
                status=status,
                created_at=created,
            )
        )
    session.flush()
    first = session.exec(select(Manifest).where(Manifest.manifest_no.endswith("-1"))).one()
    on_manifest.manifest_id = first.id
    session.commit()

    report = reports.daily_report(session)
    assert report.day == today
    registered = {(r["direction"], r["status"]): r["parcels"] for r in report.registered}
    assert registered == {
        ("outbound", "registered"): 2,
        ("outbound", "at_hub"): 1,
        ("outbound", "manifested"): 1,
        ("outbound", "handed_over"): 1,
        ("outbound", "held"): 1,
        ("inbound", "out_for_delivery"): 1,
    }
    moves = {r["status"]: r["parcels"] for r in report.moves}
    # Today's events: 6 outbound registered + 1 inbound arrival, then their steps.
    assert moves["registered"] == 6
    assert moves["arrived_hub"] == 1
    assert moves["at_hub"] == 4 and moves["handed_over"] == 1 and moves["held"] == 1
    waiting = {r["code"]: r for r in report.waiting}
    assert waiting["GD01"]["to_collect"] == 2
    assert waiting["GD05"]["to_collect"] == 1
    assert waiting["GD04"] == {
        "code": "GD04",
        "name": waiting["GD04"]["name"],
        "to_collect": 0,
        "to_deliver": 1,
        "at_station": 2,
        "overdue": 1,
    }
    assert "GD03" not in waiting  # only a held parcel (at the hub) and a handed-over one
    assert report.at_hub == {
        "collected": 0,
        "at_hub": 1,
        "manifested": 1,
        "held": 1,
        "arrived_hub": 0,
    }
    assert report.rounds == [
        {
            "round_no": f"R-{today:%Y%m%d}-1",
            "van": vehicle.code,
            "status": "finished",
            "status_label": "finished",
            "stops": 0,
            "km": Decimal("31.3"),
            "parcels": 1,
            # finished with nothing stored to reconcile: counts unknown, not zero
            "missing": None,
            "extra": None,
            "unconfirmed": None,
        }
    ]
    assert report.manifest_counts == {"open": 1, "closed": 1, "handed_over": 1}
    assert [m["parcels"] for m in report.manifests] == [1, 0, 0]
    assert len(report.exceptions) == 1
    exception = report.exceptions[0]
    assert exception["parcel_no"] == held.parcel_no and exception["what"] == "held"
    assert exception["note"] == "label torn" and exception["station"] == "GD03"
    assert exception["what_label"] == "held as a problem parcel"  # the status as people read it
    assert report.totals["registered_outbound"] == 6
    assert report.totals["overdue_inbound"] == 1


def test_daily_report_of_another_day_and_a_bad_date(sample_network, pinned):
    report = reports.daily_report(sample_network, "2026-11-01")
    assert report.day == date(2026, 11, 1) and report.registered == [] and report.moves == []
    with pytest.raises(InvalidInput, match="is not a date"):
        reports.daily_report(sample_network, "1 November")
