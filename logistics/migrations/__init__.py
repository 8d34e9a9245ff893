"""Alembic migrations shipped inside the package (`hub init`, `hub db upgrade`)."""
