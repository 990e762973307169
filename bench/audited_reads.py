#!/usr/bin/env python3
"""API reads with the audit on and off, 8 concurrent clients over HTTP, in one run.

    CHARTE_TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/audited_reads.py \
        [--persons 5000] [--clients 8] [--seconds 20] [--rounds 2] [--processes 1]

1. A PostgreSQL database with a demo register of --persons (a clone of the kept template when
   there is one, see bench/import_throughput.py; or SQLite with --sqlite), and a station-operator
   actor.
2. Two servers on loopback, the same code and database: `charte serve` (every read audited, with
   group commit), and the same app with the auditor replaced by one that writes nothing — built
   only here, charte itself has no switch to turn the audit off. With --processes N, each side is
   N processes sharing one port (`charte serve --reuse-port`, SO_REUSEPORT): their audit appends
   all go to one chain a month, serialised on its head row, which the figure shows.
3. Rounds alternate the servers; in each, --clients threads (keep-alive connections) read random
   persons the operator may see (`GET /api/v1/persons/{ref}`, purpose alarm_handling) for
   --seconds. Prints reads per second for each side, the ratio, the errors (must be 0), and the
   audit entries written (must equal the audited reads).
Target (issue 5 §3): audited throughput at least 90 % of unaudited.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from scratch import register_database
from sqlalchemy import func, select

from charte.adapters.db import tables as t
from charte.adapters.db.engine import make_engine
from charte.config import Settings

KEYS = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
    # a kept template was written with these keys too (sealed transcripts, signed audit, codes)
    "CHARTE_RECORDINGS_KEY": base64.b64encode(b"m" * 32).decode(),
    "CHARTE_AUDIT_SIGNING_KEY": base64.b64encode(b"a" * 32).decode(),
    "CHARTE_CODES_KEY": base64.b64encode(b"c" * 32).decode(),
}
UNAUDITED = """
import socket, sys, uvicorn
from charte.bootstrap import bootstrap
from charte.entrypoints.web.app import create_app
from charte.services.audit import Auditor, note_entries

class Unaudited(Auditor):
    def record(self, entries):  # the bench's floor: the same work minus the audit write
        note_entries(len(entries))  # counted, as the real one does: the answer's guard checks it

c = bootstrap()
real = c.auditor
c.__dict__["auditor"] = Unaudited(real.store, real.checkpoints, real.clock, real._hash)
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as `charte serve --reuse-port`
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen(2048)
config = uvicorn.Config(create_app(c), log_level="warning", access_log=False)
uvicorn.Server(config).run(sockets=[sock])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(cmd: list[str], env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    """A server process, once it listens on ``port`` itself (others may share the port already)."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        if proc.poll() is not None:
            break
        if listening(proc.pid, port):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.communicate()[1][-2000:]!r}")


def listening(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a TCP socket listening on ``port`` (Linux: its file
    descriptors' socket inodes among /proc/net/tcp's LISTEN lines)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
            return True
    return False


def load(
    base: str, headers: dict[str, str], refs: list[str], clients: int, seconds: float
) -> tuple[int, int]:
    done, errors = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        n = i * 7919  # each client walks the refs from its own starting point
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                n += 1
                answer = http.get(f"/api/v1/persons/{refs[n % len(refs)]}")
                if answer.status_code == 200:
                    done[i] += 1
                else:
                    errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return sum(done), sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=1, help="Server processes per side, on one port.")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL.")
    parser.add_argument("--postgres", default=os.environ.get("CHARTE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.sqlite and not args.postgres:
        raise SystemExit("PostgreSQL needs --postgres URL or CHARTE_TEST_DATABASE_URL (or use --sqlite)")
    work = Path(tempfile.mkdtemp(prefix="charte-audited-reads-"))
    with register_database(work, None if args.sqlite else args.postgres, args.persons, "bench_reads") as (
        url,
        filled,
    ):
        return run(args, work, url, filled)


def run(args: argparse.Namespace, work: Path, url: str, filled: bool) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | KEYS
    env |= {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(work / "home")}
    charte = [sys.executable, "-m", "charte"]
    subprocess.run([*charte, "db", "upgrade"], env=env, check=True, capture_output=True)
    if not filled:  # a clone of the kept template is filled already
        seed = ["demo", "seed", "--persons", str(args.persons), "--seed", "7", "--as-of", "2026-11-26"]
        subprocess.run([*charte, *seed], env=env, check=True, capture_output=True)
    added = subprocess.run([*charte, "actors", "add", "bench-op", "--role", "station_operator", "--json"],
                           env=env, check=True, capture_output=True, text=True)  # fmt: skip
    headers = {
        "Authorization": f"Bearer {json.loads(added.stdout)['token']}",
        "X-Charte-Purpose": "alarm_handling",
    }
    ports = {"audited": free_port(), "unaudited": free_port()}
    commands = {
        "audited": [*charte, "serve", "--no-sweep", "--reuse-port", "--port", str(ports["audited"])],
        "unaudited": [sys.executable, "-c", UNAUDITED, str(ports["unaudited"])],
    }
    servers = [start(commands[side], env, work, ports[side]) for side in ports for _ in range(args.processes)]
    # The persons the operator may read: as charte lists them for that role and purpose.
    listed = httpx.get(f"http://127.0.0.1:{ports['audited']}/api/v1/persons", params={"limit": 1000},
                       headers=headers, timeout=60).json()  # fmt: skip
    refs = [p["ref"] for p in listed["persons"]]
    # The audit's own database (on SQLite a file beside the register's), as charte serve finds it.
    engine = make_engine(Settings.from_env(env).audit_url)
    totals = {"audited": [0, 0, 0.0], "unaudited": [0, 0, 0.0]}
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(t.audit_entries)).scalar_one()
    for _ in range(args.rounds):
        for side in ("unaudited", "audited"):
            ok, bad = load(f"http://127.0.0.1:{ports[side]}", headers, refs, args.clients, args.seconds)
            totals[side][0] += ok
            totals[side][1] += bad
            totals[side][2] += args.seconds
    for proc in servers:
        proc.terminate()
        proc.wait(timeout=30)
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(t.audit_entries)).scalar_one()
    engine.dispose()
    if (
        not totals["audited"][0]
        or not totals["unaudited"][0]
        or totals["audited"][1]
        or totals["unaudited"][1]
    ):
        raise SystemExit(f"reads failed (done, errors, seconds): {totals}")
    if after - before != totals["audited"][0]:  # each acknowledged read has its entry, no more
        raise SystemExit(f"{after - before} audit entries for {totals['audited'][0]} audited reads")
    rate = {side: v[0] / v[2] for side, v in totals.items()}
    print(json.dumps({
        "engine": "sqlite" if args.sqlite else "postgresql",
        "persons": args.persons,
        "clients": args.clients,
        "processes_per_side": args.processes,
        "seconds_per_side": args.seconds * args.rounds,
        "unaudited_reads_per_s": round(rate["unaudited"], 1),
        "audited_reads_per_s": round(rate["audited"], 1),
        "audited_share_of_unaudited": round(rate["audited"] / rate["unaudited"], 3),
        "errors": totals["audited"][1] + totals["unaudited"][1],
        "audit_entries_written": after - before,
        "audited_reads": totals["audited"][0],
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
