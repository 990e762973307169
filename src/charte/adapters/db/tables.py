"""The register's tables (SQLAlchemy Core). Alembic migrations must match them (a test checks).

Person and site fields are stored one row per field: the policy, not this schema, decides which
fields exist, and erasure of a field is the deletion of its row. Values of fields whose data
category the policy marks ``encrypted`` are stored as ciphertext (``adapters.field_cipher``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from charte.adapters.db.metadata import REF as REF
from charte.adapters.db.metadata import metadata as metadata

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(REF), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # GDPR Art. 18: while set, the data are only stored, save the policy's exceptions.
    Column("restricted_since", Date),
    Column("restriction_ground", String(32)),
    # The audit's keyed HMAC of "person:<ref>" (domain.audit: the entries' subject): resolves a
    # breach's scope from the audit to the persons still here, set-based. Erasing the person takes
    # it too, so an erased person is never named from the audit.
    Column("subject", String(64)),
    Index(None, "subject", unique=True),
)

person_fields = Table(
    "person_fields",
    metadata,
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The person search's index (domain.search): each searched field's folded words or canonical
# contact beside it, one row a term. It goes with its field (the foreign key cascades), so an erased
# field leaves no term behind. The term sorts byte by byte on every engine ("C" collation on
# PostgreSQL), so that a word's prefix is one range of the index.
person_search = Table(
    "person_search",
    metadata,
    Column("person_id", Integer, primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("term", String(200).with_variant(String(200, collation="C"), "postgresql"), primary_key=True),
    ForeignKeyConstraint(
        ["person_id", "field"], ["person_fields.person_id", "person_fields.field"], ondelete="CASCADE"
    ),
    Index(None, "term", "field", "person_id"),
)

# Whether the person search's index holds every person's terms, and for which fields (sorted,
# comma-separated; NULL until the first write or search says which): one row.
person_search_state = Table(
    "person_search_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("complete", Boolean, nullable=False),
    Column("built_for", String(2000)),
    CheckConstraint("id = 1", name="one_row"),
)

# Which kinds of role supplied each field: a field no remaining kind justifies is erased.
field_sources = Table(
    "field_sources",
    metadata,
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("role", String(32), primary_key=True),
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(REF), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

site_fields = Table(
    "site_fields",
    metadata,
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(REF), nullable=False, unique=True),
    Column("offer", String(200), nullable=False),
    Column("site_id", ForeignKey("sites.id"), nullable=False, index=True),
    Column("partner", String(200)),
    Column("prescriber", String(200)),
    Column("signed_on", Date, nullable=False),
    Column("ended_on", Date),
)

roles = Table(
    "roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("contract_id", ForeignKey("contracts.id"), index=True),
    Column("site_id", ForeignKey("sites.id"), index=True),
    Column("source_kind", String(32), nullable=False),
    Column("source_ref", String(REF)),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("rank", Integer),
)

contact_log = Table(
    "contact_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("on", Date, nullable=False),
    Column("direction", String(16), nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("channel", String(16)),
    Column("outcome", String(32)),
    Column("event_id", String(200), nullable=False),
    Index(None, "person_id", "on"),
)

# Every applied event id with the digest of its content: re-imports are idempotent, and an id
# reused for different content is refused.
events = Table(
    "events",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("on", Date, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

# Orders to the operator's systems (docs/events.md, "Orders"). `new_values` holds a rectification's
# values until the system acknowledges the order, then is cleared: the outbox is no second register.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("system", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("person_ref", String(REF), nullable=False),
    Column("fields", Text, nullable=False),  # JSON list of field names
    Column("new_values", Text),  # JSON object, rectifications only, cleared on acknowledgement
    Column("reason", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("due_by", DateTime(timezone=True), nullable=False),
    Column("acked_at", DateTime(timezone=True)),
    Column("acked_by", String(200)),
    Index(None, "system", "acked_at", "id"),  # a system's pending orders, page by page
    Index(None, "due_by"),
)

# Retention units: one row per person x contract, person x site, or person (prospect),
# kept in step with the register as events arrive, so that schedules and sweeps are queries.
retention_units = Table(
    "retention_units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("context", String(REF), nullable=False),  # contract or site ref; "" for a prospect
    Column("rule", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("retention_end", Date),
    Column("purge_due", Date),
    Column("review_reason", String(200)),
    Column("held_by", Text),  # case refs keeping the unit, comma-separated
    UniqueConstraint("person_id", "kind", "context"),
    Index(None, "purge_due"),
    Index(None, "status"),
)

# Erased persons, contracts and sites, remembered only by a keyed HMAC of "kind:ref" (key outside
# the database): an imported event about them dated on or before the erasure is skipped, never a
# resurrection; a later-dated one is a new collection.
tombstones = Table(
    "tombstones",
    metadata,
    Column("ref_hmac", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("erased_on", Date, nullable=False),
)

# One proof per erased unit, with no personal data (each is chained into the audit log too).
erasure_proofs = Table(
    "erasure_proofs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_hmac", String(64), nullable=False, index=True),
    Column("unit", String(32), nullable=False),
    Column("context_hmac", String(64)),
    Column("rule", String(64), nullable=False),
    Column("purge_due", Date, nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=False),
    Column("person_erased", Boolean, nullable=False),
    Column("fields_erased", Text, nullable=False),  # JSON list of field names, never values
)

# Litigation holds: a case names persons and contracts (refs kept even before they
# reach the register); its judgments give the release date from the policy's recourse table.
cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(REF), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("appealed", Boolean, nullable=False),  # a recourse was lodged against the last judgment
    Column("closed_on", Date),
    Column("closed_reason", String(32)),
)

case_judgments = Table(
    "case_judgments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("pronounced_on", Date, nullable=False),
    Column("served_on", Date),
    Column("recourse", String(16)),  # appeal, cassation, or null: none open
    Column("residence", String(16), nullable=False),  # where the party farthest from the court lives
    Column("court_seat", String(16), nullable=False, server_default="metropolitan"),
)

case_subjects = Table(
    "case_subjects",
    metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # person, contract, call
    Column("ref", String(REF), primary_key=True, index=True),
)

# Every change to a hold, with its reason and who made it (refs only; chained into the audit log too).
case_log = Table(
    "case_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_ref", String(REF), nullable=False, index=True),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Who calls the API: a token per actor, stored as its SHA-256 (a token is 256 random
# bits, so a slow password hash would add nothing), with the policy role it acts in.
actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(64), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    # Console login (services.sessions): an Argon2id hash, and the failures that slow logins down.
    Column("password_hash", Text),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
)

# Open console sessions, named by the SHA-256 of the cookie's random secret (the secret itself
# is only in the browser). A session ends at its expiry, at logout, or when its actor is revoked.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("secret_sha256", String(64), primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)


class BodyKey(ColumnElement[Any]):
    """A key of an audit entry's canonical JSON bytes (the ``body`` column), as SQL that the
    database evaluates itself: the search columns are generated from the bytes, so they cannot
    disagree with what the chain's hashes verify (migration 0010)."""

    inherit_cache = False  # used in DDL only

    def __init__(self, key: str, integer: bool = False) -> None:
        self.key, self.integer = key, integer


