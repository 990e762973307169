"""The audit chain: every access and change, hash-chained so that tampering shows.

An entry says who (actor, role), why (purpose, context), what (action, subject, field names) and
the gate's decision — never a personal value: the subject is an HMAC of its ref, made with a key
kept outside the database, so an erased person does not live on in clear in the log.

Entries are chained per *period* (a calendar month, UTC) and *writer*: each entry's hash is
``sha256(previous hash || canonical bytes)``, the first entry of a chain starting from a genesis
value derived from the period's name (and the writer's, but for the shared chain). Every command
appends to the period's shared chain (writer ``""``); a serving process draws a writer id of its own
at its start and appends to its own chain, so that several processes never wait on one head. The
writer is in the bytes the hash covers: an entry cannot be moved from one chain to another unseen.
A period past the policy's audit retention can be dropped whole while every other period still
verifies. Signed checkpoints (written outside the database by an adapter) pin the head of every
chain of a period, so that deleting a chain's tail, or a whole chain, is detected too; they are
chained per period themselves (``n``, ``prev``), and a tail left unsigned longer than charte takes
to sign it is reported (``stale_tail``): the newest checkpoints were removed.

``verify_chain`` walks one chain's stored entries and returns the first break: an entry edited
(its hash no longer matches its bytes, or its columns no longer match its bytes), deleted or
reordered (a gap or inversion in the sequence, or a previous-hash mismatch), or the tail cut
(the chain ends before the last checkpoint, or disagrees with it).
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from charte.domain.dates import purge_due, retention_end
from charte.domain.durations import Duration
from charte.domain.errors import DomainError

SHARED = ""  # the writer of a period's shared chain: every command's

# A chain: (period, writer).
ChainKey = tuple[str, str]


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    SEARCH = "search"  # a person search: how it searched and how many it found, never the text
    IMPORT = "import"
    ERASE = "erase"
    HOLD = "hold"
    ACTOR = "actor"
    DISCLOSE = "disclose"
    SESSION = "session"  # console login, refusal, logout
    RIGHTS = "rights"  # a step of a rights request
    ALARM = "alarm"  # an alarm raised (or refused) on a site
    KEY = "key"  # a key rotated (its name and the counts re-sealed; never the key)
    BREACH = "breach"  # a step of the breach register: the step and counts, never a person
    TRAINING = "training"  # a training recorded, or a read under an exempt purpose with one lapsed
    DATASET = "dataset"  # an analysis dataset built, read, revoked or expired: its name and counts
    PROSPECTING = (
        "prospecting"  # the prospecting gate's answer: channel, answer, reason codes; never the contact
    )


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
    writer: str = SHARED  # the chain it goes to in its period (the Auditor stamps a serving process's)

    @property
    def period(self) -> str:
        return self.at_text[:7]  # YYYY-MM of the UTC time (isoformat: a third of strftime's cost)

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
        } | ({"writer": self.writer} if self.writer else {})  # the shared chain's bytes as they always were

    def canonical(self, seq: int) -> bytes:
        """The bytes that are hashed: sorted keys, no spaces, UTF-8, times in UTC to the microsecond."""
        body = self.record()
        body["seq"], body["period"] = seq, body["at"][:7]  # the keys are sorted: order is free
        return _canonical(body)

    def act(self) -> bytes:
        """The entry's bytes without its place in a chain: equal for two entries of the same act
        (``act_of`` gives the same for a chained entry's bytes)."""
        return _canonical(self.record())


def _canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def act_of(body: bytes) -> bytes:
    """A chained entry's bytes without its place (``seq``, ``period``), as ``Entry.act`` makes them:
    how a spooled entry already in the chain is recognised, so that it is not chained twice."""
    data = json.loads(body)
    data.pop("seq", None)
    data.pop("period", None)
    return _canonical(data)


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
        writer=data.get("writer", SHARED),
    )


def period_purge_due(period: str, retention: Duration) -> date:
    """The day a period's chain may be dropped: its last entry's day (the month's last day) plus
    the audit retention, plus one. The whole month goes at once, so no entry goes early."""
    year, month = (int(x) for x in period.split("-"))
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return purge_due(retention_end(last_day, retention))


def genesis(period: str, writer: str = SHARED) -> str:
    """The 'previous hash' of a chain's first entry."""
    seed = f"charte-audit-genesis:{period}" + (f":{writer}" if writer else "")
    return hashlib.sha256(seed.encode()).hexdigest()


def chain_name(period: str, writer: str = SHARED) -> str:
    """How messages name a chain: its period, and its writer but for the shared chain."""
    return f"period {period}" + (f", chain {writer}" if writer else "")


