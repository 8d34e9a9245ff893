"""`hub scan ACTION CODES...|-` as an operator (or a barcode scanner) types it."""

from __future__ import annotations

import contextlib
import json
import re

import pytest


@pytest.fixture
def ready(hub):
    assert hub("init", "--sample").exit_code == 0
    for _ in range(3):
        result = hub(
            "parcel", "register", "--station", "GD03", "--weight", "1", "--recipient", "张三",
            "--phone", "13812345678", "--province", "44", "--address", "1号", "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return hub


def ids(hub):
    return sorted(row["parcel_no"] for row in json.loads(hub("parcel", "list", "--json").output))


def test_scan_arguments_answers_each_code_and_exits_0(ready):
    codes = ids(ready)
    result = ready("scan", "collect", "--station", "GD03", *codes)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("done") and "is now collected" in lines[0]
    assert "(3 done, 0 already, 0 refused)" in lines[2]
    assert "3 scanned: 3 done, 0 already done, 0 refused." in lines[3]


def test_standard_input_session_with_repeats_blank_lines_and_refusals(ready):
    codes = ids(ready)
    stdin = f"{codes[0]}\n\n{codes[0]}\nNOPE\n{codes[1].lower()}\n"
    result = ready("scan", "arrive", "-", input=stdin)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines[:4]] == ["done", "already", "refused", "done"]
    assert "nothing changed" in lines[1]
    assert "4 scanned: 2 done, 1 already done, 1 refused." in lines[-1]


def test_refusal_names_the_parcel_its_state_and_what_is_allowed(ready):
    code = ids(ready)[0]
    result = ready("scan", "picked-up", code)
    assert result.exit_code == 1
    assert f"Parcel {code} is" in result.output and "allowed next" in result.output


def test_unknown_action_is_one_sentence(ready):
    result = ready("scan", "teleport", "X")
    assert result.exit_code == 1 and "is not a scan action" in result.output


def test_scans_record_the_operator(ready):
    code = ids(ready)[0]
    assert ready("--operator", "driver7", "scan", "arrive", code).exit_code == 0
    timeline = json.loads(ready("parcel", "show", code, "--json").output)["timeline"]
    assert timeline[-1]["operator"] == "driver7" and timeline[-1]["action"] == "arrive"


class _Terminal:
    """Stands for the operator's terminal: keeps what is written to it."""

    def __init__(self):
        self.written = ""

    def write(self, text):
        self.written += text

    def flush(self):
        pass


def test_no_code_reads_standard_input_as_manifest_load_does(ready):
    codes = ids(ready)
    result = ready("scan", "arrive", input="\n".join(codes) + "\n")
    assert result.exit_code == 0, result.output
    assert "3 scanned: 3 done, 0 already done, 0 refused." in result.output


def test_a_refusal_rings_the_bell_on_the_terminal_unless_quiet(ready, monkeypatch):
    from logistics.cli import scanning_input

    screen = _Terminal()
    monkeypatch.setattr(scanning_input, "terminal", lambda: screen)
    codes = ids(ready)
    rung = ready("scan", "arrive", "-", input=f"{codes[0]}\nNOPE\n{codes[0]}\nNOPE2\n")
    assert rung.exit_code == 1 and screen.written == "\a\a"  # two refusals, two rings
    assert "\a" not in rung.output  # never into the answers

    screen.written = ""
    quiet = ready("scan", "arrive", "--quiet", "NOPE")
    assert quiet.exit_code == 1 and screen.written == ""


def test_the_prompt_goes_to_a_person_at_a_terminal_only(ready, monkeypatch):
    from logistics.cli import scanning_input

    code = ids(ready)[0]
    piped = ready("scan", "arrive", input=f"{code}\n")
    assert "Ctrl-D" not in piped.output
    monkeypatch.setattr(scanning_input, "stdin_is_terminal", lambda: True)
    typed = ready("scan", "hold", "-", input=f"{code}\n")
    assert typed.exit_code == 0
    assert "Scan the labels one by one; Ctrl-D or q ends." in typed.stderr
    assert "Ctrl-D" not in typed.stdout  # the answers stay answers only


@pytest.mark.sqlite_only
def test_ctrl_c_at_the_terminal_puts_the_summary_on_a_line_of_its_own(ready, database_url):
    # "^C共扫描 1 件：…": the summary followed the terminal's ^C on its line (a user trial)
    import os
    import pty
    import select
    import signal
    import sys
    import time

    first = ids(ready)[0]
    env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_LANG": "en"}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: hub on the pseudo-terminal
        os.execve(sys.executable, [sys.executable, "-m", "logistics", "scan", "arrive"], env)

    def shown(seconds: float, until: bytes) -> bytes:
        text, end = b"", time.monotonic() + seconds
        while time.monotonic() < end and until not in text:
            if select.select([terminal], [], [], 0.05)[0]:
                try:
                    text += os.read(terminal, 4096)
                except OSError:
                    break
        return text

    try:
        assert b"Ctrl-D" in shown(60, b"Ctrl-D")
        os.write(terminal, f"{first}\n".encode())
        assert b"refused)" in shown(30, b"refused)")
        os.write(terminal, b"\x03")  # Ctrl-C, as the terminal sends it
        said = shown(30, b"scanned:").decode("utf-8", "replace")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    lines = re.sub(r"\x1b\[[0-9;]*m", "", said).replace("\r", "").splitlines()
    summary = next(line for line in lines if "scanned:" in line)
    assert summary.startswith("1 scanned: 1 done"), said
