"""The audit table partitioned by month on PostgreSQL, managed by pg_partman (Debian:
``postgresql-15-partman``), so that a month past the audit retention goes as one table — detached,
then dropped — rather than as millions of deleted rows, and a month's verification reads one
partition (docs/scaling.md, "The audit partitioned by period").

``partition`` turns the plain table into a partitioned one in one transaction: the table renamed
aside, its partitioned twin created with the same columns (the search columns still generated
from the bytes), pg_partman's ``create_parent`` making one partition a month from the oldest entry's
to ``ahead`` months after this one (and a default partition for an entry beyond), every entry copied
with its id, the old table dropped, then the keys, the indexes and the append-only trigger made
on the partitioned table — PostgreSQL gives them to every partition, those pg_partman makes later
included. Entries and chains are unchanged: the same bytes, the same ids, the same order.

``keep_ahead`` runs pg_partman's maintenance (the partitions ahead); charte calls it with the
daily audit drop (``charte audit drop-expired``, the daily job of ``charte serve``). pg_partman's
own background worker may do it too; charte does not rely on it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, text

from charte.adapters.db.audit_guard import PG_TRIGGER
from charte.services.errors import NotReady

PARTMAN = "partman"  # the schema pg_partman is installed in when charte installs it

_IS_PARTITIONED = text(
    "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = 'audit_entries' AND n.nspname = current_schema()"
)
_PARTITIONS = text(
    "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
    "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(:parent AS regclass) ORDER BY c.relname"
)


def is_partitioned(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and conn.execute(_IS_PARTITIONED).first() is not None


def _partman(conn: Connection) -> str:
    """pg_partman's schema, installing the extension if the server has it."""
    schema = conn.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_partman'")
    ).scalar_one_or_none()
    if schema is not None:
        return str(schema)
    available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'")).first()
    if available is None:
        raise NotReady(
            "pg_partman is not installed on the database server: install it there (Debian: "
            "apt-get install postgresql-15-partman), then run `charte audit partition` again"
        )
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {PARTMAN}")
    conn.exec_driver_sql(f"CREATE EXTENSION pg_partman SCHEMA {PARTMAN}")
    return PARTMAN


def _parent(conn: Connection) -> str:
    return f"{conn.execute(text('SELECT current_schema()')).scalar_one()}.audit_entries"


def partition(engine: Engine, *, ahead: int = 3) -> dict[str, Any]:
    """Partition the audit table by month (once; again, only the partitions ahead are made).
    Returns what was done: whether it was partitioned now, the entries, the partitions."""
    if engine.dialect.name != "postgresql":
        raise NotReady("the audit is partitioned on PostgreSQL only: on SQLite it is one table of its own")
    with engine.begin() as conn:
        partman = _partman(conn)
        parent = _parent(conn)
        done_now = not is_partitioned(conn)
        if done_now:
            _convert(conn, partman, parent, ahead)
        else:
            keep_ahead(conn)
        entries = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
        listed = conn.execute(_PARTITIONS, {"parent": parent})
        partitions = [{"partition": name, "bounds": bounds} for name, bounds in listed]
    return {"partitioned_now": done_now, "entries": entries, "partitions": partitions}


def _convert(conn: Connection, partman: str, parent: str, ahead: int) -> None:
    conn.exec_driver_sql("LOCK TABLE audit_entries IN ACCESS EXCLUSIVE MODE")  # no append meanwhile
    oldest = "SELECT coalesce(min(month), date_trunc('month', now())::date) FROM audit_entries"
    start: date = conn.execute(text(oldest)).scalar_one()
    sequence = conn.execute(text("SELECT pg_get_serial_sequence('audit_entries', 'id')")).scalar_one()
    before = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
    conn.exec_driver_sql("ALTER TABLE audit_entries RENAME TO audit_entries_plain")
    conn.exec_driver_sql(
        "CREATE TABLE audit_entries (LIKE audit_entries_plain INCLUDING DEFAULTS INCLUDING GENERATED "
        "INCLUDING CONSTRAINTS) PARTITION BY RANGE (month)"
    )
    conn.execute(
        text(
            f"SELECT {partman}.create_parent(p_parent_table := :parent, p_control := 'month', "
            "p_type := 'native', p_interval := 'monthly', p_premake := :ahead, p_start_partition := :start)"
        ),
        {"parent": parent, "ahead": ahead, "start": start.isoformat()},
    )
    conn.exec_driver_sql(
        "INSERT INTO audit_entries (id, month, body, prev, hash) "
        "SELECT id, month, body, prev, hash FROM audit_entries_plain ORDER BY id"
    )
    after = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
    if after != before:  # cannot happen in one locked transaction; checked, never assumed
        raise NotReady(f"the audit's copy holds {after} entries of {before}: nothing was changed")
    if sequence is not None:  # the ids go on from where they were
        conn.execute(text("ALTER SEQUENCE " + sequence + " OWNED BY audit_entries.id"))
    conn.exec_driver_sql("DROP TABLE audit_entries_plain")  # fires no row trigger
    # A partitioned table's keys include its partition key; an entry's (period, writer, seq) stays
    # unique since a period lies in one month.
    conn.exec_driver_sql("ALTER TABLE audit_entries ADD CONSTRAINT pk_audit_entries PRIMARY KEY (id, month)")
    conn.exec_driver_sql(
        "ALTER TABLE audit_entries ADD CONSTRAINT uq_audit_entries_period_writer_seq "
        "UNIQUE (month, period, writer, seq)"
    )
    for statement in (
        "CREATE INDEX ix_audit_entries_at ON audit_entries (at)",
        "CREATE INDEX ix_audit_entries_subject ON audit_entries (subject)",
        "CREATE INDEX ix_audit_entries_actor_at ON audit_entries (actor, at)",
        PG_TRIGGER,
    ):
        conn.exec_driver_sql(statement)


def keep_ahead(conn: Connection) -> None:
    """pg_partman's maintenance of the audit: the partitions ``ahead`` months on are made."""
    if is_partitioned(conn):
        partman = _partman(conn)
        conn.execute(text(f"SELECT {partman}.run_maintenance(:parent)"), {"parent": _parent(conn)})


def drop_month(conn: Connection, month: date) -> int | None:
    """Detach and drop the partition holding ``month``; its entries' count, or None when the
    month has no partition of its own (its entries are then deleted, under a drop permit)."""
    partman = _partman(conn)
    columns = "partition_schema, partition_table, table_exists"
    named = f"SELECT {columns} FROM {partman}.show_partition_name(:p, :m)"  # noqa: S608  # catalogue names
    schema, table, exists = conn.execute(text(named), {"p": _parent(conn), "m": month.isoformat()}).one()
    if not exists:
        return None
    name = f'"{schema}"."{table}"'
    gone = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608  # a catalogue name
    conn.exec_driver_sql(f"ALTER TABLE audit_entries DETACH PARTITION {name}")
    conn.exec_driver_sql(f"DROP TABLE {name}")
    return int(gone)
