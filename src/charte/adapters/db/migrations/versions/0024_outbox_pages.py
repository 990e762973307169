"""the outbox read in pages: a system's pending orders by id, from an index

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A page is « this system's pending orders after id N, the next L of them »: with the id last
    # in the index, PostgreSQL reads the page from the index instead of sorting every pending order.
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_system_acked_at")
        batch.create_index("ix_outbox_system_acked_at_id", ["system", "acked_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_system_acked_at_id")
        batch.create_index("ix_outbox_system_acked_at", ["system", "acked_at"], unique=False)
