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

import gettext
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import NoReturn, TypeVar

from logistics import i18n
from logistics.errors import InvalidInput, RuleBroken
from logistics.i18n import N_, _, is_chinese, listing

_Word = TypeVar("_Word", bound=StrEnum)


def fold_word(text: object) -> str:
    """A typed state or direction folded for matching: NFKC (full-width forms), case-folded,
    without spaces, ``_`` and ``-`` (``handed over``, ``Handed_Over`` and ``handed-over``
    are one word)."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(folded.replace("_", " ").replace("-", " ").split())


@cache
def _chinese_catalog() -> gettext.NullTranslations:
    return gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["zh"], fallback=True)


def chinese_of(message: str) -> str:
    """The Chinese of a marked message whatever language is chosen (an operator may type
    已登记 in an English session)."""
    return _chinese_catalog().gettext(message)


def read_word(
    text: object,
    labels: Mapping[_Word, str],
    synonyms: Mapping[str, _Word] | None = None,
) -> _Word | None:
    """The member of an enum that ``text`` names by its code, its English label or its
    Chinese label (``labels``: member -> marked English label), or a synonym; else None."""
    key = fold_word(text)
    if not key:
        return None
    for member, label in labels.items():
        if key in (fold_word(member.value), fold_word(label), fold_word(chinese_of(label))):
            return member
    for word, member in (synonyms or {}).items():
        if key == fold_word(word):
            return member
    return None


def choice_words(members: Iterable[StrEnum]) -> str:
    """The choices a refusal lists, in the chosen language: the codes people type in
    English (``open, closed``), the glossary's words in Chinese (未封单、已封单)."""
    if is_chinese():
        return "、".join(member.label for member in members)  # type: ignore[attr-defined]
    return ", ".join(member.value for member in members)


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"

    @property
    def label(self) -> str:
        """The direction in the chosen language: ``outbound`` 寄出, ``inbound`` 进港."""
        return _(_DIRECTION_LABELS[self])

    @classmethod
    def parse(cls, text: str) -> Direction:
        """The direction an operator typed: ``outbound``, ``寄出``, ``出港``, ``inbound``,
        ``进港``, ``派送``; InvalidInput lists the choices in the chosen language."""
        found = read_word(text, _DIRECTION_LABELS, _DIRECTION_SYNONYMS)
        if found is None:
            raise InvalidInput(
                _("direction '{value}' is not known: expected one of {choices}.").format(
                    value=str(text).strip(), choices=choice_words(cls)
                )
            )
        return found


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
        """How the state reads in a sentence: ``at the hub``, ``on a manifest``...
        (the glossary's state word in Chinese: 已到件, 已上单...)."""
        return _(_STATUS_LABELS[self])

    @classmethod
    def parse(cls, text: str) -> Status:
        """The state an operator typed, by its code (``at_hub``, ``AT-HUB``), its English
        words (``at the hub``) or its Chinese (``已到件``); InvalidInput lists the choices
        in the chosen language."""
        found = read_word(text, _STATUS_LABELS)
        if found is None:
            raise InvalidInput(
                _("status '{value}' is not known: expected one of {choices}.").format(
                    value=str(text).strip(), choices=choice_words(cls)
                )
            )
        return found

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
    def label(self) -> str:
        """The step's name in the chosen language: ``collect``, ``arrive at hub``... in
        English, the glossary's step word in Chinese (揽收, 到件, 扣为问题件...)."""
        return _(_ACTION_LABELS[self])

    @property
    def phrase(self) -> str:
        """The action as it reads after "cannot be": ``collected``, ``handed over``...

        A Chinese sentence names the step itself (不能揽收), so in Chinese this is
        :attr:`label`: the English participles are also state words ("collected",
        "picked up"), one catalog entry could not serve both."""
        return self.label if is_chinese() else _ACTION_PHRASES[self]


_DIRECTION_LABELS = {Direction.OUTBOUND: N_("outbound"), Direction.INBOUND: N_("inbound")}
# the glossary's other words for the directions (寄出 (出港) / 进港 (派送))
_DIRECTION_SYNONYMS = {"出港": Direction.OUTBOUND, "派送": Direction.INBOUND}

_STATUS_LABELS = {
    Status.REGISTERED: N_("registered"),
    Status.COLLECTED: N_("collected"),
    Status.AT_HUB: N_("at the hub"),
    Status.MANIFESTED: N_("on a manifest"),
    Status.HANDED_OVER: N_("handed over to the courier"),
    Status.CANCELLED: N_("cancelled"),
    Status.ARRIVED_HUB: N_("arrived at the hub"),
    Status.OUT_FOR_DELIVERY: N_("out for delivery"),
    Status.AT_STATION: N_("at the station"),
    Status.PICKED_UP: N_("picked up"),
    Status.RETURNED: N_("returned"),
    Status.HELD: N_("held as a problem parcel"),
}

