"""Running the real `charte` command in a subprocess, as a user or a cron job would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def charte(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> Result:
    # The developer's own CHARTE_POLICY must not leak into tests that expect the shipped policy.
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("CHARTE_POLICY", "CHARTE_AS", "CHARTE_PURPOSE")
    } | (env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "charte", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
