#!/usr/bin/env python3
"""Retention sweep throughput and memory, next to the same writes replayed by hand, in one run.

    .venv/bin/python bench/sweep_throughput.py --persons 1000000 --engines sqlite
    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/sweep_throughput.py --persons 100000

1. Builds a demo register of --persons persons (deterministic) and imports it; counts the persons
   with units due on --as-of.
2. Copies it: SQLite file copies; PostgreSQL databases cloned from the imported one
   (`CREATE DATABASE ... TEMPLATE`, or the kept template of bench/import_throughput.py).
3. charte: sweeps copy A in this process, as `charte retention sweep` does (erasures chained in
   the audit, orders, proofs, tombstones), capturing every write statement it sends to the
   driver, batch by batch (the capture is a list append).
4. Replay floor: replays exactly those writes — the same deletes and inserts, audit entries and
   orders included, in the same batches, one transaction each — on copy B with the raw DB-API
   cursor, without the reads and the logic that decide them.
5. Set-based floor: the erasure alone, done the fastest way SQL allows once the decision is
   known: on copy D, one DELETE per table of every row the sweep removed from A, then one
   INSERT ... SELECT each of the tombstones and proofs it wrote, in one transaction (the rows'
   keys are staged first, untimed). No audit entries, orders or ledger: the floor is stricter
   than charte's work. D's row counts are then checked equal to A's, table by table.
6. The operator's sweep: sweeps copy C with `charte retention sweep` in a fresh process (timed
   from the command's entry point: the policy's loading included, the modules' imports not), and its peak RSS read; `ratio_cli_to_set_based` sets it against the
   set-based floor.
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
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from scratch import cloned_database, fresh_database, has_template, template_name
from sqlalchemy import Engine, event, func, select

from charte.adapters.clock import SystemClock
from charte.adapters.db.audit_store import SqlAuditStore
from charte.adapters.db.engine import make_engine
from charte.adapters.db.erasure_store import SqlErasureStore
from charte.adapters.db.tables import metadata, persons, retention_units
from charte.adapters.demo_register import DemoRegister
from charte.adapters.policy_file import YamlPolicyLoader
from charte.adapters.ref_hmac import RefHasher
from charte.config import shipped_policy_path
from charte.services.erasure import Eraser
from charte.services.retention import SWEEP_BATCH

KEYS = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
    # a kept template was written with these keys too (sealed transcripts, signed audit, codes)
    "CHARTE_RECORDINGS_KEY": base64.b64encode(b"m" * 32).decode(),
    "CHARTE_AUDIT_SIGNING_KEY": base64.b64encode(b"a" * 32).decode(),
    "CHARTE_CODES_KEY": base64.b64encode(b"c" * 32).decode(),
}
RUN = """
import sys, time
import charte.entrypoints.cli.app  # loaded before the clock starts, as before
from charte.entrypoints.cli import launch
sys.argv = ["charte", *["retention", "sweep", "--as-of", sys.argv[1], "--format", "json"]]
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


def sqlite_copy(source_url: str, work: Path, name: str) -> str:
    """A file copy of a SQLite register, its write-ahead log folded in first."""
    src = make_engine(source_url)
    with src.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    src.dispose()
    target = work / f"{name}.db"
    shutil.copyfile(source_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


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
    totals = eraser.sweep(as_of, dry_run=False, batch_size=SWEEP_BATCH)
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


# The set-based floor does the erasure only: the audit's tables, the outbox and the sweep's own
# record stay charte's extra work (so the floor is stricter than what charte is measured doing).
NOT_ERASURE = frozenset({"audit_entries", "audit_heads", "audit_drop_permits", "outbox", "sweep_runs"})
WRITTEN = ("tombstones", "erasure_proofs")  # the rows an erasure leaves behind, inserted by the floor


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
            if table.name not in NOT_ERASURE
        }
    engine.dispose()
    return found


def _stage(conn: Any, a_url: str, name: str, columns: str, full: bool) -> None:
    """Copy A's keys (or, with ``full``, A's whole rows) of one table into a temporary table of
    this connection, untimed: SQLite attaches A's file; PostgreSQL streams COPY out of A into COPY
    in here (two databases cannot be joined)."""
    wanted = "*" if full else columns
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f'CREATE TEMP TABLE "a_{name}" AS SELECT {wanted} FROM a."{name}"')
        return
    conn.exec_driver_sql(f'CREATE TEMP TABLE "a_{name}" AS SELECT {wanted} FROM "{name}" WITH NO DATA')
    source = make_engine(a_url)
    with source.connect() as src:
        out = src.connection.driver_connection.cursor()  # type: ignore[union-attr]
        into = conn.connection.driver_connection.cursor()
        with (
            out.copy(f'COPY (SELECT {wanted} FROM "{name}") TO STDOUT') as reading,
            into.copy(f'COPY "a_{name}" FROM STDIN') as writing,
        ):
            for data in reading:
                writing.write(data)
    source.dispose()


