"""CHARTE_READ_DATABASE_URL: the console's heavy read-only pages read off the primary, while every
decision, audit entry and change stays on it (docs/deploy.md, reads off the primary). Here the read
URL names the test database itself, so that what goes through each engine can be told apart: the
read engine's connections refuse writes (the database's own rule), and its statements are listed."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import event, insert
from sqlalchemy.exc import DBAPIError

from charte.adapters.db import tables
from charte.bootstrap import bootstrap
from charte.domain.audit import Action, Entry
from charte.services import retention
from tests.conftest import TODAY, run_import
from tests.fakes import FixedClock
from tests.feed import SCENARIO, ended, person, signed
from tests.integration.test_console_pages import account, signed_in

# A statement that writes, wherever the verb is (PostgreSQL's audit append is WITH ... UPDATE ...
# INSERT), or that locks rows for a write.
WRITES = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE|DROP|ALTER|TRUNCATE|COPY|FOR\s+UPDATE)\b",
    re.IGNORECASE,
)


@pytest.fixture
def reading(app, db_url):
    """The same installation with a read URL, and the statements each engine carried."""
    settings = dataclasses.replace(app.settings, read_database_url=db_url)
    both = bootstrap(settings, clock=FixedClock(TODAY))
    seen: dict[str, list[str]] = {"read": [], "primary": [], "audit": []}
    engines = {"read": both.read_engine, "primary": both.engine, "audit": both.audit_engine}
    for name, engine in engines.items():

        def note(conn, cursor, statement, parameters, context, executemany, name=name):  # type: ignore[no-untyped-def]
            seen[name].append(statement)

        event.listen(engine, "before_cursor_execute", note)
    yield both, seen
    both.read_engine.dispose()


def test_the_dashboard_and_the_outbox_read_their_counts_off_the_primary_and_audit_on_it(app, reading):
    """GDPR Art. 5(2) and 32: the heavy listings read from the standby; the audit stays on the primary."""
    both, seen = reading
    run_import(
        both, [*SCENARIO, signed("e9", "2019-01-01", "C9", person("P9")), ended("e10", "2020-01-01", "C9")]
    )
    account(both, "dpo-1", "dpo")
    with signed_in(both, "dpo-1") as http:
        for name in seen:
            seen[name].clear()
        board = http.get("/console")
        orders = http.get("/console/outbox")
    assert (board.status_code, orders.status_code) == (200, 200)
    said = "Lu sur la base de lecture, qui n&#39;est pas une base de secours : à jour."
    assert said in board.text
    assert said in orders.text
    read = seen["read"]
    assert any("retention_units" in s for s in read)  # the forecast and the counts due
    assert any("outbox" in s for s in read)  # the overdue orders and the listing
    assert not [s for s in read if WRITES.search(s)]  # nothing written through the read URL
    # The dashboard's and the listing's audit entries went to the audit's database, not there.
    appended = [s for s in seen["audit"] + seen["primary"] if "audit_entries" in s and WRITES.search(s)]
    assert appended
    assert not [s for s in read if "audit_entries" in s or "audit_heads" in s]
    with both.audit_engine.connect() as conn:
        bodies = conn.execute(tables.audit_entries.select().with_only_columns(tables.audit_entries.c.body))
        shown = [b for (b,) in bodies if '"of":"dashboard"' in b]
    assert shown


def test_a_write_through_the_read_url_is_refused_by_the_database(reading):
    """The read URL can carry no change and no audit entry, even by mistake: its sessions are read-only."""
    both, _ = reading
    with pytest.raises(DBAPIError), both.read_engine.begin() as conn:
        conn.execute(insert(tables.audit_drop_permits).values(period="2026-11"))
    entry = Entry(at=both.clock.now(), actor="x", action=Action.READ)
    from charte.adapters.db.audit_store import SqlAuditStore

    with pytest.raises(DBAPIError):
        SqlAuditStore(both.read_engine).append([entry])


def test_the_retention_schedule_reads_off_the_primary_and_its_entry_is_on_it(reading):
    """The schedule, a whole-register listing, is a read of the standby; its audit entry is not."""
    both, seen = reading
    run_import(both, SCENARIO)
    for name in seen:
        seen[name].clear()
    rows = list(
        retention.schedule(
            queries=both.retention_queries(standby=True),
            gate=both.gate,
            auditor=both.auditor,
            actor="dpo-1",
            role="dpo",
            criteria=retention.ScheduleFilter(),
        )
    )
    assert rows
    assert any("retention_units" in s for s in seen["read"])
    assert not [s for s in seen["read"] if WRITES.search(s)]


def test_without_a_read_url_the_pages_read_the_primary_and_say_nothing_of_a_standby(app):
    """The default: one database, nothing to say."""
    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        board = http.get("/console")
    assert board.status_code == 200
    assert "base de secours" not in board.text
    assert app.read_engine is app.migrated_engine()


def test_a_page_read_off_a_lagging_standby_says_how_old_its_data_may_be(app, monkeypatch):
    """The standby's lag shown on the page, in the console's language (docs/deploy.md)."""
    from charte.adapters.db.standby import ReadFrom

    account(app, "dpo-1", "dpo")
    monkeypatch.setattr(app, "read_from", lambda: ReadFrom(standby=True, seconds=12.4))
    with signed_in(app, "dpo-1") as http:
        french = http.get("/console")
        english = http.get("/console/outbox?lang=en")
    assert "Lu sur la base de secours : ces données ont jusqu&#39;à 12 s de retard." in french.text
    assert "Read from the standby: these data may be up to 12 s behind." in english.text
    monkeypatch.setattr(app, "read_from", lambda: ReadFrom(standby=True, seconds=None))
    with signed_in(app, "dpo-1") as http:
        unknown = http.get("/console")
    assert (
        "Lu sur la base de secours ; son retard sur la base principale n&#39;est pas connu." in unknown.text
    )
