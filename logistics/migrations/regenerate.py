"""Rewrite the initial migration from the models, while no database has shipped yet.

    python -m logistics.migrations.regenerate

Once a release is out, schema changes get a new revision instead
(`alembic revision --autogenerate`), because data is never dropped by an upgrade.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from logistics.db import SCHEMA_HEAD, alembic_config, dispose_engine, make_engine

VERSIONS = Path(__file__).parent / "versions"


def main() -> None:
    for old in VERSIONS.glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/empty.db"
        engine = make_engine(url)
        with engine.begin() as connection:
            config = alembic_config(connection)
            config.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
            for hook, options in (("ruff_fix", "check --fix"), ("ruff_format", "format")):
                config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
                config.set_section_option("post_write_hooks", f"{hook}.executable", "ruff")
                config.set_section_option(
                    "post_write_hooks", f"{hook}.options", f"{options} REVISION_SCRIPT_FILENAME"
                )
            command.revision(
                config, message="initial schema", autogenerate=True, rev_id=SCHEMA_HEAD
            )
        dispose_engine(url)
    print(f"wrote {next(VERSIONS.glob('*.py'))}")


if __name__ == "__main__":
    main()
