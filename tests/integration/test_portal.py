"""The data subjects' portal, through its service and over HTTP, on both engines."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from charte.adapters.db import tables
from charte.adapters.db.audit_store import AuditFilter
from charte.entrypoints.web import app as web
from charte.entrypoints.web import portal_pages
from charte.services import answers, identity, portal, rights
from charte.services.errors import NotFound, Refused
from tests.conftest import TODAY, run_import
from tests.feed import person, signed

PDF = b"%PDF-1.4\n%%EOF\n"


def csrf(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


def test_a_request_filed_on_the_portal_starts_its_clock_known_requester_or_not(app):
    """GDPR Art. 12(3): recorded with channel web, due a month later, unmatched."""
    secret, shown = portal.file_request(app.portal_desk(), type_="access", claimed_name="Inconnu Total",
                                        contact="nobody@example.org", details="contrat C9")  # fmt: skip
    assert shown["received_on"] == TODAY.isoformat()
    assert shown["due_on"] == "2026-12-28"  # 26 December + 1 month, a Saturday, rolled to Monday
    stored = rights.show(app.rights_desk("dpo-1", "dpo"), shown["id"])
    assert (stored["channel"], stored["person"]) == ("web", None)
    with app.engine.connect() as conn:
        kept = conn.execute(select(tables.portal_tickets)).one()
    assert kept.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(kept)
    assert kept.details == "contrat C9"


def test_bad_input_is_refused_naming_the_field_and_nothing_is_recorded(app):
    """Brief: every bad input gets a clear message naming the field; nothing half-written."""
    pd = app.portal_desk()
    with pytest.raises(Refused, match="type: one of access, rectification"):
        portal.file_request(pd, type_="gossip", claimed_name="A", contact="a@example.org")
    with pytest.raises(Refused, match="name: required"):
        portal.file_request(pd, type_="access", claimed_name=" ", contact="a@example.org")
    with pytest.raises(Refused, match="details: at most 4000"):
        portal.file_request(pd, type_="access", claimed_name="A", contact="a@b.fr", details="x" * 4001)
    with pytest.raises(Refused, match="purpose: choose the use you object to"):
        portal.file_request(pd, type_="opposition", claimed_name="A", contact="a@b.fr")
    with pytest.raises(Refused, match="field and new_value"):
        portal.file_request(pd, type_="rectification", claimed_name="A", contact="a@b.fr")
    assert rights.listing(app.rights_desk("dpo-1", "dpo")) == []


def test_the_follow_up_number_alone_opens_a_request_and_an_unknown_one_is_not_found(app):
    """Follow the status; the secret is the only key."""
    pd = app.portal_desk()
    secret, _ = portal.file_request(pd, type_="erasure", claimed_name="Ana", contact="ana@example.org")
    assert portal.status(pd, secret)["status"] == "received"
    with pytest.raises(NotFound):
        portal.status(pd, secret[:-1] + ("A" if secret[-1] != "A" else "B"))


def test_an_uploaded_document_answers_a_request_for_information_and_restarts_the_clock(app):
    """GDPR Art. 12(6): the document is the answer the DPO asked for."""
    pd = app.portal_desk()
    secret, shown = portal.file_request(pd, type_="access", claimed_name="Ana", contact="ana@example.org")
    rights.ask_identity(app.rights_desk("dpo-1", "dpo"), shown["id"], TODAY)
    assert portal.status(pd, secret)["due_on"] is None  # paused
    after = portal.attach_document(pd, secret, PDF)
    assert (after["status"], after["document_received"], after["due_on"]) == ("received", True, "2026-12-28")
    with pytest.raises(Refused, match="PDF, JPEG or PNG"):
        portal.attach_document(pd, secret, b"GIF89a")


def test_a_code_is_sent_only_to_a_contact_on_file_and_the_visitor_cannot_tell(coded):
    """A one-time code where the policy allows it; no enumeration of the register."""
    pd = coded.portal_desk()
    known, known_shown = portal.file_request(
        pd, type_="access", claimed_name="Ana", contact="ANA@example.org"
    )
    stranger, _ = portal.file_request(pd, type_="access", claimed_name="X", contact="x@example.org")
    assert known_shown.keys() == portal.status(pd, stranger).keys()
    assert portal.send_code(pd, known) == portal.send_code(pd, stranger) == portal.CODE_SENT
    (message,) = coded.notifier.sent()
    assert message["to"] == "ana@example.org"  # the contact on file, matched case-blind
    with pytest.raises(Refused, match="the code does not match"):
        portal.verify_code(pd, stranger, "123456")
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    assert portal.verify_code(pd, known, code)["verified"] is True


def test_the_answer_is_downloaded_through_a_signed_link_that_expires_and_each_download_is_audited(app):
    """An expiring link bound to the request; downloads audited."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    pd = app.portal_desk()
    secret, shown = portal.file_request(pd, type_="access", claimed_name="Roux", contact="r@example.org")
    portal.attach_document(pd, secret, PDF)
    dpo = app.rights_desk("dpo-1", "dpo")
    rights.match(dpo, shown["id"], "P1")
    identity.verify(dpo, shown["id"], "document")
    answers.fulfil(dpo, shown["id"])
    expires, signature = portal.answer_link(pd, secret)
    assert portal.answer_file(pd, secret, expires, signature).suffix == ".zip"
    other, _ = portal.file_request(pd, type_="access", claimed_name="Z", contact="z@example.org")
    with pytest.raises(NotFound):
        portal.answer_link(pd, other)  # not answered: no link
    with pytest.raises(Refused, match="not valid for this request"):
        portal.answer_file(pd, other, expires, signature)  # bound to its request
    with pytest.raises(Refused, match="not valid"):
        portal.answer_file(pd, secret, expires + 3600, signature)  # the expiry is signed too
    app.clock.shift = portal.LINK_LIFETIME + timedelta(seconds=1)
    with pytest.raises(Refused, match="has expired"):
        portal.answer_file(pd, secret, expires, signature)
    steps = [s["step"] for s in rights.show(dpo, shown["id"])["timeline"]]
    assert steps.count("answer_downloaded") == 0  # downloads are audit entries, not steps
    audit = app.audit_store().search(AuditFilter(actor="portal"))
    assert [e["detail"]["step"] for e in audit].count("answer_downloaded") == 1


