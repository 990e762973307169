"""The register's primary lost under load, on pg_auto_failover (docs/deploy.md, two monitoring
centres), twice in a row — failing over while a CRM export is importing, then back, once the lost
node has rejoined as a standby, while the retention sweep runs. The load: audited reads, the alarm
station's work (alarms raised by the monitoring software, taken, their screens read, closed) and
the CRM posting events. Each time: the standby is promoted, `charte serve` goes on without a
restart, the requests in the switch get 503 with Retry-After and never a 500, every read and every
alarm screen acknowledged to a client has its audit entries on the new primary, the alarm-handling
entries spooled in the switch are chained once, every acknowledged post's events are there, and
the audit chain verifies; the cut import is all or nothing and its retry applies it once; the cut
sweep, run again, erases each due unit once."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.e2e import formation
from tests.e2e.test_connection_loss import charte
from tests.e2e.test_serve import free_port, wait_serving
from tests.e2e.test_sweep_crash import ENV

pytestmark = pytest.mark.postgres

CLIENTS = 4
PASSWORD = "Console-2026-secret!"  # noqa: S105  # a test account's
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


# The audit entries of the reads under test: out of any alarm session (the screens' reads are
# counted per session), not the import's nor the sweep's.
READS_AUDITED = (
    "SELECT count(*) FROM audit_entries WHERE action = 'read' AND purpose = 'alarm_handling' "
    "AND body::jsonb ->> 'context' IS NULL"
)
# Each alarm session's audit: the persons its screen read (entries without a step) and its takes.
SESSION_ENTRIES = (
    "SELECT body::jsonb ->> 'context', "
    "count(*) FILTER (WHERE body::jsonb -> 'detail' ->> 'step' IS NULL), "
    "count(*) FILTER (WHERE body::jsonb -> 'detail' ->> 'step' = 'take') "
    "FROM audit_entries WHERE action = 'read' AND body::jsonb ->> 'decision' = 'allowed' "
    "AND body::jsonb ->> 'context' LIKE 'alarm_session:%%' GROUP BY 1"
)
# Alarm-handling entries recorded twice: the same act (its bytes without seq and period) chained twice.
CHAINED_TWICE = (
    "SELECT count(*) - count(DISTINCT body::jsonb - 'seq' - 'period') FROM audit_entries "
    "WHERE purpose = 'alarm_handling'"
)
FEED_BATCH = 5


def count(url: str, query: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as conn:
        return int(conn.execute(query).fetchone()[0])  # type: ignore[index]


def as_postgres(uri: str) -> str:
    """pg_autoctl's URI names no user; the tests connect as postgres (trust on loopback)."""
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://postgres@{rest}"


