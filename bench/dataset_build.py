#!/usr/bin/env python3
"""An analysis dataset built from a register of N clients, next to its floor, in one run.

    .venv/bin/python bench/dataset_build.py --clients 1000000 --engines sqlite,postgres

1. Fills a scratch register with N clients, each with a running contract, a site with an address,
   a birth date and a client retention unit (bulk inserts; COPY on PostgreSQL: the filling is not
   measured).
2. charte: `charte datasets build client_base` in a fresh process — the population counted and
   selected, every row transformed (pseudonym, age and seniority bands, place, offer family),
   k-anonymity and l-diversity solved over a first pass, the rows spooled, mapped and filtered
   into Parquet and CSV, the data sheet, the audit entry. Seconds and peak RSS.
3. The floor: the same SELECT (compiled from charte's own statement) run by the raw driver and its
   raw values written to Parquet with pyarrow in batches, in a fresh process — the least any
   dataset build must do. Seconds and peak RSS.
Prints one JSON line per engine: `floor_over_charte` is the share of the floor's speed charte
reaches; `charte_peak_mb` must stay flat in N (the issue asks <= 300 MB at 1,000,000).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from scratch import KEYS, scratch_database, timed_cli
from sqlalchemy import Engine, insert, text

from charte.adapters.db import migrate
from charte.adapters.db import tables as t
from charte.adapters.db.dataset_source import SqlDatasetSource
from charte.adapters.db.engine import make_engine
from charte.adapters.policy_file import YamlPolicyLoader
from charte.config import shipped_policy_path

TODAY = datetime.now(ZoneInfo("Europe/Paris")).date()  # charte's day (its clock): the floor's population too
TOWNS = ("75011 Paris", "69003 Lyon", "13001 Marseille", "33000 Bordeaux", "59000 Lille", "67000 Strasbourg",
         "31000 Toulouse", "44000 Nantes", "35000 Rennes", "06000 Nice", "20000 Ajaccio", "97400 Saint-Denis")  # fmt: skip
OFFERS = ("Essentiel", "Confort", "Sérénité", "Pro")
BATCH = 20_000

FLOOR = """
import sys, time
import pyarrow as pa, pyarrow.parquet as pq
url, sql, out = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if url.startswith("sqlite"):
    import sqlite3
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    cur = conn.execute(sql)
else:
    import psycopg
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    cur = conn.cursor(name="floor")  # server-side: streamed
    cur.itersize = 10000
    cur.execute(sql)
writer, rows = None, 0
while batch := cur.fetchmany(10000):
    columns = list(zip(*batch))
    table = pa.table({f"c{i}": pa.array([None if v is None else str(v) for v in col]) for i, col in enumerate(columns)})
    writer = writer or pq.ParquetWriter(out, table.schema, compression="zstd")
    writer.write_table(table)
    rows += len(batch)
writer.close()
print(f"ROWS {rows}")
print(f"SECONDS {time.perf_counter() - start}", file=sys.stderr)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(f"PEAK_KB {line.split()[1]}", file=sys.stderr)
"""


def fill(engine: Engine, clients: int, seed: int) -> None:
    """N clients with everything a dataset reads, written in bulk (not measured)."""
    rng = random.Random(seed)  # noqa: S311  # benchmark data, not a secret
    now = datetime(2026, 1, 1, tzinfo=UTC)
    tables = {
        "persons": (t.persons, ("id", "ref", "created_at")),
        "person_fields": (t.person_fields, ("person_id", "field", "value")),
        "sites": (t.sites, ("id", "ref", "created_at")),
        "site_fields": (t.site_fields, ("site_id", "field", "value")),
        "contracts": (t.contracts, ("id", "ref", "offer", "site_id", "signed_on")),
        "roles": (t.roles, ("person_id", "role", "contract_id", "site_id", "source_kind", "started_on")),
        "retention_units": (t.retention_units, ("person_id", "kind", "context", "rule", "status")),
    }
    rows: dict[str, list[tuple[object, ...]]] = {name: [] for name in tables}
    for i in range(1, clients + 1):
        born = date(1935, 1, 1) + timedelta(days=rng.randint(0, 70 * 365))
        signed = TODAY - timedelta(days=rng.randint(30, 12 * 365))
        rows["persons"].append((i, f"P{i:08d}", now))
        rows["person_fields"].append((i, "birth_date", born.isoformat()))
        rows["sites"].append((i, f"S{i:08d}", now))
        rows["site_fields"].append((i, "site_address", f"{i} rue des Lilas, {rng.choice(TOWNS)}"))
        rows["contracts"].append((i, f"C{i:08d}", rng.choice(OFFERS), i, signed))
        rows["roles"].append((i, "client", i, i, "subject", signed))
        rows["retention_units"].append((i, "client", f"C{i:08d}", "client", "active"))
        if i % BATCH == 0 or i == clients:
            _write(engine, tables, rows)
            rows = {name: [] for name in tables}


def _write(engine: Engine, tables: dict, rows: dict[str, list[tuple[object, ...]]]) -> None:
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            for name, (_, columns) in tables.items():
                with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows[name]:
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        for name, (table, columns) in tables.items():
            conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows[name]])


def measure(name: str, url: str, clients: int, work: Path, seed: int) -> dict[str, object]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    fill(engine, clients, seed)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    filled = time.perf_counter() - started
    policy = YamlPolicyLoader(default=shipped_policy_path()).load().policy
    spec = policy.datasets["client_base"]
    source = SqlDatasetSource(engine, encrypted=policy.encrypted_fields)
    sql = str(source.query(spec, TODAY).compile(engine, compile_kwargs={"literal_binds": True}))
    engine.dispose()
    home = work / f"home-{name}"
    env = {
        **os.environ,
        **KEYS,
        "CHARTE_DATABASE_URL": url,
        "CHARTE_HOME": str(home),
        "CHARTE_ACTOR": "bench",
    }
    seconds, peak, out = timed_cli(
        env, "datasets", "build", "client_base", "--as", "recording_analyst", "--purpose", "service_improvement",
        "--format", "json",
    )  # fmt: skip
    built = json.loads(out)
    floor = subprocess.run([sys.executable, "-c", FLOOR, url, sql, str(work / f"floor-{name}.parquet")],
                           capture_output=True, text=True, check=True)  # fmt: skip
    err = dict(
        line.split(" ", 1) for line in floor.stderr.splitlines() if line.startswith(("SECONDS", "PEAK_KB"))
    )
    floor_s, floor_peak = float(err["SECONDS"]), int(err["PEAK_KB"]) / 1024
    floor_rows = int(floor.stdout.split()[-1])
    privacy = built["sheet"]["privacy"]
    return {
        "engine": name,
        "clients": clients,
        "fill_s": round(filled, 1),
        "rows_selected": floor_rows,
        "rows_published": built["rows"],
        "k_achieved": privacy["k_achieved"],
        "l_achieved": privacy["l_achieved"],
        "levels": privacy["levels"],
        "charte_s": round(seconds, 2),
        "floor_s": round(floor_s, 2),
        "floor_over_charte": round(floor_s / seconds, 3),
        "charte_peak_mb": round(peak, 1),
        "floor_peak_mb": round(floor_peak, 1),
        "charte_rows_per_s": round(built["rows"] / seconds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgres" in engines and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or --engines sqlite)")
    work = Path(tempfile.mkdtemp(prefix="charte-dataset-build-"))
    for name in engines:
        with scratch_database(work, args.postgres if name == "postgres" else None, "bench_dataset") as url:
            print(json.dumps(measure(name, url, args.clients, work, args.seed)), flush=True)
        for leftover in work.glob("*.db*"):
            leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
