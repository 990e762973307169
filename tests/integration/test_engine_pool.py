"""A serving process keeps its PostgreSQL connections open under concurrent reads, and finds the
primary again when a node is lost or turns standby (adapters.db.engine)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from charte.adapters.db.engine import make_engine
from tests.tcp_forward import Forwarder


def test_ten_threads_reading_at_once_reuse_their_connections_instead_of_opening_one_per_read(db_url):
    """Each new PostgreSQL connection starts a server process: under `charte serve`'s worker threads
    the pool must keep what they use, or the alarm screen's reads pay a connection each."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite opens a file, not a server connection")
    engine = make_engine(db_url)
    opened = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    start = threading.Barrier(10)

    def reads() -> None:
        start.wait()
        for _ in range(30):
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT pg_sleep(0.002)")
            time.sleep(0.002)  # the request's work between its reads (a decision, a JSON answer)

    threads = [threading.Thread(target=reads) for _ in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    engine.dispose()
    assert len(opened) <= 10  # one per thread at most, over 300 reads


def _with_hosts(db_url: str, *hosts: str) -> str:
    """The test database's URL naming ``hosts`` in turn, as libpq writes a primary and its standby."""
    scheme, rest = db_url.split("://", 1)
    netloc, path = rest.split("/", 1)
    user = netloc.rpartition("@")[0]
    return f"{scheme}://{user}@{','.join(hosts)}/{path}"


def test_a_url_naming_a_primary_and_its_standby_reaches_the_one_that_answers(db_url):
    """libpq's multi-host URL (what pg_autoctl show uri prints): a lost first node is skipped."""
    if db_url.startswith("sqlite"):
        pytest.skip("one file, no hosts")
    server = make_url(db_url)
    lost = Forwarder((server.host or "127.0.0.1", server.port or 5432))
    lost.cut()
    url = _with_hosts(db_url, f"127.0.0.1:{lost.port}", f"{server.host}:{server.port or 5432}")
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}target_session_attrs=read-write")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar() is False
    engine.dispose()


def test_a_pooled_connection_to_a_node_turned_read_only_is_dropped_and_the_next_write_goes_through(db_url):
    """After a switchover the former primary answers as a standby: its pooled connections must
    not keep failing every write while the promoted node waits (SQLSTATE 25006)."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no standby")
    engine = make_engine(db_url, pool_size=1, max_overflow=0)
    with engine.connect() as conn:  # the pool's one connection now behaves as a standby's would
        conn.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        conn.commit()
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE written (x int)")
    with engine.begin() as conn:  # a new connection, opened through the URL, writes
        conn.exec_driver_sql("CREATE TEMPORARY TABLE written (x int)")
    engine.dispose()
