"""The parcel status machine: which scan or step may follow which state.

Outbound (a villager or shop sends a parcel)::

    registered -> collected -> at_hub -> manifested -> handed_over
    registered ------------> at_hub                      (walk-in: brought to the hub)

Inbound (bought online, the hub delivers to a village station)::

    arrived_hub -> out_for_delivery -> at_station -> picked_up
    arrived_hub ---------------------> at_station               (no dispatch scan made)
                                       at_station -> returned   (after the retention period)

Problem parcels: any state that is not final may be **held**; **release** returns
it to the state it was held from. Two decisions, documented here:

* Holding a *manifested* parcel takes it off its manifest (``Outcome.leaves_manifest``),
  so releasing it returns it to ``at_hub``, not to ``manifested``: the line-haul
  driver signs for what is on the manifest, and a held parcel is not loaded.
* **Cancel** is allowed from ``registered``, ``collected``, ``at_hub`` and ``held``
  but not from ``manifested``: a manifested parcel must first be taken off its
  manifest (``unmanifest``), so the printed manifest and the load stay in agreement.
  Inbound parcels cannot be cancelled (they belong to the courier; they are returned).

Final states: ``handed_over``, ``cancelled``, ``picked_up``, ``returned``.

A step that asks for the state the parcel is already in changes nothing and says so
(``Outcome.changed`` is False); a step that does not fit raises
:class:`~logistics.errors.RuleBroken` naming the parcel, its state and what is
allowed next.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn

from logistics.errors import InvalidInput, RuleBroken


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Status(StrEnum):
    # outbound
    REGISTERED = "registered"
    COLLECTED = "collected"
    AT_HUB = "at_hub"
    MANIFESTED = "manifested"
    HANDED_OVER = "handed_over"
    CANCELLED = "cancelled"
    # inbound
    ARRIVED_HUB = "arrived_hub"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AT_STATION = "at_station"
    PICKED_UP = "picked_up"
    RETURNED = "returned"
    # both
    HELD = "held"

    @property
    def label(self) -> str:
        """How the state reads in a sentence: ``at the hub``, ``on a manifest``..."""
        return _STATUS_LABELS[self]

    @classmethod
    def label_of(cls, stored: str) -> str:
        """The sentence words of a status as stored; an unknown value reads as itself.
        (Not ``stored in Status``: on Python 3.11 that raises TypeError for a str.)"""
        try:
            return cls(stored).label
        except ValueError:
            return stored


class Action(StrEnum):
    """What an operator scans (``collect`` ... ``return``) or a service does (the rest)."""

    COLLECT = "collect"
    ARRIVE = "arrive"
    HOLD = "hold"
    RELEASE = "release"
    CANCEL = "cancel"
    ARRIVE_INBOUND = "arrive-inbound"
    DISPATCH = "dispatch"
    AT_STATION = "at-station"
    PICKED_UP = "picked-up"
    RETURN = "return"
    # steps done by services, not typed as scans
    MANIFEST = "manifest"
    UNMANIFEST = "unmanifest"
    HANDOVER = "handover"

    @property
    def phrase(self) -> str:
        """The action as it reads after "cannot be": ``collected``, ``handed over``..."""
        return _ACTION_PHRASES[self]


_STATUS_LABELS = {
    Status.REGISTERED: "registered",
    Status.COLLECTED: "collected",
    Status.AT_HUB: "at the hub",
    Status.MANIFESTED: "on a manifest",
    Status.HANDED_OVER: "handed over to the courier",
    Status.CANCELLED: "cancelled",
    Status.ARRIVED_HUB: "arrived at the hub",
    Status.OUT_FOR_DELIVERY: "out for delivery",
    Status.AT_STATION: "at the station",
    Status.PICKED_UP: "picked up",
    Status.RETURNED: "returned",
    Status.HELD: "held as a problem parcel",
}

_ACTION_PHRASES = {
    Action.COLLECT: "collected",
    Action.ARRIVE: "scanned in at the hub",
    Action.HOLD: "held",
    Action.RELEASE: "released",
    Action.CANCEL: "cancelled",
    Action.ARRIVE_INBOUND: "scanned in as an inbound arrival",
    Action.DISPATCH: "dispatched",
    Action.AT_STATION: "scanned in at a station",
    Action.PICKED_UP: "picked up",
    Action.RETURN: "returned",
    Action.MANIFEST: "put on a manifest",
    Action.UNMANIFEST: "taken off a manifest",
    Action.HANDOVER: "handed over",
}

#: The action word of an outbound parcel's first event (it is registered, not scanned,
#: so it is no :class:`Action`); an inbound parcel's first event is ``arrive-inbound``.
REGISTER_ACTION = "register"

#: Actions an operator types after ``hub scan``, in the order help text lists them.
SCAN_ACTIONS: tuple[Action, ...] = (
    Action.COLLECT,
    Action.ARRIVE,
    Action.HOLD,
    Action.RELEASE,
    Action.CANCEL,
    Action.ARRIVE_INBOUND,
    Action.DISPATCH,
    Action.AT_STATION,
    Action.PICKED_UP,
    Action.RETURN,
)

FINAL: frozenset[Status] = frozenset(
    {Status.HANDED_OVER, Status.CANCELLED, Status.PICKED_UP, Status.RETURNED}
)

OUTBOUND_STATES: tuple[Status, ...] = (
    Status.REGISTERED,
    Status.COLLECTED,
    Status.AT_HUB,
    Status.MANIFESTED,
    Status.HANDED_OVER,
    Status.HELD,
    Status.CANCELLED,
)
INBOUND_STATES: tuple[Status, ...] = (
    Status.ARRIVED_HUB,
    Status.OUT_FOR_DELIVERY,
    Status.AT_STATION,
    Status.PICKED_UP,
    Status.RETURNED,
    Status.HELD,
)

# (direction, action) -> (states it may start from, the state it leads to).
# HOLD and RELEASE are handled separately (they depend on held_from).
_MOVES: dict[tuple[Direction, Action], tuple[frozenset[Status], Status]] = {
    (Direction.OUTBOUND, Action.COLLECT): (frozenset({Status.REGISTERED}), Status.COLLECTED),
    (Direction.OUTBOUND, Action.ARRIVE): (
        frozenset({Status.REGISTERED, Status.COLLECTED}),
        Status.AT_HUB,
    ),
    (Direction.OUTBOUND, Action.MANIFEST): (frozenset({Status.AT_HUB}), Status.MANIFESTED),
    (Direction.OUTBOUND, Action.UNMANIFEST): (frozenset({Status.MANIFESTED}), Status.AT_HUB),
    (Direction.OUTBOUND, Action.HANDOVER): (frozenset({Status.MANIFESTED}), Status.HANDED_OVER),
    (Direction.OUTBOUND, Action.CANCEL): (
        frozenset({Status.REGISTERED, Status.COLLECTED, Status.AT_HUB, Status.HELD}),
        Status.CANCELLED,
    ),
    (Direction.INBOUND, Action.ARRIVE_INBOUND): (frozenset(), Status.ARRIVED_HUB),
    (Direction.INBOUND, Action.DISPATCH): (
        frozenset({Status.ARRIVED_HUB}),
        Status.OUT_FOR_DELIVERY,
    ),
    (Direction.INBOUND, Action.AT_STATION): (
        frozenset({Status.ARRIVED_HUB, Status.OUT_FOR_DELIVERY}),
        Status.AT_STATION,
    ),
    (Direction.INBOUND, Action.PICKED_UP): (frozenset({Status.AT_STATION}), Status.PICKED_UP),
    (Direction.INBOUND, Action.RETURN): (frozenset({Status.AT_STATION}), Status.RETURNED),
}

_STATES: dict[Direction, frozenset[Status]] = {
    Direction.OUTBOUND: frozenset(OUTBOUND_STATES),
    Direction.INBOUND: frozenset(INBOUND_STATES),
}

_ORDER: dict[Direction, tuple[Action, ...]] = {
    Direction.OUTBOUND: (
        Action.COLLECT,
        Action.ARRIVE,
        Action.MANIFEST,
        Action.UNMANIFEST,
        Action.HANDOVER,
        Action.HOLD,
        Action.RELEASE,
        Action.CANCEL,
    ),
    Direction.INBOUND: (
        Action.ARRIVE_INBOUND,
        Action.DISPATCH,
        Action.AT_STATION,
        Action.PICKED_UP,
        Action.RETURN,
        Action.HOLD,
        Action.RELEASE,
    ),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step does to a parcel.

    ``status`` is the state after the step (the same as ``previous`` when nothing
    changed); ``changed`` is False for a repeat; ``held_from`` is set by HOLD: the
    state to record so that RELEASE can return to it; ``leaves_manifest`` is True
    when the service must take the parcel off its manifest (UNMANIFEST, or HOLD of a
    manifested parcel).
    """

    action: Action
    previous: Status
    status: Status
    changed: bool
    held_from: Status | None = None
    leaves_manifest: bool = False

    @property
    def repeat(self) -> bool:
        return not self.changed

    @property
    def held_from_stored(self) -> str | None:
        """The parcel's ``held_from`` column after the step: kept while held, else empty."""
        return self.held_from.value if self.status is Status.HELD and self.held_from else None

    def describe(self, label: str = "parcel") -> str:
        """One sentence for the operator: what happened, or that nothing changed."""
        if not self.changed:
            return f"Parcel {label} is already {self.status.label}, nothing changed."
        text = f"Parcel {label} is now {self.status.label}"
        if self.leaves_manifest:
            text += " and off its manifest"
        return text + "."


