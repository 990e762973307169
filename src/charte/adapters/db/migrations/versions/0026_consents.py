"""consents to prospecting, Bloctel lists, and the prospecting gate's answers

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 11:00:00

Persons and contacts are keyed HMACs only: a consent's proof outlives the prospect's data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_hmac", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("contact_hmac", sa.String(length=64), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("text_name", sa.String(length=200), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=True),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("purge_due", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_person_hmac"), "consents", ["person_hmac"])
    op.create_index(op.f("ix_consents_purge_due"), "consents", ["purge_due"])
    op.create_index(
        op.f("ix_consents_contact_hmac_purpose_channel"), "consents", ["contact_hmac", "purpose", "channel"]
    )
    op.create_table(
        "bloctel_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("numbers", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloctel_lists")),
    )
    op.create_index(op.f("ix_bloctel_lists_dated"), "bloctel_lists", ["dated"])
    op.create_index(op.f("ix_bloctel_lists_purge_due"), "bloctel_lists", ["purge_due"])
    op.create_table(
        "bloctel_numbers",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("contact_hmac", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["bloctel_lists.id"],
            name=op.f("fk_bloctel_numbers_list_id_bloctel_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "contact_hmac", name=op.f("pk_bloctel_numbers")),
    )
    op.create_table(
        "prospecting_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moment", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_hmac", sa.String(length=64), nullable=False),
        sa.Column("person_hmac", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("purge_due", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospecting_decisions")),
    )
    op.create_index(op.f("ix_prospecting_decisions_contact_hmac"), "prospecting_decisions", ["contact_hmac"])
    op.create_index(op.f("ix_prospecting_decisions_person_hmac"), "prospecting_decisions", ["person_hmac"])
    op.create_index(op.f("ix_prospecting_decisions_purge_due"), "prospecting_decisions", ["purge_due"])


def downgrade() -> None:
    op.drop_table("prospecting_decisions")
    op.drop_table("bloctel_numbers")
    op.drop_table("bloctel_lists")
    op.drop_table("consents")
