"""The wall clock: the one place charte reads the current time (Europe/Paris)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class SystemClock:
    """Implements ``Clock`` with the machine's time, seen from Paris."""

    def now(self) -> datetime:
        return datetime.now(PARIS)

    def today(self) -> date:
        return self.now().date()
