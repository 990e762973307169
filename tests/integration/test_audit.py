"""The tamper-evident audit of every access and change, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from charte.adapters.audit_checkpoints import CheckpointError
from charte.adapters.db import tables
from charte.domain.vocabulary import CourtKind
from charte.services import audit, holds
from charte.services.access import AccessDenied, Reader
from charte.services.errors import NotFound
from charte.services.queries import show_person
from charte.services.retention import sweep
from tests.conftest import TODAY, run_import
from tests.feed import designated, ended, person, removed, signed

EVENTS = [
    signed("e1", "2020-03-01", "C1", person("P1", first_name="Ana", last_name="Roux")),
    designated("e2", "2020-03-02", "S1", person("T1", first_name="Luc", phone="0700000001")),
    removed("e3", "2021-05-10", "S1", "T1"),
    ended("e4", "2026-06-30", "C1"),
]


EDITED = "its hash does not match: its bytes, or an entry before it, were edited"


def read(app, ref: str, role: str = "dpo", purpose: str = "rights_handling"):
    reader = Reader(actor="alice", role=role, purpose=purpose)
    return show_person(
        queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=reader, ref=ref
    )


def entries(app) -> list[dict]:
    with app.audit_engine.connect() as conn:
        bodies = conn.execute(
            select(tables.audit_entries.c.body).order_by(tables.audit_entries.c.id)
        ).scalars()
        return [json.loads(b) for b in bodies]


def report(app) -> dict:
    """What `audit verify` says of the chain (its unsigned tail aside: tests/integration/test_audit_tail.py)."""
    found = audit.verify(store=app.audit_store(), checkpoints=app.auditor.checkpoints).as_dict()
    found.pop("unsigned")
    found.pop("chains")  # one a period, but where a test has writers of its own
    return found


def unguard(app) -> None:
    """What a tamperer with database access does first: remove the append-only triggers."""
    with app.audit_engine.begin() as conn:
        if app.audit_engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))


@pytest.fixture
def audited(app):
    """A register read five times: allowed, denied, not found."""
    run_import(app, EVENTS)
    read(app, "P1")
    with pytest.raises(AccessDenied):  # C1 ended on 2026-06-30: archived
        read(app, "P1", "customer_service", "contract_management")
    with pytest.raises(AccessDenied):
        read(app, "T1", "sales", "prospecting")
    with pytest.raises(NotFound):
        read(app, "NOPE")
    with pytest.raises(AccessDenied):
        read(app, "P1", "sales", "alarm_handling")
    return app


def test_every_read_is_recorded_with_who_why_which_fields_and_the_decision(audited):
    """Time, actor, role, purpose, action, subject, field names, decision."""
    reads = [e for e in entries(audited) if e["action"] == "read"]
    assert [(e["role"], e["purpose"], e["decision"]) for e in reads] == [
        ("dpo", "rights_handling", "allowed"),
        ("customer_service", "contract_management", "denied:data_archived"),
        ("sales", "prospecting", "denied:purpose_not_allowed_for_this_data"),
        ("dpo", "rights_handling", "not_found"),
        ("sales", "alarm_handling", "denied:role_may_not_act_under_purpose"),
    ]
    # The fields the read showed (values on file), not every field the grant allows.
    assert reads[0]["fields"] == [
        "contract_end", "contract_ref", "contract_start", "contract_status", "first_name", "last_name", "offer",
        "site_address",
    ]  # fmt: skip
    assert reads[0]["subject"] == audited.auditor.subject("person", "P1")
    assert {e["actor"] for e in reads} == {"alice"}


def test_no_personal_value_and_no_ref_in_clear_reaches_the_log(audited):
    """Brief: personal data never leak into audit entries beyond keyed references."""
    with audited.audit_engine.connect() as conn:
        everything = " ".join(conn.execute(select(tables.audit_entries.c.body)).scalars())
    for value in ("Ana", "Roux", "Luc", "0700000001", '"P1"', '"T1"', "NOPE"):
        assert value not in everything


def test_an_untouched_chain_verifies_with_its_counts(audited):
    """`audit verify` prints OK with counts when nothing was touched."""
    audited.auditor.checkpoint()
    assert report(audited) == {"ok": True, "periods": 1, "entries": 5, "broken": None}


def test_an_edited_entry_is_detected(audited):
    """Tamper with the database directly, after removing the trigger: detected."""
    unguard(audited)
    with audited.audit_engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET body = replace(body, 'denied:data_archived', 'allowed') "
                          "WHERE seq = 2"))  # fmt: skip
    assert report(audited)["broken"] == {"period": "2026-11", "seq": 2, "why": EDITED}


def test_an_entry_edited_with_its_hash_recomputed_breaks_the_next_link(audited):
    """A tamperer who recomputes the edited entry's hash still breaks the chain after it."""
    from charte.domain.audit import link

    unguard(audited)
    with audited.audit_engine.begin() as conn:
        body, prev = conn.execute(text("SELECT body, prev FROM audit_entries WHERE seq = 2")).one()
        forged = body.replace("denied:data_archived", "allowed")
        conn.execute(text("UPDATE audit_entries SET body = :b, hash = :h WHERE seq = 2"),
                     {"b": forged, "h": link(prev, forged.encode())})  # fmt: skip
    assert report(audited)["broken"] == {"period": "2026-11", "seq": 3, "why": EDITED}


