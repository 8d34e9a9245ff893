"""The load check and the handover of a closed manifest.

* **load check**: the courier's driver scans the parcels as they go into the truck;
  every scan is kept (:class:`~logistics.models.ManifestLoadScan`: loaded, repeat or
  refused), a parcel that is not on this manifest is refused.
* **handover** needs every parcel loaded, or ``force`` with a reason (recorded on the
  manifest and on the events of the parcels that were not scanned); the parcels become
  ``handed_over`` and the driver's name and plate are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from logistics.domain import manifest_status
from logistics.domain.clock import utcnow, zone
from logistics.domain.manifest_status import ManifestAction, ManifestStatus
from logistics.domain.parcel_status import Action, Status
from logistics.domain.text import check_text
from logistics.domain.units import kg
from logistics.domain.verdicts import LoadOutcome
from logistics.errors import InvalidInput, NotFound, RuleBroken
from logistics.i18n import _, ngettext
from logistics.models import Manifest, ManifestLoadScan, Parcel
from logistics.services.locks import one_at_a_time
from logistics.services.manifests.lookup import (
    chargeable_grams,
    get_manifest,
    loaded_ids,
    members,
    time_text,
)
from logistics.services.network import current_hub
from logistics.services.parcel_events import find_parcel, record_step

# ------------------------------------------------------------------ load check


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: LoadOutcome
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
        if not self.tracking_no:
            return self.parcel_no
        return _("{name} ({code})").format(name=self.parcel_no, code=self.tracking_no)


class LoadCheck:
    """The courier driver's load check of one closed manifest, one scan at a time.

    Every scan is stored and committed before it is answered; scans of earlier sessions
    count (running ``load`` again continues the check).
    """

    def __init__(self, session: Session, ref: str | int, *, operator: str):
        self.session = session
        self.operator = operator
        manifest = get_manifest(session, ref)
        manifest_status.apply(
            manifest.status, ManifestAction.LOAD_CHECK, manifest_no=manifest.manifest_no
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
        self._loaded = loaded_ids(session, manifest.id) & set(self._order)
        session.rollback()  # end the read; each scan is its own transaction
        self.tally: dict[LoadOutcome, int] = dict.fromkeys(LoadOutcome, 0)

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
            self.tally[LoadOutcome.REFUSED] += 1
            return LoadResult(
                code, LoadOutcome.REFUSED, _("An empty code was scanned: expected a parcel.")
            )
        parcel = self._by_code.get(code)
        parcel_id = parcel.id if parcel else None
        if parcel is not None and parcel.id in self._loaded:
            outcome = LoadOutcome.REPEAT
            message = _("Parcel {parcel} was already loaded; counted once.").format(
                parcel=parcel.name
            )
        elif parcel is not None:
            outcome = LoadOutcome.LOADED
            message = _("Parcel {parcel} loaded.").format(parcel=parcel.name)
        else:
            outcome = LoadOutcome.REFUSED
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
        if outcome is LoadOutcome.LOADED:
            self._loaded.add(parcel.id)
        self.tally[outcome] += 1
        return LoadResult(code, outcome, message, parcel.parcel_no if parcel else None)

    def _refusal(self, code: str) -> tuple[str, int | None]:
        no = self.manifest_no
        try:
            other = find_parcel(self.session, code)
        except NotFound:
            return _(
                "Not on manifest {manifest}, do not load it: no parcel has the hub id or "
                "tracking number '{code}'."
            ).format(manifest=no, code=code), None
        name = _OnManifest(other.id, other.parcel_no, other.tracking_no).name
        if other.manifest_id is not None:
            elsewhere = self.session.get(Manifest, other.manifest_id)
            if elsewhere is None:
                message = _(
                    "Not on manifest {manifest}, do not load it: parcel {parcel} belongs to "
                    "another manifest."
                ).format(manifest=no, parcel=name)
            else:
                message = _(
                    "Not on manifest {manifest}, do not load it: parcel {parcel} belongs to "
                    "manifest {other}."
                ).format(manifest=no, parcel=name, other=elsewhere.manifest_no)
            return message, other.id
        return _(
            "Not on manifest {manifest}, do not load it: parcel {parcel} is {status} and on no "
            "manifest."
        ).format(manifest=no, parcel=name, status=Status.label_of(other.status)), other.id


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
    weight_g: int
    driver: str
    plate: str
    forced: bool
    missing: int

    @property
    def weight_kg(self) -> Decimal:
        return kg(self.weight_g)


@dataclass(frozen=True)
class _Signer:
    """Who takes the load, as typed at the handover, tidied."""

    driver: str
    plate: str
    reason: str


def _signer(driver: str, plate: str, reason: str | None, *, force: bool) -> _Signer:
    # typed text that is signed for and printed: no terminal codes, no invisible characters
    check_text(driver, "--driver", limit=200)
    check_text(plate, "--plate", limit=20)
    check_text(reason, "--reason", limit=500)
    signer = _Signer(
        driver=" ".join((driver or "").split()),
        plate="".join((plate or "").split()).upper(),
        reason=" ".join((reason or "").split()),
    )
    if not signer.driver:
        raise InvalidInput(_("The driver's name (--driver) is empty: expected who takes the load."))
    if not signer.plate:
        raise InvalidInput(_("The plate (--plate) is empty: expected the truck's number plate."))
    if force and not signer.reason:
        raise InvalidInput(_("A forced handover needs --reason TEXT: expected why it is forced."))
    if signer.reason and not force:
        raise InvalidInput(
            _("--reason is only for a forced handover: add --force or leave it out.")
        )
    return signer


@one_at_a_time
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
    signer = _signer(driver, plate, reason, force=force)
    manifest = get_manifest(session, ref, for_update=True)
    handed_over = manifest_status.apply(
        manifest.status,
        ManifestAction.HAND_OVER,
        manifest_no=manifest.manifest_no,
        handed_over_to=_handed_over_to(session, manifest),
    )
    parcels = members(session, manifest, for_update=True)
    loaded = loaded_ids(session, manifest.id)
    missing = [p for p in parcels if p.id not in loaded]
    if missing and not force:
        raise RuleBroken(_unscanned(manifest.manifest_no, missing, len(parcels)))
    now = utcnow()
    place = current_hub(session).code
    missing_ids = {p.id for p in missing}
    for parcel in parcels:
        note = f"{manifest.manifest_no} to {signer.driver} {signer.plate}"
        if parcel.id in missing_ids:
            note += f"; not scanned in the load check, forced: {signer.reason}"
        record_step(
            session, parcel, Action.HANDOVER, operator=operator, place=place, note=note, at=now
        )
    manifest.status = handed_over
    manifest.handed_over_at = now
    manifest.driver_name = signer.driver[:200]
    manifest.plate = signer.plate
    manifest.forced = bool(missing)
    manifest.force_reason = signer.reason if missing else None
    session.add(manifest)
    session.commit()
    return HandoverResult(
        manifest.manifest_no,
        len(parcels),
        sum(chargeable_grams(p) for p in parcels),
        signer.driver,
        signer.plate,
        bool(missing),
        len(missing),
    )


def _handed_over_to(session: Session, manifest: Manifest) -> str:
    """``王大力 (晋E12345) at 2026-11-23 17:05`` for a handed-over manifest, else empty."""
    if manifest.status != ManifestStatus.HANDED_OVER:
        return ""
    tz = zone(current_hub(session).timezone)
    return _("{driver} ({plate}) at {time}").format(
        driver=manifest.driver_name,
        plate=manifest.plate,
        time=time_text(manifest.handed_over_at, tz),
    )


def _unscanned(manifest_no: str, missing: list[Parcel], expected: int) -> str:
    names = ", ".join(p.tracking_no or p.parcel_no for p in missing[:5])
    if len(missing) > 5:
        names = _("{names} and {n} more").format(names=names, n=len(missing) - 5)
    return ngettext(
        "Manifest {manifest} cannot be handed over: {missing} of {expected} parcel was not "
        "scanned in the load check ({names}); finish `hub manifest load` or use "
        "--force --reason TEXT.",
        "Manifest {manifest} cannot be handed over: {missing} of {expected} parcels were not "
        "scanned in the load check ({names}); finish `hub manifest load` or use "
        "--force --reason TEXT.",
        expected,
    ).format(manifest=manifest_no, missing=len(missing), expected=expected, names=names)
