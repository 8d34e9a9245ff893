"""Building and closing manifests.

* **build** puts the parcels at the hub (``at_hub``) that are assigned to a courier and
  on no manifest onto that courier's *open* manifest of the day and cut-off, creating
  it when there is none; a later build adds the parcels that arrived since. Parcels on
  an open manifest stay ``at_hub``; one that was held, cancelled or given to another
  courier meanwhile leaves the open manifest at the next build or at close.
* **close** locks the manifest: in one transaction every parcel on it becomes
  ``manifested`` (a ``manifest`` event each); nothing is added or removed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from logistics.domain import manifest_status
from logistics.domain.clock import Day, parse_day, utcnow, zone
from logistics.domain.manifest_status import ManifestAction, ManifestStatus
from logistics.domain.parcel_status import Action, Direction, Status
from logistics.domain.units import kg
from logistics.errors import RuleBroken
from logistics.i18n import _
from logistics.models import Courier, Manifest, Parcel
from logistics.services.locks import one_at_a_time
from logistics.services.manifests.lookup import (
    chargeable_grams,
    count_and_grams,
    drop_strays,
    get_manifest,
    manifest_no_for,
)
from logistics.services.network import courier_by_code, current_hub
from logistics.services.parcel_events import record_step


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
    weight_g: int

    @property
    def weight_kg(self) -> Decimal:
        return kg(self.weight_g)


@dataclass(frozen=True)
class BuildResult:
    service_date: date
    manifests: list[BuiltManifest]
    still_open: list[str] = field(default_factory=list)
    """Open manifests of earlier days (close or hand them over)."""

    @property
    def added(self) -> int:
        return sum(m.added for m in self.manifests)


@one_at_a_time
def build_manifests(
    session: Session,
    *,
    courier: str | None = None,
    day: str | Day | date | None = None,
    operator: str,
) -> BuildResult:
    """Put the waiting parcels at the hub on their courier's open manifest of ``day``
    (default the hub's today) and cut-off, creating it when needed; commits once.

    ``courier`` limits the build to one courier (code). Couriers with nothing waiting
    and no open manifest get none; an open manifest is reported even when nothing new
    was added.
    """
    service_date = parse_day(day, zone(current_hub(session).timezone))
    if courier:
        chosen = [courier_by_code(session, courier)]
    else:
        chosen = list(session.exec(select(Courier).order_by(Courier.code)))
    now = utcnow()
    built = [
        found
        for item in chosen
        if (found := _build_one(session, item, service_date, now=now)) is not None
    ]
    still_open = list(
        session.exec(
            select(Manifest.manifest_no)
            .where(Manifest.status == ManifestStatus.OPEN, Manifest.service_date < service_date)
            .order_by(Manifest.manifest_no)
        )
    )
    session.commit()
    return BuildResult(service_date, built, still_open)


def _build_one(
    session: Session, item: Courier, service_date: date, *, now: datetime
) -> BuiltManifest | None:
    # Builds, assign and close run one at a time (locks.one_at_a_time). The courier's row
    # is locked against changes too, but FOR NO KEY UPDATE: a parcel given this courier
    # meanwhile (its foreign key's share lock) does not wait for the build, nor it for it.
    session.exec(
        select(Courier.id).where(Courier.id == item.id).with_for_update(key_share=True)
    ).first()
    waiting = _waiting(session, item)
    manifest = session.exec(
        select(Manifest).where(
            Manifest.courier_id == item.id,
            Manifest.service_date == service_date,
            Manifest.cutoff == item.cutoff,
            Manifest.status == ManifestStatus.OPEN,
        )
    ).first()
    if manifest is None and not waiting:
        return None
    created = manifest is None
    if manifest is None:
        manifest = Manifest(
            manifest_no=_next_number(session, item, service_date),
            courier_id=item.id,
            service_date=service_date,
            cutoff=item.cutoff,
            status=ManifestStatus.OPEN,
            created_at=now,
        )
        session.add(manifest)
        session.flush()
    manifest_status.apply(manifest.status, ManifestAction.BUILD, manifest_no=manifest.manifest_no)
    removed = drop_strays(session, manifest)
    for parcel in waiting:
        parcel.manifest_id = manifest.id
        session.add(parcel)
    session.flush()
    count, grams = count_and_grams(session, manifest)
    return BuiltManifest(
        manifest_no=manifest.manifest_no,
        courier_code=item.code,
        courier_name=item.name,
        cutoff=item.cutoff.strftime("%H:%M"),
        created=created,
        added=len(waiting),
        removed=removed,
        parcels=count,
        weight_g=grams,
    )


def _waiting(session: Session, item: Courier) -> list[Parcel]:
    """The courier's outbound parcels at the hub that are on no manifest yet."""
    return list(
        session.exec(
            select(Parcel)
            .where(
                Parcel.courier_id == item.id,
                Parcel.status == Status.AT_HUB,
                Parcel.direction == Direction.OUTBOUND,
                Parcel.manifest_id.is_(None),  # type: ignore[union-attr]
            )
            .order_by(Parcel.parcel_no)
            .with_for_update()
        )
    )


def _next_number(session: Session, courier: Courier, day: date) -> str:
    prefix = manifest_no_for(courier.code, day, 0)[:-1]
    numbers = session.exec(
        select(Manifest.manifest_no).where(Manifest.manifest_no.like(prefix + "%"))  # type: ignore[attr-defined]
    ).all()
    taken = [int(no[len(prefix) :]) for no in numbers if no[len(prefix) :].isdigit()]
    return manifest_no_for(courier.code, day, max(taken, default=0) + 1)


def _lock_parcels_on(session: Session, manifest: Manifest) -> tuple[list[Parcel], int]:
    """Lock every parcel on the open manifest first (by hub parcel id), then take off those
    no longer at the hub for its courier: the parcels that stay, and how many left.

    Locked before they are sorted, so a parcel held by a scan a moment ago is read as it
    is now and leaves, and one not yet held waits on the manifest until it is closed.
    """
    on_it = session.exec(
        select(Parcel)
        .where(Parcel.manifest_id == manifest.id)
        .order_by(Parcel.parcel_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    kept = []
    for parcel in on_it:
        if parcel.status == Status.AT_HUB and parcel.courier_id == manifest.courier_id:
            kept.append(parcel)
        else:
            parcel.manifest_id = None
            session.add(parcel)
    return kept, len(on_it) - len(kept)


@dataclass(frozen=True)
class CloseResult:
    manifest_no: str
    parcels: int
    weight_g: int
    removed: int

    @property
    def weight_kg(self) -> Decimal:
        return kg(self.weight_g)


@one_at_a_time
def close_manifest(session: Session, ref: str | int, *, operator: str) -> CloseResult:
    """Lock an open manifest: its parcels become manifested, in one transaction."""
    manifest = get_manifest(session, ref, for_update=True)
    closed = manifest_status.apply(
        manifest.status, ManifestAction.CLOSE, manifest_no=manifest.manifest_no
    )
    parcels, removed = _lock_parcels_on(session, manifest)
    session.flush()
    if not parcels:
        session.rollback()
        raise RuleBroken(
            _(
                "Manifest {manifest} has no parcels, so it cannot be closed: "
                "`hub manifest build` adds the parcels waiting at the hub."
            ).format(manifest=manifest.manifest_no)
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
    manifest.status = closed
    manifest.closed_at = now
    session.add(manifest)
    session.commit()
    grams = sum(chargeable_grams(p) for p in parcels)
    return CloseResult(manifest.manifest_no, len(parcels), grams, removed)
