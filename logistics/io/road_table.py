"""The road table: driving distances (and minutes) between the hub and its stations.

A CSV of rows ``from,to,km[,minutes]`` by station code, the hub by its own code (a
header row is allowed, ``#`` starts a comment). A pair given one way serves both ways;
minutes default to the km at the van speed.

The file is read like every input file: its encoding told from its bytes
(:mod:`logistics.io.encodings`), line by line within :mod:`logistics.io.budgets`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from logistics.errors import InvalidInput
from logistics.i18n import _
from logistics.io import budgets, encodings, files

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
    if path.is_dir() or not path.exists():
        raise InvalidInput(
            _("The matrix file {file} does not exist: expected a CSV file.").format(file=path)
        )
    km: dict[tuple[str, str], float] = {}
    minutes: dict[tuple[str, str], float] = {}
    try:
        encoding = encodings.detect(path)
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(budgets.text_lines(f, path))
            try:
                for row in reader:
                    _read_row(path, reader.line_num, row, known, km, minutes)
            except csv.Error as error:
                if "field limit" in str(error):
                    raise budgets.cell_too_long(path.name, reader.line_num) from None
                raise InvalidInput(
                    _("File '{file}' line {line} is not valid CSV ({error}).").format(
                        file=path.name, line=reader.line_num, error=error
                    )
                ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("The matrix file {file} cannot be read as UTF-8 text: {error}.").format(
                file=path, error=error
            )
        ) from None
    return km, minutes


def _read_row(
    path: Path,
    line_no: int,
    row: list[str],
    known: set[str],
    km: dict[tuple[str, str], float],
    minutes: dict[tuple[str, str], float],
) -> None:
    if len(row) > budgets.MAX_COLUMNS or sum(map(len, row)) > budgets.MAX_CELL_CHARS:
        row = budgets.check_row(path.name, line_no, row, _("line {line}").format(line=line_no))
    cells = [c.strip() for c in row]
    if not cells or all(not c for c in cells) or cells[0].startswith("#"):
        return
    if line_no == 1 and cells[0].lower() in _HEADERS:
        return
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
