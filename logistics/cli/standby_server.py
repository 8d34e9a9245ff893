"""The standby process: the hub's libraries imported once, a forked copy per command.

`hub standby start` runs ``python -m logistics.cli.standby_server SOCKET`` in its own
session. It imports what the commands need (SQLModel, numpy, OR-Tools, Typer, rich,
reportlab and the hub's models and services, not the hub's command-line modules, which
read the terminal as they load), listens on a Unix socket only its user may open, and
for each command line (``standby_client.hand_over``) forks a runner, which forks the
command's process and reports its exit status:

- the command's process takes the caller's standard input, output and error (the file
  descriptors themselves), environment, folder and umask, so it reads and writes the
  caller's terminal, and is started from a process that never ran a command: each
  command starts as clean as in a fresh process, only without the imports;
- the runner passes the exit status back, and kills the command when the caller is
  gone (as a killed `hub` process takes its command with it);
- when a file of an imported module has changed (the hub or a library upgraded), the
  standby process stops at the next command, which then runs in its own process.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import io
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
import types
from datetime import datetime
from importlib import import_module

from logistics.cli.standby_client import pack, read_message

#: What the commands import, loaded once. The hub's `cli` modules are left out on
#: purpose: they build consoles for the terminal they find while loading.
PRELOAD = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    "sqlmodel",
    "numpy",
    "ortools.constraint_solver.pywrapcp",
    "click",
    "typer",
    "typer.main",
    "rich.console",
    "rich.table",
    "rich.progress",
    "logistics.models",
    "logistics.services.planning",
    "logistics.services.scanning",
    "logistics.services.parcels",
    "logistics.services.assignment",
    "logistics.services.reports",
    "reportlab.pdfgen.canvas",
    "reportlab.graphics.barcode.code128",
    "openpyxl",
    "alembic.command",
)


def preload() -> list[str]:
    """Import :data:`PRELOAD`; returns what could not be imported (an optional driver)."""
    missing = []
    for name in PRELOAD:
        try:
            import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def fingerprint() -> dict[str, tuple[int, int]]:
    """The modification time and size of every imported module's file."""
    seen = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        try:
            stat = os.stat(path)
        except OSError:
            continue
        seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def is_current(known: dict[str, tuple[int, int]]) -> bool:
    for path, (mtime, size) in known.items():
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if stat.st_mtime_ns != mtime or stat.st_size != size:
            return False
    return True


class Refused(Exception):
    """The socket cannot be opened safely; the message says why."""


def listen(path: str) -> socket.socket:
    from logistics.cli.standby_client import connect
    from logistics.i18n import _

    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    held = os.stat(folder)
    if held.st_uid != os.getuid() or held.st_mode & 0o077:
        raise Refused(
            _("The folder {folder} is not yours alone; the standby process does not use it.")
            .format(folder=folder)
        )  # fmt: skip
    if os.path.exists(path):
        answering = connect(path)
        if answering is not None:
            answering.close()
            raise Refused(_("A standby process is already running: `hub standby status`."))
        os.unlink(path)  # left by a standby process that was killed
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener


