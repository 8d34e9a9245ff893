"""Sample parcels in the database: the seeded generator's days, inserted in bulk.

Each day is one transaction (a crash leaves whole days), inserted with SQLAlchemy Core
executemany: the day's parcels first, then their ids read back by hub parcel id, then the
events. A day that already holds this seed's parcels is skipped, so running the same
command again after an interruption completes what is missing.
"""

from __future__ import annotations

import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, insert, select
from sqlmodel import Session

from logistics.domain import clock, parcel_ids
from logistics.domain.clock import Day
from logistics.domain.parcel_status import Direction
from logistics.errors import InvalidInput, RuleBroken
from logistics.i18n import _
from logistics.models import (
    Courier,
    CourierExcludedProvince,
    CourierTariff,
    Hub,
    Parcel,
    ParcelEvent,
    Station,
)
from logistics.sample.generator import (
    HISTORY,
    PEAKS,
    TODAY,
    CourierSpec,
    DayBatch,
    Peak,
    SampleGenerator,
    StationSpec,
    double11_of,
    peak_named,
)
from logistics.services.network import current_hub

MAX_DAYS = 3660
SAMPLE_MARK = "sample data"
"""The note on the first event of every parcel the sample commands make: the mark by
which :func:`refuse_real_data` tells a sample-made hub from one with real parcels."""

_PARCELS = Parcel.__table__
_EVENTS = ParcelEvent.__table__


@dataclass(frozen=True)
class GenerateSummary:
    """What a sample run made."""

    first_day: date
    last_day: date
    days: int  # days generated (skipped ones not counted)
    skipped_days: int  # days that already held this seed's parcels
    parcels: int
    outbound: int
    inbound: int
    events: int
    seconds: float
    today: bool
    peak: Peak | None = None  # the peak week asked for

    @property
    def parcels_per_second(self) -> float:
        return self.parcels / self.seconds if self.seconds > 0 else 0.0


