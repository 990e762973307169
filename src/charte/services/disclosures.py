"""Disclosures to recipients: an explicit act that produces the recipient's view and a record.

Sharing data with a recipient — an installer's work order, a dispatch to an intervention
provider, the prescriber's subscription report — passes the gate twice: the discloser must be
allowed to read the person for their own purpose, and the recipient's view is exactly what the
recipient's role may see for the disclosure's purpose. The ledger (recipient, field names,
purpose, date, actor; the person as a keyed HMAC) feeds GDPR Art. 19 notices and access answers;
the disclosure is audited in the same transaction.
"""

from __future__ import annotations

from typing import Any, Protocol

from charte.domain.access import AccessGate
from charte.domain.audit import Action, Chained, Entry
from charte.services.access import Reader, decide, fields_shown, require, shape_person
from charte.services.audit import Auditor
from charte.services.errors import NotFound
from charte.services.queries import RegisterQueries


class Ledger(Protocol):
    def record(self, entry: Entry) -> tuple[int, list[Chained]]:
        """Write the disclosure the audit entry describes (subject, recipient in ``detail['to']``,
        purpose, field names, actor, time) and the entry itself, in one transaction."""
        ...

    def for_person(self, person_hmac: str) -> list[dict[str, Any]]: ...


def disclose(
    *,
    queries: RegisterQueries,
    gate: AccessGate,
    auditor: Auditor,
    ledger: Ledger,
    discloser: Reader,
    recipient: str,
    purpose: str,
    ref: str,
) -> dict[str, Any]:
    """The recipient's view of the person for ``purpose``, recorded in the ledger and the audit."""
    gate.require_role(recipient)
    require(gate.check(discloser.role, discloser.purpose))
    found = queries.person(ref)
    if found is None:
        raise NotFound("person", ref)
    today = auditor.clock.today()
    require(decide(gate, discloser, found, today))  # one may only pass on what one may read oneself
    theirs = require(decide(gate, Reader(discloser.actor, recipient, purpose), found, today))
    view = shape_person(found, theirs, today)
    subject = auditor.subject("person", ref)
    now = auditor.clock.now()
    fields = fields_shown(view, theirs.fields)
    entry = Entry(
        at=now,
        actor=discloser.actor,
        action=Action.DISCLOSE,
        role=discloser.role,
        purpose=purpose,
        subject=subject,
        fields=tuple(fields),
        detail={"to": recipient},
    )
    number, chained = ledger.record(entry)
    auditor.after_append(chained)
    return {"disclosure": number, "to": recipient, "purpose": purpose, "fields": fields, "view": view}


def disclosed(*, ledger: Ledger, auditor: Auditor, ref: str) -> list[dict[str, Any]]:
    """What was disclosed about a person, to whom and when (Art. 15(1)(c), Art. 19)."""
    return ledger.for_person(auditor.subject("person", ref))
