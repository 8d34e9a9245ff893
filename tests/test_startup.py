"""`hub scan` starts without loading OR-Tools, reportlab, Alembic or openpyxl."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEAVY = ("ortools", "reportlab", "alembic", "openpyxl")

PROBE = textwrap.dedent(
    """
    import sys
    from logistics.cli.main import app
    try:
        app(["--db", sys.argv[1], "scan", "arrive", "P20261123-00001"])
    except SystemExit:
        pass
    heavy = [name for name in sys.argv[2:] if name in sys.modules]
    print("LOADED:" + ",".join(heavy))
    """
)


def test_hub_scan_does_not_import_heavy_libraries(database_url, sample_network):
    sample_network.commit()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, database_url, *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LOADED:" in result.stdout, result.stderr
    loaded = result.stdout.rsplit("LOADED:", 1)[1].strip()
    assert loaded == "", f"hub scan imported {loaded}"
    assert "No parcel has the hub id" in result.stdout + result.stderr
