"""room for every request type in rights_requests.type (consent_withdrawal is 18 characters)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.alter_column(
            "type", existing_type=sa.String(length=16), type_=sa.String(length=32), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.alter_column(
            "type", existing_type=sa.String(length=32), type_=sa.String(length=16), existing_nullable=False
        )
