"""Hand a `hub` command line to the standby process, when one is running.

A fresh `hub` process spends about 0.4 s importing its libraries (SQLModel, numpy,
OR-Tools, Typer, rich) before it does anything; `hub plan` at the dock waits for that on
every re-plan. `hub standby start` keeps one process with those libraries imported; each
`hub` command then passes its command line, environment, folder and terminal (its
standard input, output and error themselves) over a Unix socket, the standby process
forks a copy that runs the command on that terminal, and this process waits for its
exit status, passing Ctrl-C and the like on. With no standby process, or with
HUB_STANDBY=off, the command runs here as before.

This module is read on every command's start, so it imports nothing beyond Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time

from logistics.i18n import N_

#: Signals a terminal or a supervisor sends to the command: passed on to it.
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
#: A message: its length (4 bytes, big-endian), then that many bytes of JSON.
HEADER = struct.Struct(">I")
OFF = ("0", "off", "no", "false")


def socket_path() -> str:
    """Where this user's standby process listens (HUB_STANDBY_SOCKET names another)."""
    named = os.environ.get("HUB_STANDBY_SOCKET")
    if named:
        return named
    # Not under XDG_RUNTIME_DIR or TMPDIR: every terminal of the login, whatever its
    # environment, must find the same one.
    return f"/tmp/hub-standby-{os.getuid()}/standby.sock"


def pack(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return HEADER.pack(len(body)) + body


def read_message(sock: socket.socket, first: bytes = b"") -> dict | None:
    """The next message on ``sock`` (``first``: its bytes already read), None at its end.
    Reads no byte past it: the runner's "pid" and "exit" may arrive in one packet."""
    data = first
    while len(data) < HEADER.size:
        chunk = sock.recv(HEADER.size - len(data))
        if not chunk:
            return None
        data += chunk
    (size,) = HEADER.unpack_from(data)
    body = data[HEADER.size :]
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body)


def connect(path: str | None = None) -> socket.socket | None:
    """A connection to the standby process, None when none answers."""
    if not hasattr(socket, "AF_UNIX"):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path or socket_path())
    except OSError:
        sock.close()
        return None
    return sock


def ask(request: dict, path: str | None = None) -> dict | None:
    """One question to the standby process (``status``, ``stop``), None when none answers."""
    sock = connect(path)
    if sock is None:
        return None
    with sock:
        try:
            sock.sendall(pack(request))
            return read_message(sock)
        except OSError:
            return None


def wanted(argv: list[str]) -> bool:
    """Whether this command line goes to the standby process: not with HUB_STANDBY=off,
    not `hub standby ...` itself, and only from the `hub` command (``python -m
    logistics`` is named in help and usage lines after its module, which a forked
    command does not have)."""
    if os.environ.get("HUB_STANDBY", "").strip().lower() in OFF:
        return False
    if not argv or argv[0].endswith(".py"):
        return False
    from logistics.cli.command_line import command_word

    return command_word(argv[1:]) != "standby"


def hand_over(argv: list[str]) -> int | None:
    """Run ``argv`` in a copy of the standby process and return its exit status; None
    when there is no standby process or it cannot take the command (then it runs here)."""
    if not wanted(argv):
        return None
    until_foreground()  # before connecting: a stopped caller must not hold the socket
    sock = connect()
    if sock is None:
        return None
    pending: list[int] = []
    child: list[int] = []

    def pass_on(signum, _frame):
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0], signum)
        else:
            pending.append(signum)

    def stop_both(_signum, _frame):
        # Ctrl-Z: the command stops with this process (it would otherwise go on reading
        # the terminal under the shell), and goes on with it at fg.
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0], signal.SIGSTOP)
        os.kill(os.getpid(), signal.SIGSTOP)
        until_foreground()
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0], signal.SIGCONT)

    # Signals that arrive before the command's process is known wait for it.
    previous = {signum: signal.signal(signum, pass_on) for signum in PASSED_ON}
    previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, stop_both)
    try:
        with sock:
            return _run(sock, argv, child, pending)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def in_background() -> bool:
    """Whether the terminal this command reads (its standard input) is another job's:
    the command is a background job (`hub scan &`, or Ctrl-Z then bg)."""
    try:
        return os.isatty(0) and os.tcgetpgrp(0) != os.getpgrp()
    except OSError:
        return False


def until_foreground() -> None:
    """Stop as a background job that reads its terminal is stopped ("Stopped (tty
    input)"), until fg: the command, run by another process, could not be stopped by the
    terminal itself and would read what is typed at the shell."""
    while in_background():
        os.kill(os.getpid(), signal.SIGTTIN)
        time.sleep(0.05)  # a job without its shell ignores SIGTTIN: no busy loop


def _run(sock: socket.socket, argv: list[str], child: list[int], pending: list[int]):
    umask = os.umask(0o022)
    os.umask(umask)
    try:
        cwd = os.getcwd()
    except OSError:  # the folder was removed: the command says so when run here
        return None
    request = {
        "run": argv,
        "env": dict(os.environ),
        "cwd": cwd,
        "umask": umask,
        "streams": [
            [stream.encoding, stream.errors] if stream is not None else None
            for stream in (sys.stdin, sys.stdout, sys.stderr)
        ],
    }
    try:
        socket.send_fds(sock, [pack(request)], [0, 1, 2])
        started = read_message(sock)
    except OSError:
        return None
    if not started or "pid" not in started:
        if started and started.get("stale"):  # the hub was upgraded: run here
            _say(N_("The hub or one of its libraries was updated, so the standby process "
                    "stopped: `hub standby start` starts it again."))  # fmt: skip
        return None
    child.append(started["pid"])
    for signum in pending:
        os.kill(child[0], signum)
    try:
        ended = read_message(sock)
    except OSError:
        ended = None
    if not ended:
        _say(N_("The standby process stopped before the command ended; run it again."))
        return 1
    if ended.get("signal"):  # ended as a command run alone ends: "Terminated", not 143
        signal.signal(ended["signal"], signal.SIG_DFL)
        os.kill(os.getpid(), ended["signal"])
    return int(ended["exit"])


def _say(sentence: str) -> None:
    """One line on standard error, in the language of HUB_LANG or the locale (the
    hub's own setting is in the database, which this process does not open)."""
    from logistics import i18n

    i18n.use(i18n.choose())
    sys.stderr.write(i18n._(sentence) + "\n")
