"""The prospecting gate's rules, judged on the day of each solicitation with the shipped policy's
dated rules (Code de la consommation L223-1 and D223-9, CPCE L34-5, GDPR Art. 21(3))."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from charte.domain.policy import Policy
from charte.domain.policy_checks import check_policy
from charte.domain.prospecting import (
    Attempt,
    BloctelCheck,
    Channel,
    ConsentSpan,
    Facts,
    Prospecting,
    decide,
)
from charte.domain.vocabulary import LegalBasis, SourceKind

PARIS = ZoneInfo("Europe/Paris")


def at(day: str, hour: str = "11:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}").replace(tzinfo=PARIS)


@pytest.fixture
def rules(shipped: Policy) -> Prospecting:
    assert shipped.prospecting is not None
    return shipped.prospecting


CONSENTED = Facts(consents=(ConsentSpan(at("2026-01-05")),))
FRESH_LIST = BloctelCheck(dated=date(2026, 8, 1), listed=False)


def codes(decision) -> list[str]:
    return [r.code for r in decision.refusals]


def test_a_call_on_10_august_2026_is_judged_by_bloctel_and_the_same_call_on_12_august_by_consent(rules):
    """L223-1: the opposition list until 10 August 2026, prior consent from the 11th (loi 2025-594)."""
    listed = Facts(bloctel=BloctelCheck(dated=date(2026, 8, 1), listed=True))
    before = decide(rules, Channel.PHONE, at("2026-08-10"), listed)
    assert codes(before) == ["bloctel_listed"]
    assert "wording before loi n° 2025-594" in before.refusals[0].source
    clear = decide(rules, Channel.PHONE, at("2026-08-10"), Facts(bloctel=FRESH_LIST))
    assert clear.allowed
    assert [g.code for g in clear.grounds][:2] == ["no_consent_needed", "bloctel_clear"]
    after = decide(rules, Channel.PHONE, at("2026-08-12"), Facts(bloctel=FRESH_LIST))
    assert codes(after) == ["no_consent"]
    assert "loi n° 2025-594" in after.refusals[0].source
    assert decide(rules, Channel.PHONE, at("2026-08-12"), CONSENTED).allowed


def test_before_the_switch_a_call_needs_a_bloctel_list_of_the_last_30_days(rules):
    """L223-1 (former wording): the file is checked against the list, again every month."""
    none = decide(rules, Channel.PHONE, at("2026-07-06"), Facts())
    assert codes(none) == ["bloctel_not_checked"]
    stale = decide(
        rules, Channel.PHONE, at("2026-08-10"), Facts(bloctel=BloctelCheck(date(2026, 7, 10), False))
    )
    assert codes(stale) == ["bloctel_not_checked"]
    assert decide(
        rules, Channel.PHONE, at("2026-08-10"), Facts(bloctel=BloctelCheck(date(2026, 7, 11), False))
    ).allowed


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (at("2026-12-07", "09:59"), False),
        (at("2026-12-07", "10:00"), True),
        (at("2026-12-07", "12:59"), True),
        (at("2026-12-07", "13:30"), False),
        (at("2026-12-07", "14:00"), True),
        (at("2026-12-07", "19:59"), True),
        (at("2026-12-07", "20:00"), False),
        (at("2026-12-05", "11:00"), False),  # a Saturday
        (at("2026-12-06", "11:00"), False),  # a Sunday
        (at("2027-07-14", "11:00"), False),  # Fête nationale, a Wednesday
        (at("2027-05-06", "11:00"), False),  # Ascension, a Thursday
    ],
)
def test_calls_only_on_weekdays_from_10_to_13_and_14_to_20_never_on_a_public_holiday(rules, moment, allowed):
    """D223-9 al. 1 (décret 2022-1313): weekdays 10:00-13:00 and 14:00-20:00, no public holiday."""
    decision = decide(rules, Channel.PHONE, moment, CONSENTED)
    assert decision.allowed is allowed
    if not allowed:
        assert codes(decision) == ["outside_hours"]
        assert "D223-9" in decision.refusals[0].source


def test_the_hours_are_those_of_the_consumer_s_time_zone(rules):
    """D223-9: « ces heures correspondant à celles du fuseau horaire du consommateur »."""
    moment = at("2026-12-07", "09:00")  # 09:00 in Paris is 12:00 in Réunion
    assert not decide(rules, Channel.PHONE, moment, CONSENTED).allowed
    assert decide(rules, Channel.PHONE, moment, CONSENTED, zones=("Indian/Reunion",)).allowed
    # A number that may be in Mayotte (UTC+3) or Réunion (UTC+4): within the hours in both, or refused.
    both = ("Indian/Mayotte", "Indian/Reunion")
    assert codes(decide(rules, Channel.PHONE, at("2026-12-07", "07:30"), CONSENTED, zones=both)) == [
        "outside_hours"
    ]
    assert decide(rules, Channel.PHONE, at("2026-12-07", "09:00"), CONSENTED, zones=both).allowed


def test_the_fifth_attempt_in_30_calendar_days_is_refused(rules):
    """D223-9 al. 3: at most four attempts (answered or not) in 30 calendar days."""
    four = Facts(
        consents=CONSENTED.consents,
        attempts=tuple(Attempt(date(2026, 11, d)) for d in (9, 16, 23, 30)),
    )
    fifth = decide(rules, Channel.PHONE, at("2026-12-08"), four)
    assert codes(fifth) == ["too_many"]
    # The first attempt (9 November) falls out of the 30 days ending on 9 December.
    assert decide(rules, Channel.PHONE, at("2026-12-09"), four).allowed


@pytest.mark.parametrize(("days", "allowed"), [(59, False), (60, False), (61, True)])
def test_no_call_for_60_full_calendar_days_after_a_refusal(rules, days, allowed):
    """D223-9 al. 3: « soixante jours calendaires révolus à compter de ce refus »."""
    refused = Facts(consents=CONSENTED.consents, attempts=(Attempt(date(2026, 10, 2), refused=True),))
    day = date.fromordinal(date(2026, 10, 2).toordinal() + days)  # 30 Nov, 1 and 2 Dec: weekdays
    moment = datetime.combine(day, datetime.min.time().replace(hour=11), tzinfo=PARIS)
    decision = decide(rules, Channel.PHONE, moment, refused)
    assert decision.allowed is allowed, (day, decision)
    if not allowed:
        assert codes(decision) == ["after_refusal"]


def test_an_e_mail_to_a_partner_s_lead_without_consent_is_refused_and_with_it_allowed(rules):
    """CPCE L34-5: prior consent for e-mail and SMS to a natural person, for years."""
    refused = decide(rules, Channel.EMAIL, at("2020-03-03"), Facts())
    assert codes(refused) == ["no_consent"]
    assert "L34-5" in refused.refusals[0].source
    assert codes(decide(rules, Channel.SMS, at("2026-12-05", "23:00"), Facts())) == ["no_consent"]
    assert decide(rules, Channel.EMAIL, at("2026-12-06", "23:00"), CONSENTED).allowed  # no hours for e-mail


def test_a_client_under_contract_is_allowed_by_the_contract_exception_but_not_outside_the_hours(rules):
    """L223-1 and L34-5 al. 4: the client's exception; D223-9 binds calls within a contract too."""
    client = Facts(client=True)
    decision = decide(rules, Channel.PHONE, at("2026-12-07"), client)
    assert decision.allowed
    assert next(g.code for g in decision.grounds) == "client_contract"
    assert "ongoing contract" in decision.grounds[0].source
    assert decide(rules, Channel.EMAIL, at("2026-12-07"), client).allowed
    assert codes(decide(rules, Channel.PHONE, at("2026-12-07", "21:00"), client)) == ["outside_hours"]
    assert decide(rules, Channel.PHONE, at("2026-07-07"), Facts(client=True)).allowed  # Bloctel's exception


