"""Migration 0030's change to the audit tables, shared with the SQLite audit file's layout 4
(audit_database): each entry stored under its month, and chains per (period, writer).

- ``month``, the first day of the entry's period, written with the entry: PostgreSQL partitions the
  audit by it (audit_partitions), and a partition key cannot be a generated column;
- ``writer``, generated from the bytes like the other search columns: '' for the shared chain,
  whose entries' bytes carry no writer (every entry written before keeps its bytes and hash);
- the unique key (period, writer, seq), and the head rows keyed by (period, writer).

Existing entries get their month from their own bytes, without an UPDATE (the append-only triggers
stay as they are): on PostgreSQL the column is added as generated — a table rewrite, which fires no
row trigger — then becomes a plain column keeping its values (``DROP EXPRESSION``); SQLite adds no
such column to a table, so the table is rebuilt with it, as migration 0010 did.

Frozen: migration 0030 runs these statements; a change goes in a new migration.
"""

from __future__ import annotations

from charte.adapters.db.audit_guard import SQLITE_GUARD

_PG_MONTH = (
    "make_date(substr((body)::jsonb ->> 'period', 1, 4)::integer, "
    "substr((body)::jsonb ->> 'period', 6, 2)::integer, 1)"
)
_PG_WRITER = "COALESCE(((body)::jsonb ->> 'writer'::text), ''::text)"
PG_UPGRADE = [
    f"ALTER TABLE audit_entries ADD COLUMN month DATE GENERATED ALWAYS AS ({_PG_MONTH}) STORED NOT NULL, "
    f"ADD COLUMN writer VARCHAR(64) GENERATED ALWAYS AS ({_PG_WRITER}) STORED NOT NULL",
    "ALTER TABLE audit_entries ALTER COLUMN month DROP EXPRESSION",
    "ALTER TABLE audit_entries DROP CONSTRAINT uq_audit_entries_period_seq",
    "ALTER TABLE audit_entries ADD CONSTRAINT uq_audit_entries_period_writer_seq "
    "UNIQUE (period, writer, seq)",
    "ALTER TABLE audit_heads ADD COLUMN writer VARCHAR(64) NOT NULL DEFAULT ''",
    "ALTER TABLE audit_heads ALTER COLUMN writer DROP DEFAULT",
    "ALTER TABLE audit_heads DROP CONSTRAINT pk_audit_heads",
    "ALTER TABLE audit_heads ADD CONSTRAINT pk_audit_heads PRIMARY KEY (period, writer)",
]
PG_DOWNGRADE = [
    "ALTER TABLE audit_heads DROP CONSTRAINT pk_audit_heads",
    "DELETE FROM audit_heads WHERE writer <> ''",  # a writer's chain has no place in one chain a period
    "ALTER TABLE audit_heads DROP COLUMN writer",
    "ALTER TABLE audit_heads ADD CONSTRAINT pk_audit_heads PRIMARY KEY (period)",
    "ALTER TABLE audit_entries DROP CONSTRAINT uq_audit_entries_period_writer_seq",
    "ALTER TABLE audit_entries DROP COLUMN writer, DROP COLUMN month",
    "ALTER TABLE audit_entries ADD CONSTRAINT uq_audit_entries_period_seq UNIQUE (period, seq)",
]

_KEYS = (("period", "VARCHAR(7)", True), ("seq", "INTEGER", True), ("at", "VARCHAR(40)", True),
         ("actor", "VARCHAR(200)", True), ("action", "VARCHAR(16)", True), ("purpose", "VARCHAR(64)", False),
         ("subject", "VARCHAR(64)", False))  # fmt: skip
_GENERATED = ", ".join(
    f"{key} {kind}{' NOT NULL' if required else ''} "
    f"GENERATED ALWAYS AS (json_extract(body, '$.{key}')) STORED"
    for key, kind, required in _KEYS
)
_INDEXES = (
    "CREATE INDEX ix_audit_entries_at ON audit_entries (at)",
    "CREATE INDEX ix_audit_entries_subject ON audit_entries (subject)",
    "CREATE INDEX ix_audit_entries_actor_at ON audit_entries (actor, at)",
)


def _sqlite_rebuild(upgraded: bool) -> list[str]:
    """The tables rebuilt with or without 0030's columns and keys, every row copied (SQLite adds
    no column beside generated ones, and changes no key, in place)."""
    if upgraded:
        extra = (
            "month DATE NOT NULL, "
            f"{_GENERATED}, writer VARCHAR(64) NOT NULL GENERATED ALWAYS AS "
            "(coalesce(json_extract(body, '$.writer'), '')) STORED"
        )
        unique, month = "UNIQUE (period, writer, seq)", "json_extract(body, '$.period') || '-01', "
        heads = "period VARCHAR(7) NOT NULL, writer VARCHAR(64) NOT NULL, seq INTEGER NOT NULL, "
        heads += "hash VARCHAR(64) NOT NULL, CONSTRAINT pk_audit_heads PRIMARY KEY (period, writer)"
        copy_heads = "INSERT INTO audit_heads_v2 (period, writer, seq, hash) "
        copy_heads += "SELECT period, '', seq, hash FROM audit_heads"
    else:
        extra, unique, month = _GENERATED, "UNIQUE (period, seq)", ""
        heads = "period VARCHAR(7) NOT NULL, seq INTEGER NOT NULL, hash VARCHAR(64) NOT NULL, "
        heads += "CONSTRAINT pk_audit_heads PRIMARY KEY (period)"
        copy_heads = "INSERT INTO audit_heads_v2 (period, seq, hash) "
        copy_heads += "SELECT period, seq, hash FROM audit_heads WHERE writer = ''"
    key = "uq_audit_entries_period_writer_seq" if upgraded else "uq_audit_entries_period_seq"
    return [
        f"CREATE TABLE audit_entries_v3 (id INTEGER NOT NULL, {extra}, body TEXT NOT NULL, "
        "prev VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, CONSTRAINT pk_audit_entries PRIMARY KEY (id), "
        f"CONSTRAINT {key} {unique})",
        f"INSERT INTO audit_entries_v3 (id, {'month, ' if upgraded else ''}body, prev, hash) "  # noqa: S608  # fixed text
        f"SELECT id, {month}body, prev, hash FROM audit_entries",
        "DROP TABLE audit_entries",  # fires no row trigger
        "ALTER TABLE audit_entries_v3 RENAME TO audit_entries",
        *SQLITE_GUARD,
        *_INDEXES,
        f"CREATE TABLE audit_heads_v2 ({heads})",
        copy_heads,
        "DROP TABLE audit_heads",
        "ALTER TABLE audit_heads_v2 RENAME TO audit_heads",
    ]


SQLITE_UPGRADE = _sqlite_rebuild(upgraded=True)
SQLITE_DOWNGRADE = _sqlite_rebuild(upgraded=False)
