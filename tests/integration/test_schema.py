"""The schema: migrations build exactly the tables the code uses, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from charte.adapters.db import migrate
from charte.adapters.db.engine import make_engine, normalise_url
from charte.adapters.db.tables import metadata
from charte.services.errors import NotReady


def test_the_migrations_and_the_tables_agree(db_url):
    """A test checks that the models and migrations agree."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_upgrading_twice_is_harmless(db_url):
    """`charte db upgrade` can be run by every deployment: the second run changes nothing."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_an_unmigrated_database_is_refused_with_the_command_to_run(app, tmp_path):
    """A command on a database without the schema says what to run rather than failing in SQL."""
    from charte.bootstrap import bootstrap
    from charte.config import Settings

    settings = Settings(
        app.settings.policy_path, tmp_path, f"sqlite:///{tmp_path / 'empty.db'}", app.settings.field_key
    )
    with pytest.raises(NotReady, match="run `charte db upgrade`"):
        bootstrap(settings).register_queries()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_as_operators_write_them_use_the_shipped_driver(given, used):
    """CHARTE_DATABASE_URL accepts the plain postgresql:// form and runs it on psycopg 3."""
    assert normalise_url(given) == used


def test_the_audit_s_generated_columns_migrate_down_and_up_with_their_values_and_the_chain_intact(
    db_url, tmp_path
):
    """Migration 0010 is reversible: the search columns become plain ones again, values kept."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from charte.adapters.db.audit_store import SqlAuditStore
    from charte.domain.audit import Action, Entry

    engine = make_engine(db_url)
    migrate.upgrade(engine)
    SqlAuditStore(engine).append(
        [Entry(at=datetime(2026, 11, 26, tzinfo=UTC), actor="ana", action=Action.READ)]
    )
    migrate.downgrade(engine, "0009")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT actor, seq, period FROM audit_entries")).one() == (
            "ana",
            1,
            "2026-11",
        )
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:  # ... but still guarded
        conn.execute(text("UPDATE audit_entries SET actor = 'bob'"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_entries")).scalar_one() == "ana"
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    engine.dispose()
