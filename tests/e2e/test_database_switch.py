"""`charte serve` when its PostgreSQL node is lost and the other one takes over: the requests in
the switch get 503 with Retry-After (never a 500), and the same process then answers from the
other node without a restart, through libpq's multi-host URL (docs/deploy.md, two monitoring
centres). The node is a loopback forwarder cut as a machine is lost; the failover of a real
primary and standby under pg_auto_failover is the HA harness's."""

from __future__ import annotations

import httpx
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


def test_a_lost_database_node_gives_503_with_retry_after_then_the_same_process_answers_from_the_other(
    tmp_path,
    pg,  # noqa: F811 - the fixture
):
    """APSAD P5: an alarm is handled whatever fails; clients retry on Retry-After, never a 500."""
    url, _, _ = pg
    server = make_url(url)
    node = Forwarder((server.host or "127.0.0.1", server.port or 5432))
    both = two_nodes(url, node)
    upgraded = charte(tmp_path, both, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
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
