"""What every command needs from the root options: the database and the operator."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class HubContext:
    db_option: str | None
    operator_option: str | None
    # --hub / HUB_HUB: the hub's code when the database holds several.
    hub_option: str | None = None

    @property
    def url(self) -> str:
        from logistics.db import resolve_url

        return resolve_url(self.db_option)

    @property
    def operator(self) -> str:
        """Who is at the keyboard: --operator, else HUB_OPERATOR, else the login name.

        A name typed is checked as any typed text (no control or invisible characters,
        :func:`logistics.domain.text.check_text`) and against the length every
        ``operator`` column holds, on SQLite as on PostgreSQL, before anything is written.
        """
        from logistics.domain.text import check_text, visible

        if self.operator_option:
            return check_text(self.operator_option.strip(), "--operator", limit=OPERATOR_MAX)
        if os.environ.get("HUB_OPERATOR"):
            name = os.environ["HUB_OPERATOR"].strip()
            return check_text(name, "HUB_OPERATOR", limit=OPERATOR_MAX)
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return visible(name)[:OPERATOR_MAX] or "unknown"


#: The longest operator name: the length of the ``operator`` columns (ParcelEvent,
#: manifest events, imports), String(64) in logistics/models.
OPERATOR_MAX = 64


def hub_context(ctx: typer.Context) -> HubContext:
    root = ctx.find_root()
    if not isinstance(root.obj, HubContext):
        root.obj = HubContext(None, None)
    return root.obj


@contextmanager
def open_session(
    ctx: typer.Context, *, write: bool = True, any_hub: bool = False
) -> Iterator[Session]:
    # On the command's hub (--hub, HUB_HUB, or the only one); any_hub for the commands
    # that work across hubs.
    from logistics.db import session_scope

    context = hub_context(ctx)
    with session_scope(
        context.url, write=write, hub=context.hub_option, any_hub=any_hub
    ) as session:
        yield session
