"""Alembic environment: run by `charte db upgrade` with a connection from charte's engine."""

from __future__ import annotations

from alembic import context

from charte.adapters.db.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
