"""Where charte keeps things by default, read from the environment (docs/cli.md, Environment)."""

from __future__ import annotations

from charte.config import Settings


def test_on_sqlite_the_audit_chain_gets_a_file_of_its_own_beside_the_register():
    """Issue 5 §3 (availability): a long import never blocks audited reads on SQLite."""
    settings = Settings.from_env({"CHARTE_HOME": "/srv/charte"})
    assert settings.database_url == "sqlite:////srv/charte/charte.db"
    assert settings.audit_url == "sqlite:////srv/charte/charte-audit.db"


def test_on_postgresql_the_audit_chain_stays_in_the_register_database_unless_told_otherwise():
    """Issue 5 §3: on PostgreSQL a sweep's erasures and their audit entries commit together."""
    url = "postgresql://charte@db/charte"
    assert Settings.from_env({"CHARTE_DATABASE_URL": url}).audit_url == url
    elsewhere = Settings.from_env(
        {"CHARTE_DATABASE_URL": url, "CHARTE_AUDIT_DATABASE_URL": "postgresql://a@b/audit"}
    )
    assert elsewhere.audit_url == "postgresql://a@b/audit"
