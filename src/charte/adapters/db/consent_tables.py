"""Consents to prospecting, the Bloctel lists loaded, and the prospecting gate's answers
(docs/prospecting.md).

Every person and contact here is a keyed HMAC (the suppression list's form, ``contact:<kind>:<canonical>``):
a consent's proof outlives the prospect's data (GDPR Art. 7(1), the policy's ``consent_proof``
rule), and a stolen database cannot tell whose number was on which list.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text

from charte.adapters.db.metadata import REF, metadata

# One consent: for a purpose, on a channel, covering one contact; ended by its withdrawal (or its
# person's erasure), then kept until `purge_due` and purged by the sweep.
consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_hmac", String(64), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("contact_hmac", String(64), nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
    Column("method", String(16), nullable=False),
    Column("text_name", String(200), nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("source_kind", String(16), nullable=False),
    Column("source_ref", String(REF)),
    Column("event_id", String(200), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("withdrawn_by", String(200)),  # the event id, or how: portal, link, keyword
    Column("purge_due", Date, index=True),  # set when the consent ends
    Index(None, "contact_hmac", "purpose", "channel"),
)

# A Bloctel list as the operator received it for its campaigns before 11 August 2026: the numbers
# of its file found on the opposition list, on that day. Kept as the policy says, then purged.
bloctel_lists = Table(
    "bloctel_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dated", Date, nullable=False, index=True),
    Column("numbers", Integer, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(200), nullable=False),
    Column("purge_due", Date, nullable=False, index=True),
)

bloctel_numbers = Table(
    "bloctel_numbers",
    metadata,
    Column("list_id", ForeignKey("bloctel_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_hmac", String(64), primary_key=True),
)

# Each answer of the gate: what was asked (a contact, a channel, a purpose, a moment, a campaign),
# by whom, and the answer with every reason (codes, sources, dates; never a personal value) — the
# proof that a solicitation was allowed when it was made.
prospecting_decisions = Table(
    "prospecting_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("moment", DateTime(timezone=True), nullable=False),
    Column("contact_hmac", String(64), nullable=False, index=True),
    Column("person_hmac", String(64), index=True),
    Column("channel", String(16), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("campaign", String(200)),
    Column("allowed", Boolean, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of {code, source, detail}
    Column("actor", String(200), nullable=False),
    Column("purge_due", Date, nullable=False, index=True),
)
