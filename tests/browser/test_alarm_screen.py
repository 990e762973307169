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
    page.wait_for_url(f"{base}/console/alarms")  # the station lands on its alarms


def raise_one(app, kind: str, site: str = "S1", minute: int = 50) -> int:
    return alarms.raise_alarm(app.alarm_desk(), site=site, kind=kind, at=datetime(2026, 11, 26, 2, minute, tzinfo=UTC),
                              by="monitoring", system="monitoring")["id"]  # fmt: skip


def test_an_operator_handles_an_alarm_and_sees_trusted_persons_only_while_the_session_is_open(
    station, served, page
):
    """Land on the list (where, what, since when), take the alarm, call in order (no outcome chosen
    for the operator, numbers to dial), dispatch, close after confirming; then nothing is shown."""
    log_in(page, served, "op-1", PASSWORD)
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Intrusion")  # the kind in words, not « intrusion »
    expect(row).to_contain_text("1 rue des Lilas")  # where to send help, read and audited
    expect(row.locator("time[data-since]")).to_contain_text(" h ")  # waiting for hours on the test clock
    assert page.get_by_text("Léa").count() == 0  # the list shows sites, not people
    assert axe_violations(page) == []
    screenshot(page, "alarm-list")
    page.get_by_role("button", name=f"Prendre en charge l'alarme {station}").click()
    page.wait_for_url(f"{served}/console/alarms/{station}")
    order = page.locator("ol.call-order > li strong").all_inner_texts()
    assert order == ["Léa Petit", "Luc Martin"]  # rank 1 first
    assert page.get_by_text("Code portail 4321").count() == 1
    expect(page.get_by_role("link", name="0700000002")).to_have_attribute("href", "tel:0700000002")
    choice = page.get_by_label("Résultat de l'appel à Léa")
    assert choice.input_value() == ""  # no outcome chosen in advance: a click records nothing false
    page.locator("ol.call-order > li").first.get_by_role("button", name="Enregistrer l'appel").click()
    assert page.locator("table").get_by_text("Pas de réponse").count() == 0  # the browser asked for a choice
    choice.select_option("no_answer")
    page.locator("ol.call-order > li").first.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.locator("table").get_by_text("Pas de réponse")).to_have_count(1)
    page.get_by_label("Prestataire", exact=True).select_option("intervention_provider")
    page.get_by_role("button", name="Dépêcher").click()
    expect(page.get_by_text("Dépêché : Prestataires d'intervention sur alarme")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "alarm-screen")
    page.get_by_label("Issue de l'alarme").select_option("intervention")
    page.get_by_role("button", name="Clôturer la session").click()
    expect(page.get_by_role("heading", name=f"Clôturer l'alarme n° {station} ?")).to_be_visible()
    expect(page.get_by_text("Issue : Intervention sur site.")).to_be_visible()
    page.get_by_role("button", name="Confirmer la clôture").click()
    page.wait_for_url(f"{served}/console/alarms?closed={station}&outcome=intervention")
    expect(page.get_by_role("status")).to_contain_text(
        f"Alarme n° {station} clôturée : Intervention sur site."
    )
    again = page.goto(f"{served}/console/alarms/{station}")
    assert again.status == 403
    assert page.get_by_text("Léa").count() == 0
    assert page.get_by_text("Code portail").count() == 0
    assert page.console_errors == []


def test_the_list_shows_the_most_urgent_first_and_refreshing_it_keeps_the_operator_s_focus(
    station, served, page, app
):
    """A fire raised after an intrusion comes first; the list polls every 5 s without moving the
    operator's focus while nothing changes, and keeps it on the same button when it does."""
    log_in(page, served, "op-1", PASSWORD)
    take = page.get_by_role("button", name=f"Prendre en charge l'alarme {station}")
    take.focus()
    page.wait_for_timeout(6500)  # a poll answered 204: nothing swapped
    assert page.evaluate("document.activeElement.id") == f"take-{station}"
    fire = raise_one(app, "fire", minute=55)
    expect(page.locator("tbody tr").first).to_contain_text("Incendie", timeout=12000)
    assert page.locator("tbody tr").first.get_by_role("button").get_attribute("id") == f"take-{fire}"
    assert page.evaluate("document.activeElement.id") == f"take-{station}"  # still there after the swap
    assert page.console_errors == []


def test_an_operator_handles_an_alarm_with_the_keyboard_alone(station, served, page):
    """Take, record a call, dispatch and close without a mouse (Tab, arrows, Enter, Space)."""
    log_in(page, served, "op-1", PASSWORD)

    def tab_to(selector: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def submit(key: str = "Enter") -> None:
        with page.expect_navigation():
            page.keyboard.press(key)

    tab_to(f"#take-{station}")
    submit()
    assert page.url == f"{served}/console/alarms/{station}"
    tab_to("#outcome-1")
    page.keyboard.press("ArrowDown")  # « A répondu », the first outcome
    tab_to("ol.call-order > li:first-child button")
    submit()
    expect(page.locator("table").get_by_text("A répondu")).to_have_count(1)
    tab_to("#to")
    page.keyboard.press("ArrowDown")
    tab_to("form[action$='/dispatch'] button")
    submit("Space")
    expect(page.get_by_text("Dépêché :")).to_have_count(1)
    tab_to("#closing")
    page.keyboard.press("ArrowDown")
    tab_to("form[action$='/close'] button")
    submit()
    tab_to("#confirm-close")
    submit()
    expect(page.get_by_role("status")).to_contain_text(f"Alarme n° {station} clôturée")
    assert page.console_errors == []


def test_the_alarm_screen_is_usable_on_the_station_s_390_pixel_tablet(station, served, browser):
    """No sideways scrolling on a 390 px wide screen, the list and the session alike; axe clean."""
    from tests.browser.conftest import new_page

    page = new_page(browser)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        log_in(page, served, "op-1", PASSWORD)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Every caption and heading reads across the screen, not a letter a line.
        narrowest = "Math.min(...[...document.querySelectorAll('caption, h1, h2')].map(e => e.getBoundingClientRect().width))"
        assert page.evaluate(narrowest) > 300
        assert axe_violations(page) == []
        screenshot(page, "alarm-list-tablet")
        page.get_by_role("button", name=f"Prendre en charge l'alarme {station}").click()
        page.wait_for_url(f"{served}/console/alarms/{station}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate(narrowest) > 300
        assert axe_violations(page) == []
        screenshot(page, "alarm-screen-tablet")
        assert page.console_errors == []
    finally:
        page.context.close()
