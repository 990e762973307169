"""What a breach owes in writing: the CNIL notification's draft (GDPR Art. 33(3)), the letters to
the persons (Art. 34(1)-(2)) and the public communication (Art. 34(3)(c)) — each rendered,
written or sent, and put on the breach's timeline.

The letters go through the notifier to each person's e-mail address on file (the policy's
``rights.identity_verification.contact_fields``), with the letter as a PDF; a person with no
address gets a PDF in the breach's folder to post. Each contact read is an audit entry (the field
name, never its value) written before the letter is sent; each person told is marked so that a
second run sends only to those not told yet. Persons whose reached fields are the same get the same
letter: it is rendered once per set of fields, however many persons share it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from charte.domain.audit import Action, Entry
from charte.domain.breaches import BreachRefused, Phase, Step
from charte.domain.vocabulary import Language
from charte.services.breach_facts import text
from charte.services.breaches import Keeper, get_record, note_action, require, show, still_open, view
from charte.services.documents import breach_letter
from charte.services.documents.model import Document
from charte.services.errors import NotSent
from charte.services.rights_desk import Letters, Notifier

PAGE = 500
SUBJECT = {
    Language.FR: "Information sur une violation de vos données personnelles",
    Language.EN: "Information about a breach of your personal data",
}
TEXT = {
    Language.FR: "Madame, Monsieur,\n\nVous trouverez ci-joint l'information que nous vous devons sur "
    "une violation de données personnelles vous concernant (article 34 du RGPD).\n",
    Language.EN: "Dear Sir or Madam,\n\nPlease find attached the information we owe you about a "
    "personal-data breach concerning you (GDPR Article 34).\n",
}


@dataclass(frozen=True, slots=True)
class Untold:
    """A person of the breach not yet told: the fields reached and their contacts on file."""

    person_id: int
    ref: str
    fields: tuple[str, ...]
    contacts: dict[str, str] = field(default_factory=dict)


class Recipients(Protocol):
    def untold(
        self, breach: int, contact_fields: Sequence[str], *, after: int, limit: int
    ) -> list[Untold]: ...

    def told(self, breach: int, person_ids: Sequence[int], at: datetime) -> None: ...


class Folder(Protocol):
    def write(self, breach: int, files: dict[str, bytes], out: Path | None = None) -> list[Path]: ...


def _rendered(letters: Letters, doc: Document, stem: str) -> dict[str, bytes]:
    return {f"{stem}.html": letters.html(doc).encode(), f"{stem}.pdf": letters.pdf(doc)}


def draft_cnil(
    keeper: Keeper,
    *,
    letters: Letters,
    folder: Folder,
    actor: str,
    role: str,
    breach: int,
    phase: Phase = Phase.INITIAL,
    out: Path | None = None,
) -> dict[str, Any]:
    """The notification's draft, in French, as JSON, HTML and PDF in the breach's folder."""
    require(keeper, actor, role, "draft", breach)
    record = view(get_record(keeper, breach), keeper.auditor.clock.now())
    draft = breach_letter.cnil_draft(keeper.policy, record, phase=phase.value)
    files = {"notification-cnil.json": json.dumps(draft, ensure_ascii=False, indent=2).encode()}
    files |= _rendered(letters, breach_letter.cnil_document(draft), "notification-cnil")
    paths = folder.write(breach, files, out)
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.ACTION,
                detail={"kind": "cnil_draft", "phase": phase.value})  # fmt: skip
    return {"breach": breach, "draft": draft, "files": [str(p) for p in paths]}


def tell_persons(
    keeper: Keeper,
    *,
    recipients: Recipients,
    notifier: Notifier,
    letters: Letters,
    folder: Folder,
    actor: str,
    role: str,
    breach: int,
    lang: Language | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """Send the Art. 34 letter to each person of the scope not told yet; those with no e-mail
    address get a PDF to post in the breach's folder. Only once the DPO decided to tell them."""
    require(keeper, actor, role, "tell", breach)
    record = get_record(keeper, breach)
    still_open(record)
    if record.tell_persons is not True:
        raise BreachRefused(
            f"breach {breach}: the DPO has not decided to tell the persons (GDPR Art. 34): decide first"
        )
    if record.scope is None:
        raise BreachRefused(f"breach {breach}: compute its scope first (who is to be told)")
    lang = lang or keeper.policy.default_language
    contact_fields = keeper.policy.rights.identity_verification.contact_fields
    rendered: dict[tuple[str, ...], tuple[bytes, bytes]] = {}  # fields reached -> (PDF, HTML)
    sent, failed, to_post = 0, 0, 0
    after = 0
    today, now = keeper.auditor.clock.today(), keeper.auditor.clock.now()
    while page := recipients.untold(breach, contact_fields, after=after, limit=PAGE):
        after = page[-1].person_id
        told: list[int] = []
        for person in page:
            if person.fields not in rendered:
                doc = breach_letter.letter(
                    keeper.policy, breach=breach, natures=record.natures, aware_at=record.summary.aware_at,
                    facts=record.facts, fields=person.fields, lang=lang, today=today,
                )  # fmt: skip
                rendered[person.fields] = (letters.pdf(doc), letters.html(doc).encode())
            pdf, html = rendered[person.fields]
            email = next((v for v in person.contacts.values() if "@" in v), None)
            keeper.auditor.record(
                [Entry(at=now, actor=actor, action=Action.READ, role=role, context=f"breach:{breach}",
                       subject=keeper.auditor.subject("person", person.ref),
                       fields=tuple(f for f, v in person.contacts.items() if v == email) if email else (),
                       detail={"of": "breach_letter"})]
            )  # fmt: skip
            if email is None:
                folder.write(
                    breach,
                    {f"letter-{person.person_id}.pdf": pdf, f"letter-{person.person_id}.html": html},
                    out,
                )
                to_post += 1
                told.append(person.person_id)
                continue
            try:
                notifier.send(email, SUBJECT[lang], TEXT[lang], [(f"violation-{breach}.pdf", pdf)])
            except NotSent:
                failed += 1
                continue
            sent += 1
            told.append(person.person_id)
        if told:
            recipients.told(breach, told, keeper.auditor.clock.now())
    result = {"sent": sent, "to_post": to_post, "failed": failed, "letters": len(rendered)}
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.PERSONS_TOLD,
                detail={"kind": "letters", **result, "lang": lang.value})  # fmt: skip
    return {"breach": breach, **result}


def public_communication(
    keeper: Keeper,
    *,
    letters: Letters,
    folder: Folder,
    actor: str,
    role: str,
    breach: int,
    where: str,
    lang: Language | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """The public communication (Art. 34(3)(c)) when letters would need a disproportionate effort:
    rendered in the breach's folder; ``where`` (the website, the press) recorded on the timeline."""
    require(keeper, actor, role, "public", breach)
    record = get_record(keeper, breach)
    still_open(record)
    where = text(where, "where", 400)
    lang = lang or keeper.policy.default_language
    doc = breach_letter.public_notice(
        keeper.policy, breach=breach, natures=record.natures, aware_at=record.summary.aware_at,
        facts=record.facts, lang=lang, today=keeper.auditor.clock.today(),
    )  # fmt: skip
    paths = folder.write(breach, _rendered(letters, doc, f"communication-publique-{lang.value}"), out)
    detail = {"kind": "public_communication", "where": where, "lang": lang.value}
    note_action(keeper, actor=actor, role=role, breach=breach, step=Step.PUBLIC_COMMUNICATION, detail=detail)
    return {
        **show(keeper, actor=actor, role=role, breach=breach, audited=False),
        "files": [str(p) for p in paths],
    }
