"""When a rights request must be answered (GDPR Art. 12(3), 12(6); CPC 641-642), and its codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from charte.domain.durations import Duration
from charte.domain.rights import (
    CODE_ATTEMPTS,
    CodeCheck,
    Pause,
    Refusal,
    Status,
    Terms,
    check_code,
    code_digest,
    due_on,
    identity_answer_due,
    may_extend,
)
from charte.domain.vocabulary import IdentityRequestEffect

PAUSE = Terms(Duration(months=1), Duration(months=2), IdentityRequestEffect.PAUSE, Duration(months=2))
RESTART = Terms(Duration(months=1), Duration(months=2), IdentityRequestEffect.RESTART, Duration(months=2))
d = date.fromisoformat


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        ("2026-03-10", "2026-04-10", "one month later, a Friday"),
        ("2026-01-31", "2026-03-02", "31 Jan + 1 month = 28 Feb (a Saturday) -> Monday 2 March"),
        ("2028-01-31", "2028-02-29", "a leap year keeps 29 February (a Tuesday)"),
        ("2027-01-29", "2027-03-01", "28 Feb 2027 is a Sunday; 29 Jan + 1 month clamps to it, then rolls"),
        ("2026-04-01", "2026-05-04", "1 May (Fête du travail, a Friday) -> Monday 4 May"),
        ("2026-10-11", "2026-11-12", "11 November (Armistice, a Wednesday) -> Thursday"),
        ("2026-06-14", "2026-07-15", "14 July (Fête nationale, a Tuesday) -> Wednesday"),
    ],
)
def test_the_reply_is_due_one_month_after_receipt_rolled_past_weekends_and_holidays(received, due, why):
    """GDPR Art. 12(3): one month; CPC 641 (month ends) and 642 (weekends, public holidays)."""
    assert due_on(d(received), [], False, PAUSE) == d(due), why


def test_an_extension_gives_three_months_from_receipt_rolled():
    """Art. 12(3): extendable by two further months."""
    assert due_on(d("2026-01-31"), [], True, PAUSE) == d("2026-04-30")
    assert due_on(d("2025-11-30"), [], True, PAUSE) == d("2026-03-02")  # 28 Feb 2026 is a Saturday


def test_while_identity_is_awaited_the_clock_is_stopped():
    """Art. 12(6) with the policy's `identity_request: pause`: no due date while unanswered."""
    assert due_on(d("2026-03-02"), [Pause(d("2026-03-05"))], False, PAUSE) is None


def test_the_days_of_each_pause_are_added_before_rolling_and_move_an_extended_date_too():
    """Several pauses add up; an extended due date moves too."""
    one = [Pause(d("2026-03-05"), d("2026-03-15"))]  # 10 days
    assert due_on(d("2026-03-02"), one, False, PAUSE) == d("2026-04-13")  # 2 Apr + 10 = Sun 12 -> Mon 13
    two = [*one, Pause(d("2026-03-20"), d("2026-03-25"))]  # and 5 more
    assert due_on(d("2026-03-02"), two, False, PAUSE) == d("2026-04-17")
    assert due_on(d("2026-01-31"), one, True, PAUSE) == d("2026-05-11")  # 30 Apr + 10 = Sun 10 May -> Mon


def test_identity_asked_on_reasonable_doubt_suspends_the_month_and_does_not_restart_it():
    """Décret n° 2019-536 (ex-décret 2005-1309 art. 92 al. 3): « les délais prévus au 3 de l'article 12
    [...] sont suspendus » while identity information is awaited. Received Friday 20 November 2026,
    asked Wednesday 25, answered Wednesday 2 December: 20 December + 7 days = Sunday 27 -> Monday 28
    December; restarting would have given the operator until Monday 4 January 2027."""
    asked = [Pause(d("2026-11-25"), d("2026-12-02"))]
    assert due_on(d("2026-11-20"), asked, False, PAUSE) == d("2026-12-28")
    assert due_on(d("2026-11-20"), asked, False, RESTART) == d("2027-01-04")


def test_with_a_restarting_clock_the_month_runs_again_from_the_last_answer():
    """The policy's `identity_request: restart`."""
    pauses = [Pause(d("2026-01-12"), d("2026-02-20"))]
    assert due_on(d("2026-01-10"), pauses, False, RESTART) == d("2026-03-20")
    assert due_on(d("2026-01-10"), pauses, True, RESTART) == d("2026-05-20")
    assert due_on(d("2026-01-10"), [], False, RESTART) == d("2026-02-10")


def test_an_unanswered_request_for_information_expires_after_the_policy_delay_without_rolling():
    """The shipped policy closes as not identifiable after 2 months without an answer."""
    assert identity_answer_due(Pause(d("2026-06-15")), PAUSE) == d("2026-08-15")  # a Saturday: no roll


def test_an_extension_needs_a_reason_an_open_request_a_running_clock_and_the_first_due_date_not_passed():
    """Art. 12(3): the requester is told of the extension, with its reasons, within the first month."""
    first = d("2026-04-10")
    may_extend(Status.VERIFIED, False, first, first, "400 pages of call logs to review")
    with pytest.raises(Refusal, match="needs its reason"):
        may_extend(Status.RECEIVED, False, first, first, " ")
    with pytest.raises(Refusal, match="before the due date 2026-04-10"):
        may_extend(Status.RECEIVED, False, first, first + timedelta(days=1), "late")
    with pytest.raises(Refusal, match="already extended"):
        may_extend(Status.RECEIVED, True, first, first, "again")
    with pytest.raises(Refusal, match="fulfilled request cannot be extended"):
        may_extend(Status.FULFILLED, False, first, first, "why")
    with pytest.raises(Refusal, match="clock is stopped"):
        may_extend(Status.AWAITING_IDENTITY, False, None, first, "why")


def test_a_code_matches_only_its_request_before_expiry_and_within_the_attempts():
    """6 digits, stored hashed, expiring, limited attempts, constant-time comparison."""
    key, now = b"k" * 32, datetime(2026, 11, 26, 12, tzinfo=UTC)
    stored = code_digest(key, 7, "123456")
    assert "123456" not in stored
    common = {
        "key": key,
        "stored": stored,
        "expires_at": now + timedelta(minutes=1),
        "attempts": 0,
        "now": now,
    }
    assert check_code(request_id=7, given="123456", **common) is CodeCheck.OK
    assert check_code(request_id=8, given="123456", **common) is CodeCheck.WRONG
    assert check_code(request_id=7, given="123457", **common) is CodeCheck.WRONG
    assert (
        check_code(request_id=7, given="123456", **common | {"attempts": CODE_ATTEMPTS})
        is CodeCheck.EXHAUSTED
    )
    assert (
        check_code(request_id=7, given="123456", **common | {"now": now + timedelta(minutes=1)})
        is CodeCheck.EXPIRED
    )
    assert check_code(request_id=7, given="123456", **common | {"stored": None}) is CodeCheck.NONE_SENT
