#!/usr/bin/env python3
"""The whole retention schedule streamed out, next to the raw driver reading the same rows, in one run.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/schedule.py [--persons 100000]
    .venv/bin/python bench/schedule.py --sqlite [--persons 100000]

1. A demo register of --persons persons: on PostgreSQL a clone of the template
   `bench/import_throughput.py --keep-template` left, if there is one; else imported into a fresh
   database (a PostgreSQL schema, or a SQLite file with --sqlite).
2. charte: `charte retention schedule --format json --as dpo` in a fresh process, its output read
   to the end (every unit of the register, streamed), timed, with the process's peak RSS (VmHWM).
3. The floor: the same rows — the units joined to their persons' refs, in charte's order — read
   with the raw DB-API cursor (server-side on PostgreSQL) and dropped, timed.
Prints one JSON line: units, both times, the ratio and charte's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import KEYS, register_database, timed_cli

from charte.adapters.db.engine import make_engine

FLOOR = (
    "SELECT p.ref, u.kind, u.context, u.retention_end, u.purge_due, u.status, u.held_by, u.rule "
    "FROM retention_units u JOIN persons p ON p.id = u.person_id "
    "ORDER BY u.purge_due IS NULL, u.purge_due, u.id"
)


def floor(url: str) -> tuple[float, int]:
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.driver_connection.cursor(name="floor") if url.startswith("postgresql") else raw.cursor()
        cursor.execute(FLOOR)
        rows = 0
        while batch := cursor.fetchmany(10_000):
            rows += len(batch)
        took = time.perf_counter() - started
    finally:
        raw.close()
        engine.dispose()
    return took, rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.sqlite and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or use --sqlite)")
    work = Path(tempfile.mkdtemp(prefix="charte-schedule-"))
    pg = None if args.sqlite else args.postgres
    with register_database(work, pg, args.persons, "bench_schedule") as (url, filled):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | KEYS
        env |= {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(work / "home")}
        charte = [sys.executable, "-m", "charte"]
        subprocess.run([*charte, "db", "upgrade"], env=env, check=True, capture_output=True)
        if not filled:
            seed = ["demo", "seed", "--persons", str(args.persons), "--seed", "7", "--as-of", "2026-11-26"]
            subprocess.run([*charte, *seed], env=env, check=True, capture_output=True)
        if not args.sqlite:
            engine = make_engine(url)
            with engine.begin() as conn:  # as autovacuum would after the load
                conn.exec_driver_sql("ANALYZE retention_units")
                conn.exec_driver_sql("ANALYZE persons")
            engine.dispose()
        floor_s, rows = floor(url)
        charte_s, peak_mb, out = timed_cli(env, "retention", "schedule", "--format", "json", "--as", "dpo")
        units = len(json.loads(out))
        print(json.dumps({
            "engine": "sqlite" if args.sqlite else "postgresql",
            "persons": args.persons,
            "units": units,
            "floor_rows": rows,
            "charte_seconds": round(charte_s, 2),
            "floor_seconds": round(floor_s, 2),
            "ratio_charte_to_floor": round(charte_s / floor_s, 2),
            "charte_peak_rss_mb": round(peak_mb, 1),
        }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
