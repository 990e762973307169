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
    """Issue 3 §1: a test checks that the models and migrations agree."""
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
