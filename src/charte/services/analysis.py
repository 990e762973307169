"""Transcripts redacted before AI analysis (charter: "expérimentations ... autour
d'analyses des conversations via des techniques d'intelligence artificielle").

A transcript leaves charte for analysis only redacted — names, phone numbers, e-mails, IBANs,
NIRs, addresses, postcodes and birth dates replaced by typed placeholders — and only as a build of
the policy's dataset of recorded calls (``services.datasets``: the calls of people who objected
left out, a data sheet, an expiry). Reading one transcript to redact it passes the access gate like
listening (the policy's listeners, under a recording purpose) and is audited.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from charte.services import calls
from charte.services.access import Reader
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
