"""`charte serve`: the charter and the register as pages over real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import POLICIES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_serving(base: str, proc: subprocess.Popen, seconds: float = 30) -> None:  # type: ignore[type-arg]
    """Until `charte serve` at ``base`` answers its health check; fails with its stderr if it stops."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"charte serve did not start: {proc.communicate()[1]}")
        time.sleep(0.1)


def start(port: int, cwd, policy: str | None = None, *options: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHARTE_POLICY", "CHARTE_DATABASE_URL")}
    if policy:
        env["CHARTE_POLICY"] = policy
    return subprocess.Popen(
        [sys.executable, "-m", "charte", "serve", "--port", str(port), *options],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(server_dir) -> Iterator[str]:
    """`charte serve` in a working directory of its own, on a migrated SQLite register."""
    cwd = server_dir
    subprocess.run(
        [sys.executable, "-m", "charte", "db", "upgrade"], cwd=cwd, check=True, capture_output=True
    )
    port = free_port()
    proc = start(port, cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_serving(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_home_page_leads_to_the_charter_in_the_default_language(server):
    """The README's main command opens on the public charter (French first, as the policy lists)."""
    response = httpx.get(f"{server}/", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith("/charter?lang=fr")
    assert "<h1>Charte de protection des données</h1>" in response.text


def test_the_charter_is_served_in_english(server):
    response = httpx.get(f"{server}/charter", params={"lang": "en"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Who may access your personal data?" in response.text


def test_the_register_is_served_as_html_and_csv(server):
    """The Art. 30 record of processing activities, as a page and as a download."""
    page = httpx.get(f"{server}/register")
    assert page.status_code == 200
    assert "Registre des activités de traitement" in page.text
    download = httpx.get(f"{server}/register.csv", params={"lang": "en"})
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text.splitlines()[0].startswith("Processing activity,")


def test_an_unknown_language_is_a_client_error_naming_the_parameter(server):
    """Bad input gets a clear message naming the field (brief: errors)."""
    response = httpx.get(f"{server}/charter", params={"lang": "de"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "lang"]


def test_the_api_describes_the_policy_in_force_and_publishes_its_openapi(server):
    """/api/v1 is a contract: the policy summary and its OpenAPI schema."""
    summary = httpx.get(f"{server}/api/v1/policy").json()
    assert summary["id"] == "ima-protect"
    assert summary["charter_updated_on"] == "2024-03-28"
    assert "/api/v1/policy" in httpx.get(f"{server}/openapi.json").json()["paths"]


def add_actor(server_dir, name: str, *option: str) -> str:
    """A token made by `charte actors add`; a person's account is trained too (staff read through
    the API only with a current training: docs/accountability.md)."""
    added = subprocess.run([sys.executable, "-m", "charte", "actors", "add", name, *option, "--json"],
                           cwd=server_dir, check=True, capture_output=True, text=True)  # fmt: skip
    if option[0] == "--role":
        on = (datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)).isoformat()
        subprocess.run([sys.executable, "-m", "charte", "trainings", "record", name, "--course", "rgpd_fondamentaux",
                        "--on", on, "--as", "dpo"], cwd=server_dir, check=True, capture_output=True, text=True)  # fmt: skip
    return str(json.loads(added.stdout)["token"])


def test_events_posted_over_http_are_applied_and_readable(server, server_dir):
    """The integrator's path: POST /api/v1/events over a real socket, then read the person back,
    each with a token made by `charte actors add`."""
    event = {"id": "h1", "type": "prospect.collected", "at": "2025-01-10", "person": {"ref": "H1", "last_name": "Vidal"},
             "source": {"kind": "subject"}}  # fmt: skip
    feed = {"Authorization": f"Bearer {add_actor(server_dir, 'crm-feed', '--system', 'crm')}"}
    posted = httpx.post(f"{server}/api/v1/events", json=[event], headers=feed)
    assert (posted.status_code, posted.json()["applied"]) == (200, 1)
    sales = {"Authorization": f"Bearer {add_actor(server_dir, 'sales-1', '--role', 'sales')}",
             "X-Charte-Purpose": "prospecting"}  # fmt: skip
    assert httpx.get(f"{server}/api/v1/persons/H1", headers=sales).json()["fields"] == {"last_name": "Vidal"}


def test_personal_data_routes_answer_401_without_a_token_and_public_pages_stay_public(server):
    """Every /api/v1 route returning personal data needs a valid token; the published
    charter, the policy summary and the OpenAPI schema do not."""
    for path in ("/api/v1/persons", "/api/v1/persons/H1", "/api/v1/outbox"):
        bare = httpx.get(f"{server}{path}")
        assert (bare.status_code, bare.headers["www-authenticate"]) == (401, "Bearer")
        forged = httpx.get(f"{server}{path}", headers={"Authorization": "Bearer charte_forged"})
        assert forged.status_code == 401
    assert httpx.post(f"{server}/api/v1/events", json=[]).status_code == 401
    for path in ("/charter", "/api/v1/policy", "/openapi.json"):
        assert httpx.get(f"{server}{path}").status_code == 200


def test_serve_refuses_to_start_on_an_invalid_policy(tmp_path):
    """Nothing is served from a policy that does not validate: exit 1 with the located error."""
    proc = start(free_port(), tmp_path, policy=str(POLICIES / "bad" / "duration_not_iso.yaml"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "duration_not_iso.yaml:50: retention.client.period: not an ISO 8601 duration" in err


def test_serve_on_a_busy_port_exits_4_in_one_line_before_saying_it_serves(server, server_dir):
    """docs/cli.md: a second `charte serve` on the same port is told so, exit 4, never « serving »."""
    port = int(server.rsplit(":", 1)[1])
    proc = start(port, server_dir)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4
    assert err.strip().splitlines()[-1] == (
        f"error: cannot listen on http://127.0.0.1:{port}: the port is already in use (another charte serve?): "
        "stop it or give --port"
    )
    assert "serving" not in err
    assert "Traceback" not in err


def test_processes_started_with_reuse_port_share_one_port_and_one_goes_on_when_the_other_stops(tmp_path):
    """docs/cli.md, --reuse-port: several processes on one address; each alone is enough to answer."""
    port = free_port()
    first = start(port, tmp_path, None, "--reuse-port", "--no-sweep")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_serving(base, first)
        second = start(port, tmp_path, None, "--reuse-port", "--no-sweep")
        try:
            time.sleep(3)  # the second has bound the port by then, or has said why not
            assert second.poll() is None, second.communicate()[1]
            # New connections go to one process or the other: many in a row all answer.
            assert {httpx.get(f"{base}/healthz", timeout=5).status_code for _ in range(20)} == {200}
            first.terminate()
            first.wait(timeout=30)
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # the second alone
        finally:
            second.terminate()
            second.wait(timeout=30)
        alone = start(port, tmp_path, None, "--no-sweep")  # without --reuse-port, the port is its own
        try:
            wait_serving(base, alone)
            shared = start(port, tmp_path, None, "--reuse-port", "--no-sweep")
            _, err = shared.communicate(timeout=60)
            assert shared.returncode == 4
            assert "processes share a port only when each was started with --reuse-port" in err
        finally:
            alone.terminate()
            alone.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.terminate()
            first.wait(timeout=30)


def test_serve_prints_the_urls_of_its_host_and_port(tmp_path):
    """The printed URLs follow --host and --port (an IPv6 address in brackets)."""
    subprocess.run(
        [sys.executable, "-m", "charte", "db", "upgrade"], cwd=tmp_path, check=True, capture_output=True
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("CHARTE_POLICY", "CHARTE_DATABASE_URL")}
    proc = subprocess.Popen([sys.executable, "-m", "charte", "serve", "--host", "::1", "--port", str(port),
                             "--no-sweep"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stderr is not None
    try:
        lines = [proc.stderr.readline() for _ in range(2)]
        assert f"serving on http://[::1]:{port}" in lines[0]
        assert lines[1].strip() == (
            f"charte: console http://[::1]:{port}/login, portal http://[::1]:{port}/portal, API http://[::1]:{port}/docs"
        )
        wait_serving(f"http://[::1]:{port}", proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_public_charter_leads_first_to_the_portal_and_last_to_the_api_docs(server):
    """A data subject reading the charter is shown first where to exercise their rights; the API's
    documentation, for integrators, comes last."""
    import re

    for lang, portal, api in (("fr", "Exercer vos droits", "API (intégrateurs)"), ("en", "Exercise your rights",
                                                                                   "API (integrators)")):  # fmt: skip
        nav = (
            httpx.get(f"{server}/charter", params={"lang": lang}).text.split("<nav", 1)[1].split("</nav>")[0]
        )
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)
        assert links[0] == (f"/portal?lang={lang}", portal)
        assert links[-1] == ("/docs", api)
        assert httpx.get(f"{server}{links[0][0]}").status_code == 200
