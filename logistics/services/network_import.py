"""Station, courier, tariff and van files: check every row, then add and update by code.

Imports are all-or-nothing: every row is checked first, and only a file without a bad
row is written, in one transaction, updating by code so a second run adds nothing.
Each row's change is listed (added, updated with its fields, unchanged); with
``dry_run`` the listing is made and nothing is saved. A column no field uses is refused
unless the import is told to ignore it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, select

from logistics.domain import network as rules
from logistics.domain.units import province_name, yuan
from logistics.errors import ImportRejected, InvalidInput
from logistics.i18n import N_, _
from logistics.models import Courier, CourierTariff, Station, Vehicle
from logistics.services.network import (
    _excluded,
    _upsert_by_code,
    current_hub,
    upsert_couriers,
    upsert_tariffs,
)

Spec = TypeVar("Spec")


# ---------------------------------------------------------------- reading files


def read_specs(
    path: Path,
    headers: Mapping[str, Iterable[str]],
    required: Iterable[str],
    parse: Callable[[Mapping[str, str]], Spec],
    key: Callable[[Spec], Any] | None = None,
    check: Callable[[Spec], None] | None = None,
    *,
    stored: Mapping[str, Mapping[str, str]] | None = None,
    ignore_unknown: bool = False,
    encoding: str | None = None,
) -> list[Spec]:
    """Every row of the file as a spec, or ImportRejected listing every bad row.

    ``check`` raises InvalidInput for a row that parses but does not fit what the hub
    has (a tariff of a courier that is not set up); it is listed like any bad row.
    ``stored`` holds the cells of the rows already stored, by code: a row of the file
    with such a code is laid over them (:func:`rules.merged`), so the columns the file
    does not carry, and its blank cells, keep what is stored. A column no field uses is
    refused, naming it, unless ``ignore_unknown``. ``encoding`` names a CSV file's
    encoding when its bytes cannot tell (latin-1)."""
    from logistics.io.tables import open_table  # openpyxl: only when a file is read

    table = open_table(
        path,
        {name: tuple(names) for name, names in headers.items()},
        required,
        encoding=encoding,
    )
    if table.ignored_headers and not ignore_unknown:
        raise InvalidInput(
            _(
                "File '{file}' has columns this import does not know: {columns}; "
                "rename them to the headers `--help` lists, or add --ignore-unknown "
                "to import the file without them."
            ).format(file=table.name, columns=", ".join(table.ignored_headers))
        )
    carried = set(table.columns)
    specs: list[Spec] = []
    problems: list[str] = []
    seen: dict[Any, int] = {}
    for row in table:
        try:
            values = row.values
            if stored:
                code = t_normal_code(values.get("code", ""))
                if code in stored:
                    values = rules.merged(stored[code], values, carried)
            spec = parse(values)
            if check is not None:
                check(spec)
        except InvalidInput as error:
            problems.append(
                _("{file} row {row}: {problem}").format(
                    file=table.name, row=row.number, problem=error
                )
            )
            continue
        if key is not None:
            identity = key(spec)
            if identity in seen:
                problems.append(
                    _(
                        "{file} row {row}: {code} repeats row {first}; expected each one once."
                    ).format(file=table.name, row=row.number, code=identity, first=seen[identity])
                )
                continue
            seen[identity] = row.number
        specs.append(spec)
    if problems:
        raise ImportRejected(table.name, problems)
    return specs


def t_normal_code(text: str) -> str:
    """A code as stored (GD05 for ' gd05 '), or '' when it is not one."""
    try:
        return rules.code_of(text or "")
    except InvalidInput:
        return ""


FIELD_LABELS: dict[str, str] = {
    "code": N_("Code"),
    "name": N_("Name"),
    "village": N_("Village"),
    "keeper_name": N_("Keeper"),
    "keeper_phone": N_("Keeper's phone"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "hours": N_("Opening hours"),
    "service_minutes": N_("Stop minutes"),
    "households": N_("Households"),
    "retention_days": N_("Retention days"),
    "active": N_("Active"),
    "tracking_pattern": N_("Tracking number pattern"),
    "cutoff": N_("Cut-off"),
    "daily_capacity": N_("Capacity/day"),
    "min_share": N_("Min share"),
    "volumetric_divisor": N_("Divisor"),
    "weight_step_kg": N_("Step kg"),
    "max_weight_kg": N_("Max kg"),
    "excluded_provinces": N_("Not served"),
    "phone": N_("Phone"),
    "first_kg": N_("First kg ¥"),
    "extra_kg": N_("Each extra kg ¥"),
    "plate": N_("Plate"),
    "capacity_kg": N_("Capacity kg"),
    "capacity_parcels": N_("Capacity parcels"),
    "shift_start": N_("Shift start"),
    "shift_end": N_("Shift end"),
    "cost_per_km": N_("¥/km"),
    "fixed_cost": N_("¥/day"),
}
"""The words of a file's columns in the chosen language, for an import's changes (the
column headers people know: 站长电话 for keeper_phone)."""


def field_label(name: str) -> str:
    """A field of an import file as people name it, in the chosen language."""
    label = FIELD_LABELS.get(name)
    return _(label) if label else name


@dataclass
class RowChange:
    """One row of an import file and what it does to the stored row with its code."""

    code: str
    change: rules.Change
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    """(field, stored, new) of an update."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "change": self.change.value,
            "fields": [
                {"field": f, "field_label": field_label(f), "from": old, "to": new}
                for f, old, new in self.fields
            ],
        }


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do), row by row."""

    file: str
    changes: list[RowChange] = field(default_factory=list)
    dry_run: bool = False
    tariffs: list[RowChange] = field(default_factory=list)

    def count(self, change: rules.Change, *, tariffs: bool = False) -> int:
        rows = self.tariffs if tariffs else self.changes
        return sum(1 for row in rows if row.change is change)

    @property
    def added(self) -> int:
        return self.count(rules.Change.ADDED)

    @property
    def updated(self) -> int:
        return self.count(rules.Change.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(rules.Change.UNCHANGED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "rows": [row.as_dict() for row in self.changes],
            "tariffs": [row.as_dict() for row in self.tariffs],
        }


def _changes(
    specs: Iterable[Any],
    stored: Mapping[str, Mapping[str, str]],
    text: Callable[[Any], Mapping[str, str]],
    key: Callable[[Any], str] = lambda spec: spec.code,
) -> list[RowChange]:
    changes = []
    for spec in specs:
        before = stored.get(key(spec))
        if before is None:
            changes.append(RowChange(key(spec), rules.Change.ADDED))
            continue
        fields = rules.differences(before, text(spec))
        kind = rules.Change.UPDATED if fields else rules.Change.UNCHANGED
        changes.append(RowChange(key(spec), kind, fields))
    return changes


def _finish(session: Session, result: ImportResult) -> ImportResult:
    if result.dry_run:
        session.rollback()
    else:
        session.commit()
    return result


# ---------------------------------------------------------------- stations


def import_stations(
    session: Session,
    path: Path,
    *,
    ignore_unknown: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """Add the file's new stations and update the others by code, changing only the
    columns the file carries; with ``dry_run`` nothing is saved."""
    return _import_by_code(
        session, path, Station, rules.STATION_HEADERS, rules.parse_station,
        rules.station_text, ignore_unknown=ignore_unknown, dry_run=dry_run, encoding=encoding,
    )  # fmt: skip


def _import_by_code(
    session: Session,
    path: Path,
    model,
    headers,
    parse,
    text_of,
    *,
    ignore_unknown: bool,
    dry_run: bool,
    encoding: str | None,
) -> ImportResult:
    """Read the file's rows of ``model``, list what they change against the stored rows
    (by code, only the columns the file carries) and save the changed ones."""
    hub_id = current_hub(session).id
    stored = {row.code: text_of(row) for row in session.exec(select(model))}
    specs = read_specs(
        path,
        headers,
        ("code",),
        parse,
        key=lambda spec: spec.code,
        stored=stored,
        ignore_unknown=ignore_unknown,
        encoding=encoding,
    )
    result = ImportResult(Path(path).name, _changes(specs, stored, text_of), dry_run)
    changed = {row.code for row in result.changes if row.change is not rules.Change.UNCHANGED}
    _upsert_by_code(session, model, [spec for spec in specs if spec.code in changed], hub_id=hub_id)
    return _finish(session, result)


# ---------------------------------------------------------------- couriers and tariffs


def _stored_couriers(session: Session) -> dict[str, dict[str, str]]:
    excluded = _excluded(session)
    return {
        c.code: rules.courier_text(c, excluded.get(c.id, ())) for c in session.exec(select(Courier))
    }


def _courier_spec_text(spec: rules.CourierSpec) -> dict[str, str]:
    return rules.courier_text(spec, spec.excluded_provinces)


def import_couriers(
    session: Session,
    path: Path | None,
    tariffs: Path | None = None,
    *,
    ignore_unknown: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """Couriers and/or their tariff rows, all in one transaction; an update changes only
    the columns the file carries; with ``dry_run`` nothing is saved."""
    result = ImportResult(Path(path).name if path is not None else "", dry_run=dry_run)
    if path is not None:
        stored = _stored_couriers(session)
        specs = read_specs(
            path,
            rules.COURIER_HEADERS,
            ("code",),
            rules.parse_courier,
            key=lambda s: s.code,
            stored=stored,
            ignore_unknown=ignore_unknown,
            encoding=encoding,
        )
        result.changes = _changes(specs, stored, _courier_spec_text)
        changed = {row.code for row in result.changes if row.change is not rules.Change.UNCHANGED}
        upsert_couriers(session, [s for s in specs if s.code in changed])
        session.flush()
    if tariffs is not None:
        known = set(session.exec(select(Courier.code)))  # with those just imported

        def courier_is_set_up(spec: rules.TariffSpec) -> None:
            if spec.courier_code not in known:
                raise InvalidInput(
                    _(
                        "courier '{courier}' is not set up: add it to the couriers "
                        "file or import it with `hub courier import` first."
                    ).format(courier=spec.courier_code)
                )

        tariff_specs = read_specs(
            tariffs,
            rules.TARIFF_HEADERS,
            ("courier", "province", "first_kg", "extra_kg"),
            rules.parse_tariff,
            key=lambda s: f"{s.courier_code} {_tariff_place(s.province_code)}",
            check=courier_is_set_up,
            ignore_unknown=ignore_unknown,
            encoding=encoding,
        )
        result.tariffs = _tariff_changes(session, tariff_specs)
        upsert_tariffs(session, tariff_specs)
    return _finish(session, result)


def _tariff_text(first_kg_fen: int, extra_kg_fen: int) -> dict[str, str]:
    return {"first_kg": str(yuan(first_kg_fen)), "extra_kg": str(yuan(extra_kg_fen))}


def _tariff_changes(session: Session, specs: list[rules.TariffSpec]) -> list[RowChange]:
    codes = {c.id: c.code for c in session.exec(select(Courier))}
    stored = {
        f"{codes[t.courier_id]} {_tariff_place(t.province_code)}": _tariff_text(
            t.first_kg_fen, t.extra_kg_fen
        )
        for t in session.exec(select(CourierTariff))
    }
    return _changes(
        specs,
        stored,
        lambda s: _tariff_text(s.first_kg_fen, s.extra_kg_fen),
        key=lambda s: f"{s.courier_code} {_tariff_place(s.province_code)}",
    )


def _tariff_place(code: str) -> str:
    """A tariff row's province as people name it: 贵州, or * for the rest."""
    return code if code == "*" else province_name(code)


# ---------------------------------------------------------------- vans


def import_vehicles(
    session: Session,
    path: Path,
    *,
    ignore_unknown: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """Add the file's new vans and update the others by code, changing only the columns
    the file carries; with ``dry_run`` nothing is saved."""
    return _import_by_code(
        session, path, Vehicle, rules.VEHICLE_HEADERS, rules.parse_vehicle,
        rules.vehicle_text, ignore_unknown=ignore_unknown, dry_run=dry_run, encoding=encoding,
    )  # fmt: skip
