"""ISO 8601 durations as the policy writes its periods."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.durations import Duration, DurationSyntaxError


class TestParse:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("P5Y", Duration(years=5)),
            ("P6M", Duration(months=6)),
            ("P15D", Duration(days=15)),
            ("P1Y6M", Duration(years=1, months=6)),
            ("P2W", Duration(days=14)),
            ("P0D", Duration()),
        ],
    )
    def test_reads_the_calendar_periods_the_charter_uses(self, text, expected):
        """Charter periods (5 years, 6 months, 15 days) are ISO 8601 durations."""
        assert Duration.parse(text) == expected

    @pytest.mark.parametrize("text", ["5 years", "P", "PT72H", "P1.5Y", "p5y", "", "P-1Y", "5Y"])
    def test_refuses_anything_that_is_not_a_calendar_duration(self, text):
        """A period in words or in hours is refused with an example of the right form."""
        with pytest.raises(DurationSyntaxError, match="P5Y"):
            Duration.parse(text)

    @given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 999))
    def test_printing_then_parsing_gives_back_the_same_period(self, y, m, d):
        """Durations round-trip, so that messages quote the period as the policy wrote it."""
        duration = Duration(years=y, months=m, days=d)
        assert Duration.parse(str(duration)) == duration


class TestCompare:
    def test_more_months_is_longer_whatever_the_days(self):
        """A month is 28 to 31 days: P1M exceeds P27D and P2M exceeds P1M30D (GDPR Art. 12(3) checks)."""
        assert Duration(months=1).exceeds(Duration(days=27))
        assert Duration(months=2).exceeds(Duration(months=1, days=30))
        assert not Duration(months=1).exceeds(Duration(months=1))

    def test_years_count_as_twelve_months(self):
        """P3Y (the CNIL's prospect ceiling) exceeds P2Y11M and equals P36M."""
        assert Duration(years=3).exceeds(Duration(years=2, months=11))
        assert not Duration(years=3).exceeds(Duration(months=36))
