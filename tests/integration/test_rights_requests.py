"""Rights requests from intake to identity, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.adapters.notifier import FileOutbox
from charte.services import identity, rights
from charte.services.access import AccessDenied
from charte.services.errors import NotFound, Refused
from charte.services.rights_desk import Desk
from tests.conftest import TODAY, pdf_text, run_import
from tests.feed import person, signed

PDF = b"%PDF-1.4\n% a scanned identity card\n"
d = date.fromisoformat


def desk(app, role: str = "dpo") -> Desk:
    return app.rights_desk("dpo-anne", role)


def opened(app, **overrides) -> dict:
    fields = {"type_": "access", "received_on": TODAY, "channel": "email", "claimed_name": "Ana Roux",
              "contact": "ana.roux@example.org"} | overrides  # fmt: skip
    return rights.open_request(desk(app), **fields)


def mail(app) -> list[dict]:
    outbox = app.notifier
    assert isinstance(outbox, FileOutbox)
    return outbox.sent() if outbox.folder.exists() else []


def audit_bodies(app) -> str:
    a = tables.audit_entries.c
    with app.audit_engine.connect() as conn:
        return " ".join(conn.execute(select(a.body).where(a.action == "rights")).scalars())


def test_a_request_is_recorded_with_its_due_date_whether_or_not_the_requester_is_known(app):
    """GDPR Art. 12(3): one month, rolled past the weekend; the clock runs unmatched."""
    first = opened(app)
    assert (first["status"], first["received_on"], first["due_on"]) == (
        "received",
        "2026-11-26",
        "2026-12-28",
    )
    assert first["person"] is None  # 26 Dec 2026 is a Saturday: due Monday 28
    listed = rights.listing(desk(app))
    assert [r["id"] for r in listed] == [first["id"]]


def test_bad_input_is_refused_naming_the_option_and_nothing_is_recorded(app):
    """Every bad input gets a clear message naming the field."""
    for overrides, message in [
        ({"channel": "fax"}, "--channel must be one of"),
        ({"type_": "forgetting"}, "--type must be one of"),
        ({"type_": "rectification"}, "a rectification lists the changes"),
        (
            {"type_": "rectification", "changes": {"shoe_size": "42"}},
            "field(s) the policy does not declare: shoe_size",
        ),
        ({"type_": "opposition"}, "an opposition names the purpose"),
        ({"type_": "restriction", "ground": "boredom"}, "--ground must be one of"),
        ({"received_on": TODAY + timedelta(days=1)}, "--received 2026-11-27 is after today"),
        ({"claimed_name": " "}, "claimed name"),
    ]:
        with pytest.raises(Refused, match=message.replace("(", r"\(").replace(")", r"\)")):
            opened(app, **overrides)
    with pytest.raises(NotFound, match="person not found: P404"):
        opened(app, person="P404")
    assert rights.listing(desk(app)) == []


def test_only_the_policy_s_handlers_handle_requests(app):
    """Requests are exercised with the DPO (policy rights.submit_to)."""
    with pytest.raises(AccessDenied, match=r"role 'customer_service' may not handle rights requests"):
        rights.open_request(desk(app, "customer_service"), type_="access", received_on=TODAY,
                            channel="email", claimed_name="A", contact="a@example.org")  # fmt: skip


def test_asking_for_identity_stops_the_clock_and_its_answer_moves_the_due_date_by_the_days_paused(app):
    """The policy's `identity_request: pause`; a notice goes to the requester."""
    request = opened(app, received_on=d("2026-10-01"))
    assert request["due_on"] == "2026-11-02"  # 1 Nov is a Sunday and a holiday
    asked = rights.ask_identity(desk(app), request["id"], d("2026-10-05"))
    assert (asked["status"], asked["due_on"], asked["paused"]) == ("awaiting_identity", None, True)
    (notice,) = mail(app)
    assert notice["to"] == "ana.roux@example.org"
    assert "2026-12-05" in notice["text"]  # answer within the policy's 2 months
    back = rights.identity_received(desk(app), request["id"], d("2026-10-15"))
    assert (back["status"], back["due_on"]) == ("received", "2026-11-12")  # 1 Nov + 10 days; 11 Nov rolls
    steps = [s["step"] for s in rights.show(desk(app), request["id"])["timeline"]]
    assert steps == ["opened", "identity_asked", "identity_received"]


def test_an_identity_document_is_kept_encrypted_then_erased_once_identity_is_verified(app):
    """Shipped policy: a document always; CNIL SAN-2020-008: no ID copy kept after use."""
    request = opened(app)
    with pytest.raises(Refused, match="no identity document is attached"):
        identity.verify(desk(app), request["id"], "document")
    with pytest.raises(Refused, match="must be a PDF, JPEG or PNG"):
        identity.attach_document(desk(app), request["id"], b"MZ\x90\x00 not an image")
    identity.attach_document(desk(app), request["id"], PDF)
    (stored,) = (app.settings.home / "identity-documents").iterdir()
    assert b"scanned identity card" not in stored.read_bytes()
    with pytest.raises(Refused, match="does not allow identity method 'code'"):
        identity.verify(desk(app), request["id"], "code", code="123456")
    done = identity.verify(desk(app), request["id"], "document")
    assert (done["status"], done["verified_by"]) == ("verified", "document")
    assert not stored.exists()
    with pytest.raises(Refused, match="a verified request takes no identity document"):
        identity.attach_document(desk(app), request["id"], PDF)


