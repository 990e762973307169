"""No unsigned audit tail, and a cut tail detected: every tamper found, with the entry and why.

Someone with write access to the audit's database (not to the signing key) can rewrite or delete
the entries no checkpoint signs yet, and someone with access to the checkpoint folder can remove
its newest files or roll the folder back. charte bounds the unsigned window (it signs within
seconds: tests/e2e/test_audit_tail.py), chains the checkpoints of a period, reports the unsigned
tail and fails on one older than the window, and checks a witness copy of the newest checkpoints.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import text

from charte.adapters.audit_checkpoints import CheckpointError
from charte.domain.audit import Action, Entry, link
from charte.services import audit
from charte.services.audit import ChainCut
from tests.integration.test_audit import unguard

WINDOW = timedelta(seconds=60)


def append(app, count: int, at=None) -> None:
    for _ in range(count):
        app.auditor.record([Entry(at=at or app.clock.now(), actor="op", action=Action.READ)])


def verify(app, *, later: timedelta = timedelta(0), witness=None) -> dict:
    return audit.verify(store=app.audit_store(), checkpoints=app.auditor.checkpoints,
                        now=app.clock.now() + later, unsigned_for=WINDOW, witness=witness).as_dict()  # fmt: skip


def test_an_unsigned_tail_is_reported_and_passes_within_the_window_then_fails_older(app):
    """Signed checkpoints bound the unsigned window: a tail older than it is named, not passed."""
    append(app, 3)
    app.auditor.checkpoint()
    append(app, 2)
    fresh = verify(app, later=timedelta(seconds=30))
    assert (fresh["ok"], fresh["unsigned"]["entries"]) == (True, 2)
    assert fresh["unsigned"]["since"] == "2026-11-26T11:00:00.000000+00:00"  # noon in Paris
    stale = verify(app, later=timedelta(minutes=5))
    assert stale["broken"]["seq"] == 4
    assert stale["broken"]["why"].startswith(
        "entries 4 to 5 (2) are signed by no checkpoint since 2026-11-26T11:00:00"
    )
    assert "the newest checkpoints were removed or could not be written" in stale["broken"]["why"]


def test_a_rewritten_tail_is_detected_once_signed(app):
    """A tail rewritten (re-chained with plain SHA-256) after charte signed it differs from the checkpoint."""
    append(app, 5)
    app.auditor.checkpoint()  # what charte does within seconds, at a command's end and at shutdown
    unguard(app)
    with app.audit_engine.begin() as conn:
        rows = conn.execute(
            text("SELECT seq, body, prev FROM audit_entries WHERE seq >= 4 ORDER BY seq")
        ).all()
        prev = rows[0].prev
        for seq, body, _ in rows:
            forged = body.replace('"actor":"op"', '"actor":"someone"')
            digest = link(prev, forged.encode())
            conn.execute(text("UPDATE audit_entries SET body = :b, hash = :h, prev = :p WHERE seq = :s"),
                         {"b": forged, "h": digest, "p": prev, "s": seq})  # fmt: skip
            prev = digest
        conn.execute(text("UPDATE audit_heads SET hash = :h"), {"h": prev})
    broken = verify(app)["broken"]
    assert (broken["seq"], broken["why"]) == (5, "it differs from the signed checkpoint")
    with pytest.raises(ChainCut, match="behind or differs from the last signed checkpoint"):
        app.auditor.checkpoint()  # and charte does not bless the forged head


def test_a_deleted_tail_with_its_head_reset_is_detected_and_not_signed(app):
    """Deleting signed entries and resetting the head leaves the chain before its checkpoint."""
    append(app, 5)
    app.auditor.checkpoint()
    unguard(app)
    with app.audit_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
        head = conn.execute(text("SELECT hash FROM audit_entries WHERE seq = 3")).scalar_one()
        conn.execute(text("UPDATE audit_heads SET seq = 3, hash = :h"), {"h": head})
    broken = verify(app)["broken"]
    assert broken == {"period": "2026-11", "seq": 4,
                      "why": "the chain ends at entry 3, before the signed checkpoint at entry 5: its tail was deleted"}  # fmt: skip
    app.auditor._pinned.clear()  # a new process
    with pytest.raises(ChainCut, match=r"head \(entry 3\) is behind"):
        app.auditor.checkpoint()


def test_removed_newest_checkpoints_leave_a_tail_no_checkpoint_signs_and_are_detected(app):
    """Without a key, one can move the newest checkpoint files away: the tail they signed shows."""
    for _ in range(3):
        append(app, 2)
        app.auditor.checkpoint()
    files = sorted(app.settings.checkpoint_dir.glob("*.json"))
    assert len(files) == 3
    for newest in files[1:]:
        newest.unlink()
    assert verify(app, later=timedelta(seconds=1))["ok"]  # inside the window nothing can be told yet
    broken = verify(app, later=timedelta(minutes=2))["broken"]
    assert broken["seq"] == 3
    assert broken["why"].startswith("entries 3 to 6 (4) are signed by no checkpoint since")


def test_a_checkpoint_removed_from_the_middle_breaks_the_sequence(app):
    """The checkpoints of a period are chained: one removed from among them is named."""
    for _ in range(3):
        append(app, 1)
        app.auditor.checkpoint()
    middle = sorted(app.settings.checkpoint_dir.glob("*.json"))[1]
    middle.unlink()
    with pytest.raises(
        CheckpointError, match="checkpoint 2 of 2026-11 is missing \\(the next is 3\\): it was removed"
    ):
        verify(app)


def snapshot(app) -> tuple[int, list]:
    """The audit's database as a backup holds it: the newest entry and the heads."""
    with app.audit_engine.connect() as conn:
        newest = conn.execute(text("SELECT max(seq) FROM audit_entries")).scalar_one()
        heads = conn.execute(text("SELECT period, seq, hash FROM audit_heads")).all()
    return newest, heads


