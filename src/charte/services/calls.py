"""Calls: the recording decision at call start, the opt-out key, listening, and what an objection
to recording does to the recordings already made (docs/calls.md).

The telephony asks ``decide`` at every call and waits on it: one keyed hash and two indexed
lookups, no write. Listening (``play``) passes the access gate — the policy's listeners, under a
recording purpose their grants cover, and after an objection only the purposes it leaves standing
— and every attempt, allowed or denied, is an audit entry naming the call by its keyed hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Entry
from charte.domain.calls import Direction, decide, draw
from charte.domain.policy import Policy
from charte.services.access import Reader, require
from charte.services.audit import Auditor
from charte.services.errors import NotFound, Refused
from charte.services.read_model import plain


@dataclass(frozen=True, slots=True)
class CallView:
    """A call's metadata as the register holds it (never its audio or text).

    ``restricted``: whether its person restricted their data (GDPR Art. 18), which the gate
    weighs before anyone listens."""

    id: int
    ref: str
    number: str | None
    person: str | None
    direction: str
    at: datetime
    recorded: bool
    listened_live: bool
    purposes: tuple[str, ...]
    kept_for: tuple[str, ...]
    audio: bool
    audio_bytes: int | None
    audio_pending: bool
    transcript: bool
    status: str
    retention_end: date | None
    purge_due: date | None
    held_by: tuple[str, ...] = ()
    restricted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The call as the API shows it: its internal id and restriction flag left out."""
        return {k: v for k, v in plain(self).items() if k not in ("id", "restricted")}


@dataclass(frozen=True, slots=True)
class AnalysisView:
    """What analysing a recorded call produced, sealed (a result or a document)."""

    id: int
    kind: str
    bytes: int
    anonymised: bool
    written_on: date
    purge_due: date | None


class CallsStore(Protocol):
    def objected(self, number: str | None, person: str | None) -> frozenset[str]: ...

    def opt_out(self, number: str | None, person: str | None, purposes: Sequence[str], on: date) -> None: ...

    def call(self, ref: str) -> CallView | None: ...

    def transcribed(self) -> Iterator[CallView]: ...

    def audio(self, call_id: int) -> Iterator[bytes]: ...

    def transcript(self, call_id: int) -> str: ...

    def attach_audio(self, ref: str, chunks: Iterable[bytes]) -> int: ...

    def keep_for(self, ref: str, purposes: Sequence[str]) -> bool: ...

    def erase_objected(self, number: str | None, person: str | None, actor: str) -> dict[str, int]: ...

    def add_analysis(
        self, ref: str, kind: str, chunks: Iterable[bytes], *, anonymised: bool, by: str
    ) -> AnalysisView: ...

    def analyses(self, ref: str) -> list[AnalysisView]: ...

    def analysis(self, ref: str, analysis_id: int) -> Iterator[bytes]: ...


@dataclass(frozen=True, slots=True)
class CallDesk:
    """What the calls use cases need, wired by the composition root."""

    store: CallsStore
    policy: Policy
    gate: AccessGate
    auditor: Auditor
    draw_key: bytes


def decision(
    desk: CallDesk,
    *,
    number: str | None,
    direction: str,
    at: datetime,
    call: str | None = None,
    person: str | None = None,
    opted_out: bool = False,
) -> dict[str, Any]:
    """Record or not, live double-listening or not, for which purposes, and why. ``number`` is
    canonical (the entrypoint normalised it); ``call`` the telephony's call id, which fixes the
    draw (without one, the number and the instant do)."""
    try:
        way = Direction(direction)
    except ValueError:
        raise Refused(f"direction: {direction!r} is not one of inbound, outbound") from None
    objected = desk.store.objected(number, person)
    sample = draw(desk.draw_key, call or f"{number or 'withheld'}|{at.isoformat()}")
    made = decide(
        desk.policy.recordings, sample=sample, objected=objected, opted_out=opted_out, direction=way
    )
    return {
        "record": made.record,
        "live_listening": made.live_listening,
        "purposes": list(made.purposes),
        "why": [w.value for w in made.why],
    }


def opt_out(
    desk: CallDesk, *, number: str | None, person: str | None, on: date, actor: str
) -> dict[str, Any]:
    """The caller pressed the opt-out key: an objection to every purpose an objection stops, kept
    for later calls; their recordings not held nor in use for a purpose left standing are erased."""
    if number is None and person is None:
        raise Refused("number: an opt-out needs the caller's number or person")
    stops = desk.policy.recordings.opposition_stops
    desk.store.opt_out(number, person, stops, on)
    done = desk.store.erase_objected(number, person, actor)
    desk.auditor.record(
        [
            Entry(
                at=desk.auditor.clock.now(),
                actor=actor,
                action=Action.RIGHTS,
                subject=desk.auditor.subject("person", person) if person else None,
                detail={"step": "recording_opt_out", "purposes": len(stops), **done},
            )
        ]
    )
    return {"purposes": list(stops)} | done


