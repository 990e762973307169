"""Rights requests: their life, their deadline, and the identity codes that unlock them (pure).

The deadline (GDPR Art. 12(3)): one month from receipt — receipt by any channel of the operator
starts the clock — extendable by the policy's ``extension_up_to`` (two months) with reasons told
to the requester before the first due date. The month is a period of EU law, counted by
Regulation (EEC, Euratom) No 1182/71: it ends on the same day of the next month, or that month's
last day when it has none (art. 3(2)(c); ``dates.add_months``), and a due date on a Saturday,
Sunday or public holiday moves to the next working day (art. 3(4)), the holidays being those of
the Member State where the act is done — France's (Code du travail L3133-1), Alsace-Moselle's
where the policy says so. The CPC, which counts the same way (641, 642), governs only French
procedure: the recourse windows of ``domain.litigation``.

Asking the requester to prove their identity (Art. 12(6)) does what the policy's
``identity_request`` says:

- ``pause`` (the shipped policy, and French law: the Art. 12(3) periods « sont suspendus » while
  the information asked to identify the requester is awaited — décret n° 2019-536, formerly
  décret n° 2005-1309 art. 92): the days from each request for information to its answer are
  added to the due date before rolling; several pauses add up; an extended due date moves too.
  While a request for information is unanswered the clock is stopped: there is no due date, and
  the request is closed as not identifiable if no answer comes within ``identity_answer_within``.
- ``restart``: the clock starts again from the last answer (one month, or the extended period) —
  more time than the law gives; ``policy lint`` warns.

Everything here takes dates as arguments: no clock is read.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from charte.domain.dates import add_period, roll_to_working_day
from charte.domain.durations import Duration
from charte.domain.errors import DomainError
from charte.domain.vocabulary import Channel, HolidayCalendar, IdentityRequestEffect, Right


class Status(StrEnum):
    RECEIVED = "received"  # the clock runs; identity not yet established
    AWAITING_IDENTITY = "awaiting_identity"  # the requester was asked to prove who they are
    VERIFIED = "verified"  # identity established: the request may be fulfilled
    FULFILLED = "fulfilled"
    REFUSED = "refused"
    CLOSED = "closed"  # not identifiable, or withdrawn

    @property
    def open(self) -> bool:
        return self in (Status.RECEIVED, Status.AWAITING_IDENTITY, Status.VERIFIED)


class ClosingReason(StrEnum):
    NOT_IDENTIFIABLE = "not-identifiable"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Terms:
    """The policy's rights clock (``rights`` in the policy)."""

    reply_within: Duration
    extension_up_to: Duration
    identity_request: IdentityRequestEffect
    identity_answer_within: Duration
    calendar: HolidayCalendar = HolidayCalendar.METROPOLITAN


@dataclass(frozen=True, slots=True)
class Pause:
    """A request for information to identify the requester, and its answer once given."""

    asked_on: date
    answered_on: date | None = None


def due_on(received_on: date, pauses: Sequence[Pause], extended: bool, terms: Terms) -> date | None:
    """The reply's due date, or None while a request for information is unanswered."""
    if any(p.answered_on is None for p in pauses):
        return None
    period = terms.reply_within
    if extended:
        period = Duration(
            period.years + terms.extension_up_to.years,
            period.months + terms.extension_up_to.months,
            period.days + terms.extension_up_to.days,
        )
    if terms.identity_request is IdentityRequestEffect.RESTART and pauses:
        answered = [p.answered_on for p in pauses if p.answered_on is not None]
        return roll_to_working_day(add_period(max(answered), period), terms.calendar)
    paused = sum(((p.answered_on - p.asked_on).days for p in pauses if p.answered_on is not None), 0)
    return roll_to_working_day(add_period(received_on, period) + timedelta(days=paused), terms.calendar)


def identity_answer_due(pause: Pause, terms: Terms) -> date:
    """The last day the requester may answer a request for information before the request is
    closed as not identifiable (not a deadline for an act of the operator: it does not roll)."""
    return add_period(pause.asked_on, terms.identity_answer_within)


class Refusal(DomainError, ValueError):
    """A step that the request's state or the rules do not allow; the message says why."""