def initial_status(direction: Direction | str) -> Status:
    """The state a new parcel starts in: registered (outbound) or arrived_hub (inbound)."""
    return Status.REGISTERED if Direction(direction) is Direction.OUTBOUND else Status.ARRIVED_HUB


def parse_action(text: str) -> Action:
    """An action from what an operator typed (``at-station``, ``AT_STATION``, ``picked up``)."""
    key = str(text).strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return Action(key)
    except ValueError:
        names = ", ".join(a.value for a in SCAN_ACTIONS)
        raise InvalidInput(f"'{text}' is not a scan action: expected one of {names}.") from None


def allowed_actions(
    direction: Direction | str, status: Status | str, held_from: Status | str | None = None
) -> list[Action]:
    """The actions that would change a parcel in this state, in workflow order."""
    direction, status = Direction(direction), Status(status)
    back = initial_status(direction) if held_from is None else Status(held_from)
    allowed = []
    for action in _ORDER[direction]:
        outcome = _step(direction, status, action, back)
        if outcome is not None and outcome.changed:
            allowed.append(action)
    return allowed


def apply(
    direction: Direction | str,
    status: Status | str | None,
    action: Action | str,
    held_from: Status | str | None = None,
    *,
    label: str = "",
) -> Outcome:
    """Apply ``action`` to a parcel of ``direction`` in ``status``.

    ``status`` None means a parcel the hub does not know yet (only ARRIVE_INBOUND
    creates one). ``held_from`` is required to RELEASE a held parcel. ``label`` names
    the parcel in the refusal (its hub parcel id or tracking number).
    Returns an :class:`Outcome`; raises RuleBroken when the step does not fit.
    """
    direction = Direction(direction)
    action = action if isinstance(action, Action) else parse_action(action)
    if status is None:
        if (direction, action) == (Direction.INBOUND, Action.ARRIVE_INBOUND):
            return Outcome(action, Status.ARRIVED_HUB, Status.ARRIVED_HUB, True)
        raise RuleBroken(
            f"Parcel {_name(label)} is not known to the hub, so it cannot be {action.phrase}: "
            "register it first."
        )
    status = Status(status)
    if status not in _STATES[direction]:
        raise RuleBroken(
            f"Parcel {_name(label)} is {direction.value} but its state is {status.value}, "
            f"which is not an {direction.value} state."
        )
    if action is Action.RELEASE and status is Status.HELD:
        if held_from is None:
            raise ValueError("releasing a held parcel needs the state it was held from")
        back = Status(held_from)
        if back in FINAL or back is Status.HELD or back not in _STATES[direction]:
            raise ValueError(f"a parcel cannot have been held from {back.value}")
    outcome = _step(direction, status, action, None if held_from is None else Status(held_from))
    if outcome is None:
        _refuse(direction, status, action, label, held_from)
    return outcome


