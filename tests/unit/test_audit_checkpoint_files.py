"""The checkpoint folder's sequence survives a writer killed between its two renames."""

from __future__ import annotations

import json

from charte.adapters.audit_checkpoints import CheckpointFolder
from charte.domain.audit import checkpoint_sequence_break

SEED = bytes(range(32))


def test_a_checkpoint_written_before_its_pointer_was_updated_is_followed_not_forked(tmp_path):
    """GDPR Art. 5(2): a writer killed after renaming a checkpoint into place but before moving the
    period's pointer leaves the pointer one behind; the next checkpoint follows the newest file (not
    the pointer), so the sequence stays unbroken and the chain still verifies."""
    folder = CheckpointFolder(tmp_path, SEED)
    folder.sign("2026-12", {"": (100, "a" * 64)}, "2026-12-04T10:00:00+00:00")
    behind = (tmp_path / "2026-12.head").read_text()
    folder.sign("2026-12", {"": (200, "b" * 64)}, "2026-12-04T10:01:00+00:00")
    (tmp_path / "2026-12.head").write_text(behind)  # the state a kill between the renames leaves
    third = folder.sign("2026-12", {"": (300, "c" * 64)}, "2026-12-04T10:02:00+00:00")
    assert third is not None
    assert third.n == 3
    found = [folder.load(p) for p in sorted(tmp_path.glob("2026-12-*.json"))]
    assert checkpoint_sequence_break("2026-12", found) is None
    assert folder.latest()["2026-12"].seq == 300
    assert json.loads((tmp_path / "2026-12.head").read_text())["name"] == "2026-12-n000000003.json"
