"""The breach register's rules: the 72-hour clock in hours and the risk charte proposes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charte.domain.breaches import (
    BreachRefused,
    Declared,
    Factors,
    Found,
    Level,
    Nature,
    Phase,
    Why,
    check_notification,
    check_times,
    clock,
    propose,
)
from charte.domain.dates import hours_period_end, is_working_day

PARIS = ZoneInfo("Europe/Paris")
FACTORS = Factors(frozenset({"site_security", "payment"}), many_persons=1000)
LEAK = frozenset({Nature.CONFIDENTIALITY})


def test_the_hour_of_awareness_is_not_counted():
    """Reg. 1182/71 art. 3(1): the hour in which the event happens does not count; 3(2)(a): the
    period starts at the beginning of the next hour and ends with the expiry of its last hour."""
    aware = datetime(2026, 3, 4, 14, 25, tzinfo=PARIS)
    assert hours_period_end(aware, 72) == datetime(2026, 3, 7, 15, 0, tzinfo=PARIS)
    on_the_hour = datetime(2026, 3, 4, 14, 0, tzinfo=PARIS)
    assert hours_period_end(on_the_hour, 72) == datetime(2026, 3, 7, 15, 0, tzinfo=PARIS)


def test_the_72_hours_run_through_a_weekend_and_are_not_rolled():
    """Reg. 1182/71 art. 3(3)-(4): a period in hours counts Saturdays and Sundays and never moves
    to the next working day (a period of days would)."""
    friday = datetime(2026, 11, 27, 16, 30, tzinfo=PARIS)
    when = clock(friday)
    assert when.deadline == datetime(2026, 11, 30, 17, 0, tzinfo=PARIS)  # Monday 17:00
    assert when.target == datetime(2026, 11, 30, 16, 30, tzinfo=PARIS)
    thursday = datetime(2026, 12, 3, 9, 10, tzinfo=PARIS)
    end = clock(thursday).deadline.astimezone(PARIS)
    assert end == datetime(2026, 12, 6, 10, 0, tzinfo=PARIS)  # a Sunday: it stays on the Sunday
    assert not is_working_day(end.date())


def test_the_72_hours_run_through_a_public_holiday_and_are_not_rolled():
    """Reg. 1182/71 art. 3(4) rolls only periods of days or longer: Christmas Day counts."""
    aware = datetime(2026, 12, 22, 11, 5, tzinfo=PARIS)
    assert clock(aware).deadline == datetime(2026, 12, 25, 12, 0, tzinfo=PARIS)
    assert not is_working_day(date(2026, 12, 25))


def test_the_72_hours_are_elapsed_hours_across_a_change_of_clocks():
    """72 hours are elapsed time: the night the clocks go forward (29 March 2026) shows 73 on the
    wall clock between awareness and target."""
    aware = datetime(2026, 3, 27, 10, 30, tzinfo=PARIS)
    when = clock(aware)
    assert when.target.astimezone(UTC) - aware.astimezone(UTC) == timedelta(hours=72)
    assert when.target.astimezone(PARIS) == datetime(2026, 3, 30, 11, 30, tzinfo=PARIS)  # one hour skipped
    assert when.hours_left(aware) == 72
    assert when.deadline.astimezone(PARIS) == datetime(2026, 3, 30, 12, 0, tzinfo=PARIS)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(PARIS)))  # noqa: DTZ001  # hypothesis's bounds are naive
def test_the_legal_deadline_is_never_before_the_prudent_target_nor_an_hour_after_it(aware):
    """The deadline ends a whole hour; the target is awareness + 72 h to the second."""
    when = clock(aware)
    assert timedelta(0) < when.deadline.astimezone(UTC) - when.target.astimezone(UTC) <= timedelta(hours=1)
    assert when.deadline.minute == when.deadline.second == when.deadline.microsecond == 0


def test_hours_left_count_down_to_the_prudent_target():
    """The dashboard's figure: hours before awareness + 72 h."""
    aware = datetime(2026, 12, 1, 8, 0, tzinfo=PARIS)
    assert clock(aware).hours_left(aware + timedelta(hours=61)) == pytest.approx(11.0)


def test_a_late_first_notification_needs_its_reasons_and_phases_follow_in_order():
    """GDPR Art. 33(1): reasons for the delay; 33(4): information in phases."""
    when = clock(datetime(2026, 12, 1, 8, 0, tzinfo=PARIS))
    late = when.deadline + timedelta(minutes=1)
    with pytest.raises(BreachRefused, match="delay_reasons"):
        check_notification(when, late, Phase.INITIAL, None, [])
    check_notification(when, late, Phase.INITIAL, "scope unknown until the provider answered", [])
    check_notification(when, when.deadline, Phase.INITIAL, None, [])  # at the end of the 72nd hour: in time
    check_notification(when, late, Phase.COMPLEMENT, None, [Phase.INITIAL])  # only the first owes reasons
    with pytest.raises(BreachRefused, match="complete already"):
        check_notification(when, late, Phase.COMPLEMENT, None, [Phase.INITIAL, Phase.COMPLETE])


