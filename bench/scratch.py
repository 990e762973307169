"""A scratch database for the benchmarks: a SQLite file, or a PostgreSQL schema dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from charte.adapters.db.engine import make_engine


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
