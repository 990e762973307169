"""The register's primary lost under audited reads, on pg_auto_failover (docs/deploy.md, two
monitoring centres), twice in a row — failing over while a CRM export is importing, then back,
once the lost node has rejoined as a standby, while the retention sweep runs. Each time: the
standby is promoted, `charte serve` goes on without a restart, the requests in the switch get 503
with Retry-After and never a 500, every read acknowledged to a client has its audit entry on the
new primary, and the audit chain verifies; the cut import is all or nothing and its retry applies
it once; the cut sweep, run again, erases each due unit once."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable

import httpx
import psycopg
import pytest

from tests.e2e import formation
from tests.e2e.test_connection_loss import charte
from tests.e2e.test_serve import free_port, wait_serving

pytestmark = pytest.mark.postgres

CLIENTS = 4
SWEPT_ON = "2026-11-26"


@pytest.fixture(scope="module")
def ha():
    if (why := formation.missing()) is not None:
        pytest.skip(why)
    with formation.formation() as ready:
        yield ready


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """One CRM export of 50,000 persons (about 92,000 events) cut in two and applied in its order:
    the register the reads look at, then the rest, still importing when the primary goes."""
    work = tmp_path_factory.mktemp("feed")
    whole, scratch = work / "export.jsonl", f"sqlite:///{work / 'scratch.db'}"
    assert charte(work, scratch, "db", "upgrade").returncode == 0
    made = charte(work, scratch, "demo", "seed", "--persons", "50000", "--seed", "8", "--as-of", SWEPT_ON,
                  "--out", str(whole))  # fmt: skip
    assert made.returncode == 0, made.stderr
    lines = whole.read_text().splitlines(keepends=True)
    register, rest = work / "register.jsonl", work / "rest.jsonl"
    register.write_text("".join(lines[:2000]))
    rest.write_text("".join(lines[2000:]))
    return register, rest


# The audit entries of the reads under test (the import's and the sweep's entries are others).
READS_AUDITED = "SELECT count(*) FROM audit_entries WHERE action = 'read' AND purpose = 'alarm_handling'"


def count(url: str, query: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return int(conn.execute(query).fetchone()[0])  # type: ignore[index]


def as_postgres(uri: str) -> str:
    """pg_autoctl's URI names no user; the tests connect as postgres (trust on loopback)."""
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://postgres@{rest}"


def serving(tmp_path, url: str, register):  # type: ignore[no-untyped-def]
    """`charte serve` on the formation's URL, the register imported, and a station operator's headers."""
    for args in (("db", "upgrade"), ("events", "import", str(register))):
        done = charte(tmp_path, url, *args)
        assert done.returncode == 0, done.stderr
    added = charte(tmp_path, url, "actors", "add", "op", "--role", "station_operator", "--json")
    assert added.returncode == 0, added.stderr
    headers = {
        "Authorization": f"Bearer {json.loads(added.stdout)['token']}",
        "X-Charte-Purpose": "alarm_handling",
    }
    port = free_port()
    server = charte(tmp_path, url, "serve", "--no-sweep", "--port", str(port), wait=False)
    base = f"http://127.0.0.1:{port}"
    wait_serving(base, server)
    return server, base, headers


def kept_refs(url: str, base: str, headers: dict[str, str]) -> list[str]:
    """Persons the operator may read with no unit due on SWEPT_ON: the sweep leaves them, so
    reading them stays a 200."""
    listed = httpx.get(f"{base}/api/v1/persons", params={"limit": 1000}, headers=headers, timeout=30)
    with psycopg.connect(url, connect_timeout=5) as conn:
        due = {
            str(ref)
            for (ref,) in conn.execute(
                "SELECT p.ref FROM persons p JOIN retention_units u ON u.person_id = p.id WHERE u.purge_due <= %s",
                (SWEPT_ON,),
            )
        }
    refs = [p["ref"] for p in listed.json()["persons"] if p["ref"] not in due]
    assert refs
    return refs


