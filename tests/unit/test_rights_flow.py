"""A rights request from intake to closure on in-memory ports (GDPR Art. 12(3)-(6); CPC 641-642)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from charte.config import shipped_policy_path
from charte.domain.access import AccessGate
from charte.domain.rights import identity_answer_due
from charte.services import rights
from charte.services.access import AccessDenied
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.rights_desk import Clerk, Desk, Mail, Proofs
from tests.conftest import load
from tests.fakes import (
    FixedClock,
    MemoryAnswers,
    MemoryAudit,
    MemoryLetters,
    MemoryNotifier,
    MemoryPersons,
    MemoryRightsStore,
    hmac_of,
)

SHIPPED = load(shipped_policy_path()).policy
RECEIVED = date(2026, 1, 31)


def desk_on(day: date, role: str = "dpo") -> Desk:
    """The rights desk for a handler of ``role``, on fakes: nothing here needs a database."""
    audit, clock = MemoryAudit(), FixedClock(day)
    clerk = Clerk(
        store=MemoryRightsStore(audit),
        register=MemoryPersons({"P1": {"email": "lea@example.org"}}),
        policy=SHIPPED,
        gate=AccessGate(SHIPPED),
        auditor=Auditor(audit, audit, clock, hmac_of),
        clock=clock,
        actor="dpo-1",
        role=role,
    )
    mail = Mail(MemoryNotifier(), MemoryAnswers(), MemoryLetters())
    return Desk(clerk, mail, Proofs(documents=None, code_key=b"k" * 32), answering=None)  # type: ignore[arg-type]


def opened(desk: Desk, **kw) -> dict:
    fields = {"type_": "access", "received_on": RECEIVED, "channel": "email", "claimed_name": "Léa Wałęsa",
              "contact": "lea@example.org"} | kw  # fmt: skip
    return rights.open_request(desk, **fields)


def test_a_request_is_due_one_month_after_receipt_rolled_to_the_next_working_day():
    """Art. 12(3), CPC 641-642: 31 January + one month is 28 February, a Saturday: due Monday 2 March."""
    desk = desk_on(date(2026, 2, 2))
    summary = opened(desk)
    assert summary["due_on"] == "2026-03-02"
    assert summary["status"] == "received"


def test_the_audit_names_the_request_never_the_requesters_name_or_contact():
    """GDPR Art. 5(1)(f), 32: the trail proves the step without repeating personal data."""
    desk = desk_on(date(2026, 2, 2))
    opened(desk, person="P1")
    audit = desk.clerk.auditor.store
    assert [e.detail["step"] for e in audit.entries] == ["opened"]
    text = repr(audit.entries)
    assert "Wałęsa" not in text
    assert "lea@example.org" not in text
    assert audit.entries[0].subject == hmac_of("person:P1")


def test_a_role_outside_rights_submit_to_is_refused_before_anything_is_recorded():
    """Art. 5(1)(f): only the DPO's team handles requests (policy: rights.submit_to)."""
    desk = desk_on(date(2026, 2, 2), role="sales")
    with pytest.raises(AccessDenied):
        opened(desk)
    assert desk.clerk.store.requests == {}


def test_asking_for_identity_stops_the_clock_and_the_answer_moves_the_due_date_by_the_days_paused():
    """Art. 12(6) with the policy's identity_request: pause — 10 days waited, 10 days added."""
    desk = desk_on(date(2026, 2, 2))
    rid = opened(desk)["id"]
    waiting = rights.ask_identity(desk, rid, date(2026, 2, 2))
    assert waiting["due_on"] is None
    assert waiting["paused"] is True
    desk.clerk.clock.day = date(2026, 2, 12)
    resumed = rights.identity_received(desk, rid, date(2026, 2, 12))
    assert resumed["due_on"] == "2026-03-10"  # 28 Feb + 10 days = 10 March, a Tuesday
    to, _, _, letters = desk.mail.notifier.sent[-1]
    assert to == "lea@example.org"
    assert letters == ["courrier-identity_asked.pdf"]


