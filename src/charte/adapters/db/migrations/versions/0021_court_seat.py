"""where the court of each judgment sits (CPC 643 for metropolitan France, 644 overseas)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_judgments") as batch:
        batch.add_column(
            sa.Column("court_seat", sa.String(length=16), nullable=False, server_default="metropolitan")
        )


def downgrade() -> None:
    with op.batch_alter_table("case_judgments") as batch:
        batch.drop_column("court_seat")
