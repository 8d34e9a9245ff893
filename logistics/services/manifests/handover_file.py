"""The handover file for the courier's system and the waybill file it sends back.

About half the outbound parcels reach the hub without a courier's tracking number: the
courier's system must make its own waybill (电子面单) for them, and it needs the
recipient in full, which printed paper never shows (GB/T 41833-2022).

* :func:`handover_file` builds the file of a closed manifest (by default its parcels
  without a tracking number; ``all_parcels`` for every one); ``logistics.io`` writes it
  (owner-only) and :func:`note_export` then records the export (who, when, how many, the
  file's name) and notes it on each parcel's events; :func:`list_exports` lists them.
* :func:`load_waybills` stores the tracking numbers of the courier's waybill file on
  the manifest's parcels, each checked against the courier's pattern, and notes each on
  the parcel's events; a file with a bad row stores nothing unless ``skip_invalid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from logistics.domain import manifest_status, products
from logistics.domain.clock import utcnow, zone
from logistics.domain.handover import split_address
from logistics.domain.tracking_numbers import check as check_tracking_no
from logistics.domain.tracking_numbers import normalize_tracking_no
from logistics.domain.units import kg
from logistics.errors import HubError, InvalidInput
from logistics.i18n import N_, _, ngettext
from logistics.io.handover_file import HandoverFile, HandoverRow
from logistics.io.waybills import WaybillFile, WaybillLine
from logistics.models import Courier, Hub, Manifest, Parcel, Station
from logistics.models.exports import PersonalExport
from logistics.models.manifests import ManifestExport
from logistics.services import access
from logistics.services.manifests.lookup import get_manifest, members, stations_of, time_text
from logistics.services.network import current_hub
from logistics.services.parcel_events import record_note, record_notes

#: The parcel events these steps note, and how a timeline reads them.
EXPORT_EVENT = "handover-file"
WAYBILL_EVENT = "waybill"
EVENT_WORDS = {
    EXPORT_EVENT: N_("in a handover file for the courier"),
    WAYBILL_EVENT: N_("courier's tracking number loaded"),
}

# ------------------------------------------------------------------ the handover file


@dataclass(frozen=True)
class HandoverExport(HandoverFile):
    """The handover file and what it leaves out: the manifest's parcel count, so the
    operator is told why the parcels that already carry the courier's tracking number
    are not in it (they need no new waybill)."""

    on_manifest: int = 0
    """Parcels on the manifest (the file holds ``len(rows)`` of them)."""

    @property
    def left_out(self) -> int:
        """Parcels of the manifest not in the file: they carry a tracking number already."""
        return self.on_manifest - len(self.rows)


def handover_file(session: Session, ref: str | int, *, all_parcels: bool = False) -> HandoverExport:
    """The handover file of a closed (or handed-over) manifest, full recipient data.

    By default only the parcels without a tracking number, the ones the courier must make
    a waybill for; ``all_parcels`` gives every parcel. InvalidInput when there is none.
    """
    manifest = get_manifest(session, ref)
    manifest_status.check_export(manifest.status, manifest_no=manifest.manifest_no)
    courier = session.get(Courier, manifest.courier_id)
    parcels = members(session, manifest)
    chosen = parcels if all_parcels else [p for p in parcels if not p.tracking_no]
    if not chosen:
        if not parcels:
            raise InvalidInput(
                _("Manifest {manifest} has no parcels: there is nothing to export.").format(
                    manifest=manifest.manifest_no
                )
            )
        raise InvalidInput(
            _(
                "Every parcel on manifest {manifest} has a tracking number already: nothing "
                "to export (--all exports them all)."
            ).format(manifest=manifest.manifest_no)
        )
    hub = current_hub(session)
    stations = stations_of(session, chosen)
    rows = [_row(p, stations.get(p.station_id), hub) for p in chosen]
    return HandoverExport(
        manifest.manifest_no, courier.code, rows, [p.id for p in chosen], len(parcels)
    )


def _row(parcel: Parcel, station: Station | None, hub: Hub) -> HandoverRow:
    to = split_address(parcel.address, province_code=parcel.province_code, city=parcel.city)
    origin = split_address(hub.address)
    detail = origin.detail
    if station is not None:
        place = station.name if station.name.startswith(station.village) else station.village
        detail += place if place == station.name else place + station.name
    product = products.by_key(parcel.category)
    return HandoverRow(
        parcel_no=parcel.parcel_no,
        recipient_name=parcel.recipient_name or "",
        recipient_phone=parcel.recipient_phone or "",
        recipient_province=to.province,
        recipient_city=to.city,
        recipient_district=to.district,
        recipient_address=to.detail,
        sender_name=parcel.sender_name or (station.keeper_name if station else "") or "",
        sender_phone=parcel.sender_phone or (station.keeper_phone if station else "") or "",
        sender_province=origin.province,
        sender_city=origin.city,
        sender_district=origin.district,
        sender_address=detail,
        goods=product.chinese if product else (parcel.category or ""),
        weight_kg=kg(parcel.weight_g),
        pieces=1,
        remark=parcel.parcel_no,
    )


@dataclass(frozen=True)
class ExportRecord:
    manifest_no: str
    parcels: int
    file_name: str
    operator: str


def note_export(
    session: Session, doc: HandoverFile, *, file_name: str, operator: str
) -> ExportRecord:
    """Record a written handover file: a ``manifest_export`` row, its entry in the
    record of personal data exports (``personal_export``, which ``hub db check``
    audits) and a note on each parcel's events; commits. Called once the file exists."""
    manifest = get_manifest(session, doc.manifest_no)
    now = utcnow()
    written = {
        "at": now,
        "operator": operator[:64],
        "parcels": len(doc.parcel_ids),
        "file_name": file_name[:255],
    }
    session.add(ManifestExport(manifest_id=manifest.id, **written))
    session.add(
        PersonalExport(kind=access.HANDOVER_EXPORT, subject=manifest.manifest_no, **written)
    )
    parcels = session.exec(
        select(Parcel).where(Parcel.id.in_(list(doc.parcel_ids)))  # type: ignore[union-attr]
    ).all()
    note = f"{manifest.manifest_no} handover file {file_name}"
    record_notes(session, [(p, note) for p in parcels], EXPORT_EVENT, operator=operator, at=now)
    session.commit()
    return ExportRecord(manifest.manifest_no, len(doc.parcel_ids), file_name, operator)


