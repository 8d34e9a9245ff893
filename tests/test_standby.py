"""`hub standby`: a command run by the standby process answers as one run on its own
(output, exit status, language, folder, input), Ctrl-C and a killed `hub` reach the
command, and the standby process refuses a folder others can open."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from logistics.cli import standby_server

HUB = Path(sys.executable).parent / "hub"

pytestmark = [
    pytest.mark.skipif(not HUB.exists(), reason="the `hub` console command is not installed"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system"),
]


def _hub(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(HUB), *args], env=env, capture_output=True, text=True, timeout=120, **options
    )


@pytest.fixture
def standby(database_url):
    # A short folder: a socket's path has at most 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="hub-sb-"))
    env = {
        **os.environ,
        "HUB_STANDBY": "",
        "HUB_STANDBY_SOCKET": str(folder / "standby.sock"),
        "HUB_DATABASE_URL": database_url,
        "HUB_LANG": "en",
        "COLUMNS": "100",
    }
    started = _hub(env, "standby", "start")
    assert started.returncode == 0, started.stdout + started.stderr
    assert "Standing by" in started.stdout
    yield env
    _hub(env, "standby", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def _served(env: dict) -> int:
    status = json.loads(_hub(env, "standby", "status", "--json").stdout)
    assert status["running"] is True
    return status["served"]


def test_a_command_through_the_standby_process_answers_as_one_run_alone(standby, sample_network):
    sample_network.commit()
    alone = _hub({**standby, "HUB_STANDBY": "off"}, "station", "list", "--json")
    through = _hub(standby, "station", "list", "--json")
    assert _served(standby) == 1
    assert through.returncode == alone.returncode == 0
    assert through.stdout == alone.stdout
    assert len(json.loads(through.stdout)) == 30

    # The caller's language, not the one the standby process started with.
    chinese = _hub({**standby, "HUB_LANG": "zh"}, "station", "list")
    assert chinese.returncode == 0 and "服务站" in chinese.stdout

    # A refusal keeps its sentence and its exit status.
    missing = _hub(standby, "round", "show", "R-20991231-99")
    missing_alone = _hub({**standby, "HUB_STANDBY": "off"}, "round", "show", "R-20991231-99")
    assert missing.returncode == missing_alone.returncode != 0
    assert missing.stderr == missing_alone.stderr and "R-20991231-99" in missing.stderr
    assert _served(standby) == 3

    # Help and usage name the command typed, not the standby process's module.
    usage = _hub(standby, "plan", "--vnas", "VAN1")
    assert usage.returncode == 2 and "hub plan" in usage.stderr
    assert "python -m" not in usage.stderr + _hub(standby, "plan", "--help").stdout


def test_the_standby_process_keeps_no_folder_and_says_its_start_as_a_time(standby):
    status = json.loads(_hub(standby, "standby", "status", "--json").stdout)
    assert os.readlink(f"/proc/{status['pid']}/cwd") == "/"  # never holds a mount busy
    assert time.strftime("%Y-%m-%d") in status["since"]


def test_every_terminal_of_a_login_finds_the_same_standby_process(monkeypatch):
    monkeypatch.delenv("HUB_STANDBY_SOCKET", raising=False)
    from logistics.cli.standby_client import socket_path

    first = socket_path()
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/tmp/elsewhere")
    monkeypatch.setenv("TMPDIR", "/var/tmp")
    assert socket_path() == first


def test_a_command_works_in_the_callers_folder(standby, tmp_path):
    env = {key: value for key, value in standby.items() if key != "HUB_DATABASE_URL"}
    made = _hub(env, "init", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    assert (tmp_path / "hub.db").exists()  # hub.db "in this folder": the caller's
    assert _served(standby) == 1


def test_ctrl_c_and_a_killed_hub_reach_the_command(standby, sample_network):
    sample_network.commit()
    scan = _scan_answering(standby, "NOSUCHPARCEL1")  # the command reads the caller's input
    scan.send_signal(signal.SIGINT)
    scan.wait(timeout=30)  # standard input still open: Ctrl-C alone ends the session
    out, err = scan.stdout.read(), scan.stderr.read()
    # As alone: the session's summary, exit 1 as a scan was refused.
    assert "1 scanned" in out and scan.returncode == 1, (scan.returncode, out, err)

    # Ctrl-Z stops the command with its `hub`, which then reads nothing typed at the
    # shell; fg (SIGCONT) lets both go on.
    scan = _scan_answering(standby, "NOSUCHPARCEL3")
    scan.send_signal(signal.SIGTSTP)
    time.sleep(0.5)
    scan.stdin.write("NOSUCHPARCEL4\n")
    scan.stdin.flush()
    ready, _w, _x = select.select([scan.stdout], [], [], 1.5)
    assert not ready, "the command read on while its `hub` was stopped"
    scan.send_signal(signal.SIGCONT)
    assert "NOSUCHPARCEL4" in scan.stdout.readline()
    scan.send_signal(signal.SIGINT)
    scan.wait(timeout=30)
    out = scan.stdout.read()
    assert "2 scanned" in out and scan.returncode == 1, (scan.returncode, out)

    # A `hub` killed outright takes its command with it, as a command run alone goes.
    server = json.loads(_hub(standby, "standby", "status", "--json").stdout)["pid"]
    scan = _scan_answering(standby, "NOSUCHPARCEL2")
    assert _children(server)
    scan.kill()
    scan.wait(timeout=30)
    deadline = time.monotonic() + 20
    while _children(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children(server) == [], "the command went on after its `hub` was killed"


def _scan_answering(env: dict, code: str) -> subprocess.Popen:
    """A `hub scan arrive -` session through the standby process, once it answered ``code``."""
    scan = subprocess.Popen(
        [str(HUB), "scan", "arrive", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    scan.stdin.write(f"{code}\n")
    scan.stdin.flush()
    assert code in scan.stdout.readline()
    return scan


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def test_start_twice_status_and_stop_say_what_runs(standby):
    again = _hub(standby, "standby", "start")
    assert again.returncode == 0 and "Already standing by" in again.stdout
    status = _hub(standby, "standby", "status")
    assert "Standing by since" in status.stdout
    stopped = _hub(standby, "standby", "stop")
    assert "Stopped the standby process" in stopped.stdout
    assert not Path(standby["HUB_STANDBY_SOCKET"]).exists()
    after = json.loads(_hub(standby, "standby", "status", "--json").stdout)
    assert after["running"] is False
    # With none running, commands run on their own as before.
    assert _hub(standby, "--version").returncode == 0
    assert "nothing to stop" in _hub(standby, "standby", "stop").stdout


def test_a_folder_others_can_open_is_refused(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    env = {**os.environ, "HUB_STANDBY": "", "HUB_LANG": "en"}
    env["HUB_STANDBY_SOCKET"] = str(folder / "standby.sock")
    refused = _hub(env, "standby", "start")
    assert refused.returncode != 0
    assert "is not yours alone" in refused.stderr
    assert not (folder / "standby.sock").exists()


def test_a_changed_module_file_makes_the_standby_process_step_aside(tmp_path, monkeypatch):
    module = tmp_path / "hub_standby_probe.py"
    module.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import hub_standby_probe  # noqa: F401

    try:
        known = standby_server.fingerprint()
        assert str(module) in known
        assert standby_server.is_current(known)
        module.write_text("VALUE = 22\n")  # the hub or a library upgraded in place
        assert not standby_server.is_current(known)
    finally:
        sys.modules.pop("hub_standby_probe", None)


def test_a_hub_ended_by_a_signal_ends_as_one_run_alone(standby, sample_network):
    sample_network.commit()
    scan = _scan_answering(standby, "NOSUCHPARCEL5")
    scan.send_signal(signal.SIGTERM)
    scan.wait(timeout=30)  # standard input still open: the signal alone ends it
    assert scan.returncode == -signal.SIGTERM  # the shell says "Terminated", not "Exit 143"


# A job-control shell on a pseudo-terminal: runs `hub scan arrive -` as a background job
# (its own process group, not the terminal's foreground), types a code, then brings the
# job to the foreground (fg). Prints what the terminal showed before and after fg, and
# whether the job was stopped while in the background.
JOB_SHELL = textwrap.dedent(
    """
    import fcntl, json, os, select, signal, sys, termios, time

    hub, env = sys.argv[1], dict(os.environ)
    master, slave = os.openpty()

    def shown(seconds, until=None):
        text, end = b"", time.monotonic() + seconds
        while time.monotonic() < end and (until is None or until not in text):
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    text += os.read(master, 4096)
                except OSError:
                    break
        return text.decode("utf-8", "replace")

    shell = os.fork()
    if shell == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        job = os.fork()
        if job == 0:
            os.setpgid(0, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.execve(hub, [hub, "scan", "arrive", "-"], env)
        os.setpgid(job, job)
        stopped, end = False, time.monotonic() + 5
        while time.monotonic() < end and not stopped:
            done, status = os.waitpid(job, os.WUNTRACED | os.WNOHANG)
            stopped = bool(done) and os.WIFSTOPPED(status)
            time.sleep(0.05)
        time.sleep(4.0)  # the code typed meanwhile (at 2.5 s) must stay unread
        os.tcsetpgrp(slave, job)
        os.killpg(job, signal.SIGCONT)
        time.sleep(3)
        os.killpg(job, signal.SIGKILL)
        os._exit(0 if stopped else 3)
    time.sleep(2.5)
    os.write(master, b"NOSUCHPARCEL6\\n")
    before = shown(1.0)
    after = shown(8.0, until=b"refused")
    _, status = os.waitpid(shell, 0)
    print(json.dumps([before, after, os.waitstatus_to_exitcode(status)]))
    """
)


def test_a_background_job_does_not_read_the_keyboard(standby, sample_network):
    sample_network.commit()
    shell = subprocess.Popen(
        [sys.executable, "-c", JOB_SHELL, str(HUB)],
        env=standby,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    # Meanwhile the stopped job holds up no other command.
    other = subprocess.run(
        [str(HUB), "station", "list", "--json"], env=standby, capture_output=True, timeout=20
    )
    assert other.returncode == 0
    out, _err = shell.communicate(timeout=60)
    before, after, shell_status = json.loads(out)
    assert "refused" not in before, "a background job read what was typed at the shell"
    assert shell_status == 0, "the background job was not stopped when it read"
    assert "refused" in after and "NOSUCHPARCEL6" in after  # fg: the job reads it


def test_a_caller_that_sends_nothing_holds_up_no_other_command(standby):
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(standby["HUB_STANDBY_SOCKET"])  # and then nothing, as a hung `hub`
    try:
        done = subprocess.run(
            [str(HUB), "--version"], env=standby, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0 and done.stdout.startswith("hub ")
        assert _served(standby) == 1  # by the standby process, once the silent one was let go
    finally:
        silent.close()


def test_two_messages_arriving_together_are_both_read():
    # A quick command: the runner's "pid" and "exit" reach `hub` in one read.
    from logistics.cli.standby_client import pack, read_message

    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(5)  # a lost second message would otherwise wait for ever
        theirs.sendall(pack({"pid": 7}) + pack({"exit": 0}))
        assert read_message(ours) == {"pid": 7}
        assert read_message(ours) == {"exit": 0}
