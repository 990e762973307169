"""bench/person_search.py runs at a tiny size on every CI run, so that it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "person_search.py"


def test_the_person_search_benchmark_runs_at_a_tiny_size_and_finds_everyone_it_looks_for():
    """Benchmarks, not timed tests: the script's figures come with their floor; here only that it runs."""
    engines = "sqlite,postgres" if os.environ.get("CHARTE_TEST_DATABASE_URL") else "sqlite"
    done = subprocess.run([sys.executable, str(BENCH), "--persons", "300", "--queries", "20", "--engines", engines],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    for engine in engines.split(","):
        mine = [x for x in lines if x["engine"] == engine]
        assert {x.get("kind") for x in mine} == {None, "last_name", "first_and_last", "beginnings", "email",
                                                 "phone", "ref", "three_letters_alone"}  # fmt: skip
        index = next(x for x in mine if "index_terms" in x)
        assert index["index_terms"] >= 4 * 300  # two name words and two contacts each, at least
        for x in mine:
            if x.get("kind") in ("email", "phone", "ref", "first_and_last"):
                assert x["found_mean"] >= 1.0, x
