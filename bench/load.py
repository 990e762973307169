#!/usr/bin/env python3
"""`charte serve` on PostgreSQL under mixed load, at increasing concurrency, from a second process.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/load.py \
        [--persons 20000] [--stages 2,4,8,16] [--seconds 45]

1. A fresh PostgreSQL schema with a demo register of --persons, four actors: a station operator
   (audited reads under alarm_handling), the CRM (a system: event posts), the telephony (a system:
   recording decisions) and a DPO (rights requests).
2. `charte serve` on a loopback port, as a user runs it (one process; the audit's group commit on).
3. For each stage, that many client threads (keep-alive connections) send, for --seconds, a mix
   drawn at random: 60 % audited person reads, 25 % call decisions, 10 % event posts (five new
   prospects per post, JSON Lines), 5 % rights requests (opened, then read back). Every answer that
   is not 2xx counts as an error. The server's RSS is read from /proc every second.
4. Prints, per stage and kind: requests, throughput, p50 and p99 latency (ms), errors; then the
   memory samples' figures per stage, and the audit entries written against the audited reads.
Both processes share the machine's cores: the client's own Python cost is inside the figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from scratch import register_database
from sqlalchemy import func, select

from charte.adapters.db import tables as t
from charte.adapters.db.engine import make_engine

KEYS = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
    # a kept template was written with these keys too (sealed transcripts, signed audit, codes)
    "CHARTE_RECORDINGS_KEY": base64.b64encode(b"m" * 32).decode(),
    "CHARTE_AUDIT_SIGNING_KEY": base64.b64encode(b"a" * 32).decode(),
    "CHARTE_CODES_KEY": base64.b64encode(b"c" * 32).decode(),
}
MIX = (("read", 60), ("decide", 25), ("events", 10), ("rights", 5))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def actor(charte: list[str], env: dict[str, str], name: str, *how: str) -> str:
    added = subprocess.run(
        [*charte, "actors", "add", name, *how, "--json"], env=env, check=True, capture_output=True, text=True
    )
    if how[0] == "--role":  # staff read personal data only with a current training (docs/accountability.md)
        on = (datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)).isoformat()
        subprocess.run(
            [*charte, "trainings", "record", name, "--course", "rgpd_fondamentaux", "--on", on, "--as", "dpo"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    return str(json.loads(added.stdout)["token"])


class Stage:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        self.errors: dict[str, int] = dict.fromkeys(self.times, 0)
        self.samples: list[float] = []
        self.audited = 0


def client(i: int, base: str, tokens: dict[str, str], refs: list[str], stop: float, stage: Stage) -> None:
    draw = random.Random(i)  # noqa: S311  # a load mix, not a secret
    kinds, weights = zip(*MIX, strict=True)
    auth = {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}
    n = 0
    with httpx.Client(base_url=base, timeout=60) as http:
        while time.monotonic() < stop:
            kind = draw.choices(kinds, weights)[0]
            n += 1
            started = time.perf_counter()
            if kind == "read":
                ref = refs[draw.randrange(len(refs))]
                headers = auth["operator"] | {"X-Charte-Purpose": "alarm_handling"}
                ok = http.get(f"/api/v1/persons/{ref}", headers=headers).status_code == 200
            elif kind == "decide":
                number = f"+3361{draw.randrange(10**7):07d}"
                body = {"number": number, "direction": "inbound", "at": datetime.now(UTC).isoformat()}
                ok = (
                    http.post("/api/v1/calls/decide", json=body, headers=auth["telephony"]).status_code == 200
                )
            elif kind == "events":
                lines = [
                    json.dumps(
                        {
                            "id": f"load-{i}-{n}-{k}",
                            "type": "prospect.collected",
                            "at": "2026-11-20",
                            "person": {
                                "ref": f"LOAD-{i}-{n}-{k}",
                                "last_name": "Martin",
                                "phone": "0611223344",
                            },
                            "source": {"kind": "subject"},
                        }
                    )
                    for k in range(5)
                ]
                posted = http.post(
                    "/api/v1/events",
                    content="\n".join(lines) + "\n",
                    headers=auth["crm"] | {"Content-Type": "application/x-ndjson"},
                )
                ok = posted.status_code == 200
            else:
                body = {"type": "access", "received_on": "2026-11-20", "channel": "post",
                        "claimed_name": "Load Test", "contact": f"load{i}-{n}@example.org"}  # fmt: skip
                opened = http.post("/api/v1/rights", json=body, headers=auth["dpo"])
                ok = opened.status_code == 201
                if ok:
                    again = http.get(f"/api/v1/rights/{opened.json()['id']}", headers=auth["dpo"])
                    ok = again.status_code == 200
            took = time.perf_counter() - started
            with stage.lock:
                if ok:
                    stage.times[kind].append(took)
                    stage.audited += kind == "read"
                else:
                    stage.errors[kind] += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(args: argparse.Namespace, work: Path, url: str, filled: bool) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | KEYS
    env |= {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(work / "home")}
    charte = [sys.executable, "-m", "charte"]
    subprocess.run([*charte, "db", "upgrade"], env=env, check=True, capture_output=True)
    if not filled:  # a clone of the kept template is filled already
        seed = ["demo", "seed", "--persons", str(args.persons), "--seed", "7", "--as-of", "2026-11-26"]
        subprocess.run([*charte, *seed], env=env, check=True, capture_output=True)
    tokens = {
        "operator": actor(charte, env, "load-operator", "--role", "station_operator"),
        "crm": actor(charte, env, "load-crm", "--system", "crm"),
        "telephony": actor(charte, env, "load-telephony", "--system", "telephony"),
        "dpo": actor(charte, env, "load-dpo", "--role", "dpo"),
    }
    port = free_port()
    server = subprocess.Popen(
        [*charte, "serve", "--no-sweep", "--port", str(port)],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        server.kill()
        raise SystemExit(f"charte serve did not start: {server.communicate()[1][-2000:]!r}")
    listed = httpx.get(
        f"{base}/api/v1/persons",
        params={"limit": 1000},
        timeout=60,
        headers={"Authorization": f"Bearer {tokens['operator']}", "X-Charte-Purpose": "alarm_handling"},
    ).json()
    refs = [p["ref"] for p in listed["persons"]]
    engine = make_engine(url)
    with engine.connect() as conn:
        entries_before = conn.execute(select(func.count()).select_from(t.audit_entries)).scalar_one()
    results, audited = [], 0
    idle = rss_mb(server.pid)
    for clients in args.stages:
        stage = Stage()
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(i, base, tokens, refs, stop, stage)) for i in range(clients)
        ]
        for th in threads:
            th.start()
        while any(th.is_alive() for th in threads):
            stage.samples.append(rss_mb(server.pid))
            time.sleep(1)
        for th in threads:
            th.join()
        audited += stage.audited
        done = sum(len(v) for v in stage.times.values())
        row = {
            "clients": clients,
            "requests_per_s": round(done / args.seconds, 1),
            "errors": sum(stage.errors.values()),
            "rss_mb": {
                "first": round(stage.samples[0], 1),
                "max": round(max(stage.samples), 1),
                "last": round(stage.samples[-1], 1),
            },
            "kinds": {
                kind: {
                    "n": len(times),
                    "per_s": round(len(times) / args.seconds, 1),
                    "p50_ms": round(percentile(times, 0.50), 1),
                    "p99_ms": round(percentile(times, 0.99), 1),
                    "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else 0.0,
                    "errors": stage.errors[kind],
                }
                for kind, times in stage.times.items()
            },
        }
        results.append(row)
        print(json.dumps(row), flush=True)
    server.terminate()
    server.wait(timeout=30)
    with engine.connect() as conn:
        entries = (
            conn.execute(select(func.count()).select_from(t.audit_entries)).scalar_one() - entries_before
        )
    engine.dispose()
    print(
        json.dumps(
            {
                "persons": args.persons,
                "seconds_per_stage": args.seconds,
                "rss_mb_idle_before_load": round(idle, 1),
                "rss_mb_last_stage_end": results[-1]["rss_mb"]["last"],
                "errors": sum(r["errors"] for r in results),
                "audited_reads": audited,
                "audit_entries_written": entries,
            }
        )
    )
    failed = sum(r["errors"] for r in results)
    if failed:  # every request of the mix is one the server must answer: an error is a fault
        raise SystemExit(f"{failed} request(s) failed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--stages", default="2,4,8,16", help="Client threads per stage, comma-separated.")
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    args.stages = [int(x) for x in args.stages.split(",")]
    if not args.postgres:
        raise SystemExit("needs --postgres URL or CHARTE_TEST_DATABASE_URL")
    work = Path(tempfile.mkdtemp(prefix="charte-load-"))
    with register_database(work, args.postgres, args.persons, "bench_load") as (url, filled):
        return run(args, work, url, filled)


if __name__ == "__main__":
    sys.exit(main())
