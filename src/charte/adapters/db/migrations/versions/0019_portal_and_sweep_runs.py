"""portal tickets (a portal request's follow-up secret and details); the log of sweeps that ran

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sweep_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_runs")),
    )
    op.create_index(op.f("ix_sweep_runs_finished_at"), "sweep_runs", ["finished_at"], unique=False)
    op.create_table(
        "portal_tickets",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_portal_tickets_request_id_rights_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_portal_tickets")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_portal_tickets_secret_sha256")),
    )


def downgrade() -> None:
    op.drop_table("portal_tickets")
    op.drop_index(op.f("ix_sweep_runs_finished_at"), table_name="sweep_runs")
    op.drop_table("sweep_runs")
