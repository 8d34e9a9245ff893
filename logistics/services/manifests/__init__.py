"""Pickup manifests: build, list, show, close, load-check, hand over and print.

A manifest is one courier's handover list for one hub-local day and cut-off, numbered
``M-{COURIER}-{yyyymmdd}-{n}`` (``n`` counts that courier's manifests of the day). Its
states and the moves between them are :mod:`logistics.domain.manifest_status`.

* :mod:`.building`: build and close;
* :mod:`.listing`: list and show;
* :mod:`.loading`: the driver's load check and the handover;
* :mod:`.printing`: the manifest and label documents (``logistics.io`` writes the files);
* :mod:`.lookup`: finding a manifest and its parcels;
* :mod:`.handover_file`: the courier's handover file (full data, recorded) and its waybills.

Every state change of a parcel goes through :func:`parcel_events.record_step`, except
the close of a whole manifest, which checks each parcel's step with the same status
machine and writes them in bulk (:mod:`.building`: thousands on a peak day).
"""

from logistics.services.manifests.building import (
    BuildResult,
    BuiltManifest,
    CloseResult,
    build_manifests,
    close_manifest,
)
from logistics.services.manifests.handover_file import (
    ExportRecord,
    WaybillResult,
    handover_file,
    list_exports,
    load_waybills,
    note_export,
)
from logistics.services.manifests.listing import list_manifests, show_manifest
from logistics.services.manifests.loading import (
    HandoverResult,
    LoadCheck,
    LoadProgress,
    LoadResult,
    handover_manifest,
    load_scan,
    open_load_check,
)
from logistics.services.manifests.lookup import get_manifest, manifest_no_for, members
from logistics.services.manifests.printing import (
    label_sheet,
    manifest_document,
    note_labels_printed,
)

__all__ = [
    "BuildResult",
    "BuiltManifest",
    "CloseResult",
    "ExportRecord",
    "HandoverResult",
    "LoadCheck",
    "LoadProgress",
    "LoadResult",
    "WaybillResult",
    "build_manifests",
    "close_manifest",
    "get_manifest",
    "handover_file",
    "handover_manifest",
    "label_sheet",
    "list_exports",
    "list_manifests",
    "load_scan",
    "load_waybills",
    "manifest_document",
    "manifest_no_for",
    "members",
    "note_export",
    "note_labels_printed",
    "open_load_check",
    "show_manifest",
]
