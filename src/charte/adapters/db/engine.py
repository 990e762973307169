"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalise_url(url: str) -> str:
    """``postgresql://`` (as operators write it) -> the psycopg 3 driver charte ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


# SQLite's result codes for "another connection holds the lock" (https://sqlite.org/rescode.html):
# with a snapshot begun before another writer's commit, the first write fails with one of them.
_SQLITE_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"})


def another_writer(error: BaseException) -> bool:
    """Whether a driver error is SQLite's lock held by another writer (rerunning the transaction
    is the cure), rather than a failure to report as such (disk full, a missing table)."""
    orig = getattr(error, "orig", error)
    return getattr(orig, "sqlite_errorname", None) in _SQLITE_BUSY


# Connections a process keeps open to PostgreSQL, and how many more it may open at a peak.
# `charte serve` answers from a pool of worker threads (anyio's, 40) beside the audit's writer and
# signer: with SQLAlchemy's default of 5 kept, 8 concurrent readers made the pool open and close a
# connection every few reads (a PostgreSQL backend started each time: measured, 150 sessions for
# 800 reads). 20 kept covers the worker threads that are busy at once in practice; a serving
# process holds at most 40 (docs/deploy.md: size max_connections for it).
PG_POOL_SIZE, PG_POOL_OVERFLOW = 20, 20


def make_engine(url: str, **options: Any) -> Engine:
    if not url.startswith("sqlite"):
        options.setdefault("pool_size", PG_POOL_SIZE)
        options.setdefault("max_overflow", PG_POOL_OVERFLOW)
    # Bound parameters are personal data: keep them out of exception messages and logs.
    engine = create_engine(normalise_url(url), hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Any) -> None:
    # Python's sqlite3 opens a transaction only before the first write, so the reads a decision
    # rests on would run outside it. Beginning explicitly puts them in the transaction's snapshot:
    # a write on a stale snapshot then fails at once ("database is locked") instead of acting on
    # data another writer already changed (SQLAlchemy's documented SQLite recipe).
    conn.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers go on while an import writes;
    # the busy timeout makes a second writer wait instead of failing at once.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN (see _sqlite_begin)
