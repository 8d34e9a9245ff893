"""Alembic migrations shipped inside the package (`hub init`, `hub db upgrade`).

Hubs have run every revision in ``versions/``, so a released revision is never
edited or regenerated: a schema change is a new revision that upgrades a database
holding data. To add one, change the models, then let Alembic write the difference
against a database at the current head, through the same configuration the hub uses::

    from alembic import command
    from logistics import db

    url = "sqlite:////tmp/head.db"
    db.upgrade(url)
    with db.make_engine(url).begin() as connection:
        command.revision(
            db.alembic_config(connection),
            message="what changes",
            autogenerate=True,
            rev_id="0003",
        )

(the ``alembic revision --autogenerate`` command, run from Python because the
configuration lives in ``logistics.db.alembic_config``, not in an alembic.ini).
Then read the script: autogenerate does not see CHECK constraints, and on SQLite a
new constraint needs ``op.batch_alter_table`` (see 0002). Write allowed values out
literally rather than importing the enums, set ``db.SCHEMA_HEAD`` to the new
revision, and add a case to ``tests/test_migrations.py`` that upgrades a database of
the previous revision holding data.
"""
