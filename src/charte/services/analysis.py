"""Transcripts redacted before AI analysis (charter: "expérimentations ... autour
d'analyses des conversations via des techniques d'intelligence artificielle").

A transcript leaves charte for analysis only redacted — names, phone numbers, e-mails, IBANs,
NIRs, addresses, postcodes and birth dates replaced by typed placeholders — and only for the calls
of people who did not object. Reading a transcript to redact it passes the access gate like
listening (the policy's listeners, under a recording purpose) and is audited; the export is one
audit entry with its counts, and names calls by keyed hashes, never by their refs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, Protocol

from charte.domain.audit import Action, Entry
from charte.services import calls
from charte.services.access import Reader, require
from charte.services.calls import CallDesk


class Redacted(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def spans(self) -> tuple[tuple[str, int, int, float], ...]: ...


class Redacting(Protocol):
    def redact(self, text: str) -> Redacted: ...


def redact_call(desk: CallDesk, redactor: Redacting, reader: Reader, ref: str) -> dict[str, Any]:
    """One call's transcript, redacted, with the count of each kind of placeholder."""
    text = calls.transcript(desk, reader, ref)  # gated and audited
    done = redactor.redact(text)
    return {"call": ref, "text": done.text, "placeholders": dict(Counter(s[0] for s in done.spans))}


def export_for_analysis(desk: CallDesk, redactor: Redacting, reader: Reader) -> Iterator[dict[str, Any]]:
    """Every transcript, redacted, for the reader's purpose (e.g. ``ai_experiments``), except the
    calls of people who objected or restricted their data: one line per call, named by its keyed
    hash. The gate is asked (and the export audited) before the first line."""
    verdict = desk.gate.may_listen(reader.role, reader.purpose, objected=False, trained=reader.trained)
    entry = Entry(
        at=desk.auditor.clock.now(),
        actor=reader.actor,
        action=Action.LIST,
        role=reader.role,
        purpose=reader.purpose,
        fields=("call_transcript",),
        decision="allowed" if verdict.allowed else f"denied:{verdict.reason}",
        detail={"listing": "transcripts_for_analysis"},
    )
    desk.auditor.record([entry])
    require(verdict)
    stops = frozenset(desk.policy.recordings.opposition_stops)
    exceptions = desk.gate.restriction_exceptions
    for call in desk.store.transcribed():
        if call.restricted and reader.purpose not in exceptions:
            continue  # GDPR Art. 18(2): restricted data serve only the restriction's exceptions
        objected = desk.store.objected(call.number, call.person)
        if objected & stops or reader.purpose in objected:
            continue  # GDPR Art. 21(1): their calls serve no purpose they objected to
        done = redactor.redact(desk.store.transcript(call.id))
        yield {
            "call": desk.auditor.subject("call", call.ref),
            "on": call.at.isoformat()[:10],
            "direction": call.direction,
            "text": done.text,
        }
