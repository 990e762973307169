#!/usr/bin/env python3
"""An access request end to end at two register sizes, side by side in one run (issue 6 §5).

    .venv/bin/python bench/access_request.py [--small 10000] [--large 1000000] [--requests 40]
    .venv/bin/python bench/access_request.py --postgres postgresql://... (PostgreSQL instead of SQLite)

1. Builds two registers from the deterministic demo register (--small and --large persons), each
   imported with `charte events import` into a fresh database.
2. In this process, for --requests clients picked at random in each register: a verified access
   request is answered end to end — opened, an identity document attached and checked, then
   `fulfil`: the person read through the gate, their designated trusted persons, retention units,
   disclosures and consultations gathered, data.json, the letter in HTML and PDF, the ZIP written —
   timed from `open` to the ZIP on disk. The two sizes alternate, request by request, so that the
   machine's state weighs on both alike.
3. Prints p50 and p95 per size and the ratio large / small. Target: <= 1.5, and tens of
   milliseconds, not seconds: an answer must not grow with the register.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from scratch import register_database
from sqlalchemy import select

from charte.adapters.db import tables as t
from charte.adapters.demo_register import DemoRegister
from charte.bootstrap import Container, bootstrap
from charte.config import Settings, shipped_policy_path
from charte.services import answers, identity, rights

KEY = base64.b64encode(b"f" * 32).decode()
REF_KEY = base64.b64encode(b"r" * 32).decode()
PDF = b"%PDF-1.4\n% identity document\n"


def build(url: str, persons: int, home: Path, work: Path) -> None:
    events = work / f"events-{persons}.jsonl"
    with events.open("w", encoding="utf-8") as out:
        DemoRegister(seed=7, today=date(2026, 11, 26)).write(out, persons)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | {
        "CHARTE_DATABASE_URL": url,
        "CHARTE_HOME": str(home),
        "CHARTE_FIELD_KEY": KEY,
        "CHARTE_REF_KEY": REF_KEY,
    }
    for step in (["db", "upgrade"], ["events", "import", str(events), "--format", "json"]):
        subprocess.run([sys.executable, "-m", "charte", *step], env=env, check=True, capture_output=True)
    events.unlink()


def container(url: str, home: Path) -> Container:
    settings = Settings(
        policy_path=shipped_policy_path(), home=home, database_url=url, field_key=KEY, ref_key=REF_KEY
    )
    return bootstrap(settings)


def clients(c: Container, count: int, rng: random.Random) -> list[str]:
    r, p = t.roles.c, t.persons.c
    with c.engine.connect() as conn:
        refs = list(
            conn.execute(
                select(p.ref)
                .join(t.roles, r.person_id == p.id)
                .where(r.role == "client")
                .order_by(p.id)
                .limit(50_000)
            ).scalars()
        )
    return rng.sample(refs, count)


def answer(c: Container, ref: str, out: Path) -> float:
    desk = c.rights_desk("bench-dpo", "dpo")
    started = time.perf_counter()
    opened = rights.open_request(
        desk,
        type_="access",
        received_on=c.clock.today(),
        channel="email",
        claimed_name="bench",
        contact="bench@example.org",
        person=ref,
    )
    identity.attach_document(desk, opened["id"], PDF)
    identity.verify(desk, opened["id"], "document")
    done = answers.fulfil(desk, opened["id"], out / str(opened["id"]))
    elapsed = time.perf_counter() - started
    if not Path(done["paths"][0]).is_file():
        raise SystemExit(f"no answer written for {ref}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    rng = random.Random(11)  # noqa: S311  # which clients are asked for: reproducible, not secret
    with tempfile.TemporaryDirectory(prefix="charte-access-bench-") as tmp:
        work = Path(tmp)
        with (
            register_database(work, args.postgres, args.small, "small") as (small_url, small_filled),
            register_database(work, args.postgres, args.large, "large") as (large_url, large_filled),
        ):
            sizes = {"small": (args.small, small_url), "large": (args.large, large_url)}
            filled = {"small": small_filled, "large": large_filled}
            wired = {}
            for name, (persons, url) in sizes.items():
                started = time.perf_counter()
                if not filled[name]:  # a clone of the kept PostgreSQL template is filled already
                    build(url, persons, work / f"home-{name}", work)
                print(
                    json.dumps(
                        {
                            "built": name,
                            "persons": persons,
                            "seconds": round(time.perf_counter() - started, 1),
                        }
                    ),
                    flush=True,
                )
                wired[name] = container(url, work / f"home-{name}")
            picked = {name: clients(c, args.requests, rng) for name, c in wired.items()}
            for name, c in wired.items():  # warm each side once: imports, compiled statements, fonts
                answer(c, picked[name][0], work / f"out-{name}")
            times: dict[str, list[float]] = {"small": [], "large": []}
            for i in range(1, args.requests):
                for name, c in wired.items():
                    times[name].append(answer(c, picked[name][i], work / f"out-{name}"))
            result: dict[str, object] = {
                "engine": "postgresql" if args.postgres else "sqlite",
                "requests_per_size": len(times["small"]),
            }
            for name, values in times.items():
                ordered = sorted(values)
                result[f"{name}_persons"] = sizes[name][0]
                result[f"{name}_p50_ms"] = round(statistics.median(ordered) * 1000, 1)
                result[f"{name}_p95_ms"] = round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1)
            result["p50_ratio_large_to_small"] = round(result["large_p50_ms"] / result["small_p50_ms"], 2)  # type: ignore[operator]
            result["p95_ratio_large_to_small"] = round(result["large_p95_ms"] / result["small_p95_ms"], 2)  # type: ignore[operator]
            print(json.dumps(result), flush=True)
            for c in wired.values():
                c.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
