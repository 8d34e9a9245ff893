"""`hub parcel label IDS... --pdf FILE`: 100 x 150 mm thermal labels.

Adds a command to the `parcel` group (it has no group of its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.commands.parcel import app as parcel_app
from logistics.cli.context import hub_context, open_session
from logistics.cli.output import counted, done


@parcel_app.command("label")
def label(
    ctx: typer.Context,
    codes: Annotated[
        list[str], typer.Argument(help="Hub parcel ids or tracking numbers, one label each.")
    ],
    pdf: Annotated[Path, typer.Option("--pdf", help="PDF file to write (100 x 150 mm pages).")],
) -> None:
    """Print 100 x 150 mm thermal labels, one page per parcel.

    Each label has barcodes of the hub id and of the tracking number, the destination,
    origin station, weight and the masked recipient.

    Example:
      hub parcel label P20261123-00042 P20261123-00043 --pdf labels.pdf
    """
    from logistics.services import manifests

    with open_session(ctx) as session:
        count = manifests.print_labels(session, codes, pdf, operator=hub_context(ctx).operator)
    done(f"{counted(count, 'label')} written to {pdf}.")
