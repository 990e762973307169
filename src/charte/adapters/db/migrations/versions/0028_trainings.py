"""the staff's trainings and the DPO's warnings of reads made with a lapsed training

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("course", sa.String(length=64), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )
    op.create_index(op.f("ix_trainings_purge_due"), "trainings", ["purge_due"])
    op.create_index(op.f("ix_trainings_actor_completed_on"), "trainings", ["actor", "completed_on"])
    op.create_table(
        "training_warnings",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "purpose", "day", name=op.f("pk_training_warnings")),
    )
    op.create_index(op.f("ix_training_warnings_purge_due"), "training_warnings", ["purge_due"])


def downgrade() -> None:
    op.drop_table("training_warnings")
    op.drop_table("trainings")
