"""Litigation holds are released when the recourse routes are exhausted (seed, recordings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from charte.domain.litigation import Case, Judgment, Residence, release
from charte.domain.vocabulary import CourtKind, CourtSeat, HolidayCalendar, Recourse

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
        # Criminal appeal: 10 days for the parties (CPP 498) but 20 for the procureur général
        # (CPP 505), from pronouncement, distance not counted: 22 March is a Sunday (CPP 801).
        (Case("P-1", CourtKind.CRIMINAL, date(2025, 1, 1), (Judgment(date(2026, 3, 2), Recourse.APPEAL,
              residence=Residence.ABROAD),)), date(2026, 3, 23)),
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
    # Five clear days after 2 November: the 8th, a Sunday, rolled to Monday 9 (CPP 568, 801).
    assert release(case, shipped.litigation, as_of=TODAY).on == date(2026, 11, 9)


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


def criminal(judgment: Judgment) -> Case:
    return Case("P-9", CourtKind.CRIMINAL, date(2025, 1, 1), (judgment,))


def administrative(judgment: Judgment) -> Case:
    return Case("A-9", CourtKind.ADMINISTRATIVE, date(2025, 1, 1), (judgment,))


@pytest.mark.parametrize(
    ("case", "last_day"),
    [
        # Criminal cassation, five jours francs (CPP 568): pronounced Wednesday 18 November 2026,
        # neither the 18th nor the fifth day (the 23rd) counts: open until Tuesday 24 inclusive.
        (criminal(Judgment(date(2026, 11, 18), Recourse.CASSATION)), date(2026, 11, 24)),
        # ...pronounced Friday 6 November: the 12th is a Thursday — the 11th, a holiday, is inside.
        (criminal(Judgment(date(2026, 11, 6), Recourse.CASSATION)), date(2026, 11, 12)),
        # ...pronounced Tuesday 8 December: the 14th is a Monday; pronounced Wednesday 9: Tuesday 15.
        (criminal(Judgment(date(2026, 12, 8), Recourse.CASSATION)), date(2026, 12, 14)),
        (criminal(Judgment(date(2026, 12, 9), Recourse.CASSATION)), date(2026, 12, 15)),
        # ...pronounced Thursday 19 November: the 25th. Friday 20 November: the 26th is a
        # Thursday. Saturday 19 December: the 25th is Christmas, rolled to Monday 28 (CPP 801).
        (criminal(Judgment(date(2026, 11, 19), Recourse.CASSATION)), date(2026, 11, 25)),
        (criminal(Judgment(date(2026, 12, 19), Recourse.CASSATION)), date(2026, 12, 28)),
        # Criminal appeal: the procureur général's 20 days (CPP 505) outlast the parties' 10
        # (CPP 498): pronounced 18 November, open until 8 December (a Tuesday).
        (criminal(Judgment(date(2026, 11, 18), Recourse.APPEAL)), date(2026, 12, 8)),
        # Administrative appeal, 2 months from service (CJA R811-2): served 15 January 2026 on a
        # party in metropolitan France, 15 March is a Sunday: Monday 16.
        (administrative(Judgment(date(2026, 1, 5), Recourse.APPEAL, served_on=date(2026, 1, 15))),
         date(2026, 3, 16)),
        # ...a party overseas: +1 month (CJA R421-7 by R811-5): 15 April, a Wednesday.
        (administrative(Judgment(date(2026, 1, 5), Recourse.APPEAL, date(2026, 1, 15), Residence.OVERSEAS)),
         date(2026, 4, 15)),
        # ...abroad: +2 months: 15 May, a Friday.
        (administrative(Judgment(date(2026, 1, 5), Recourse.APPEAL, date(2026, 1, 15), Residence.ABROAD)),
         date(2026, 5, 15)),
        # Administrative cassation, 2 months (CJA R821-1), abroad +2 months: 15 September 2026
        # served, 15 January 2027, a Friday.
        (administrative(Judgment(date(2026, 9, 1), Recourse.CASSATION, date(2026, 9, 15), Residence.ABROAD)),
         date(2027, 1, 15)),
        # A civil court sitting overseas (CPC 644): a party in metropolitan France gets +1 month,
        # one living where the court sits nothing, one in another overseas collectivity +1 month,
        # one abroad +2 months. Served 2 February 2026: 2 March, 2 April, 2 April, 4 May.
        (civil(Judgment(date(2026, 1, 20), Recourse.APPEAL, date(2026, 2, 2), Residence.OVERSEAS,
                        CourtSeat.OVERSEAS)), date(2026, 3, 2)),
        (civil(Judgment(date(2026, 1, 20), Recourse.APPEAL, date(2026, 2, 2), Residence.METROPOLITAN,
                        CourtSeat.OVERSEAS)), date(2026, 4, 2)),
        (civil(Judgment(date(2026, 1, 20), Recourse.APPEAL, date(2026, 2, 2), Residence.OTHER_OVERSEAS,
                        CourtSeat.OVERSEAS)), date(2026, 4, 2)),
        (civil(Judgment(date(2026, 1, 20), Recourse.APPEAL, date(2026, 2, 2), Residence.ABROAD,
                        CourtSeat.OVERSEAS)), date(2026, 5, 4)),
        # ...and before a court in metropolitan France, a party in another overseas collectivity
        # is overseas (CPC 643): +1 month.
        (civil(Judgment(date(2026, 1, 20), Recourse.APPEAL, date(2026, 2, 2), Residence.OTHER_OVERSEAS)),
         date(2026, 4, 2)),
    ],
)  # fmt: skip
def test_the_recourse_windows_of_criminal_administrative_and_overseas_courts_end_on_their_own_days(
    shipped, case, last_day
):
    """CPP 498, 505, 568, 801; CJA R811-2, R821-1, R421-7 (R811-5); CPC 643, 644 (dated cases)."""
    assert release(case, shipped.litigation, as_of=TODAY).on == last_day


def test_a_criminal_window_names_every_route_and_the_rule_that_rolled_its_last_day(shipped):
    """The DPO justifies the date to a court: the parties' and the procureur général's routes, CPP 801."""
    steps = release(
        criminal(Judgment(date(2026, 12, 19), Recourse.CASSATION)), shipped.litigation, as_of=TODAY
    )
    assert steps.steps == (
        "cassation: P5D clear days from pronouncement (Code de procédure pénale art. 568)",
        "2026-12-25 is not a working day: 2026-12-28 (Code de procédure pénale art. 801)",
    )
    appeal = release(criminal(Judgment(date(2026, 11, 18), Recourse.APPEAL)), shipped.litigation, as_of=TODAY)
    assert appeal.steps == (
        "appeal: P10D from pronouncement, by the parties (Code de procédure pénale art. 498)",
        "2026-11-28 is not a working day: 2026-11-30 (Code de procédure pénale art. 801)",
        "appeal: P20D from pronouncement, by the procureur général (Code de procédure pénale art. 505)",
    )
    assert appeal.why == "recourse window after the last judgment: the longest open route"
