"""Disclosures to recipients: an explicit act that produces the recipient's view and a record.

Sharing data with a recipient — an installer's work order, a dispatch to an intervention
provider, the prescriber's subscription report — is decided by the gate
(``AccessGate.decide_disclosure``): only to a role the policy declares as a recipient, and only
what both the discloser may read for its own purpose and context and the recipient's role may
receive for the disclosure's purpose. The ledger (recipient, field names,
purpose, date, actor; the person as a keyed HMAC) feeds GDPR Art. 19 notices and access answers;
the disclosure is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Chained, Entry
from charte.services.access import AccessDenied, Reader, fields_shown, shape_person, standings
from charte.services.audit import Auditor
from charte.services.errors import NotFound
from charte.services.queries import PersonLookup
from charte.services.read_model import plain


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One line of the ledger: what went to which recipient, for what, when and by whom."""

    disclosure: int
    to: str
    purpose: str
    fields: tuple[str, ...]
    actor: str
    at: datetime


class Ledger(Protocol):
    def record(self, entry: Entry) -> tuple[int, list[Chained]]:
        """Write the disclosure the audit entry describes (subject, recipient in ``detail['to']``,
        purpose, field names, actor, time) and the entry itself, in one transaction."""
        ...

    def for_person(self, person_hmac: str) -> list[Disclosure]: ...


def disclose(
    *,
    queries: PersonLookup,
    gate: AccessGate,
    auditor: Auditor,
    ledger: Ledger,
    discloser: Reader,
    recipient: str,
    purpose: str,
    ref: str,
) -> dict[str, Any]:
    """What the recipient may receive of the person for ``purpose`` *and* the discloser may read
    itself (``AccessGate.decide_disclosure``), recorded in the ledger and the audit.

    A refused or unfounded attempt is audited too, before it is refused, as every read is
    (``queries.show_person``): naming a recipient is no way round the trace."""

    def refuse(decision: str) -> None:
        entry = Entry(
            at=auditor.clock.now(),
            actor=discloser.actor,
            action=Action.DISCLOSE,
            role=discloser.role,
            purpose=purpose,
            context=_context(discloser),
            subject=auditor.subject("person", ref),
            decision=decision,
            detail={"to": recipient, "as": discloser.purpose},
        )
        auditor.record([entry])

    gate.require_role(recipient)
    verdict = gate.check(discloser.role, discloser.purpose, trained=discloser.trained)
    if not verdict.allowed:
        refuse(f"denied:{verdict.reason}")
        raise AccessDenied(verdict)
    found = queries.person(ref)
    if found is None:
        refuse("not_found")
        raise NotFound("person", ref)
    today = auditor.clock.today()
    decision = gate.decide_disclosure(
        discloser.role,
        discloser.purpose,
        recipient,
        purpose,
        standings(found, today),
        restricted=found.restricted is not None,
        context=discloser.context,
        trained=discloser.trained,
    )
    if not decision.allowed:
        refuse(f"denied:{decision.reason}")
        raise AccessDenied(decision)
    view = shape_person(found, decision, today)
    fields = fields_shown(view, decision.fields)
    entry = Entry(
        at=auditor.clock.now(),
        actor=discloser.actor,
        action=Action.DISCLOSE,
        role=discloser.role,
        purpose=purpose,
        context=_context(discloser),
        subject=auditor.subject("person", ref),
        fields=tuple(fields),
        detail={"to": recipient, "as": discloser.purpose},
    )
    number, chained = ledger.record(entry)
    auditor.after_append(chained)
    return {"disclosure": number, "to": recipient, "purpose": purpose, "fields": fields, "view": view}


def _context(reader: Reader) -> str | None:
    return f"{reader.context.kind}:{reader.context.ref}" if reader.context else None


def disclosed(*, ledger: Ledger, auditor: Auditor, ref: str) -> list[dict[str, Any]]:
    """What was disclosed about a person, to whom and when (Art. 15(1)(c), Art. 19)."""
    return [plain(d) for d in ledger.for_person(auditor.subject("person", ref))]
