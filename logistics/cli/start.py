"""The first lines the `hub` command runs: how the process collects garbage, then the CLI.

A command lives for seconds and keeps most of what it allocates. At Python's default (a
collection of young objects every 700 allocations) `hub plan` spent a tenth of a second
collecting while it imported its libraries, and the last collection at exit walked all
that was still alive for another third of a second (2026-12-02, benchmarks/plan_day.py).
Garbage is still collected, less often; what is alive at the end goes with the process.

When a standby process is running (`hub standby start`), the command line goes to it
and this process only waits for the answer (`standby_client.py` says how).
"""

from __future__ import annotations

import gc
import sys

#: Allocations between collections of the young objects, then collections between the
#: older generations' (Python's defaults: 700, 10, 10).
COLLECT_EVERY = (20_000, 20, 20)


def main() -> None:
    gc.set_threshold(*COLLECT_EVERY)
    from logistics.cli.standby_client import hand_over

    handed = hand_over(sys.argv)
    if handed is not None:  # run by the standby process (`hub standby start`)
        sys.exit(handed)
    run_here()


def run_here() -> None:
    """Run the command line in this process."""
    try:
        from logistics.cli.main import main as run

        run()
    finally:
        gc.freeze()
