"""One audit chain per (period, writer): serving processes append each to its own chain, at the same
time, and `audit verify` still proves that no entry was removed, altered, reordered or moved, the
signed checkpoints listing every chain's head (docs/scaling.md)."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from charte.adapters.db.audit_store import SqlAuditStore
from charte.domain.audit import Action, Entry
from charte.entrypoints.web import app as web
from charte.services import audit
from tests.conftest import run_import, token
from tests.feed import person, signed
from tests.integration.test_audit import unguard

WRITERS = ("srv-a-101-0f0f0f", "srv-b-202-a1a1a1", "srv-c-303-b2b2b2")
EACH = 40


def report(app) -> dict:
    found = audit.verify(store=app.audit_store(), checkpoints=app.auditor.checkpoints).as_dict()
    found.pop("unsigned")
    return found


def appended_at_once(app) -> None:
    """Three processes' stores and the shared chain's, each appending EACH entries one at a time,
    all at once; then every head signed."""

    def append(writer: str) -> None:
        store = SqlAuditStore(app.audit_engine)  # a process of its own: its own head hint
        for n in range(EACH):
            store.append([Entry(at=app.clock.now(), actor=f"op-{n}", action=Action.READ, writer=writer)])

    threads = [threading.Thread(target=append, args=(w,)) for w in ("", *WRITERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    app.auditor.checkpoint()


def test_writers_appending_at_once_each_keep_an_unbroken_chain_and_one_checkpoint_pins_them_all(app):
    """GDPR Art. 5(2): concurrent writers, no fork, every entry there once and in order."""
    appended_at_once(app)
    assert report(app) == {"ok": True, "periods": 1, "chains": 4, "entries": 4 * EACH, "broken": None}
    with app.audit_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT writer, count(*), max(seq) FROM audit_entries GROUP BY writer")
        ).all()
    assert sorted(rows) == sorted((w, EACH, EACH) for w in ("", *WRITERS))
    (pinned,) = app.auditor.checkpoints.latest().values()
    assert pinned.heads().keys() == {"", *WRITERS}


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (
            "DELETE FROM audit_entries WHERE writer = '{w}' AND seq = 7",
            "chain {w}: entry 7 is missing (the next stored is 8)",
        ),
        (
            "DELETE FROM audit_entries WHERE writer = '{w}' AND seq > 30",
            "chain {w}: the chain ends at entry 30, before the signed checkpoint at entry 40: its tail was deleted",
        ),
        (
            "DELETE FROM audit_entries WHERE writer = '{w}'",
            "chain {w}: the chain ends at entry 0, before the signed checkpoint at entry 40: its tail was deleted",
        ),
        (
            "UPDATE audit_entries SET body = replace(body, 'op-3', 'op-X') WHERE writer = '{w}' AND seq = 4",
            "chain {w}: its hash does not match: its bytes, or an entry before it, were edited",
        ),
    ],
    ids=["an entry deleted", "a tail cut", "a chain deleted whole", "an entry edited"],
)
def test_tampering_with_one_writer_s_chain_is_found_and_named(app, tamper, why):
    """The chain and the checkpoint that lists every chain: a removal, a cut, a whole chain gone, an edit."""
    appended_at_once(app)
    unguard(app)
    w = WRITERS[1]
    with app.audit_engine.begin() as conn:
        conn.execute(text(tamper.format(w=w)))
    found = report(app)
    assert (found["ok"], found["broken"]["why"]) == (False, why.format(w=w))


def test_an_entry_moved_to_another_writer_s_chain_is_found(app):
    """The writer is in the hashed bytes: an entry cannot change chains unseen."""
    appended_at_once(app)
    unguard(app)
    a, b = WRITERS[0], WRITERS[1]
    with app.audit_engine.begin() as conn:  # the tamperer moves b's last entry to the end of a's chain
        conn.execute(
            text(
                "UPDATE audit_entries SET body = replace(replace(body, :b, :a), :seq, :next) "
                "WHERE writer = :b AND seq = 40"
            ),
            {"a": a, "b": b, "seq": '"seq":40', "next": '"seq":41'},
        )
    assert not report(app)["ok"]


def test_a_serving_process_appends_to_a_chain_of_its_own(app):
    """charte serve draws a writer at its start: its reads are chained apart from the commands'."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1"))])
    app.auditor.record([Entry(at=app.clock.now(), actor="cli", action=Action.IMPORT)])  # a command's entry
    reader = token(app, "dpo-1", role="dpo")
    headers = {"Authorization": f"Bearer {reader}", "X-Charte-Purpose": "rights_handling"}
    with TestClient(web.create_app(app)) as http:
        assert http.get("/api/v1/persons/P1", headers=headers).status_code == 200
    with app.audit_engine.connect() as conn:
        writers = dict(conn.execute(text("SELECT action, writer FROM audit_entries")).all())
    assert writers["import"] == ""
    assert writers["read"].endswith(tuple("0123456789abcdef"))  # host-pid-random
    assert writers["read"] != ""
    assert report(app)["ok"]