def link(previous: str, body: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + body).hexdigest()


def period_month(period: str) -> date:
    """The first day of a period (``YYYY-MM``): the key its entries are stored under, one table
    partition a month where the audit is partitioned (docs/scaling.md)."""
    return date(int(period[:4]), int(period[5:7]), 1)


@dataclass(frozen=True, slots=True)
class Chained:
    period: str
    seq: int
    body: bytes
    prev: str
    hash: str
    writer: str = SHARED

    @property
    def month(self) -> date:
        return period_month(self.period)

    @property
    def key(self) -> ChainKey:
        return (self.period, self.writer)


def chain(entries: Sequence[Entry], heads: Mapping[ChainKey, tuple[int, str]]) -> list[Chained]:
    """Chain ``entries`` after the current ``heads`` ((period, writer) -> (last seq, last hash))."""
    state = dict(heads)
    out = []
    for entry in entries:
        key = (entry.period, entry.writer)
        seq, prev = state.get(key, (0, genesis(*key)))
        body = entry.canonical(seq + 1)
        digest = link(prev, body)
        out.append(Chained(entry.period, seq + 1, body, prev, digest, entry.writer))
        state[key] = (seq + 1, digest)
    return out


# An entry as read back for verification: (seq, canonical bytes, hash). The stored previous hash
# is not needed: each hash covers the one before it, so a broken link shows as a hash mismatch.
Stored = tuple[int, bytes, str]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed pin of one period's chains: the shared chain at entry ``seq`` (0: it has none) and
    every writer's chain at its head (``writers``: (writer, seq, hash), sorted). Checkpoints of a
    period are chained too: ``n`` is the checkpoint's number in its period (1, 2, ...) and ``prev``
    the digest of the one before (the period's checkpoint genesis for the first), so that a
    checkpoint removed from the middle breaks the sequence. ``n == 0``: a checkpoint written before
    they were chained (still verified by its signature, outside the sequence)."""

    period: str
    seq: int
    hash: str
    at: str
    n: int = 0
    prev: str | None = None
    writers: tuple[tuple[str, int, str], ...] = ()

    def message(self) -> bytes:
        """The signed bytes (sorted keys); an unchained checkpoint keeps its original four keys,
        one of the shared chain alone its six."""
        body: dict[str, Any] = {"period": self.period, "seq": self.seq, "hash": self.hash, "at": self.at}
        if self.n:
            body |= {"n": self.n, "prev": self.prev}
        if self.writers:
            body["writers"] = [list(w) for w in self.writers]
        return json.dumps(body, sort_keys=True).encode()

    def heads(self) -> dict[str, tuple[int, str]]:
        """Every chain it pins: writer -> (seq, hash); the shared chain when it has entries."""
        pinned = {writer: (seq, digest) for writer, seq, digest in self.writers}
        if self.seq:
            pinned[SHARED] = (self.seq, self.hash)
        return pinned

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.message()).hexdigest()


def checkpoint_genesis(period: str) -> str:
    """The ``prev`` of a period's first chained checkpoint."""
    return hashlib.sha256(f"charte-checkpoint-genesis:{period}".encode()).hexdigest()


class CheckpointBehind(DomainError, ValueError):
    """A chain's head is behind (or beside) the period's last signed checkpoint, or a chain it
    pins is gone: its tail was deleted or rewritten. Signing it would bless the cut, so it is
    refused."""


def _behind(
    period: str, before: Mapping[str, tuple[int, str]], now: Mapping[str, tuple[int, str]]
) -> str | None:
    """Why ``now`` does not follow ``before`` (each chain's head at or after its pinned one, with
    the same hash where it is the same entry), or None."""
    for writer, (pinned, digest) in sorted(before.items()):
        seq, current = now.get(writer, (0, genesis(period, writer)))
        if seq < pinned or (seq == pinned and current != digest):
            return (
                f"{chain_name(period, writer)}: the chain's head (entry {seq}) is behind or differs from the "
                f"last signed checkpoint (entry {pinned}): its tail was deleted or rewritten"
            )
    return None


def next_checkpoint(
    previous: Checkpoint | None, period: str, heads: Mapping[str, tuple[int, str]], at: str
) -> Checkpoint | None:
    """The checkpoint that pins ``period``'s chains at ``heads`` (writer -> (seq, hash)) after
    ``previous`` (the period's newest), ``None`` when ``previous`` pins those heads already;
    ``CheckpointBehind`` when a chain is behind ``previous``, or at its entry with another hash."""
    if previous is not None:
        pinned = previous.heads()
        if (why := _behind(period, pinned, heads)) is not None:
            raise CheckpointBehind(why)
        if {w: h for w, h in heads.items() if h[0]} == pinned:
            return None
    n = previous.n + 1 if previous is not None and previous.n else 1
    prev = previous.digest if previous is not None and previous.n else checkpoint_genesis(period)
    shared = heads.get(SHARED, (0, genesis(period)))
    writers = tuple(sorted((w, seq, digest) for w, (seq, digest) in heads.items() if w != SHARED and seq))
    return Checkpoint(period, shared[0], shared[1], at, n, prev, writers)


def checkpoint_sequence_break(period: str, checkpoints: Iterable[Checkpoint]) -> str | None:
    """Why a period's chained checkpoints do not form an unbroken sequence, or ``None``: each
    follows the one before and pins every chain at or after where that one did."""
    chained = sorted((c for c in checkpoints if c.n), key=lambda c: c.n)
    before: Checkpoint | None = None
    for expected, c in enumerate(chained, 1):
        if c.n != expected:
            return f"checkpoint {expected} of {period} is missing (the next is {c.n}): it was removed"
        prev = before.digest if before is not None else checkpoint_genesis(period)
        if c.prev != prev or (
            before is not None
            and (_behind(period, before.heads(), c.heads()) is not None or c.heads() == before.heads())
        ):
            return f"checkpoint {c.n} of {period} does not follow checkpoint {expected - 1}"
        before = c
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    period: str
    entries: int
    ok: bool
    seq: int | None = None  # the first broken entry
    why: str = ""
    unsigned: int = 0  # entries after the last signed checkpoint
    unsigned_since: str | None = None  # the time of the first of them (ISO 8601, UTC)
    writer: str = SHARED  # the chain's, in its period


def verify_chain(
    period: str, stored: Iterable[Stored], checkpoint: Checkpoint | None, writer: str = SHARED
) -> Verdict:
    """Walk one chain's entries in sequence order; the first break, or OK with the count and
    the unsigned tail (the entries after the checkpoint, and when the first of them was made)."""
    expected, count = 1, 0
    prev_raw = bytes.fromhex(genesis(period, writer))
    pin = checkpoint.heads().get(writer) if checkpoint is not None else None
    pinned: str | None = None
    signed_up_to = pin[0] if pin is not None else 0
    first_unsigned: str | None = None
    sha256 = hashlib.sha256
    prefix = f"chain {writer}: " if writer else ""

    def broken(entries: int, seq: int, why: str) -> Verdict:
        return Verdict(period, entries, False, seq, prefix + why, writer=writer)

    for seq, body, digest in stored:
        if seq != expected:
            why = (
                f"entry {expected} is missing (the next stored is {seq})"
                if seq > expected
                else f"entry {seq} is out of order (expected {expected})"
            )
            return broken(count, expected, why)
        h = sha256(prev_raw)
        h.update(body)
        prev_raw = h.digest()
        if prev_raw.hex() != digest:
            return broken(
                count, seq, "its hash does not match: its bytes, or an entry before it, were edited"
            )
        expected, count = expected + 1, count + 1
        if pin is not None and seq == pin[0]:
            pinned = digest
        if seq == signed_up_to + 1:
            first_unsigned = str(json.loads(body)["at"])
    if pin is not None:
        if count < pin[0]:
            why = (
                f"the chain ends at entry {count}, before the signed checkpoint at entry {pin[0]}: "
                "its tail was deleted"
            )
            return broken(count, count + 1, why)
        if pinned != pin[1]:
            return broken(count, pin[0], "it differs from the signed checkpoint")
    return Verdict(
        period, count, True, unsigned=count - signed_up_to, unsigned_since=first_unsigned, writer=writer
    )


def stale_tail(verdict: Verdict, now: datetime, window: timedelta) -> Verdict:
    """The verdict, broken when its unsigned tail is older than ``window``: charte signs every
    head within a few seconds, so an old unsigned tail means the newest checkpoints were removed
    (or charte could not sign): entries after the last checkpoint could have been rewritten."""
    if not verdict.ok or not verdict.unsigned or verdict.unsigned_since is None:
        return verdict
    since = datetime.fromisoformat(verdict.unsigned_since)
    if now - since <= window:
        return verdict
    first = verdict.entries - verdict.unsigned + 1
    why = (
        f"entries {first} to {verdict.entries} ({verdict.unsigned}) are signed by no checkpoint since "
        f"{verdict.unsigned_since}, longer than {int(window.total_seconds())} s: the newest checkpoints "
        "were removed or could not be written, and these entries could have been rewritten"
    )
    return replace(verdict, ok=False, seq=first, why=why)
