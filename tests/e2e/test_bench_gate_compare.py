"""bench/gate_compare.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_gate_comparison_runs_at_a_tiny_size_on_one_tree_against_itself():
    """Benchmarks, not timed tests: here only that it runs and prints its ratio."""
    src = str(ROOT / "src")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "gate_compare.py"), src, src, "--tiny"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x.get("tree") for x in lines[:2]] == ["before", "after"]
    assert all(x["trained"] for x in lines[:2])
    assert lines[-1]["after_over_before"] > 0
