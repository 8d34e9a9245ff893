"""A day at the sample township, end to end, through the same services the commands use.

Sets up the township, generates the day's parcels, plans the rounds, drives them
(collection scans with a few parcels left behind, so the reconciliation has something
to show), scans the arrivals, assigns couriers, builds, closes, load-checks and hands
over the manifests, then generates last month and reports on it.

Like every service it writes no file: the day's papers (round sheets, manifests as
closed, a sheet of labels, last month's report) come back as documents in
:class:`DemoPapers`, and ``logistics.io.demo_papers`` writes them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from logistics import db
from logistics.domain.clock import local_today, month_bounds, running_from, zone
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.errors import RuleBroken
from logistics.i18n import N_, _
from logistics.io.pdf.labels import LabelSheet
from logistics.io.pdf.manifest import ManifestDocument
from logistics.io.pdf.round_sheet import RoundSheetDocument
from logistics.models import Courier, Parcel, Round, Station
from logistics.services import (
    assignment,
    manifests,
    network,
    planning,
    reports,
    round_finish,
    rounds,
    sample,
    scanning,
    setup,
)

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``step`` is one of the steps below, in English (the
catalog key); whoever shows it translates it with ``_()``."""

GENERATING_TODAY = N_("Generating today's parcels")

#: The hour the demo's day starts at, whatever the hour it is run at: before the vans'
#: shifts, so the whole day is planned and driven (at 16:00 a plan of today is refused).
DEMO_MORNING = time(6, 30)
PLANNING = N_("Planning the rounds")
DRIVING = N_("Driving the rounds")
ARRIVING = N_("Scanning arrivals at the hub")
ASSIGNING = N_("Assigning couriers")
HANDING_OVER = N_("Closing and handing over manifests")
GENERATING_MONTH = N_("Generating last month")
REPORTING = N_("Reporting on last month")

# One outbound parcel in this many is "not found" at its station when the van calls.
LEFT_BEHIND_ONE_IN = 150
DRIVERS = ("王师傅", "李师傅", "张师傅", "刘师傅", "陈师傅", "杨师傅", "赵师傅", "黄师傅")


@dataclass
class DemoPapers:
    """What the day printed, as documents, in the order it printed them."""

    round_sheets: list[RoundSheetDocument] = field(default_factory=list)
    manifests: list[ManifestDocument] = field(default_factory=list)
    """Each manifest as it was closed, before its load check (the paper the driver signs)."""
    labels: LabelSheet | None = None
    month: reports.MonthlyReport | None = None


@dataclass
class DemoDay:
    url: str
    day: date
    generated: sample.GenerateSummary
    plan: planning.PlanSummary
    finished: list[round_finish.FinishResult] = field(default_factory=list)
    collected: int = 0
    left_behind: int = 0
    arrived: int = 0
    dropped_at_stations: int = 0
    assignment: assignment.AssignmentRun | None = None
    handed_over: list[manifests.HandoverResult] = field(default_factory=list)
    month: reports.MonthlyReport | None = None
    month_generated: sample.GenerateSummary | None = None
    papers: DemoPapers = field(default_factory=DemoPapers)


def run_day(
    url: str,
    *,
    operator: str,
    seed: int = 2026,
    progress: Progress | None = None,
    with_month: bool = True,
) -> DemoDay:
    """Run the sample township's day on the database at ``url``, which must hold nothing
    (see :func:`refuse_unless_empty`): the demo never touches a hub's own data."""
    refuse_unless_empty(url)
    tick = progress or (lambda _step, _done, _total: None)
    setup.initialise(url, sample=True)
    with db.session_scope(url) as session:
        tz = zone(network.current_hub(session).timezone)
        day = local_today(tz)
        with running_from(datetime.combine(day, DEMO_MORNING), tz):
            return _the_day(session, url, day, operator, seed, tick, with_month)


def _the_day(session, url, day, operator, seed, tick, with_month) -> DemoDay:
    """The day itself, from the morning's parcels to the manifests handed over."""
    tick(GENERATING_TODAY, 0, 1)
    generated = sample.generate(session, 1, seed, start=day, today=True)
    tick(GENERATING_TODAY, 1, 1)

    tick(PLANNING, 0, 1)
    plan = planning.plan_day(session, day)
    tick(PLANNING, 1, 1)
    result = DemoDay(db.describe(url), day, generated, plan)

    _drive_rounds(session, url, result, operator=operator, seed=seed, tick=tick)
    _arrive_at_hub(session, url, result, operator=operator, tick=tick)

    tick(ASSIGNING, 0, 1)
    result.assignment = assignment.assign_day(session, day, operator=operator)
    tick(ASSIGNING, 1, 1)

    _manifests(session, result, operator=operator, tick=tick)
    if with_month:
        _month(session, result, seed=seed, tick=tick)
    return result


