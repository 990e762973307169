#!/usr/bin/env python3
"""Idle memory of `charte serve`, next to a bare FastAPI app under uvicorn, in one run.

    .venv/bin/python bench/serve_memory.py [--requests 200]

Starts each server on a free loopback port (charte on a migrated SQLite demo register of 2,000
persons, reads made by a DPO actor's token, so audited), sends the same number of requests to warm it (pages and register reads for charte),
waits for it to settle, and reads VmRSS and VmHWM (peak) from /proc (Linux). Prints one JSON line
per server and the ratio. The brief's target: charte serve idles under 150 MB RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

FLOOR_APP = """
from fastapi import FastAPI
import uvicorn
app = FastAPI()
@app.get("/healthz")
def health(): return {"status": "ok"}
@app.get("/charter")
def page(): return {"page": "x" * 10000}
uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0])
    return fields


def measure(
    name: str,
    cmd: list[str],
    port: int,
    paths: list[str],
    requests: int,
    cwd: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, object]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        started = memory_kb(proc.pid)
        with httpx.Client(headers=headers or {}) as client:
            for i in range(requests):
                client.get(base + paths[i % len(paths)]).raise_for_status()
        time.sleep(2)  # let the server settle into idle
        idle = memory_kb(proc.pid)
        return {
            "server": name,
            "requests": requests,
            "rss_after_start_mb": round(started["VmRSS"] / 1024, 1),
            "rss_idle_mb": round(idle["VmRSS"] / 1024, 1),
            "peak_rss_mb": round(idle["VmHWM"] / 1024, 1),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="charte-serve-bench-")
    for step in (
        ["db", "upgrade"],
        ["demo", "seed", "--persons", "2000", "--seed", "1", "--as-of", "2026-11-26"],
    ):
        subprocess.run([sys.executable, "-m", "charte", *step], cwd=work, check=True, capture_output=True)
    # Person reads need a token and a purpose (docs/access.md); every read is audited.
    added = subprocess.run(
        [sys.executable, "-m", "charte", "actors", "add", "bench-dpo", "--role", "dpo", "--json"],
        cwd=work, check=True, capture_output=True, text=True,
    )  # fmt: skip
    # ... and a current training (docs/accountability.md): yesterday, as the DPO records it.
    trained_on = (datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)).isoformat()
    subprocess.run(
        [sys.executable, "-m", "charte", "trainings", "record", "bench-dpo", "--course", "rgpd_fondamentaux",
         "--on", trained_on, "--as", "dpo"],
        cwd=work, check=True, capture_output=True,
    )  # fmt: skip
    headers = {
        "Authorization": f"Bearer {json.loads(added.stdout)['token']}",
        "X-Charte-Purpose": "rights_handling",
    }
    port = free_port()
    charte = measure(
        "charte serve",
        [sys.executable, "-m", "charte", "serve", "--port", str(port)],
        port,
        [
            "/charter?lang=fr",
            "/charter?lang=en",
            "/register",
            "/register.csv",
            "/api/v1/policy",
            "/api/v1/persons?limit=50",
            "/api/v1/persons/P0000001",
            "/api/v1/outbox",
            "/login",  # the pages of issue 8: templates, static files
            "/portal",
            "/portal?lang=en",
            "/static/htmx.min.js",
        ],
        args.requests,
        cwd=work,
        headers=headers,
    )
    shutil.rmtree(work)
    port = free_port()
    floor = measure(
        "bare FastAPI + uvicorn",
        [sys.executable, "-c", FLOOR_APP, str(port)],
        port,
        ["/charter"],
        args.requests,
    )
    for row in (charte, floor):
        print(json.dumps(row))
    ratio = float(str(charte["rss_idle_mb"])) / float(str(floor["rss_idle_mb"]))
    print(json.dumps({"idle_rss_ratio_charte_to_floor": round(ratio, 2), "target_idle_rss_mb": 150}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
