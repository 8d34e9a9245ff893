"""The one way the hub writes a file.

Every document, export, rejects list and backup goes through :func:`write_file`:

* it refuses a protected path: the database the process has open (and its ``-wal`` /
  ``-shm`` companions) and every file the same command reads (``protect`` is called
  by the database layer and by the readers in ``io``), so ``--pdf hub.db`` or
  ``--rejects in.csv`` can never replace them;
* it refuses an existing file unless the caller passes ``force`` (the user's
  ``--force``), or the target is inside a folder the command made for itself;
* it writes to a temporary file beside the target and renames it into place only
  when complete, so a full disk or a kill leaves the old file or none, never half a
  file;
* files holding personal data (``private=True``) are created readable by their
  owner only (0600).

A failure is worded once, here: "File 'x' cannot be written: <reason>."
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from logistics.errors import InvalidInput
from logistics.i18n import N_, _

_protected: set[Path] = set()
_owned_folders: set[Path] = set()


def _key(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(os.fspath(path)))


def protect(path: str | os.PathLike[str], *, with_companions: bool = False) -> None:
    """Never write over ``path`` in this process (the database, an input file)."""
    key = _key(path)
    _protected.add(key)
    with contextlib.suppress(OSError):
        _protected.add(key.resolve())
    if with_companions:
        for suffix in ("-wal", "-shm", "-journal"):
            _protected.add(key.with_name(key.name + suffix))


def own_folder(folder: str | os.PathLike[str]) -> None:
    """Files inside ``folder`` (made by this command) may be replaced without --force."""
    _owned_folders.add(_key(folder))


def is_protected(path: str | os.PathLike[str]) -> bool:
    key = _key(path)
    try:
        resolved = key.resolve()
    except OSError:
        resolved = key
    return key in _protected or resolved in _protected


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """The target as a Path, or InvalidInput naming why the hub will not write there."""
    target = _key(path)
    shown = os.fspath(path)
    if is_protected(target):
        raise InvalidInput(
            _(
                "File '{file}' is the database or an input of this command: "
                "choose another file name, nothing was written."
            ).format(file=shown)
        )
    if target.is_dir():
        raise InvalidInput(_("'{file}' is a folder: expected a file name.").format(file=shown))
    if target.exists() and not force and target.parent not in _owned_folders:
        raise InvalidInput(
            _(
                "File '{file}' already exists: add --force to replace it, "
                "or choose another file name."
            ).format(file=shown)
        )
    return target


def write_file(
    path: str | os.PathLike[str],
    fill: Callable[[Path], object],
    *,
    force: bool = False,
    private: bool = False,
) -> Path:
    """Write ``path`` by calling ``fill(temporary_path)``, then rename it into place.

    ``fill`` writes the whole file at the temporary path it is given (reportlab and
    openpyxl take a path). Returns the target path.
    """
    with _replacing(path, force=force, private=private) as temp:
        fill(temp)
    return _key(path)


@contextlib.contextmanager
def open_text(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    private: bool = False,
    encoding: str = "utf-8",
) -> Iterator[IO[str]]:
    """A text stream whose content lands at ``path`` when the block ends without error."""
    with (
        _replacing(path, force=force, private=private) as temp,
        open(temp, "w", encoding=encoding, newline="") as stream,
    ):
        yield stream


@contextlib.contextmanager
def _replacing(path: str | os.PathLike[str], *, force: bool, private: bool) -> Iterator[Path]:
    """A temporary file beside ``path``: renamed onto it, synced, when the block ends well;
    removed when it does not, so a failure leaves the old file or none."""
    target = check_target(path, force=force)
    shown = os.fspath(path)
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise cannot_write(shown, error) from None
    os.close(fd)
    temp = Path(temporary)
    try:
        os.chmod(temp, 0o600 if private else 0o666 & ~_umask())
        yield temp
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise cannot_write(shown, error) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def cannot_write(shown: str, error: OSError) -> InvalidInput:
    """The one sentence for a file the hub could not write."""
    return InvalidInput(
        _("File '{file}' cannot be written: {reason}.").format(file=shown, reason=os_reason(error))
    )


_REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOENT: N_("its folder does not exist"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ENOTDIR: N_("a part of its path is not a folder"),
}


def os_reason(error: OSError) -> str:
    """Why the system refused, in the chosen language where the hub knows the reason."""
    known = _REASONS.get(error.errno or 0)
    if known:
        return _(known)
    return (error.strerror or type(error).__name__).lower()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
