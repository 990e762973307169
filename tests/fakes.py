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
