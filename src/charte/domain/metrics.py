"""The arithmetic of the DPO's annual report: the months of a year in Paris time, and the
percentiles of lead times.

Percentiles are nearest-rank (the smallest value with at least q % of the values at or below
it): every figure the report gives is a lead time some request really had, never an
interpolation between two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the year: its label (``2026-03``), its days, and its instants in UTC (a
    month starts at midnight in Paris, so a consent given at 23:30 UTC on 31 March is April's)."""

    label: str
    first: date
    after: date  # the first day of the next month
    start: datetime
    end: datetime

    def holds(self, day: date) -> bool:
        return self.first <= day < self.after


def months(year: int) -> tuple[Month, ...]:
    found = []
    for m in range(1, 13):
        first = date(year, m, 1)
        after = date(year + (m == 12), m % 12 + 1, 1)
        start = datetime.combine(first, time(), PARIS).astimezone(UTC)
        end = datetime.combine(after, time(), PARIS).astimezone(UTC)
        found.append(Month(first.strftime("%Y-%m"), first, after, start, end))
    return tuple(found)


def percentile(values: Sequence[int], q: float) -> int | None:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values``; ``None`` without any."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]
