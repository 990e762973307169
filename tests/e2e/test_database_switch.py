"""`charte serve` when its PostgreSQL node is lost and the other one takes over: the requests in
the switch get 503 with Retry-After (never a 500), and the same process then answers from the
other node without a restart, through libpq's multi-host URL (docs/deploy.md, two monitoring
centres). The node is a loopback forwarder cut as a machine is lost; the failover of a real
primary and standby under pg_auto_failover is the HA harness's."""

from __future__ import annotations

import json
import threading
import time

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.test_connection_loss import charte, pg  # noqa: F401 - the fixture
from tests.e2e.test_serve import free_port, wait_serving
from tests.tcp_forward import Forwarder

pytestmark = pytest.mark.postgres


def two_nodes(url: str, first: Forwarder) -> str:
    """``url`` naming the forwarder first and the server itself second, as a primary and its standby."""
    server = make_url(url)
    scheme, rest = url.split("://", 1)
    netloc, path = rest.split("/", 1)
    hosts = f"127.0.0.1:{first.port},{server.host}:{server.port or 5432}"
    sep = "&" if "?" in path else "?"
    return f"{scheme}://{netloc.rpartition('@')[0]}@{hosts}/{path}{sep}target_session_attrs=read-write"


def behind_a_node(tmp_path, database) -> tuple[Forwarder, str]:  # type: ignore[no-untyped-def]
    """A forwarder standing for the first node, and the upgraded register's two-host URL."""
    url, _, _ = database
    server = make_url(url)
    node = Forwarder((server.host or "127.0.0.1", server.port or 5432))
    both = two_nodes(url, node)
    upgraded = charte(tmp_path, both, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    return node, both


def test_a_lost_database_node_gives_503_with_retry_after_then_the_same_process_answers_from_the_other(
    tmp_path,
    pg,  # noqa: F811 - the fixture
):
    """APSAD P5: an alarm is handled whatever fails; clients retry on Retry-After, never a 500."""
    node, both = behind_a_node(tmp_path, pg)
    port = free_port()
    proc = charte(tmp_path, both, "serve", "--port", str(port), wait=False)
    base = f"http://127.0.0.1:{port}"
    unknown = {"Authorization": "Bearer charte_not-a-token", "X-Charte-Purpose": "contract"}
    try:
        wait_serving(base, proc)
        # Each request looks its token up in the register: the database answers through the node.
        assert httpx.get(f"{base}/api/v1/persons", headers=unknown).status_code == 401
        node.cut()
        statuses = []
        for _ in range(5):
            answer = httpx.get(f"{base}/api/v1/persons", headers=unknown, timeout=30)
            statuses.append(answer.status_code)
            if answer.status_code == 503:
                assert answer.headers["Retry-After"] == "5"
                assert answer.headers["content-type"] == "application/problem+json"
                assert "retry in 5 s" in answer.json()["detail"]
                assert "SELECT" not in answer.text
        assert 500 not in statuses
        assert statuses[0] == 503  # the pooled connection went with the node
        assert statuses[-1] == 401  # then the pool reopened through the URL's other host
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_event_post_cut_by_a_lost_node_gets_503_with_retry_after_and_its_retry_applies_it_once(
    tmp_path,
    pg,  # noqa: F811 - the fixture
):
    """docs/events.md: a post is all or nothing; the integrator told to retry sends it again as it is."""
    url = pg[0]
    node, both = behind_a_node(tmp_path, pg)
    feed, scratch = tmp_path / "feed.jsonl", f"sqlite:///{tmp_path / 'scratch.db'}"
    assert charte(tmp_path, scratch, "db", "upgrade").returncode == 0  # the export made elsewhere
    seeded = charte(tmp_path, scratch, "demo", "seed", "--persons", "6000", "--seed", "4",
                    "--as-of", "2026-11-26", "--out", str(feed))  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    lines = sum(1 for _ in feed.open())
    added = charte(tmp_path, both, "actors", "add", "crm-feed", "--system", "crm", "--json")
    assert added.returncode == 0, added.stderr
    crm = {
        "Authorization": f"Bearer {json.loads(added.stdout)['token']}",
        "Content-Type": "application/x-ndjson",
    }
    port = free_port()
    proc = charte(tmp_path, both, "serve", "--no-sweep", "--port", str(port), wait=False)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_serving(base, proc)
        posted: list[httpx.Response] = []
        posting = threading.Thread(
            target=lambda: posted.append(
                httpx.post(f"{base}/api/v1/events", content=feed.read_bytes(), headers=crm, timeout=300)
            )
        )
        posting.start()
        deadline = time.monotonic() + 60
        while not importing(url):  # the import's transaction has begun: cut it there
            assert posting.is_alive(), posted
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.02)
        node.cut()
        posting.join(timeout=300)
        (cut,) = posted
        assert cut.status_code == 503, cut.text
        assert cut.headers["Retry-After"] == "5"
        told = cut.json()["detail"]
        assert "INSERT" not in cut.text
        for _ in range(10):  # the client retries the same body when told, until it is taken
            retried = httpx.post(f"{base}/api/v1/events", content=feed.read_bytes(), headers=crm, timeout=300)
            if retried.status_code != 503:
                break
            time.sleep(float(retried.headers["Retry-After"]) / 5)
        assert retried.status_code == 200, retried.text
        # What the 503 said is true: cut before its commit, nothing of it was applied; cut while
        # committing, it says it cannot tell, and the retry applies what is missing.
        applied, duplicates = retried.json()["applied"], retried.json()["duplicates"]
        if "nothing was applied" in told:
            assert (applied, duplicates) == (lines, 0)
        else:
            assert "charte cannot tell which" in told, told
            assert (applied, duplicates) in ((lines, 0), (0, lines))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def importing(url: str) -> bool:
    """A transaction has looked into the register's persons and not ended yet: the import's (it
    holds the table's lock from its first chunk to its commit)."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'persons' AND l.pid <> pg_backend_pid()"
        ).fetchone()
    return bool(row and row[0])
