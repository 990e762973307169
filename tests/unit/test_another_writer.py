"""Which SQLite failures are another writer's lock (rerun the batch) and which are told as they are."""

from __future__ import annotations

import sqlite3

import pytest

from charte.adapters.db.engine import another_writer


def test_a_lock_held_by_another_writer_is_told_apart_from_any_other_failure(tmp_path):
    """A batch rerun on a missing table or a full disk would hide the cause behind "retry"."""
    path = tmp_path / "register.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE persons (id INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("INSERT INTO persons VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as missing:
        other.execute("SELECT * FROM nowhere")
    holder.execute("ROLLBACK")
    assert another_writer(locked.value)
    assert not another_writer(missing.value)
    assert not another_writer(ValueError("not a driver error"))
