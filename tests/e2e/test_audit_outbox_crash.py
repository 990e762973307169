"""Audit appends and order acknowledgements killed at any point.

A driver process appends batches of audit entries (or acknowledges every pending order, one by
one, as a system's connector does) through charte's own use cases, reporting each unit of work
done, and is killed with SIGKILL a random number of units in (so the kill lands inside the work
however loaded the machine is). Then: the audit chain verifies and holds whole batches only; every order is either
acknowledged (with its rectification values cleared) or pending with them intact, none lost or
doubled; running the driver again completes the work exactly once (acknowledgements made before
the kill keep their time). `CHARTE_CRASH_TRIALS` sets the number of trials (3 in CI; the full run:
`CHARTE_CRASH_TRIALS=50 .venv/bin/pytest tests/e2e/test_audit_outbox_crash.py`).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_sweep_crash import ENV, charte

TRIALS = int(os.environ.get("CHARTE_CRASH_TRIALS", "3"))
BATCH, BATCHES = 25, 400

APPEND = f"""
from charte.bootstrap import bootstrap
from charte.domain.audit import Action, Entry
c = bootstrap()
for i in range({BATCHES}):
    c.auditor.record([Entry(at=c.clock.now(), actor="crash-driver", action=Action.READ, role="dpo",
                            purpose="rights_handling", subject="ab" * 32, fields=("phone",),
                            detail={{"batch": i, "n": k}}) for k in range({BATCH})])
    print(i, flush=True)
print("done")
"""

ACK = """
from charte.bootstrap import bootstrap
from charte.services.outbox import acknowledge
c = bootstrap()
for order in c.outbox().orders(system=None, pending_only=True, due_before=None):
    acknowledge(outbox=c.outbox(), clock=c.clock, order_id=order.id, by="crash-driver")
    print(order.id, flush=True)
print("done")
"""


def driver(cwd, code: str, *, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | ENV
    args = [sys.executable, "-c", code]
    if wait:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def killed_at_random(cwd, code: str, after: int, pause: float) -> bool:
    """Start the driver, let it report ``after`` units of work done, wait ``pause`` seconds (into
    the next unit) and kill it. Counting the driver's own progress, not the clock, puts every kill
    inside the work however loaded the machine is."""
    proc = driver(cwd, code, wait=False)
    assert proc.stdout is not None
    for _ in range(after):
        if not proc.stdout.readline():
            break  # finished (or died) early: the trial then interrupts nothing
    time.sleep(pause)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return proc.returncode == -signal.SIGKILL


def killed_trials(seeded, tmp_path, code: str, *, seed: int, units: int) -> Iterator[tuple[int, Path]]:
    """(trial, home): a copy of the seeded register per trial, where the driver was killed after a
    random number of its ``units`` of work, a random fraction of a millisecond or more into the next."""
    draw = random.Random(seed)  # noqa: S311  # reproducible kill points, not a secret
    killed = 0
    for trial in range(TRIALS):
        home = tmp_path / f"trial-{trial}"
        shutil.copytree(seeded / ".charte", home / ".charte")
        killed += killed_at_random(home, code, draw.randrange(1, units - 1), draw.uniform(0.0, 0.02))
        yield trial, home
    assert killed > 0, "every driver finished before its kill: the test would prove nothing"


def driven_entries(cwd) -> list[tuple[int, int]]:
    db = sqlite3.connect(cwd / ".charte" / "charte-audit.db")
    try:
        return [
            (b, n)
            for b, n in db.execute(
                "SELECT json_extract(body, '$.detail.batch'), json_extract(body, '$.detail.n') "
                "FROM audit_entries WHERE json_extract(body, '$.actor') = 'crash-driver' ORDER BY seq"
            )
        ]
    finally:
        db.close()


def orders(cwd) -> list[tuple]:
    db = sqlite3.connect(cwd / ".charte" / "charte.db")
    try:
        return list(db.execute("SELECT id, system, kind, person_ref, fields, new_values, acked_at, acked_by "
                               "FROM outbox ORDER BY id"))  # fmt: skip
    finally:
        db.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A demo register, a sweep and a rectification: erasure orders and orders with new values wait."""
    base = tmp_path_factory.mktemp("seeded")
    charte(base, "db", "upgrade")
    charte(base, "demo", "seed", "--persons", "600", "--seed", "3", "--as-of", "2026-11-26")
    charte(base, "retention", "sweep", "--as-of", "2026-11-26")
    db = sqlite3.connect(base / ".charte" / "charte.db")
    (ref,) = db.execute("SELECT p.ref FROM persons p JOIN roles r ON r.person_id = p.id "
                        "WHERE r.role = 'client' ORDER BY p.id LIMIT 1").fetchone()  # fmt: skip
    db.close()
    doc = base / "id.pdf"
    doc.write_bytes(b"%PDF-1.4\n% identity card\n")
    dpo = ["--as", "dpo"]
    charte(base, "rights", "open", "--type", "rectification", "--received", "2026-11-20", "--channel", "post",
           "--claimed-name", "X", "--contact", "x@example.org", "--person", ref,
           "--changes", '{"phone": "0699999999"}', *dpo)  # fmt: skip
    charte(base, "rights", "verify", "1", "--method", "document", "--document", str(doc), *dpo)
    charte(base, "rights", "fulfil", "1", *dpo)
    return base


def test_an_audit_append_killed_at_random_points_leaves_whole_batches_and_a_chain_that_verifies(
    seeded, tmp_path
):
    """Charter "traçabilité"; GDPR Art. 5(2), 32: an entry is chained whole or not at all, and the
    chain goes on after a crash from its last committed head."""
    for trial, home in killed_trials(seeded, tmp_path, APPEND, seed=23, units=BATCHES):
        found = driven_entries(home)
        assert len(found) % BATCH == 0, f"trial {trial}: a batch was chained in part"
        assert found == [(b, n) for b in range(len(found) // BATCH) for n in range(BATCH)]
        assert charte(home, "audit", "verify").returncode == 0
        driver(home, APPEND)  # the rerun appends after the last committed head
        assert len(driven_entries(home)) == len(found) + BATCH * BATCHES
        assert charte(home, "audit", "verify").returncode == 0


def test_acknowledgements_killed_at_random_points_lose_no_order_and_complete_exactly_once(seeded, tmp_path):
    """docs/events.md "Orders": an order is acknowledged once, and a rectification's new values are
    kept until then (a promise kept only in charte's copy is not kept)."""
    before = orders(seeded)
    assert len(before) > 50
    assert all(o[6] is None for o in before)
    assert any(o[5] for o in before)  # a rectification's new values wait for their systems
    for trial, home in killed_trials(seeded, tmp_path, ACK, seed=29, units=len(before)):
        midway = orders(home)
        assert [o[:5] for o in midway] == [o[:5] for o in before], (
            f"trial {trial}: an order was lost or doubled"
        )
        for now, then in zip(midway, before, strict=True):
            acked = now[6] is not None
            assert (now[5], now[7]) == ((None, "crash-driver") if acked else (then[5], None)), (
                f"trial {trial}: order {now[0]} is half acknowledged"
            )
        driver(home, ACK)
        after = orders(home)
        assert [o[:5] for o in after] == [o[:5] for o in before]
        assert all(o[6] is not None for o in after)
        assert [o[6] for o in after if o[0] in {m[0] for m in midway if m[6]}] == [
            m[6] for m in midway if m[6]
        ]
