"""ISO 8601 calendar durations (``P5Y``, ``P6M``, ``P15D``), as the policy writes them.

Only calendar parts are accepted: retention and legal windows count years, months, weeks and
days; a time part (``PT72H``) has no place in a charter's periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charte.domain.errors import DomainError

_ISO = re.compile(r"^P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?$")


class DurationSyntaxError(DomainError, ValueError):
    """The text is not an ISO 8601 calendar duration such as ``P5Y`` or ``P1Y6M``."""


@dataclass(frozen=True, slots=True, order=True)
class Duration:
    """A period of whole years, months and days (weeks are folded into days)."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``PnYnMnWnD``; raise :class:`DurationSyntaxError` on anything else."""
        match = _ISO.match(text.strip()) if isinstance(text, str) else None
        if match is None or text.strip() == "P":
            raise DurationSyntaxError(f"{text!r} is not an ISO 8601 duration (e.g. P5Y, P6M, P15D, P1Y6M)")
        parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
        return cls(years=parts["y"], months=parts["m"], days=parts["d"] + 7 * parts["w"])

    @property
    def total_months(self) -> int:
        """Years and months as months; days are not convertible and stay apart."""
        return 12 * self.years + self.months

    @property
    def is_zero(self) -> bool:
        return self.years == 0 and self.months == 0 and self.days == 0

    def exceeds(self, other: Duration) -> bool:
        """Whether this period is surely longer than ``other`` (months compared before days).

        Months and days are not commensurable (a month is 28 to 31 days), so a period with more
        months is longer whatever the days, and days decide only between equal months.
        """
        return (self.total_months, self.days) > (other.total_months, other.days)

    def __str__(self) -> str:
        if self.is_zero:
            return "P0D"
        text = "P"
        text += f"{self.years}Y" if self.years else ""
        text += f"{self.months}M" if self.months else ""
        text += f"{self.days}D" if self.days else ""
        return text
