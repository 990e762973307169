"""Alarm sessions, their call attempts and dispatches (docs/alarms.md)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table

from charte.adapters.db.metadata import metadata

# Alarm handling. A session is stored with the contract its site had when the alarm
# was raised and leaves with it (ON DELETE CASCADE): the policy keeps sessions with that
# contract's client data (`alarms.kept_with`). A call attempt names the person it reached while
# they exist; erasing a trusted person leaves the attempt (rank, time, outcome) without them.
alarm_sessions = Table(
    "alarm_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), index=True),
    Column("kind", String(32), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("raised_by", String(200), nullable=False),  # the actor, or the feed's event id
    Column("event_id", String(200), unique=True),
    Column("taken_by", String(200)),
    Column("taken_at", DateTime(timezone=True)),
    Column("closed_by", String(200)),
    Column("closed_at", DateTime(timezone=True), index=True),
    Column("outcome", String(32)),
)

alarm_attempts = Table(
    "alarm_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("alarm_sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("person_id", ForeignKey("persons.id", ondelete="SET NULL"), index=True),
    Column("role", String(32), nullable=False),
    Column("rank", Integer),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("by", String(200), nullable=False),
)

alarm_dispatches = Table(
    "alarm_dispatches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("alarm_sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("recipient", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("disclosure", Integer, nullable=False),  # the disclosure ledger's number
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),
)
