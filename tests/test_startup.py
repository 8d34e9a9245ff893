"""How `hub` starts: `hub scan` without OR-Tools, reportlab, Alembic or openpyxl; a command
line builds only the command it names; the answer and the exit status reach the caller."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from logistics.cli.command_line import command_word

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


def _hub(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """The real console command (`python -m logistics` runs what `hub` runs)."""
    return subprocess.run(
        [sys.executable, "-m", "logistics", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "100", "HUB_LANG": "en"},
    )


def test_the_command_word_is_found_after_hubs_own_options():
    assert command_word(["plan", "--date", "today"]) == "plan"
    assert command_word(["--db", "plan.db", "--hub", "GAODU", "round", "finish"]) == "round"
    assert command_word(["--db=plan.db", "--operator", "li", "scan"]) == "scan"
    assert command_word(["--lang", "zh", "report", "monthly"]) == "report"
    assert command_word(["--db", "x.db"]) is None
    assert command_word(["--help", "plan"]) is None
    assert command_word(["--version"]) is None


def test_only_the_named_command_is_built_and_a_typo_still_finds_its_neighbour(database_url):
    listing = _hub("--db", database_url, "round", "--help")
    assert listing.returncode == 0, listing.stderr
    assert "finish" in listing.stdout and "km" in listing.stdout

    typo = _hub("--db", database_url, "plna")
    assert typo.returncode == 2
    assert "Did you mean 'plan'?" in typo.stderr

    everything = _hub("--db", database_url, "--help")
    for command in ("plan", "round", "scan", "manifest", "report", "hubs", "db"):
        assert f" {command} " in everything.stdout, command


def test_the_whole_answer_reaches_the_reader_and_the_exit_status_is_kept(
    database_url, sample_network
):
    sample_network.commit()
    listed = _hub("--db", database_url, "station", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 30  # the last bytes written before the exit

    missing = _hub("--db", database_url, "round", "show", "999999")
    assert missing.returncode == 1
    assert "999999" in missing.stderr
