"""The retention sweep (charter "effacées à l'issue de ces durées"; GDPR Art. 5(1)(e)): data really go on time, never too early, never half."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.services.errors import Refused
from charte.services.outbox import list_orders
from charte.services.retention import ScheduleFilter, schedule, sweep
from tests.conftest import as_dpo, count_rows, orders_as_dpo, raw_person, run_import
from tests.feed import collected, contacted, designated, ended, person, registered, removed, signed

EVENTS = [
    collected(
        "e1",
        "2020-01-10",
        person("P1", last_name="Roux", email="p1@example.org"),
        site={"ref": "S0", "address": "x"},
    ),
    signed(
        "e2",
        "2020-03-01",
        "C1",
        person("P2", last_name="Noir", phone="0600000002"),
        access_instructions="code 1234",
    ),
    designated("e3", "2020-03-02", "S1", person("T1", first_name="Luc", phone="0600000003")),
    registered("e4", "2020-03-03", person("O1", last_name="Petit"), "C1"),
    removed("e5", "2021-05-10", "S1", "T1"),
    ended("e6", "2021-06-30", "C1"),
    # P3 is a trusted person of S2 (under C2, still active) and a prospect: only the prospect data
    # go with the prospect unit.
    signed("e10", "2020-05-01", "C2", person("P4", last_name="Klein"), site="S2"),
    designated("e7", "2021-01-04", "S2", person("P3", first_name="Ana", phone="0600000004")),
    collected("e8", "2021-01-05", person("P3", last_name="Vidal", email="p3@example.org")),
    contacted("e9", "2021-01-06", "P3"),
]


def run(app, as_of: str, **kw):
    return sweep(sweeper=app.eraser(), as_of=date.fromisoformat(as_of), today=date(2026, 11, 26), **kw)


def refs(app) -> list[str]:
    with app.engine.connect() as conn:
        return sorted(conn.execute(select(tables.persons.c.ref)).scalars())


def test_nothing_goes_before_its_purge_date(app):
    """Never too early: the day before T1's purge date, nothing is erased."""
    run_import(app, EVENTS)
    before = count_rows(app)
    report = run(app, "2021-05-09")
    assert report.as_dict()["units_erased"] == 0
    after = count_rows(app)
    assert after.pop("sweep_runs") == before.pop("sweep_runs") + 1  # the run itself is logged
    assert after == before
    assert app.sweep_runs().last_run().as_of == date(2021, 5, 9)


def test_a_removed_trusted_person_is_erased_whole_with_orders_and_a_proof(app):
    """Seed: trusted persons kept only while designated — erased the day the designation ends, in
    charte and (by order) in every system; a proof remains, with no personal data."""
    run_import(app, EVENTS)
    report = run(app, "2021-05-10").as_dict()
    assert (report["units_erased"], report["persons_erased"], report["orders"]) == (1, 1, 3)
    assert "T1" not in refs(app)
    orders = list_orders(**orders_as_dpo(app), system=None)
    assert {(o["system"], o["person"], tuple(o["fields"])) for o in orders} == {
        ("crm", "T1", ()),
        ("telephony", "T1", ()),
        ("monitoring", "T1", ()),
    }
    with app.engine.connect() as conn:
        proof = conn.execute(select(tables.erasure_proofs)).mappings().one()
        tombstone = conn.execute(select(tables.tombstones)).mappings().one()
    assert (proof["unit"], proof["rule"], proof["person_erased"], str(proof["purge_due"])) == (
        "trusted_person",
        "trusted_person",
        True,
        "2021-05-10",
    )
    assert "T1" not in json.dumps({k: str(v) for k, v in proof.items()})  # HMACs, never the ref
    assert (tombstone["kind"], tombstone["ref_hmac"]) == ("person", proof["person_hmac"])


def test_a_role_that_ends_takes_only_the_data_no_other_role_justifies(app):
    """Ending a role erases exactly the fields no other role justifies."""
    run_import(app, EVENTS)
    run(app, "2023-01-07")  # P3's prospect unit: 2 years after the last inbound contact
    p3 = raw_person(app, "P3")
    assert p3["fields"] == {"first_name": "Ana", "phone": "0600000004"}  # the trusted-person data stay
    assert [r["role"] for r in p3["roles"]] == ["trusted_person"]
    assert p3["contact_log"] == []
    # The systems holding prospect data are told, though the person stays.
    orders = list_orders(**orders_as_dpo(app), system="crm")
    assert [(o["person"], o["fields"]) for o in orders if o["person"] == "P3"] == [
        ("P3", ["email", "last_name"])
    ]


def test_a_contract_five_years_after_its_end_takes_its_client_contract_and_site_with_it(app):
    """Seed: contract + 5 years; then the contract and its site (with encrypted access instructions) go."""
    run_import(app, EVENTS)
    run(app, "2026-07-01")  # C1 ended 2021-06-30: client and other contact due 2026-07-01
    assert refs(app) == ["P3", "P4"]  # C2 and the designation under it still run
    rows = count_rows(app)
    # Left: C2 and its site S2 (address), P3's designation and P4's client role, and their fields.
    left = (rows["contracts"], rows["sites"], rows["site_fields"], rows["roles"], rows["person_fields"])
    assert left == (1, 1, 1, 2, 3)
    assert rows["tombstones"] == 7  # persons P1 (prospect, long due), P2, T1, O1; contract C1; sites S0, S1