@compiles(BodyKey, "sqlite")
def _body_key_sqlite(element: BodyKey, compiler: Any, **kw: Any) -> str:
    return f"json_extract(body, '$.{element.key}')"


@compiles(BodyKey, "postgresql")
def _body_key_postgresql(element: BodyKey, compiler: Any, **kw: Any) -> str:
    text = f"((body)::jsonb ->> '{element.key}'::text)"
    return f"({text})::integer" if element.integer else text


class WriterKey(ColumnElement[Any]):
    """An entry's writer from its bytes: the key, or '' where the bytes have none (the shared
    chain, whose entries' bytes are as they always were)."""

    inherit_cache = False  # used in DDL only


@compiles(WriterKey, "sqlite")
def _writer_key_sqlite(element: WriterKey, compiler: Any, **kw: Any) -> str:
    return "coalesce(json_extract(body, '$.writer'), '')"


@compiles(WriterKey, "postgresql")
def _writer_key_postgresql(element: WriterKey, compiler: Any, **kw: Any) -> str:
    return "COALESCE(((body)::jsonb ->> 'writer'::text), ''::text)"


def _from_body(key: str, integer: bool = False) -> Computed:
    return Computed(BodyKey(key, integer), persisted=True)


# The audit chain (charte.domain.audit): the canonical bytes of each entry and its
# links. The search columns are generated by the database from the bytes (never written by
# charte, never writable at all). No update or delete path exists in code; on PostgreSQL and SQLite
# a trigger rejects both, except for whole periods with a drop permit (past the audit retention;
# see migration 0007).
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    # The period's first day, written with the entry: PostgreSQL partitions the table by it (a
    # partition key cannot be a generated column). An entry stored under another month is not
    # read with its period's chain, so verification reports it missing (migration 0030).
    Column("month", Date, nullable=False),
    Column("period", String(7), _from_body("period"), nullable=False),  # YYYY-MM (UTC): one chain each
    Column("seq", Integer, _from_body("seq", integer=True), nullable=False),
    Column("at", String(40), _from_body("at"), nullable=False),  # ISO 8601 UTC
    Column("actor", String(200), _from_body("actor"), nullable=False),
    Column("action", String(16), _from_body("action"), nullable=False),
    Column("purpose", String(64), _from_body("purpose")),
    Column("subject", String(64), _from_body("subject"), index=True),  # HMAC of the ref, never the ref
    # The chain in the period: '' the shared one, or a serving process's (domain.audit.SHARED).
    Column("writer", String(64), Computed(WriterKey(), persisted=True), nullable=False),
    Column("body", Text, nullable=False),
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("period", "writer", "seq"),
    Index(None, "at"),
    Index(None, "actor", "at"),  # an actor's entries in a window: a breach's scope, an actor's history
)

