"""the breach register, and the persons' audit subject

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 14:00:00

``persons.subject`` is the audit's keyed HMAC of the person's ref; the key is not the database's,
so the rows already there are filled by ``charte db upgrade`` after this migration (and by the
breach scope itself, should any be left).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An actor's entries in a window (a breach's scope): the composite serves the actor alone too.
    op.drop_index("ix_audit_entries_actor", table_name="audit_entries")
    op.create_index(op.f("ix_audit_entries_actor_at"), "audit_entries", ["actor", "at"])
    op.create_index(op.f("ix_disclosures_recipient_at"), "disclosures", ["recipient", "at"])
    op.add_column("persons", sa.Column("subject", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_persons_subject"), "persons", ["subject"], unique=True)
    op.create_table(
        "breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discovered_by", sa.String(length=200), nullable=False),
        sa.Column("aware_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processor", sa.String(length=200), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("natures", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("notify_cnil", sa.Boolean(), nullable=True),
        sa.Column("notify_cnil_why", sa.Text(), nullable=True),
        sa.Column("tell_persons", sa.Boolean(), nullable=True),
        sa.Column("tell_persons_why", sa.Text(), nullable=True),
        sa.Column("cnil_first_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cnil_reference", sa.String(length=64), nullable=True),
        sa.Column("cnil_complete", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purge_due", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaches")),
    )
    op.create_index(op.f("ix_breaches_purge_due"), "breaches", ["purge_due"])
    op.create_table(
        "breach_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_steps_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_steps")),
    )
    op.create_index(op.f("ix_breach_steps_breach_id"), "breach_steps", ["breach_id"])
    op.create_table(
        "breach_persons",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_persons_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_breach_persons_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("breach_id", "person_id", name=op.f("pk_breach_persons")),
    )
    op.create_index(op.f("ix_breach_persons_person_id"), "breach_persons", ["person_id"])


def downgrade() -> None:
    op.drop_table("breach_persons")
    op.drop_table("breach_steps")
    op.drop_index(op.f("ix_breaches_purge_due"), table_name="breaches")
    op.drop_table("breaches")
    op.drop_index(op.f("ix_persons_subject"), table_name="persons")
    op.drop_index(op.f("ix_disclosures_recipient_at"), table_name="disclosures")
    op.drop_index(op.f("ix_audit_entries_actor_at"), table_name="audit_entries")
    op.create_index("ix_audit_entries_actor", "audit_entries", ["actor"])
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("subject")