def generate(
    session: Session,
    days: int | None,
    seed: int,
    start: date | Day | None = None,
    today: bool = False,
    progress: Callable[[int, int], None] | None = None,
    *,
    parcels_per_day: float | None = None,
    peak: str | None = None,
    peak_day: date | Day | None = None,
) -> GenerateSummary:
    """Make ``days`` days of sample parcels (30 when None; ending yesterday unless
    ``start`` is given).

    ``today=True`` makes one day, the hub's today (or ``start``), in TODAY mode: outbound
    parcels registered and waiting at the stations, inbound ones arrived at the hub;
    ``days`` is then ignored. History days get whole lives, cut at the present moment.
    ``start`` is a date or a day as the operator typed it (resolved in the hub's zone).
    ``progress(done, total)`` is called after each day is committed.

    ``peak="double11"`` makes a peak week (``logistics.sample.generator.Peak``) around
    ``peak_day``: by default the latest 11 November whose week is over, and its seven
    days unless ``start``/``days`` say otherwise. With ``today`` the day made is ``start``
    if given, else the peak day (``peak_day``, else today); it must lie in the week.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInput(
            _("The seed must be a whole number of 0 or more, got {seed}.").format(seed=repr(seed))
        )
    if peak is not None:
        named = peak_named(peak)
        if named is None:
            raise InvalidInput(
                _("There is no peak called '{peak}': expected {known}.").format(
                    peak=peak, known=", ".join(PEAKS)
                )
            )
        peak = named
    if days is not None and not today and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("The number of days must be between 1 and {most}, got {days}.").format(
                most=MAX_DAYS, days=days
            )
        )
    if parcels_per_day is not None and parcels_per_day < 0:
        raise InvalidInput(
            _("Parcels per day must be 0 or more, got {n}.").format(n=parcels_per_day)
        )
    hub, generator, station_ids, courier_ids = _network(session, seed, parcels_per_day)
    refuse_real_data(session)
    tz = clock.zone(hub.timezone)
    now = clock.utcnow()
    given = None if start is None else clock.parse_day(start, tz)
    week = None
    if peak is not None:
        on = None if peak_day is None else clock.parse_day(peak_day, tz)
        if today:
            week = Peak(on or given or clock.local_today(tz), peak)
        else:
            week = Peak(on or double11_of(clock.local_today(tz)), peak)
        generator.peak = week
    if today:
        first, count, mode = given or (week.day if week else clock.local_today(tz)), 1, TODAY
        if week is not None and week.factors(first) is None:
            raise InvalidInput(
                _(
                    "{day} is outside the peak week {first} to {last}: give a day in it, or "
                    "leave --start out to make the peak day itself."
                ).format(day=first, first=week.first, last=week.first + timedelta(week.length - 1))
            )
        if first > clock.local_today(tz):  # its parcels would be registered now, not on it
            raise InvalidInput(
                _(
                    "--today makes the parcels waiting now: --date or --start can be today "
                    "or an earlier day, not {day}."
                ).format(day=first)
            )
    elif week is not None:
        first, count, mode = given or week.first, days or week.length, HISTORY
    else:
        days = days or 30
        first, count, mode = given or clock.local_today(tz) - timedelta(days=days), days, HISTORY
    if today and _day_has_parcels(session, first):
        session.commit()
        return GenerateSummary(first, first, 0, 1, 0, 0, 0, 0, 0.0, today, week)
    session.commit()  # end the reading transaction; each day is its own

    began = timer.perf_counter()
    made = skipped = parcels = outbound = events = 0
    restore = _bulk_settings(session) if count > 1 else {}
    for k in range(count):
        batch = generator.day(first + timedelta(days=k), mode, now)
        try:
            if restore:
                _apply(session, _BULK_PRAGMAS)
            if _already_loaded(session, batch):
                skipped += 1
            else:
                _insert_day(session, batch, station_ids, courier_ids)
                made += 1
                parcels += batch.n_parcels
                outbound += int((batch.parcels["direction"] == Direction.OUTBOUND.value).sum())
                events += batch.n_events
            session.commit()
        except BaseException:
            session.rollback()
            raise
        if progress is not None:
            progress(k + 1, count)
    if restore:
        _apply(session, restore)
        session.commit()
    return GenerateSummary(
        first_day=first,
        last_day=first + timedelta(days=count - 1),
        days=made,
        skipped_days=skipped,
        parcels=parcels,
        outbound=outbound,
        inbound=parcels - outbound,
        events=events,
        seconds=timer.perf_counter() - began,
        today=today,
        peak=week,
    )


def _network(
    session: Session, seed: int, parcels_per_day: float | None
) -> tuple[Hub, SampleGenerator, np.ndarray, np.ndarray]:
    hub = current_hub(session)
    stations = (
        session.exec(
            select(Station)
            .where(Station.hub_id == hub.id, Station.active.is_(True))
            .order_by(Station.id)
        )
        .scalars()
        .all()
    )
    couriers = (
        session.exec(select(Courier).where(Courier.active.is_(True)).order_by(Courier.id))
        .scalars()
        .all()
    )
    if not stations or not couriers:
        if not stations:
            sentence = _(
                "Hub {hub} has no active stations: add stations and couriers before "
                "making sample parcels (hub init --sample loads the sample township)."
            )
        else:
            sentence = _(
                "Hub {hub} has no active couriers: add stations and couriers before "
                "making sample parcels (hub init --sample loads the sample township)."
            )
        raise RuleBroken(sentence.format(hub=hub.code))
    tariffs: dict[int, dict[str, tuple[int, int]]] = {}
    for row in session.exec(select(CourierTariff)).scalars():
        tariffs.setdefault(row.courier_id, {})[row.province_code] = (
            row.first_kg_fen,
            row.extra_kg_fen,
        )
    excluded: dict[int, set[str]] = {}
    for row in session.exec(select(CourierExcludedProvince)).scalars():
        excluded.setdefault(row.courier_id, set()).add(row.province_code)

    station_specs = [
        StationSpec(
            code=s.code,
            households=s.households,
            opens=s.opens,
            closes=s.closes,
            village=s.village,
            retention_days=s.retention_days or hub.retention_days or 7,
        )
        for s in stations
    ]
    courier_specs = [
        CourierSpec(
            code=c.code,
            daily_capacity=c.daily_capacity,
            tracking_pattern=c.tracking_pattern,
            cutoff=c.cutoff,
            volumetric_divisor=c.volumetric_divisor,
            weight_step_g=c.weight_step_g,
            max_weight_g=c.max_weight_g,
            tariff=tariffs.get(c.id),
            excluded=frozenset(excluded.get(c.id, ())),
        )
        for c in couriers
    ]
    generator = SampleGenerator(
        station_specs,
        courier_specs,
        seed,
        hub.timezone or clock.DEFAULT_TIMEZONE,
        hub_code=hub.code,
        parcels_per_day=parcels_per_day,
    )
    station_ids = np.array([s.id for s in stations], dtype=np.int64)
    courier_ids = np.array([c.id for c in couriers], dtype=np.int64)
    return hub, generator, station_ids, courier_ids


# A bigger page cache keeps a day's dirty pages in memory until it commits (instead of
# spilling them to the WAL and writing them again), and rarer checkpoints mean fewer fsyncs.
_BULK_PRAGMAS = {"cache_size": -131072, "wal_autocheckpoint": 16384}


def _bulk_settings(session: Session) -> dict[str, int]:
    """The SQLite settings to put back after a bulk load (empty on other databases)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return {}
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in _BULK_PRAGMAS}
    session.commit()
    return before


