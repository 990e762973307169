#!/usr/bin/env python3
"""Replaying the erasure ledger on a restored backup, next to the sweep it replays, in one run.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/replay_erasures.py [--persons 100000]
    .venv/bin/python bench/replay_erasures.py --sqlite [--persons 100000]

1. A demo register of --persons (on PostgreSQL a clone of the template bench/import_throughput.py
   --keep-template left, if any; else seeded in a database of its own and cloned): this is the
   backup, taken before the sweep.
2. `charte retention sweep` on a copy, as cron runs it (the erasure ledger written beside it).
3. The restore: another copy of the backup. `charte retention replay-erasures --since <backup>` on
   it, with the ledger of step 2, in a fresh process: time and peak RSS (VmHWM). It computes the
   keyed HMAC of every ref of the copy (one streamed pass) and redoes the sweep's erasures.
4. Checks the restored copy ends with as many persons as the swept one. Prints one JSON line: both
   times, their ratio (replay / sweep) and both peak memories.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from scratch import (
    KEYS,
    cloned_database,
    fresh_database,
    has_template,
    scratch_database,
    template_name,
    timed_cli,
)
from sqlalchemy import func, select

from charte.adapters.db import tables as t
from charte.adapters.db.engine import make_engine


def timed(env: dict[str, str], *args: str) -> tuple[float, float, dict[str, object]]:
    seconds, peak, out = timed_cli(env, *args)
    return seconds, peak, json.loads(out)


def persons(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(t.persons)).scalar_one()
    engine.dispose()
    return int(found)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    pg = None if args.sqlite else args.postgres
    if not args.sqlite and not pg:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or use --sqlite)")
    work = Path(tempfile.mkdtemp(prefix="charte-replay-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | KEYS
    base |= {"CHARTE_HOME": str(work / "home")}
    with ExitStack() as stack:
        seed = ["demo", "seed", "--persons", str(args.persons), "--seed", "7", "--as-of", "2026-11-26"]
        if pg and has_template(pg, args.persons):
            source = template_name(args.persons)
        elif pg:  # no kept template: a register seeded now, in a database of its own, then cloned
            source, url = stack.enter_context(fresh_database(pg, "replay_src"))
            for step in (["db", "upgrade"], seed):
                subprocess.run([sys.executable, "-m", "charte", *step], env=base | {"CHARTE_DATABASE_URL": url},
                               check=True, capture_output=True)  # fmt: skip
        if pg:
            swept = stack.enter_context(cloned_database(pg, source, "replay_a"))
            restored = stack.enter_context(cloned_database(pg, source, "replay_b"))
        else:
            swept = stack.enter_context(scratch_database(work, None, "replay_a"))
            for step in (["db", "upgrade"], seed):
                subprocess.run([sys.executable, "-m", "charte", *step], env=base | {"CHARTE_DATABASE_URL": swept},
                               check=True, capture_output=True)  # fmt: skip
            restored = f"sqlite:///{work / 'restored.db'}"
            # A SQLite backup is the register's file and its audit file (`<register>-audit.db`),
            # each with its write-ahead log folded in.
            for suffix in ("", "-audit"):
                register = Path(swept.removeprefix("sqlite:///"))
                part = register.with_name(f"{register.stem}{suffix}.db")
                engine = make_engine(f"sqlite:///{part}")
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
                shutil.copyfile(part, work / f"restored{suffix}.db")
        before = persons(restored)
        taken = datetime.now(UTC).isoformat()
        sweep_s, sweep_mb, swept_report = timed(
            base | {"CHARTE_DATABASE_URL": swept},
            "retention",
            "sweep",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        )
        replay_s, replay_mb, replayed = timed(
            base | {"CHARTE_DATABASE_URL": restored}, "retention", "replay-erasures", "--since", taken,
            "--format", "json",
        )  # fmt: skip
        after, expected = persons(restored), persons(swept)
        if after != expected:
            raise SystemExit(f"the replay left {after} persons, the sweep {expected}")
        print(json.dumps({
            "engine": "sqlite" if args.sqlite else "postgresql",
            "persons": before,
            "persons_erased": swept_report["persons_erased"],
            "units_erased": swept_report["units_erased"],
            "ledger_records": replayed["records"],
            "sweep_seconds": round(sweep_s, 1),
            "replay_seconds": round(replay_s, 1),
            "ratio_replay_to_sweep": round(replay_s / sweep_s, 2),
            "sweep_peak_rss_mb": round(sweep_mb, 1),
            "replay_peak_rss_mb": round(replay_mb, 1),
        }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