def test_a_search_column_cannot_be_edited_apart_from_the_bytes_and_replacing_it_is_detected(audited):
    """An edited entry is detected, whichever part was edited (search columns included)."""
    unguard(audited)
    with pytest.raises(DBAPIError, match="generated column"), audited.audit_engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'bob' WHERE seq = 2"))
    with audited.audit_engine.begin() as conn:  # the next step: a plain column in its place
        conn.execute(text("DROP INDEX ix_audit_entries_actor_at"))
        conn.execute(text("ALTER TABLE audit_entries DROP COLUMN actor"))
        conn.execute(text("ALTER TABLE audit_entries ADD COLUMN actor VARCHAR(200)"))
        conn.execute(text("UPDATE audit_entries SET actor = 'bob'"))
    assert report(audited)["broken"] == {
        "period": "*",
        "seq": None,
        "why": "the search column(s) actor no longer come from the bytes: the table was altered",
    }


def test_a_deleted_entry_is_detected(audited):
    """A deleted entry is detected."""
    unguard(audited)
    with audited.audit_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 4"))
    assert report(audited)["broken"] == {
        "period": "2026-11", "seq": 4, "why": "entry 4 is missing (the next stored is 5)"
    }  # fmt: skip


def test_reordered_entries_are_detected(audited):
    """Reordered entries are detected."""
    unguard(audited)
    renumber = text("UPDATE audit_entries SET body = replace(body, :old, :new) WHERE seq = :seq")
    with audited.audit_engine.begin() as conn:  # entries 2 and 3 swap places (their seq are in their bytes)
        for old, new in ((2, 99), (3, 2), (99, 3)):
            conn.execute(renumber, {"old": f'"seq":{old},', "new": f'"seq":{new},', "seq": old})
    assert report(audited)["broken"] == {"period": "2026-11", "seq": 2, "why": EDITED}


def test_a_tail_cut_after_the_last_checkpoint_is_detected(audited):
    """Signed checkpoints outside the database: deleting the tail is detected."""
    audited.auditor.checkpoint()  # pins entry 5
    unguard(audited)
    with audited.audit_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    broken = report(audited)["broken"]
    assert broken["seq"] == 4
    assert broken["why"] == (
        "the chain ends at entry 3, before the signed checkpoint at entry 5: its tail was deleted"
    )


def test_a_forged_checkpoint_is_refused(audited):
    """Checkpoints are signed (Ed25519): a forged one is refused."""
    audited.auditor.checkpoint()
    (path,) = audited.settings.checkpoint_dir.glob("*.json")
    record = json.loads(path.read_text())
    path.write_text(json.dumps(record | {"seq": 2}))
    with pytest.raises(CheckpointError, match="the signature does not verify"):
        report(audited)


def test_the_database_refuses_updates_and_deletes_of_entries(audited):
    """No update or delete path; a trigger rejects both."""
    for statement in ("UPDATE audit_entries SET hash = prev", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), audited.audit_engine.begin() as conn:
            conn.execute(text(statement))
    assert report(audited)["ok"]


