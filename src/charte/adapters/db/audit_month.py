"""The audit entries' ``month`` column added to an existing table, shared by migration 0030 and the
SQLite audit file's layout 4 (audit_database).

``month`` is the first day of the entry's period, written with the entry: PostgreSQL partitions the
audit by it, and a partition key cannot be a generated column. Existing entries get theirs from
their own bytes, without an UPDATE (the append-only triggers stay as they are): on PostgreSQL the
column is added as generated — a table rewrite, which fires no row trigger — then becomes a plain
column keeping its values (``DROP EXPRESSION``); SQLite adds no such column to a table, so the
table is rebuilt with it, as migration 0010 did.

Frozen: migration 0030 runs these statements; a change goes in a new migration.
"""

from __future__ import annotations

from charte.adapters.db.audit_guard import SQLITE_GUARD

_PG_MONTH = (
    "make_date(substr((body)::jsonb ->> 'period', 1, 4)::integer, "
    "substr((body)::jsonb ->> 'period', 6, 2)::integer, 1)"
)
PG_ADD_MONTH = [
    f"ALTER TABLE audit_entries ADD COLUMN month DATE GENERATED ALWAYS AS ({_PG_MONTH}) STORED NOT NULL",
    "ALTER TABLE audit_entries ALTER COLUMN month DROP EXPRESSION",
]

_KEYS = (("period", "VARCHAR(7)", True), ("seq", "INTEGER", True), ("at", "VARCHAR(40)", True),
         ("actor", "VARCHAR(200)", True), ("action", "VARCHAR(16)", True), ("purpose", "VARCHAR(64)", False),
         ("subject", "VARCHAR(64)", False))  # fmt: skip
_GENERATED = ", ".join(
    f"{key} {kind}{' NOT NULL' if required else ''} "
    f"GENERATED ALWAYS AS (json_extract(body, '$.{key}')) STORED"
    for key, kind, required in _KEYS
)


def _sqlite_rebuild(month: bool) -> list[str]:
    """The table rebuilt with or without ``month``, every entry copied (SQLite adds no column
    beside generated ones and drops none from such a table in place)."""
    column, value = (
        ("month DATE NOT NULL, ", "json_extract(body, '$.period') || '-01', ") if month else ("", "")
    )
    return [
        f"CREATE TABLE audit_entries_v3 (id INTEGER NOT NULL, {column}"
        f"{_GENERATED}, body TEXT NOT NULL, prev VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, "
        "CONSTRAINT pk_audit_entries PRIMARY KEY (id), "
        "CONSTRAINT uq_audit_entries_period_seq UNIQUE (period, seq))",
        f"INSERT INTO audit_entries_v3 (id, {'month, ' if month else ''}body, prev, hash) "  # noqa: S608  # fixed text
        f"SELECT id, {value}body, prev, hash FROM audit_entries",
        "DROP TABLE audit_entries",  # fires no row trigger
        "ALTER TABLE audit_entries_v3 RENAME TO audit_entries",
        *SQLITE_GUARD,
        "CREATE INDEX ix_audit_entries_at ON audit_entries (at)",
        "CREATE INDEX ix_audit_entries_subject ON audit_entries (subject)",
        "CREATE INDEX ix_audit_entries_actor_at ON audit_entries (actor, at)",
    ]


SQLITE_ADD_MONTH = _sqlite_rebuild(month=True)
SQLITE_DROP_MONTH = _sqlite_rebuild(month=False)
PG_DROP_MONTH = ["ALTER TABLE audit_entries DROP COLUMN month"]
