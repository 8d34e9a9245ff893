"""Time as the hub sees it.

The database keeps naive UTC datetimes; people see the hub's local time, and "today"
and "this month" are the hub's local day and month. `HUB_NOW` (an ISO datetime in the
hub's time zone) pins the clock, so a demo or a test can replay a given day.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from logistics.errors import InvalidInput
from logistics.i18n import _

DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _("'{value}' is not a time zone: expected an IANA name such as Asia/Shanghai.").format(
                value=name
            )
        ) from None


#: How far this process's clock runs ahead of the machine's (``running_from``), or None.
_RUNNING_AHEAD: timedelta | None = None


@contextmanager
def running_from(local: datetime, tz: ZoneInfo) -> Iterator[None]:
    """Within the block, the clock runs on from the hub's wall time ``local``: the demo
    replays a day from its morning at whatever hour it is run (at 16:00 the vans' day is
    over and a plan of today is refused). ``HUB_NOW``, when set, still pins the clock."""
    global _RUNNING_AHEAD
    before = _RUNNING_AHEAD
    _RUNNING_AHEAD = to_utc(local, tz) - datetime.now(UTC).replace(tzinfo=None)
    try:
        yield
    finally:
        _RUNNING_AHEAD = before


def utcnow() -> datetime:
    """Now, as naive UTC (what the database stores)."""
    pinned = os.environ.get("HUB_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:  # not ISO, or a field out of range (hour 25, month 13)
            raise InvalidInput(
                _(
                    "HUB_NOW is '{value}', not a moment: expected the hub's local date and "
                    "time as 2026-12-02T07:30."
                ).format(value=pinned)
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(os.environ.get("HUB_TIMEZONE")))
        return moment.astimezone(UTC).replace(tzinfo=None)
    now = datetime.now(UTC).replace(tzinfo=None)
    return now if _RUNNING_AHEAD is None else now + _RUNNING_AHEAD


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
    """'2026-11' (or any form :func:`read_month` takes) -> (first day, first of the next)."""
    year, mon = (int(part) for part in read_month(month).split("-"))
    first = date(year, mon, 1)
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    return first, following


def month_bounds_utc(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first, following = month_bounds(month)
    return day_bounds_utc(first, tz)[0], day_bounds_utc(following, tz)[0]


@dataclass(frozen=True, slots=True)
class Day:
    """A day as an operator typed it: a calendar date, a month and day of the hub's
    current year (``12月2日``), or a number of days from the hub's today (``yesterday``).
    :meth:`resolve` turns it into a date once the hub's time zone is known."""

    fixed: date | None = None
    offset: int = 0
    month_day: tuple[int, int] | None = None
    typed: str = ""

    def resolve(self, tz: ZoneInfo) -> date:
        if self.fixed is not None:
            return self.fixed
        today = local_today(tz)
        if self.month_day is not None:
            month, day = self.month_day
            try:
                return date(today.year, month, day)
            except ValueError:
                raise InvalidInput(_not_a_date(self.typed)) from None
        return today + timedelta(days=self.offset)


_RELATIVE = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
}
# 日 is written, 号 is said (and typed): 12月2号.
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD = re.compile(r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号]?|[-/]\s*(\d{1,2}))")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


def _not_a_date(text: str) -> str:
    return _(
        "'{value}' is not a date: expected YYYY-MM-DD (e.g. 2026-11-23), 2026年11月23日, "
        "11月23日, today, yesterday or tomorrow (今天, 昨天, 明天)."
    ).format(value=text)


def read_day(text: str | None) -> Day:
    """A typed day: 2026-12-02, 2026/12/02, 2026-12-2, 20261202, 2026年12月2日, 12月2日,
    12月2号, 12/2 and 12-02 (month first), today / yesterday / tomorrow, 今天 / 昨天 /
    明天. Empty means today."""
    typed = "" if text is None else str(text)
    key = unicodedata.normalize("NFKC", typed).strip().lower()
    if not key:
        return Day(typed=typed)
    if key in _RELATIVE:
        return Day(offset=_RELATIVE[key], typed=typed)
    found = _YMD.fullmatch(key) or _COMPACT.fullmatch(key)
    try:
        if found:
            year, month, day = (int(part) for part in found.groups())
            return Day(fixed=date(year, month, day), typed=typed)
        found = _MD.fullmatch(key)
        if found:
            month, day = (int(part) for part in found.groups() if part is not None)
            date(2000, month, day)  # a valid month and day in a leap year
            return Day(month_day=(month, day), typed=typed)
    except ValueError:
        pass
    raise InvalidInput(_not_a_date(typed))


def read_month(text: str) -> str:
    """A typed month as ``YYYY-MM``: 2026-11, 2026/11, 2026.11, 2026年11月, 202611, and
    11月 (the last November that has begun)."""
    typed = str(text)
    key = unicodedata.normalize("NFKC", typed).strip()
    found = _YM.fullmatch(key) or re.fullmatch(r"(\d{4})(\d{2})", key)
    alone = re.fullmatch(r"(\d{1,2})\s*月(份)?", key)
    if alone and 1 <= int(alone.group(1)) <= 12:
        # 11月 without a year: the last November that has begun (reports look back)
        today = utcnow().date()
        month = int(alone.group(1))
        return f"{today.year if month <= today.month else today.year - 1:04d}-{month:02d}"
    if found:
        year, month = (int(part) for part in found.groups())
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    raise InvalidInput(
        _("'{value}' is not a month: expected YYYY-MM, e.g. 2026-11 or 2026年11月.").format(
            value=typed
        )
    )


def parse_day(text: str | Day | date | None, tz: ZoneInfo) -> date:
    """An operator's --date as the hub's local date (see :func:`read_day`)."""
    if isinstance(text, date):
        return text
    day = text if isinstance(text, Day) else read_day(text)
    return day.resolve(tz)
