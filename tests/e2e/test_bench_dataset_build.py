"""bench/dataset_build.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "dataset_build.py"


def test_the_dataset_build_benchmark_runs_at_a_tiny_size_next_to_its_floor():
    """Benchmarks, not timed tests: charte's build and the raw SELECT to Parquet both run, on the
    same population; the figures are not judged here."""
    engines = "sqlite,postgres" if os.environ.get("CHARTE_TEST_DATABASE_URL") else "sqlite"
    done = subprocess.run([sys.executable, str(BENCH), "--clients", "2000", "--engines", engines],
                          capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["engine"] for x in lines] == engines.split(",")
    for x in lines:
        assert x["rows_selected"] == 2000
        assert x["k_achieved"] >= 5
        assert x["charte_s"] > 0
        assert x["floor_s"] > 0
