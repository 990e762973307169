"""The breach register (GDPR Art. 33(5); docs/breaches.md): each breach, its timeline, and the
persons its scope found.

A breach's facts are the DPO team's words (its cause, what happened, the measures) and figures; the
persons affected are rows of ``breach_persons``, tied to the register by foreign key, so that a
person erased afterwards leaves the breach's list (the counts stay in its scope).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from charte.adapters.db.metadata import metadata

breaches = Table(
    "breaches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", String(200), nullable=False),
    Column("discovered_at", DateTime(timezone=True), nullable=False),
    Column("discovered_by", String(200), nullable=False),
    Column("aware_at", DateTime(timezone=True), nullable=False),
    Column("processor", String(200)),  # Art. 33(2): the processor whose notice made the controller aware
    Column("deadline_at", DateTime(timezone=True), nullable=False),  # Reg. 1182/71 art. 3: 72 h
    Column("target_at", DateTime(timezone=True), nullable=False),  # awareness + 72 h
    Column("natures", Text, nullable=False),  # JSON list of domain.breaches.Nature
    Column("facts", Text, nullable=False),  # JSON: cause, description, involved, categories, estimates...
    Column("assessment", Text),  # JSON: what was declared and what charte proposed
    Column("scope", Text),  # JSON: the last scope's summary (counts, the chain's verdict), no ref
    Column("notify_cnil", Boolean),  # the DPO's decision (null: not decided yet)
    Column("notify_cnil_why", Text),
    Column("tell_persons", Boolean),
    Column("tell_persons_why", Text),
    Column("cnil_first_at", DateTime(timezone=True)),  # the first notification (meets the deadline or not)
    Column("cnil_reference", String(64)),
    Column("cnil_complete", Boolean, nullable=False, server_default="0"),
    Column("closed_at", DateTime(timezone=True)),
    Column("purge_due", Date, index=True),  # closed + breaches.keep_for
)

breach_steps = Table(
    "breach_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("breach_id", ForeignKey("breaches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("step", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
)

breach_persons = Table(
    "breach_persons",
    metadata,
    Column("breach_id", ForeignKey("breaches.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("fields", Text, nullable=False),  # JSON list of field names reached
    Column("times", Integer, nullable=False),  # how many reads, disclosures or orders reached them
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("told_at", DateTime(timezone=True)),  # Art. 34: the letter sent
)
