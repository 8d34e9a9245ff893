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

    @property
    def url(self) -> str:
        from logistics.db import resolve_url

        return resolve_url(self.db_option)

    @property
    def operator(self) -> str:
        """Who is at the keyboard: --operator, else HUB_OPERATOR, else the login name."""
        name = self.operator_option or os.environ.get("HUB_OPERATOR")
        if not name:
            try:
                name = getpass.getuser()
            except (KeyError, OSError):
                name = "unknown"
        return name


def hub_context(ctx: typer.Context) -> HubContext:
    root = ctx.find_root()
    if not isinstance(root.obj, HubContext):
        root.obj = HubContext(None, None)
    return root.obj


@contextmanager
def open_session(ctx: typer.Context, *, write: bool = True) -> Iterator[Session]:
    from logistics.db import session_scope

    with session_scope(hub_context(ctx).url, write=write) as session:
        yield session
