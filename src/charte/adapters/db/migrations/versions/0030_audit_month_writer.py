"""audit entries stored under their month (the key PostgreSQL partitions the audit by), and chains
per (period, writer)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 09:00:00

Each entry gets the first day of its period in a plain column (a partition key cannot be a
generated one), taken from its own bytes, and its writer as a search column generated from the
bytes ('' for the shared chain: every entry so far); the unique key becomes (period, writer, seq)
and the head rows are keyed by (period, writer). No entry is updated (adapters/db/audit_layout.py).
`charte audit partition` then turns the table into one partition a month with pg_partman, and
each serving process appends to a chain of its own (docs/scaling.md).
"""

from __future__ import annotations

from alembic import op

from charte.adapters.db.audit_layout import (  # frozen text
    PG_DOWNGRADE,
    PG_UPGRADE,
    SQLITE_DOWNGRADE,
    SQLITE_UPGRADE,
)

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    statements = PG_UPGRADE if op.get_bind().dialect.name == "postgresql" else SQLITE_UPGRADE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # The columns are copies of what the bytes hold; a writer's chain has no place in one chain a
    # period, so going down is only for an audit whose serving processes never wrote.
    statements = PG_DOWNGRADE if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWNGRADE
    for statement in statements:
        op.execute(statement)
