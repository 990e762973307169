"""A scratch database for the benchmarks: a SQLite file, or a PostgreSQL schema dropped after."""

from __future__ import annotations

import base64
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from charte.adapters.db.engine import make_engine

# The keys every benchmark runs charte with: a kept template is read by the others with them.
KEYS = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
    # a kept template was written with these keys too (sealed transcripts, signed audit, codes)
    "CHARTE_RECORDINGS_KEY": base64.b64encode(b"m" * 32).decode(),
    "CHARTE_AUDIT_SIGNING_KEY": base64.b64encode(b"a" * 32).decode(),
    "CHARTE_CODES_KEY": base64.b64encode(b"c" * 32).decode(),
}
_TIMED = """
import sys, time
import charte.entrypoints.cli.app  # loaded before the clock starts
from charte.entrypoints.cli import launch
sys.argv = ["charte", *sys.argv[1:]]
start = time.perf_counter()
try:
    launch.run()  # the `charte` command's own entry point (its collector tuning included)
except SystemExit as exit:
    if exit.code:
        raise
sys.stdout.flush()
print(f"SECONDS {time.perf_counter() - start}", file=sys.stderr)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec.
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(f"PEAK_KB {line.split()[1]}", file=sys.stderr)
"""


def timed_cli(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Run one `charte` command in a fresh process: (seconds inside it, peak RSS in MB, stdout)."""
    done = subprocess.run(
        [sys.executable, "-c", _TIMED, *args], env=env, capture_output=True, text=True, check=True
    )
    err = dict(
        line.split(" ", 1) for line in done.stderr.splitlines() if line.startswith(("SECONDS", "PEAK_KB"))
    )
    return float(err["SECONDS"]), int(err["PEAK_KB"]) / 1024, done.stdout


def schema_url(pg_url: str, schema: str) -> str:
    """The URL of a PostgreSQL schema: the same database, the schema first on the search path."""
    return f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_database(work: Path, pg_url: str | None = None, prefix: str = "bench") -> Iterator[str]:
    """The URL of an empty database: SQLite in ``work``, or, with ``pg_url``, a fresh PostgreSQL
    schema that is dropped on the way out, whatever happened."""
    if pg_url is None:
        yield f"sqlite:///{work / f'{prefix}-{uuid.uuid4().hex[:8]}.db'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(pg_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_url(pg_url: str, name: str) -> str:
    """The URL of another database on the same PostgreSQL server."""
    base, _, query = pg_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def template_name(persons: int) -> str:
    """The database `bench/import_throughput.py --keep-template` leaves: a demo register of that size."""
    return f"charte_bench_{persons}_persons"


@contextmanager
def cloned_database(pg_url: str, template: str, prefix: str = "bench") -> Iterator[str]:
    """A fresh PostgreSQL database copied from ``template`` (a file copy: seconds, where importing
    a million persons again takes a quarter of an hour), dropped on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield database_url(pg_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(pg_url: str, prefix: str = "bench") -> Iterator[tuple[str, str]]:
    """(name, URL) of a new, empty PostgreSQL database, dropped on the way out: filled by the
    caller, then cloned with ``cloned_database`` (a template must have no open connection)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name, database_url(pg_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def has_template(pg_url: str | None, persons: int) -> bool:
    if not pg_url:
        return False
    admin = make_engine(pg_url)
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template_name(persons)}
        ).first()
    admin.dispose()
    return found is not None


@contextmanager
def register_database(
    work: Path, pg_url: str | None, persons: int, prefix: str
) -> Iterator[tuple[str, bool]]:
    """(URL, filled?): a clone of the kept PostgreSQL template of ``persons`` when there is one
    (filled: the caller imports nothing), else an empty scratch database for the caller to fill."""
    if pg_url and has_template(pg_url, persons):
        with cloned_database(pg_url, template_name(persons), prefix) as url:
            yield url, True
    else:
        with scratch_database(work, pg_url, prefix) as url:
            yield url, False