def list_exports(session: Session, ref: str | int) -> list[dict[str, Any]]:
    """The handover files written of a manifest, oldest first."""
    manifest = get_manifest(session, ref)
    tz = zone(current_hub(session).timezone)
    found = session.exec(
        select(ManifestExport)
        .where(ManifestExport.manifest_id == manifest.id)
        .order_by(ManifestExport.id)  # type: ignore[arg-type]
    ).all()
    return [
        {
            "manifest_no": manifest.manifest_no,
            "at": time_text(row.at, tz),
            "operator": row.operator,
            "parcels": row.parcels,
            "file": row.file_name,
        }
        for row in found
    ]


# ------------------------------------------------------------------ the waybill file


@dataclass
class WaybillResult:
    manifest_no: str
    courier_code: str
    stored: int = 0
    unchanged: int = 0
    rejects: list[tuple[WaybillLine, str]] = field(default_factory=list)


def load_waybills(
    session: Session,
    ref: str | int,
    source: WaybillFile,
    *,
    operator: str,
    skip_invalid: bool = False,
) -> WaybillResult:
    """Store the courier's tracking numbers of a waybill file on the manifest's parcels.

    Each row names a parcel of the manifest (its hub parcel id) and a tracking number that
    fits the courier's pattern, belongs to no other parcel and does not replace another
    number. Any bad row refuses the whole file (InvalidInput, one sentence per row), unless
    ``skip_invalid``: then the good rows are stored and the bad ones returned. Each stored
    number is noted on its parcel's events. Commits.
    """
    manifest = get_manifest(session, ref, for_update=True)
    courier = session.get(Courier, manifest.courier_id)
    patterns = {c.code: c.tracking_pattern or "" for c in session.exec(select(Courier))}
    on_manifest = {p.parcel_no.upper(): p for p in members(session, manifest, for_update=True)}
    result = WaybillResult(manifest.manifest_no, courier.code)
    changes: list[tuple[Parcel, str]] = []
    seen_numbers: dict[str, int] = {}
    seen_parcels: dict[str, tuple[int, str]] = {}
    for line in source.lines:
        try:
            change = _check_line(
                session, line, manifest, courier, patterns, on_manifest, seen_numbers, seen_parcels
            )
        except HubError as problem:
            result.rejects.append((line, str(problem)))
            continue
        if change is None:
            result.unchanged += 1
        else:
            changes.append(change)
    if result.rejects and not skip_invalid:
        session.rollback()
        raise InvalidInput(_refused(source.name, result.rejects))
    for parcel, number in changes:
        parcel.tracking_no = number
        parcel.courier_fixed = True
        session.add(parcel)
        record_note(
            session,
            parcel,
            WAYBILL_EVENT,
            operator=operator,
            note=f"{courier.code} tracking number {number} from {source.name}",
        )
    session.commit()
    result.stored = len(changes)
    return result


