"""the site a notice to a client names (a trusted person's designation ended there)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipient_notices") as batch:
        batch.add_column(sa.Column("site_ref", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recipient_notices") as batch:
        batch.drop_column("site_ref")