def test_an_extension_is_told_to_the_requester_and_gives_three_months_once(app):
    """GDPR Art. 12(3): extension by two months, with reasons, before the first due date."""
    request = opened(app, received_on=d("2026-10-30"))
    extended = rights.extend(desk(app), request["id"], TODAY, "a hundred recordings to review")
    assert (extended["due_on"], extended["first_due_on"], extended["extended"]) == (
        "2027-02-01",
        "2026-11-30",
        True,
    )
    assert "a hundred recordings to review" in mail(app)[-1]["text"]  # 30 Jan 2027 is a Saturday
    with pytest.raises(Refused, match="already extended"):
        rights.extend(desk(app), request["id"], TODAY, "again")
    late = opened(app, received_on=d("2026-10-01"))  # first due 2 Nov: passed
    with pytest.raises(Refused, match="before the due date 2026-11-02"):
        rights.extend(desk(app), late["id"], TODAY, "too late")


def test_overdue_requests_are_listed_and_finished_ones_are_not(app):
    """`charte rights list --overdue` shows what is late."""
    late = opened(app, received_on=d("2026-09-01"))
    on_time = opened(app, received_on=d("2026-11-20"))
    refused = opened(app, received_on=d("2026-09-02"))
    rights.refuse(desk(app), refused["id"], "a copy of the same answer was sent on 3 September")
    assert "réclamation auprès de la CNIL" in mail(app)[-1]["text"]
    overdue = rights.listing(desk(app), overdue=True)
    assert [r["id"] for r in overdue] == [late["id"]]
    assert overdue[0]["overdue"] is True
    assert [r["id"] for r in rights.listing(desk(app), due_before=d("2026-12-31"))] == [
        late["id"], refused["id"], on_time["id"]]  # fmt: skip


def test_a_requester_who_never_proves_identity_is_closed_only_after_the_policy_delay(app):
    """No answer within the policy's delay: closed as not identifiable, with a notice."""
    request = opened(app, received_on=d("2026-09-20"))
    rights.ask_identity(desk(app), request["id"], d("2026-09-25"))
    app.clock.day = d("2026-11-25")
    with pytest.raises(Refused, match="may still answer until 2026-11-25"):
        rights.close(desk(app), request["id"], "not-identifiable")
    app.clock.day = TODAY
    closed = rights.close(desk(app), request["id"], "not-identifiable")
    assert (closed["status"], closed["reason"]) == ("closed", "not-identifiable")
    assert "close" in mail(app)[-1]["text"]


def test_rights_steps_are_audited_with_the_person_s_keyed_reference_and_never_the_requester_s_data(app):
    """Every step audited; brief: no personal data in audit entries."""
    run_import(
        app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux", email="ana@example.org"))]
    )
    request = opened(app, person="P1")
    rights.ask_identity(desk(app), request["id"], TODAY)
    log = audit_bodies(app)
    assert app.auditor.subject("person", "P1") in log
    assert f"rights_request:{request['id']}" in log
    for personal in ("Ana Roux", "ana.roux@example.org", 'P1"'):
        assert personal not in log


def test_a_code_goes_to_the_contact_on_file_never_to_the_one_the_requester_gave(coded):
    """A one-time code sent to a contact already on file; stored hashed; limited attempts."""
    request = opened(coded, person="P1", contact="impostor@example.net")
    identity.send_code(desk(coded), request["id"])
    (message,) = mail(coded)
    assert message["to"] == "ana@example.org"
    code = message["text"].split(" : ")[1][:6]
    with coded.engine.connect() as conn:
        stored = conn.execute(select(tables.rights_requests.c.code_hash)).scalar_one()
    assert code not in stored
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Refused, match="the code does not match"):
        identity.verify(desk(coded), request["id"], "code", code=wrong)
    done = identity.verify(desk(coded), request["id"], "code", code=code)
    assert (done["status"], done["verified_by"]) == ("verified", "code")


def test_five_wrong_codes_exhaust_it_and_an_expired_code_is_refused(coded):
    """Expiring codes, limited attempts."""
    request = opened(coded, person="P1")
    identity.send_code(desk(coded), request["id"])
    code = mail(coded)[-1]["text"].split(" : ")[1][:6]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Refused, match="does not match"):
            identity.verify(desk(coded), request["id"], "code", code=wrong)
    with pytest.raises(Refused, match="too many wrong codes"):
        identity.verify(desk(coded), request["id"], "code", code=code)
    identity.send_code(desk(coded), request["id"])
    fresh = mail(coded)[-1]["text"].split(" : ")[1][:6]
    coded.clock.shift = timedelta(minutes=31)
    with pytest.raises(Refused, match="expired"):
        identity.verify(desk(coded), request["id"], "code", code=fresh)