def restore(app, backup: tuple[int, list]) -> None:
    """A backup restored over the database (on either engine): later entries gone, heads as they were."""
    newest, heads = backup
    unguard(app)
    with app.audit_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq > :n"), {"n": newest})
        for period, seq, digest in heads:
            conn.execute(text("UPDATE audit_heads SET seq = :s, hash = :h WHERE period = :p"),
                         {"s": seq, "h": digest, "p": period})  # fmt: skip


def test_a_whole_folder_rolled_back_with_the_database_is_detected_with_a_witness(app, tmp_path):
    """A copy of the newest checkpoint kept elsewhere finds a backup restored over both."""
    append(app, 2)
    app.auditor.checkpoint()
    backup_folder = tmp_path / "checkpoints.bak"
    backup_db = snapshot(app)
    shutil.copytree(app.settings.checkpoint_dir, backup_folder)
    append(app, 3)
    app.auditor.checkpoint()
    witness = tmp_path / "witness"
    witness.mkdir()
    newest = sorted(app.settings.checkpoint_dir.glob("*.json"))[-1]
    shutil.copy(newest, witness / newest.name)  # shipped off the host as it was written
    restore(app, backup_db)  # the attacker restores both to the earlier state
    shutil.rmtree(app.settings.checkpoint_dir)
    shutil.copytree(backup_folder, app.settings.checkpoint_dir)
    assert verify(app)["ok"]  # on its own, the earlier state is consistent
    broken = verify(app, witness=witness)["broken"]
    assert broken == {"period": "2026-11", "seq": 5,
                      "why": "the checkpoint folder holds checkpoint 1 (entry 2) of 2026-11, the witness checkpoint 2 "
                             "(entry 5): the folder was rolled back or cut"}  # fmt: skip
    assert not verify(app, witness=witness / newest.name)["ok"]  # a single witness file does the same


def test_a_forged_witness_is_refused(app, tmp_path):
    """The witness is a checkpoint too: its signature is checked."""
    append(app, 1)
    app.auditor.checkpoint()
    (original,) = app.settings.checkpoint_dir.glob("*.json")
    forged = tmp_path / original.name
    forged.write_text(original.read_text().replace('"seq": 1', '"seq": 9'))
    with pytest.raises(CheckpointError, match="the signature does not verify"):
        verify(app, witness=forged)
