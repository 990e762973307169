"""Where charte keeps things by default, read from the environment (docs/cli.md, Environment)."""

from __future__ import annotations

from charte.config import Settings


def test_on_sqlite_the_audit_chain_gets_a_file_of_its_own_beside_the_register():
    """Availability; a long import never blocks audited reads on SQLite."""
    settings = Settings.from_env({"CHARTE_HOME": "/srv/charte"})
    assert settings.database_url == "sqlite:////srv/charte/charte.db"
    assert settings.audit_url == "sqlite:////srv/charte/charte-audit.db"


def test_on_postgresql_the_audit_chain_stays_in_the_register_database_unless_told_otherwise():
    """On PostgreSQL a sweep's erasures and their audit entries commit together."""
    url = "postgresql://charte@db/charte"
    assert Settings.from_env({"CHARTE_DATABASE_URL": url}).audit_url == url
    elsewhere = Settings.from_env(
        {"CHARTE_DATABASE_URL": url, "CHARTE_AUDIT_DATABASE_URL": "postgresql://a@b/audit"}
    )
    assert elsewhere.audit_url == "postgresql://a@b/audit"


def test_a_bad_number_names_its_variable_and_empty_means_unset():
    """Brief: every bad input gets a clear message naming the key; never a bare ValueError."""
    import pytest

    from charte.config import SettingInvalid

    with pytest.raises(
        SettingInvalid, match=r"^CHARTE_AUDIO_MAX_BYTES: 'abc' is not a whole number \(docs/settings.md\)$"
    ):
        Settings.from_env({"CHARTE_AUDIO_MAX_BYTES": "abc"})
    with pytest.raises(SettingInvalid, match=r"CHARTE_AUDIT_SIGN_WITHIN: '0' is below the least value, 0\.1"):
        Settings.from_env({"CHARTE_AUDIT_SIGN_WITHIN": "0"})
    assert Settings.from_env({"CHARTE_AUDIO_MAX_BYTES": ""}).audio_max_bytes == 200 * 1024 * 1024
    assert Settings.from_env({"CHARTE_AUDIT_SIGN_WITHIN": "2.5"}).audit_sign_within == 2.5


def test_checkpoints_and_the_signing_key_beside_the_database_are_named(tmp_path):
    """The audit's checkpoints and key must not share the database's folder (docs/settings.md)."""
    default = Settings.from_env({"CHARTE_HOME": str(tmp_path / "home")})
    assert [e.split(" (")[0] for e in default.exposures()] == [
        "the audit checkpoints",
        "the audit signing key",
    ]
    apart = Settings.from_env({
        "CHARTE_HOME": str(tmp_path / "home"),
        "CHARTE_AUDIT_CHECKPOINTS": str(tmp_path / "elsewhere" / "checkpoints"),
        "CHARTE_AUDIT_SIGNING_KEY": "c2VjcmV0",
    })  # fmt: skip
    assert apart.exposures() == []
    on_postgres = Settings.from_env({"CHARTE_HOME": str(tmp_path / "home"),
                                     "CHARTE_DATABASE_URL": "postgresql://a@db/charte"})  # fmt: skip
    assert on_postgres.exposures() == []
