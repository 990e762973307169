"""Calendar arithmetic for charte's periods (Europe/Paris calendar days).

Months follow the Code de procédure civile art. 641 al. 2 (and Reg. 1182/71 art. 3(2)(c)): a
period of months ends on the same day of the last month, or on that month's last day when it has
no such day — 29 February + 12 months is 28 February, 31 August + 6 months is 28 or 29 February.
dateutil's relativedelta implements exactly that clamping. Working-day rolling of deadlines
(CPC 642) comes with the retention issue and lives here too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from charte.domain.durations import Duration


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    result: date = day + relativedelta(months=months)
    return result


def add_period(day: date, period: Duration) -> date:
    """``day`` + a policy period: years and months first (clamped), then days."""
    return add_months(day, period.total_months) + timedelta(days=period.days)


def add_period_to_instant(moment: datetime, period: Duration) -> datetime:
    """An instant + a policy period, keeping the wall-clock time and the time zone."""
    shifted: datetime = moment + relativedelta(months=period.total_months, days=period.days)
    return shifted
