"""The console's pages over HTTP: sessions, CSRF, roles, errors as pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from charte.adapters.db.audit_store import AuditFilter
from charte.entrypoints.web import app as web
from charte.services import holds, portal, retention, sessions
from tests.conftest import run_import, token
from tests.feed import person, signed

PASSWORD = "Console-2026-secret!"  # noqa: S105  # a test account's


def account(app, name: str, role: str) -> None:
    token(app, name, role=role)
    sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name=name,
                          password=PASSWORD, by="admin")  # fmt: skip


def signed_in(app, name: str) -> TestClient:
    http = TestClient(web.create_app(app), base_url="https://testserver", follow_redirects=False)
    page = http.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert http.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf}).status_code == 303
    return http


def csrf_of(http) -> str:
    return http.cookies["charte_csrf"]


@pytest.fixture
def filed(app):
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    secret, shown = portal.file_request(app.portal_desk(), type_="access", claimed_name="Roux",
                                        contact="r@example.org")  # fmt: skip
    portal.attach_document(app.portal_desk(), secret, b"%PDF-1.4 card")
    return shown["id"]


def test_console_pages_without_a_session_lead_to_the_login_page(app, filed):
    """No session, no page; a page, not JSON."""
    with TestClient(web.create_app(app), follow_redirects=False) as http:
        for path in ("/console", f"/console/requests/{filed}", "/console/alarms"):
            answer = http.get(path)
            assert (answer.status_code, answer.headers["location"]) == (303, "/login"), path


def test_the_dpo_checks_the_document_and_each_look_is_on_the_timeline_and_in_the_audit(app, filed):
    """Checking an uploaded identity document; charter « traçabilité »."""
    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        page = http.get(f"/console/requests/{filed}")
        assert page.status_code == 200
        assert "Voir la pièce d'identité déposée" in page.text.replace("&#39;", "'")
        document = http.get(f"/console/requests/{filed}/document")
        assert (document.status_code, document.headers["content-type"]) == (200, "application/pdf")
        assert document.content == b"%PDF-1.4 card"
        assert "Pièce d&#39;identité consultée (dpo-1)" in http.get(f"/console/requests/{filed}").text
        forged = http.post(f"/console/requests/{filed}/match", data={"person": "P1", "csrf": "forged"})
        assert forged.status_code == 403
        matched = http.post(f"/console/requests/{filed}/match", data={"person": "P1", "csrf": csrf_of(http)})
        assert matched.status_code == 303
        missing = http.post(
            f"/console/requests/{filed}/match", data={"person": "P404", "csrf": csrf_of(http)}
        )
        assert missing.status_code == 404
        assert "Personne introuvable : P404" in missing.text  # in words, on a French page
        assert missing.headers["content-type"].startswith("text/html")


def test_a_role_that_does_not_handle_requests_is_refused_their_pages(app, filed):
    """The policy's rights.submit_to: an operator reads no rights request."""
    account(app, "op-1", "station_operator")
    with signed_in(app, "op-1") as http:
        refused = http.get(f"/console/requests/{filed}")
        assert refused.status_code == 403
        assert "rights.submit_to" in refused.text
        assert "votre rôle ne traite pas les demandes d&#39;exercice des droits" in refused.text
        assert "Roux" not in refused.text
        assert http.get(f"/console/requests/{filed}/document").status_code == 403
        board = http.get("/console", follow_redirects=True)  # the station's home is its alarm list
        assert str(board.url).endswith("/console/alarms")
        assert "Demandes d&#39;exercice" not in board.text
        assert 'href="/console/alarms"' in board.text


def test_the_alarm_screen_is_for_roles_that_handle_alarms(app):
    """The station's screen; the DPO has no alarm purpose."""
    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        assert http.get("/console/alarms").status_code == 403


