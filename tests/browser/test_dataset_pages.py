"""The console's datasets page in Chromium: the DPO sees who built what, what it achieves and when
it expires, and revokes a build — its files and key destroyed at once (docs/datasets.md)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from charte.services import datasets, sessions
from charte.services.access import Reader
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_portal import PASSWORD, log_in
from tests.conftest import run_import, token
from tests.integration.test_datasets import clients

pytestmark = pytest.mark.browser


def test_the_dpo_reads_each_build_s_data_sheet_and_revokes_one_whose_files_are_then_gone(app, served, page):
    """Art. 5(2): who built which dataset, with which guarantee, until when — and the DPO's
    revocation destroys the files and the pseudonyms' key at once."""
    run_import(app, clients(80))
    analyst = Reader("analyste-1", "recording_analyst", "service_improvement")
    desk = app.dataset_desk()
    kept = datasets.build(desk, analyst, "client_base")
    datasets.build(desk, analyst, "offers_by_region")
    token(app, "dpo-1", role="dpo")
    sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name="dpo-1",
                          password=PASSWORD, by="admin")  # fmt: skip
    log_in(page, served)
    page.get_by_role("link", name="Jeux de données").click()
    expect(page.get_by_role("heading", name="Jeux de données d'analyse")).to_be_visible()
    builds = page.get_by_role("table").nth(1)
    row = builds.get_by_role("row", name=re.compile("Base clients pour l'analyse des offres"))
    expect(row).to_contain_text(f"k = {kept.sheet['privacy']['k_achieved']}, l = 2")
    expect(row).to_contain_text("analyste-1")
    expect(row).to_contain_text("disponible")
    for summary in page.get_by_text("Fiche de données").all():
        summary.click()
    expect(page.get_by_text(re.compile("80 candidats ; écartés : 0 opposition"))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "datasets")
    page.get_by_role("button", name="Révoquer Base clients pour l'analyse des offres n° 1").click()
    expect(builds.get_by_role("row", name=re.compile("Base clients")).first).to_contain_text("révoqué le")
    home = app.settings.home
    assert not (home / "datasets" / "client_base" / "1").exists()
    assert not (home / "keys" / "datasets" / "client_base-1.key").exists()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Analysis datasets")).to_be_visible()
    expect(page.get_by_text(re.compile("revoked on"))).to_be_visible()
    assert page.console_errors == []