def test_a_withdrawn_consent_refuses_from_its_withdrawal_and_says_so(rules):
    """GDPR Art. 7(3): withdrawal takes effect at once; before it, the consent held."""
    span = ConsentSpan(at("2026-09-01"), withdrawn_at=at("2026-11-02", "09:00"))
    facts = Facts(consents=(span,))
    assert decide(rules, Channel.PHONE, at("2026-10-01"), facts).allowed
    withdrawn = decide(rules, Channel.PHONE, at("2026-11-02", "10:00"), facts)
    assert codes(withdrawn) == ["consent_withdrawn"]
    assert "2026-11-02T09:00:00+01:00" in withdrawn.refusals[0].detail
    assert codes(decide(rules, Channel.PHONE, at("2026-08-31"), facts)) == ["no_consent"]  # not yet given


def test_an_objection_refuses_every_channel_even_with_consent_and_every_reason_is_given(rules):
    """GDPR Art. 21(3): an objection to direct marketing is absolute; the answer lists all reasons."""
    facts = replace(
        CONSENTED, objected=True, attempts=tuple(Attempt(date(2026, 12, d)) for d in (1, 2, 3, 4))
    )
    decision = decide(rules, Channel.PHONE, at("2026-12-05"), facts)
    assert codes(decision) == ["objected", "outside_hours", "too_many"]
    assert codes(decide(rules, Channel.POST, at("2026-12-05"), facts)) == ["objected"]


def test_a_moment_without_its_offset_is_refused(rules):
    """A solicitation's time is an instant: the windows are judged in the consumer's zone."""
    with pytest.raises(ValueError, match="offset"):
        decide(rules, Channel.PHONE, datetime(2026, 12, 7, 11), CONSENTED)  # noqa: DTZ001 (the point)


def test_policy_check_refuses_prospecting_on_legitimate_interest_where_a_channel_needs_consent(shipped):
    """CPCE L34-5, L223-1: where the law requires consent, consent is the basis (GDPR Art. 6(1)(a))."""
    purpose = replace(shipped.purposes["prospecting"], legal_basis=LegalBasis.LEGITIMATE_INTEREST)
    policy = replace(shipped, purposes={**shipped.purposes, "prospecting": purpose})
    problems = [p for p in check_policy(policy) if p.code == "prospecting_basis"]
    assert [p.path for p in problems] == [("purposes", "prospecting", "legal_basis")]
    assert "L34-5" in (problems[0].source or "")
    assert "L223-1" in (problems[0].source or "")


def test_policy_check_refuses_partner_leads_when_no_consent_may_come_from_a_partner(shipped):
    """A partner's lead file can be prospected only with a consent the partner collected."""
    assert shipped.prospecting is not None
    rules = replace(shipped.prospecting, consent_sources=frozenset({SourceKind.SUBJECT}))
    problems = [p for p in check_policy(replace(shipped, prospecting=rules)) if p.code == "partner_consent"]
    assert [p.path for p in problems] == [("prospecting", "consent", "sources")]
    assert "'prospect' data come from partners" in problems[0].message