# The step names (the timeline of `hub parcel show` uses the same words).
_ACTION_LABELS = {
    Action.COLLECT: N_("collect"),
    Action.ARRIVE: N_("arrive at hub"),
    Action.HOLD: N_("hold as a problem parcel"),
    Action.RELEASE: N_("release"),
    Action.CANCEL: N_("cancel"),
    Action.ARRIVE_INBOUND: N_("inbound arrival"),
    Action.DISPATCH: N_("dispatch"),
    Action.AT_STATION: N_("at station"),
    Action.PICKED_UP: N_("pick up"),
    Action.RETURN: N_("return"),
    Action.MANIFEST: N_("put on a manifest"),
    Action.UNMANIFEST: N_("taken off a manifest"),
    Action.HANDOVER: N_("handover"),
}

# English only (see Action.phrase).
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
        state = self.status.label
        if not self.changed:
            return _("Parcel {parcel} is already {state}, nothing changed.").format(
                parcel=label, state=state
            )
        if self.leaves_manifest:
            return _("Parcel {parcel} is now {state} and off its manifest.").format(
                parcel=label, state=state
            )
        return _("Parcel {parcel} is now {state}.").format(parcel=label, state=state)


def initial_status(direction: Direction | str) -> Status:
    """The state a new parcel starts in: registered (outbound) or arrived_hub (inbound)."""
    return Status.REGISTERED if Direction(direction) is Direction.OUTBOUND else Status.ARRIVED_HUB


def parse_action(text: str) -> Action:
    """An action from what an operator typed (``at-station``, ``AT_STATION``, ``picked up``)."""
    key = str(text).strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return Action(key)
    except ValueError:
        raise not_a_scan_action(text) from None


def not_a_scan_action(text: str) -> InvalidInput:
    """The refusal of a word that is no scan action (the actions are typed as they are)."""
    names = listing(a.value for a in SCAN_ACTIONS)
    return InvalidInput(
        _("'{value}' is not a scan action: expected one of {actions}.").format(
            value=text, actions=names
        )
    )


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
            _(
                "Parcel {parcel} is not known to the hub, so it cannot be {action}: "
                "register it first."
            ).format(parcel=_name(label), action=action.phrase)
        )
    status = Status(status)
    if status not in _STATES[direction]:
        raise RuleBroken(
            _(
                "Parcel {parcel} is {direction} but its state is {state}, "
                "which is not an {direction} state."
            ).format(
                parcel=_name(label),
                direction=direction.label,
                state=status.label if is_chinese() else status.value,
            )
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
    return label or _("(no id)")


def action_names(actions: list[Action]) -> str:
    """Actions listed for a person: the scan words typed in English (``collect, arrive``),
    the glossary's step words in Chinese (揽收、到件)."""
    if is_chinese():
        return "、".join(action.label for action in actions)
    return ", ".join(action.value for action in actions)


def _refuse(
    direction: Direction,
    status: Status,
    action: Action,
    label: str,
    held_from: Status | str | None,
) -> NoReturn:
    allowed = allowed_actions(direction, status, held_from)
    words = {
        "parcel": _name(label),
        "state": status.label,
        "direction": direction.label,
        "action": action.phrase,
        "actions": action_names(allowed),
    }
    if action not in _ORDER[direction]:
        if not allowed:
            sentence = _(
                "Parcel {parcel} is an {direction} parcel {state}, so it cannot be {action}: "
                "nothing more can be done to it."
            )
        else:
            sentence = _(
                "Parcel {parcel} is an {direction} parcel {state}, so it cannot be {action}; "
                "allowed next: {actions}."
            )
    elif not allowed:
        sentence = _(
            "Parcel {parcel} is {state}, so it cannot be {action}: nothing more can be done to it."
        )
    elif (direction, status, action) == (Direction.OUTBOUND, Status.MANIFESTED, Action.CANCEL):
        sentence = _(
            "Parcel {parcel} is {state}, so it cannot be {action} before it is taken off its "
            "manifest; allowed next: {actions}."
        )
    else:
        sentence = _(
            "Parcel {parcel} is {state}, so it cannot be {action}; allowed next: {actions}."
        )
    raise RuleBroken(sentence.format(**words))
