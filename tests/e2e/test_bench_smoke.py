"""Every benchmark script runs at a tiny size on every CI run, so that none can rot unnoticed.

The sizes and arguments are bench/run's ``SMOKE`` table; the figures are not judged here (the
benchmarks, not the tests, measure), only that each script still runs to its end and prints its
JSON lines. Scripts with a test of their own (``OWN_TEST``) are run there."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _runner() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("bench_run", str(BENCH / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


RUN = _runner()


def test_every_script_of_the_bench_folder_is_smoke_run_somewhere():
    """Benchmarks, not timed tests, and none that rots: a new script needs a tiny size in bench/run."""
    scripts = {p.stem for p in BENCH.glob("*.py")}
    covered = set(RUN.SMOKE) | set(RUN.OWN_TEST) | set(RUN.NOT_BENCHMARKS)
    assert scripts - covered == set(), "give these a SMOKE entry in bench/run"
    assert covered - scripts == set(), "bench/run names scripts that do not exist"
    assert all((BENCH.parent / test).is_file() for test in RUN.OWN_TEST.values())


@pytest.mark.parametrize("name", sorted(RUN.SMOKE))
def test_the_benchmark_still_runs_to_its_end_at_a_tiny_size(name, tmp_path):
    """Each script of bench/ (its floors included) runs at a tiny size and prints JSON lines."""
    args = list(RUN.SMOKE[name])
    pg = os.environ.get("CHARTE_TEST_DATABASE_URL")
    if pg:
        args = [a.replace("{pg}", pg) for a in args]
    else:
        if name in RUN.NEEDS_POSTGRES:
            pytest.skip("this benchmark runs on PostgreSQL only: set CHARTE_TEST_DATABASE_URL")
        if "{pg}" in args:
            at = args.index("{pg}")
            del args[at - 1 : at + 1]
        if name in RUN.SQLITE_FLAG:
            args.append("--sqlite")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CHARTE_") or k == "CHARTE_TEST_DATABASE_URL"
    }
    done = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), *args], capture_output=True, text=True,
                          timeout=600, check=False, cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    try:  # one JSON document (pretty-printed), or JSON lines
        printed = [json.loads(done.stdout)]
    except json.JSONDecodeError:
        printed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert printed, done.stdout[-2000:]
    assert all(isinstance(x, dict) for x in printed)
