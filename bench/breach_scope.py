#!/usr/bin/env python3
"""A breach's scope from the audit: a token that read --token-persons persons over one month, in
an audit of --entries entries over twelve months, next to the raw indexed query, in one run.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/breach_scope.py \\
        [--entries 10000000] [--persons 1000000] [--token-persons 100000] [--engines sqlite,postgres]

1. A scratch register per engine: --persons persons (ref and the audit subject, written raw), and an
   audit of --entries chained entries (``domain.audit.chain``, so that the chain verifies) spread
   over twelve UTC months, each a read by one of 200 actors of a random person; in October 2026 the
   leaked token ``crm-export-bot`` reads --token-persons distinct persons (1.2 reads each). On
   SQLite the audit is in its own file, as charte's default; on PostgreSQL in the register's
   database.
2. charte: ``services.breach_scope.compute`` for the token over October (UTC) — the chain of the
   period verified, the hits grouped in SQL, the subjects resolved, the persons kept.
3. The floor: the raw driver's two indexed queries — the token's window grouped by subject, and the
   persons by subject (``= ANY`` / ``json_each``) — nothing verified, nothing kept.
4. The verification alone (``services.audit.verify`` over October), reported apart: it reads every
   entry of the month, whoever made it.
Peak memory: the Python heap's peak during the scope (tracemalloc, in a second run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch import scratch_database
from sqlalchemy import text

from charte.adapters.db import migrate
from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.audit import Action, Entry, chain
from charte.domain.breaches import Compromised, Nature
from charte.services import audit, breach_scope, breaches
from charte.services.breach_scope import Item

KEYS = {
    "field": "ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY=",
    "refs": "cnJycnJycnJycnJycnJycnJycnJycnJycnJycnJycnI=",
}
TOKEN = "crm-export-bot"  # noqa: S105  # the leaked actor's name, not a secret
FIELDS = ("civility", "first_name", "last_name", "email", "phone", "client_number", "contract_ref", "offer")
MONTHS = [(2025 + (11 + i) // 12, (11 + i) % 12 + 1) for i in range(12)]  # 2025-12 .. 2026-11
TARGET = (2026, 10)
BATCH = 20_000


def fill_persons(app, count: int) -> None:
    hasher = app.ref_hasher
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with app.engine.begin() as conn:
        for start in range(0, count, BATCH):
            rows = [
                (f"P{i:07d}", now, hasher(f"person:P{i:07d}"))
                for i in range(start, min(count, start + BATCH))
            ]
            insert_rows(conn, t.persons, ("ref", "created_at", "subject"), rows)


def fill_audit(app, entries: int, persons: int, token_persons: int) -> None:
    """Twelve months of reads, chained month by month, written in batches (the raw driver's COPY on
    PostgreSQL, executemany on SQLite): only ``month``, ``body``, ``prev`` and ``hash`` are written."""
    rng = random.Random(7)  # noqa: S311  # test data, reproducible
    hasher = app.ref_hasher
    per_month = entries // len(MONTHS)
    token_reads = int(token_persons * 1.2)
    engine = app.audit_engine
    for year, month in MONTHS:
        start = datetime(year, month, 1, tzinfo=UTC)
        following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        span = (following - start).total_seconds()
        token = set()
        if (year, month) == TARGET:
            token = set(rng.sample(range(per_month), token_reads))
            targets = rng.sample(range(persons), token_persons)
        heads: dict[tuple[str, str], tuple[int, str]] = {}
        batch: list[Entry] = []
        k = 0
        for i in range(per_month):
            at = start + timedelta(seconds=span * i / per_month)
            if i in token:
                who, ref = TOKEN, targets[k % token_persons]
                k += 1
            else:
                who, ref = f"operator-{rng.randrange(200)}", rng.randrange(persons)
            batch.append(Entry(at=at, actor=who, action=Action.READ, role="customer_service",
                               purpose="contract_management", subject=hasher(f"person:P{ref:07d}"), fields=FIELDS))  # fmt: skip
            if len(batch) == BATCH:
                _write(engine, chain(batch, heads), heads)
                batch = []
        if batch:
            _write(engine, chain(batch, heads), heads)


def _write(engine, chained, heads) -> None:
    rows = [(c.month, c.body.decode(), c.prev, c.hash) for c in chained]
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with (
                raw.cursor() as cur,
                cur.copy("COPY audit_entries (month, body, prev, hash) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as conn:
            insert_rows(conn, t.audit_entries, ("month", "body", "prev", "hash"), rows)
    last = chained[-1]
    heads[last.key] = (last.seq, last.hash)


def window() -> tuple[datetime, datetime]:
    return datetime(*TARGET, 1, tzinfo=UTC), datetime(TARGET[0], TARGET[1] + 1, 1, tzinfo=UTC)


def charte_scope(app, number: int) -> tuple[float, dict]:
    since, until = window()
    started = time.perf_counter()
    shown = breach_scope.compute(
        app.breach_keeper(), source=app.breach_scope(), audit_store=app.audit_store(),
        checkpoints=app.auditor.checkpoints, actor="bench-dpo", role="dpo", breach=number,
        items=[Item(Compromised.ACTOR, name=TOKEN, since=since, until=until)],
    )  # fmt: skip
    return time.perf_counter() - started, shown["scope"]


def floor_scope(app) -> tuple[float, int]:
    """The same question asked raw: the window's subjects, then the persons by subject."""
    since, until = (m.isoformat(timespec="microseconds") for m in window())
    started = time.perf_counter()
    audit_raw = app.audit_engine.raw_connection()
    pg = app.audit_engine.dialect.name == "postgresql"
    p = "%s" if pg else "?"
    fields = "(body::jsonb -> 'fields')::text" if pg else "json_extract(body, '$.fields')"
    decision = "(body::jsonb ->> 'decision')" if pg else "json_extract(body, '$.decision')"
    try:
        cur = audit_raw.cursor()
        cur.execute(
            f"SELECT subject, {fields}, count(*), min(at), max(at) FROM audit_entries WHERE actor = {p} "
            f"AND at >= {p} AND at < {p} AND action IN ('read', 'list', 'disclose') AND {decision} = 'allowed' "
            f"GROUP BY subject, {fields}",
            (TOKEN, since, until),
        )
        subjects = sorted({row[0] for row in cur.fetchall()})
    finally:
        audit_raw.close()
    raw = app.engine.raw_connection()
    try:
        cur = raw.cursor()
        if pg:
            cur.execute("SELECT id, subject FROM persons WHERE subject = ANY(%s)", (subjects,))
        else:
            cur.execute("SELECT id, subject FROM persons WHERE subject IN (SELECT value FROM json_each(?))",
                        (json.dumps(subjects),))  # fmt: skip
        found = len(cur.fetchall())
    finally:
        raw.close()
    return time.perf_counter() - started, found


