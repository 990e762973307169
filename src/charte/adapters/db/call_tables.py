"""Calls and what analysing their recordings produced (docs/calls.md)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from charte.adapters.db.metadata import REF, metadata

# Calls: the metadata the telephony reports, and where the encrypted audio and
# transcript lie (names in the blob store; their keys are in the keyring, outside the database).
# `purge_due` is the retention rule's date (recordings: six months); a litigation hold naming the
# call or its person keeps it (`held_by`). `kept_for`: the purposes an objection does not stop that
# the recording is in use for (a rights request, a fraud control), set by the DPO's team.
calls = Table(
    "calls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(REF), nullable=False, unique=True),
    Column("number", String(32), index=True),  # canonical (domain.contacts); null when withheld
    Column("person_ref", String(REF), index=True),
    Column("direction", String(8), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("recorded", Boolean, nullable=False),
    Column("listened_live", Boolean, nullable=False),
    Column("purposes", Text, nullable=False),  # JSON list: what the recording may be used for
    Column("kept_for", Text, nullable=False, server_default="[]"),  # JSON list
    Column("pending_audio", String(200)),  # the inbox file still to seal (the event came first)
    Column("audio", String(200)),  # blob name
    Column("audio_bytes", Integer),
    Column("transcript", String(200)),  # blob name
    Column("rule", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # domain.retention.UnitStatus values
    Column("retention_end", Date),
    Column("purge_due", Date, index=True),  # null while a hold's release is not known
    Column("held_by", Text),  # case refs keeping the call, comma-separated
    Column("event_id", String(200), nullable=False),
)

# What analysing a recording produced, sealed in the recordings store like a
# transcript. A `result` (an AI output about the call) goes with its call, unless the analyst
# declared it irreversibly anonymised (then it is detached, no longer personal data); a `document`
# (a scoring grid, a report) follows the policy's `recordings.analysis_retention` rule from the
# day it was written, whatever becomes of the call.
call_analyses = Table(
    "call_analyses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("call_id", ForeignKey("calls.id", ondelete="SET NULL"), index=True),
    Column("kind", String(16), nullable=False),
    Column("blob", String(200), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("anonymised", Boolean, nullable=False),
    Column("written_on", Date, nullable=False),
    Column("rule", String(64)),
    Column("purge_due", Date, index=True),
    Column("written_by", String(200), nullable=False),
)