def _step(
    direction: Direction, status: Status, action: Action, held_from: Status | None
) -> Outcome | None:
    """The outcome of the step, or None when it does not fit."""
    if action is Action.HOLD:
        if status is Status.HELD:
            return Outcome(action, status, status, False)
        if status in FINAL:
            return None
        if status is Status.MANIFESTED:  # holding takes it off its manifest
            return Outcome(action, status, Status.HELD, True, Status.AT_HUB, True)
        return Outcome(action, status, Status.HELD, True, held_from=status)
    if action is Action.RELEASE:
        if status is not Status.HELD:
            # nothing to release: a repeat, unless the parcel is done with
            return None if status in FINAL else Outcome(action, status, status, False)
        back = held_from or initial_status(direction)
        if back is Status.MANIFESTED:  # holding took it off its manifest
            back = Status.AT_HUB
        return Outcome(action, status, back, True)
    move = _MOVES.get((direction, action))
    if move is None:
        return None
    sources, target = move
    if status is target:
        return Outcome(action, status, status, False)
    if status not in sources:
        return None
    return Outcome(action, status, target, True, leaves_manifest=action is Action.UNMANIFEST)


def _name(label: str) -> str:
    return label or "(no id)"


def _refuse(
    direction: Direction,
    status: Status,
    action: Action,
    label: str,
    held_from: Status | str | None,
) -> NoReturn:
    allowed = allowed_actions(direction, status, held_from)
    if action not in _ORDER[direction]:
        head = f"Parcel {_name(label)} is an {direction.value} parcel {status.label}"
    else:
        head = f"Parcel {_name(label)} is {status.label}"
    head += f", so it cannot be {action.phrase}"
    if (direction, status, action) == (Direction.OUTBOUND, Status.MANIFESTED, Action.CANCEL):
        head += " before it is taken off its manifest"
    if not allowed:
        raise RuleBroken(f"{head}: nothing more can be done to it.")
    names = ", ".join(a.value for a in allowed)
    raise RuleBroken(f"{head}; allowed next: {names}.")