# The head of each chain (period, writer): the row an appender locks, so that a chain's entries are
# chained one at a time; each serving process has a chain, so a row, of its own (verification
# never trusts them: it reads the entries and the checkpoints).
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("writer", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# A period listed here may have its entries deleted (past the audit retention); the triggers let
# nothing else delete an entry.
audit_drop_permits = Table(
    "audit_drop_permits",
    metadata,
    Column("period", String(7), primary_key=True),
)

# What was disclosed to which recipient, for which purpose, when and by whom: the
# ledger behind GDPR Art. 19 notices and access answers. The person is a keyed HMAC of the ref,
# so the ledger can be searched from a ref but holds none.
disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_hmac", String(64), nullable=False, index=True),
    Column("recipient", String(64), nullable=False),  # a policy role (installer, prescriber...)
    Column("purpose", String(64), nullable=False),
    Column("fields", Text, nullable=False),  # JSON list of field names, never values
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "recipient", "at"),  # what went to a recipient in a window: a breach's scope
)

# Rights requests (charte.domain.rights): what was asked, by whom, through which channel,
# and where it stands. `due_on` is recomputed at every step (null while the clock is stopped), so
# that "what is late" is one indexed query. The requester's claimed name and contact are personal
# data like the register's fields; they are never written to logs or the audit.
rights_requests = Table(
    "rights_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(32), nullable=False),  # a domain.vocabulary.Right value (consent_withdrawal: 18)
    Column("channel", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("status", String(24), nullable=False),
    Column("claimed_name", String(400), nullable=False),
    Column("contact", String(400), nullable=False),
    Column("person_ref", String(REF)),  # once matched to the register
    Column("purpose", String(64)),  # opposition: the purpose objected to
    Column("changes", Text),  # rectification: JSON object field -> new value
    Column("ground", String(32)),  # restriction: GDPR Art. 18(1) ground
    Column("first_due_on", Date),  # the due date before any extension (Art. 12(3) notice limit)
    Column("due_on", Date, index=True),
    Column("extended_on", Date),
    Column("extension_reason", Text),
    Column("verified_on", Date),
    Column("verified_by", String(16)),  # the identity method
    Column("finished_on", Date),  # fulfilled, refused or closed
    Column("finish_reason", Text),
    Column("code_hash", String(64)),
    Column("code_expires_at", DateTime(timezone=True)),
    Column("code_attempts", Integer, nullable=False, server_default="0"),
    Column("document", String(200)),  # the encrypted identity document's name in the document store
    Column("created_at", DateTime(timezone=True), nullable=False),
    # A fee asked for a manifestly unfounded or excessive request (Art. 12(5)(a)), in euro cents.
    Column("fee_cents", Integer),
    Column("fee_reason", Text),
    Column("fee_asked_on", Date),
    Column("fee_paid_on", Date),
    Index(None, "status"),
)

# Each request for information sent to identify a requester, and its answer (the clock's pauses).
rights_pauses = Table(
    "rights_pauses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_requests.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("asked_on", Date, nullable=False),
    Column("answered_on", Date),
)

# The request's timeline: every step, when, by whom (names of staff, no requester data).
rights_steps = Table(
    "rights_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_requests.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("on", Date, nullable=False),  # the day the step counts for (may precede `at`: a letter received)
    Column("step", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
)

# GDPR Art. 19: each recipient told of a rectification, erasure or restriction of data it received
# (from the disclosure ledger), until the DPO's team records the notice as sent. The same ledger of
# owed notices tells a client (recipient "client", person_ref the client) that the trusted person
# designated at `site_ref` is designated no more (an objection, Art. 21(1)): to designate another.
recipient_notices = Table(
    "recipient_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_requests.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("recipient", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # the order kind: rectification.required, restriction.set...
    Column("person_ref", String(REF), nullable=False),
    Column("fields", Text, nullable=False),  # JSON list: the fields it received that changed
    Column("site_ref", String(REF)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("sent_by", String(200)),
)

# GDPR Art. 21: objections, per purpose; the calls issue reads them before recording a number.
oppositions = Table(
    "oppositions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_requests.id", ondelete="SET NULL")),
    Column("purpose", String(64), nullable=False),
    Column("person_ref", String(REF), index=True),
    Column("contact_hmacs", Text, nullable=False),  # JSON list: keyed hashes of canonical contacts
    Column("on", Date, nullable=False),
)

# The contacts of each objection, one row per keyed hash: a call's number is looked up by index
# at call start (services.calls), however many objections there are.
objection_contacts = Table(
    "objection_contacts",
    metadata,
    Column("opposition_id", ForeignKey("oppositions.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_hmac", String(64), primary_key=True, index=True),
)

# Contacts who objected to prospecting, as keyed hashes of their canonical form (domain.contacts)
# only: a later feed naming them as prospects is dropped. Kept `purge_due` (the policy's
# suppression list rule, at least 3 years: CNIL), then purged by the sweep.
suppression_list = Table(
    "suppression_list",
    metadata,
    Column("contact_hmac", String(64), primary_key=True),
    Column("added_on", Date, nullable=False),
    Column("purge_due", Date, nullable=False, index=True),
)

# GDPR Art. 14: each role whose data came from someone else is told once — the notice sent
# (when, how) or the documented exemption (14(5)). Gone with the role when it is erased.
information_notices = Table(
    "information_notices",
    metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("sent_on", Date),
    Column("channel", String(16)),  # letter, sms, email
    Column("exemption", Text),  # Art. 14(5): why no notice is given
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# A request filed on the portal: the requester follows it with a secret shown once
# (only its SHA-256 is kept), and what they wrote in "details" is kept with the request (it goes
# with it: ON DELETE CASCADE, under the rights_request retention rule).
portal_tickets = Table(
    "portal_tickets",
    metadata,
    Column("request_id", ForeignKey("rights_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("secret_sha256", String(64), nullable=False, unique=True),
    Column("details", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Each retention sweep that ran (not the dry runs): when, for which day, and its counts — what the
# DPO's dashboard shows as "the last sweep", whoever ran it (charte serve at night, cron, by hand).
sweep_runs = Table(
    "sweep_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False, index=True),
    Column("totals", Text, nullable=False),  # JSON: counts by rule, persons, fields, orders — no ref
)


# The fingerprint of each key the register was written with (domain/keys.py): a process holding
# another key is refused before it reads or writes anything keyed (services/keys.py).
key_fingerprints = Table(
    "key_fingerprints",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)


# Tables of their own modules, declared into the same metadata; re-exported here so that this
# module names every table (migrations, tests and stores read them as `tables.<name>`).
from charte.adapters.db.alarm_tables import alarm_attempts as alarm_attempts  # noqa: E402
from charte.adapters.db.alarm_tables import alarm_dispatches as alarm_dispatches  # noqa: E402
from charte.adapters.db.alarm_tables import alarm_sessions as alarm_sessions  # noqa: E402
from charte.adapters.db.breach_tables import breach_persons as breach_persons  # noqa: E402
from charte.adapters.db.breach_tables import breach_steps as breach_steps  # noqa: E402
from charte.adapters.db.breach_tables import breaches as breaches  # noqa: E402
from charte.adapters.db.call_tables import call_analyses as call_analyses  # noqa: E402
from charte.adapters.db.call_tables import calls as calls  # noqa: E402
from charte.adapters.db.consent_tables import bloctel_lists as bloctel_lists  # noqa: E402
from charte.adapters.db.consent_tables import bloctel_numbers as bloctel_numbers  # noqa: E402
from charte.adapters.db.consent_tables import consents as consents  # noqa: E402
from charte.adapters.db.consent_tables import prospecting_decisions as prospecting_decisions  # noqa: E402
from charte.adapters.db.dataset_tables import dataset_builds as dataset_builds  # noqa: E402
from charte.adapters.db.training_tables import training_warnings as training_warnings  # noqa: E402
from charte.adapters.db.training_tables import trainings as trainings  # noqa: E402
