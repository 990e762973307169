"""A serving process keeps its PostgreSQL connections open under concurrent reads (adapters.db.engine)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from charte.adapters.db.engine import make_engine


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