def test_a_dry_run_reports_exactly_what_a_sweep_would_do_and_keeps_everything(app):
    run_import(app, EVENTS)
    before = count_rows(app)
    dry = run(app, "2026-07-01", dry_run=True).as_dict()
    assert count_rows(app) == before
    real = run(app, "2026-07-01").as_dict()
    assert {k: v for k, v in dry.items() if k != "dry_run"} == {
        k: v for k, v in real.items() if k != "dry_run"
    }


def test_a_sweep_after_today_is_refused_unless_dry_run(app):
    """--as-of later than today is refused unless --dry-run."""
    with pytest.raises(Refused, match="after today"):
        run(app, "2027-01-01")
    assert run(app, "2027-01-01", dry_run=True).dry_run


def test_sweeps_are_idempotent_and_batching_does_not_change_the_result(app):
    """A rerun erases nothing more; batches of one person give the same register."""
    run_import(app, EVENTS)
    first = run(app, "2026-07-01", batch_size=1).as_dict()
    assert first["batches"] == 5  # P1, P2, T1, O1 whole, and P3's prospect unit
    again = run(app, "2026-07-01").as_dict()
    assert (again["units_erased"], again["orders"]) == (0, 0)
    assert [u.status for u in schedule(**as_dpo(app), criteria=ScheduleFilter())] == ["active"] * 2


def test_two_sweeps_at_once_erase_each_unit_exactly_once(app):
    """Two sweeps may run at once without erasing twice or deadlocking (SKIP LOCKED on
    PostgreSQL; on SQLite a batch that lost the race is retried whole)."""
    import io
    import threading

    from charte.adapters.demo_register import DemoRegister
    from charte.services.importing import import_events

    out = io.StringIO()
    DemoRegister(seed=21, today=date(2026, 11, 26)).write(out, 400)
    import_events(
        source=io.BytesIO(out.getvalue().encode()), parser=app.feed_reader(), store=app.register_store()
    )
    due = len(list(schedule(**as_dpo(app), criteria=ScheduleFilter(due_before=date(2026, 11, 27)))))
    assert due > 50
    reports, errors = [], []

    def one_sweep():
        try:
            reports.append(run(app, "2026-11-26", batch_size=2).as_dict())
        except Exception as exc:  # collected and asserted below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r["units_erased"] for r in reports) == due
    assert count_rows(app)["erasure_proofs"] == due


def test_an_old_export_reimported_after_a_sweep_resurrects_nobody(app):
    """The same export again is all duplicates; events with new ids about erased persons,
    contracts or sites, dated on or before the erasure, are skipped and counted; a later-dated event
    is a new collection."""
    run_import(app, EVENTS)
    run(app, "2026-07-01")
    again = run_import(app, EVENTS)
    assert (again.applied, again.duplicates, again.errors) == (0, len(EVENTS), [])
    other_export = [{**e, "id": f"other-{e['id']}"} for e in EVENTS[:6]]  # the same facts, new ids
    report = run_import(app, other_export)
    assert (report.errors, report.committed) == ([], True)
    assert (report.skipped_erased, report.applied) == (6, 0)
    assert refs(app) == ["P3", "P4"]
    fresh = run_import(app, [collected("new", "2026-09-01", person("P1", last_name="Roux"))])
    assert (fresh.applied, fresh.skipped_erased) == (1, 0)
    assert refs(app) == ["P1", "P3", "P4"]


def _statements_per_batch(app, group: str, persons: int, removed_on: str, as_of: str) -> list[int]:
    """The statements each committed batch of a sweep on ``as_of`` sends, for ``persons`` trusted
    persons removed on ``removed_on`` from their own site (under a running contract), all in one batch."""
    from sqlalchemy import event

    feed = []
    for i in range(persons):
        site, client, trusted = f"Z{group}{i}", f"C{group}{i}", f"T{group}{i}"
        feed += [
            signed(f"s{group}{i}", "2019-01-01", f"K{group}{i}", person(client, last_name="Roux"), site=site),
            designated(f"d{group}{i}", "2019-02-01", site, person(trusted, phone=f"06{len(group)}0{i:06d}")),
            removed(f"r{group}{i}", removed_on, site, trusted),
        ]
    run_import(app, feed)
    batches: list[int] = [0]

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            batches[-1] += 1

    def close(conn):
        batches.append(0)

    event.listen(app.engine, "before_cursor_execute", count)
    event.listen(app.engine, "commit", close)
    try:
        report = run(app, as_of, batch_size=persons)  # one batch holds every due person
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
        event.remove(app.engine, "commit", close)
    assert report.persons_erased == persons
    return batches


def test_a_batch_costs_the_same_number_of_statements_whatever_its_size(app):
    """Set-based erasure (docs/architecture.md): the plan is carried out in a fixed number of
    statements per batch, never a statement per person."""
    small = _statements_per_batch(app, "a", 3, "2021-05-10", "2021-06-01")
    big = _statements_per_batch(app, "b", 30, "2022-05-10", "2026-11-26")
    assert max(small) == max(big), (small, big)
    assert max(big) > 10, big  # the batch did its work: deletes, proofs, orders, audit
