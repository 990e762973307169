"""Restoring a backup taken before erasures does not bring the erased back.

A database copy is taken, then the sweep and a rights request erase people; the copy is put back,
which resurrects them; `charte retention replay-erasures --since <when the copy was taken>` reads
the erasure ledger (kept outside the database) and leaves the register as it was before the restore,
with the orders to the systems emitted again.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
from datetime import UTC, datetime

import pytest

from tests.e2e.cli import charte

ENV = {
    "CHARTE_FIELD_KEY": base64.b64encode(b"f" * 32).decode(),
    "CHARTE_REF_KEY": base64.b64encode(b"r" * 32).decode(),
}
DPO = ["--as", "dpo"]


def register(cwd) -> dict[str, object]:
    db = sqlite3.connect(cwd / ".charte" / "charte.db")
    try:
        return {
            "persons": {r for (r,) in db.execute("SELECT ref FROM persons")},
            "units": set(
                db.execute(
                    "SELECT p.ref, u.kind, u.context FROM retention_units u "
                    "JOIN persons p ON p.id = u.person_id"
                )
            ),
            "tombstones": set(db.execute("SELECT ref_hmac, kind FROM tombstones")),
            "suppressed": set(db.execute("SELECT contact_hmac, purge_due FROM suppression_list")),
            # What the person search still finds: its folded names and contacts go with the person.
            "searchable": {
                r
                for (r,) in db.execute(
                    "SELECT DISTINCT p.ref FROM person_search s JOIN persons p ON p.id = s.person_id"
                )
            }
            | {
                f"orphan:{n}"
                for (n,) in db.execute(
                    "SELECT count(*) FROM person_search WHERE person_id NOT IN (SELECT id FROM persons)"
                )
                if n
            },
            "erasure orders": sorted(
                db.execute(
                    "SELECT system, person_ref, fields, reason FROM outbox WHERE kind = 'erasure.required'"
                )
            ),
        }
    finally:
        db.close()


def run(cwd, *args):
    done = charte(*args, cwd=cwd, env=ENV)
    assert done.code == 0, done.err
    return done


def answer(cwd, ref: str, tmp_path, *request: str) -> None:
    doc = tmp_path / "id.pdf"
    doc.write_bytes(b"%PDF-1.4\n% identity card\n")
    opened = run(cwd, "rights", "open", *request, "--received", "2026-11-20", "--channel", "post",
                 "--claimed-name", "X", "--contact", "x@example.org", "--person", ref, "--format", "json",
                 *DPO).json()  # fmt: skip
    number = str(opened["id"])
    run(cwd, "rights", "verify", number, "--method", "document", "--document", str(doc), *DPO)
    run(cwd, "rights", "fulfil", number, *DPO)


@pytest.fixture
def home(tmp_path):
    cwd = tmp_path / "site"
    cwd.mkdir()
    run(cwd, "db", "upgrade")
    run(cwd, "demo", "seed", "--persons", "400", "--seed", "5", "--as-of", "2026-11-26")
    return cwd


def replay_in_slices(home, since: str) -> dict:
    """The replay as the CLI runs it, but holding at most 40 erased units at a time (several slices)."""
    from charte.adapters.db.erasure_replay import SqlErasureReplay
    from charte.bootstrap import bootstrap
    from charte.config import Settings
    from charte.services.erasure_replay import replay_erasures

    settings = Settings.from_env(ENV | {"CHARTE_HOME": str(home / ".charte")})
    c = bootstrap(settings)
    wired = c.erasure_replay()
    sliced = SqlErasureReplay(c.migrated_engine(), c.ref_hasher, wired.erase, wired.calls, partition=40)
    report = replay_erasures(
        ledger=c.erasure_ledger, replayer=sliced, auditor=c.auditor, since=datetime.fromisoformat(since),
        actor="test",
    )  # fmt: skip
    c.migrated_engine().dispose()
    return report


@pytest.mark.parametrize("sliced", [False, True], ids=["one slice", "slices of 40 units"])
def test_a_restored_backup_is_erased_again_by_replaying_the_ledger_and_the_orders_are_emitted_again(
    home, tmp_path, sliced
):
    """Charter "effacées à l'issue de ces durées"; GDPR Art. 5(1)(e), 17: a restore resurrects no one."""
    backup = tmp_path / "backup.db"
    shutil.copy(home / ".charte" / "charte.db", backup)
    taken = datetime.now(UTC).isoformat()
    before = register(home)
    swept = run(home, "retention", "sweep", "--as-of", "2026-11-26", "--format", "json").json()
    assert swept["persons_erased"] > 0
    prospect = min(ref for ref, kind, _ in register(home)["units"] if kind == "prospect")
    answer(home, prospect, tmp_path, "--type", "erasure")
    objector = min(ref for ref, kind, _ in register(home)["units"] if kind == "prospect")
    answer(home, objector, tmp_path, "--type", "opposition", "--purpose", "prospecting")
    after = register(home)
    assert not {prospect, objector} & after["persons"]
    assert after["suppressed"]
    ledger = "".join(p.read_text() for p in (home / ".charte" / "erasure-ledger").iterdir())
    erased = before["persons"] - after["persons"]
    assert not [ref for ref in erased if ref in ledger]  # HMACs only, no ref in clear
    assert len(after["persons"]) < len(before["persons"])

    shutil.copy(backup, home / ".charte" / "charte.db")  # the restore: everyone erased is back
    restored = register(home)
    assert restored["persons"] == before["persons"]
    assert restored["erasure orders"] == before["erasure orders"]  # and the orders are lost

    if sliced:
        done = replay_in_slices(home, taken)
        assert done["units"] > 3 * 40  # several slices, each a pass over the refs
    else:
        done = run(home, "retention", "replay-erasures", "--since", taken, "--format", "json").json()
    again = register(home)
    assert again["persons"] == after["persons"]
    assert again["units"] == after["units"]
    assert again["suppressed"] == after["suppressed"]  # the objector is not prospected again
    assert again["searchable"] == after["searchable"] < restored["searchable"]  # not found by name either
    assert again["tombstones"] >= after["tombstones"]  # a re-fed old event resurrects no one
    assert again["erasure orders"] == after["erasure orders"]  # the systems are ordered again, once
    assert done["persons_erased"] == len(before["persons"]) - len(after["persons"])
    assert (done["already_gone"], done["torn_lines"]) == (0, 0)
    run(home, "audit", "verify")  # exit 0: the chain holds the replay's entries

    twice = run(home, "retention", "replay-erasures", "--since", taken, "--format", "json").json()
    assert (twice["units_erased"], twice["orders"], twice["already_gone"]) == (0, 0, done["units"])
    assert register(home) == again


def test_replay_erasures_refuses_a_time_that_is_not_one(home):
    """docs/cli.md: a bad option value is a usage error (exit 2) naming the option."""
    bad = charte("retention", "replay-erasures", "--since", "yesterday", cwd=home, env=ENV)
    assert bad.code == 2
    assert "--since" in bad.err


def test_no_erasure_is_made_that_the_ledger_cannot_record(home, tmp_path):
    """GDPR Art. 17: an erasure missing from the ledger would come back with a restored backup."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    before = register(home)
    env = ENV | {"CHARTE_ERASURE_LEDGER": str(blocked / "ledger")}
    done = charte("retention", "sweep", "--as-of", "2026-11-26", cwd=home, env=env)
    assert done.code == 1
    assert "the erasure ledger cannot be written" in done.err
    assert "nothing was erased" in done.err
    assert "Traceback" not in done.err
    assert register(home) == before