def test_awareness_cannot_precede_discovery_nor_be_in_the_future():
    """The clock starts at awareness, which follows the discovery (Art. 33(1))."""
    now = datetime(2026, 12, 6, 12, 0, tzinfo=PARIS)
    with pytest.raises(BreachRefused, match="aware_at"):
        check_times(now - timedelta(hours=1), now - timedelta(hours=2), now)
    with pytest.raises(BreachRefused, match="future"):
        check_times(now, now + timedelta(hours=1), now)


def test_access_instructions_reached_propose_a_high_risk_and_letters():
    """EDPB Guidelines 9/2022 § IV.B, severity: alarm codes can lead to a burglary."""
    proposal = propose(Found(3, frozenset({"site_security", "contact"})), Declared(LEAK), FACTORS)
    assert (proposal.level, proposal.notify_cnil, proposal.tell_persons) == (Level.HIGH, True, True)
    assert [(r.why, r.items) for r in proposal.reasons][1] == (Why.SEVERE, ("site_security",))
    assert proposal.reasons[-1].why is Why.TELL


def test_contact_details_of_a_few_persons_propose_a_notification_without_letters():
    """GDPR Art. 33(1) risk, not the high risk of Art. 34(1)."""
    proposal = propose(Found(12, frozenset({"contact"})), Declared(LEAK), FACTORS)
    assert (proposal.level, proposal.notify_cnil, proposal.tell_persons) == (Level.RISK, True, False)


def test_the_number_of_persons_and_vulnerable_persons_raise_the_risk():
    """EDPB § IV.B: the number of persons, special characteristics of the persons."""
    many = propose(Found(5000, frozenset({"contact"})), Declared(LEAK), FACTORS)
    assert many.level is Level.HIGH
    assert Why.MANY in {r.why for r in many.reasons}
    vulnerable = propose(Found(2, frozenset({"contact"})), Declared(LEAK, vulnerable=True), FACTORS)
    assert vulnerable.level is Level.HIGH


def test_unintelligible_data_or_later_measures_spare_the_letters_not_the_notification():
    """GDPR Art. 34(3)(a) and (b)."""
    found = Found(3, frozenset({"payment"}))
    for declared in (Declared(LEAK, unintelligible=True), Declared(LEAK, mitigated=True)):
        proposal = propose(found, declared, FACTORS)
        assert (proposal.level, proposal.notify_cnil, proposal.tell_persons) == (Level.HIGH, True, False)


def test_an_availability_breach_restored_in_time_or_affecting_no_one_is_recorded_only():
    """GDPR Art. 33(1): unlikely to result in a risk; still recorded (Art. 33(5))."""
    restored = propose(
        Found(40, frozenset({"contact"})), Declared(frozenset({Nature.AVAILABILITY}), restored=True), FACTORS
    )
    assert (restored.level, restored.notify_cnil) == (Level.UNLIKELY, False)
    nobody = propose(Found(0, frozenset()), Declared(LEAK), FACTORS)
    assert (nobody.level, nobody.notify_cnil) == (Level.UNLIKELY, False)


def test_each_reason_has_its_words_in_both_languages_and_its_source(shipped):
    """What charte proposes is explained in the DPO's language, with the rule it rests on."""
    from charte.domain.breaches import Reason
    from charte.domain.vocabulary import Language
    from charte.services.documents.breach_words import REASONS, reason

    assert set(REASONS) == set(Why)
    said = reason(Reason(Why.SEVERE, 3, ("site_security",)), shipped, Language.FR)
    assert "consignes d'accès au site" in said
    assert "EDPB Guidelines 9/2022" in said


def test_a_scope_verifies_the_audit_periods_its_window_touches_and_no_more():
    """The window's end is excluded: a month that starts at it is not verified (nor read)."""
    from charte.domain.breaches import Compromised
    from charte.services.breach_scope import Item, periods_of

    october = Item(
        Compromised.ACTOR,
        "bot",
        since=datetime(2026, 10, 1, tzinfo=UTC),
        until=datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert periods_of([october]) == {"2026-10"}
    paris = Item(
        Compromised.ACTOR,
        "bot",
        since=datetime(2026, 10, 1, tzinfo=PARIS),
        until=datetime(2026, 11, 1, tzinfo=PARIS),
    )
    assert periods_of([paris]) == {"2026-09", "2026-10"}  # Paris's midnight is the previous day in UTC
    year_end = Item(
        Compromised.ACTOR,
        "bot",
        since=datetime(2026, 12, 20, tzinfo=UTC),
        until=datetime(2027, 1, 2, tzinfo=UTC),
    )
    assert periods_of([year_end]) == {"2026-12", "2027-01"}