def lose_under_reads(ha, base, headers, refs, lost: str, survivor: str, cut_when: Callable[[], bool]):  # type: ignore[no-untyped-def]
    """Audited reads from CLIENTS clients while ``lost`` goes (once ``cut_when()``); every answer
    as (when, status, Retry-After), and the seconds from the loss to the promotion."""
    answers: list[tuple[float, int, str | None]] = []
    stop = threading.Event()

    def reads(i: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            n = i
            while not stop.is_set():
                n += CLIENTS
                answer = http.get(f"/api/v1/persons/{refs[n % len(refs)]}")
                answers.append((time.monotonic(), answer.status_code, answer.headers.get("Retry-After")))
                if answer.status_code != 200:
                    time.sleep(0.2)  # a client honouring the 503 retries soon, not in a spin

    clients = [threading.Thread(target=reads, args=(i,)) for i in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        time.sleep(1)
        deadline = time.monotonic() + 60
        while not cut_when():
            assert time.monotonic() < deadline, "the work to cut never started"
            time.sleep(0.05)
        lost_at = time.monotonic()
        ha.lose(lost)
        ha.wait_for({survivor: {"wait_primary", "primary"}}, timeout=120)
        promoted = time.monotonic()
        while not any(at > promoted and status == 200 for at, status, _ in answers):
            assert time.monotonic() < lost_at + 120, "no read answered after the failover"
            time.sleep(0.2)
        time.sleep(2)
    finally:
        stop.set()
        for client in clients:
            client.join()
    return answers, promoted - lost_at


def switch_figures(ha, url: str, answers, survivor: str, entries_before: int, tmp_path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What every failover must show: the survivor promoted, 503s with Retry-After and no 500,
    every acknowledged read's audit entry there, the chain verified; the figures to record."""
    statuses = {status for _, status, _ in answers}
    assert statuses <= {200, 503}, statuses  # never a 500
    assert all(retry == "5" for _, status, retry in answers if status == 503)
    assert any(status == 503 for _, status, _ in answers)  # the switch was seen, and told
    served = sorted(at for at, status, _ in answers if status == 200)
    # The longest wait between two answered reads: a figure for BENCHMARKS.md (target: under 30 s
    # here), not judged by the test — the switch's liveness is (a read answered within 120 s).
    without_service = max(b - a for a, b in itertools.pairwise(served))
    with psycopg.connect(url, connect_timeout=5) as conn:  # the new primary
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        assert conn.execute("SELECT inet_server_port()").fetchone() == (ha.ports[survivor],)
    # Synchronous replication: no committed entry lost, so none of an acknowledged read.
    written = count(url, READS_AUDITED) - entries_before
    assert written >= len(served)
    verified = charte(tmp_path, url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return {
        "seconds_without_service": round(without_service, 1),
        "answers_503": sum(1 for _, status, _ in answers if status == 503),
        "reads_acknowledged": len(served),
        "read_entries_written": written,
    }


def test_the_primary_lost_twice_under_reads_an_import_and_a_sweep_no_acknowledged_read_unaudited_nothing_twice(
    ha, exports, tmp_path
):
    """APSAD P5 and GDPR Art. 5(2): alarms handled whatever fails, every read still provable, and
    the feed and the erasures each applied once."""
    url = as_postgres(ha.uri())
    register, rest = exports
    server, base, headers = serving(tmp_path, url, register)
    try:
        # Failing over while the rest of the export imports (about 90,000 events, one transaction).
        refs = kept_refs(url, base, headers)  # its listing is audited too: before the counts
        entries, events = count(url, READS_AUDITED), count(url, "SELECT count(*) FROM events")
        lines = sum(1 for _ in rest.open())
        importing = charte(tmp_path, url, "events", "import", str(rest), "--format", "json", wait=False)
        answers, promotion = lose_under_reads(ha, base, headers, refs, "node_a", "node_b", lambda: True)
        _, told = importing.communicate(timeout=300)
        over = switch_figures(ha, url, answers, "node_b", entries, tmp_path)
        assert importing.returncode == 1, told  # cut, and said so
        assert "Traceback" not in told
        left = count(url, "SELECT count(*) FROM events") - events
        assert left in (0, lines)  # all of it or nothing
        retried = charte(tmp_path, url, "events", "import", str(rest), "--format", "json")
        assert retried.returncode == 0, retried.stderr
        assert count(url, "SELECT count(*) FROM events") == events + lines
        again = json.loads(charte(tmp_path, url, "events", "import", str(rest), "--format", "json").stdout)
        assert (again["applied"], again["duplicates"]) == (0, lines)
        print(json.dumps({"lost": "node_a", "promoted_after_seconds": round(promotion, 1), **over,
                          "import_cut_left": "all" if left else "nothing"}))  # fmt: skip

        # Failing back, once node_a is a standby again, while the sweep erases in small batches.
        ha.rejoin("node_a")
        ha.wait_for({"node_a": {"secondary"}, "node_b": {"primary"}}, timeout=180)
        dry = charte(
            tmp_path, url, "retention", "sweep", "--as-of", SWEPT_ON, "--dry-run", "--format", "json"
        )
        due = json.loads(dry.stdout)
        assert due["units_erased"] > 0, dry.stderr
        refs = kept_refs(url, base, headers)
        entries = count(url, READS_AUDITED)
        proofs, orders = (
            count(url, "SELECT count(*) FROM erasure_proofs"),
            count(url, "SELECT count(*) FROM outbox"),
        )
        sweeping = charte(
            tmp_path, url, "retention", "sweep", "--as-of", SWEPT_ON, "--batch", "50", wait=False
        )

        def swept_a_batch() -> bool:  # cut the primary once the sweep has committed some of its work
            return count(url, "SELECT count(*) FROM erasure_proofs") > proofs

        answers, promotion = lose_under_reads(ha, base, headers, refs, "node_b", "node_a", swept_a_batch)
        _, told = sweeping.communicate(timeout=300)
        back = switch_figures(ha, url, answers, "node_a", entries, tmp_path)
        assert sweeping.returncode == 1, told
        assert "Traceback" not in told
        cut_at = count(url, "SELECT count(*) FROM erasure_proofs") - proofs
        assert 0 < cut_at < due["units_erased"]  # cut part-way
        resumed = charte(tmp_path, url, "retention", "sweep", "--as-of", SWEPT_ON, "--format", "json")
        assert resumed.returncode == 0, resumed.stderr
        # Each due unit erased once: one proof each and its orders once, the two runs together.
        assert count(url, "SELECT count(*) FROM erasure_proofs") - proofs == due["units_erased"]
        assert count(url, "SELECT count(*) FROM outbox") - orders == due["orders"]
        final = charte(tmp_path, url, "retention", "sweep", "--as-of", SWEPT_ON, "--format", "json")
        assert json.loads(final.stdout)["units_erased"] == 0
        print(json.dumps({"lost": "node_b", "promoted_after_seconds": round(promotion, 1), **back,
                          "sweep_cut_after_units": cut_at, "units_due": due["units_erased"]}))  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
