"""The breach register in the console, in real Chromium: record, scope, assess, decide, notify."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from charte.services import queries
from charte.services.access import Reader
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_portal import dpo_account, log_in
from tests.conftest import run_import
from tests.feed import person, signed

pytestmark = pytest.mark.browser


def test_the_dpo_records_a_breach_scopes_it_from_the_audit_and_sees_the_clock(app, served, page):
    """GDPR Art. 33: the register, the 72 hours (red under 12), who was affected, the decisions."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1", first_name="Ana", email="ana@example.org")),
                     signed("e2", "2025-01-01", "C2", person("P2", first_name="Bea"), site="S2")])  # fmt: skip
    for ref in ("P1", "P2"):
        queries.show_person(queries=app.register_queries(), gate=app.gate, auditor=app.auditor,
                            reader=Reader("crm-bot", "customer_service", "contract_management"), ref=ref)  # fmt: skip
    dpo_account(app)
    log_in(page, served)
    page.get_by_role("link", name="Violations").click()
    expect(page.get_by_role("heading", name="Registre des violations de données")).to_be_visible()
    page.get_by_label("Intitulé (sans donnée personnelle)").fill("Jeton du CRM publié par erreur")
    # The prudent target is then the 26th at 22:30; now is the 26th at noon: 10.5 hours left.
    page.get_by_label("Découverte le (heure de Paris)").fill("2026-11-23T22:30")
    page.get_by_label("Découverte par").fill("équipe sécurité")
    page.get_by_label("Ce qui s'est passé").fill(
        "Un jeton d'accès de l'export CRM a été publié sur un dépôt."
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name=re.compile("^Violation 1"))).to_be_visible()
    expect(page.get_by_text("Heures restantes : 10,5 h")).to_be_visible()
    page.get_by_label("Nom (compte, destinataire ou système)").fill("crm-bot")
    page.get_by_label("Du (heure de Paris)").fill("2026-11-01T00:00")
    page.get_by_label("Au, exclu (heure de Paris)").fill("2026-11-27T00:00")
    page.get_by_role("button", name="Calculer le périmètre").click()
    expect(
        page.get_by_text("2 personne(s) du registre, 0 effacée(s) depuis, 0 autre(s) sujet(s)")
    ).to_be_visible()
    expect(page.get_by_text("Le journal d'audit est vérifié sur la période.")).to_be_visible()
    page.get_by_text("Compléter les faits").click()
    page.get_by_label("Conséquences probables").fill("Des courriels d'hameçonnage sont possibles.")
    page.locator("form[action$='/amend']").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Des courriels d'hameçonnage sont possibles.")).to_be_visible()
    page.get_by_role("button", name="Évaluer").click()
    expect(page.get_by_text("Risque : risque")).to_be_visible()  # names and e-mails: no severe category
    assert axe_violations(page) == []
    screenshot(page, "breach")
    page.get_by_role("link", name="Voir les personnes").click()
    expect(page.get_by_role("link", name="P1")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{served}/console")
    urgent = page.get_by_role("row", name=re.compile("Violation 1"))
    expect(urgent).to_have_class("overdue")  # under 12 hours: red
    assert axe_violations(page) == []
    page.goto(f"{served}/console/breaches")
    screenshot(page, "breaches")
    page.goto(f"{served}/console/breaches/1?lang=en")
    expect(page.get_by_text("Hours left: 10.5 h")).to_be_visible()
    assert page.console_errors == []