def _check_line(
    session: Session,
    line: WaybillLine,
    manifest: Manifest,
    courier: Courier,
    patterns: dict[str, str],
    on_manifest: dict[str, Parcel],
    seen_numbers: dict[str, int],
    seen_parcels: dict[str, tuple[int, str]],
) -> tuple[Parcel, str] | None:
    """The parcel and the number to store, None when the parcel has it already;
    InvalidInput naming the row's problem."""
    row = line.row
    ref = line.parcel_ref.strip().upper()
    if not ref:
        raise InvalidInput(
            _("Row {row}: 订单号 / 中心编号 is empty: expected the hub parcel id.").format(row=row)
        )
    parcel = on_manifest.get(ref)
    if parcel is None:
        raise InvalidInput(
            _(
                "Row {row}: '{parcel}' is not a parcel on manifest {manifest}: expected the "
                "hub parcel id the handover file gave."
            ).format(row=row, parcel=line.parcel_ref, manifest=manifest.manifest_no)
        )
    number = normalize_tracking_no(line.tracking_no)
    if not number:
        raise InvalidInput(
            _(
                "Row {row}: 运单号 of parcel {parcel} is empty: expected its tracking number."
            ).format(row=row, parcel=parcel.parcel_no)
        )
    try:
        check_tracking_no(number, courier.code, patterns)
    except InvalidInput as problem:
        raise InvalidInput(
            _("Row {row}: {problem}").format(row=row, problem=str(problem))
        ) from None
    if number in seen_numbers:
        raise InvalidInput(
            _("Row {row}: tracking number {number} is also on row {other}.").format(
                row=row, number=number, other=seen_numbers[number]
            )
        )
    if parcel.parcel_no in seen_parcels:
        other, earlier = seen_parcels[parcel.parcel_no]
        raise InvalidInput(
            _(
                "Row {row}: parcel {parcel} is also on row {other} (tracking number {number})."
            ).format(row=row, parcel=parcel.parcel_no, other=other, number=earlier)
        )
    seen_numbers[number] = row
    seen_parcels[parcel.parcel_no] = (row, number)
    if parcel.tracking_no == number:
        return None
    if parcel.tracking_no:
        raise InvalidInput(
            _(
                "Row {row}: parcel {parcel} has tracking number {old} already, not {number}: "
                "the courier's system gave it twice."
            ).format(row=row, parcel=parcel.parcel_no, old=parcel.tracking_no, number=number)
        )
    holder = session.exec(select(Parcel.parcel_no).where(Parcel.tracking_no == number)).first()
    if holder is not None:
        raise InvalidInput(
            _("Row {row}: tracking number {number} belongs to parcel {other} already.").format(
                row=row, number=number, other=holder
            )
        )
    return parcel, number


def _refused(name: str, rejects: Sequence[tuple[WaybillLine, str]]) -> str:
    head = ngettext(
        "File '{file}' was not loaded, nothing was stored: {n} row is wrong.",
        "File '{file}' was not loaded, nothing was stored: {n} rows are wrong.",
        len(rejects),
    ).format(file=name, n=len(rejects))
    tail = _(
        "Correct them and load the file again, or add --skip-invalid --rejects FILE to store "
        "the other rows and keep these in FILE."
    )
    return "\n".join([head, *(reason for _line, reason in rejects), tail])
