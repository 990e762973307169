"""`charte audit verify` from the command line: OK with counts, or exit 1 naming what is broken."""

from __future__ import annotations

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import person, signed

DPO = {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"}


def test_verify_says_ok_with_counts_then_names_a_damaged_checkpoint_file(home):
    """OK with counts (exit 0), or what is broken (exit 1) — never a traceback."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1"))]),
           cwd=cwd, env=env)  # fmt: skip
    assert charte("persons", "show", "P1", cwd=cwd, env=env | DPO).code == 0
    assert charte("audit", "checkpoint", cwd=cwd, env=env).code == 0
    ok = charte("audit", "verify", cwd=cwd, env=env)
    assert (ok.code, ok.out.strip()) == (0, "OK: 2 entries in 1 period(s) verify; every entry is signed")
    # the import and the read, each signed as its command ended
    *_, checkpoint = sorted((cwd / ".charte" / "audit-checkpoints").glob("*.json"))
    checkpoint.write_text("not json")
    broken = charte("audit", "verify", cwd=cwd, env=env)
    assert (broken.code, broken.out) == (1, "")
    assert broken.err.strip() == f"error: {checkpoint.name}: not a checkpoint (JSONDecodeError)"


def test_search_and_export_refuse_a_malformed_time_or_month_naming_the_option(home):
    """Every bad input gets a clear message naming the option (brief), exit 2."""
    cwd, env = home
    since = charte("audit", "search", "--since", "yesterday", "--as", "dpo", cwd=cwd, env=env)
    assert (since.code, "Invalid value for --since: 'yesterday' is not a date or a time" in since.err) == (
        2,
        True,
    )
    month = charte(
        "audit", "export", "--out", "x.jsonl", "--period", "2026-13", "--as", "dpo", cwd=cwd, env=env
    )
    assert (month.code, "Invalid value for --period: '2026-13' is not a month (YYYY-MM)" in month.err) == (
        2,
        True,
    )
    assert not (cwd / "x.jsonl").exists()


def test_partition_on_sqlite_says_it_is_postgresql_s_in_one_line(home):
    """docs/cli.md, charte audit partition: refused on SQLite with the reason, never a traceback."""
    cwd, env = home
    done = charte("audit", "partition", cwd=cwd, env=env)
    assert done.code != 0
    assert done.err.strip().splitlines() == [
        "error: the audit is partitioned on PostgreSQL only: on SQLite it is one table of its own"
    ]