def designation_orders(cwd) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(cwd / ".charte" / "charte.db")
    try:
        return sorted(
            db.execute("SELECT system, person_ref, reason FROM outbox WHERE kind = 'designation.ended'")
        )
    finally:
        db.close()


def test_a_restore_replays_the_end_of_an_objecting_trusted_person_s_designations_with_their_orders(
    home, tmp_path
):
    """GDPR Art. 21(1), 17: a trusted person who objected is not designated again by a restore — the
    replay erases them again and re-sends the systems' designation.ended orders, once."""
    db = sqlite3.connect(home / ".charte" / "charte.db")
    try:
        (trusted,) = db.execute(
            "SELECT p.ref FROM persons p JOIN roles r ON r.person_id = p.id "
            "WHERE r.role = 'trusted_person' AND r.ended_on IS NULL AND NOT EXISTS ("
            "  SELECT 1 FROM roles o WHERE o.person_id = p.id AND o.role <> 'trusted_person') "
            "ORDER BY p.ref LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    backup = tmp_path / "backup.db"
    shutil.copy(home / ".charte" / "charte.db", backup)
    taken = datetime.now(UTC).isoformat()
    answer(home, trusted, tmp_path, "--type", "opposition", "--purpose", "alarm_handling")
    ended = designation_orders(home)
    assert ended
    assert {ref for _, ref, _ in ended} == {trusted}
    assert trusted not in register(home)["persons"]

    shutil.copy(backup, home / ".charte" / "charte.db")  # the restore: designated again, orders lost
    assert trusted in register(home)["persons"]
    assert designation_orders(home) == []
    done = run(home, "retention", "replay-erasures", "--since", taken, "--format", "json").json()
    assert done["persons_erased"] == 1
    assert trusted not in register(home)["persons"]
    assert designation_orders(home) == ended  # the same orders, for the same sites and reason
    run(home, "retention", "replay-erasures", "--since", taken)
    assert designation_orders(home) == ended  # once
