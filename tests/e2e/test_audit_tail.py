"""The audit's tail is signed within seconds whatever the traffic: by `charte serve`'s signer, when
a command that wrote entries ends, and at shutdown — so a tail rewritten or cut afterwards, with
write access to the database but not to the key, is detected by `charte audit verify`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.e2e.test_serve import free_port, wait_serving
from tests.feed import person, signed

DPO = {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"}


def heads(cwd) -> dict[str, int]:
    """Each chain's head (writer -> entry): the commands' shared chain, each serving process's own."""
    with sqlite3.connect(cwd / ".charte" / "charte-audit.db") as db:
        return dict(db.execute("SELECT writer, seq FROM audit_heads WHERE seq > 0").fetchall())


def pinned(cwd) -> dict[str, int]:
    """What the newest checkpoint pins (writer -> entry); one period in these tests."""
    found = [json.loads(p.read_text()) for p in (cwd / ".charte" / "audit-checkpoints").glob("*.json")]
    if not found:
        return {}
    newest = max(found, key=lambda c: c["n"])
    pinned = {w: seq for w, seq, _ in newest.get("writers", [])}
    return pinned | ({"": newest["seq"]} if newest["seq"] else {})


def serve(cwd, env, **settings: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "charte", "serve", "--port", str(port), "--no-sweep"],
        cwd=cwd, env=clean | env | settings, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_serving(base, proc)
    return proc, base


def seeded(home) -> tuple:
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1"))]),
           cwd=cwd, env=env)  # fmt: skip
    added = charte("actors", "add", "dpo-web", "--role", "dpo", "--json", cwd=cwd, env=env)
    # Staff read through the API only with a current training (docs/accountability.md).
    yesterday = (datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)).isoformat()
    trained = ("--course", "rgpd_fondamentaux", "--on", yesterday, "--as", "dpo")
    assert charte("trainings", "record", "dpo-web", *trained, cwd=cwd, env=env).code == 0
    return cwd, env, json.loads(added.out)["token"]


def test_a_command_that_wrote_entries_signs_them_before_it_exits_so_a_rewrite_is_detected(home):
    """Each CLI command leaves its entries signed; rewriting them afterwards breaks `audit verify`."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1"))]),
           cwd=cwd, env=env)  # fmt: skip
    assert charte("persons", "show", "P1", cwd=cwd, env=env | DPO).code == 0
    assert pinned(cwd) == heads(cwd) == {"": 2}
    db = sqlite3.connect(cwd / ".charte" / "charte-audit.db")
    db.execute("DROP TRIGGER audit_entries_no_delete")
    db.execute("DELETE FROM audit_entries WHERE seq = 2")
    db.execute("UPDATE audit_heads SET seq = 1, hash = (SELECT hash FROM audit_entries WHERE seq = 1)")
    db.commit()
    broken = charte("audit", "verify", cwd=cwd, env=env)
    assert broken.code == 1
    assert (
        "the chain ends at entry 1, before the signed checkpoint at entry 2: its tail was deleted"
        in broken.err
    )


def test_serve_signs_the_head_within_its_delay_with_no_further_traffic(home):
    """CHARTE_AUDIT_SIGN_WITHIN: an entry is signed within the delay though nothing follows it."""
    cwd, env, token = seeded(home)
    proc, base = serve(cwd, env, CHARTE_AUDIT_SIGN_WITHIN="0.5")
    try:
        read = httpx.get(f"{base}/api/v1/persons/P1",
                         headers={"Authorization": f"Bearer {token}", "X-Charte-Purpose": "rights_handling"})  # fmt: skip
        assert read.status_code == 200
        wanted, deadline = heads(cwd), time.monotonic() + 10
        assert len(wanted) == 2  # the commands' chain and the serving process's, holding the read
        while pinned(cwd) != wanted and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pinned(cwd) == wanted
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_serve_signs_the_head_when_it_shuts_down(home):
    """Shutdown leaves no unsigned tail, however long the signer's delay."""
    cwd, env, token = seeded(home)
    proc, base = serve(cwd, env, CHARTE_AUDIT_SIGN_WITHIN="3600")
    try:
        read = httpx.get(f"{base}/api/v1/persons/P1",
                         headers={"Authorization": f"Bearer {token}", "X-Charte-Purpose": "rights_handling"})  # fmt: skip
        assert read.status_code == 200
        assert pinned(cwd) != heads(cwd)  # the read's entry, in the process's chain, not signed yet
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert pinned(cwd) == heads(cwd)
    ok = charte("audit", "verify", cwd=cwd, env=env)
    assert ok.code == 0
    assert ok.out.strip().endswith("every entry is signed")
