"""The audit chain: every access and change, hash-chained so that tampering shows.

An entry says who (actor, role), why (purpose, context), what (action, subject, field names) and
the gate's decision — never a personal value: the subject is an HMAC of its ref, made with a key
kept outside the database, so an erased person does not live on in clear in the log.

Entries are chained per *period* (a calendar month, UTC): each entry's hash is
``sha256(previous hash || canonical bytes)``, the first entry of a period starting from a genesis
value derived from the period's name. A period past the policy's audit retention can therefore be
dropped whole while every other period still verifies. Signed checkpoints (written outside the
database by an adapter) pin the head of a chain, so that deleting its tail is detected too.

``verify_chain`` walks one period's stored entries and returns the first break: an entry edited
(its hash no longer matches its bytes, or its columns no longer match its bytes), deleted or
reordered (a gap or inversion in the sequence, or a previous-hash mismatch), or the tail cut
(the chain ends before the last checkpoint, or disagrees with it).
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from charte.domain.dates import purge_due, retention_end
from charte.domain.durations import Duration


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    IMPORT = "import"
    ERASE = "erase"
    HOLD = "hold"
    ACTOR = "actor"
    DISCLOSE = "disclose"
    SESSION = "session"  # console login, refusal, logout
    RIGHTS = "rights"  # a step of a rights request
    ALARM = "alarm"  # an alarm raised (or refused) on a site


@dataclass(frozen=True, slots=True)
class Entry:
    """One audited act, before it is chained. Strings only name roles, purposes, fields, refs'
    HMACs and decisions: the constructor does not see personal values."""

    at: datetime
    actor: str
    action: Action
    role: str | None = None
    purpose: str | None = None
    context: str | None = None  # e.g. "alarm_session:A1", "rights_request:R7"
    subject: str | None = None  # HMAC of "person:REF" (or of a contract/site/case ref)
    fields: tuple[str, ...] = ()
    decision: str = "allowed"  # or "denied:<reason>"
    detail: Mapping[str, Any] = field(default_factory=dict)  # counts, rule ids, case refs

    @property
    def period(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m")

    @property
    def at_text(self) -> str:
        """The time as the bytes hold it: ISO 8601 in UTC, to the microsecond."""
        return self.at.astimezone(UTC).isoformat(timespec="microseconds")

    def record(self) -> dict[str, Any]:
        """The entry as plain data, before it is chained (also a spool line)."""
        return {
            "at": self.at_text,
            "actor": self.actor,
            "action": self.action.value,
            "role": self.role,
            "purpose": self.purpose,
            "context": self.context,
            "subject": self.subject,
            "fields": sorted(self.fields),
            "decision": self.decision,
            "detail": dict(self.detail),
        }

    def canonical(self, seq: int) -> bytes:
        """The bytes that are hashed: sorted keys, no spaces, UTF-8, times in UTC to the microsecond."""
        body = {"seq": seq, "period": self.period, **self.record()}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def from_record(data: Mapping[str, Any]) -> Entry:
    return Entry(
        at=datetime.fromisoformat(data["at"]),
        actor=data["actor"],
        action=Action(data["action"]),
        role=data["role"],
        purpose=data["purpose"],
        context=data["context"],
        subject=data["subject"],
        fields=tuple(data["fields"]),
        decision=data["decision"],
        detail=data["detail"],
    )


def period_purge_due(period: str, retention: Duration) -> date:
    """The day a period's chain may be dropped: its last entry's day (the month's last day) plus
    the audit retention, plus one. The whole month goes at once, so no entry goes early."""
    year, month = (int(x) for x in period.split("-"))
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return purge_due(retention_end(last_day, retention))


def genesis(period: str) -> str:
    """The 'previous hash' of a period's first entry."""
    return hashlib.sha256(f"charte-audit-genesis:{period}".encode()).hexdigest()


def link(previous: str, body: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + body).hexdigest()


@dataclass(frozen=True, slots=True)
class Chained:
    period: str
    seq: int
    body: bytes
    prev: str
    hash: str


def chain(entries: Sequence[Entry], heads: Mapping[str, tuple[int, str]]) -> list[Chained]:
    """Chain ``entries`` after the current ``heads`` (period -> (last seq, last hash))."""
    state = dict(heads)
    out = []
    for entry in entries:
        period = entry.period
        seq, prev = state.get(period, (0, genesis(period)))
        body = entry.canonical(seq + 1)
        digest = link(prev, body)
        out.append(Chained(period, seq + 1, body, prev, digest))
        state[period] = (seq + 1, digest)
    return out


# An entry as read back for verification: (seq, canonical bytes, hash). The stored previous hash
# is not needed: each hash covers the one before it, so a broken link shows as a hash mismatch.
Stored = tuple[int, bytes, str]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    period: str
    seq: int
    hash: str
    at: str


@dataclass(frozen=True, slots=True)
class Verdict:
    period: str
    entries: int
    ok: bool
    seq: int | None = None  # the first broken entry
    why: str = ""


def verify_chain(period: str, stored: Iterable[Stored], checkpoint: Checkpoint | None) -> Verdict:
    """Walk one period's entries in sequence order; the first break, or OK with the count."""
    expected, count = 1, 0
    prev_raw = bytes.fromhex(genesis(period))
    pinned: str | None = None
    sha256 = hashlib.sha256
    for seq, body, digest in stored:
        if seq != expected:
            why = (
                f"entry {expected} is missing (the next stored is {seq})"
                if seq > expected
                else f"entry {seq} is out of order (expected {expected})"
            )
            return Verdict(period, count, False, expected, why)
        h = sha256(prev_raw)
        h.update(body)
        prev_raw = h.digest()
        if prev_raw.hex() != digest:
            return Verdict(
                period,
                count,
                False,
                seq,
                "its hash does not match: its bytes, or an entry before it, were edited",
            )
        expected, count = expected + 1, count + 1
        if checkpoint is not None and seq == checkpoint.seq:
            pinned = digest
    if checkpoint is not None:
        if count < checkpoint.seq:
            return Verdict(
                period,
                count,
                False,
                count + 1,
                f"the chain ends at entry {count}, before the signed checkpoint at entry {checkpoint.seq}: "
                "its tail was deleted",
            )
        if pinned != checkpoint.hash:
            return Verdict(period, count, False, checkpoint.seq, "it differs from the signed checkpoint")
    return Verdict(period, count, True)
