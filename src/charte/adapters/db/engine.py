"""Engines for the two supported databases: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from charte.services.errors import NotReady


def normalise_url(url: str) -> str:
    """``postgresql://`` (as operators write it) -> the psycopg 3 driver charte ships with.

    A libpq URL naming several hosts (``postgresql://u@h1:5432,h2:5432/db?target_session_attrs=
    read-write``, what ``pg_autoctl show uri`` prints for a primary and its standby) becomes
    SQLAlchemy's form of the same list (``postgresql+psycopg://u@/db?host=h1:5432&host=h2:5432``):
    libpq then tries each host in turn and keeps the one that accepts writes, so a new connection
    after a failover reaches the promoted standby (libpq, section 34.1.1.3 "Specifying Multiple
    Hosts"; SQLAlchemy's PostgreSQL dialect, "Specifying multiple fallback hosts").
    """
    parsed = make_url(_hosts_as_query(url))
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _hosts_as_query(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith(("postgresql", "postgres")):
        return url
    netloc, _, tail = rest.partition("/")
    user, at, hosts = netloc.rpartition("@")
    if "," not in hosts:
        return url
    named = [h for h in hosts.split(",") if h]
    # libpq gives a host without a port the default one; SQLAlchemy wants all ports or none.
    if any(_port(h) for h in named):
        named = [h if _port(h) else f"{h}:5432" for h in named]
    path, _, query = tail.partition("?")
    listed = "&".join(f"host={h}" for h in named)
    return f"{scheme}://{user}{at}/{path}?{listed}{'&' + query if query else ''}"


def _port(host: str) -> bool:
    """Whether ``host`` names its port (``h:5432``, ``[::1]:5432``; not ``[::1]``)."""
    return ":" in host.rpartition("]")[2]


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


class UnusableUrl(NotReady):
    """A database URL charte cannot open, told under the setting that holds it (docs/settings.md);
    the message never quotes the URL (it may hold a password)."""

    def __init__(self, setting: str, why: str) -> None:
        super().__init__(f"{setting}: {why} (docs/settings.md)")


def make_engine(
    url: str, *, setting: str = "CHARTE_DATABASE_URL", read_only: bool = False, **options: Any
) -> Engine:
    """An engine on ``url``; ``read_only``: every connection refuses writes (the database's own
    rule, not charte's care): a read URL on a standby, or by mistake on the primary, can never
    carry a change or an audit entry (docs/deploy.md, reads off the primary)."""
    scheme = url.partition("://")[0].partition("+")[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        raise UnusableUrl(
            setting, "charte stores its data on SQLite (sqlite:///PATH) or PostgreSQL (postgresql://...)"
        )
    if not url.startswith("sqlite"):
        options.setdefault("pool_size", PG_POOL_SIZE)
        options.setdefault("max_overflow", PG_POOL_OVERFLOW)
    try:
        # Bound parameters are personal data: keep them out of exception messages and logs.
        engine = create_engine(normalise_url(url), hide_parameters=True, **options)
    except (ValueError, ArgumentError) as e:  # a port that is not a number, a URL with no scheme
        raise UnusableUrl(
            setting,
            "not a database URL: postgresql://USER@HOST:PORT/DATABASE, several HOST:PORT separated "
            f"by commas for a primary and its standbys, or sqlite:///PATH ({type(e).__name__})",
        ) from None
    if engine.dialect.name == "postgresql":
        event.listen(engine, "handle_error", _demoted_is_a_lost_connection)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if read_only:
        sqlite = engine.dialect.name == "sqlite"
        event.listen(engine, "connect", _sqlite_read_only if sqlite else _pg_read_only)
    return engine


def _pg_read_only(dbapi_connection: Any, _record: Any) -> None:
    """Every transaction of the session READ ONLY: a write fails with SQLSTATE 25006."""
    dbapi_connection.autocommit = True  # a SET outside any transaction, kept for the session
    dbapi_connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_connection.autocommit = False


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    """PRAGMA query_only: a write fails with SQLITE_READONLY."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


# SQLSTATE 25006, read_only_sql_transaction: a write reached a server that no longer accepts them
# — after a switchover the former primary restarts as a standby, and a pooled connection to it
# would fail every write while the promoted node waits (PostgreSQL, Appendix A; the multi-host
# URL's target_session_attrs=read-write is only consulted when a connection is opened).
_DEMOTED = "25006"


def _demoted_is_a_lost_connection(context: Any) -> None:
    """Treat a write refused as read-only as a lost connection: SQLAlchemy then discards the
    pool's connections, and the next checkout opens one through the URL's hosts to the primary."""
    if getattr(context.original_exception, "sqlstate", None) == _DEMOTED:
        context.is_disconnect = True


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
