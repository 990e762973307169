"""After a restore: erase again everyone the erasure ledger says was erased since the backup.

A backup restored is the register as it was when the backup was taken: everyone erased since then
is back, with their fields, and the systems' orders to erase them are lost with the outbox rows.
`replay_erasures` reads the ledger (kept outside the database) from the moment the backup was taken
and re-applies each erasure it finds there — units, tombstones, suppression-list entries, recordings —
re-emitting the orders to the systems; then it signs an audit checkpoint. Replaying twice changes
nothing more: what is gone is not found again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.audit import Action, Entry
from charte.services.audit import Auditor
from charte.services.errors import Refused
from charte.services.read_model import JsonRecord


class LedgerReader(Protocol):
    torn: int  # lines the last reading skipped (cut mid-write by a crash)

    def since(self, start: datetime) -> Iterator[JsonRecord]: ...


class ReplayTotals(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


class Replayer(Protocol):
    def replay(self, read: Callable[[], Iterable[dict[str, Any]]], today: date) -> ReplayTotals: ...


def replay_erasures(
    *, ledger: LedgerReader, replayer: Replayer, auditor: Auditor, since: datetime, actor: str
) -> dict[str, Any]:
    """Re-apply every erasure recorded at or after ``since`` (when the restored backup was taken)."""
    now = auditor.clock.now()
    if since.tzinfo is None:
        raise Refused("--since needs a time zone or an offset (the time the backup was taken)")
    if since > now:
        raise Refused(f"--since {since.isoformat()} is in the future: no backup was taken then")
    totals = replayer.replay(lambda: ledger.since(since), auditor.clock.today())
    report: dict[str, Any] = {"since": since.isoformat(), **totals.as_dict(), "torn_lines": ledger.torn}
    auditor.record([Entry(at=now, actor=actor, action=Action.ERASE, detail={"replay_erasures": report})])
    auditor.checkpoint()
    return report
