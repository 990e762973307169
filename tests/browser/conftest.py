"""Real headless Chromium (Debian's `chromium`) driven by Playwright, against charte served by a
real uvicorn on loopback. Skipped, with the reason, where either is missing; `.ci/run` installs
Chromium. axe-core (vendored from npm by scripts/vendor.py) is injected into each page checked.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from charte.entrypoints.web import app as web

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Screenshots are written only on request (the docs' pictures: CHARTE_SCREENSHOTS=docs/screenshots),
# so that a test run leaves the working tree as it found it.
SHOTS = os.environ.get("CHARTE_SCREENSHOTS")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an event loop running in the main thread while
    it is started, which would break the asyncio.run() of tests collected after these."""
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is missing")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@contextmanager
def serving(container) -> Iterator[str]:
    """charte's web app for ``container``, on a free loopback port, in this process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web.create_app(container), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def served(app) -> Iterator[str]:
    with serving(app) as base:
        yield base


@pytest.fixture
def served_coded(coded) -> Iterator[str]:
    """The same, on the policy fixture that allows one-time codes (tests.conftest.coded)."""
    with serving(coded) as base:
        yield base


def new_page(browser):
    """A fresh browser context (its own cookies) and page, which records console errors, script
    errors and sub-resources that failed to load in ``page.console_errors``."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1200, "height": 900}, accept_downloads=True
    )
    opened = context.new_page()
    errors: list[str] = []

    def console(message) -> None:
        # A CSP violation or a script error shows in the console: the tests fail on any. A page
        # answered 4xx on purpose (a refused alarm screen) is checked by the test, not here.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(answer) -> None:  # a stylesheet, script or icon that fails to load
        if answer.request.resource_type != "document" and answer.status >= 400:
            errors.append(f"{answer.status} {answer.url}")

    opened.on("console", console)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.on("response", response)
    opened.console_errors = errors
    return opened


@pytest.fixture
def page(browser):
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.fixture
def second_page(browser):
    """Another visitor, with cookies of their own (the DPO beside the data subject)."""
    opened = new_page(browser)
    yield opened
    opened.context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations of the page at the given impacts (WCAG 2.1 A and AA rules)."""
    # Evaluated over the DevTools protocol, not as a <script> tag: the page's CSP (no inline
    # script) stays in force for everything the page itself does.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