def test_each_step_told_to_the_requester_comes_with_its_letter_and_a_code_never_does(coded):
    """GDPR Art. 12(1)-(4): requests for information, extensions and refusals in writing, with the
    remedies; a one-time code is never written to a file (it would outlive its purpose)."""
    request = opened(coded, person="P1", received_on=TODAY - timedelta(days=3))
    asked = rights.ask_identity(desk(coded), request["id"], TODAY)
    rights.identity_received(desk(coded), request["id"], TODAY)
    extended = rights.extend(desk(coded), request["id"], TODAY, "a hundred recordings to review")
    identity.send_code(desk(coded), request["id"])
    refused = rights.refuse(desk(coded), request["id"], "identical request answered last month")
    names = [[Path(p).name for p in step["letters"]] for step in (asked, extended, refused)]
    assert names == [
        ["01-courrier-identity_asked.html", "01-courrier-identity_asked.pdf"],
        ["02-courrier-extended.html", "02-courrier-extended.pdf"],
        ["03-courrier-refused.html", "03-courrier-refused.pdf"],
    ]
    refusal = pdf_text(refused["letters"][-1])
    assert "identical request answered last month" in refusal
    assert "https://www.cnil.fr/fr/plaintes" in refusal
    assert "recours juridictionnel" in refusal
    assert "a hundred recordings to review" in pdf_text(extended["letters"][-1])
    sent = mail(coded)
    assert [len(m["attachments"]) for m in sent] == [1, 1, 0, 1]  # the code (third) has none
    code = sent[2]["text"].split(" : ")[1][:6]
    written = [p for p in (coded.settings.home / "answers").rglob("*") if p.is_file()]
    assert len(written) == 6
    assert all(code.encode() not in p.read_bytes() for p in written)
    steps = {s["step"]: s["detail"] for s in rights.show(desk(coded), request["id"])["timeline"]}
    assert steps["refused"]["letters"] == ["03-courrier-refused.html", "03-courrier-refused.pdf"]


def test_a_client_number_verifies_only_with_a_contact_on_file(coded):
    """A client number plus a contact on file."""
    stranger = opened(coded, person="P1", contact="someone@example.net")
    with pytest.raises(Refused, match="not one on file"):
        identity.verify(desk(coded), stranger["id"], "client-number", client_number="CL-0042")
    owner = opened(coded, person="P1", contact="ANA@example.org")
    with pytest.raises(Refused, match="does not match"):
        identity.verify(desk(coded), owner["id"], "client-number", client_number="CL-0043")
    done = identity.verify(desk(coded), owner["id"], "client-number", client_number="CL-0042")
    assert done["status"] == "verified"
    steps = [s["step"] for s in rights.show(desk(coded), owner["id"])["timeline"]]
    assert steps == ["opened", "client_number_refused", "verified"]


def test_requests_whose_identity_delay_ran_out_are_closed_by_the_nightly_job_and_no_others(app):
    """No answer within the policy's delay: closed as not identifiable, with a notice."""
    import asyncio
    from datetime import time

    from charte.entrypoints.web.daily_sweep import DailySweep

    expired = opened(app, received_on=d("2026-09-01"))
    rights.ask_identity(desk(app), expired["id"], d("2026-09-02"))  # answer due by 2 November
    waiting = opened(app, received_on=d("2026-11-01"))
    rights.ask_identity(desk(app), waiting["id"], d("2026-11-02"))  # until 2 January
    running = opened(app, received_on=d("2026-08-01"))  # never asked: its own (late) clock runs
    summary = asyncio.run(DailySweep(app, time(2, 0)).run_once())
    assert summary["requests_closed"] == 1
    statuses = {r["id"]: r["status"] for r in rights.listing(desk(app))}
    assert statuses == {
        expired["id"]: "closed",
        waiting["id"]: "awaiting_identity",
        running["id"]: "received",
    }
    assert "close" in mail(app)[-1]["text"]
    assert rights.close_expired(desk(app)) == []


def test_a_request_shows_the_same_person_s_identical_requests_of_the_last_twelve_months(app):
    """GDPR Art. 12(5): repeated identical requests may be excessive; the handler sees them, and a
    refusal states its reasons with the CNIL complaint and the judicial remedy."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    old = opened(app, person="P1", received_on=d("2025-10-01"))  # more than a year before
    first = opened(app, person="P1", received_on=d("2026-06-01"))
    opened(app, person="P1", type_="erasure", received_on=d("2026-07-01"))  # another type
    again = opened(app, person="P1", received_on=d("2026-11-20"))
    assert rights.show(desk(app), again["id"])["earlier_same_type"] == [first["id"]]
    assert old["id"] not in rights.show(desk(app), again["id"])["earlier_same_type"]
    refused = rights.refuse(desk(app), again["id"], "the same access request was answered in full on 1 July")
    assert refused["status"] == "refused"
    text = mail(app)[-1]["text"]
    assert "answered in full on 1 July" in text
    assert "CNIL" in text
    assert "recours juridictionnel" in text
