"""bench/prospecting_screen.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "prospecting_screen.py"


def test_the_screening_benchmark_runs_at_a_tiny_size_and_answers_every_contact():
    """Benchmarks, not timed tests: the script's figures come with their floor; here only that it runs."""
    engines = "sqlite,postgres" if os.environ.get("CHARTE_TEST_DATABASE_URL") else "sqlite"
    done = subprocess.run([sys.executable, str(BENCH), "--persons", "500", "--contacts", "1000", "--suppressed", "100",
                           "--engines", engines], capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["engine"] for x in lines] == engines.split(",")
    for x in lines:
        assert x["answers"]["allowed"] + x["answers"]["refused"] == 1000
        assert x["answers"]["error"] == 0
        assert x["floor_s"] > 0
