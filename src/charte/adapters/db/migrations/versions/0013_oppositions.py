"""oppositions and the prospecting suppression list

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oppositions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("person_ref", sa.String(length=128), nullable=True),
        sa.Column("contact_hmacs", sa.Text(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["rights_requests.id"],
            name=op.f("fk_oppositions_request_id_rights_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oppositions")),
    )
    with op.batch_alter_table("oppositions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oppositions_person_ref"), ["person_ref"], unique=False)
    op.create_table(
        "suppression_list",
        sa.Column("contact_hmac", sa.String(length=64), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("contact_hmac", name=op.f("pk_suppression_list")),
    )
    with op.batch_alter_table("suppression_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppression_list_purge_due"), ["purge_due"], unique=False)


def downgrade() -> None:
    op.drop_table("suppression_list")
    op.drop_table("oppositions")
