"""rights requests, their pauses and their timeline

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("claimed_name", sa.String(length=400), nullable=False),
        sa.Column("contact", sa.String(length=400), nullable=False),
        sa.Column("person_ref", sa.String(length=128), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=True),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.Column("ground", sa.String(length=32), nullable=True),
        sa.Column("first_due_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("extended_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=16), nullable=True),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("finish_reason", sa.Text(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("document", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
    )
    with op.batch_alter_table("rights_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rights_requests_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_rights_requests_status"), ["status"], unique=False)
    for name, extra in (
        ("rights_pauses", [sa.Column("asked_on", sa.Date(), nullable=False),
                           sa.Column("answered_on", sa.Date(), nullable=True)]),
        ("rights_steps", [sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                          sa.Column("on", sa.Date(), nullable=False),
                          sa.Column("step", sa.String(length=32), nullable=False),
                          sa.Column("actor", sa.String(length=200), nullable=False),
                          sa.Column("detail", sa.Text(), nullable=False)]),
    ):  # fmt: skip
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("request_id", sa.Integer(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["request_id"],
                ["rights_requests.id"],
                name=op.f(f"fk_{name}_request_id_rights_requests"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{name}_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_table("rights_steps")
    op.drop_table("rights_pauses")
    op.drop_table("rights_requests")