def measure(name: str, url: str, args, work: Path) -> None:
    audit_url = None if name == "sqlite" else url  # SQLite: the audit in its own file (the default)
    settings = Settings(policy_path=shipped_policy_path(), home=work / f"home-{name}", database_url=url,
                        field_key=KEYS["field"], ref_key=KEYS["refs"], audit_database_url=audit_url)  # fmt: skip
    app = bootstrap(settings)
    migrate.upgrade(app.engine)
    filled = time.perf_counter()
    fill_persons(app, args.persons)
    fill_audit(app, args.entries, args.persons, args.token_persons)
    for engine in {app.engine, app.audit_engine}:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    filled = time.perf_counter() - filled
    aware = datetime(2026, 11, 2, 9, tzinfo=UTC)
    number = breaches.open_breach(app.breach_keeper(), actor="bench-dpo", role="dpo", new=breaches.NewBreach(
        "bench", aware, "bench", aware, (Nature.CONFIDENTIALITY,)))["breach"]  # fmt: skip
    floor_scope(app)  # warm the caches: both sides then read from memory
    charte_s, scope = charte_scope(app, number)
    floor_s, found = floor_scope(app)
    started = time.perf_counter()
    verdict = audit.verify(store=app.audit_store(), checkpoints=app.auditor.checkpoints, only={"2026-10"})
    verify_s = time.perf_counter() - started
    tracemalloc.start()
    charte_scope(app, number)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    persons = scope["persons"]
    print(json.dumps({
        "engine": name, "entries": args.entries, "persons": args.persons, "token_persons": args.token_persons,
        "fill_s": round(filled, 1), "charte_s": round(charte_s, 2), "floor_s": round(floor_s, 2),
        "ratio": round(floor_s / charte_s, 2), "verify_month_s": round(verify_s, 2),
        "month_entries": verdict.as_dict()["entries"], "chain_ok": scope["chain"]["ok"],
        "found": persons["in_register"], "floor_found": found, "peak_heap_mb": round(peak / 2**20, 1),
    }), flush=True)  # fmt: skip
    if (
        not scope["chain"]["ok"]
        or persons["in_register"] != args.token_persons
        or found != args.token_persons
    ):
        raise SystemExit(f"{name}: the scope found {persons}, the floor {found}, of {args.token_persons}")
    app.engine.dispose()
    app.audit_engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--token-persons", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgres" in engines and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or --engines sqlite)")
    if args.token_persons * 1.2 > args.entries // len(MONTHS):
        raise SystemExit("--entries is too small for the token's reads in one month")
    with tempfile.TemporaryDirectory(prefix="charte-breach-") as tmp:  # gigabytes at full size
        work = Path(tmp)
        for name in engines:
            with scratch_database(work, args.postgres if name == "postgres" else None, "bench_breach") as url:
                measure(name, url, args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
