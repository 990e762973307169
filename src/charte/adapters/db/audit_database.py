"""The audit chain in a database of its own (the SQLite default: `<register>-audit.db`).

Why: SQLite has one writer per file. A long import holds the register's write lock for
minutes; if audit entries lived in the same file, every audited read would wait behind it (and
all but alarm handling would fail after the busy timeout). In a file of its own the chain is
written while the import runs.

The file holds only the three audit tables and their append-only triggers, created here on first
use (the same definitions as migration 0007), and the audit signing key's fingerprint; `PRAGMA
user_version` says which layout it has, so a later change can upgrade it in place. On PostgreSQL
the audit stays in the register's database (row locks, no file lock), unless
`CHARTE_AUDIT_DATABASE_URL` says otherwise.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from charte.adapters.db import tables as t
from charte.adapters.db.audit_guard import PG_GUARD, SQLITE_GUARD
from charte.adapters.db.audit_layout import PG_UPGRADE, SQLITE_UPGRADE
from charte.services.errors import NotReady

# PRAGMA user_version of an audit file created by this charte: 1 the chain, 2 with the audit signing
# key's fingerprint (kept beside the chain it signs, so that recording it at a process's first
# audited read never waits behind an import holding the register's write lock).
# 3: an actor's entries indexed by time (a breach's scope reads an actor's window).
# 4: each entry stored under its month, chains per (period, writer) (audit_layout: as migration 0030).
LAYOUT = 4
# What a file of an earlier layout lacks that `create_all` does not add to existing tables.
UPGRADES = (
    "DROP INDEX IF EXISTS ix_audit_entries_actor",
    "CREATE INDEX IF NOT EXISTS ix_audit_entries_actor_at ON audit_entries (actor, at)",
)
TABLES = (t.audit_entries, t.audit_heads, t.audit_drop_permits, t.key_fingerprints)


def ensure_schema(engine: Engine) -> None:
    """Create the audit tables and triggers if they are missing; leave a current file alone."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            layout = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
            if layout == LAYOUT:
                return
            if layout > LAYOUT:
                raise NotReady(
                    f"the audit database has layout {layout}; this charte knows {LAYOUT}: upgrade charte"
                )
        t.metadata.create_all(conn, tables=list(TABLES), checkfirst=True)
        if engine.dialect.name == "sqlite":
            for statement in SQLITE_GUARD:
                conn.exec_driver_sql(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
            for statement in UPGRADES:
                conn.exec_driver_sql(statement)
            columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(audit_entries)")}
            if "month" not in columns:  # a file of layout 3 or earlier
                for statement in SQLITE_UPGRADE:
                    conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {LAYOUT}")
        else:
            if not conn.execute(text("SELECT 1 FROM pg_proc WHERE proname = 'charte_audit_guard'")).first():
                conn.exec_driver_sql(PG_GUARD)
            month = text(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'audit_entries' AND column_name = 'month'"
            )
            if not conn.execute(month).first():  # an audit database made before migration 0030
                for statement in PG_UPGRADE:
                    conn.exec_driver_sql(statement)