def refuse_unless_empty(url: str) -> None:
    """RuleBroken when the database at ``url`` holds any row, in any table: the demo makes
    up parcels, plans, drives rounds and hands manifests over, so it runs only on a
    database that does not exist yet or holds nothing at all, however it was named."""
    from sqlalchemy import inspect, text

    path = db.sqlite_path(url)
    if path is not None and not path.exists():
        return
    engine = db.make_engine(url)
    if db.is_sqlite(url):
        engine = engine.execution_options(sqlite_begin="DEFERRED")
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        quote = connection.dialect.identifier_preparer.quote
        for name in names:
            if name == "alembic_version":
                continue
            if connection.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first():
                raise RuleBroken(
                    _(
                        "The demo runs only on an empty database, and {database} holds data "
                        "(table {table}): run `hub demo` without --db, and it makes a "
                        "database of its own."
                    ).format(database=db.describe(url), table=name)
                )


def _drive_rounds(session: Session, url, result: DemoDay, *, operator, seed, tick) -> None:
    chance = random.Random(seed)
    planned = session.exec(
        select(Round.id, Round.round_no).where(Round.service_date == result.day).order_by(Round.id)
    ).all()
    stations = {s.id: s.code for s in session.exec(select(Station))}
    for number, (round_id, round_no) in enumerate(planned, start=1):
        tick(DRIVING, number - 1, len(planned))
        result.papers.round_sheets.append(rounds.sheet_document(session, round_no))
        rounds.start_round(session, round_no, operator=operator)
        on_round = session.exec(
            select(Parcel.parcel_no, Parcel.direction, Parcel.station_id)
            .where(Parcel.round_id == round_id)
            .order_by(Parcel.parcel_no)
        ).all()
        session.rollback()  # end the read: the scans below write on their own connection
        by_station: dict[tuple[Action, str], list[str]] = {}
        for parcel_no, direction, station_id in on_round:
            action = Action.COLLECT if direction == Direction.OUTBOUND else Action.AT_STATION
            if action is Action.COLLECT and chance.randrange(LEFT_BEHIND_ONE_IN) == 0:
                result.left_behind += 1
                continue
            by_station.setdefault((action, stations[station_id]), []).append(parcel_no)
        for (action, station), codes in by_station.items():
            scanner = scanning.open_scan_session(
                url, action, operator=operator, station=station, round_ref=round_no
            )
            accepted = sum(scanner.scan(code).accepted for code in codes)
            if action is Action.COLLECT:
                result.collected += accepted
            else:
                result.dropped_at_stations += accepted
        result.finished.append(round_finish.finish_round(session, round_no, operator=operator))
    tick(DRIVING, len(planned), len(planned))


def _arrive_at_hub(session: Session, url, result: DemoDay, *, operator, tick) -> None:
    collected = session.exec(
        select(Parcel.parcel_no).where(
            Parcel.status == Status.COLLECTED, Parcel.direction == Direction.OUTBOUND
        )
    ).all()
    session.rollback()
    scanner = scanning.open_scan_session(url, Action.ARRIVE, operator=operator)
    for number, code in enumerate(collected, start=1):
        result.arrived += scanner.scan(code).accepted
        if number % 200 == 0:
            tick(ARRIVING, number, len(collected))
    tick(ARRIVING, len(collected), len(collected))


def _manifests(session: Session, result: DemoDay, *, operator, tick) -> None:
    built = manifests.build_manifests(session, day=result.day, operator=operator)
    plates = {c.code: f"晋E·{c.id:02d}{c.code[:1]}88" for c in session.exec(select(Courier))}
    session.rollback()
    chosen = [m for m in built.manifests if m.parcels]
    for number, item in enumerate(chosen):
        tick(HANDING_OVER, number, len(chosen))
        manifests.close_manifest(session, item.manifest_no, operator=operator)
        result.papers.manifests.append(manifests.manifest_document(session, item.manifest_no))
        session.rollback()
        check = manifests.open_load_check(session, item.manifest_no, operator=item.courier_code)
        for code in manifests.members(session, manifests.get_manifest(session, item.manifest_no)):
            check.scan(code.tracking_no or code.parcel_no)
        session.rollback()
        result.handed_over.append(
            manifests.handover_manifest(
                session,
                item.manifest_no,
                driver=DRIVERS[number % len(DRIVERS)],
                plate=plates[item.courier_code],
                operator=operator,
            )
        )
    if chosen:
        first = manifests.get_manifest(session, chosen[0].manifest_no)
        codes = [p.parcel_no for p in manifests.members(session, first)[:6]]
        sheet = manifests.label_sheet(session, codes)
        manifests.note_labels_printed(session, sheet, operator=operator)
        result.papers.labels = sheet
    tick(HANDING_OVER, len(chosen), len(chosen))


def _month(session: Session, result: DemoDay, *, seed, tick) -> None:
    first_of_this_month = result.day.replace(day=1)
    month = f"{first_of_this_month - timedelta(days=1):%Y-%m}"
    first, following = month_bounds(month)

    def on_day(done: int, total: int) -> None:
        tick(GENERATING_MONTH, done, total)

    result.month_generated = sample.generate(
        session, (following - first).days, seed, start=first, progress=on_day
    )
    tick(REPORTING, 0, 1)
    result.month = result.papers.month = reports.monthly_report(session, month)
    tick(REPORTING, 1, 1)
