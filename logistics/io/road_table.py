"""The road table: driving distances (and minutes) between the hub and its stations.

A CSV of rows ``from,to,km[,minutes]`` by station code, the hub by its own code (a
header row is allowed, ``#`` starts a comment). A pair given one way serves both ways;
minutes default to the km at the van speed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io import files

_HEADERS = ("from", "from_code", "origin", "起点")


def read_matrix(
    path: str | Path,
    codes: Sequence[str],
    speed_kmh: float,
    known: Iterable[str] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Metre and second matrices over ``codes`` (the hub first) from a road table CSV.

    Codes in ``known`` (the hub's other stations) may appear without being needed.
    """
    path = Path(path)
    files.protect(path)
    km, minutes = _read_rows(path, {c.upper() for c in codes} | {c.upper() for c in known})
    n = len(codes)
    metres = np.zeros((n, n), dtype=np.int64)
    seconds = np.zeros((n, n), dtype=np.int64)
    upper = [c.upper() for c in codes]
    for i, a in enumerate(upper):
        for j, b in enumerate(upper):
            if i == j:
                continue
            pair = (a, b) if (a, b) in km else (b, a) if (b, a) in km else None
            if pair is None:
                raise InvalidInput(
                    _(
                        "{file} has no distance from {a} to {b}: every pair of "
                        "the hub and today's stations needs a from,to,km row."
                    ).format(file=path.name, a=codes[i], b=codes[j])
                )
            metres[i, j] = round(km[pair] * 1000)
            if pair in minutes:
                seconds[i, j] = math.ceil(minutes[pair] * 60)
            else:
                seconds[i, j] = math.ceil(km[pair] * 3600 / speed_kmh)
    return metres, seconds


def _read_rows(
    path: Path, known: set[str]
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """Km and minutes by (from, to) code pair, as the file gives them."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(
            _("The matrix file {file} does not exist: expected a CSV file.").format(file=path)
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("The matrix file {file} cannot be read as UTF-8 text: {error}.").format(
                file=path, error=error
            )
        ) from None
    km: dict[tuple[str, str], float] = {}
    minutes: dict[tuple[str, str], float] = {}
    for line_no, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not cells or all(not c for c in cells) or cells[0].startswith("#"):
            continue
        if line_no == 1 and cells[0].lower() in _HEADERS:
            continue
        where = {"file": path.name, "line": line_no}
        if len(cells) < 3:
            raise InvalidInput(
                _("{file} line {line} has {n} cells: expected from,to,km[,minutes].").format(
                    n=len(cells), **where
                )
            )
        a, b = cells[0].upper(), cells[1].upper()
        for code in (a, b):
            if code not in known:
                raise InvalidInput(
                    _(
                        "{file} line {line}: '{code}' is neither the hub's code nor a station code."
                    ).format(code=code, **where)
                )
        try:
            dist = float(cells[2])
            mins = float(cells[3]) if len(cells) > 3 and cells[3] else None
        except ValueError:
            raise InvalidInput(
                _("{file} line {line}: km and minutes must be numbers, got {values}.").format(
                    values=", ".join(cells[2:4]), **where
                )
            ) from None
        if (
            not math.isfinite(dist)
            or dist < 0
            or (mins is not None and (mins < 0 or not math.isfinite(mins)))
        ):
            raise InvalidInput(
                _("{file} line {line}: km and minutes must be 0 or more.").format(**where)
            )
        km[(a, b)] = dist
        if mins is not None:
            minutes[(a, b)] = mins
    return km, minutes