def _apply(session: Session, pragmas: dict[str, int]) -> None:
    conn = session.connection()
    for name, value in pragmas.items():
        conn.exec_driver_sql(f"PRAGMA {name}={int(value)}")


def refuse_real_data(session: Session) -> None:
    """RuleBroken when the database holds a parcel the sample commands did not make:
    sample parcels go only into an empty hub or one made by the sample commands, where
    they can never be mistaken for real ones (or leave real ones inconsistent)."""
    first_event = (
        select(_EVENTS.c.id)
        .where(
            _EVENTS.c.parcel_id == _PARCELS.c.id,
            _EVENTS.c.from_status.is_(None),
            _EVENTS.c.note == SAMPLE_MARK,
        )
        .exists()
    )
    real = (
        session.connection()
        .execute(
            select(_PARCELS.c.parcel_no)
            .where(_PARCELS.c.hub_id == current_hub(session).id, ~first_event)
            .limit(1)
        )
        .scalar()
    )
    if real is not None:
        raise RuleBroken(
            _(
                "This hub holds real parcels (such as {parcel}): sample parcels go only "
                "into an empty hub or one made by the sample commands; use a new database "
                "(hub --db sample.db init --sample) or `hub demo`."
            ).format(parcel=real)
        )


def _day_has_parcels(session: Session, day: date) -> bool:
    """Whether ``day`` already holds parcels registered or arrived on it (of any seed)."""
    found = session.connection().execute(
        select(_PARCELS.c.id)
        .where(_PARCELS.c.hub_id == current_hub(session).id, _PARCELS.c.registered_on == day)
        .limit(1)
    )
    return found.first() is not None


def _already_loaded(session: Session, batch: DayBatch) -> bool:
    ref = batch.first_order_ref()
    if ref is None:
        return False
    found = session.connection().execute(
        select(_PARCELS.c.id)
        .where(_PARCELS.c.hub_id == current_hub(session).id, _PARCELS.c.order_ref == ref)
        .limit(1)
    )
    return found.first() is not None


def _optional(values: np.ndarray) -> list[int | None]:
    return [None if v < 0 else v for v in values.tolist()]


