"""The audit stored under each entry's month, and partitioned by month with pg_partman on
PostgreSQL (docs/scaling.md, "The audit partitioned by period"): every entry and chain kept, the
append-only guarantees on every partition, a month past its retention dropped as a table, a
month's verification reading its partition only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from charte.adapters.db import audit_database, migrate
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.engine import make_engine
from charte.domain.audit import Action, Entry, chain
from charte.domain.durations import Duration
from charte.services import audit
from charte.services.errors import NotReady

MONTHS = (
    datetime(2025, 1, 15, tzinfo=UTC),
    datetime(2026, 10, 3, tzinfo=UTC),
    datetime(2026, 11, 20, tzinfo=UTC),
)


def report(app) -> dict:
    found = audit.verify(store=app.audit_store(), checkpoints=app.auditor.checkpoints).as_dict()
    found.pop("unsigned")
    found.pop("chains")  # one a period, but where a test has writers of its own
    return found


def entries_in(app, count: int = 3) -> None:
    for at in MONTHS:
        app.auditor.record([Entry(at=at, actor=f"op-{n}", action=Action.READ) for n in range(count)])
    app.auditor.checkpoint()


@pytest.fixture
def partman(app):
    """PostgreSQL with pg_partman on the server; its bookkeeping of this test's table cleared after."""
    if app.audit_engine.dialect.name != "postgresql":
        pytest.skip("the audit is partitioned on PostgreSQL only")
    with app.audit_engine.connect() as conn:
        if (
            conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'")).first()
            is None
        ):
            pytest.skip("pg_partman is not installed here (apt-get install postgresql-15-partman)")
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    yield app
    with app.audit_engine.begin() as conn:
        conn.execute(
            text("DELETE FROM partman.part_config WHERE parent_table = :p"), {"p": f"{schema}.audit_entries"}
        )


def partitions(app) -> dict[str, int]:
    """Each partition of the audit and the entries it holds."""
    with app.audit_engine.connect() as conn:
        names = conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'audit_entries'::regclass"
            )
        ).scalars()
        return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}  # noqa: S608


def test_every_entry_is_stored_under_its_period_s_month(app):
    """The partition key comes from the entry's own period (migration 0030), on both engines."""
    entries_in(app, 1)
    with app.audit_engine.connect() as conn:
        rows = conn.execute(text("SELECT period, month FROM audit_entries ORDER BY id")).all()
    assert [(p, str(m)) for p, m in rows] == [("2025-01", "2025-01-01"), ("2026-10", "2026-10-01"),
                                              ("2026-11", "2026-11-01")]  # fmt: skip


def test_partitioning_keeps_every_entry_and_chain_and_gives_each_month_its_partition(partman):
    """GDPR Art. 5(2): the chains verify the same after the move; new entries chain on, in their month."""
    app = partman
    entries_in(app)
    with app.audit_engine.connect() as conn:
        before = conn.execute(text("SELECT id, body, prev, hash FROM audit_entries ORDER BY id")).all()
    done = app.partition_audit(ahead=3)
    assert (done["partitioned_now"], done["entries"]) == (True, 9)
    with app.audit_engine.connect() as conn:
        after = conn.execute(text("SELECT id, body, prev, hash FROM audit_entries ORDER BY id")).all()
    assert after == before  # the same bytes, links and ids
    held = partitions(app)
    assert (
        held["audit_entries_p2025_01"],
        held["audit_entries_p2026_10"],
        held["audit_entries_p2026_11"],
    ) == (3, 3, 3)
    assert held["audit_entries_default"] == 0
    assert "audit_entries_p2027_01" in held  # ahead of this month
    assert report(app) == {"ok": True, "periods": 3, "entries": 9, "broken": None}
    app.auditor.record([Entry(at=MONTHS[2], actor="op-9", action=Action.READ)])  # after the move
    assert partitions(app)["audit_entries_p2026_11"] == 4
    with app.audit_engine.connect() as conn:
        assert conn.execute(
            text("SELECT max(seq), max(id) FROM audit_entries WHERE period = '2026-11'")
        ).one() == (4, 10)
    assert report(app)["ok"]
    again = app.partition_audit(ahead=3)
    assert (again["partitioned_now"], again["entries"]) == (False, 10)


