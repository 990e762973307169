"""Litigation holds are released when the recourse routes are exhausted (seed, recordings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from charte.domain.litigation import Case, Judgment, Residence, release
from charte.domain.vocabulary import CourtKind, HolidayCalendar, Recourse

TODAY = date(2026, 11, 26)


def civil(*judgments: Judgment, **kw) -> Case:
    return Case("LIT-1", CourtKind.CIVIL, date(2024, 1, 10), judgments, **kw)


@pytest.mark.parametrize(
    ("case", "last_day"),
    [
        # Civil appeal: 1 month from service (CPC 538); 2026-03-16 is a Monday.
        (civil(Judgment(date(2026, 2, 2), Recourse.APPEAL, served_on=date(2026, 2, 16))), date(2026, 3, 16)),
        # ...ending on Saturday 14 March: rolled to Monday 16 (CPC 642).
        (civil(Judgment(date(2026, 2, 2), Recourse.APPEAL, served_on=date(2026, 2, 14))), date(2026, 3, 16)),
        # ...ending on 14 July (a Tuesday, national day): rolled to the 15th.
        (civil(Judgment(date(2026, 6, 1), Recourse.APPEAL, served_on=date(2026, 6, 14))), date(2026, 7, 15)),
        # Party overseas: +1 month (CPC 643); abroad: +2 months.
        (civil(Judgment(date(2026, 2, 2), Recourse.APPEAL, date(2026, 2, 16), Residence.OVERSEAS)), date(2026, 4, 16)),
        (civil(Judgment(date(2026, 2, 2), Recourse.APPEAL, date(2026, 2, 16), Residence.ABROAD)), date(2026, 5, 18)),
        # Cassation: 2 months from service (CPC 612); 31 Dec + 2 months clamps to 28 Feb, a Saturday.
        (civil(Judgment(date(2026, 12, 1), Recourse.CASSATION, served_on=date(2026, 12, 31))), date(2027, 3, 1)),
        # A civil judgment never served: 2 years after it was pronounced (CPC 528-1); 6 May 2027 is
        # Ascension Day, so the last day is the 7th.
        (civil(Judgment(date(2025, 5, 6), Recourse.APPEAL)), date(2027, 5, 7)),
        # Criminal appeal: 10 days from pronouncement (CPP 498), distance does not count.
        (Case("P-1", CourtKind.CRIMINAL, date(2025, 1, 1), (Judgment(date(2026, 3, 2), Recourse.APPEAL,
              residence=Residence.ABROAD),)), date(2026, 3, 12)),
        # Référé appeal: 15 days from service (CPC 490).
        (Case("R-1", CourtKind.REFERE, date(2026, 1, 5), (Judgment(date(2026, 1, 20), Recourse.APPEAL,
              served_on=date(2026, 1, 22)),)), date(2026, 2, 6)),
        # No recourse open against the last judgment: released at once.
        (civil(Judgment(date(2026, 4, 9), None)), date(2026, 4, 9)),
        # Closed (settlement, withdrawal): released at once.
        (civil(Judgment(date(2026, 4, 9), Recourse.APPEAL), closed_on=date(2026, 5, 20)), date(2026, 5, 20)),
    ],
)  # fmt: skip
def test_a_case_keeps_its_data_until_the_last_day_of_recourse(shipped, case, last_day):
    """Seed: « jusqu'à l'expiration des voies de recours », per the policy's recourse table."""
    assert release(case, shipped.litigation, as_of=TODAY).on == last_day


def test_the_last_judgment_decides_and_an_appeal_keeps_the_hold_running(shipped):
    """`litigation.appealed`: the hold runs on to the next judgment."""
    first = Judgment(date(2025, 6, 2), Recourse.APPEAL, served_on=date(2025, 6, 10))
    appealed = civil(first, appealed_after_last=True)
    assert release(appealed, shipped.litigation, as_of=TODAY).on is None
    on_appeal = civil(first, Judgment(date(2026, 9, 1), Recourse.CASSATION, served_on=date(2026, 9, 8)))
    assert release(on_appeal, shipped.litigation, as_of=TODAY).on == date(2026, 11, 9)  # 8 Nov is a Sunday


def test_a_case_without_judgment_is_kept_and_listed_for_review_after_the_policy_delay(shipped):
    """A hold with no judgment for longer than the policy says is listed for review (P3Y)."""
    young = civil()
    old = replace(young, opened_on=date(2023, 11, 1))
    assert (
        release(young, shipped.litigation, as_of=TODAY).on,
        release(young, shipped.litigation, as_of=TODAY).review,
    ) == (None, False)
    assert release(old, shipped.litigation, as_of=TODAY).review is True


def test_a_criminal_judgment_not_yet_served_still_counts_from_pronouncement(shipped):
    case = Case(
        "P-2", CourtKind.CRIMINAL, date(2025, 1, 1), (Judgment(date(2026, 11, 2), Recourse.CASSATION),)
    )
    assert release(case, shipped.litigation, as_of=TODAY).on == date(
        2026, 11, 9
    )  # 5 days: Saturday 7 -> Monday 9


def test_an_administrative_judgment_not_served_keeps_the_hold(shipped):
    case = Case(
        "A-1", CourtKind.ADMINISTRATIVE, date(2025, 1, 1), (Judgment(date(2026, 3, 2), Recourse.APPEAL),)
    )
    assert release(case, shipped.litigation, as_of=TODAY).on is None


def test_alsace_moselle_rolls_past_its_own_holidays(shipped):
    """Good Friday is a holiday in Alsace-Moselle: a window ending then rolls to the Tuesday after Easter."""
    local = replace(shipped.litigation, holiday_calendar=HolidayCalendar.ALSACE_MOSELLE)
    case = civil(
        Judgment(date(2026, 2, 20), Recourse.APPEAL, served_on=date(2026, 3, 3))
    )  # ends Friday 3 April
    assert release(case, shipped.litigation, as_of=TODAY).on == date(2026, 4, 3)
    assert release(case, local, as_of=TODAY).on == date(2026, 4, 7)


def test_the_release_explains_its_steps(shipped):
    """The DPO must be able to justify the date to a court: each step names its article."""
    case = civil(Judgment(date(2026, 2, 2), Recourse.APPEAL, date(2026, 2, 14), Residence.OVERSEAS))
    steps = release(case, shipped.litigation, as_of=TODAY).steps
    assert steps[0] == "appeal: P1M from service (Code de procédure civile art. 538)"
    assert steps[1] == "+P1M for a party overseas (Code de procédure civile art. 643)"
