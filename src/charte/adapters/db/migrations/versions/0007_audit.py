"""audit chain

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from charte.adapters.db.audit_guard import PG_GUARD, SQLITE_GUARD  # frozen text, shared with the audit file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("period", "seq", name=op.f("uq_audit_entries_period_seq")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_subject"), ["subject"], unique=False)
    op.create_table(
        "audit_drop_permits",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_audit_drop_permits")),
    )
    op.create_table(
        "audit_heads",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_audit_heads")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION charte_audit_guard()")
    op.drop_table("audit_heads")
    op.drop_table("audit_drop_permits")
    op.drop_table("audit_entries")
