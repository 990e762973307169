#!/usr/bin/env python3
"""The person search at a million persons, on SQLite and PostgreSQL, next to a lookup by ref.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/person_search.py \
        [--persons 1000000] [--queries 300] [--engines sqlite,postgres]

1. A scratch database per engine with --persons persons: refs, first and last names from Faker's
   fr_FR locale (seeded) with one in fifty from names Faker does not spell (Łukasz Żółć, Nguyễn
   Thị, Dvořák...), a unique e-mail address and phone number each — written straight into
   `persons` and `person_fields` (the search reads only those; the import's own speed is
   bench/import_throughput.py's) and vacuumed as autovacuum would, then the index built by
   `SqlPersonSearch.rebuild` (which vacuums it), timed, with the process's peak memory before
   and after.
2. For --queries persons drawn at random, each kind of search the DPO types — the last name, the
   first and last name, their beginnings (3 and 4 letters), the e-mail address, the phone number
   as people write it (« 06 12 34 56 78 »), the ref — through `SqlPersonSearch.find` (the same
   statements the console and the API run, the index's state check included), limit 11.
3. The floor: the fastest honest way to find one person, an equality lookup of `persons.ref` on
   its unique index, on the same engine, the same refs, the same number of times.

Prints one JSON line per engine and kind: p50 and p95 in ms, the floor's p95 and the ratio, and
how many persons the queries found on average; then one line per engine for the index (terms,
seconds to rebuild, peak memory). Also the worst case: three letters alone (« mar »), which
matches several per cent of a French register.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from scratch import scratch_database
from sqlalchemy import Engine, select, text

from charte.adapters.db import migrate
from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.adapters.db.engine import make_engine
from charte.adapters.db.person_search import SqlPersonSearch
from charte.domain.policy import Search
from charte.domain.search import fold, parse

SEARCH = Search(names=("first_name", "last_name"), contacts=("email", "phone"))
ELSEWHERE = [  # names outside Windows-1252 or French habits, one person in fifty
    ("Łukasz", "Żółć"), ("Nguyễn Thị", "Minh Khai"), ("Jiří", "Dvořák"), ("Şükrü", "Öztürk"),
    ("Søren", "Ørsted"), ("Đorđe", "Đukić"), ("Zoë", "Œuvray"), ("Ngozi", "Okonjo-Iweala"),
]  # fmt: skip
CHUNK = 20_000


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def people(count: int, seed: int) -> list[tuple[str, str, str, str, str]]:
    """(ref, first name, last name, e-mail, phone) for ``count`` persons, the same for a seed."""
    from faker import Faker

    fake, rng = Faker("fr_FR"), random.Random(seed)  # noqa: S311  # test data, not secrets
    fake.seed_instance(seed)
    firsts = [fake.first_name() for _ in range(5000)]  # Faker's lists, drawn once: fast and seeded
    lasts = [fake.last_name() for _ in range(5000)]
    out = []
    for i in range(count):
        first, last = (
            rng.choice(ELSEWHERE) if rng.random() < 0.02 else (rng.choice(firsts), rng.choice(lasts))
        )
        handle = ".".join(fold(first).split() + fold(last).replace("-", " ").split())
        out.append((f"P{i:07d}", first, last, f"{handle}{i}@example.org", f"06{i:08d}"))
    return out


def fill(engine: Engine, persons: list[tuple[str, str, str, str, str]]) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for start in range(0, len(persons), CHUNK):
            page = persons[start : start + CHUNK]
            insert_rows(conn, t.persons, ("id", "ref", "created_at"),
                        [(start + i + 1, p[0], now) for i, p in enumerate(page)])  # fmt: skip
            insert_rows(
                conn,
                t.person_fields,
                ("person_id", "field", "value"),
                [
                    (start + i + 1, field, value)
                    for i, p in enumerate(page)
                    for field, value in zip(("first_name", "last_name", "email", "phone"), p[1:], strict=True)
                ],
            )


def settled(engine: Engine) -> None:
    """The register as it stands after autovacuum has passed (PostgreSQL) or ANALYZE (SQLite): the
    state every query of a running register meets, not that of a table loaded a second ago."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) persons, person_fields"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def typed(kind: str, person: tuple[str, str, str, str, str]) -> str:
    ref, first, last, email, phone = person
    if kind == "last_name":
        return last
    if kind == "first_and_last":
        return f"{first} {last}"
    if kind == "beginnings":  # what a hurried DPO types: « ana dur »
        return f"{fold(first)[:3]} {fold(last)[:4]}"
    if kind == "email":
        return email.upper()
    if kind == "phone":
        return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    return ref


def timings(run, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def finding(finder: SqlPersonSearch, found: list[int]) -> Callable[[str], None]:
    """One search of a typed text, the number of persons it found kept in ``found``."""

    def run(text: str) -> None:
        found.append(len(finder.find(parse(text), 11)))

    return run


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def measure(engine_name: str, url: str, persons: list[tuple[str, str, str, str, str]], args) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    fill(engine, persons)
    settled(engine)
    finder = SqlPersonSearch(engine, SEARCH)
    before = peak_mb()
    start = time.perf_counter()
    terms = finder.rebuild()
    rebuilt = time.perf_counter() - start
    print(json.dumps({"engine": engine_name, "persons": len(persons), "index_terms": terms,
                      "rebuild_s": round(rebuilt, 1), "terms_per_s": round(terms / rebuilt),
                      "peak_mb_before": round(before), "peak_mb_after": round(peak_mb())}), flush=True)  # fmt: skip
    rng = random.Random(args.seed + 1)  # noqa: S311  # a sample, not a secret
    sample = [persons[rng.randrange(len(persons))] for _ in range(args.queries)]
    refs = [p[0] for p in sample]

    def floor(ref: str) -> None:
        with engine.connect() as conn:
            conn.execute(select(t.persons.c.id).where(t.persons.c.ref == ref)).first()

    timings(floor, refs[:20])  # warm the caches and the pool, for both sides alike
    floor_ms = timings(floor, refs)
    floor_p95 = p95(floor_ms)
    worst = ["mar", "jea", "ber", "mic", "dub"] * 4  # three letters alone: several per cent each
    kinds = ["last_name", "first_and_last", "beginnings", "email", "phone", "ref", "three_letters_alone"]
    for kind in kinds:
        found: list[int] = []
        texts = worst if kind == "three_letters_alone" else [typed(kind, p) for p in sample]
        ms = timings(finding(finder, found), texts)
        if kind in ("first_and_last", "email", "phone", "ref") and not all(found):
            raise SystemExit(f"{kind}: a person was not found")
        print(json.dumps({"engine": engine_name, "persons": len(persons), "kind": kind, "queries": len(ms),
                          "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(p95(ms), 2),
                          "floor_p95_ms": round(floor_p95, 3), "p95_over_floor": round(p95(ms) / floor_p95, 1),
                          "found_mean": round(statistics.fmean(found), 1)}), flush=True)  # fmt: skip
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgres" in engines and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or --engines sqlite)")
    persons = people(args.persons, args.seed)
    work = Path(tempfile.mkdtemp(prefix="charte-person-search-"))
    for name in engines:
        with scratch_database(work, args.postgres if name == "postgres" else None, "bench_search") as url:
            measure(name, url, persons, args)
        for leftover in work.glob("*.db*"):
            leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
