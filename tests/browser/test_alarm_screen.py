"""The alarm screen in real Chromium: the operator sees trusted persons only while the session is
open, with no CSP error and no serious axe-core violation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from charte.services import alarms, sessions
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import run_import, token
from tests.feed import designated, person, signed

pytestmark = pytest.mark.browser
PASSWORD = "Station-nuit-2026!"  # noqa: S105  # a test account's


@pytest.fixture
def station(app):
    run_import(app, [
        signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", last_name="Durand", phone="0600000001"),
               access_instructions="Code portail 4321, clé chez le gardien"),
        designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc", last_name="Martin", phone="0700000001"), rank=2),
        designated("e3", "2025-02-03", "S1", person("T2", first_name="Léa", last_name="Petit", phone="0700000002"), rank=1),
    ])  # fmt: skip
    token(app, "op-1", role="station_operator")
    sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name="op-1",
                          password=PASSWORD, by="admin")  # fmt: skip
    return alarms.raise_alarm(
        app.alarm_desk(),
        site="S1",
        kind="intrusion",
        at=datetime(2026, 11, 26, 2, 47, tzinfo=UTC),
        by="monitoring",
        system="monitoring",
    )["id"]


def log_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/console")


def test_an_operator_handles_an_alarm_and_sees_trusted_persons_only_while_the_session_is_open(
    station, served, page
):
    """Take the alarm, call in order, dispatch, close; after closing, nothing is shown."""
    log_in(page, served, "op-1", PASSWORD)
    page.get_by_role("link", name="Alarmes", exact=True).click()
    assert page.get_by_text("Léa").count() == 0  # the list shows sites, not people
    assert axe_violations(page) == []
    screenshot(page, "alarm-list")
    page.get_by_role("button", name=f"Prendre en charge l'alarme {station}").click()
    page.wait_for_url(f"{served}/console/alarms/{station}")
    order = page.locator("ol.call-order > li strong").all_inner_texts()
    assert order == ["Léa Petit", "Luc Martin"]  # rank 1 first
    assert page.get_by_text("Code portail 4321").count() == 1
    page.get_by_label("Résultat de l'appel à Léa").select_option("no_answer")
    page.locator("ol.call-order > li").first.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.locator("table").get_by_text("Pas de réponse")).to_have_count(1)
    page.get_by_label("Prestataire", exact=True).select_option("intervention_provider")
    page.get_by_role("button", name="Dépêcher").click()
    expect(page.get_by_text("Dépêché : Prestataires d'intervention sur alarme")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "alarm-screen")
    page.get_by_label("Issue de l'alarme").select_option("intervention")
    page.get_by_role("button", name="Clôturer la session").click()
    page.wait_for_url(f"{served}/console/alarms")
    again = page.goto(f"{served}/console/alarms/{station}")
    assert again.status == 403
    assert page.get_by_text("Léa").count() == 0
    assert page.get_by_text("Code portail").count() == 0
    assert page.console_errors == []
