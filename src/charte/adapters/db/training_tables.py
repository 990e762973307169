"""The staff's data-protection trainings (domain.accountability.Training) and the DPO's warnings
of reads made with a lapsed training under an exempt purpose."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table

from charte.adapters.db.metadata import metadata

# One row per training completed: who, which course, when; ``purge_due`` is decided by the policy
# when the row is written (its validity, then ``training.keep_for``) and carried out by the sweep.
trainings = Table(
    "trainings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", String(200), nullable=False),
    Column("course", String(64), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("purge_due", Date, nullable=False, index=True),
    Index(None, "actor", "completed_on"),  # an actor's latest training, at every read
)

# A read allowed under an exempt purpose (alarm handling) by an actor whose training lapsed: once
# per actor, purpose and day — the DPO's list of whom to train first.
training_warnings = Table(
    "training_warnings",
    metadata,
    Column("actor", String(200), primary_key=True),
    Column("purpose", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("purge_due", Date, nullable=False, index=True),
)