def show(desk: CallDesk, reader: Reader, ref: str) -> dict[str, Any]:
    """A call's metadata (never its audio or text), for a role that may listen for the purpose."""
    call = _found(desk, ref)
    _listen(desk, reader, call, fields=("call_number", "call_time"))
    return call.as_dict()


def play(desk: CallDesk, reader: Reader, ref: str) -> Iterator[bytes]:
    """The recording's audio, decrypted as it streams, for a role and purpose the gate allows."""
    call = _found(desk, ref)
    if not call.audio:
        raise NotFound("audio of call", ref)
    _listen(desk, reader, call, fields=("call_audio",))
    return desk.store.audio(call.id)


def transcript(desk: CallDesk, reader: Reader, ref: str) -> str:
    call = _found(desk, ref)
    if not call.transcript:
        raise NotFound("transcript of call", ref)
    _listen(desk, reader, call, fields=("call_transcript",))
    return desk.store.transcript(call.id)


def add_analysis(
    desk: CallDesk, reader: Reader, ref: str, kind: str, chunks: Iterable[bytes], *, anonymised: bool = False
) -> dict[str, Any]:
    """Keep what analysing a recording produced, sealed: a ``result`` goes with its call (unless
    declared irreversibly anonymised), a ``document`` (scoring grid, report) follows the policy's
    analysis rule (12 months). Only a role that may listen to the call for the purpose adds one."""
    if kind not in ("result", "document"):
        raise Refused(f"kind: {kind!r} is not one of result, document")
    call = _found(desk, ref)
    _listen(desk, reader, call, fields=("call_transcript",))
    try:
        made = desk.store.add_analysis(ref, kind, chunks, anonymised=anonymised, by=reader.actor)
    except KeyError:
        raise NotFound("recorded call", ref) from None
    except ValueError as no_rule:
        raise Refused(str(no_rule)) from None
    return {k: v for k, v in plain(made).items() if k in ("id", "kind", "bytes", "purge_due")}


def analyses(desk: CallDesk, reader: Reader, ref: str) -> list[dict[str, Any]]:
    call = _found(desk, ref)
    _listen(desk, reader, call, fields=("call_transcript",))
    return [plain(a) for a in desk.store.analyses(ref)]


def analysis(desk: CallDesk, reader: Reader, ref: str, analysis_id: int) -> Iterator[bytes]:
    call = _found(desk, ref)
    _listen(desk, reader, call, fields=("call_transcript",))
    try:
        return desk.store.analysis(ref, analysis_id)
    except KeyError:
        raise NotFound("analysis of call", f"{ref}/{analysis_id}") from None


def keep_for(desk: CallDesk, *, ref: str, purposes: list[str], role: str, actor: str) -> dict[str, Any]:
    """Mark a recording as in use for purposes an objection leaves standing (a rights request, a
    fraud control): after an objection it is kept for them, and only for them."""
    if role not in desk.policy.rights.submit_to and role not in desk.gate.holds_managers:
        raise Refused(f"role '{role}' may not decide what a recording is kept for")
    standing = set(desk.policy.recordings.purposes) - set(desk.policy.recordings.opposition_stops)
    wrong = [p for p in purposes if p not in standing]
    if wrong:
        left = ", ".join(sorted(standing))
        raise Refused(f"purposes: {', '.join(wrong)} not among those an objection leaves standing ({left})")
    if not desk.store.keep_for(ref, purposes):
        raise NotFound("call", ref)
    desk.auditor.record(
        [
            Entry(
                at=desk.auditor.clock.now(),
                actor=actor,
                action=Action.RIGHTS,
                role=role,
                subject=desk.auditor.subject("call", ref),
                detail={"step": "recording_kept_for", "purposes": sorted(purposes)},
            )
        ]
    )
    return {"call": ref, "kept_for": sorted(purposes)}


def _found(desk: CallDesk, ref: str) -> CallView:
    call = desk.store.call(ref)
    if call is None:
        raise NotFound("call", ref)
    return call


def _listen(desk: CallDesk, reader: Reader, call: CallView, fields: tuple[str, ...]) -> None:
    """The gate's answer for this call, audited before anything is read."""
    stops = frozenset(desk.policy.recordings.opposition_stops)
    objected = bool(desk.store.objected(call.number, call.person) & stops)
    verdict = desk.gate.may_listen(
        reader.role, reader.purpose, objected=objected, restricted=call.restricted, trained=reader.trained
    )
    desk.auditor.record(
        [
            Entry(
                at=desk.auditor.clock.now(),
                actor=reader.actor,
                action=Action.READ,
                role=reader.role,
                purpose=reader.purpose,
                subject=desk.auditor.subject("call", call.ref),
                fields=fields,
                decision="allowed" if verdict.allowed else f"denied:{verdict.reason}",
            )
        ]
    )
    require(verdict)
