#!/usr/bin/env python3
"""Event import throughput and memory, next to the raw executemany of the same rows, in one run.

    .venv/bin/python bench/import_throughput.py --events 1000000 [--engines sqlite,postgres]

1. Generates a demo register of about --events events (deterministic, docs/events.md).
2. For each engine, imports it with `charte events import` in a fresh process on an empty,
   migrated database, and reads that process's peak RSS.
3. The floors: copies every row charte wrote into another empty database with the driver's raw
   DB-API `executemany` (sqlite3, psycopg), in batches of 2,000 (charte's chunk size), one
   transaction, timing only the inserts; on PostgreSQL also with COPY (psycopg's `write_row`,
   one COPY per table, one transaction), the fastest way PostgreSQL takes rows from a client.
   Same rows, same engine, same run. The targets: SQLite at least 1/3 of its executemany floor,
   PostgreSQL at least 1/3 of its COPY floor.
4. Memory: imports a tenth of the file too, to show whether peak RSS grows with the file.

PostgreSQL is used when CHARTE_TEST_DATABASE_URL (or --postgres URL) is set; each database is
a schema of its own, dropped afterwards. Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from scratch import database_url, schema_url, template_name
from sqlalchemy import Engine, func, select, text

from charte.adapters.db import migrate
from charte.adapters.db.engine import make_engine
from charte.adapters.db.tables import metadata
from charte.adapters.demo_register import DemoRegister

BATCH = 2000
RUN = """
import sys, time
import charte.entrypoints.cli.app  # loaded before the clock starts, as before
from charte.entrypoints.cli import launch
sys.argv = ["charte", *["events", "import", sys.argv[1], "--format", "json"]]
start = time.perf_counter()
try:
    launch.run()  # the `charte` command's own entry point (its collector tuning included)
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
print(f"SECONDS {time.perf_counter() - start}", file=sys.stderr)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a large parent
# would report the parent's peak; VmHWM belongs to this process's own address space.
hwm = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(f"PEAK_KB {hwm}", file=sys.stderr)
sys.exit(code)
"""


class Database:
    """An empty database on one engine: a SQLite file, or a PostgreSQL schema of its own."""

    def __init__(
        self, engine_name: str, workdir: Path, pg_url: str | None, keep_as: str | None = None
    ) -> None:
        self.schema, self.kept = None, keep_as
        if keep_as is not None and pg_url:  # a database of its own, left for the other benchmarks
            admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{keep_as}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{keep_as}"'))
            admin.dispose()
            self.url = database_url(pg_url, keep_as)
        elif engine_name == "sqlite":
            self.url = f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
        else:
            if not pg_url:
                raise SystemExit("PostgreSQL runs need --postgres URL or CHARTE_TEST_DATABASE_URL")
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            self.admin = make_engine(pg_url)
            with self.admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = schema_url(pg_url, self.schema)
        self.engine: Engine = make_engine(self.url)
        migrate.upgrade(self.engine)

    def drop(self) -> None:
        self.engine.dispose()
        if self.kept:
            with make_engine(self.url).begin() as conn:  # as autovacuum would, before it is cloned
                conn.exec_driver_sql("ANALYZE")
        elif self.schema:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()


def charte_import(db: Database, events_file: Path, workdir: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "CHARTE_DATABASE_URL": db.url,
        "CHARTE_HOME": str(workdir / "home"),
        # The keys every benchmark uses: a kept template is read by the others with them.
        "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
        "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
        # a kept template was written with these keys too (sealed transcripts, signed audit, codes)
        "CHARTE_RECORDINGS_KEY": base64.b64encode(b"m" * 32).decode(),
        "CHARTE_AUDIT_SIGNING_KEY": base64.b64encode(b"a" * 32).decode(),
        "CHARTE_CODES_KEY": base64.b64encode(b"c" * 32).decode(),
    }
    proc = subprocess.run(
        [sys.executable, "-c", RUN, str(events_file)], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"import failed: {proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout)
    figures = dict(
        line.split() for line in proc.stderr.splitlines() if line.startswith(("SECONDS", "PEAK_KB"))
    )
    return {
        "applied": summary["applied"],
        "seconds": float(figures["SECONDS"]),
        "peak_rss_mb": int(figures["PEAK_KB"]) / 1024,
    }


def unseed(target: Database) -> None:
    """Empty the rows the migrations seed (the person search's state...), untimed: the floors
    copy every row charte's database holds, those included."""
    with target.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                conn.execute(table.delete())


def floor_copy(source: Database, target: Database) -> tuple[float, int]:
    """Insert every row of `source` into `target` with the driver's own executemany (DB-API), in
    batches of 2,000, one transaction; only the inserts and the commit are timed."""
    unseed(target)
    spent, rows = 0.0, 0
    marker = "?" if source.engine.dialect.name == "sqlite" else "%s"
    with source.engine.connect() as src, target.engine.connect() as dst:
        quote = dst.dialect.identifier_preparer.quote
        cursor = dst.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if marker == "?":
            # charte runs sqlite3 with isolation_level=None (SQLAlchemy emits BEGIN itself), so the
            # raw cursor is in autocommit: the floor opens its one transaction explicitly too.
            cursor.execute("BEGIN")
        for table in metadata.sorted_tables:
            columns = [
                c.name for c in table.columns if c.computed is None
            ]  # generated: the database writes them
            names = ", ".join(quote(c) for c in columns)
            read = src.exec_driver_sql(f"SELECT {names} FROM {quote(table.name)}")  # table metadata
            write = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([marker] * len(columns))})"
            while batch := read.fetchmany(BATCH):
                values = [tuple(row) for row in batch]
                started = time.perf_counter()
                cursor.executemany(write, values)
                spent += time.perf_counter() - started
                rows += len(values)
        started = time.perf_counter()
        dst.connection.dbapi_connection.commit()  # type: ignore[union-attr]
        spent += time.perf_counter() - started
    return spent, rows


