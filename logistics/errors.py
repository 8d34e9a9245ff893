"""Errors an operator may see.

Every rule that can be broken raises a subclass of HubError whose message is one
plain sentence naming what was wrong and what is expected. The CLI prints that
sentence (never a traceback) and exits non-zero.
"""

import errno

from logistics.i18n import N_, _, ngettext


class HubError(Exception):
    """A problem the operator can act on; str(error) is the sentence shown."""

    exit_code = 1


class NotFound(HubError):
    """A code or id that names nothing in the database."""


class InvalidInput(HubError):
    """A value (option, CSV cell, file) that does not have the expected form."""


class RuleBroken(HubError):
    """A business rule refuses the request (a scan out of order, a closed manifest...)."""


class DatabaseNotReady(HubError):
    """The database is missing, not initialised, or at an older schema."""


class SchemaOutdated(DatabaseNotReady):
    """The database was made by an older version of hub: `hub db upgrade` fixes it."""


class DatabaseBusy(HubError):
    """Another process holds the database for writing longer than the busy timeout."""


class ImportRejected(InvalidInput):
    """A file with bad rows; nothing of it was imported. Lists every problem found.

    Counted as rows, whatever the problems: each problem is a sentence (one bad row)
    or a ``(row number, sentence)`` pair, and the pairs of one row count once, so a row
    with five problems is one bad row with five lines."""

    shown = 20

    def __init__(self, source: str, problems: list[str] | list[str | tuple[int, str]]):
        self.source = source
        self.problems = [p if isinstance(p, str) else p[1] for p in problems]
        numbered = {p[0] for p in problems if not isinstance(p, str)}
        self.rows = len(numbered) + sum(isinstance(p, str) for p in problems)
        lines = self.problems[: self.shown]
        more = len(self.problems) - len(lines)
        head = ngettext(
            "{file}: {n} bad row, nothing was imported.",
            "{file}: {n} bad rows, nothing was imported.",
            self.rows,
        ).format(file=source, n=f"{self.rows:,}")
        tail = [_("... and {n} more.").format(n=f"{more:,}")] if more else []
        super().__init__("\n".join([head, *lines, *tail]))


# What went wrong with a file, by errno: the system's English words, lower case, are
# the catalog's keys (other reasons are shown as the system words them).
OS_REASONS = {
    errno.ENOENT: N_("no such file or directory"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("is a directory"),
    errno.ENOTDIR: N_("not a directory"),
    errno.ENOSPC: N_("no space left on device"),
    errno.EEXIST: N_("file exists"),
    errno.EROFS: N_("read-only file system"),
    errno.ENAMETOOLONG: N_("file name too long"),
}


def os_reason(error: OSError) -> str:
    """What went wrong with a file, in the reader's language where the catalog knows it."""
    reason = (error.strerror or type(error).__name__).lower()
    known = OS_REASONS.get(error.errno) if error.errno is not None else None
    return _(known) if known is not None and known == reason else reason