def test_a_matched_request_cannot_move_to_another_person_once_identity_was_verified(app):
    """The DPO matches a portal request; the identity check was of that person."""
    run_import(
        app,
        [
            signed("e1", "2025-01-01", "C1", person("P1")),
            signed("e2", "2025-01-01", "C2", person("P2"), site="S2"),
        ],
    )
    dpo = app.rights_desk("dpo-1", "dpo")
    pd = app.portal_desk()
    secret, shown = portal.file_request(pd, type_="access", claimed_name="A", contact="a@example.org")
    with pytest.raises(NotFound):
        rights.match(dpo, shown["id"], "P404")
    assert rights.match(dpo, shown["id"], "P1")["person"] == "P1"
    portal.attach_document(pd, secret, PDF)
    identity.verify(dpo, shown["id"], "document")
    with pytest.raises(Refused, match="verified against another person"):
        rights.match(dpo, shown["id"], "P2")


def test_the_portal_pages_say_the_rights_the_deadline_and_the_cnil_route_in_both_languages(app):
    """Clear texts explaining each right, the deadline and the CNIL complaint route."""
    with TestClient(web.create_app(app)) as http:
        fr = html.unescape(http.get("/portal").text)
        en = html.unescape(http.get("/portal?lang=en").text)
    for right in ("Droit d'accès", "Droit à l'effacement", "Droit d'opposition", "Droit à la portabilité"):
        assert right in fr
    assert "dans un délai de 1 mois" in fr
    assert "www.cnil.fr/fr/plaintes" in fr
    assert "Right of access" in en
    assert "within 1 month" in en
    assert '<html lang="en">' in en


def test_portal_posts_need_the_anti_forgery_token_and_are_rate_limited(app):
    """CSRF on every form; a burst from one address is refused with 429."""
    limiter = portal_pages.RateLimit(limit=2, window=600)
    with TestClient(web.create_app(app, portal_limit=limiter)) as http:
        token = csrf(http.get("/portal", params={"type": "access"}).text)
        form = {"type": "access", "name": "A", "contact": "a@example.org"}
        assert http.post("/portal/demande", data=form | {"csrf": "forged"}).status_code == 403
        statuses = [http.post("/portal/demande", data=form | {"csrf": token}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = http.post("/portal/demande", data=form | {"csrf": token})
        assert int(refused.headers["retry-after"]) > 0
        assert "Trop de demandes depuis cette adresse : réessayez dans" in refused.text
    assert len(rights.listing(app.rights_desk("dpo-1", "dpo"))) == 2  # the refused posts recorded nothing


def test_a_portal_form_missing_a_field_gets_a_page_naming_it(app):
    """Brief: every bad input gets a clear message naming the field; a page, not JSON."""
    with TestClient(web.create_app(app)) as http:
        token = csrf(http.get("/portal", params={"type": "access"}).text)
        missing = http.post("/portal/demande", data={"csrf": token, "type": "access", "name": "A"})
        assert missing.status_code == 422
        assert missing.headers["content-type"].startswith("text/html")
        assert "Indiquez une adresse e-mail ou un numéro de téléphone où vous répondre." in missing.text
        api = http.post("/api/v1/alarms", json={}, headers={"Authorization": "Bearer x"})
        assert "json" in api.headers["content-type"]  # the API answers JSON, as its contract says
