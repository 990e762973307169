"""analysis datasets built: their data sheets, expiry and destruction

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_builds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("build", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=True),
        sa.Column("sheet", sa.Text(), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destroyed_by", sa.String(length=200), nullable=True),
        sa.Column("destroyed_why", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_builds")),
        sa.UniqueConstraint("dataset", "build", name=op.f("uq_dataset_builds_dataset_build")),
    )
    op.create_index(op.f("ix_dataset_builds_purge_due"), "dataset_builds", ["purge_due"])


def downgrade() -> None:
    op.drop_table("dataset_builds")