def may_extend(status: Status, extended: bool, first_due: date | None, on: date, reason: str) -> None:
    """Art. 12(3): once, with reasons, told to the requester within the first month."""
    if not status.open:
        raise Refusal(f"a {status.value} request cannot be extended")
    if extended:
        raise Refusal("the request was already extended (Art. 12(3) allows one extension)")
    if not reason.strip():
        raise Refusal("an extension needs its reason (--reason): the requester must be told why")
    if first_due is None:
        raise Refusal("the clock is stopped while identity is awaited: extend once it runs again")
    if on > first_due:
        raise Refusal(f"an extension must be notified before the due date {first_due.isoformat()}")


# One-time codes sent to a contact already on file: 6 digits, kept only as a keyed
# hash, expiring, with a bounded number of attempts, compared in constant time.
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=30)
CODE_ATTEMPTS = 5


def code_digest(key: bytes, request_id: int, code: str) -> str:
    """The keyed hash a code is stored as, bound to its request (a code of one request is no
    use for another)."""
    return hmac.new(key, f"rights-code:{request_id}:{code}".encode(), hashlib.sha256).hexdigest()


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # too many attempts: a new code must be sent
    NONE_SENT = "none_sent"


def check_code(
    *,
    key: bytes,
    request_id: int,
    given: str,
    stored: str | None,
    expires_at: datetime | None,
    attempts: int,
    now: datetime,
) -> CodeCheck:
    if stored is None or expires_at is None:
        return CodeCheck.NONE_SENT
    if attempts >= CODE_ATTEMPTS:
        return CodeCheck.EXHAUSTED
    if now >= expires_at:
        return CodeCheck.EXPIRED
    candidate = code_digest(key, request_id, given.strip())
    return CodeCheck.OK if hmac.compare_digest(candidate, stored) else CodeCheck.WRONG


@dataclass(slots=True)
class Request:
    """A rights request as the use cases see it (adapters.db.rights_store keeps it)."""

    id: int
    type: Right
    channel: Channel
    received_on: date
    status: Status
    claimed_name: str
    contact: str
    person_ref: str | None = None
    purpose: str | None = None
    changes: dict[str, str] | None = None
    ground: str | None = None
    pauses: list[Pause] = field(default_factory=list)
    first_due_on: date | None = None
    due_on: date | None = None
    extended_on: date | None = None
    extension_reason: str | None = None
    verified_on: date | None = None
    verified_by: str | None = None
    finished_on: date | None = None
    finish_reason: str | None = None
    code_hash: str | None = None
    code_expires_at: datetime | None = None
    code_attempts: int = 0
    document: str | None = None
    fee_cents: int | None = None  # asked for a manifestly unfounded or excessive request
    fee_reason: str | None = None
    fee_asked_on: date | None = None
    fee_paid_on: date | None = None

    @property
    def fee_due(self) -> bool:
        """A fee was asked and is not paid: the request is not answered until it is."""
        return self.fee_cents is not None and self.fee_paid_on is None

    def recompute(self, terms: Terms) -> None:
        """Set both due dates from receipt, pauses and extension (after every step)."""
        self.first_due_on = due_on(self.received_on, self.pauses, False, terms)
        self.due_on = due_on(self.received_on, self.pauses, self.extended_on is not None, terms)

    @property
    def open_pause(self) -> Pause | None:
        return next((p for p in self.pauses if p.answered_on is None), None)

    def overdue(self, today: date) -> bool:
        return self.status.open and self.due_on is not None and self.due_on < today

    def summary(self) -> dict[str, Any]:
        """What `charte rights` prints and the API returns (the requester's data included: the
        readers are the DPO's team)."""
        return {
            "id": self.id,
            "type": self.type.value,
            "status": self.status.value,
            "received_on": self.received_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "first_due_on": self.first_due_on.isoformat() if self.first_due_on else None,
            "extended": self.extended_on is not None,
            "channel": self.channel.value,
            "claimed_name": self.claimed_name,
            "contact": self.contact,
            "person": self.person_ref,
            "purpose": self.purpose,
            "changes": self.changes,
            "ground": self.ground,
            "paused": self.open_pause is not None,
            "verified_by": self.verified_by,
            "finished_on": self.finished_on.isoformat() if self.finished_on else None,
            "reason": self.finish_reason or self.extension_reason,
            "fee": None
            if self.fee_cents is None
            else {
                "cents": self.fee_cents,
                "reason": self.fee_reason,
                "asked_on": self.fee_asked_on.isoformat() if self.fee_asked_on else None,
                "paid_on": self.fee_paid_on.isoformat() if self.fee_paid_on else None,
            },
        }
