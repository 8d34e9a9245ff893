"""`hub parcel label IDS... --pdf FILE`: 100 x 150 mm thermal labels.

Adds a command to the `parcel` group (it has no group of its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.commands.parcel import app as parcel_app
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import done
from logistics.i18n import ngettext


@parcel_app.command("label")
def label(
    ctx: typer.Context,
    codes: Annotated[
        list[str], typer.Argument(help="Hub parcel ids or tracking numbers, one label each.")
    ],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF file to write (100 x 150 mm pages).")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Print 100 x 150 mm thermal labels, one page per parcel.

    Each label has barcodes of the hub id and of the tracking number, the destination,
    origin station, weight and the masked recipient.

    Example:
      hub parcel label P20261123-00042 P20261123-00043 --pdf labels.pdf
    """
    from logistics.io.pdf.labels import write_labels_pdf
    from logistics.services import manifests

    with open_session(ctx, write=False) as session:
        sheet = manifests.label_sheet(session, codes)
    pages = write_labels_pdf(sheet, pdf, force=force)
    # Noted only once the file exists: a refused or failed write prints nothing.
    with open_session(ctx) as session:
        manifests.note_labels_printed(session, sheet, operator=hub_context(ctx).operator)
    done(
        ngettext("{n} label written to {file}.", "{n} labels written to {file}.", pages).format(
            n=f"{pages:,}", file=pdf
        )
    )
