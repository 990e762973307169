"""bench/breach_scope.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "breach_scope.py"


def test_the_breach_scope_benchmark_runs_at_a_tiny_size_and_finds_the_token_s_persons():
    """Benchmarks, not timed tests: the script's figures come with their floor; here only that it runs."""
    engines = "sqlite,postgres" if os.environ.get("CHARTE_TEST_DATABASE_URL") else "sqlite"
    done = subprocess.run([sys.executable, str(BENCH), "--entries", "24000", "--persons", "2000",
                           "--token-persons", "1000", "--engines", engines],
                          capture_output=True, text=True, timeout=300, check=False, cwd=BENCH.parent)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["engine"] for x in lines] == engines.split(",")
    for x in lines:
        assert (x["found"], x["floor_found"], x["chain_ok"]) == (1000, 1000, True)
        assert x["floor_s"] > 0