def test_entries_stay_append_only_in_every_partition_and_an_edit_is_found(partman):
    """The append-only trigger is on the partitioned table and so on each partition; a tamperer
    who drops it is caught by the chain."""
    app = partman
    entries_in(app)
    app.partition_audit(ahead=3)
    for table in ("audit_entries", "audit_entries_p2026_10"):
        for statement in (f"UPDATE {table} SET prev = prev", f"DELETE FROM {table}"):  # noqa: S608
            with pytest.raises(Exception, match="append-only"), app.audit_engine.begin() as conn:
                conn.execute(text(statement))
    with app.audit_engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_entries_p2026_10 DISABLE TRIGGER USER"))
        conn.execute(
            text("UPDATE audit_entries_p2026_10 SET body = replace(body, 'op-1', 'op-X') WHERE seq = 2")
        )
    broken = report(app)
    assert (broken["ok"], broken["broken"]["period"], broken["broken"]["seq"]) == (False, "2026-10", 2)


def test_a_month_past_its_retention_is_detached_and_dropped_as_a_table(partman):
    """The audit retention (policy audit.retention): the month goes whole, the others still verify."""
    app = partman
    entries_in(app)
    app.partition_audit(ahead=3)
    dropped = audit.drop_expired(store=app.audit_store(), checkpoints=app.auditor.checkpoints,
                                 retention=Duration(years=1), as_of=date(2026, 2, 1))  # fmt: skip
    assert dropped == [{"period": "2025-01", "purge_due": "2026-02-01", "entries": 3}]
    assert "audit_entries_p2025_01" not in partitions(app)  # no rows deleted: the table is gone
    with app.audit_engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('audit_entries_p2025_01')")).scalar_one() is None
        assert (
            conn.execute(text("SELECT count(*) FROM audit_heads WHERE period = '2025-01'")).scalar_one() == 0
        )
    assert report(app) == {"ok": True, "periods": 2, "entries": 6, "broken": None}


def test_a_month_s_verification_reads_its_partition_only(partman):
    """Verification reads one partition (the query as SqlAuditStore.stored makes it)."""
    app = partman
    entries_in(app)
    app.partition_audit(ahead=3)
    store = SqlAuditStore(app.audit_engine)
    statements: list[tuple[str, object]] = []
    from sqlalchemy import event

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(app.audit_engine, "before_cursor_execute", note)
    assert len(list(store.stored("2026-10"))) == 3
    event.remove(app.audit_engine, "before_cursor_execute", note)
    ((query, parameters),) = [(s, p) for s, p in statements if "audit_entries" in s]
    with app.audit_engine.connect() as conn:
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {query}", parameters))
    assert "audit_entries_p2026_10" in plan
    assert "audit_entries_p2026_11" not in plan
    assert "audit_entries_default" not in plan


def test_on_sqlite_the_audit_is_not_partitioned_and_the_command_says_why(app):
    """SQLite keeps the audit in one file of its own: partitioning is PostgreSQL's."""
    if app.audit_engine.dialect.name != "sqlite":
        pytest.skip("the SQLite refusal")
    with pytest.raises(NotReady, match="PostgreSQL only"):
        app.partition_audit(ahead=3)


def test_entries_chained_before_the_month_column_get_theirs_from_their_bytes(db_url):
    """Migration 0030 on a register of entries, and a SQLite audit file of layout 3: no entry updated."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0029")
    chained = chain([Entry(at=MONTHS[1], actor="ana", action=Action.READ),
                     Entry(at=MONTHS[2], actor="bob", action=Action.READ)], {})  # fmt: skip
    with engine.begin() as conn:
        for c in chained:
            conn.execute(text("INSERT INTO audit_entries (body, prev, hash) VALUES (:b, :p, :h)"),
                         {"b": c.body.decode(), "p": c.prev, "h": c.hash})  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT month, body FROM audit_entries ORDER BY id")).all()
    assert [(str(m), json.loads(b)["actor"]) for m, b in rows] == [
        ("2026-10-01", "ana"),
        ("2026-11-01", "bob"),
    ]
    store = SqlAuditStore(engine)
    assert [len(list(store.stored(p))) for p in ("2026-10", "2026-11")] == [1, 1]
    engine.dispose()
    if not db_url.startswith("sqlite"):
        return
    # The SQLite audit file: a layout-3 file (the tables as migration 0029 left them) upgraded in place.
    old = make_engine(db_url.replace("charte.db", "old-audit.db"))
    migrate.upgrade(old, "0029")
    with old.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (body, prev, hash) VALUES (:b, :p, :h)"),
                     {"b": chained[0].body.decode(), "p": chained[0].prev, "h": chained[0].hash})  # fmt: skip
        conn.exec_driver_sql("PRAGMA user_version = 3")
    audit_database.ensure_schema(old)
    with old.connect() as conn:
        assert conn.execute(text("SELECT month, actor FROM audit_entries")).one() == ("2026-10-01", "ana")
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == audit_database.LAYOUT
    with pytest.raises(Exception, match="append-only"), old.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET prev = prev"))
    old.dispose()
