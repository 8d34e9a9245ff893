"""The scan session: one code at a time, each accepted scan committed before it is answered.

A :class:`ScanSession` is opened for one action (collect, arrive, hold, ...), an
operator and optionally a station (collection and at-station scans) and a round (noted
on the events). :meth:`ScanSession.scan` takes one code (hub parcel id or tracking
number) and returns a :class:`ScanResult`:

* ``done``: the parcel moved; the event is committed when the result is returned;
* ``already``: the parcel was already in that state; nothing changed, nothing logged;
* ``refused``: the scan does not fit (the status machine's sentence naming the parcel,
  its state and what is allowed next), or the code names no parcel.

Each scan runs in its own short transaction with the parcel row locked (SQLite's
BEGIN IMMEDIATE, PostgreSQL's SELECT ... FOR UPDATE) and read afresh, so a parcel
changed by another operator a moment ago is read as it is now: several operators
scanning the same parcels at once never lose or double an event. One connection serves
the whole scan session (no transaction is open between scans); a scan reads and writes
with Core statements on it, so nothing of one scan is kept for the next.

An inbound arrival scan (``arrive-inbound``) of a tracking number the hub does not know
creates the inbound parcel when the session has a station (the recipient's station):
the courier is detected from the number, the weight left at 0 until it is weighed.

An inbound parcel scanned ``at-station`` gets its pickup code (取件码, ``3-2-1045``,
``logistics.domain.pickup_codes``) in the same transaction, and the answer says it. At a
station (a session with a station) a pickup code names the parcel waiting there under
it, so a keeper may scan ``picked-up`` by the code the villager shows; without a station
a pickup code is refused, since every station has its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import RootTransaction
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from logistics.db import BUSY_SENTENCE, is_busy
from logistics.domain import parcel_status, pickup_codes, round_status
from logistics.domain.parcel_ids import classify_code
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.domain.verdicts import ScanVerdict
from logistics.errors import HubError, InvalidInput, NotFound, RuleBroken
from logistics.i18n import _
from logistics.models import RoundStop, Station, scope
from logistics.services.network import current_hub, station_by_code
from logistics.services.parcel_events import (
    ParcelState,
    find_parcel,
    give_pickup_code,
    gives_pickup_code,
    lock_parcel_by_pickup_code,
    lock_parcel_state,
    write_step,
)
from logistics.services.round_lookup import get_round

# Kept for callers that import them from here (benchmarks/scan_session.py).
DONE, ALREADY, REFUSED = ScanVerdict.DONE, ScanVerdict.ALREADY, ScanVerdict.REFUSED

#: Actions whose scans happen at a station (the place recorded is the station).
STATION_ACTIONS = frozenset({Action.COLLECT, Action.AT_STATION, Action.PICKED_UP, Action.RETURN})


@dataclass(frozen=True, slots=True)
class ScanResult:
    code: str
    verdict: ScanVerdict
    message: str
    parcel_no: str | None = None
    status: Status | None = None
    pickup_code: str | None = None

    @property
    def accepted(self) -> bool:
        return self.verdict is not ScanVerdict.REFUSED


@dataclass
class ScanSession:
    """Scans of one action by one operator; see the module's description."""

    engine: Engine
    action: Action
    operator: str
    station: str | None = None
    round_ref: str | None = None
    # The hub's code (--hub) when the database holds several; else the only hub.
    hub: str | None = None
    tally: Counter = field(default_factory=Counter)
    _hub_id: int | None = field(default=None, init=False)
    _station_id: int | None = field(default=None, init=False)
    _hub_code: str | None = field(default=None, init=False)
    _station_codes: dict[int, str] = field(default_factory=dict, init=False, repr=False)
    _connection: Connection = field(init=False, repr=False)
    _session: Session = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.action, Action):
            self.action = parcel_status.parse_action(self.action)
        if self.action not in parcel_status.SCAN_ACTIONS:
            raise parcel_status.not_a_scan_action(self.action.value)
        # One connection and one database session for every scan: each scan is still its
        # own transaction (begun by its first statement, committed before the answer).
        self._connection = self.engine.connect()
        self._session = Session(self._connection, expire_on_commit=False)
        try:
            self._open()
        except BaseException:
            self.close()  # refused before any scan: nothing is kept open
            raise

    def _open(self) -> None:
        """The hub, the station and the round of the session, read and checked once."""
        with self._session.begin():
            session = self._session
            scope.enter(session, self.hub)
            hub = current_hub(session)
            self._hub_code, self._hub_id = hub.code, hub.id
            self._station_codes = dict(session.exec(select(Station.id, Station.code)).all())
            if self.station:
                found = station_by_code(session, self.station)
                self.station, self._station_id = found.code, found.id
            elif self.action is Action.COLLECT:
                raise InvalidInput(
                    _("A collection scan needs --station CODE: the station the van is at.")
                )
            if self.round_ref is not None:
                self.round_ref = self._round_on_the_road(session)
        self._session.expunge_all()

    def _round_on_the_road(self, session: Session) -> str:
        """The number of the round the scans are noted on, checked before any scan: it
        exists, it is started (not planned, not finished) and, for a scan at a station,
        it stops there. A scan noted on another round would count on none at its finish."""
        rnd = get_round(session, self.round_ref)
        round_status.check_scan(rnd.status, round_no=rnd.round_no)
        if self._station_id is not None and self.action in STATION_ACTIONS:
            stop = session.exec(
                select(RoundStop.id).where(
                    RoundStop.round_id == rnd.id, RoundStop.station_id == self._station_id
                )
            ).first()
            if stop is None:
                raise RuleBroken(
                    _(
                        "Round {round} does not stop at station {station}: scan with the "
                        "round whose van is there (`hub round show {round}` lists its stops)."
                    ).format(round=rnd.round_no, station=self.station)
                )
        return rnd.round_no

    def close(self) -> None:
        """Give the connection back (a scan session dropped without closing gives it back
        when it is garbage-collected)."""
        self._session.close()
        self._connection.close()

    def __enter__(self) -> ScanSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def note(self) -> str | None:
        """The note kept on each event, in English as stored (shown translated by
        ``logistics.services.parcels.note_text``)."""
        return f"round {self.round_ref}" if self.round_ref else None

    def _place_of(self, parcel: ParcelState) -> str | None:
        """Where the scan happens: the station for a station action (the session's, else
        the parcel's own: a keeper may scan without --station), else the hub."""
        if self.action in STATION_ACTIONS:
            return self.station or self._station_codes.get(parcel.station_id, self._hub_code)
        return self._hub_code

    @property
    def refused(self) -> int:
        return self.tally[ScanVerdict.REFUSED]

    def scan(self, code: str) -> ScanResult:
        """Scan one code; an accepted scan is committed before this returns."""
        code = (code or "").strip()
        if not code:
            result = ScanResult(
                code, ScanVerdict.REFUSED, _("An empty code was scanned: expected a parcel id.")
            )
        else:
            try:
                pickup = pickup_codes.parse(code)
                if pickup is not None:
                    result = self._scan_pickup_code(str(pickup))
                else:
                    result = self._scan(classify_code(code).value, typed=code)
            except HubError as error:
                result = ScanResult(code, ScanVerdict.REFUSED, str(error))
            except OperationalError as error:
                if not is_busy(error):
                    raise
                busy = _("{code}: {problem}").format(code=code, problem=_(BUSY_SENTENCE))
                result = ScanResult(code, ScanVerdict.REFUSED, busy)
        self.tally[result.verdict] += 1
        return result

    def _scan(self, code: str, *, typed: str | None = None) -> ScanResult:
        # The common scan runs on the bare connection (Core statements, no ORM objects):
        # the ORM's bookkeeping was most of a scan's time.
        connection = self._connection
        with connection.begin() as transaction:  # rolled back on any exception
            try:
                parcel = lock_parcel_state(connection, code, self._hub_id, typed=typed)
            except NotFound:
                if self.action is not Action.ARRIVE_INBOUND:
                    raise
            else:
                return self._step(connection, transaction, parcel, code)
        return self._arrive_unknown(code)  # the empty transaction above has ended

    def _scan_pickup_code(self, code: str) -> ScanResult:
        """A pickup code names the parcel waiting under it at the session's station."""
        if self._station_id is None:
            raise InvalidInput(
                _(
                    "{code} is a pickup code: each station has its own, so scan it with "
                    "--station CODE (the station the parcel waits at)."
                ).format(code=code)
            )
        connection = self._connection
        with connection.begin() as transaction:  # rolled back on any exception
            parcel = lock_parcel_by_pickup_code(connection, self._station_id, self.station, code)
            return self._step(connection, transaction, parcel, code)

    def _step(
        self,
        connection: Connection,
        transaction: RootTransaction,
        parcel: ParcelState,
        code: str,
    ) -> ScanResult:
        label = parcel.parcel_no
        # The step first: "an inbound parcel cannot be collected" says the real mistake
        # where "it belongs to another station" would send the keeper looking for it.
        outcome = parcel_status.apply(
            parcel.direction, parcel.status, self.action, parcel.held_from, label=label
        )
        if (
            self._station_id is not None
            and self.action in STATION_ACTIONS
            and parcel.station_id != self._station_id
        ):
            other = self._station_codes.get(parcel.station_id, "?")
            raise RuleBroken(
                _(
                    "Parcel {parcel} belongs to station {other}, not {station}: "
                    "it cannot be {action} here."
                ).format(parcel=label, other=other, station=self.station, action=self.action.phrase)
            )
        if not outcome.changed:
            transaction.rollback()
            return ScanResult(
                code, ScanVerdict.ALREADY, outcome.describe(label), label, outcome.status
            )
        write_step(
            connection,
            parcel.id,
            outcome,
            operator=self.operator,
            place=self._place_of(parcel),
            note=self.note,
        )
        pickup_code = None
        message = outcome.describe(label)
        if gives_pickup_code(outcome):
            pickup_code = give_pickup_code(connection, parcel.id)
            message = _("Parcel {parcel} is now {state}, pickup code {code}.").format(
                parcel=label, state=outcome.status.label, code=pickup_code
            )
        transaction.commit()
        return ScanResult(code, ScanVerdict.DONE, message, label, outcome.status, pickup_code)

    def _arrive_unknown(self, code: str) -> ScanResult:
        """An inbound arrival of a code the hub did not know a moment ago: register it, or
        scan it as usual if another operator registered it meanwhile."""
        session = self._session
        try:
            try:
                find_parcel(session, code, for_update=True)
            except NotFound:
                return self._create_inbound(session, code)
        finally:
            # committed or not, nothing of this scan is kept for the next one
            if session.in_transaction():
                session.rollback()
            session.expunge_all()
        return self._scan(code)

    def _create_inbound(self, session: Session, code: str) -> ScanResult:
        from logistics.domain.parcel_rows import ParcelSpec
        from logistics.domain.tracking_numbers import check, normalize_tracking_no
        from logistics.services.parcels import insert_parcels, load_network

        if self.station is None:
            raise NotFound(
                _(
                    "No parcel has the tracking number '{code}': import the courier's "
                    "list first, or scan with --station CODE to register it for that station."
                ).format(code=code.upper())
            )
        network = load_network(session)
        number = normalize_tracking_no(code)
        courier_code = check(number, None, network.rules._compiled)
        spec = ParcelSpec(
            direction=Direction.INBOUND,
            station_code=self.station,
            weight_g=0,
            courier_code=courier_code,
            tracking_no=number,
        )
        (parcel_no,) = insert_parcels(
            session,
            network,
            [spec],
            operator=self.operator,
            note=self.note or "registered by an arrival scan",
        )
        session.commit()
        return ScanResult(
            code,
            ScanVerdict.DONE,
            _(
                "Parcel {parcel} ({tracking_no}, {courier}) is now arrived at the hub, "
                "for station {station}."
            ).format(
                parcel=parcel_no, tracking_no=number, courier=courier_code, station=self.station
            ),
            parcel_no,
            Status.ARRIVED_HUB,
        )


def open_scan_session(
    url: str,
    action: str | Action,
    *,
    operator: str,
    station: str | None = None,
    round_ref: str | None = None,
    hub: str | None = None,
) -> ScanSession:
    """A scan session on the database at ``url`` (checked ready and current), on the
    hub coded ``hub`` (or the only one)."""
    from logistics.db import check_ready

    engine = check_ready(url)
    return ScanSession(engine, action, operator, station=station, round_ref=round_ref, hub=hub)


def scan_codes(
    session: Session,
    action: str | Action,
    codes: list[str],
    *,
    operator: str,
    station: str | None = None,
    round_ref: str | None = None,
) -> list[ScanResult]:
    """Scan several codes on the engine of ``session`` (each committed on its own)."""
    scanner = ScanSession(
        session.get_bind(),
        action,
        operator,
        station=station,
        round_ref=round_ref,
        hub=current_hub(session).code,
    )
    return [scanner.scan(code) for code in codes]
