"""alarm sessions, their call attempts and dispatches, kept with the site's contract

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarm_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("taken_by", sa.String(length=200), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_alarm_sessions_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_alarm_sessions_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_sessions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_alarm_sessions_event_id")),
    )
    op.create_index(op.f("ix_alarm_sessions_closed_at"), "alarm_sessions", ["closed_at"], unique=False)
    op.create_index(op.f("ix_alarm_sessions_contract_id"), "alarm_sessions", ["contract_id"], unique=False)
    op.create_index(op.f("ix_alarm_sessions_site_id"), "alarm_sessions", ["site_id"], unique=False)
    op.create_table(
        "alarm_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_alarm_attempts_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["alarm_sessions.id"],
            name=op.f("fk_alarm_attempts_session_id_alarm_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_attempts")),
    )
    op.create_index(op.f("ix_alarm_attempts_person_id"), "alarm_attempts", ["person_id"], unique=False)
    op.create_index(op.f("ix_alarm_attempts_session_id"), "alarm_attempts", ["session_id"], unique=False)
    op.create_table(
        "alarm_dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("disclosure", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["alarm_sessions.id"],
            name=op.f("fk_alarm_dispatches_session_id_alarm_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_dispatches")),
    )
    op.create_index(op.f("ix_alarm_dispatches_session_id"), "alarm_dispatches", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alarm_dispatches_session_id"), table_name="alarm_dispatches")
    op.drop_table("alarm_dispatches")
    op.drop_index(op.f("ix_alarm_attempts_session_id"), table_name="alarm_attempts")
    op.drop_index(op.f("ix_alarm_attempts_person_id"), table_name="alarm_attempts")
    op.drop_table("alarm_attempts")
    op.drop_index(op.f("ix_alarm_sessions_site_id"), table_name="alarm_sessions")
    op.drop_index(op.f("ix_alarm_sessions_contract_id"), table_name="alarm_sessions")
    op.drop_index(op.f("ix_alarm_sessions_closed_at"), table_name="alarm_sessions")
    op.drop_table("alarm_sessions")