def test_erasures_holds_actors_and_imports_are_audited(app):
    """Sweep proofs become audit entries; hold and actor changes are recorded."""
    run_import(app, EVENTS)
    holds.place(holds=app.holds(), gate=app.gate, role="legal", case="LIT-1", kind=CourtKind.CIVIL,
                subjects=[("person", "P1")], reason="dispute", actor="maitre-x")  # fmt: skip
    sweep(sweeper=app.eraser(), as_of=TODAY, today=TODAY, auditor=app.auditor)
    log = entries(app)
    erased = [e for e in log if e["action"] == "erase"]
    assert [(e["detail"]["unit"], e["subject"]) for e in erased] == [
        ("trusted_person", app.auditor.subject("person", "T1"))
    ]  # P1 is held
    with app.engine.connect() as conn:
        stone = conn.execute(
            select(tables.tombstones.c.ref_hmac).where(tables.tombstones.c.kind == "person")
        ).scalar()
    assert erased[0]["subject"] == stone  # the same keyed reference as the erasure ledger
    (hold,) = [e for e in log if e["action"] == "hold"]
    assert (hold["actor"], hold["role"], hold["detail"]) == (
        "maitre-x", "legal", {"case": "LIT-1", "change": "placed", "subjects": 1}
    )  # fmt: skip
    assert "dispute" not in json.dumps(log)  # the free-text reason stays in the case log
    assert list(app.settings.checkpoint_dir.glob("*.json"))  # the sweep signed a checkpoint
    assert report(app)["ok"]


def test_a_read_whose_audit_entry_cannot_be_written_fails_closed(app):
    """Every read other than alarm handling fails closed."""
    run_import(app, EVENTS)
    with app.audit_engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_heads"))
    with pytest.raises(DBAPIError):
        read(app, "P1")


def test_concurrent_readers_share_commits_and_each_returns_only_once_its_entry_is_stored(app):
    """Group commit allowed; an acknowledged read is never unaudited."""
    import threading

    from charte.domain.audit import Action, Entry

    app.auditor.start_group_commit()
    seen_after_return: list[bool] = []

    def reader(n: int) -> None:
        for i in range(25):
            subject = app.auditor.subject("person", f"P{n}-{i}")
            app.auditor.record(
                [Entry(at=app.clock.now(), actor=f"t{n}", action=Action.READ, subject=subject)]
            )
            with app.audit_engine.connect() as conn:  # committed before record() returned
                stored = conn.execute(
                    select(tables.audit_entries.c.id).where(tables.audit_entries.c.subject == subject)
                )
                seen_after_return.append(stored.first() is not None)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.auditor.stop_group_commit()
    assert seen_after_return == [True] * 200
    assert report(app) == {"ok": True, "periods": 1, "entries": 200, "broken": None}


def test_when_a_group_commit_fails_every_reader_in_it_gets_the_error(app):
    """Reads fail closed when their group's commit fails."""
    from charte.domain.audit import Action, Entry

    app.auditor.start_group_commit()
    with app.audit_engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_heads"))
    with pytest.raises(DBAPIError):
        app.auditor.record([Entry(at=app.clock.now(), actor="a", action=Action.READ)])
    app.auditor.stop_group_commit()


def test_alarm_reads_go_on_when_the_audit_is_down_and_are_chained_when_it_is_back(app):
    """Alarm-handling reads are spooled durably (fsync), then chained; others fail closed."""
    from charte.adapters.db.tables import audit_heads

    run_import(app, [signed("s1", "2025-01-01", "C5", person("P5", first_name="Ana"))])
    with app.audit_engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_heads"))
    shown = read(app, "P5", "station_operator", "alarm_handling")  # the operator still sees the site
    assert shown["fields"]["first_name"] == "Ana"
    spool = app.settings.home / "audit-spool.jsonl"
    (line,) = spool.read_text().splitlines()
    assert json.loads(line)["purpose"] == "alarm_handling"
    assert "Ana" not in line
    with pytest.raises(DBAPIError):
        read(app, "P5")  # the DPO's read is not an alarm: it fails closed
    audit_heads.create(app.audit_engine)  # the audit is back
    read(app, "P5")
    log = entries(app)
    assert [(e["seq"], e["purpose"]) for e in log] == [(1, "alarm_handling"), (2, "rights_handling")]
    assert spool.read_text() == ""
    assert report(app)["ok"]