def _insert_day(
    session: Session, batch: DayBatch, station_ids: np.ndarray, courier_ids: np.ndarray
) -> None:
    n = batch.n_parcels
    if n == 0:
        return
    conn = session.connection()
    cols = batch.parcels
    hub_id = current_hub(session).id
    # every row of the day is the hub's: one value broadcast over the day's rows
    of_hub = np.full(n, hub_id, dtype=np.int64)

    # Hub parcel ids continue after the highest of each registration day.
    registered_on = cols["registered_on"]
    numbers = np.empty(n, dtype=object)
    groups: list[tuple[str, str, np.ndarray]] = []
    for value in np.unique(registered_on):
        day: date = value.item()
        idx = np.flatnonzero(registered_on == value)
        low = parcel_ids.parcel_no_prefix(day)
        high = low[:-1] + chr(ord(low[-1]) + 1)  # 'P20261123.' sorts right after the day
        top = conn.execute(
            select(func.max(_PARCELS.c.parcel_no)).where(
                _PARCELS.c.hub_id == hub_id,
                _PARCELS.c.parcel_no >= low,
                _PARCELS.c.parcel_no < high,
            )
        ).scalar()
        first = parcel_ids.parse_parcel_no(top).seq + 1 if top else 1
        parcel_ids.check_room(day, first - 1, len(idx))
        numbers[idx] = [f"{low}{seq:05d}" for seq in range(first, first + len(idx))]
        groups.append((numbers[idx[0]], numbers[idx[-1]], idx))

    courier = cols["courier"]
    courier_id = np.where(courier >= 0, courier_ids[np.maximum(courier, 0)], -1)
    _insert(
        conn,
        _PARCELS,
        {
            "hub_id": of_hub,
            "parcel_no": numbers,
            "tracking_no": cols["tracking_no"],
            "order_ref": cols["order_ref"],
            "direction": cols["direction"],
            "station_id": station_ids[cols["station"]],
            "sender_name": cols["sender_name"],
            "sender_phone": cols["sender_phone"],
            "recipient_name": cols["recipient_name"],
            "recipient_phone": cols["recipient_phone"],
            "province_code": cols["province_code"],
            "city": cols["city"],
            "address": cols["address"],
            "weight_g": cols["weight_g"],
            "length_cm": cols["length_cm"].astype(float),
            "width_cm": cols["width_cm"].astype(float),
            "height_cm": cols["height_cm"].astype(float),
            "category": cols["category"],
            "courier_id": courier_id,
            "courier_fixed": cols["courier_fixed"],
            "status": cols["status"],
            "held_from": cols["held_from"],
            "registered_at": cols["registered_at"],
            "registered_on": registered_on,
            "status_at": cols["status_at"],
            "chargeable_g": cols["chargeable_g"],
            "fee_fen": cols["fee_fen"],
        },
        optional=("courier_id", "chargeable_g", "fee_fen"),
    )

    ids = np.empty(n, dtype=np.int64)
    for first_no, last_no, idx in groups:
        rows = conn.execute(
            select(_PARCELS.c.id)
            .where(
                _PARCELS.c.hub_id == hub_id,
                _PARCELS.c.parcel_no >= first_no,
                _PARCELS.c.parcel_no <= last_no,
            )
            .order_by(_PARCELS.c.parcel_no)
        ).all()
        if len(rows) != len(idx):
            raise RuleBroken(
                _(
                    "Parcels {first} to {last} were changed by someone else while the "
                    "sample was being written: run the command again."
                ).format(first=first_no, last=last_no)
            )
        ids[idx] = [row[0] for row in rows]

    ev = batch.events
    _insert(
        conn,
        _EVENTS,
        {
            "hub_id": np.full(len(ev["parcel"]), hub_id, dtype=np.int64),
            "parcel_id": ids[ev["parcel"]],
            "at": ev["at"],
            "action": ev["action"],
            "from_status": ev["from_status"],
            "to_status": ev["to_status"],
            "place": ev["place"],
            "operator": ev["operator"],
            "note": np.where(
                np.equal(ev["from_status"], None) & np.equal(ev["note"], None),
                SAMPLE_MARK,
                ev["note"],
            ),
        },
    )


