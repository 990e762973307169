"""Month arithmetic as French law counts it (CPC 641 al. 2; Reg. 1182/71 art. 3(2)(c))."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.dates import (
    add_months,
    add_period,
    add_period_to_instant,
    is_working_day,
    out_of_range,
    public_holidays,
    purge_due,
    retention_end,
    roll_to_working_day,
)
from charte.domain.durations import Duration
from charte.domain.vocabulary import HolidayCalendar


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


class TestWorkingDays:
    @pytest.mark.parametrize("year", range(2008, 2101))
    def test_public_holidays_match_an_independent_source(self, year):
        """Code du travail L3133-1 (11 days), cross-checked with the `holidays` package; Alsace-Moselle
        adds Good Friday and 26 December (Moselle, subdivision 57)."""
        import holidays

        assert public_holidays(year) == frozenset(holidays.France(years=year))
        assert public_holidays(year, HolidayCalendar.ALSACE_MOSELLE) == frozenset(
            holidays.France(subdiv="57", years=year)
        )

    @pytest.mark.parametrize(
        ("deadline", "calendar", "rolled"),
        [
            (date(2026, 11, 27), HolidayCalendar.METROPOLITAN, date(2026, 11, 27)),  # a Friday stays
            (date(2026, 11, 28), HolidayCalendar.METROPOLITAN, date(2026, 11, 30)),  # Saturday -> Monday
            (date(2026, 7, 14), HolidayCalendar.METROPOLITAN, date(2026, 7, 15)),  # national day (Tuesday)
            (
                date(2026, 5, 1),
                HolidayCalendar.METROPOLITAN,
                date(2026, 5, 4),
            ),  # Friday holiday, then a weekend
            (
                date(2026, 4, 5),
                HolidayCalendar.METROPOLITAN,
                date(2026, 4, 7),
            ),  # Easter Sunday, then Easter Monday
            (
                date(2026, 4, 3),
                HolidayCalendar.METROPOLITAN,
                date(2026, 4, 3),
            ),  # Good Friday: worked in Paris...
            (date(2026, 4, 3), HolidayCalendar.ALSACE_MOSELLE, date(2026, 4, 7)),  # ...not in Strasbourg
            (
                date(2026, 12, 26),
                HolidayCalendar.ALSACE_MOSELLE,
                date(2026, 12, 28),
            ),  # Saint-Étienne + Sunday
        ],
    )
    def test_a_deadline_ending_on_a_rest_day_moves_to_the_next_working_day(self, deadline, calendar, rolled):
        """CPC 642 al. 2: a deadline ending on a Saturday, Sunday or public holiday is extended."""
        assert roll_to_working_day(deadline, calendar) == rolled

    @given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 1)))
    def test_rolling_lands_on_the_first_working_day_at_or_after_the_date(self, day):
        """Property: the result is a working day, no earlier than the date, with only rest days between."""
        rolled = roll_to_working_day(day)
        assert is_working_day(rolled)
        assert 0 <= (rolled - day).days <= 4  # at most a holiday next to a weekend, and Easter's Monday
        assert all(not is_working_day(day + timedelta(days=i)) for i in range((rolled - day).days))


def test_data_are_purged_the_day_after_their_retention_ends_even_on_a_sunday():
    """Purge_due = retention_end + 1 day; purge dates never move for weekends or holidays."""
    last_day = retention_end(date(2020, 6, 13), Duration(years=5))
    assert (last_day, purge_due(last_day)) == (date(2025, 6, 13), date(2025, 6, 14))  # a Saturday


PARIS = ZoneInfo("Europe/Paris")


class TestDailyRun:
    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            (
                datetime(2026, 11, 26, 1, 0, tzinfo=PARIS),
                datetime(2026, 11, 26, 2, 0, tzinfo=PARIS),
            ),  # later today
            (
                datetime(2026, 11, 26, 2, 0, tzinfo=PARIS),
                datetime(2026, 11, 27, 2, 0, tzinfo=PARIS),
            ),  # exactly now: tomorrow
            (datetime(2026, 11, 26, 15, 0, tzinfo=PARIS), datetime(2026, 11, 27, 2, 0, tzinfo=PARIS)),
            (
                datetime(2026, 3, 28, 23, 0, tzinfo=PARIS),
                datetime(2026, 3, 29, 3, 0, tzinfo=PARIS),
            ),  # 02:00 does not exist that night
            (
                datetime(2026, 10, 24, 23, 0, tzinfo=PARIS),
                datetime(2026, 10, 25, 2, 0, tzinfo=PARIS),
            ),  # clocks go back: first 02:00
        ],
    )
    def test_the_daily_sweep_runs_at_the_same_wall_clock_time_in_paris(self, now, expected):
        """The sweep stays at 02:00 Paris time across daylight-saving changes."""
        from charte.domain.dates import next_daily_run

        assert next_daily_run(now, time(2, 0)) == expected


@pytest.mark.parametrize(
    "edge", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "1899-12-31T23:00:00+00:00"]
)
def test_an_instant_at_the_edge_of_the_calendar_is_named_as_out_of_range_before_any_conversion(edge):
    """Converting 9999-12-31T23:59:59-23:59 to Paris time overflows: the range is judged first."""
    assert out_of_range(datetime.fromisoformat(edge)) == f"{edge} is outside the years 1900 to 2999"


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31, 23, 59)),  # noqa: DTZ001  # wall clocks
    st.integers(-1439, 1439),
)
def test_every_instant_charte_accepts_converts_to_paris_time_and_moves_by_years_of_retention(moment, offset):
    """Whatever wall clock and UTC offset an accepted instant carries, the conversion and the
    month arithmetic of a five-year retention cannot overflow."""
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset)))
    assert out_of_range(aware) is None
    assert add_months(aware.astimezone(ZoneInfo("Europe/Paris")).date(), 12 * 6).year <= 3006


class TestReportArithmetic:
    """The annual report's months (Paris time) and nearest-rank percentiles."""

    def test_a_month_starts_at_midnight_in_paris_whatever_the_season(self):
        from datetime import UTC, datetime

        from charte.domain.metrics import months

        year = months(2026)
        assert [m.label for m in year][:3] == ["2026-01", "2026-02", "2026-03"]
        assert year[0].start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # winter: UTC+1
        assert year[3].start == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # summer: UTC+2
        assert year[11].end == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)

    def test_percentiles_are_values_a_request_really_had(self):
        from charte.domain.metrics import percentile

        assert percentile([], 50) is None
        assert percentile([9], 95) == 9
        assert percentile([1, 2, 3, 4], 50) == 2  # nearest rank, not 2.5
        assert percentile(list(range(1, 101)), 95) == 95
        assert percentile([30, 1, 12, 5, 7], 95) == 30
