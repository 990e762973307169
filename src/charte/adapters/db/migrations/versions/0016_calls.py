"""calls and recordings; the contacts of each objection, indexed

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 20:30:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objection_contacts",
        sa.Column("opposition_id", sa.Integer(), nullable=False),
        sa.Column("contact_hmac", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["opposition_id"],
            ["oppositions.id"],
            name=op.f("fk_objection_contacts_opposition_id_oppositions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("opposition_id", "contact_hmac", name=op.f("pk_objection_contacts")),
    )
    with op.batch_alter_table("objection_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objection_contacts_contact_hmac"), ["contact_hmac"], unique=False
        )
    # The objections recorded before this revision keep their contacts in a JSON list: index them.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, contact_hmacs FROM oppositions")).all()
    pairs = [{"o": oid, "h": h} for oid, hmacs in rows for h in sorted(set(json.loads(hmacs)))]
    if pairs:
        conn.execute(
            sa.text("INSERT INTO objection_contacts (opposition_id, contact_hmac) VALUES (:o, :h)"), pairs
        )
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("person_ref", sa.String(length=128), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.Column("listened_live", sa.Boolean(), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("kept_for", sa.Text(), server_default="[]", nullable=False),
        sa.Column("pending_audio", sa.String(length=200), nullable=True),
        sa.Column("audio", sa.String(length=200), nullable=True),
        sa.Column("audio_bytes", sa.Integer(), nullable=True),
        sa.Column("transcript", sa.String(length=200), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("retention_end", sa.Date(), nullable=True),
        sa.Column("purge_due", sa.Date(), nullable=True),
        sa.Column("held_by", sa.Text(), nullable=True),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("ref", name=op.f("uq_calls_ref")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_person_ref"), ["person_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_purge_due"), ["purge_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_purge_due"))
        batch_op.drop_index(batch_op.f("ix_calls_person_ref"))
        batch_op.drop_index(batch_op.f("ix_calls_number"))
    op.drop_table("calls")
    with op.batch_alter_table("objection_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_contacts_contact_hmac"))
    op.drop_table("objection_contacts")
