"""PostgreSQL's connection lost in the middle of an import and of a sweep: charte says
so clearly (no SQL, no values), keeps nothing half-done, and the retry succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from charte.adapters.db.engine import make_engine
from charte.adapters.db.tables import metadata, persons, roles
from tests.e2e.test_sweep_crash import ENV

pytestmark = pytest.mark.postgres
BASE = os.environ.get("CHARTE_TEST_DATABASE_URL")


@pytest.fixture
def pg(tmp_path):
    if not BASE:
        pytest.skip("CHARTE_TEST_DATABASE_URL is not set (.ci/run sets it to the local PostgreSQL)")
    schema = f"loss_{uuid.uuid4().hex[:10]}"
    admin = make_engine(BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{BASE}{'&' if '?' in BASE else '?'}options=-csearch_path%3D{schema}"
    yield url, admin, schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def charte(cwd, url, *args, wait=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTE_")} | ENV
    env |= {"CHARTE_DATABASE_URL": url, "CHARTE_HOME": str(cwd / ".charte")}
    command = [sys.executable, "-m", "charte", *args]
    if not wait:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def terminate_the_writer(admin, schema: str, timeout: float = 60) -> int:
    """pg_terminate_backend on the charte backend writing in ``schema`` once it is in a transaction."""
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND backend_type = 'client backend' "
        "AND query ILIKE :like"
    )
    while time.monotonic() < deadline:
        with admin.begin() as conn:
            killed = len(conn.execute(query, {"like": f"%{schema}%"}).all()) or len(
                conn.execute(query, {"like": "%INSERT INTO%"}).all()
            )
        if killed:
            return killed
        time.sleep(0.02)
    return 0


def count(url, table) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return int(found)


def test_an_import_whose_connection_is_lost_applies_nothing_says_so_and_succeeds_when_retried(pg, tmp_path):
    """pg_terminate_backend during an import: nothing of the file is applied, and charte says so."""
    url, admin, schema = pg
    assert charte(tmp_path, url, "db", "upgrade").returncode == 0
    feed = tmp_path / "feed.jsonl"
    seeded = charte(tmp_path, url, "demo", "seed", "--persons", "6000", "--seed", "4", "--as-of", "2026-11-26",
                    "--out", str(feed))  # fmt: skip
    assert seeded.returncode == 0
    expected = count(url, persons)
    with admin.begin() as conn:  # the same register, empty again
        for table in reversed(metadata.sorted_tables):
            if not table.name.startswith("audit"):
                conn.execute(text(f'DELETE FROM "{schema}"."{table.name}"'))  # noqa: S608  # identifiers only
    proc = charte(tmp_path, url, "events", "import", str(feed), wait=False)
    assert terminate_the_writer(admin, schema) > 0
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "the database connection was lost during the import; nothing was applied" in err
    assert "INSERT" not in err  # no SQL, so no values
    assert "SELECT" not in err
    assert count(url, persons) == 0
    retried = charte(tmp_path, url, "events", "import", str(feed))
    assert retried.returncode == 0, retried.stderr
    assert count(url, persons) == expected


def test_a_sweep_whose_connection_is_lost_keeps_whole_batches_says_so_and_the_retry_finishes(pg, tmp_path):
    """pg_terminate_backend during a sweep: each batch is whole or not at all."""
    url, admin, schema = pg
    assert charte(tmp_path, url, "db", "upgrade").returncode == 0
    assert (
        charte(
            tmp_path, url, "demo", "seed", "--persons", "6000", "--seed", "4", "--as-of", "2026-11-26"
        ).returncode
        == 0
    )
    proc = charte(tmp_path, url, "retention", "sweep", "--as-of", "2026-11-26", "--batch", "20", wait=False)
    assert terminate_the_writer(admin, schema) > 0
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "the connection to the database was lost" in err
    assert "DELETE" not in err
    assert "SELECT" not in err
    engine = make_engine(url)
    with engine.connect() as conn:  # no person half-erased: every one whole, or gone
        orphans = conn.execute(
            select(func.count())
            .select_from(persons)
            .where(~select(roles.c.id).where(roles.c.person_id == persons.c.id).exists())
        ).scalar_one()
    engine.dispose()
    assert orphans == 0
    retried = charte(tmp_path, url, "retention", "sweep", "--as-of", "2026-11-26")
    assert retried.returncode == 0, retried.stderr
    again = charte(tmp_path, url, "retention", "sweep", "--as-of", "2026-11-26", "--format", "json")
    assert '"units_erased": 0' in again.stdout  # the retry finished the work


def test_a_database_failure_is_told_by_its_kind_never_by_the_driver_s_message_with_its_values():
    """Brief: personal data never leak into error messages; the driver's message quotes the SQL."""
    from sqlalchemy.exc import OperationalError

    from charte.entrypoints.cli.app import DatabaseFailed

    failure = OperationalError(
        "INSERT INTO person_fields VALUES ('Ana Roux')", {"v": "Ana Roux"}, Exception("boom")
    )
    told = str(DatabaseFailed(failure))
    assert "Ana Roux" not in told
    assert told.startswith("the database failed (Exception)")
