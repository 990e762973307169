"""Month arithmetic as French law counts it (CPC 641 al. 2; Reg. 1182/71 art. 3(2)(c))."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.dates import add_months, add_period, add_period_to_instant
from charte.domain.durations import Duration


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day + 1 year: the month has no 29th
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # clamps to the leap-year end of February
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 1, 15), 60, date(2030, 1, 15)),  # client data: contract end + 5 years
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
    ],
)
def test_a_month_period_ends_on_the_same_day_or_the_last_day_of_a_shorter_month(start, months, end):
    """CPC 641 al. 2: same day of the last month, or its last day when it has none."""
    assert add_months(start, months) == end


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 240))
def test_adding_months_never_skips_a_month_and_never_lands_after_the_same_day(day, months):
    """Property: the result is in the target month, on the same day or the month's last day."""
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    is_month_end = (result + timedelta(days=1)).day == 1
    assert result.day == day.day or (result.day < day.day and is_month_end)


def test_a_policy_period_adds_months_then_days():
    """P1M15D from 31 January: 28 February, then 15 days."""
    assert add_period(date(2025, 1, 31), Duration(months=1, days=15)) == date(2025, 3, 15)


def test_an_instant_keeps_its_wall_clock_time_across_a_daylight_saving_change():
    """Two days after Saturday 10:00 before the March change is Monday 10:00 in Paris."""
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2025, 3, 29, 10, 0, tzinfo=paris)
    assert add_period_to_instant(start, Duration(days=2)) == datetime(2025, 3, 31, 10, 0, tzinfo=paris)