def bearer(tmp_path, url: str, name: str, *kind: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    added = charte(tmp_path, url, "actors", "add", name, *kind, "--json")
    assert added.returncode == 0, added.stderr
    return {"Authorization": f"Bearer {json.loads(added.stdout)['token']}"}


@dataclass
class Callers:
    """Who calls the server: a station operator (alarm handling), the monitoring software, the CRM."""

    operator: dict[str, str]
    monitoring: dict[str, str]
    crm: dict[str, str]


def serving(tmp_path, url: str, register):  # type: ignore[no-untyped-def]
    """`charte serve` on the formation's URL, the register imported, and the callers' headers."""
    for args in (("db", "upgrade"), ("events", "import", str(register))):
        done = charte(tmp_path, url, *args)
        assert done.returncode == 0, done.stderr
    callers = Callers(
        operator=bearer(tmp_path, url, "op", "--role", "station_operator")
        | {"X-Charte-Purpose": "alarm_handling"},
        monitoring=bearer(tmp_path, url, "monitoring-software", "--system", "monitoring"),
        crm=bearer(tmp_path, url, "crm-feed", "--system", "crm"),
    )
    port = free_port()
    server = charte(tmp_path, url, "serve", "--no-sweep", "--port", str(port), wait=False)
    base = f"http://127.0.0.1:{port}"
    wait_serving(base, server)
    return server, base, callers


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


def kept_sites(url: str) -> list[str]:
    """Sites with trusted persons, none of whose persons (theirs or their contract's) is due on
    SWEPT_ON: an alarm there shows the same screen before and after the sweep."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute(
            """SELECT s.ref FROM sites s
               WHERE EXISTS (SELECT 1 FROM roles r WHERE r.site_id = s.id AND r.role = 'trusted_person'
                             AND r.ended_on IS NULL)
               AND NOT EXISTS (SELECT 1 FROM roles r LEFT JOIN contracts c ON c.id = r.contract_id
                               JOIN retention_units u ON u.person_id = r.person_id
                               WHERE (r.site_id = s.id OR c.site_id = s.id) AND u.purge_due <= %s)
               ORDER BY s.ref LIMIT 40""",
            (SWEPT_ON,),
        ).fetchall()
    assert rows
    return [str(ref) for (ref,) in rows]


@dataclass
class Load:
    """What the server is asked while a node is lost, and every answer: (when, what, status,
    Retry-After); the alarm screens acknowledged (session → persons shown) and the CRM's batches
    acknowledged (their event ids)."""

    base: str
    callers: Callers
    refs: list[str]
    sites: list[str]
    round: str
    spool: Path  # the serving process's audit spool (CHARTE_HOME/audit-spool.jsonl)
    answers: list[tuple[float, str, int, str | None]] = field(default_factory=list)
    screens: dict[int, int] = field(default_factory=dict)
    posted: list[list[str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def note(self, what: str, answer: httpx.Response) -> bool:
        self.answers.append((time.monotonic(), what, answer.status_code, answer.headers.get("Retry-After")))
        if answer.status_code >= 300:
            time.sleep(0.2)  # a client honouring the 503 retries soon, not in a spin
            return False
        return True

    def reads(self, i: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.callers.operator, timeout=60) as http:
            n = i
            while not self.stop.is_set():
                n += CLIENTS
                self.note("read", http.get(f"/api/v1/persons/{self.refs[n % len(self.refs)]}"))

    def station(self) -> None:
        """Raise an alarm, take it, read its screen, close it; a step refused in the switch drops
        the alarm (it stays open: another operator would take it)."""
        with httpx.Client(base_url=self.base, timeout=60) as http:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                alarm = {"site": self.sites[n % len(self.sites)], "kind": "intrusion",
                         "at": datetime.now(UTC).isoformat()}  # fmt: skip
                raised = http.post("/api/v1/alarms", json=alarm, headers=self.callers.monitoring)
                if not self.note("raise", raised):
                    continue
                session = raised.json()["id"]
                steps = f"/api/v1/alarms/{session}"
                if not self.note("take", http.post(f"{steps}/take", headers=self.callers.operator)):
                    continue
                screen = http.get(steps, headers=self.callers.operator)
                if not self.note("screen", screen):
                    continue
                shown = screen.json()
                self.screens[session] = len(shown["clients"]) + len(shown["trusted_persons"])
                closing = {"outcome": "false_alarm"}
                self.note("close", http.post(f"{steps}/close", json=closing, headers=self.callers.operator))

    def feed(self) -> None:
        """The CRM posts new prospects a few at a time, each batch again until it is acknowledged."""
        with httpx.Client(base_url=self.base, headers=self.callers.crm, timeout=60) as http:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                ids = [f"ha-{self.round}-{n}-{k}" for k in range(FEED_BATCH)]
                person = {"first_name": "Łucja", "last_name": "Brzęczyszczykiewicz"}
                batch = [
                    {
                        "id": key,
                        "type": "prospect.collected",
                        "at": "2026-11-20",
                        "person": {"ref": key.upper(), **person},
                        "source": {"kind": "subject"},
                    }
                    for key in ids
                ]
                while not self.note("post", http.post("/api/v1/events", json=batch)):
                    if self.stop.is_set():
                        return
                self.posted.append(ids)


def lose_under_load(
    ha, load: Load, lost: str, survivor: str, cut_when: Callable[[], bool]
) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The load's clients running while ``lost`` goes (once ``cut_when()``); the seconds from the
    loss to the promotion, and the most alarm-handling entries the spool held meanwhile."""
    clients = [threading.Thread(target=load.reads, args=(i,)) for i in range(CLIENTS)]
    clients += [threading.Thread(target=load.station), threading.Thread(target=load.feed)]
    for client in clients:
        client.start()
    spooled = 0

    def watch_spool() -> None:
        nonlocal spooled
        if load.spool.exists():
            spooled = max(spooled, len(load.spool.read_bytes().splitlines()))

    try:
        time.sleep(1)
        deadline = time.monotonic() + 60
        while not cut_when():
            assert time.monotonic() < deadline, "the work to cut never started"
            time.sleep(0.05)
        lost_at = time.monotonic()
        ha.lose(lost)
        while not ha.state_is({survivor: {"wait_primary", "primary"}}):
            assert time.monotonic() < lost_at + 120, f"{survivor} was not promoted"
            watch_spool()
            time.sleep(0.1)
        promoted = time.monotonic()
        while not any(
            at > promoted and what == "read" and status == 200 for at, what, status, _ in load.answers
        ):
            assert time.monotonic() < lost_at + 120, "no read answered after the failover"
            watch_spool()
            time.sleep(0.1)
        time.sleep(2)
    finally:
        load.stop.set()
        for client in clients:
            client.join()
    return promoted - lost_at, spooled


def switch_figures(
    ha, url: str, load: Load, survivor: str, spooled: int, reads_before: int, tmp_path
) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What every failover must show: the survivor promoted, 503s with Retry-After and no 500,
    every acknowledged read's and alarm screen's audit entries there and none twice, every
    acknowledged post's events there, the chain verified; the figures to record."""
    answers = load.answers
    statuses = {status for _, _, status, _ in answers}
    assert statuses <= {200, 201, 503}, statuses  # never a 500
    untold = {(what, retry) for _, what, status, retry in answers if status == 503 and retry != "5"}
    assert not untold, untold
    assert any(status == 503 for _, _, status, _ in answers)  # the switch was seen, and told
    served = sorted(at for at, what, status, _ in answers if what == "read" and status == 200)
    # The longest wait between two answered reads: a figure for BENCHMARKS.md (target: under 30 s
    # here), not judged by the test — the switch's liveness is (a read answered within 120 s).
    without_service = max(b - a for a, b in itertools.pairwise(served))
    with psycopg.connect(url, connect_timeout=5) as conn:  # the new primary
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
        assert conn.execute("SELECT inet_server_port()").fetchone() == (ha.ports[survivor],)
        sessions = {str(c): (int(reads), int(takes)) for c, reads, takes in conn.execute(SESSION_ENTRIES)}
        feed_ids = [key for batch in load.posted for key in batch]
        fed = conn.execute("SELECT count(*) FROM events WHERE id = ANY(%s)", (feed_ids,)).fetchone()[0]  # type: ignore[index]
    # Synchronous replication: no committed entry lost, so none of an acknowledged read.
    written = count(url, READS_AUDITED) - reads_before
    assert written >= len(served)
    # Each acknowledged screen: one allowed read per person it showed, on the new primary, once;
    # and the take before it, once.
    assert load.screens, "no alarm screen was acknowledged"
    found = {s: sessions.get(f"alarm_session:{s}") for s in load.screens}
    assert found == {s: (shown, 1) for s, shown in load.screens.items()}
    # What the spool held in the switch is chained (the spool is empty), and nothing twice.
    assert not load.spool.exists() or load.spool.read_text() == ""
    assert count(url, CHAINED_TWICE) == 0
    # Every batch the CRM was told applied is in the register (its retries were duplicates).
    assert load.posted, "no event post was acknowledged"
    assert fed == len(feed_ids)
    verified = charte(tmp_path, url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return {
        "seconds_without_service": round(without_service, 1),
        "answers_503": sum(1 for _, _, status, _ in answers if status == 503),
        "reads_acknowledged": len(served),
        "read_entries_written": written,
        "alarm_screens_acknowledged": len(load.screens),
        "alarm_entries_spooled_at_most": spooled,
        "event_posts_acknowledged": len(load.posted),
    }


def test_the_primary_lost_twice_under_load_an_import_and_a_sweep_no_acknowledged_read_unaudited_nothing_twice(
    ha, exports, tmp_path
):
    """APSAD P5 and GDPR Art. 5(2): alarms handled whatever fails, every read still provable, and
    the feed and the erasures each applied once."""
    url = as_postgres(ha.uri())
    register, rest = exports
    server, base, callers = serving(tmp_path, url, register)
    spool = tmp_path / ".charte" / "audit-spool.jsonl"

    def load(round_: str) -> Load:
        return Load(base, callers, kept_refs(url, base, callers.operator), kept_sites(url), round_, spool)

    try:
        # Failing over while the rest of the export imports (about 90,000 events, one transaction).
        first = load("a")  # the listing behind its refs is audited too: before the counts
        reads, events = count(url, READS_AUDITED), count(url, "SELECT count(*) FROM events")
        lines = sum(1 for _ in rest.open())
        importing = charte(tmp_path, url, "events", "import", str(rest), "--format", "json", wait=False)
        promotion, spooled = lose_under_load(ha, first, "node_a", "node_b", lambda: True)
        _, told = importing.communicate(timeout=300)
        over = switch_figures(ha, url, first, "node_b", spooled, reads, tmp_path)
        assert importing.returncode == 1, told  # cut, and said so
        assert "Traceback" not in told
        posts = count(url, "SELECT count(*) FROM events WHERE id LIKE 'ha-%'")
        left = count(url, "SELECT count(*) FROM events") - events - posts
        assert left in (0, lines)  # all of it or nothing
        retried = charte(tmp_path, url, "events", "import", str(rest), "--format", "json")
        assert retried.returncode == 0, retried.stderr
        assert count(url, "SELECT count(*) FROM events") == events + posts + lines
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
        second = load("b")
        reads = count(url, READS_AUDITED)
        proofs, orders = (
            count(url, "SELECT count(*) FROM erasure_proofs"),
            count(url, "SELECT count(*) FROM outbox"),
        )
        sweeping = charte(
            tmp_path, url, "retention", "sweep", "--as-of", SWEPT_ON, "--batch", "50", wait=False
        )

        def swept_a_batch() -> bool:  # cut the primary once the sweep has committed some of its work
            return count(url, "SELECT count(*) FROM erasure_proofs") > proofs

        promotion, spooled = lose_under_load(ha, second, "node_b", "node_a", swept_a_batch)
        _, told = sweeping.communicate(timeout=300)
        back = switch_figures(ha, url, second, "node_a", spooled, reads, tmp_path)
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


def test_the_console_s_heavy_pages_read_off_the_standby_say_how_far_behind_and_write_nothing_there(
    ha, tmp_path
):
    """GDPR Art. 5(2) and 32: the dashboard and the outbox read a real standby (which refuses every
    write, so a page answered from it wrote nothing there) and say how old what they show may be;
    the dashboard's audit entry is on the primary."""
    for name in ha.ports:
        if name not in ha.groups:  # lost by the test before: back as a standby
            ha.rejoin(name)
    deadline = time.monotonic() + 180
    while sorted(states := ha.states().values()) != ["primary", "secondary"]:
        assert time.monotonic() < deadline, states
        time.sleep(0.5)
    standby = next(n for n, s in ha.states().items() if s == "secondary")
    # A database of its own (its keys are this test's), created on the primary, streamed to the standby.
    database = f"reads_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(as_postgres(ha.uri()), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    url = as_postgres(ha.uri()).replace("/charte?", f"/{database}?")
    read_url = f"postgresql://postgres@127.0.0.1:{ha.ports[standby]}/{database}"
    assert charte(tmp_path, url, "db", "upgrade").returncode == 0
    name = f"dpo-{uuid.uuid4().hex[:6]}"
    assert charte(tmp_path, url, "actors", "add", name, "--role", "dpo").returncode == 0
    # Staff read only with a current training (docs/accountability.md).
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    trained = ("--course", "rgpd_fondamentaux", "--on", yesterday, "--as", "dpo")
    assert charte(tmp_path, url, "trainings", "record", name, *trained).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | ENV
    env |= {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(tmp_path / ".charte")}
    password = subprocess.run(
        [sys.executable, "-m", "charte", "actors", "passwd", name, "--password-stdin"],
        input=f"{PASSWORD}\n", env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert password.returncode == 0, password.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "charte", "serve", "--no-sweep", "--port", str(port)],
        env=env | {"CHARTE_READ_DATABASE_URL": read_url}, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_serving(base, server)
        entries = count(url, 'SELECT count(*) FROM audit_entries WHERE body LIKE \'%"of":"dashboard"%\'')
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as http:
            form = http.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            login = http.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf})
            assert login.status_code == 303, login.text
            board, orders = http.get("/console"), http.get("/console/outbox")
        for page in (board, orders):
            assert page.status_code == 200, page.text
            shown = re.search(r'<p class="read-from" role="status">([^<]+)</p>', page.text)
            assert shown is not None
            assert shown.group(1).startswith("Lu sur la base de secours"), shown.group(1)
        print(json.dumps({"read_from": standby, "said": html.unescape(shown.group(1))}))
        after = count(url, 'SELECT count(*) FROM audit_entries WHERE body LIKE \'%"of":"dashboard"%\'')
        assert after == entries + 1  # the page's audit entry, on the primary
    finally:
        server.terminate()
        server.wait(timeout=30)
