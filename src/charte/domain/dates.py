"""Calendar arithmetic for charte's periods (Europe/Paris calendar days).

Months follow Regulation (EEC, Euratom) No 1182/71 art. 3(2)(c) for the periods of EU law (the
GDPR's month to answer a request or to inform, Art. 12(3), 14(3)) and the Code de procédure
civile art. 641 al. 2 for French procedure (the recourse windows), which agree: a period of months
ends on the same day of the last month, or on that month's last day when it has no such day —
29 February + 12 months is 28 February, 31 August + 6 months is 28 or 29 February. dateutil's
relativedelta implements exactly that clamping.

Deadlines for acts that end on a Saturday, a Sunday or a public holiday move to the next working
day (Reg. 1182/71 art. 3(4) for a rights reply or an Art. 14 notice; CPC 642 al. 2, CPP 801 for
the recourse windows). Purge dates never move: data are erased on the day their retention ends,
weekend or not. The public holidays are those of the Code du travail L3133-1; Alsace-Moselle adds
Good Friday and 26 December.

Periods in hours (the 72 hours to notify a personal-data breach, GDPR Art. 33(1)) follow Reg.
1182/71 art. 3(1) and 3(2)(a): the hour in which the event happens does not count, the period
starts at the beginning of the next hour and ends with the expiry of its last hour; it counts
Saturdays, Sundays and holidays (art. 3(3)) and never moves (art. 3(4) rolls only periods of days
or longer).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from charte.domain.durations import Duration
from charte.domain.vocabulary import HolidayCalendar

# The years charte reasons in. A register's facts, a request's receipt and their deadlines (five
# years of retention, recourse windows of months) all fall well inside; a date outside — a typo, or
# an edge of the calendar such as 9999-12-31T23:59:59-23:59 — would overflow the month arithmetic
# or the conversion to Paris time, so it is refused where it enters, naming its field.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def out_of_range(value: date | datetime) -> str | None:
    """Why ``value`` is outside the calendar charte accepts, or ``None``. A datetime is judged on
    its own wall clock, before any conversion (the conversion is what would overflow)."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"{value.isoformat()} is outside the years {FIRST_YEAR} to {LAST_YEAR}"


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


def retention_end(anchor: date, period: Duration) -> date:
    """The last day data may be kept: the anchor plus the rule's period."""
    return add_period(anchor, period)


def purge_due(last_day_kept: date) -> date:
    """Data are erased the day after their retention ends; the date never moves for holidays."""
    return last_day_kept + timedelta(days=1)


@cache
def public_holidays(year: int, calendar: HolidayCalendar = HolidayCalendar.METROPOLITAN) -> frozenset[date]:
    """French public holidays of ``year`` (Code du travail L3133-1; Alsace-Moselle L3134-13)."""
    sunday = easter(year)
    days = {
        date(year, 1, 1),  # Jour de l'an
        sunday + timedelta(days=1),  # Lundi de Pâques
        date(year, 5, 1),  # Fête du travail
        date(year, 5, 8),  # Victoire 1945
        sunday + timedelta(days=39),  # Ascension
        sunday + timedelta(days=50),  # Lundi de Pentecôte
        date(year, 7, 14),  # Fête nationale
        date(year, 8, 15),  # Assomption
        date(year, 11, 1),  # Toussaint
        date(year, 11, 11),  # Armistice 1918
        date(year, 12, 25),  # Noël
    }
    if calendar is HolidayCalendar.ALSACE_MOSELLE:
        days |= {sunday - timedelta(days=2), date(year, 12, 26)}  # Vendredi saint, Saint-Étienne
    return frozenset(days)


def is_working_day(day: date, calendar: HolidayCalendar = HolidayCalendar.METROPOLITAN) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year, calendar)


def roll_to_working_day(day: date, calendar: HolidayCalendar = HolidayCalendar.METROPOLITAN) -> date:
    """A deadline ending on a Saturday, Sunday or public holiday moves to the next working day."""
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def hours_period_end(event: datetime, hours: int) -> datetime:
    """The end of a period of ``hours`` counted from ``event`` (an aware instant), per Reg. 1182/71
    art. 3(1) and 3(2)(a): the period starts at the beginning of the hour after the one in which the
    event happens and ends when its last hour expires. Hours are elapsed time — counted in UTC, so
    a night whose clocks change does not stretch or shrink the period — and the end never moves
    for a weekend or a holiday (art. 3(3), 3(4)). Paris's offsets are whole hours: the hour begins
    at the same instant in UTC and in Paris time."""
    if event.tzinfo is None:
        raise ValueError("a period in hours is counted from an aware instant (with its offset)")
    instant = event.astimezone(UTC)
    hour_begun = instant.replace(minute=0, second=0, microsecond=0)
    return (hour_begun + timedelta(hours=1 + hours)).astimezone(event.tzinfo)


def next_daily_run(now: datetime, at: time) -> datetime:
    """The next wall-clock ``at`` strictly after ``now``, in ``now``'s time zone (Europe/Paris).

    Wall-clock arithmetic keeps the run at 02:00 across daylight-saving changes; on the night the
    clocks go forward, 02:00 does not exist and the run happens at 03:00 instead.
    """
    tz = now.tzinfo
    candidate = datetime.combine(now.date(), at, tzinfo=tz)
    if candidate <= now:
        candidate = datetime.combine(now.date() + timedelta(days=1), at, tzinfo=tz)
    # Round-trip through UTC to land on an instant that exists (a skipped hour moves forward).
    return candidate.astimezone(UTC).astimezone(tz)
