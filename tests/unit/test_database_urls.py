"""Database URLs as operators write them (adapters.db.engine): libpq's list of hosts for a primary
and its standby, and a URL charte cannot open refused without quoting it."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from charte.adapters.db.engine import UnusableUrl, make_engine, normalise_url


def test_the_url_pg_autoctl_prints_for_a_primary_and_its_standby_names_both_hosts_in_turn():
    """libpq 34.1.1.3: several host:port in the URL are tried in order; the query is kept."""
    url = make_url(
        normalise_url(
            "postgres://charte@10.0.1.5:5432,10.0.2.5:5433/charte?target_session_attrs=read-write&sslmode=require"
        )
    )
    assert url.drivername == "postgresql+psycopg"
    assert url.username == "charte"
    assert url.database == "charte"
    assert url.query["host"] == ("10.0.1.5:5432", "10.0.2.5:5433")
    assert url.query["target_session_attrs"] == "read-write"
    assert url.query["sslmode"] == "require"


def test_a_host_without_its_port_in_a_list_gets_postgresql_s_default_port_and_the_password_is_kept():
    """libpq gives a host without a port 5432; SQLAlchemy wants every port or none."""
    url = make_url(normalise_url("postgresql://u:p%40ss@a,b:5433/db"))
    assert url.query["host"] == ("a:5432", "b:5433")
    assert url.password == "p@ss"  # noqa: S105 - a test URL's


def test_a_single_host_url_is_left_as_it_was_written():
    """Only the driver is named: one host keeps SQLAlchemy's own form."""
    assert normalise_url("postgresql://u@h:6000/db?x=1") == "postgresql+psycopg://u@h:6000/db?x=1"


@pytest.mark.parametrize(
    "url",
    ["postgresql://u:s3cret@h:abc/db", "postgresql://u:s3cret@h:x,h2/db", "mysql://u:s3cret@h/db", "s3cret"],
)
def test_a_url_charte_cannot_open_is_refused_without_quoting_it(url):
    """Brief: secrets never leak into error messages; a URL may hold the database's password."""
    with pytest.raises(UnusableUrl) as refused:
        make_engine(url)
    assert "s3cret" not in str(refused.value)
