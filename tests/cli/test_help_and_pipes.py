"""What an operator sees around the commands: help in an 80-column terminal, and output
piped into `head` or a pager that stops reading."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from logistics.cli.main import app


def _command_paths(group=None, prefix=()):
    """Every command and group of `hub`, as argument lists (['plan'], ['parcel', 'import'] ...)."""
    import typer

    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        yield [*prefix, name]
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))


def _broken_lines(text: str) -> list[str]:
    """Lines of prose cut short where the source's own line break was kept: a long line,
    then a fragment of a word or two, then the sentence going on."""
    lines = text.splitlines()
    broken = []
    for before, line, after in zip(lines, lines[1:], lines[2:], strict=False):
        words = line.strip().split()
        if (
            1 <= len(words) <= 2
            and len(before.rstrip()) >= 60
            and after.strip()
            and not line.strip().startswith(("hub ", "-", "│", "╭", "╰", "["))
        ):
            broken.append(f"{before.strip()!r} / {line.strip()!r} / {after.strip()!r}")
    return broken


def test_every_help_page_reads_as_flowing_prose_in_an_80_column_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERMINAL_WIDTH", "80")
    runner = CliRunner()
    pages = [[]] + list(_command_paths())
    assert len(pages) > 30  # every group and command, not just the root
    broken = {}
    for path in pages:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        if found := _broken_lines(result.output):
            broken[" ".join(path) or "hub"] = found
    assert not broken, broken


def test_examples_stay_indented_under_their_heading_on_every_help_page(monkeypatch):
    # Typer dedented the examples of a page whose only paragraph after the first line
    # is "Examples:" (hub round list, hub parcel list): they read like prose.
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    flat = []
    for path in _command_paths():
        lines = runner.invoke(app, [*path, "--help"]).output.splitlines()
        for heading, first in zip(lines, lines[1:], strict=False):
            indent = len(first) - len(first.lstrip())
            under = len(heading) - len(heading.lstrip())
            if heading.strip() in ("Examples:", "Example:") and first.strip() and indent <= under:
                flat.append(" ".join(path))
    assert not flat, flat


@pytest.fixture(scope="module")
def busy_day_url(tmp_path_factory):
    """A SQLite hub with the sample township and a generated day (about 4,000 parcels)."""
    folder = tmp_path_factory.mktemp("pipes")
    url = f"sqlite:///{folder / 'hub.db'}"
    for args in (["init", "--sample"], ["sample", "generate", "--today"]):
        done = subprocess.run(
            [sys.executable, "-m", "logistics", "--db", url, *args], capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
    return url


@pytest.mark.parametrize(
    "args",
    [["parcel", "list", "--json"], ["parcel", "list", "--csv"], ["parcel", "list"]],
    ids=["json", "csv", "table"],
)
def test_output_into_a_pipe_that_stops_reading_ends_quietly(args, busy_day_url, tmp_path):
    # `hub parcel list --json | head -c 100`: the listing is far bigger than the pipe
    # holds, so hub is still writing when the reader goes away. That is no error.
    env = {**os.environ, "HUB_DATABASE_URL": busy_day_url, "COLUMNS": "120"}
    env.pop("HUB_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "logistics", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdout.read(100)  # the reader takes a little, then stops
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=60)
    assert "Unexpected error" not in err and "Traceback" not in err, err
    assert "Exception ignored" not in err and "BrokenPipe" not in err, err


def test_a_listing_fits_a_narrow_terminal_by_leaving_out_minor_columns(
    make_parcel, sample_network, hub, monkeypatch
):
    from logistics.cli import output

    parcel = make_parcel("registered", station="GD03", tracking_no="73100000000001")
    sample_network.close()
    monkeypatch.setattr(output.console, "width", 200)
    wide = hub("parcel", "list").output
    assert "Category" in wide and "Registered" in wide and "Left out" not in wide

    monkeypatch.setattr(output.console, "width", 80)
    for args in (["parcel", "list"], ["courier", "list"], ["station", "list"], ["round", "list"]):
        shown = hub(*args).output
        assert "…" not in shown, shown
        assert max(len(line) for line in shown.splitlines()) <= 80, shown
    narrow = hub("parcel", "list").output
    # ids whole on one line; what was left out is said, with where to see it all
    assert parcel.parcel_no in narrow and "73100000000001" in narrow
    table, _, note = narrow.partition("Left out to fit the terminal: ")
    assert "Category" not in table and "Parcel" in table
    note = " ".join(note.split())
    assert "Category" in note and "--csv or --json" in note