def _insert(conn, table, columns: dict[str, np.ndarray], optional: tuple[str, ...] = ()) -> None:
    """executemany of column arrays; datetime64/int arrays become what the driver takes.

    On SQLite the values are formatted in bulk exactly as SQLAlchemy stores them (checked
    against the column type's own bind processor) and sent straight to the driver, which is
    several times faster than letting SQLAlchemy process every parameter of every row. On
    PostgreSQL with psycopg the rows are streamed with COPY in the same transaction;
    elsewhere they go through a Core ``insert()`` executemany.
    """
    if conn.dialect.name == "sqlite" and _sqlite_formats_match(conn.dialect):
        lists = [_sqlite_values(name, values, name in optional) for name, values in columns.items()]
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(zip(*lists, strict=True))
        )
        return
    lists = [
        _python_values(table.c[name], values, name in optional) for name, values in columns.items()
    ]
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in zip(*lists, strict=True):
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    keys = list(columns)
    rows = [dict(zip(keys, row, strict=True)) for row in zip(*lists, strict=True)]
    conn.execute(insert(table), rows)


def _python_values(column, values: np.ndarray, optional: bool) -> list:
    if values.dtype.kind == "M":
        if np.datetime_data(values.dtype)[0] == "D":
            return values.tolist()
        return values.astype("datetime64[us]").tolist()
    if optional:
        return _optional(values)
    return values.tolist()


def _sqlite_values(name: str, values: np.ndarray, optional: bool) -> list:
    if values.dtype.kind == "M":
        if np.datetime_data(values.dtype)[0] == "D":
            return np.datetime_as_string(values, unit="D").tolist()
        text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
        return np.char.replace(text, "T", " ").tolist()
    if values.dtype.kind == "b":
        return values.astype(np.int64).tolist()
    if optional:
        return _optional(values)
    return values.tolist()


_SQLITE_CHECKED: dict[int, bool] = {}


def _sqlite_formats_match(dialect) -> bool:
    """True when bulk-formatted times and dates equal what SQLAlchemy would store."""
    key = id(dialect)
    if key not in _SQLITE_CHECKED:
        moment = np.array(["2026-11-23T08:05:09.123456"], dtype="datetime64[us]")
        day = np.array(["2026-11-23"], dtype="datetime64[D]")
        ok = True
        for column, sample in (
            (_PARCELS.c.registered_at, moment),
            (_PARCELS.c.status_at, moment),
            (_EVENTS.c.at, moment),
            (_PARCELS.c.registered_on, day),
        ):
            process = column.type._cached_bind_processor(dialect)
            python = _python_values(column, sample, False)[0]
            expected = process(python) if process else python
            ok = ok and expected == _sqlite_values(column.name, sample, False)[0]
        _SQLITE_CHECKED[key] = ok
    return _SQLITE_CHECKED[key]


def generate_county(
    session: Session,
    days: int | None,
    seed: int,
    progress: Callable[[str, int, int], None] | None = None,
    **options,
) -> list[tuple[str, int, GenerateSummary]]:
    """:func:`generate` in every hub of the database, one after the other (the sample
    county: ``hub init --sample county``); returns (hub code, seed, summary) per hub.

    The k-th hub set up gets ``seed + k``, so the first keeps the township's parcels and
    no two hubs share tracking numbers or order references. ``progress(code, done,
    total)`` is called after each day; ``options`` are :func:`generate`'s."""
    from logistics.models import scope

    scope.leave(session)
    hubs = session.exec(select(Hub.id, Hub.code).order_by(Hub.id)).all()
    session.commit()
    made = []
    for k, (hub_id, code) in enumerate(hubs):
        scope.scope_to(session, hub_id)
        step = None
        if progress is not None:
            step = (lambda c: lambda finished, total: progress(c, finished, total))(code)
        made.append((code, seed + k, generate(session, days, seed + k, progress=step, **options)))
    scope.leave(session)
    return made
