"""what analysing a recording produced: results that go with their call, documents kept 12 months

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("blob", sa.String(length=200), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("purge_due", sa.Date(), nullable=True),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_analyses_call_id_calls"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_analyses")),
    )
    with op.batch_alter_table("call_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_analyses_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_analyses_purge_due"), ["purge_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("call_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_analyses_purge_due"))
        batch_op.drop_index(batch_op.f("ix_call_analyses_call_id"))
    op.drop_table("call_analyses")
