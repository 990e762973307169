"""Two writers at once: the loser is told to retry, and nothing of it is applied."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from charte.adapters.db import tables
from charte.services.errors import Conflict
from tests.conftest import count_rows, run_import
from tests.feed import collected, person


def test_an_import_racing_another_writer_on_the_same_ref_is_a_conflict_not_a_crash(app):
    """Whatever the engine's mechanism (unique index wait, SQLite busy snapshot), the import stops
    with Conflict, applies nothing, and its message quotes no value."""
    app.open_keys()  # as in any register already written to: the keys' fingerprints are recorded
    blocker = app.engine.connect()
    tx = blocker.begin()
    blocker.execute(insert(tables.persons), {"ref": "P1", "created_at": datetime.now(UTC)})
    release = threading.Timer(1.0, tx.commit)
    release.start()
    try:
        with pytest.raises(Conflict) as caught:
            run_import(app, [collected("e1", "2025-01-10", person("P1", last_name="Secret-Name"))])
    finally:
        release.join()
        blocker.close()
    assert "Secret-Name" not in str(caught.value)
    assert "retry" in str(caught.value)
    rows = count_rows(app)
    assert (rows["persons"], rows["events"], rows["person_fields"]) == (
        1,
        0,
        0,
    )  # only the other writer's row