def floor_pg_copy(source: Database, target: Database) -> tuple[float, int]:
    """Insert every row of `source` into `target` with PostgreSQL's COPY, one per table, one
    transaction; only the rows' writing and the commit are timed (not reading them from source)."""
    unseed(target)
    spent, rows = 0.0, 0
    with source.engine.connect() as src, target.engine.connect() as dst:
        quote = dst.dialect.identifier_preparer.quote
        raw = dst.connection.driver_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        for table in metadata.sorted_tables:
            columns = [c.name for c in table.columns if c.computed is None]
            names = ", ".join(quote(c) for c in columns)
            read = src.exec_driver_sql(f"SELECT {names} FROM {quote(table.name)}")  # table metadata
            started = time.perf_counter()
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                spent += time.perf_counter() - started
                while batch := read.fetchmany(BATCH):
                    started = time.perf_counter()
                    for row in batch:
                        copy.write_row(row)
                    spent += time.perf_counter() - started
                    rows += len(batch)
                started = time.perf_counter()
            spent += time.perf_counter() - started  # the COPY's end: its last rows flushed
        started = time.perf_counter()
        raw.commit()  # type: ignore[union-attr]
        spent += time.perf_counter() - started
    return spent, rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    parser.add_argument(
        "--keep-template",
        action="store_true",
        help="Keep each PostgreSQL register as a database (scratch.template_name) for the other benchmarks.",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="charte-bench-") as tmp:
        work = Path(tmp)
        files = {}
        for size in (args.events // 10, args.events):
            path = work / f"events-{size}.jsonl"
            started = time.perf_counter()
            with path.open("w", encoding="utf-8") as out:
                # About 1.85 events per person in the demo register.
                stats = DemoRegister(seed=42, today=date(2026, 11, 26)).write(out, max(1, int(size / 1.85)))
            files[size] = (path, stats.events)
            print(
                json.dumps(
                    {
                        "generated_events": stats.events,
                        "persons": stats.persons,
                        "seconds": round(time.perf_counter() - started, 1),
                    }
                ),
                flush=True,
            )
        for engine_name in args.engines.split(","):
            if engine_name == "postgres" and not args.postgres:
                print(json.dumps({"engine": "postgres", "skipped": "set CHARTE_TEST_DATABASE_URL"}))
                continue
            for size, (path, count) in files.items():
                keep = None
                if args.keep_template and engine_name == "postgres":
                    keep = template_name(max(1, int(size / 1.85)))
                db = Database(engine_name, work, args.postgres, keep)
                try:
                    result = charte_import(db, path, work)
                    row = {
                        "engine": engine_name,
                        "persons": max(1, int(size / 1.85)),
                        "events": count,
                        "charte_seconds": round(result["seconds"], 1),
                        "charte_events_per_s": round(count / result["seconds"]),
                        "charte_peak_rss_mb": round(result["peak_rss_mb"], 1),
                    }
                    if size == args.events:
                        floor = Database(engine_name, work, args.postgres)
                        try:
                            seconds, rows = floor_copy(db, floor)
                        finally:
                            floor.drop()
                        row |= {
                            "floor_rows": rows,
                            "floor_seconds": round(seconds, 1),
                            "floor_events_per_s": round(count / seconds),
                            "ratio_charte_to_floor": round(seconds / result["seconds"], 3),
                        }
                        if engine_name == "postgres":
                            floor = Database(engine_name, work, args.postgres)
                            try:
                                seconds, rows = floor_pg_copy(db, floor)
                            finally:
                                floor.drop()
                            row |= {
                                "copy_floor_seconds": round(seconds, 1),
                                "copy_floor_events_per_s": round(count / seconds),
                                "ratio_charte_to_copy_floor": round(seconds / result["seconds"], 3),
                            }
                    print(json.dumps(row), flush=True)
                finally:
                    db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
