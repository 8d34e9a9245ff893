"""A progress bar for the long steps of a big day (assignment, manifest build, close, print).

The services report progress through a plain callback, ``progress(done, total)``
(``total`` None while it is not known yet); :func:`progress_bar` gives them one that
draws a rich bar on standard output. The bar shows only on a terminal (never in a pipe,
a log or with --json) and only when the step is big enough for a bar to help: a small
day's step is over before it would appear. It disappears when the step ends, so the
command's own sentences follow as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.markup import escape

from logistics.cli.output import console

Progress = Callable[[int, int | None], None]


def bars(*, transient: bool = True, time_left: bool = False):
    """The hub's rich progress display, as every long step shows it: what, a bar, done
    of all, and the time taken (or, with ``time_left``, the time still to go)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Display

    return Display(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn() if time_left else TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


@contextmanager
def progress_bar(
    description: str, *, shown: bool = True, at_least: int = 2000
) -> Iterator[Progress | None]:
    """Yield the callback to hand a service, or None when no bar can show (the service
    then skips its reports). The bar starts at the first report whose total is unknown
    or at least ``at_least``."""
    if not shown or not console.is_terminal:
        yield None
        return
    bar = None
    task = None

    def report(done: int, total: int | None) -> None:
        nonlocal bar, task
        if bar is None:
            if total is not None and total < at_least:
                return
            bar = bars()
            bar.start()
            task = bar.add_task(escape(description), total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        if bar is not None:
            bar.stop()
