"""Notes a plan adds for the dispatcher: a date far ahead, a round past its return."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from logistics.domain import round_status
from logistics.domain.clock import local_today, to_local, utcnow
from logistics.domain.round_status import RoundStatus
from logistics.i18n import listing, ngettext
from logistics.services.planning.tables import PlanningDay


def overdue(day: PlanningDay) -> str | None:
    """A note naming the started rounds past their planned return: the plan takes their
    vans as back on time, which only the driver's `hub round finish` makes true."""
    now = utcnow()
    late = [
        r
        for r in day.kept_rounds
        if round_status.holds_van(RoundStatus(r.status)) and r.planned_end < now
    ]
    if not late:
        return None
    return ngettext(
        "round {rounds} is past its planned return and not finished: the plan counts its "
        "van back on time; record the return with `hub round finish`",
        "rounds {rounds} are past their planned return and not finished: the plan counts "
        "their vans back on time; record each return with `hub round finish`",
        len(late),
    ).format(
        rounds=listing(
            f"{r.round_no} ({day.van_codes.get(r.vehicle_id, '?')}, "
            f"{to_local(r.planned_end, day.tz):%H:%M})"
            for r in late
        )
    )


#: A plan this many days ahead or more is said to be far ahead (a mistyped year or month).
FAR_AHEAD_DAYS = 7


def far_ahead(day: date, tz: ZoneInfo) -> str | None:
    """A note when ``day`` is far ahead: the parcels waiting now go on its rounds."""
    ahead = (day - local_today(tz)).days
    if ahead < FAR_AHEAD_DAYS:
        return None
    return ngettext(
        "{date} is {n} day ahead; if that is a typo, plan the right day: the parcels "
        "waiting now stay on this plan's rounds until a nearer day's plan takes them",
        "{date} is {n} days ahead; if that is a typo, plan the right day: the parcels "
        "waiting now stay on this plan's rounds until a nearer day's plan takes them",
        ahead,
    ).format(date=day, n=f"{ahead:,}")
