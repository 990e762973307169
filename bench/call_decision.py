"""How long the telephony waits for the recording decision, next to a bare database round trip.

    .venv/bin/python bench/call_decision.py [--objections 100000] [--calls 3000] [--postgres URL]

A scratch database gets ``--objections`` objections to recording (numbers and persons, as rights
requests and opt-out keys leave them). Then, for ``--calls`` calls — a third from an objecting
number, a third from an objecting person, a third from nobody — the decision is asked
(`services.calls.decision`: the keyed draw and the two indexed lookups), each timed, alternating
with the floor: one `SELECT 1` on the same engine. Prints p50 and p99 of each and the ratio.
The HTTP path adds FastAPI's own cost; issue 9 measures the decision under mixed load.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from scratch import scratch_database
from sqlalchemy import text

from charte.adapters.db import migrate
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.contacts import contact_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objections", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder), args.postgres) as url:
        settings = Settings(policy_path=shipped_policy_path(), home=Path(folder) / "home", database_url=url,
                            field_key=base64.b64encode(b"f" * 32).decode())  # fmt: skip
        app = bootstrap(settings)
        migrate.upgrade(app.engine)
        hasher, stops = app.ref_hasher, app.policy.recordings.opposition_stops
        with app.engine.begin() as conn:  # the objections, in bulk
            conn.execute(
                text("INSERT INTO oppositions (id, purpose, person_ref, contact_hmacs, \"on\") VALUES (:i, :p, :r, '[]', :d)"),
                [{"i": i, "p": stops[i % len(stops)], "r": f"P{i}", "d": datetime(2026, 1, 1, tzinfo=UTC).date()}
                 for i in range(1, args.objections + 1)],
            )  # fmt: skip
            conn.execute(
                text("INSERT INTO objection_contacts (opposition_id, contact_hmac) VALUES (:i, :h)"),
                [
                    {"i": i, "h": hasher(f"contact:{contact_key(f'06{i:08d}')}")}
                    for i in range(1, args.objections + 1)
                ],
            )
        if args.postgres:  # what autovacuum does soon after a bulk load: fresh planner statistics
            with app.engine.begin() as conn:
                conn.execute(text("ANALYZE oppositions"))
                conn.execute(text("ANALYZE objection_contacts"))
        desk = app.call_desk()
        from charte.services.calls import decision

        ours, floor = [], []
        now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        with app.engine.connect() as conn:
            for n in range(args.calls):
                kind = n % 3
                number = f"06{(n % args.objections) + 1:08d}" if kind == 0 else f"07{n:08d}"
                person = f"P{(n % args.objections) + 1}" if kind == 1 else None
                start = time.perf_counter()
                decision(desk, number=number, direction="inbound", at=now, call=f"C{n}", person=person)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                conn.execute(text("SELECT 1")).scalar()
                floor.append(time.perf_counter() - start)

        def ms(values: list[float], q: float) -> float:
            return round(statistics.quantiles(values, n=100)[int(q) - 1] * 1000, 3) if q < 100 else 0.0

        print(json.dumps({
            "engine": "postgresql" if args.postgres else "sqlite",
            "objections": args.objections,
            "calls": args.calls,
            "decision_p50_ms": ms(ours, 50),
            "decision_p99_ms": ms(ours, 99),
            "select1_p50_ms": ms(floor, 50),
            "select1_p99_ms": ms(floor, 99),
            "p50_ratio": round(ms(ours, 50) / ms(floor, 50), 1),
        }))  # fmt: skip
        app.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