def test_an_alarm_read_whose_commit_lost_its_answer_is_spooled_yet_chained_once(app, monkeypatch):
    """GDPR Art. 5(2): the primary lost after an append committed, before the answer came back;
    the entry spooled then is in the chain already and is not chained a second time."""
    from sqlalchemy.exc import OperationalError

    run_import(app, [signed("s1", "2025-01-01", "C5", person("P5", first_name="Ana"))])
    store = app.auditor.store
    committing = store.append

    def committed_then_lost(entries, conn=None):
        committing(entries, conn)  # committed on the database
        monkeypatch.setattr(store, "append", committing)  # the next append reaches a working primary
        raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection unexpectedly"))

    monkeypatch.setattr(store, "append", committed_then_lost)
    read(app, "P5", "station_operator", "alarm_handling")  # acknowledged: its entry spooled
    spool = app.settings.home / "audit-spool.jsonl"
    assert len(spool.read_text().splitlines()) == 1
    read(app, "P5")  # the next append chains what the spool kept, unless the chain holds it
    assert [(e["seq"], e["purpose"]) for e in entries(app)] == [(1, "alarm_handling"), (2, "rights_handling")]
    assert spool.read_text() == ""
    assert report(app)["ok"]


def test_months_past_the_audit_retention_are_dropped_whole_and_the_rest_still_verifies(app):
    """One chain per period, so a period past the policy's audit retention can be dropped."""
    from datetime import UTC, date, datetime

    from charte.domain.audit import Action, Entry
    from charte.domain.durations import Duration

    old = [Entry(at=datetime(2025, 1, d, tzinfo=UTC), actor="a", action=Action.READ) for d in (3, 4)]
    app.auditor.record(old)
    app.auditor.record([Entry(at=datetime(2026, 11, 20, tzinfo=UTC), actor="b", action=Action.READ)])
    app.auditor.checkpoint()
    kwargs = {
        "store": app.audit_store(),
        "checkpoints": app.auditor.checkpoints,
        "retention": Duration(years=1),
    }
    assert audit.drop_expired(as_of=date(2026, 1, 31), **kwargs) == []  # 2025-01 is kept to 2026-01-31
    assert audit.drop_expired(as_of=date(2026, 2, 1), **kwargs) == [
        {"period": "2025-01", "purge_due": "2026-02-01", "entries": 2}
    ]
    assert app.audit_store().periods() == ["2026-11"]
    assert report(app) == {"ok": True, "periods": 1, "entries": 1, "broken": None}


def test_a_checkpoint_that_cannot_be_written_does_not_make_a_committed_entry_look_unwritten(app, monkeypatch):
    """An entry committed is never spooled again (no duplicate in the chain)."""
    from charte.domain.audit import Action, Entry

    def broken(*_checkpoint):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app.auditor.checkpoints, "sign", broken)
    app.auditor.every = 1  # every entry asks for a checkpoint
    app.auditor.record([Entry(at=app.clock.now(), actor="op", action=Action.READ, purpose="alarm_handling")])
    assert app.auditor.checkpoint_error == "OSError"
    assert not (app.settings.home / "audit-spool.jsonl").exists()
    assert report(app) == {"ok": True, "periods": 1, "entries": 1, "broken": None}


def test_on_sqlite_an_import_holding_the_register_lock_does_not_block_audited_reads(app):
    """Availability; on SQLite the audit lives in its own file, so a long import never blocks audited reads."""
    if app.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database: nothing to show there")
    run_import(app, EVENTS)
    assert app.audit_engine is not app.engine
    held = app.engine.raw_connection()  # what an import does for minutes: hold the write lock
    try:
        held.execute("BEGIN IMMEDIATE")
        held.execute("PRAGMA busy_timeout=0")
        shown = read(app, "P1")  # would wait out the 30 s busy timeout, then fail, in one file
        assert shown["ref"] == "P1"
    finally:
        held.rollback()
        held.close()
    assert [e["action"] for e in entries(app)][-1] == "read"
    assert report(app)["ok"]


def test_two_appenders_taking_turns_keep_one_unbroken_chain(app):
    """A serving process's remembered head never chains past another process's entries."""
    from charte.adapters.db.audit_store import SqlAuditStore
    from charte.domain.audit import Action, Entry

    server, cli = SqlAuditStore(app.audit_engine), SqlAuditStore(app.audit_engine)
    for i in range(6):  # the server appends twice in a row, then the CLI slips one in
        store = cli if i % 3 == 2 else server
        chained = store.append([Entry(at=app.clock.now(), actor=f"a{i}", action=Action.READ)])
        assert [c.seq for c in chained] == [i + 1]
    assert report(app) == {"ok": True, "periods": 1, "entries": 6, "broken": None}
