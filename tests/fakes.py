"""Fakes for the ports (no mocks): small, real implementations that tests control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass
class FixedClock:
    """A clock stopped on a given Paris calendar day."""

    day: date
    shift: timedelta = timedelta(0)  # moves now() within (and past) the day: session expiry, lockouts

    def now(self) -> datetime:
        return datetime.combine(self.day, time(12, 0), tzinfo=ZoneInfo("Europe/Paris")) + self.shift

    def today(self) -> date:
        return self.day


class MemoryAudit:
    """An audit store and checkpoint folder in memory, for use cases run thousands of times in a
    property test: the same chaining as the database's (charte.domain.audit.chain)."""

    def __init__(self) -> None:
        from charte.domain.audit import Chained

        self.chained: list[Chained] = []
        self.entries: list = []
        self._heads: dict[str, tuple[int, str]] = {}

    def append(self, entries, conn=None):
        from charte.domain.audit import chain

        out = chain(entries, self._heads)
        for c in out:
            self._heads[c.period] = (c.seq, c.hash)
        self.chained.extend(out)
        self.entries.extend(entries)
        return out

    def heads(self):
        return dict(self._heads)

    def periods(self):
        return sorted(self._heads)

    def stored(self, period):
        return [(c.seq, c.body, c.hash) for c in self.chained if c.period == period]

    def altered(self):
        return None

    def drop(self, period):
        return 0

    # the checkpoint folder's side: nothing is signed in memory
    def sign(self, period, seq, digest, at):
        return None

    def witnessed(self, where):
        return {}

    def latest(self):
        return {}

    def forget(self, period):
        return 0


class MemoryLedger:
    """The disclosures ledger in memory: the entries it was asked to record."""

    def __init__(self, audit: MemoryAudit) -> None:
        self.audit = audit
        self.recorded: list = []

    def record(self, entry):
        self.recorded.append(entry)
        return len(self.recorded), self.audit.append([entry])

    def for_person(self, person_hmac):
        return [e for e in self.recorded if e.subject == person_hmac]
