"""information notices (GDPR Art. 14)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "information_notices",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("exemption", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_information_notices_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("role_id", name=op.f("pk_information_notices")),
    )


def downgrade() -> None:
    op.drop_table("information_notices")
