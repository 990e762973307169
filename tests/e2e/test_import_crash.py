"""An import killed at any point leaves the register as it was (a file is applied whole or not at
all), the audit chain verifies, and a rerun applies the file exactly once.

Each trial starts `charte events import` in a subprocess on a copy of an empty register, waits
until the import transaction has begun writing (the SQLite write-ahead log grows), then kills it
with SIGKILL after a random further delay drawn within the measured length of an uninterrupted
import. `CHARTE_CRASH_TRIALS` sets the number of trials (3 by default, for CI; the full run is 50:
`CHARTE_CRASH_TRIALS=50 .venv/bin/pytest tests/e2e/test_import_crash.py`).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time

import pytest
from sqlalchemy import func, select

from charte.adapters.db.engine import make_engine
from charte.adapters.db.tables import audit_entries
from tests.e2e.test_sweep_crash import charte, counts

TRIALS = int(os.environ.get("CHARTE_CRASH_TRIALS", "3"))


def import_entries(cwd) -> int:
    engine = make_engine(f"sqlite:///{cwd / '.charte' / 'charte-audit.db'}")
    with engine.connect() as conn:
        found = conn.execute(
            select(func.count()).select_from(audit_entries).where(audit_entries.c.action == "import")
        ).scalar_one()
    engine.dispose()
    return int(found)


def wal_bytes(cwd) -> int:
    wal = cwd / ".charte" / "charte.db-wal"
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """An empty migrated register, an event file of a demo register, and what importing it gives."""
    empty = tmp_path_factory.mktemp("empty")
    charte(empty, "db", "upgrade")
    reference = tmp_path_factory.mktemp("reference")
    shutil.copytree(empty / ".charte", reference / ".charte")
    events = tmp_path_factory.mktemp("events") / "demo.jsonl"
    charte(reference, "demo", "seed", "--persons", "1500", "--seed", "5", "--as-of", "2026-11-26",
           "--out", str(events))  # fmt: skip
    timed = tmp_path_factory.mktemp("timed")  # how long an uninterrupted import of that file takes
    shutil.copytree(empty / ".charte", timed / ".charte")
    started = time.monotonic()
    charte(timed, "events", "import", str(events))
    took = time.monotonic() - started
    return empty, events, counts(reference), took


def test_an_import_killed_at_random_points_applies_all_or_nothing_and_a_rerun_applies_it_once(feed, tmp_path):
    """No half-applied event file; the audit chain verifies; rerunning completes the
    work exactly once (the same register as an uninterrupted import)."""
    empty, events, expected, took = feed
    draw = random.Random(9)  # noqa: S311  # reproducible kill times, not a secret
    killed_mid_write = 0
    for trial in range(TRIALS):
        home = tmp_path / f"trial-{trial}"
        shutil.copytree(empty / ".charte", home / ".charte")
        before = wal_bytes(home)
        proc = charte(home, "events", "import", str(events), wait=False)
        deadline = time.monotonic() + 60
        while proc.poll() is None and wal_bytes(home) <= before and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(
            draw.uniform(0, took / 4)
        )  # writes begin about halfway through: kill before the commit, mostly
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        midway = counts(home)
        killed_mid_write += proc.returncode == -signal.SIGKILL
        landed = midway["persons"] > 0
        assert midway == expected if landed else (midway["persons"], midway["events"]) == (0, 0), (
            f"trial {trial}: a killed import left part of its file"
        )
        if landed:  # never an import without its audit entry
            assert import_entries(home) >= 1, f"trial {trial}: the import landed unaudited"
        assert charte(home, "audit", "verify").returncode == 0
        rerun = charte(home, "events", "import", str(events), "--format", "json")
        assert rerun.returncode == 0
        assert counts(home) == expected, f"trial {trial}: the rerun did not give the same register"
    assert killed_mid_write > 0, "every import finished before its kill: the test would prove nothing"
