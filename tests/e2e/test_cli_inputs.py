"""The CLI refuses what the API and the feed refuse, naming the option: instants at the edges of the
calendar (exit 2, never an OverflowError) and control characters in names and contacts (exit 1)."""

from __future__ import annotations

import pytest

from tests.e2e.cli import charte

EDGE = "9999-12-31T23:59:59-23:59"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["calls", "opt-out", "--at", EDGE, "--number", "0612345678"], "--at"),
        (["calls", "decide", "--direction", "inbound", "--at", "0001-01-01T00:00:00+14:00"], "--at"),
        (["retention", "replay-erasures", "--since", EDGE], "--since"),
        (["audit", "search", "--since", EDGE, "--as", "dpo"], "--since"),
        (["retention", "sweep", "--as-of", "0001-01-01", "--dry-run"], "--as-of"),
        (["rights", "list", "--due-before", "9999-12-31", "--as", "dpo"], "--due-before"),
    ],
)
def test_an_instant_at_the_edge_of_the_calendar_exits_2_naming_the_option(home, args, option):
    """Every option taking a date or a time judges the range before any conversion."""
    cwd, env = home
    result = charte(*args, cwd=cwd, env=env)
    assert result.code == 2, result.err
    assert f"Invalid value for {option}" in result.err
    assert "is outside the years 1900 to 2999" in result.err
    assert "Traceback" not in result.err


def test_a_contact_with_a_line_break_is_refused_at_intake_naming_the_option(home):
    """RFC 5322 §2.2: a CR LF in a contact would forge headers; exit 1, nothing recorded."""
    cwd, env = home
    opened = charte("rights", "open", "--type", "access", "--received", "2026-11-20", "--channel", "email",
                    "--claimed-name", "Ana Roux", "--contact", "ana@example.org\r\nBcc: x@example.net",
                    "--as", "dpo", cwd=cwd, env=env)  # fmt: skip
    assert opened.code == 1
    assert opened.err.strip() == (
        "error: the contact (--contact) holds a control character (U+000D): it is one line of plain text"
    )
    listed = charte("rights", "list", "--as", "dpo", "--format", "json", cwd=cwd, env=env)
    assert listed.json() == {"requests": []}


def test_a_database_url_charte_cannot_open_is_told_naming_the_setting_not_as_a_traceback(tmp_path):
    """docs/settings.md: a bad value names its variable; the URL, which may hold a password, is not quoted."""
    result = charte(
        "db", "upgrade", cwd=tmp_path, env={"CHARTE_DATABASE_URL": "postgresql://u:s3cret@h:x/db"}
    )
    assert result.code == 1, result.err
    assert result.err.startswith("error: CHARTE_DATABASE_URL: not a database URL")
    assert "Traceback" not in result.err
    assert "s3cret" not in result.err
