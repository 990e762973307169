"""Rows written in bulk read back through SQLAlchemy as they were given (adapters.db.bulk)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select

from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows


def test_dates_and_times_written_in_bulk_read_back_equal_on_either_engine(app):
    """A sweep's orders carry shared instants, converted once for SQLite: every row keeps its own
    value, in UTC to the microsecond (GDPR Art. 5(1)(d): an order's deadline is a fact kept exact)."""
    paris = timezone(timedelta(hours=1))
    instants = [
        datetime(2026, 12, 7, 3, 0, 0, 0, tzinfo=paris),
        datetime(2026, 12, 7, 3, 0, 0, 123456, tzinfo=paris),
        datetime(2027, 1, 6, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    columns = ("system", "kind", "person_ref", "fields", "reason", "created_at", "due_by")
    rows = [
        ("crm", "erasure.required", f"P{i}", "[]", "test", instants[i % 3], instants[(i + 1) % 3])
        for i in range(9)
    ]
    engine = app.migrated_engine()
    with engine.begin() as conn:
        insert_rows(conn, t.outbox, columns, rows)
    o = t.outbox.c
    with engine.connect() as conn:
        back = {
            ref: (created, due)
            for ref, created, due in conn.execute(
                select(o.person_ref, o.created_at, o.due_by).where(o.reason == "test")
            )
        }
    for _, _, ref, _, _, created, due in rows:
        got_created, got_due = back[ref]
        assert got_created.replace(tzinfo=got_created.tzinfo or UTC) == created
        assert got_due.replace(tzinfo=got_due.tzinfo or UTC) == due
    assert date(2026, 12, 7) == back["P0"][0].astimezone(UTC).date()
