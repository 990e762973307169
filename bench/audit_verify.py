#!/usr/bin/env python3
"""Audit chain verification speed next to bare SHA-256 over the same stored bytes, in one run.

    .venv/bin/python bench/audit_verify.py [--entries 200000] [--postgres URL]

1. Appends --entries audit entries (realistic reads: actor, role, purpose, subject HMAC, a dozen
   field names) to a fresh SQLite database (and PostgreSQL with --postgres), in batches.
2. Verification: ``charte.services.audit.verify`` over the stored chain — read, re-hash each
   entry after its predecessor, check links, sequence and search columns.
3. The floor: read the same stored bytes the same way (streamed, entry by entry) and only hash
   them with ``hashlib.sha256``.
Target (issue 5 §3): verification at least half the speed of the floor. Prints one JSON line per
engine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch import scratch_database
from sqlalchemy import select

from charte.adapters.audit_checkpoints import CheckpointFolder
from charte.adapters.db import migrate
from charte.adapters.db import tables as t
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.engine import make_engine
from charte.domain.audit import Action, Entry
from charte.services import audit

FIELDS = ("civility", "first_name", "last_name", "email", "phone", "client_number", "contract_ref", "offer",
          "site_address", "equipment", "access_instructions")  # fmt: skip


def fill(store: SqlAuditStore, count: int) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    batch = []
    for i in range(count):
        subject = hashlib.sha256(f"person:P{i % 50_000}".encode()).hexdigest()
        at = start + timedelta(milliseconds=i)
        batch.append(Entry(at=at, actor=f"operator-{i % 40}", action=Action.READ, role="station_operator",
                           purpose="alarm_handling", subject=subject, fields=FIELDS))  # fmt: skip
        if len(batch) == 5000:
            store.append(batch)
            batch = []
    store.append(batch)


def floor(store: SqlAuditStore) -> float:
    a = t.audit_entries.c
    started = time.perf_counter()
    with store.engine.connect() as conn:
        for period in store.periods():
            query = select(a.body).where(a.period == period).order_by(a.seq).execution_options(yield_per=5000)
            for (body,) in conn.execute(query):
                hashlib.sha256(body.encode()).hexdigest()
    return time.perf_counter() - started


def measure(url: str, count: int, work: Path) -> dict[str, object]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    store = SqlAuditStore(engine)
    fill(store, count)
    checkpoints = CheckpointFolder(work / f"checkpoints-{uuid.uuid4().hex[:6]}", b"s" * 32)
    floor(store)  # warm the cache: both sides then read from memory
    started = time.perf_counter()
    report = audit.verify(store=store, checkpoints=checkpoints)
    verify_s = time.perf_counter() - started
    floor_s = floor(store)
    engine.dispose()
    if not report.ok:
        raise SystemExit(f"the chain does not verify: {report.as_dict()}")
    return {
        "engine": engine.dialect.name,
        "entries": report.as_dict()["entries"],
        "verify_seconds": round(verify_s, 2),
        "sha256_floor_seconds": round(floor_s, 2),
        "verify_speed_vs_floor": round(floor_s / verify_s, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--postgres", default=None, help="A PostgreSQL URL to measure too.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="charte-audit-bench-") as tmp:
        work = Path(tmp)
        for pg in (None, args.postgres) if args.postgres else (None,):
            with scratch_database(work, pg, "bench_audit") as url:
                print(json.dumps(measure(url, args.entries, work)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
