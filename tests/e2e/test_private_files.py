"""Every file charte writes that names persons or holds a key is owner-only, whatever the umask:
the register and its audit on SQLite (with their WAL and SHM), the keys, the erasure ledger, the
audit checkpoints, the answers and letters, the mail outbox, and every export a command writes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from contextlib import closing, contextmanager

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import collected, person, signed

DPO = {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"}


@contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def too_open(root) -> list[str]:
    """Every file or folder under ``root`` that a group or other account may read, write or enter."""
    return sorted(f"{p.relative_to(root)} {stat.filemode(p.stat().st_mode)}"
                  for p in [root, *root.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077)  # fmt: skip


def test_with_a_permissive_umask_every_database_key_ledger_answer_and_export_is_owner_only(tmp_path):
    """GDPR Art. 32(1)(b): a file any local user reads bypasses the gate and the audit (umask 000)."""
    cwd, env = tmp_path, {}
    with umask(0):
        assert charte("db", "upgrade", cwd=cwd, env=env).code == 0
        events = write(cwd / "e.jsonl", [signed("e1", "2019-01-01", "C1", person("P1", email="a@b.fr")),
                                          collected("e2", "2019-01-01", person("X1", email="x@b.fr")),
                                                '{"id": "bad"}'])  # fmt: skip
        imported = charte("events", "import", events, "--skip-invalid", "--rejects", cwd / "out" / "rejects.jsonl",
                          cwd=cwd, env=env)  # fmt: skip
        assert imported.out.startswith("applied 2 event(s), 1 line(s) refused and skipped"), imported.err
        assert charte("persons", "show", "P1", cwd=cwd, env=env | DPO).code == 0
        opened = charte("rights", "open", "--type", "access", "--received", "2026-11-20", "--channel", "email",
                        "--claimed-name", "Ana", "--contact", "a@b.fr", "--person", "P1", "--format", "json",
                        cwd=cwd, env=env | DPO)  # fmt: skip
        n = str(opened.json()["id"])
        assert charte("rights", "ask-identity", n, "--on", "2026-11-20", cwd=cwd, env=env | DPO).code == 0
        assert charte("retention", "sweep", "--as-of", "2026-12-03", cwd=cwd, env=env).code == 0  # the ledger
        assert (
            charte(
                "audit", "export", "--out", cwd / "out" / "audit.jsonl", "--as", "dpo", cwd=cwd, env=env
            ).code
            == 0
        )
        assert (
            charte(
                "demo", "seed", "--persons", "5", "--out", cwd / "out" / "demo" / "d.jsonl", cwd=cwd, env=env
            ).code
            == 0
        )
    home = cwd / ".charte"
    names = {p.name for p in home.rglob("*")}
    assert {"charte.db", "charte-audit.db", "fields.key", "refs.key", "audit-signing.key"} <= names
    assert any(p.parent.name == "erasure-ledger" for p in home.rglob("*.jsonl"))
    assert list((home / "outbox-mail").glob("*.json"))
    assert list((home / "answers").rglob("*.pdf"))
    assert list((home / "audit-checkpoints").glob("*.json"))
    assert too_open(home) == []
    assert too_open(cwd / "out") == []
    with umask(0), closing(sqlite3.connect(home / "charte.db")) as db:  # a writer holds the WAL open
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.commit()
        assert {p.name for p in home.glob("charte.db-*")} == {"charte.db-wal", "charte.db-shm"}
        assert too_open(home) == []  # SQLite gives them the database file's own mode


def test_a_database_made_world_readable_by_an_earlier_version_is_narrowed_when_opened(tmp_path):
    """A register restored from an archive with 0644 files is made owner-only at its next use."""
    cwd, env = tmp_path, {}
    assert charte("db", "upgrade", cwd=cwd, env=env).code == 0
    home = cwd / ".charte"
    for path in [home, *home.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert charte("retention", "forecast", "--json", cwd=cwd, env=env).code == 0
    assert [line for line in too_open(home) if "charte.db" in line or line.startswith(". ")] == []
    assert json.loads(charte("policy", "check", "--format", "json", cwd=cwd, env=env).out)["valid"]