def _peer_is_me(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def serve(path: str, ready=None) -> None:
    """Answer commands on ``path`` until asked to stop or the code changes; ``ready()`` is
    called once the socket listens."""
    path = os.path.abspath(path)
    missing = preload()
    known = fingerprint()
    listener = listen(path)
    os.chdir("/")  # each command takes its caller's folder; this one holds none busy
    since = datetime.now().astimezone().isoformat(timespec="seconds")
    state = {"pid": os.getpid(), "since": since, "served": 0, "missing": missing}
    # Runners are reaped by the system; each runner waits for its own command.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    gc.collect()
    gc.freeze()  # what is loaded stays shared with every fork, untouched
    if ready is not None:
        ready()
    try:
        while True:
            conn, _address = listener.accept()
            with conn:
                if not _peer_is_me(conn):
                    continue
                if not _answer(conn, listener, known, state):
                    return
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


#: Seconds a caller has to send its command line: one that stops or hangs before it
#: has (Ctrl-Z at that instant) must not hold up every other command.
REQUEST_WAIT_S = 5.0


def _answer(conn, listener, known, state) -> bool:
    """Answer one connection; False when the standby process should stop."""
    fds: list[int] = []
    try:
        conn.settimeout(REQUEST_WAIT_S)
        first, fds, _flags, _address = socket.recv_fds(conn, 1 << 16, 3)
        request = read_message(conn, first)
        conn.settimeout(None)
        if request is None:
            return True
        if "run" not in request:
            if request.get("stop"):
                conn.sendall(pack({"stopped": True, **state}))
                return False
            conn.sendall(pack(state))
            return True
        if len(fds) != 3:
            return True
        if not is_current(known):  # the caller runs its command itself
            conn.sendall(pack({"stale": True}))
            return False
        state["served"] += 1
        if os.fork() == 0:
            listener.close()
            _runner(conn, fds, request)  # never returns
        return True
    except (OSError, ValueError):  # a caller gone, late, or not speaking the protocol
        return True
    finally:
        for fd in fds:
            os.close(fd)


def _runner(conn: socket.socket, fds: list[int], request: dict) -> None:
    """Fork the command, tell the caller its process id, wait, pass its status back."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        pid = os.fork()
        if pid == 0:
            _command(conn, fds, request)  # never returns
        for fd in fds:
            os.close(fd)
        conn.sendall(pack({"pid": pid}))
        conn.sendall(pack(_wait(conn, pid)))
    except BaseException:  # noqa: BLE001  (the caller sees the end of the connection)
        pass
    os._exit(0)


def _wait(conn: socket.socket, pid: int) -> dict:
    """How the command ended (``exit`` status, and the ``signal`` that ended it if one
    did); when the caller goes away first, the command goes too."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None
    watched = [conn] if handle is None else [conn, handle]
    while True:
        readable, _w, _x = select.select(watched, [], [], 0.05 if handle is None else None)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return {"exit": code} if code >= 0 else {"exit": 128 - code, "signal": -code}
        if conn in readable and not conn.recv(1):
            os.kill(pid, signal.SIGKILL)
            watched = [handle] if handle is not None else []


def _stream(fd: int, mode: str, encoding: list | None):
    raw = io.FileIO(fd, mode, closefd=False)
    tty = raw.isatty()
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    name, errors = encoding or ("utf-8", "strict")
    return io.TextIOWrapper(
        buffered, encoding=name, errors=errors, line_buffering=tty, write_through=fd == 2
    )


def _command(conn: socket.socket, fds: list[int], request: dict) -> None:
    """Become the caller's `hub` process and run its command line."""
    conn.close()
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in set(fds) - {0, 1, 2}:
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    streams = request.get("streams") or [None, None, None]
    sys.stdin = _stream(0, "r", streams[0])
    sys.stdout = _stream(1, "w", streams[1])
    sys.stderr = _stream(2, "w", streams[2])
    sys.argv = list(request["run"])
    # Click names the program after __main__'s package when it has one: this process
    # was started as `python -m logistics.cli.standby_server`, the caller as `hub`.
    caller = types.ModuleType("__main__")
    caller.__file__ = sys.argv[0]
    sys.modules["__main__"] = caller
    code = 0
    try:
        os.chdir(request["cwd"])
        from logistics.cli.start import run_here

        run_here()
    except SystemExit as ended:
        code = _exit_code(ended.code)
    except BaseException:  # noqa: BLE001  (as Python itself would end)
        import traceback

        traceback.print_exc()
        code = 1
    _finish()
    os._exit(code)


def _exit_code(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    sys.stderr.write(f"{value}\n")
    return 1


def _finish() -> None:
    """What Python does at exit: wait for running threads, run exit handlers, flush."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def main(argv: list[str] | None = None) -> int:
    """``python -m logistics.cli.standby_server SOCKET``: "ready" on standard output once
    listening, then detached from it; a reason to refuse there instead."""
    from logistics import i18n

    i18n.use(i18n.choose())
    path = (argv if argv is not None else sys.argv[1:])[0]

    def ready() -> None:
        print("ready", flush=True)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)

    try:
        serve(path, ready)
    except Refused as refused:
        print(str(refused), flush=True)
        return 1
    except OSError as failed:  # a path too long for a socket, a folder not writable
        from logistics.errors import os_reason

        print(
            i18n._("The standby process cannot listen on {path}: {reason}.").format(
                path=path, reason=os_reason(failed)
            ),
            flush=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
