#!/usr/bin/env python3
"""Screening a campaign: a million contacts against a million persons, on SQLite and PostgreSQL,
next to the same indexed lookups through the raw driver.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/prospecting_screen.py \
        [--persons 1000000] [--contacts 1000000] [--suppressed 200000] [--engines sqlite,postgres]

1. A scratch register per engine: --persons persons with names, a unique e-mail address and phone
   number each (written straight into the tables, as bench/person_search.py does, then the person
   search's index built); a suppression list of --suppressed keyed hashes (half the register's
   numbers, half numbers outside it); a phone consent for prospecting for three persons in ten;
   a running contract for one in ten; two calls in November 2026 for one in ten, one of them
   refused for one in twenty.
2. A campaign file of --contacts lines (CSV): four in five numbers of the register written as
   people write them (« 06 12 34 56 78 », « +33 6 12 34 56 78 », « 0612345678 »), one in five
   numbers nobody holds; all to be called on Monday 7 December 2026 at 11:00.
3. charte: `services.prospecting.screen` as `charte prospecting screen` runs it — the file read
   line by line, each number canonicalised, batches of 2,000 looked up (one statement per kind of
   fact) and decided by the domain, each batch audited, each answer serialised as a JSON line —
   wall time, and the growth of the process's peak memory screening a tenth of the file and then
   all of it (flat: one batch at a time).
4. The floor: the same file read with the csv module, each number brought to its canonical form
   by the regular expression of domain.contacts (no validation), keyed, and the same lookups per
   batch of 2,000 — consents, suppression list, objections by contact, persons holding the number,
   objections by person, contracts, calls, the Bloctel list — through the raw driver (sqlite3;
   psycopg with one array parameter per lookup), rows fetched, nothing decided.

Prints one JSON line per engine: contacts per second for charte and the floor, their ratio
(target ≥ 0.5), the answers' split, and the memory growth. Run at a tiny size in CI
(tests/e2e/test_bench_prospecting_screen.py) so that it cannot rot.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
from person_search import fill, people, settled
from scratch import scratch_database

from charte.adapters.db import migrate
from charte.adapters.db import tables as t
from charte.adapters.db.bulk import insert_rows
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.contacts import canonical_phone
from charte.domain.prospecting import Channel
from charte.services.access import Reader
from charte.services.prospecting import screen

MOMENT = datetime(2026, 12, 7, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
BATCH = 2_000
CHUNK = 20_000
KEYS = {"field": base64.b64encode(b"f" * 32).decode(), "refs": base64.b64encode(b"r" * 32).decode()}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def phone(i: int) -> str:
    return f"06{i:08d}"


def written(number: str, j: int) -> str:
    """A number as people write it, three ways."""
    if j % 3 == 0:
        return " ".join(number[i : i + 2] for i in range(0, 10, 2))
    if j % 3 == 1:
        return "+33 " + number[1] + " " + " ".join(number[i : i + 2] for i in range(2, 10, 2))
    return number


def campaign(path: Path, contacts: int, persons: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("contact\n")
        for j in range(contacts):
            number = phone((j * 7919) % persons) if j % 5 else f"07{j:08d}"  # one in five unknown
            out.write(written(number, j) + "\n")


def facts(app, persons: int, suppressed: int) -> None:
    """The suppression list, consents, contracts and calls the screen reads."""
    hasher = app.ref_hasher
    now = datetime.now(UTC)
    key = lambda number: hasher(f"contact:phone:{number}")  # noqa: E731
    with app.engine.begin() as conn:
        half = suppressed // 2
        listed = [key(phone((i * 2) % persons)) for i in range(half)] + [
            key(f"07{i + 90_000_000:08d}") for i in range(suppressed - half)
        ]
        for start in range(0, len(listed), CHUNK):
            insert_rows(conn, t.suppression_list, ("contact_hmac", "added_on", "purge_due"),
                        [(h, date(2026, 1, 5), date(2029, 1, 6)) for h in dict.fromkeys(listed[start : start + CHUNK])],
                        conflict=("contact_hmac",))  # fmt: skip
        for start in range(0, persons, CHUNK):
            ids = range(start, min(start + CHUNK, persons))
            insert_rows(conn, t.consents, (
                "person_hmac", "purpose", "channel", "contact_hmac", "given_at", "method", "text_name",
                "text_sha256", "source_kind", "source_ref", "event_id"), [
                (hasher(f"person:P{i:07d}"), "prospecting", "phone", key(phone(i)), datetime(2026, 9, 1, tzinfo=UTC),
                 "web_form", "Formulaire v1", "ab" * 32, "subject", None, f"c{i}") for i in ids if i % 10 < 3])  # fmt: skip
            clients = [i for i in ids if i % 10 == 5]
            insert_rows(
                conn, t.sites, ("id", "ref", "created_at"), [(i + 1, f"S{i:07d}", now) for i in clients]
            )
            insert_rows(conn, t.contracts, ("id", "ref", "offer", "site_id", "signed_on"),
                        [(i + 1, f"C{i:07d}", "Essentiel", i + 1, date(2025, 1, 1)) for i in clients])  # fmt: skip
            insert_rows(conn, t.roles, ("person_id", "role", "contract_id", "source_kind", "started_on"),
                        [(i + 1, "client", i + 1, "subject", date(2025, 1, 1)) for i in clients])  # fmt: skip
            insert_rows(conn, t.contact_log, ("person_id", "on", "direction", "answered", "channel", "outcome", "event_id"), [
                (i + 1, date(2026, 11, day), "outbound", day == 20, "phone", "refused" if i % 20 == 7 and day == 20 else "no_answer",
                 f"x{i}-{day}") for i in ids if i % 10 == 7 for day in (10, 20)])  # fmt: skip


def charte_screen(app, path: Path, limit: int | None) -> tuple[float, dict[str, int], float]:
    sales = Reader(actor="bench", role="sales", purpose="prospecting")
    counts = {"allowed": 0, "refused": 0, "error": 0}
    before = peak_mb()
    start = time.perf_counter()
    with path.open("rb") as handle:
        source = io.BytesIO(b"".join(handle.readline() for _ in range(limit + 1))) if limit else handle
        sink = open(os.devnull, "wb")  # noqa: SIM115  # closed below
        lines = app.read_screen(source, channel=Channel.PHONE, moment=MOMENT)
        for answer in screen(policy=app.policy, store=app.prospecting_store(), contacts=app.consent_contacts,
                             gate=app.gate, auditor=app.auditor, reader=sales, lines=lines, campaign="bench"):  # fmt: skip
            counts[answer.get("answer", "error")] += 1
            sink.write(orjson.dumps(answer) + b"\n")
        sink.close()
    return time.perf_counter() - start, counts, peak_mb() - before


def floor_screen(app, url: str, path: Path) -> float:
    """The same lookups, batch by batch, through the raw driver; nothing decided."""
    hasher, pg = app.ref_hasher, url.startswith("postgresql")
    if pg:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://").split("?")[0],
                               options=f"-csearch_path={url.split('search_path%3D')[1]}" if "search_path" in url else None)  # fmt: skip
        run = lambda sql, *args: conn.execute(sql, args).fetchall()  # noqa: E731
    else:
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        run = lambda sql, *args: conn.execute(sql, args).fetchall()  # noqa: E731
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        batch: list[str] = []
        for row in rows:
            batch.append("phone:" + (canonical_phone(row[0]) or ""))
            if len(batch) == BATCH:
                _lookups(run, hasher, batch, pg)
                batch = []
        if batch:
            _lookups(run, hasher, batch, pg)
    conn.close()
    return time.perf_counter() - start


def _in(values: list, pg: bool) -> tuple[str, tuple]:
    if pg:
        return "= ANY(%s)", (list(values),)
    return f"IN ({','.join('?' * len(values))})", tuple(values)


def _lookups(run, hasher, contacts: list[str], pg: bool) -> None:
    keys = [hasher(f"contact:{c}") for c in contacts]
    k, kargs = _in(keys, pg)
    p = "%s" if pg else "?"
    run(f"SELECT contact_hmac, purpose, channel, given_at, withdrawn_at FROM consents WHERE contact_hmac {k} "
        f"AND purpose = {p} AND channel = {p}", *kargs, "prospecting", "phone")  # fmt: skip
    run(f"SELECT contact_hmac FROM suppression_list WHERE contact_hmac {k}", *kargs)
    run(f"SELECT oc.contact_hmac, o.purpose FROM objection_contacts oc JOIN oppositions o ON o.id = oc.opposition_id "
        f"WHERE oc.contact_hmac {k} AND o.purpose = {p}", *kargs, "prospecting")  # fmt: skip
    c, cargs = _in(contacts, pg)
    f, fargs = _in(["email", "phone"], pg)
    holders = run(f"SELECT s.term, p.id, p.ref FROM person_search s JOIN persons p ON p.id = s.person_id "
                  f"WHERE s.term {c} AND s.field {f}", *cargs, *fargs)  # fmt: skip
    ids = sorted({row[1] for row in holders}) or [0]
    refs = sorted({row[2] for row in holders}) or [""]
    r, rargs = _in(refs, pg)
    run(
        f"SELECT person_ref, purpose FROM oppositions WHERE person_ref {r} AND purpose = {p}",
        *rargs,
        "prospecting",
    )
    i, iargs = _in(ids, pg)
    run(f"SELECT r.person_id, k.signed_on, k.ended_on FROM roles r JOIN contracts k ON k.id = r.contract_id "
        f"WHERE r.person_id {i} AND r.role = {p}", *iargs, "client")  # fmt: skip
    run(f'SELECT person_id, "on", outcome FROM contact_log WHERE person_id {i} AND "on" >= {p} '
        f"AND direction = {p} AND channel = {p}", *iargs, date(2026, 10, 5), "outbound", "phone")  # fmt: skip
    run(
        f"SELECT id, dated FROM bloctel_lists WHERE dated <= {p} ORDER BY dated DESC, id DESC LIMIT 1",
        date(2026, 12, 7),
    )


def measure(name: str, url: str, args, work: Path) -> None:
    settings = Settings(policy_path=shipped_policy_path(), home=work / f"home-{name}", database_url=url,
                        field_key=KEYS["field"], ref_key=KEYS["refs"])  # fmt: skip
    app = bootstrap(settings)
    migrate.upgrade(app.engine)
    filled = time.perf_counter()
    fill(app.engine, people(args.persons, 7))
    facts(app, args.persons, args.suppressed)
    settled(app.engine)
    app.person_search().rebuild()
    filled = time.perf_counter() - filled
    path = work / f"campaign-{name}.csv"
    campaign(path, args.contacts, args.persons)
    _, _, tenth_growth = charte_screen(app, path, max(1, args.contacts // 10))
    charte_s, counts, growth = charte_screen(app, path, None)
    floor_s = floor_screen(app, url, path)
    print(json.dumps({
        "engine": name, "persons": args.persons, "contacts": args.contacts, "suppressed": args.suppressed,
        "fill_s": round(filled, 1), "charte_s": round(charte_s, 3), "floor_s": round(floor_s, 3),
        "charte_per_s": round(args.contacts / charte_s), "floor_per_s": round(args.contacts / floor_s),
        "ratio": round(floor_s / charte_s, 2), "answers": counts,
        "peak_growth_mb_tenth": round(tenth_growth, 1), "peak_growth_mb_all": round(growth, 1),
    }), flush=True)  # fmt: skip
    if counts["error"] or not counts["allowed"] or not counts["refused"]:
        raise SystemExit(f"{name}: unexpected answers {counts}")
    app.engine.dispose()
    if "audit_engine" in app.__dict__:
        app.audit_engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--suppressed", type=int, default=200_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    engines = args.engines.split(",")
    if "postgres" in engines and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or --engines sqlite)")
    work = Path(tempfile.mkdtemp(prefix="charte-screen-"))
    for name in engines:
        with scratch_database(work, args.postgres if name == "postgres" else None, "bench_screen") as url:
            measure(name, url, args, work)
        for leftover in work.glob("*.db*"):
            leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
