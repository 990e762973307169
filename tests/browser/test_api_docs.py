"""The API's documentation page in real Chromium: served by charte itself, offline, under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_api_documentation_renders_from_charte_alone_under_its_csp(page, served):
    """docs/cli.md: /docs works without the internet (Swagger UI vendored from npm, checked by its
    integrity) and with no inline script; every request the page makes stays on charte's origin."""
    origins: set[str] = set()
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    answer = page.goto(f"{served}/docs")
    assert answer is not None
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("charte")
    expect(page.get_by_text("/api/v1/outbox/ack").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/persons/{ref}").first.click()
    expect(page.get_by_text("X-Charte-Purpose").first).to_be_visible()
    assert page.console_errors == []
    assert origins == {served.split("/")[2]}
    screenshot(page, "api-docs")