def test_a_request_is_extended_once_with_reasons_told_before_the_first_due_date():
    """Art. 12(3): one extension, by the policy's two months, with reasons, within the first month."""
    desk = desk_on(date(2026, 2, 20))
    rid = opened(desk)["id"]
    with pytest.raises(Refused, match="reason"):
        rights.extend(desk, rid, date(2026, 2, 20), "  ")
    extended = rights.extend(desk, rid, date(2026, 2, 20), "many archives to search")
    assert extended["due_on"] == "2026-04-30"
    assert extended["first_due_on"] == "2026-03-02"
    with pytest.raises(Refused, match="already extended"):
        rights.extend(desk, rid, date(2026, 2, 20), "again")
    late = desk_on(date(2026, 3, 3))
    rid = opened(late)["id"]
    with pytest.raises(Refused, match="before the due date"):
        rights.extend(late, rid, date(2026, 3, 3), "too late")


def test_a_notice_the_relay_refused_is_recorded_as_not_sent_and_sent_again_once():
    """Art. 12(1): the decision stands and its deadline runs; the notice is kept to send again."""
    desk = desk_on(date(2026, 2, 2))
    rid = opened(desk)["id"]
    desk.mail.notifier.down = True
    step = rights.ask_identity(desk, rid, date(2026, 2, 2))
    assert step["not_sent"] == "the relay refused the message"
    assert desk.clerk.store.steps(rid)[-1].detail["notice"] == "not sent (the relay refused the message)"
    desk.mail.notifier.down = False
    rights.resend(desk, rid)
    assert len(desk.mail.notifier.sent) == 1  # the notice the relay refused, delivered now
    with pytest.raises(Refused, match="nothing to send again"):
        rights.resend(desk, rid)


def test_a_request_unanswered_past_the_identity_delay_is_closed_as_not_identifiable():
    """Art. 11(2), 12(6): no answer within the policy's delay closes the request, with the CNIL's address."""
    desk = desk_on(date(2026, 2, 2))
    rid = opened(desk)["id"]
    rights.ask_identity(desk, rid, date(2026, 2, 2))
    limit = identity_answer_due(desk.clerk.store.get(rid).pauses[-1], desk.clerk.terms)
    desk.clerk.clock.day = limit
    assert rights.close_expired(desk) == []
    desk.clerk.clock.day = limit + timedelta(days=1)
    assert rights.close_expired(desk) == [rid]
    assert desk.clerk.store.get(rid).status.value == "closed"
    assert desk.mail.notifier.sent[-1][1]  # told, with its letter


def test_bad_input_is_refused_naming_the_option_and_nothing_is_recorded():
    """Brief « every bad input gets a clear message naming the field »; Art. 12(2): rights stay easy."""
    desk = desk_on(date(2026, 2, 2))
    for overrides, message in [
        ({"channel": "fax"}, "--channel must be one of"),
        ({"type_": "forgetting"}, "--type must be one of"),
        ({"type_": "rectification"}, "a rectification lists the changes"),
        (
            {"type_": "rectification", "changes": {"shoe_size": "42"}},
            "the policy does not declare: shoe_size",
        ),
        ({"type_": "opposition"}, "an opposition names the purpose"),
        ({"type_": "restriction", "ground": "boredom"}, "--ground must be one of"),
        ({"received_on": date(2026, 2, 3)}, "--received 2026-02-03 is after today"),
        ({"claimed_name": " "}, "claimed name"),
    ]:
        with pytest.raises(Refused, match=message):
            opened(desk, **overrides)
    assert desk.clerk.store.requests == {}
    assert desk.clerk.auditor.store.entries == []


def test_only_late_open_requests_are_overdue_and_a_refused_one_is_finished():
    """Art. 12(3)-(4): a refusal answers the request (with the CNIL complaint); a late one is listed."""
    desk = desk_on(date(2026, 3, 10))
    late = opened(desk, received_on=date(2026, 1, 5))["id"]
    refused = opened(desk, received_on=date(2026, 1, 6))["id"]
    on_time = opened(desk, received_on=date(2026, 3, 2))["id"]
    rights.refuse(desk, refused, "a copy of the same answer was sent on 3 January")
    _, _, text, _ = desk.mail.notifier.sent[-1]
    assert "CNIL" in text
    overdue = rights.listing(desk, overdue=True)
    assert [(r["id"], r["overdue"]) for r in overdue] == [(late, True)]
    assert [r["id"] for r in rights.listing(desk, open_only=True)] == [late, on_time]
