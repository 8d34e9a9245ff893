"""The one way a command reads a typed day or month (``--date``, ``--month``, ``--start``).

The CLI checks the form as soon as it parses the options, so a typo is refused before
any work starts; the services resolve a relative day (today, 昨天, 12月2日) in the
hub's own time zone.
"""

from __future__ import annotations

from logistics.domain.clock import Day, read_day, read_month


def day(text: str | None) -> Day | None:
    """The day typed in an option, or None when the option was not given."""
    return None if text is None else read_day(text)


def month(text: str | None) -> str | None:
    """The month typed in an option as ``YYYY-MM``, or None when not given."""
    return None if text is None else read_month(text)
