"""A disclosure never widens what the discloser gets: a property over the whole shipped policy.

For every (discloser role, purpose, context) of the shipped policy, every role named as recipient
with each of its purposes, and every person of a demo register (clients with access
instructions, ended contracts, prospects, trusted persons, other contacts, a restricted client),
what a disclosure carries is within what the discloser may read itself *and* what the recipient
may receive — value by value, not only field names — and staff are never recipients.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pytest

from charte.adapters.db import migrate
from charte.adapters.demo_register import DemoRegister
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.access import Denial, ReadContext
from charte.domain.vocabulary import RoleKind
from charte.services import disclosures
from charte.services.access import AccessDenied, Reader
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.queries import PersonFilter, show_person
from tests.conftest import TEST_KEY, TODAY, restrict, run_import
from tests.fakes import FixedClock, MemoryAudit, MemoryLedger
from tests.feed import person, signed


class Persons:
    """The register's persons read once (the real query), served from memory thereafter."""

    def __init__(self, found: dict[str, dict[str, Any]]) -> None:
        self.found = found

    def person(self, ref: str) -> dict[str, Any] | None:
        return self.found.get(ref)


def leaves(view: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every personal value a view carries, with where it sits (a role's key, a contract's,
    a site's field...)."""
    out: set[tuple[Any, ...]] = {("fields", f, v) for f, v in view["fields"].items()}
    for r in view["roles"]:
        out |= {("role", r["role"], k, str(v)) for k, v in r.items() if k != "role"}
    for c in view["contracts"]:
        out |= {("contract", k, str(v)) for k, v in c.items()}
    for s in view["sites"]:
        out |= {("site", s["ref"], f, v) for f, v in s["fields"].items()}
    out |= {("contact", str(sorted(c.items()))) for c in view["contact_log"]}
    return out


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    home = tmp_path_factory.mktemp("disclosure-property")
    settings = Settings(policy_path=shipped_policy_path(), home=home, database_url=f"sqlite:///{home / 'c.db'}",
                        field_key=TEST_KEY)  # fmt: skip
    app = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(app.engine)
    text = io.StringIO()
    DemoRegister(seed=17, today=TODAY).write(text, 40)
    run_import(app, text.getvalue().splitlines())
    run_import(app, [signed("r1", "2025-01-01", "CR", person("PR", first_name="Rita", email="r@example.org"),
                            site="SR", access_instructions="code 9911")])  # fmt: skip
    restrict(app, "PR")
    queries = app.register_queries()
    total, _ = queries.persons(PersonFilter(limit=1))
    refs = [p.ref for p in queries.persons(PersonFilter(limit=1000))[1]]
    assert len(refs) == total >= 40
    found = {ref: queries.person(ref) for ref in refs}
    yield app, Persons(found)
    app.engine.dispose()


def _readers(policy, found) -> list[Reader]:
    """Every (role, purpose) the policy grants, and inside an alarm session about the person
    where the policy binds reads to one."""
    readers = []
    for role in policy.roles.values():
        for purpose in role.purposes:
            readers.append(Reader(f"actor-{role.id}", role.id, purpose))
    about = frozenset(
        [c.ref for c in found.contracts] + [x for r in found.roles for x in (r.site, r.contract) if x]
    )
    contexts = {b.context for b in policy.access.context_bound_fields} | {
        e.context for es in policy.access.exclusive.values() for e in es if e.context
    }
    for kind in sorted(contexts):
        readers += [
            replace(r, context=ReadContext(kind, "1", about)) for r in list(readers) if r.context is None
        ]
    return readers


def _view(persons: Persons, app, auditor: Auditor, reader: Reader, ref: str) -> set[tuple[Any, ...]]:
    try:
        return leaves(show_person(queries=persons, gate=app.gate, auditor=auditor, reader=reader, ref=ref))
    except (AccessDenied, Refused):
        return set()


def test_what_a_disclosure_carries_is_within_the_discloser_s_view_and_the_recipient_s(register):
    """GDPR Art. 5(1)(f), 29, 32(4): one passes on only what one may read oneself, to a recipient."""
    app, persons = register
    policy = app.policy
    audit = MemoryAudit()
    auditor = Auditor(audit, audit, app.clock, app.ref_hasher)
    ledger = MemoryLedger(audit)
    recipients = [(r.id, p) for r in policy.roles.values() for p in r.purposes]
    disclosed = refused_staff = 0
    for ref, found in persons.found.items():
        readers = _readers(policy, found)
        own = {r: _view(persons, app, auditor, r, ref) for r in readers}
        for to, purpose in recipients:
            theirs = _view(persons, app, auditor, Reader("recipient", to, purpose), ref)
            for reader in readers:
                try:
                    sent = disclosures.disclose(queries=persons, gate=app.gate, auditor=auditor, ledger=ledger,
                                                discloser=reader, recipient=to, purpose=purpose, ref=ref)  # fmt: skip
                except AccessDenied as denied:
                    reason = denied.reason
                else:
                    reason = None
                if reason is not None:
                    if policy.roles[to].kind is RoleKind.STAFF and own[reader]:
                        assert reason == "not_a_recipient", (reader, to)
                        refused_staff += 1
                    continue
                assert policy.roles[to].kind is not RoleKind.STAFF, (reader, to)
                carried = leaves(sent["view"])
                assert carried, (reader, to, ref)
                assert carried <= own[reader], (reader, to, ref, carried - own[reader])
                assert carried <= theirs, (reader, to, ref, carried - theirs)
                disclosed += 1
    # The property is not vacuous: many disclosures were made, and staff were named and refused.
    assert disclosed > 100
    assert refused_staff > 100
    assert len(ledger.recorded) == disclosed


def test_the_alarm_codes_leave_only_from_an_operator_inside_an_alarm_session(register):
    """Seed: the station reads the intervention instructions to handle an alarm, nowhere else."""
    app, persons = register
    audit = MemoryAudit()
    auditor = Auditor(audit, audit, app.clock, app.ref_hasher)
    ledger = MemoryLedger(audit)
    outside = Reader("op", "station_operator", "alarm_handling")
    inside = replace(outside, context=ReadContext("alarm_session", "1", frozenset({"SR", "CR"})))
    args = {"queries": persons, "gate": app.gate, "auditor": auditor, "ledger": ledger, "ref": "PR"}
    out = disclosures.disclose(
        discloser=outside, recipient="intervention_provider", purpose="intervention", **args
    )
    assert "access_instructions" not in out["fields"]
    got = disclosures.disclose(
        discloser=inside, recipient="intervention_provider", purpose="intervention", **args
    )
    assert "access_instructions" in got["fields"]  # a restricted client's alarm is still handled
    for to, purpose in (
        ("legal", "dispute_evidence"),
        ("dpo", "rights_handling"),
        ("auditor", "internal_audit"),
    ):
        with pytest.raises(AccessDenied) as denied:
            disclosures.disclose(discloser=outside, recipient=to, purpose=purpose, **args)
        assert denied.value.reason is Denial.NOT_A_RECIPIENT