def test_the_person_page_shows_exactly_what_the_gate_allows_for_the_purpose_chosen(app):
    """A purpose selector; GDPR Art. 5(1)(b)-(c): what is shown depends on the purpose."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux", email="r@example.org",
                                                            iban="FR7630006000011234567890189"))])  # fmt: skip
    account(app, "cs-1", "customer_service")
    account(app, "pr-1", "prescriber")
    with signed_in(app, "cs-1") as http:
        page = http.get("/console/persons", params={"ref": "P1", "purpose": "contract_management"})
        assert page.status_code == 200
        assert "r@example.org" in page.text
        assert "FR7630006000011234567890189" in page.text  # customer service manages payment
        assert '<option value="contract_management" selected>' in page.text
        assert "prospecting" not in page.text  # only the role's own purposes are offered
    with signed_in(app, "pr-1") as http:
        page = http.get("/console/persons", params={"ref": "P1", "purpose": "subscription_reporting"})
        assert "Roux" not in page.text
        assert "r@example.org" not in page.text
        assert "Essentiel" in page.text  # the offer: what the prescriber gets
    reads = app.audit_store().search(AuditFilter(subject=app.auditor.subject("person", "P1")))
    assert [(e["actor"], e["purpose"]) for e in reads if e["action"] == "read"] == [
        ("cs-1", "contract_management"),
        ("pr-1", "subscription_reporting"),
    ]


def test_holds_are_placed_and_lifted_by_legal_with_a_reason_and_only_listed_for_the_dpo(app):
    """Holds place/lift with a reason, by legal; charter: recordings kept in litigation."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1"))])
    account(app, "legal-1", "legal")
    account(app, "dpo-1", "dpo")
    with signed_in(app, "legal-1") as http:
        placed = http.post("/console/holds/place", data={"csrf": csrf_of(http), "case": "RG-24/001", "kind": "civil",
                                                         "persons": "P1", "reason": "assignation reçue"})  # fmt: skip
        assert placed.status_code == 303
        assert "RG-24/001" in http.get("/console/holds").text
        no_reason = http.post(
            "/console/holds/lift", data={"csrf": csrf_of(http), "case": "RG-24/001", "reason": " "}
        )
        assert no_reason.status_code == 422
        lifted = http.post(
            "/console/holds/lift", data={"csrf": csrf_of(http), "case": "RG-24/001", "reason": "transaction"}
        )
        assert lifted.status_code == 303
    with signed_in(app, "dpo-1") as http:
        page = http.get("/console/holds")
        assert "RG-24/001" in page.text
        assert "Placer un gel" not in page.text
        refused = http.post("/console/holds/place", data={"csrf": csrf_of(http), "case": "X", "kind": "civil",
                                                          "persons": "P1", "reason": "r"})  # fmt: skip
        assert refused.status_code == 403


def test_a_hold_on_a_ref_not_yet_in_the_register_says_so_and_applies_when_it_arrives(app):
    """Litigation may precede the CRM's feed: the hold is kept by its ref, the page says it will
    apply, and the person's units are held the moment they are imported."""
    account(app, "legal-1", "legal")
    with signed_in(app, "legal-1") as http:
        placed = http.post("/console/holds/place", data={"csrf": csrf_of(http), "case": "RG-26/9", "kind": "civil",
                                                         "persons": "P9", "reason": "plainte reçue"}, follow_redirects=True)  # fmt: skip
        assert (
            "Gel RG-26/9 placé. 1 référence(s) ne sont pas encore dans le registre : le gel s&#39;appliquera dès leur arrivée."
            in placed.text
        )
        assert "P9" not in str(placed.url)  # the URL carries a count, never a ref
    run_import(app, [signed("e1", "2025-01-01", "C9", person("P9"))])
    (unit,) = list(retention.schedule(queries=app.retention_queries(), gate=app.gate, auditor=app.auditor,
                                      actor="legal-1", role="legal", criteria=retention.ScheduleFilter(person="P9")))  # fmt: skip
    assert unit.held_by == ("RG-26/9",)  # kept by the case from its first day in the register


def test_a_judgment_is_recorded_from_the_console_and_the_person_page_shows_what_is_kept_until_when(app):
    """The legal team records a judgment without the command line; the person page shows the
    restriction and its ground, the retention units with their dates and the holds keeping them."""
    from tests.conftest import restrict

    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    restrict(app, "P1", ground="legal_claims")
    account(app, "legal-1", "legal")
    with signed_in(app, "legal-1") as http:
        http.post("/console/holds/place", data={"csrf": csrf_of(http), "case": "RG-24/7", "kind": "civil",
                                                "persons": "P1", "reason": "assignation"})  # fmt: skip
        judged = http.post("/console/holds/judgment", follow_redirects=True, data={
            "csrf": csrf_of(http), "case": "RG-24/7", "pronounced": "2026-11-02", "recourse": "appeal",
            "served": "2026-11-10", "residence": "overseas", "court_seat": "metropolitan", "reason": "jugement TJ"})  # fmt: skip
        assert "Jugement enregistré pour le dossier RG-24/7" in judged.text
        assert "Juridiction civile" in judged.text  # the court in words
        empty_served = http.post("/console/holds/judgment", data={
            "csrf": csrf_of(http), "case": "RG-24/7", "pronounced": "2026-11-03", "recourse": "none", "served": "",
            "reason": "arrêt"})  # fmt: skip
        assert empty_served.status_code == 303
        page = http.get("/console/persons", params={"ref": "P1", "purpose": "dispute_evidence"})
        assert "Données limitées (art. 18 RGPD) depuis le 26/11/2026." in page.text
        assert "vous en avez besoin pour un droit en justice" in page.text
        assert '<td data-label="Gels">RG-24/7</td>' in page.text
        assert '<td data-label="État">en cours</td>' in page.text  # the state in words
    (case,) = holds.list_cases(holds=app.holds(), litigation=app.policy.litigation, gate=app.gate,
                               auditor=app.auditor, actor="legal-1", role="legal")  # fmt: skip
    # The last judgment admits no recourse: the hold releases at once (the release date follows
    # from the policy's recourse table, as with `charte holds judgment`).
    assert (case["release"], case["why"]) == (
        "2026-11-03",
        "no recourse open against the last judgment: released at once",
    )


