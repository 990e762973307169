"""An erasure by rights request killed at any point leaves the person whole or erased, never half,
and answering again completes the work exactly once.

Each trial runs `charte rights fulfil` on a copy of a register where the erasure request of a
former client (their contract ended over five years ago) is verified (and their data were disclosed
to a recipient while the contract ran, so an Art. 19 notice is owed), and kills
it with SIGKILL after a random delay drawn over the measured length of an uninterrupted answer.
Then: the person is whole with no order, proof or notice, or gone with all of them; the audit chain
verifies; `rights fulfil` again gives exactly what an uninterrupted answer gives — the same orders,
proofs and notices, once, and a letter saying what was erased. `CHARTE_CRASH_TRIALS` sets the
number of trials (3 in CI; the full run: `CHARTE_CRASH_TRIALS=50 .venv/bin/pytest tests/e2e/test_rights_crash.py`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta

import pytest

from tests.e2e.test_sweep_crash import charte

TRIALS = int(os.environ.get("CHARTE_CRASH_TRIALS", "3"))
DPO = ["--as", "dpo"]


def state(cwd, ref: str) -> dict[str, object]:
    db = sqlite3.connect(cwd / ".charte" / "charte.db")
    try:
        one = lambda sql, *a: db.execute(sql, a).fetchone()[0]  # noqa: E731
        return {
            "person": one("SELECT count(*) FROM persons WHERE ref = ?", ref),
            "units": one(
                "SELECT count(*) FROM retention_units u JOIN persons p ON p.id = u.person_id WHERE p.ref = ?",
                ref,
            ),
            # This person's orders: the register's others (a prospect's withdrawn consent) are not
            # the erasure's.
            "orders": sorted(
                db.execute("SELECT system, kind, person_ref, reason FROM outbox WHERE person_ref = ?", (ref,))
            ),
            "proofs": one("SELECT count(*) FROM erasure_proofs"),
            "notices": sorted(db.execute("SELECT recipient, kind, fields FROM recipient_notices")),
            "status": one("SELECT status FROM rights_requests WHERE id = 1"),
            "applied": one("SELECT count(*) FROM rights_steps WHERE step LIKE 'applied:%'"),
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    """A register with a verified erasure request for a former client whose data went to a recipient,
    and what an uninterrupted answer gives."""
    base = tmp_path_factory.mktemp("verified")
    charte(base, "db", "upgrade")
    charte(base, "demo", "seed", "--persons", "300", "--seed", "5", "--as-of", "2026-11-26")
    db = sqlite3.connect(base / ".charte" / "charte.db")
    # A client with one running contract signed over five years ago: disclosed to the installer
    # while it runs, then the contract is reported ended long ago, so nothing keeps the person.
    (ref, contract, signed_on) = db.execute(
        "SELECT p.ref, c.ref, c.signed_on FROM persons p JOIN roles r ON r.person_id = p.id "
        "JOIN contracts c ON c.id = r.contract_id WHERE r.role = 'client' AND c.ended_on IS NULL "
        "AND c.signed_on < '2021-01-01' AND (SELECT count(*) FROM roles x WHERE x.person_id = p.id) = 1 "
        "ORDER BY p.id LIMIT 1"
    ).fetchone()
    db.close()
    charte(base, "disclose", "--to", "installer", "--person", ref, "--purpose", "installation",
           "--as", "dpo", "--as-purpose", "rights_handling")  # fmt: skip
    ending = base / "ended.jsonl"
    ending.write_text(json.dumps({"id": "end-1", "type": "contract.ended", "contract": contract,
                                  "at": (date.fromisoformat(str(signed_on)[:10]) + timedelta(days=1)).isoformat()}) + "\n")  # fmt: skip
    charte(base, "events", "import", str(ending))
    doc = base / "id.pdf"
    doc.write_bytes(b"%PDF-1.4\n% identity card\n")
    charte(base, "rights", "open", "--type", "erasure", "--received", "2026-11-20", "--channel", "post",
           "--claimed-name", "X", "--contact", "x@example.org", "--person", ref, *DPO)  # fmt: skip
    charte(base, "rights", "verify", "1", "--method", "document", "--document", str(doc), *DPO)
    reference = tmp_path_factory.mktemp("reference")
    shutil.copytree(base / ".charte", reference / ".charte")
    started = time.monotonic()
    charte(reference, "rights", "show", "1", *DPO)  # the interpreter, charte and its keys: no answer yet
    ready = time.monotonic() - started
    started = time.monotonic()
    charte(reference, "rights", "fulfil", "1", *DPO)
    took = time.monotonic() - started
    return base, ref, state(reference, ref), (min(ready, 0.6 * took), 0.95 * took)


def test_an_erasure_answer_killed_at_random_points_is_whole_or_absent_and_completes_once(verified, tmp_path):
    """GDPR Art. 17(1), 19: no half-erased person; orders, proofs and notices exactly once after a rerun."""
    base, ref, expected, (work_starts, work_ends) = verified
    assert (expected["person"], expected["status"]) == (0, "fulfilled")
    assert expected["notices"]  # the recipient is owed one: the trial checks it is not lost
    draw = random.Random(17)  # noqa: S311  # reproducible kill times, not a secret
    killed, outcomes = 0, {"untouched": 0, "erased, not answered": 0, "answered": 0}
    for trial in range(TRIALS):
        home = tmp_path / f"trial-{trial}"
        shutil.copytree(base / ".charte", home / ".charte")
        started = time.monotonic()
        proc = charte(home, "rights", "fulfil", "1", *DPO, wait=False)
        # Within the answer's own work: after what any command spends starting (measured), before
        # the end of an uninterrupted run (a kill after it interrupts nothing).
        try:
            proc.wait(timeout=draw.uniform(work_starts, work_ends))
            # Finished before its kill: this run was faster than the reference one (a shared
            # machine's load varies), so the next kills are drawn within what this one took.
            work_ends = max(work_starts * 1.05, 0.95 * (time.monotonic() - started))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        killed += proc.returncode == -signal.SIGKILL
        midway = state(home, ref)
        if midway["person"]:  # untouched: nothing of the erasure is there
            assert (midway["orders"], midway["proofs"], midway["notices"], midway["applied"]) == (
                [], 0, [], 0), f"trial {trial}: a person still here has erasure traces"  # fmt: skip
        else:  # erased: everything of the erasure is there, recorded as applied
            assert {k: midway[k] for k in ("units", "orders", "proofs", "notices", "applied")} == {
                k: expected[k] for k in ("units", "orders", "proofs", "notices", "applied")
            }, f"trial {trial}: the person is gone without all the erasure's traces"
        outcomes[
            "untouched"
            if midway["person"]
            else "answered"
            if midway["status"] == "fulfilled"
            else "erased, not answered"
        ] += 1
        assert charte(home, "audit", "verify").returncode == 0
        if midway["status"] != "fulfilled":
            charte(home, "rights", "fulfil", "1", *DPO)
        assert state(home, ref) == expected, f"trial {trial}: the rerun did not give the uninterrupted answer"
        mails = sorted((home / ".charte" / "outbox-mail").iterdir())
        assert "nous avons effacé vos données de : client" in mails[-1].read_text(encoding="utf-8")
    assert killed > 0, "every answer finished before its kill: the test would prove nothing"
    if TRIALS >= 20:  # the full run must have hit the window between the erasure and the answer
        assert all(outcomes.values()), outcomes