def set_based_floor(a_url: str, d_url: str) -> tuple[float, int]:
    """On copy D, reach A's state after the sweep with one statement per table: (seconds, statements)."""
    before, after = _counts(d_url), _counts(a_url)
    engine = make_engine(d_url)
    timed: list[str] = []
    staged: list[str] = []
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"ATTACH DATABASE '{a_url.removeprefix('sqlite:///')}' AS a")
        for table in metadata.sorted_tables:
            name = table.name
            if name in NOT_ERASURE or (before[name] == after[name] and name not in WRITTEN):
                continue
            keys = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            _stage(conn, a_url, name, keys, name in WRITTEN)
            if before[name] > 0:
                conn.exec_driver_sql(
                    f'CREATE TEMP TABLE "gone_{name}" AS SELECT {keys} FROM "{name}" '
                    f'EXCEPT SELECT {keys} FROM "a_{name}"'
                )
                staged.append(f"gone_{name}")
                timed.insert(0, f'DELETE FROM "{name}" WHERE ({keys}) IN (SELECT {keys} FROM "gone_{name}")')
            if name in WRITTEN:
                others = [c.name for c in table.c if not c.primary_key]
                sets = ", ".join(f'"{c}" = excluded."{c}"' for c in others)
                # A person's tombstone may be re-dated by a later erasure: an upsert, as charte's.
                conn.exec_driver_sql(
                    f'CREATE TEMP TABLE "new_{name}" AS SELECT * FROM "a_{name}" EXCEPT SELECT * FROM "{name}"'
                )
                staged.append(f"new_{name}")
                # ("WHERE true": SQLite's parser needs it before an upsert's ON CONFLICT.)
                timed.append(
                    f'INSERT INTO "{name}" SELECT * FROM "new_{name}" WHERE true '
                    f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
                )
        if conn.dialect.name == "sqlite":
            conn.commit()
            conn.exec_driver_sql("DETACH DATABASE a")
            conn.commit()
        else:
            for name in staged:  # autovacuum never analyses temporary tables
                conn.exec_driver_sql(f'ANALYZE "{name}"')
            conn.commit()
        raw = conn.connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        started = time.perf_counter()
        if conn.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        for statement in timed:
            cursor.execute(statement)
        raw.commit()  # type: ignore[union-attr]
        spent = time.perf_counter() - started
    engine.dispose()
    reached = _counts(d_url)
    differ = {n: (reached[n], after[n]) for n in after if reached[n] != after[n] and n != "consents"}
    if differ:
        raise SystemExit(f"the set-based floor did not reach the sweep's state: {differ}")
    return spent, len(timed)


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
    engine_name: str, urls: tuple[str, str, str, str], as_of: date, work: Path, events: int | None
) -> None:
    """Sweep copy A in this process (captured), replay on copy B, sweep copy C with the CLI, the
    set-based floor on copy D."""
    a_url, b_url, c_url, d_url = urls
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
    set_s, statements = set_based_floor(a_url, d_url)
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
                "replay_floor_seconds": round(floor_s, 1),
                "ratio_charte_to_replay": round(charte_s / floor_s, 2),
                "set_based_floor_seconds": round(set_s, 1),
                "set_based_statements": statements,
                "ratio_charte_to_set_based": round(charte_s / set_s, 2),
                "cli_sweep_seconds": round(rss_s, 1),
                "cli_peak_rss_mb": round(peak, 1),
                # The sweep as the operator runs it (a fresh `charte retention sweep`, its policy
                # loaded in the timing): the in-process run above also pays for capturing every
                # statement and holding them for the replay.
                "ratio_cli_to_set_based": round(rss_s / set_s, 2),
            }
        ),
        flush=True,
    )


def import_register(url: str, events: Path, work: Path) -> None:
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")}
        | KEYS
        | {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(work / "home")}
    )
    for step in (["db", "upgrade"], ["events", "import", str(events), "--format", "json"]):
        subprocess.run([sys.executable, "-m", "charte", *step], env=env, check=True, capture_output=True)


@contextmanager
def imported_database(pg: str, events: Path, work: Path) -> Iterator[str]:
    """A PostgreSQL database holding the imported register, analysed as autovacuum would after a
    bulk load, to be cloned; dropped on the way out."""
    with fresh_database(pg, "sweep_src") as (name, url):
        import_register(url, events, work)
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        engine.dispose()
        yield name


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
            kept = engine_name == "postgres" and has_template(args.postgres, args.persons)
            if stats is None and not kept:
                with events.open("w", encoding="utf-8") as out:
                    stats = DemoRegister(seed=42, today=date(2026, 11, 26)).write(out, args.persons)
            with ExitStack() as stack:
                if engine_name == "postgres":
                    # Four file copies of one imported database: the kept template of
                    # bench/import_throughput.py --keep-template, or one imported now.
                    source = (
                        template_name(args.persons)
                        if kept
                        else stack.enter_context(imported_database(args.postgres, events, work))
                    )
                    urls = tuple(
                        stack.enter_context(cloned_database(args.postgres, source, f"sweep_{x}"))
                        for x in "abcd"
                    )
                else:
                    a_url = f"sqlite:///{work / 'a.db'}"
                    import_register(a_url, events, work)
                    urls = (a_url, *(sqlite_copy(a_url, work, x) for x in "bcd"))
                measure(engine_name, urls, as_of, work, None if kept else stats.events)  # type: ignore[arg-type,union-attr]
    return 0


if __name__ == "__main__":
    sys.exit(main())
