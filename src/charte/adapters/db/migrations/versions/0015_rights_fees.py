"""rights requests: the fee asked for a manifestly unfounded or excessive request (GDPR Art. 12(5)(a))

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.add_column(sa.Column("fee_cents", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("fee_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("fee_asked_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("fee_paid_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.drop_column("fee_paid_on")
        batch.drop_column("fee_asked_on")
        batch.drop_column("fee_reason")
        batch.drop_column("fee_cents")
