"""Every console page passes axe-core and the CSP in Chromium (accessible, no inline code)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_portal import PASSWORD, log_in
from tests.conftest import run_import, token
from tests.feed import designated, ended, person, signed

pytestmark = pytest.mark.browser


def test_the_dpo_s_pages_have_no_serious_accessibility_violation_and_no_console_error(app, served, page):
    """Labels, keyboard, contrast (axe-core WCAG 2.1 AA); the person page's purpose selector."""
    from charte.services import sessions

    imported = run_import(app, [
        signed("e1", "2019-01-01", "C1", person("P1", first_name="Ana", last_name="Durand", email="ana@example.org")),
        ended("e2", "2022-06-30", "C1"),
        designated("e3", "2025-01-01", "S1", person("T1", first_name="Luc")),
    ])  # fmt: skip
    assert imported.errors == []
    token(app, "dpo-1", role="dpo")
    sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name="dpo-1",
                          password=PASSWORD, by="admin")  # fmt: skip
    log_in(page, served)
    page.goto(f"{served}/console/persons")
    page.get_by_label("Nom, adresse e-mail, téléphone ou référence").fill("DURAND")
    page.get_by_label("Finalité").select_option("rights_handling")
    page.get_by_role("button", name="Rechercher").click()
    found = page.get_by_role("table", name="Personnes trouvées")
    expect(found.get_by_role("row", name=re.compile("P1"))).to_contain_text("Nom : Durand")
    assert "DURAND" not in page.url  # the name typed stays out of the URL (a POST)
    assert axe_violations(page) == []
    screenshot(page, "person-search")
    page.get_by_role("link", name="Consulter P1").click()
    assert page.get_by_text("ana@example.org").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "person")
    pages = {
        "dashboard": "/console",
        "holds": "/console/holds",
        "audit": "/console/audit?person=P1",
        "outbox": "/console/outbox",
        "register": "/register",
        "charter": "/charter",
    }
    for name, path in pages.items():
        page.goto(f"{served}{path}")
        assert axe_violations(page) == [], path
        if path.startswith("/console"):  # the public pages predate the console: no picture needed
            screenshot(page, name)
    page.goto(f"{served}/console")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("^Dashboard"))).to_be_visible()
    page.get_by_role("link", name="Persons").click()  # the choice is remembered on the next page
    expect(page.get_by_role("heading", name="Look up a person")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(page) == []
    page.keyboard.press("Tab")  # the skip link is the first stop, for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.console_errors == []
