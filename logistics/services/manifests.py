"""Pickup manifests: build, list, show, close, load-check, hand over and print.

A manifest is one courier's handover list for one hub-local day and cut-off, numbered
``M-{COURIER}-{yyyymmdd}-{n}`` (``n`` counts that courier's manifests of the day).

* **build** puts the parcels at the hub (``at_hub``) that are assigned to a courier and
  on no manifest onto that courier's *open* manifest of the day and cut-off, creating
  it when there is none; a later build adds the parcels that arrived since. Parcels on
  an open manifest stay ``at_hub``; one that was held, cancelled or given to another
  courier meanwhile leaves the open manifest at the next build or at close.
* **close** locks the manifest: in one transaction every parcel on it becomes
  ``manifested`` (a ``manifest`` event each); nothing is added or removed afterwards.
* **load check**: the courier's driver scans the parcels as they go into the truck;
  every scan is kept (:class:`~logistics.models.ManifestLoadScan`: loaded, repeat or
  refused), a parcel that is not on this manifest is refused.
* **handover** needs every parcel loaded, or ``force`` with a reason (recorded on the
  manifest and on the events of the parcels that were not scanned); the parcels become
  ``handed_over`` and the driver's name and plate are stored.
* **print** builds the :class:`~logistics.io.pdf.manifest.ManifestDocument` from stored
  data only (a closed manifest is dated by its ``closed_at``), so printing it again gives
  the same bytes; the CSV copy is UTF-8 with a BOM and formula-safe. Recipients are
  masked (GB/T 41833-2022) on paper and in the CSV.

Every state change of a parcel goes through :func:`parcel_events.record_step`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from logistics.domain.clock import parse_day, to_local, utcnow, zone
from logistics.domain.parcel_status import Action, Status
from logistics.domain.privacy import mask_name, mask_phone
from logistics.domain.provinces import province_by_code
from logistics.errors import HubError, InvalidInput, NotFound, RuleBroken
from logistics.io.csv_export import write_csv
from logistics.io.pdf.labels import ParcelLabel, render_labels
from logistics.io.pdf.manifest import (
    ManifestDocument,
    ManifestHandover,
    ManifestLine,
    render_manifest,
)
from logistics.models import (
    Courier,
    Hub,
    Manifest,
    ManifestLoadScan,
    Parcel,
    ParcelEvent,
    Station,
)
from logistics.services.network import courier_by_code, current_hub
from logistics.services.parcel_events import find_parcel, record_note, record_step

OPEN = "open"
CLOSED = "closed"
HANDED_OVER = "handed_over"

LOADED = "loaded"
REPEAT = "repeat"
REFUSED = "refused"

OUTBOUND = "outbound"
CHUNK = 500

CSV_COLUMNS = (
    "manifest_no",
    "seq",
    "parcel_no",
    "tracking_no",
    "origin_station",
    "origin_station_code",
    "dest_province",
    "dest_city",
    "chargeable_kg",
    "recipient",
    "recipient_phone",
)


# ------------------------------------------------------------------ finding things


def manifest_no_for(courier_code: str, day: date, n: int) -> str:
    """``M-ZTO-20261123-1``."""
    return f"M-{courier_code}-{day:%Y%m%d}-{n}"


def get_manifest(session: Session, ref: str | int, *, for_update: bool = False) -> Manifest:
    """The manifest a number (``M-ZTO-20261123-1``, any case) or database id names."""
    text = str(ref).strip().upper()
    query = select(Manifest)
    if text.isdigit():
        query = query.where(Manifest.id == int(text))
    else:
        query = query.where(Manifest.manifest_no == text)
    if for_update:
        query = query.with_for_update()
    manifest = session.exec(query).first()
    if manifest is None:
        raise NotFound(
            f"There is no manifest '{ref}': expected a number such as M-ZTO-20261123-1 "
            "(`hub manifest list` shows them)."
        )
    return manifest


def _members_query(manifest: Manifest):
    """The parcels on the manifest: for an open one only those still at the hub and still
    assigned to its courier (the rest leave it at the next build or at close)."""
    query = select(Parcel).where(Parcel.manifest_id == manifest.id)
    if manifest.status == OPEN:
        query = query.where(
            Parcel.status == Status.AT_HUB.value, Parcel.courier_id == manifest.courier_id
        )
    return query


def members(session: Session, manifest: Manifest, *, for_update: bool = False) -> list[Parcel]:
    """The parcels on the manifest in printed order (by hub parcel id)."""
    query = _members_query(manifest).order_by(Parcel.parcel_no)
    if for_update:
        query = query.with_for_update()
    return list(session.exec(query))


def _drop_strays(session: Session, manifest: Manifest) -> int:
    """Take parcels off an open manifest that are no longer at the hub for its courier."""
    strays = session.exec(
        select(Parcel).where(
            Parcel.manifest_id == manifest.id,
            (Parcel.status != Status.AT_HUB.value) | (Parcel.courier_id != manifest.courier_id),
        )
    ).all()
    for parcel in strays:
        parcel.manifest_id = None
        session.add(parcel)
    return len(strays)


def _tz(hub: Hub):
    return zone(hub.timezone)


def _local(moment: datetime | None, tz) -> datetime | None:
    return None if moment is None else to_local(moment, tz).replace(tzinfo=None)


def _text_time(moment: datetime | None, tz) -> str | None:
    local = _local(moment, tz)
    return None if local is None else local.strftime("%Y-%m-%d %H:%M")


# ------------------------------------------------------------------ build


@dataclass(frozen=True)
class BuiltManifest:
    manifest_no: str
    courier_code: str
    courier_name: str
    cutoff: str
    created: bool
    added: int
    removed: int
    parcels: int
    weight_kg: Decimal


@dataclass(frozen=True)
class BuildResult:
    service_date: date
    manifests: list[BuiltManifest]
    still_open: list[str] = field(default_factory=list)
    """Open manifests of earlier days (close or hand them over)."""

    @property
    def added(self) -> int:
        return sum(m.added for m in self.manifests)


def build_manifests(
    session: Session,
    *,
    courier: str | None = None,
    day: str | date | None = None,
    operator: str,
) -> BuildResult:
    """Put the waiting parcels at the hub on their courier's open manifest of ``day``
    (default the hub's today) and cut-off, creating it when needed; commits once.

    ``courier`` limits the build to one courier (code). Couriers with nothing waiting
    and no open manifest get none; an open manifest is reported even when nothing new
    was added.
    """
    hub = current_hub(session)
    tz = _tz(hub)
    service_date = day if isinstance(day, date) else parse_day(day, tz)
    if courier:
        chosen = [courier_by_code(session, courier)]
    else:
        chosen = list(session.exec(select(Courier).order_by(Courier.code)))
    now = utcnow()
    built: list[BuiltManifest] = []
    for item in chosen:
        # Serialise builds of one courier (PostgreSQL; SQLite holds the write lock already).
        session.exec(select(Courier.id).where(Courier.id == item.id).with_for_update()).first()
        waiting = list(
            session.exec(
                select(Parcel)
                .where(
                    Parcel.courier_id == item.id,
                    Parcel.status == Status.AT_HUB.value,
                    Parcel.direction == OUTBOUND,
                    Parcel.manifest_id.is_(None),  # type: ignore[union-attr]
                )
                .order_by(Parcel.parcel_no)
                .with_for_update()
            )
        )
        manifest = session.exec(
            select(Manifest).where(
                Manifest.courier_id == item.id,
                Manifest.service_date == service_date,
                Manifest.cutoff == item.cutoff,
                Manifest.status == OPEN,
            )
        ).first()
        if manifest is None and not waiting:
            continue
        created = manifest is None
        if manifest is None:
            manifest = Manifest(
                manifest_no=_next_number(session, item, service_date),
                courier_id=item.id,
                service_date=service_date,
                cutoff=item.cutoff,
                status=OPEN,
                created_at=now,
            )
            session.add(manifest)
            session.flush()
        removed = _drop_strays(session, manifest)
        for parcel in waiting:
            parcel.manifest_id = manifest.id
            session.add(parcel)
        session.flush()
        count, grams = _count_and_grams(session, manifest)
        built.append(
            BuiltManifest(
                manifest_no=manifest.manifest_no,
                courier_code=item.code,
                courier_name=item.name,
                cutoff=item.cutoff.strftime("%H:%M"),
                created=created,
                added=len(waiting),
                removed=removed,
                parcels=count,
                weight_kg=_kg(grams),
            )
        )
    still_open = list(
        session.exec(
            select(Manifest.manifest_no)
            .where(Manifest.status == OPEN, Manifest.service_date < service_date)
            .order_by(Manifest.manifest_no)
        )
    )
    session.commit()
    return BuildResult(service_date, built, still_open)


def _next_number(session: Session, courier: Courier, day: date) -> str:
    prefix = manifest_no_for(courier.code, day, 0)[:-1]
    numbers = session.exec(
        select(Manifest.manifest_no).where(Manifest.manifest_no.like(prefix + "%"))  # type: ignore[attr-defined]
    ).all()
    taken = [int(no[len(prefix) :]) for no in numbers if no[len(prefix) :].isdigit()]
    return manifest_no_for(courier.code, day, max(taken, default=0) + 1)


def _count_and_grams(session: Session, manifest: Manifest) -> tuple[int, int]:
    sub = _members_query(manifest).subquery()
    row = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(func.coalesce(sub.c.chargeable_g, sub.c.weight_g)), 0),
        ).select_from(sub)
    ).one()
    return int(row[0]), int(row[1])


# ------------------------------------------------------------------ list and show


def _loaded_ids(session: Session, manifest_id: int) -> set[int]:
    return set(
        session.exec(
            select(ManifestLoadScan.parcel_id).where(
                ManifestLoadScan.manifest_id == manifest_id,
                ManifestLoadScan.outcome == LOADED,
            )
        )
    )


def list_manifests(
    session: Session,
    *,
    day: str | None = None,
    courier: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Manifests, newest day first, with parcel count, weight and load-check progress."""
    hub = current_hub(session)
    tz = _tz(hub)
    query = select(Manifest, Courier).join(Courier, Courier.id == Manifest.courier_id)
    if day:
        query = query.where(Manifest.service_date == parse_day(day, tz))
    if courier:
        query = query.where(Manifest.courier_id == courier_by_code(session, courier).id)
    if status:
        wanted = status.strip().lower().replace("-", "_")
        if wanted not in (OPEN, CLOSED, HANDED_OVER):
            raise InvalidInput(
                f"'{status}' is not a manifest status: expected open, closed or handed_over."
            )
        query = query.where(Manifest.status == wanted)
    query = query.order_by(Manifest.service_date.desc(), Courier.code, Manifest.id)  # type: ignore[attr-defined]
    rows = []
    for manifest, item in session.exec(query):
        count, grams = _count_and_grams(session, manifest)
        loaded = len(_loaded_ids(session, manifest.id) & _member_ids(session, manifest))
        rows.append(_summary(manifest, item, tz, count, grams, loaded))
    return rows


def _member_ids(session: Session, manifest: Manifest) -> set[int]:
    sub = _members_query(manifest).subquery()
    return set(session.exec(select(sub.c.id)))


def _summary(
    manifest: Manifest, item: Courier, tz, count: int, grams: int, loaded: int
) -> dict[str, Any]:
    return {
        "manifest_no": manifest.manifest_no,
        "courier": item.code,
        "courier_name": item.name,
        "service_date": manifest.service_date,
        "cutoff": manifest.cutoff.strftime("%H:%M"),
        "status": manifest.status,
        "parcels": count,
        "weight_kg": _kg(grams),
        "loaded": loaded,
        "missing": count - loaded if manifest.status != OPEN else None,
        "created_at": _text_time(manifest.created_at, tz),
        "closed_at": _text_time(manifest.closed_at, tz),
        "handed_over_at": _text_time(manifest.handed_over_at, tz),
        "driver": manifest.driver_name,
        "plate": manifest.plate,
        "forced": manifest.forced,
        "force_reason": manifest.force_reason,
    }


def show_manifest(session: Session, ref: str | int) -> dict[str, Any]:
    """One manifest: its summary, its parcels (recipients masked) and its load check."""
    hub = current_hub(session)
    tz = _tz(hub)
    manifest = get_manifest(session, ref)
    item = session.get(Courier, manifest.courier_id)
    parcels = members(session, manifest)
    loaded = _loaded_ids(session, manifest.id)
    stations = _stations(session, parcels)
    lines = []
    for seq, parcel in enumerate(parcels, start=1):
        station = stations.get(parcel.station_id)
        lines.append(
            {
                "seq": seq,
                "parcel_no": parcel.parcel_no,
                "tracking_no": parcel.tracking_no,
                "station": station.code if station else None,
                "province": _province_name(parcel.province_code),
                "city": parcel.city,
                "chargeable_kg": _kg(_grams(parcel)),
                "recipient": mask_name(parcel.recipient_name),
                "recipient_phone": mask_phone(parcel.recipient_phone),
                "status": parcel.status,
                "loaded": parcel.id in loaded,
            }
        )
    grams = sum(_grams(p) for p in parcels)
    record = _summary(
        manifest, item, tz, len(parcels), grams, sum(1 for ln in lines if ln["loaded"])
    )
    scans = session.exec(
        select(func.count()).where(ManifestLoadScan.manifest_id == manifest.id)
    ).one()
    refused = session.exec(
        select(func.count()).where(
            ManifestLoadScan.manifest_id == manifest.id, ManifestLoadScan.outcome == REFUSED
        )
    ).one()
    record["load_scans"] = int(scans)
    record["load_refused"] = int(refused)
    record["lines"] = lines
    return record


def _kg(grams: int) -> Decimal:
    """Grams as exact kg with at least two decimals: 3000 -> 3.00, 1250 -> 1.25."""
    value = Decimal(grams) / 1000
    two = value.quantize(Decimal("0.01"))
    return two if two == value else value


def _grams(parcel: Parcel) -> int:
    return parcel.chargeable_g if parcel.chargeable_g is not None else parcel.weight_g


def _province_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return province_by_code(code).name
    except HubError:
        return code


def _stations(session: Session, parcels: Iterable[Parcel]) -> dict[int, Station]:
    ids = {p.station_id for p in parcels}
    if not ids:
        return {}
    return {
        s.id: s
        for s in session.exec(select(Station).where(Station.id.in_(ids)))  # type: ignore[union-attr]
    }


# ------------------------------------------------------------------ close


@dataclass(frozen=True)
class CloseResult:
    manifest_no: str
    parcels: int
    weight_kg: Decimal
    removed: int


def close_manifest(session: Session, ref: str | int, *, operator: str) -> CloseResult:
    """Lock an open manifest: its parcels become manifested, in one transaction."""
    manifest = get_manifest(session, ref, for_update=True)
    if manifest.status != OPEN:
        raise RuleBroken(
            f"Manifest {manifest.manifest_no} is already {_status_words(manifest.status)}: "
            "nothing can be added or removed any more."
        )
    removed = _drop_strays(session, manifest)
    session.flush()
    parcels = members(session, manifest, for_update=True)
    if not parcels:
        session.rollback()
        raise RuleBroken(
            f"Manifest {manifest.manifest_no} has no parcels, so it cannot be closed: "
            "`hub manifest build` adds the parcels waiting at the hub."
        )
    now = utcnow()
    place = current_hub(session).code
    for parcel in parcels:
        record_step(
            session,
            parcel,
            Action.MANIFEST,
            operator=operator,
            place=place,
            note=manifest.manifest_no,
            at=now,
        )
    manifest.status = CLOSED
    manifest.closed_at = now
    session.add(manifest)
    session.commit()
    grams = sum(_grams(p) for p in parcels)
    return CloseResult(manifest.manifest_no, len(parcels), _kg(grams), removed)


def _status_words(status: str) -> str:
    return {OPEN: "open", CLOSED: "closed", HANDED_OVER: "handed over"}.get(status, status)


# ------------------------------------------------------------------ load check


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: str  # loaded | repeat | refused
    message: str
    parcel_no: str | None = None


@dataclass(frozen=True)
class LoadProgress:
    loaded: int
    expected: int
    missing: list[str]
    """Codes (tracking number, else hub id) of the parcels not scanned yet, in order."""

    @property
    def complete(self) -> bool:
        return self.loaded >= self.expected


@dataclass(frozen=True)
class _OnManifest:
    id: int
    parcel_no: str
    tracking_no: str | None

    @property
    def name(self) -> str:
        return f"{self.parcel_no} ({self.tracking_no})" if self.tracking_no else self.parcel_no


class LoadCheck:
    """The courier driver's load check of one closed manifest, one scan at a time.

    Every scan is stored and committed before it is answered; scans of earlier sessions
    count (running ``load`` again continues the check).
    """

    def __init__(self, session: Session, ref: str | int, *, operator: str):
        self.session = session
        self.operator = operator
        manifest = get_manifest(session, ref)
        if manifest.status == OPEN:
            raise RuleBroken(
                f"Manifest {manifest.manifest_no} is still open: close it "
                f"(`hub manifest close {manifest.manifest_no}`) before the load check."
            )
        if manifest.status == HANDED_OVER:
            raise RuleBroken(
                f"Manifest {manifest.manifest_no} was already handed over: "
                "its load check is finished."
            )
        self.manifest_no = manifest.manifest_no
        self.manifest_id = manifest.id
        parcels = [
            _OnManifest(p.id, p.parcel_no, p.tracking_no) for p in members(session, manifest)
        ]
        self._order = [p.id for p in parcels]
        self._label = {p.id: p.tracking_no or p.parcel_no for p in parcels}
        self._by_code: dict[str, _OnManifest] = {}
        for parcel in parcels:
            self._by_code[parcel.parcel_no.upper()] = parcel
            if parcel.tracking_no:
                self._by_code[parcel.tracking_no.upper()] = parcel
        self._loaded = _loaded_ids(session, manifest.id) & set(self._order)
        session.rollback()  # end the read; each scan is its own transaction
        self.tally: dict[str, int] = {LOADED: 0, REPEAT: 0, REFUSED: 0}

    @property
    def progress(self) -> LoadProgress:
        return LoadProgress(len(self._loaded), len(self._order), self.missing())

    def missing(self, limit: int | None = None) -> list[str]:
        out = []
        for parcel_id in self._order:
            if parcel_id not in self._loaded:
                out.append(self._label[parcel_id])
                if limit is not None and len(out) >= limit:
                    break
        return out

    def scan(self, code: str) -> LoadResult:
        code = (code or "").strip().upper()
        if not code:
            result = LoadResult(code, REFUSED, "An empty code was scanned: expected a parcel.")
            self.tally[REFUSED] += 1
            return result
        parcel = self._by_code.get(code)
        parcel_id = parcel.id if parcel else None
        if parcel is not None and parcel.id in self._loaded:
            outcome = REPEAT
            message = f"Parcel {parcel.name} was already loaded; counted once."
        elif parcel is not None:
            outcome = LOADED
            message = f"Parcel {parcel.name} loaded."
        else:
            outcome = REFUSED
            message, parcel_id = self._refusal(code)
        self.session.add(
            ManifestLoadScan(
                manifest_id=self.manifest_id,
                parcel_id=parcel_id,
                code=code[:40],
                outcome=outcome,
                at=utcnow(),
                operator=self.operator[:64],
            )
        )
        self.session.commit()
        if outcome == LOADED:
            self._loaded.add(parcel.id)
        self.tally[outcome] += 1
        return LoadResult(code, outcome, message, parcel.parcel_no if parcel else None)

    def _refusal(self, code: str) -> tuple[str, int | None]:
        head = f"Not on manifest {self.manifest_no}, do not load it"
        try:
            other = find_parcel(self.session, code)
        except NotFound:
            return f"{head}: no parcel has the hub id or tracking number '{code}'.", None
        name = _OnManifest(other.id, other.parcel_no, other.tracking_no).name
        if other.manifest_id is not None:
            elsewhere = self.session.get(Manifest, other.manifest_id)
            where = elsewhere.manifest_no if elsewhere else "another manifest"
            return f"{head}: parcel {name} belongs to manifest {where}.", other.id
        status = Status.label_of(other.status)
        return f"{head}: parcel {name} is {status} and on no manifest.", other.id


def open_load_check(session: Session, ref: str | int, *, operator: str) -> LoadCheck:
    return LoadCheck(session, ref, operator=operator)


def load_scan(session: Session, ref: str | int, codes: Sequence[str], *, operator: str):
    """Scan several codes against a manifest; returns (results, progress)."""
    check = LoadCheck(session, ref, operator=operator)
    results = [check.scan(code) for code in codes]
    return results, check.progress


# ------------------------------------------------------------------ handover


@dataclass(frozen=True)
class HandoverResult:
    manifest_no: str
    parcels: int
    weight_kg: Decimal
    driver: str
    plate: str
    forced: bool
    missing: int


def handover_manifest(
    session: Session,
    ref: str | int,
    *,
    driver: str,
    plate: str,
    operator: str,
    force: bool = False,
    reason: str | None = None,
) -> HandoverResult:
    """Hand a closed manifest to the courier's driver: its parcels become handed_over.

    Refused while parcels are missing from the load check, unless ``force`` with a
    ``reason``, which is stored on the manifest and noted on the unscanned parcels' events.
    """
    driver = " ".join((driver or "").split())
    plate = "".join((plate or "").split()).upper()
    reason = " ".join((reason or "").split())
    if not driver:
        raise InvalidInput("The driver's name (--driver) is empty: expected who takes the load.")
    if not plate:
        raise InvalidInput("The plate (--plate) is empty: expected the truck's number plate.")
    if force and not reason:
        raise InvalidInput("A forced handover needs --reason TEXT: expected why it is forced.")
    if reason and not force:
        raise InvalidInput("--reason is only for a forced handover: add --force or leave it out.")
    manifest = get_manifest(session, ref, for_update=True)
    if manifest.status == OPEN:
        raise RuleBroken(
            f"Manifest {manifest.manifest_no} is still open: close it and check the load "
            "before handing it over."
        )
    if manifest.status == HANDED_OVER:
        tz = _tz(current_hub(session))
        raise RuleBroken(
            f"Manifest {manifest.manifest_no} was already handed over to "
            f"{manifest.driver_name} ({manifest.plate}) at "
            f"{_text_time(manifest.handed_over_at, tz)}."
        )
    parcels = members(session, manifest, for_update=True)
    loaded = _loaded_ids(session, manifest.id)
    missing = [p for p in parcels if p.id not in loaded]
    if missing and not force:
        names = ", ".join(p.tracking_no or p.parcel_no for p in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise RuleBroken(
            f"Manifest {manifest.manifest_no} cannot be handed over: {len(missing)} of "
            f"{len(parcels)} parcels were not scanned in the load check ({names}{more}); "
            "finish `hub manifest load` or use --force --reason TEXT."
        )
    now = utcnow()
    place = current_hub(session).code
    missing_ids = {p.id for p in missing}
    for parcel in parcels:
        note = f"{manifest.manifest_no} to {driver} {plate}"
        if parcel.id in missing_ids:
            note += f"; not scanned in the load check, forced: {reason}"
        record_step(
            session, parcel, Action.HANDOVER, operator=operator, place=place, note=note, at=now
        )
    manifest.status = HANDED_OVER
    manifest.handed_over_at = now
    manifest.driver_name = driver[:200]
    manifest.plate = plate
    manifest.forced = bool(missing)
    manifest.force_reason = reason if missing else None
    session.add(manifest)
    session.commit()
    grams = sum(_grams(p) for p in parcels)
    return HandoverResult(
        manifest.manifest_no,
        len(parcels),
        _kg(grams),
        driver,
        plate,
        bool(missing),
        len(missing),
    )


# ------------------------------------------------------------------ printing


def _recipient(parcel: Parcel) -> str:
    name = mask_name(parcel.recipient_name) or "-"
    phone = mask_phone(parcel.recipient_phone)
    return f"{name}  {phone}" if phone else name


def _operator_of(session: Session, parcel_id: int | None, action: str) -> str:
    if parcel_id is None:
        return ""
    found = session.exec(
        select(ParcelEvent.operator)
        .where(ParcelEvent.parcel_id == parcel_id, ParcelEvent.action == action)
        .order_by(ParcelEvent.id.desc())  # type: ignore[union-attr]
    ).first()
    return found or ""


def manifest_document(session: Session, ref: str | int) -> ManifestDocument:
    """The printable manifest, from stored data only.

    A closed or handed-over manifest is dated by its ``closed_at``, so printing it again
    gives identical bytes; an open one is a draft dated now.
    """
    hub = current_hub(session)
    tz = _tz(hub)
    manifest = get_manifest(session, ref)
    item = session.get(Courier, manifest.courier_id)
    parcels = members(session, manifest)
    stations = _stations(session, parcels)
    lines = []
    for seq, parcel in enumerate(parcels, start=1):
        station = stations.get(parcel.station_id)
        lines.append(
            ManifestLine(
                seq=seq,
                parcel_no=parcel.parcel_no,
                tracking_no=parcel.tracking_no,
                origin_station=station.name if station else hub.name,
                origin_station_code=station.code if station else "",
                dest_province=_province_name(parcel.province_code),
                dest_city=parcel.city or "",
                chargeable_kg=_kg(_grams(parcel)),
                recipient=_recipient(parcel),
            )
        )
    first_id = parcels[0].id if parcels else None
    operator = _operator_of(session, first_id, Action.MANIFEST.value)
    load_check = ""
    if manifest.status != OPEN:
        loaded = len(_loaded_ids(session, manifest.id) & {p.id for p in parcels})
        load_check = f"已扫 {loaded} / {len(parcels)}  scanned {loaded} of {len(parcels)}"
    handover = None
    if manifest.status == HANDED_OVER and manifest.handed_over_at is not None:
        handover = ManifestHandover(
            driver_name=manifest.driver_name or "",
            vehicle_plate=manifest.plate or "",
            handed_over_at=_local(manifest.handed_over_at, tz),
            operator_name=_operator_of(session, first_id, Action.HANDOVER.value),
            forced_reason=(manifest.force_reason or "") if manifest.forced else "",
        )
    issued = manifest.closed_at if manifest.status != OPEN else utcnow()
    return ManifestDocument(
        manifest_no=manifest.manifest_no,
        hub_name=hub.name,
        hub_code=hub.code,
        courier_code=item.code,
        courier_name=item.name,
        service_date=manifest.service_date,
        cutoff=manifest.cutoff,
        status=manifest.status,
        issued_at=_local(issued, tz),
        lines=lines,
        operator_name=operator,
        load_check=load_check,
        handover=handover,
    )


def manifest_csv_rows(doc: ManifestDocument) -> list[dict[str, Any]]:
    """The manifest's lines as CSV rows (recipient name and phone masked, in two columns)."""
    rows = []
    for line in doc.lines:
        name, _sep, phone = line.recipient.partition("  ")
        rows.append(
            {
                "manifest_no": doc.manifest_no,
                "seq": line.seq,
                "parcel_no": line.parcel_no,
                "tracking_no": line.tracking_no,
                "origin_station": line.origin_station,
                "origin_station_code": line.origin_station_code,
                "dest_province": line.dest_province,
                "dest_city": line.dest_city,
                "chargeable_kg": line.chargeable_kg,
                "recipient": name.strip(),
                "recipient_phone": phone.strip(),
            }
        )
    return rows


@dataclass(frozen=True)
class PrintResult:
    manifest_no: str
    status: str
    parcels: int
    pages: int | None
    csv_rows: int | None


def print_manifest(
    session: Session,
    ref: str | int,
    *,
    pdf: str | os.PathLike[str] | None = None,
    csv: str | os.PathLike[str] | None = None,
) -> PrintResult:
    """Write the manifest as an A4 PDF and/or a CSV (UTF-8 with BOM, formula-safe)."""
    if pdf is None and csv is None:
        raise InvalidInput("Nothing to print: expected --pdf FILE and/or --csv FILE.")
    doc = manifest_document(session, ref)
    session.rollback()  # only read; do not hold the database while writing files
    pages = csv_rows = None
    if pdf is not None:
        pages = _render_to_file(doc, pdf)
    if csv is not None:
        csv_rows = write_csv(csv, CSV_COLUMNS, manifest_csv_rows(doc))
    return PrintResult(doc.manifest_no, doc.status, len(doc.lines), pages, csv_rows)


def _render_to_file(doc: ManifestDocument, path: str | os.PathLike[str]) -> int:
    try:
        with open(path, "wb") as out:
            return render_manifest(doc, out)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput(f"File '{os.fspath(path)}' cannot be written: {reason}.") from None


# ------------------------------------------------------------------ labels


def parcel_labels(session: Session, codes: Sequence[str]) -> list[ParcelLabel]:
    """Labels for the parcels the codes name (hub ids or tracking numbers), in order."""
    return _labels(session, _parcels_named(session, codes))


def _parcels_named(session: Session, codes: Sequence[str]) -> list[Parcel]:
    from logistics.services.parcels import find_parcels

    parcels = find_parcels(session, codes)
    if not parcels:
        raise InvalidInput("No parcels given: expected hub parcel ids or tracking numbers.")
    return parcels


def _labels(session: Session, parcels: list[Parcel]) -> list[ParcelLabel]:
    hub = current_hub(session)
    stations = _stations(session, parcels)
    couriers = {c.id: c for c in session.exec(select(Courier))}
    labels = []
    for parcel in parcels:
        station = stations.get(parcel.station_id)
        courier = couriers.get(parcel.courier_id) if parcel.courier_id else None
        if parcel.direction == OUTBOUND:
            dest_province = _province_name(parcel.province_code)
            dest_city = parcel.city or ""
            origin = station.name if station else hub.name
            origin_code = station.code if station else ""
        else:  # inbound: the destination is the village station
            dest_province = station.village if station else ""
            dest_city = station.name if station else ""
            origin, origin_code = hub.name, hub.code
        labels.append(
            ParcelLabel(
                parcel_no=parcel.parcel_no,
                tracking_no=parcel.tracking_no,
                origin_station=origin,
                origin_station_code=origin_code,
                dest_province=dest_province,
                dest_city=dest_city,
                weight_kg=Decimal(parcel.weight_g) / 1000,
                recipient=_recipient(parcel),
                courier_name=courier.name if courier else "",
                courier_code=courier.code if courier else "",
                hub_name=hub.name,
                service_date=parcel.registered_on,
                category=parcel.category or "",
            )
        )
    return labels


def print_labels(
    session: Session, codes: Sequence[str], pdf: str | os.PathLike[str], *, operator: str
) -> int:
    """Write one 100 x 150 mm label per parcel to ``pdf``; notes ``label`` on each parcel.
    Returns the number of labels."""
    hub = current_hub(session)
    parcels = _parcels_named(session, codes)
    labels = _labels(session, parcels)
    issued_at = _local(utcnow(), _tz(hub))
    try:
        with open(pdf, "wb") as out:
            pages = render_labels(labels, out, issued_at=issued_at)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput(f"File '{os.fspath(pdf)}' cannot be written: {reason}.") from None
    for parcel in {p.id: p for p in parcels}.values():
        record_note(session, parcel, "label", operator=operator, note="label printed")
    session.commit()
    return pages
