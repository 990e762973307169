#!/usr/bin/env python3
"""Retention sweep throughput and memory, next to the same writes replayed by hand, in one run.

    .venv/bin/python bench/sweep_throughput.py --persons 1000000 --engines sqlite
    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/sweep_throughput.py --persons 100000

1. Builds a demo register of --persons persons (deterministic) and imports it; counts the persons
   with units due on --as-of.
2. Copies it twice (a SQLite file copy; a PostgreSQL schema copied table by table).
3. charte: sweeps copy A in this process, as `charte retention sweep` does (erasures chained in
   the audit), capturing every write statement it sends to the driver, batch by batch (the capture
   is a list append).
4. The floor: replays exactly those writes — the same deletes and tombstone inserts, in the same
   batches, one transaction each — on copy B with the raw DB-API cursor, without the reads and the
   logic that decide them.
5. Peak RSS: sweeps copy C with `charte retention sweep` in a fresh process.
Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from scratch import cloned_database, has_template, schema_url, template_name
from sqlalchemy import Engine, event, func, select, text

from charte.adapters.clock import SystemClock
from charte.adapters.db import migrate
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.engine import make_engine
from charte.adapters.db.erasure_store import SqlErasureStore
from charte.adapters.db.tables import metadata, persons, retention_units
from charte.adapters.demo_register import DemoRegister
from charte.adapters.policy_file import YamlPolicyLoader
from charte.adapters.ref_hmac import RefHasher
from charte.config import shipped_policy_path
from charte.services.erasure import Eraser

KEYS = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
}
RUN = """
import sys, time
from charte.entrypoints.cli.app import main
start = time.perf_counter()
code = main(["retention", "sweep", "--as-of", sys.argv[1], "--format", "json"])
print(f"SECONDS {time.perf_counter() - start}", file=sys.stderr)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a large parent
# would report the parent's peak; VmHWM belongs to this process's own address space.
hwm = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(f"PEAK_KB {hwm}", file=sys.stderr)
sys.exit(code)
"""


def url_for(engine_name: str, work: Path, pg: str | None, name: str) -> tuple[str, str | None]:
    if engine_name == "sqlite":
        return f"sqlite:///{work / f'{name}.db'}", None
    if not pg:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL")
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema_url(pg, schema), schema


def copy(engine_name: str, source_url: str, work: Path, pg: str | None, name: str) -> tuple[str, str | None]:
    target, schema = url_for(engine_name, work, pg, name)
    if engine_name == "sqlite":
        src = make_engine(source_url)
        with src.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        src.dispose()
        shutil.copyfile(source_url.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))
        return target, schema
    dst = make_engine(target)
    migrate.upgrade(dst)
    source_schema = source_url.rsplit("%3D", 1)[1]
    with dst.begin() as conn:
        for table in metadata.sorted_tables:  # generated columns are computed again, not copied
            names = ", ".join(f'"{c.name}"' for c in table.c if c.computed is None)
            conn.exec_driver_sql(
                f'INSERT INTO "{schema}"."{table.name}" ({names}) '
                f'SELECT {names} FROM "{source_schema}"."{table.name}"'
            )
        for table in metadata.sorted_tables:  # keep the sequences in step with the copied ids
            if (
                "id" in table.c
                and table.c.id.autoincrement is not False
                and table.c.id.type.python_type is int
            ):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{schema}\".\"{table.name}\"', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{schema}"."{table.name}"), 1))'
                )
        # Statistics, as autovacuum would gather them after a bulk load: both copies get the same.
        for table in metadata.sorted_tables:
            conn.exec_driver_sql(f'ANALYZE "{schema}"."{table.name}"')
    dst.dispose()
    return target, schema


def capture_sweep(url: str, as_of: date) -> tuple[float, list[list[tuple[str, Any, bool]]], dict[str, Any]]:
    engine = make_engine(url)
    batches: list[list[tuple[str, Any, bool]]] = [[]]

    @event.listens_for(engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("SELECT", "BEGIN", "PRAGMA")):
            batches[-1].append((statement, parameters, executemany))

    @event.listens_for(engine, "commit")
    def close(conn):  # type: ignore[no-untyped-def]
        batches.append([])

    policy = YamlPolicyLoader(shipped_policy_path()).load().policy
    hasher = RefHasher(base64.b64decode(KEYS["CHARTE_REF_KEY"]))
    # As `charte retention sweep` runs it: each erasure chained in the audit, in its batch.
    eraser = Eraser(SqlErasureStore(engine, hasher, audit=SqlAuditStore(engine)), policy, SystemClock())
    started = time.perf_counter()
    totals = eraser.sweep(as_of, dry_run=False, batch_size=500)
    seconds = time.perf_counter() - started
    engine.dispose()
    summary = {
        "units": sum(totals.units.values()),
        "persons_erased": totals.persons_erased,
        "batches": totals.batches,
    }
    return seconds, [b for b in batches if b], summary


def replay(url: str, batches: list[list[tuple[str, Any, bool]]]) -> float:
    engine: Engine = make_engine(url)
    spent = 0.0
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        sqlite = engine.dialect.name == "sqlite"
        for batch in batches:
            started = time.perf_counter()
            if sqlite:
                cursor.execute("BEGIN")
            for statement, parameters, many in batch:
                (cursor.executemany if many else cursor.execute)(statement, parameters)
            raw.commit()  # type: ignore[union-attr]
            spent += time.perf_counter() - started
    engine.dispose()
    return spent


def rss_sweep(url: str, as_of: date, work: Path) -> tuple[float, float]:
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
        | KEYS
        | {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(work / "home")}
    )
    proc = subprocess.run(
        [sys.executable, "-c", RUN, as_of.isoformat()], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"sweep failed: {proc.stderr[-2000:]}")
    figures = dict(
        line.split() for line in proc.stderr.splitlines() if line.startswith(("SECONDS", "PEAK_KB"))
    )
    return float(figures["SECONDS"]), int(figures["PEAK_KB"]) / 1024


def measure(
    engine_name: str, urls: tuple[str, str, str], as_of: date, work: Path, events: int | None
) -> None:
    """Sweep copy A in this process (captured), replay on copy B, sweep copy C with the CLI."""
    a_url, b_url, c_url = urls
    engine = make_engine(a_url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(persons)).scalar_one()
        due = conn.execute(
            select(func.count(retention_units.c.person_id.distinct())).where(
                retention_units.c.purge_due <= as_of
            )
        ).scalar_one()
    engine.dispose()
    rss_s, peak = rss_sweep(c_url, as_of, work)  # first, while this process is still small
    charte_s, batches, summary = capture_sweep(a_url, as_of)
    floor_s = replay(b_url, batches)
    print(
        json.dumps(
            {
                "engine": engine_name,
                "persons": total,
                "events": events,
                "persons_with_due_units": due,
                "due_share": round(due / total, 3),
                "units_erased": summary["units"],
                "persons_erased": summary["persons_erased"],
                "batches": summary["batches"],
                "charte_seconds": round(charte_s, 1),
                "floor_seconds": round(floor_s, 1),
                "ratio_charte_to_floor": round(charte_s / floor_s, 2),
                "cli_sweep_seconds": round(rss_s, 1),
                "cli_peak_rss_mb": round(peak, 1),
            }
        ),
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory(prefix="charte-sweep-bench-") as tmp:
        work = Path(tmp)
        events = work / "events.jsonl"
        stats = None
        for engine_name in args.engines.split(","):
            if engine_name == "postgres" and not args.postgres:
                print(json.dumps({"engine": "postgres", "skipped": "set CHARTE_TEST_DATABASE_URL"}))
                continue
            if engine_name == "postgres" and has_template(args.postgres, args.persons):
                # Three file copies of the kept template (bench/import_throughput.py --keep-template).
                with ExitStack() as stack:
                    urls = tuple(
                        stack.enter_context(
                            cloned_database(args.postgres, template_name(args.persons), f"sweep_{x}")
                        )
                        for x in "abc"
                    )
                    measure(engine_name, urls, as_of, work, None)  # type: ignore[arg-type]
                continue
            if stats is None:
                with events.open("w", encoding="utf-8") as out:
                    stats = DemoRegister(seed=42, today=date(2026, 11, 26)).write(out, args.persons)
            schemas = []
            a_url, schema = url_for(engine_name, work, args.postgres, "a")
            schemas.append(schema)
            env = (
                {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
                | KEYS
                | {"CHARTE_DATABASE_URL": a_url, "CHARTE_HOME": str(work / "home")}
            )
            for step in (["db", "upgrade"], ["events", "import", str(events), "--format", "json"]):
                subprocess.run(
                    [sys.executable, "-m", "charte", *step], env=env, check=True, capture_output=True
                )
            if engine_name == "postgres":
                engine = make_engine(a_url)
                with engine.begin() as conn:  # as autovacuum would after the load (the copies too)
                    for table in metadata.sorted_tables:
                        conn.exec_driver_sql(f'ANALYZE "{schema}"."{table.name}"')
                engine.dispose()
            b_url, b_schema = copy(engine_name, a_url, work, args.postgres, "b")
            c_url, c_schema = copy(engine_name, a_url, work, args.postgres, "c")
            schemas += [b_schema, c_schema]
            measure(engine_name, (a_url, b_url, c_url), as_of, work, stats.events)
            if engine_name == "postgres":
                admin = make_engine(args.postgres)
                with admin.begin() as conn:
                    for s in schemas:
                        if s:
                            conn.execute(text(f'DROP SCHEMA "{s}" CASCADE'))
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
