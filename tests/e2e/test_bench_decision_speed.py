"""bench/decision_speed.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "decision_speed.py"


def test_the_decision_benchmark_runs_at_a_tiny_size_and_both_engines_agree():
    """Benchmarks, not timed tests: charte and Cedar must give the same answers (contexts and
    training included) before anything is timed; here only that the script still says they do."""
    pytest.importorskip("cedarpy", reason="Cedar comes with the dev and bench extras")
    done = subprocess.run([sys.executable, str(BENCH), "--tiny"], capture_output=True, text=True, timeout=300,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [x["measure"] for x in lines] == ["field", "view"]
    assert all(x["answers_agree"] for x in lines)