def test_audit_search_and_the_outbox_are_for_roles_with_archive_access_and_searching_is_audited(app):
    """Audit search, the outbox; charter « traçabilité »: even a search leaves a trace."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1"))])
    account(app, "dpo-1", "dpo")
    account(app, "cs-1", "customer_service")
    with signed_in(app, "cs-1") as http:
        http.get("/console/persons", params={"ref": "P1", "purpose": "contract_management"})
        assert http.get("/console/audit").status_code == 403
        assert http.get("/console/outbox").status_code == 403
    with signed_in(app, "dpo-1") as http:
        found = http.get("/console/audit", params={"person": "P1"})
        assert found.status_code == 200
        assert "cs-1 (Service clients)" in found.text  # the role in words
        assert http.get("/console/outbox").status_code == 200
    searches = [
        e for e in app.audit_store().search(AuditFilter(actor="dpo-1")) if e["detail"].get("of") == "audit"
    ]
    assert [(e["action"], e["decision"]) for e in searches] == [("list", "allowed")]


def test_the_dashboard_verifies_the_audit_chain_on_request_and_says_where_it_broke(app):
    """Audit-chain status; a tampered entry is found and named."""
    from sqlalchemy import text

    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        sound = http.post("/console/audit/verify", data={"csrf": csrf_of(http)})
        assert sound.status_code == 200
        assert "Chaîne vérifiée" in sound.text
        with app.audit_engine.begin() as conn:  # a tamperer with database access
            if app.audit_engine.dialect.name == "postgresql":
                conn.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
            else:
                conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(
                text("UPDATE audit_entries SET body = replace(body, 'allowed', 'denied') WHERE seq = 1")
            )
        broken = http.post("/console/audit/verify", data={"csrf": csrf_of(http)})
        assert "Chaîne ROMPUE : mois 2026-11, entrée 1" in broken.text
    account(app, "cs-1", "customer_service")
    with signed_in(app, "cs-1") as http:
        assert http.post("/console/audit/verify", data={"csrf": csrf_of(http)}).status_code == 403


def test_a_withdrawal_of_consent_shows_on_the_dashboard_and_its_page_under_its_own_name(app):
    """GDPR Art. 7(3): a request type the policy never grants (it is always open) still has its
    page and its line on the dashboard — named, not an error."""
    import dataclasses

    from charte.domain.vocabulary import LegalBasis
    from charte.services import rights

    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))])
    on_consent = dataclasses.replace(app.policy.purposes["prospecting"], legal_basis=LegalBasis.CONSENT)
    policy = dataclasses.replace(app.policy, purposes={**app.policy.purposes, "prospecting": on_consent})
    d = app.rights_desk("dpo-1", "dpo")
    d = dataclasses.replace(d, clerk=dataclasses.replace(d.clerk, policy=policy))
    opened = rights.open_request(d, type_="consent_withdrawal", received_on=app.clock.today(), channel="email",
                                 claimed_name="Roux", contact="r@example.org", purpose="prospecting")  # fmt: skip
    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        page = http.get(f"/console/requests/{opened['id']}")
        assert page.status_code == 200
        assert "Retrait du consentement" in page.text
        board = http.get("/console")
        assert board.status_code == 200
        assert "Retrait du consentement" in board.text


def test_a_refused_action_says_why_in_french_on_a_page_that_keeps_the_header_and_in_english_once_switched(
    app, filed
):
    """Every console page in French with its English switch: a refusal names the form's field, not a CLI option."""
    account(app, "dpo-1", "dpo")
    with signed_in(app, "dpo-1") as http:
        refused = http.post(f"/console/requests/{filed}/refuse", data={"csrf": csrf_of(http), "reason": " "})
        text = refused.text.replace("&#39;", "'").replace("&#34;", '"')
        assert refused.status_code == 422
        assert "Un refus se motive : indiquez le motif, il est envoyé au demandeur." in text
        assert "--reason" not in text
        assert "Se déconnecter" in text  # the header stays
        http.get("/console", params={"lang": "en"})
        english = http.post(f"/console/requests/{filed}/refuse", data={"csrf": csrf_of(http), "reason": " "})
        assert "a refusal needs its reason" in english.text
        http.get("/console", params={"lang": "fr"})
        stale = http.post(f"/console/requests/{filed}/refuse", data={"csrf": "forged", "reason": "x"})
        assert "Le formulaire a expiré : rechargez la page puis recommencez." in stale.text.replace(
            "&#39;", "'"
        )
