"""The one erasure use case on in-memory ports: atomic, audited, applied once (GDPR Art. 5(1)(e), 17, 19)."""

from __future__ import annotations

from datetime import date

import pytest

from charte.config import shipped_policy_path
from charte.domain.erasure import Contract, Facts, Person, Role, Site, Unit
from charte.domain.retention import UnitStatus
from charte.services.erasure import Eraser
from tests.conftest import load
from tests.fakes import FixedClock, MemoryErasureLedger, MemoryErasureStore, hmac_of

SHIPPED = load(shipped_policy_path()).policy
TODAY = date(2026, 11, 26)
PAST, LATER = date(2025, 7, 1), date(2027, 1, 1)


def register() -> Facts:
    """Léa (P1) was a client on C1, ended long ago; Marc (P2) is the trusted person of S1, still
    designated; Zoé (P3) is a prospect whose two years ran out."""
    s = UnitStatus
    return Facts(
        persons={
            1: Person(1, "P1", {"last_name": frozenset({"client"}), "client_number": frozenset({"client"})}),
            2: Person(2, "P2", {"phone": frozenset({"trusted_person"})}),
            3: Person(3, "P3", {"email": frozenset({"prospect"})}),
        },
        units=(
            Unit(10, 1, "client", "C1", "client", s.SCHEDULED, PAST),
            Unit(20, 2, "trusted_person", "S1", "trusted_person", s.ACTIVE, None),
            Unit(30, 3, "prospect", "", "prospect", s.SCHEDULED, PAST),
        ),
        roles=(
            Role(100, 1, "client", contract="C1", site="S1"),
            Role(200, 2, "trusted_person", site="S1"),
            Role(300, 3, "prospect"),
        ),
        contracts={"C1": Contract("C1", "S1")},
        sites={"S1": Site("S1", frozenset({"C1"}))},
    )


def eraser(store, ledger=None):
    from charte.config import shipped_policy_path
    from tests.conftest import load

    return Eraser(store, load(shipped_policy_path()).policy, FixedClock(TODAY), ledger=ledger)


def test_the_sweep_erases_what_is_due_in_batches_and_audits_each_unit():
    """Art. 5(1)(e): what is due goes, whole persons per batch, one audit entry per unit, HMACs only."""
    store, ledger = MemoryErasureStore(register()), MemoryErasureLedger()
    totals = eraser(store, ledger).sweep(TODAY, dry_run=False, batch_size=1)
    assert set(store.persons) == {2}  # the trusted person still designated stays
    assert totals.batches == 2
    assert totals.persons_erased == 2
    assert dict(totals.units) == {"client": 1, "prospect": 1}
    assert "C1" not in store.contracts  # Léa was its only client
    assert "S1" in store.sites  # Marc, its trusted person, still refers to the site
    assert {kind for _, kind in store.tombstones} == {"person", "contract"}
    assert [e.detail["unit"] for e in store.audit] == ["client", "prospect"]
    assert {e.subject for e in store.audit} == {hmac_of("person:P1"), hmac_of("person:P3")}
    assert all("P1" not in str(line) and "P3" not in str(line) for line in ledger.lines)
    assert [len(line["units"]) for line in ledger.lines] == [1, 1]
    assert store.runs[0][1]["persons_erased"] == 2


def test_a_dry_run_reports_the_same_figures_and_changes_nothing():
    """A preview must be exact and must not erase: nothing is applied, audited or ledgered."""
    store, ledger = MemoryErasureStore(register()), MemoryErasureLedger()
    preview = eraser(store, ledger).sweep(TODAY, dry_run=True, batch_size=500)
    assert (preview.persons_erased, preview.fields_erased, dict(preview.units)) == (
        2,
        3,
        {"client": 1, "prospect": 1},
    )
    assert set(store.persons) == {1, 2, 3}
    assert store.audit == []
    assert ledger.lines == []
    assert store.runs == []
    done = eraser(store, ledger).sweep(TODAY, dry_run=False, batch_size=500)
    assert (done.persons_erased, done.fields_erased, dict(done.units)) == (2, 3, {"client": 1, "prospect": 1})


def test_a_ledger_that_cannot_be_written_leaves_every_person_whole():
    """The ledger is written before the commit: if it fails, the batch is not committed at all
    (a restored backup could otherwise bring back someone erased without a trace)."""
    store, ledger = MemoryErasureStore(register()), MemoryErasureLedger()
    ledger.broken = True
    with pytest.raises(OSError, match="no space"):
        eraser(store, ledger).sweep(TODAY, dry_run=False, batch_size=500)
    assert set(store.persons) == {1, 2, 3}
    assert store.audit == []
    assert store.orders == []


def test_a_batch_made_stale_by_another_writer_is_run_again_whole():
    """SQLite: another commit made the batch's snapshot stale; rolled back, it is simply rerun."""
    store = MemoryErasureStore(register())
    store.stale = 2
    totals = eraser(store).sweep(TODAY, dry_run=False, batch_size=500)
    assert totals.persons_erased == 2
    assert store.transactions == 3


def test_an_erasure_request_is_applied_once_and_answers_the_same_when_asked_again():
    """Art. 17 and 19: erased at once with the recipients owed a notice; asked again (an answer
    interrupted after the commit), it returns what it did and orders nothing twice."""
    store = MemoryErasureStore(register())
    first = eraser(store).on_request(7, "P2", "dpo-1")
    assert first["erased"] == [{"unit": "trusted_person", "context": "S1"}]  # the rule says erase
    assert first["person_erased"] is True
    assert first["recipients"] == ["recipient-of-P2"]
    orders = len(store.orders)
    again = eraser(store).on_request(7, "P2", "dpo-1")
    assert again == first
    assert len(store.orders) == orders
    assert store.notices == [(7, "P2", None)]


def test_an_erasure_request_for_someone_unknown_erases_nothing_and_says_so():
    """Art. 12(2), 17: nothing on file, nothing to erase; the answer says so plainly."""
    store = MemoryErasureStore(register())
    answer = eraser(store).on_request(8, "NOBODY", "dpo-1")
    assert answer["erased"] == []
    assert answer["person_erased"] is False
    assert store.applied == {}


def test_the_replay_erases_again_only_the_units_the_ledger_names():
    """After a restore: the units the ledger recorded go again, as the request that asked had them go."""
    store = MemoryErasureStore(register())
    totals = eraser(store).replayed({2: "P2"}, [20], 7, "charte-replay")
    assert totals.persons_erased == 1
    assert set(store.persons) == {1, 3}
    assert store.audit[0].actor == "charte-replay"
    assert store.proofs[0].due_on == TODAY
