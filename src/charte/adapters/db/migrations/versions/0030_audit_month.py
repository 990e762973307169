"""audit entries stored under their month, the key PostgreSQL partitions the audit by

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 09:00:00

Each entry gets the first day of its period in a plain column (a partition key cannot be a
generated one), taken from its own bytes; no entry is updated (adapters/db/audit_month.py).
`charte audit partition` then turns the table into one partition a month with pg_partman
(docs/scaling.md).
"""

from __future__ import annotations

from alembic import op

from charte.adapters.db.audit_month import (  # frozen text
    PG_ADD_MONTH,
    PG_DROP_MONTH,
    SQLITE_ADD_MONTH,
    SQLITE_DROP_MONTH,
)

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    statements = PG_ADD_MONTH if op.get_bind().dialect.name == "postgresql" else SQLITE_ADD_MONTH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # The column is a copy of what the bytes hold: dropping it loses nothing.
    statements = PG_DROP_MONTH if op.get_bind().dialect.name == "postgresql" else SQLITE_DROP_MONTH
    for statement in statements:
        op.execute(statement)
