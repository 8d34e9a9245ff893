"""Time as the hub sees it.

The database keeps naive UTC datetimes; people see the hub's local time, and "today"
and "this month" are the hub's local day and month. `HUB_NOW` (an ISO datetime in the
hub's time zone) pins the clock, so a demo or a test can replay a given day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.errors import InvalidInput

DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name}' is not a time zone: expected an IANA name such as Asia/Shanghai."
        ) from None


def utcnow() -> datetime:
    """Now, as naive UTC (what the database stores)."""
    pinned = os.environ.get("HUB_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(os.environ.get("HUB_TIMEZONE")))
        return moment.astimezone(UTC).replace(tzinfo=None)
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment_utc: datetime, tz: ZoneInfo) -> datetime:
    return moment_utc.replace(tzinfo=UTC).astimezone(tz)


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time at the hub (naive or aware) as naive UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_today(tz: ZoneInfo) -> date:
    return to_local(utcnow(), tz).date()


def day_bounds_utc(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the hub's local day, as naive UTC."""
    start = to_utc(datetime.combine(day, time.min), tz)
    end = to_utc(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start, end


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' -> (first day, first day of the next month)."""
    try:
        year, mon = (int(part) for part in month.split("-"))
        first = date(year, mon, 1)
    except ValueError:
        raise InvalidInput(f"'{month}' is not a month: expected YYYY-MM, e.g. 2026-11.") from None
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    return first, following


def month_bounds_utc(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first, following = month_bounds(month)
    return day_bounds_utc(first, tz)[0], day_bounds_utc(following, tz)[0]


def parse_day(text: str | None, tz: ZoneInfo) -> date:
    """An operator's --date: empty means the hub's today; also 'today' and 'yesterday'."""
    if not text or text == "today":
        return local_today(tz)
    if text == "yesterday":
        return local_today(tz) - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a date: expected YYYY-MM-DD, e.g. 2026-11-23."
        ) from None
