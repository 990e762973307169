"""The answer to an access request (GDPR Art. 15): the data as JSON, and the letter that tells them.

Art. 15(1) lists what the answer states: the purposes, the categories of data, the recipients,
the retention period, the rights, the complaint to the CNIL, the source where the data were not
collected from the person; 15(3) a copy of the data, which Art. 12(1) wants intelligible: so the
letter gives the person's own data in words — each field by its label with its value, each role,
contract, site, retention date, call, disclosure and consultation — and ``data.json`` keeps the
machine keys with a glossary of them (``labels``). The CJEU (C-579/21, 22 June 2023) adds the
consultations of the person's data — when, for what — without naming the staff who made them:
each is told by its role. Other people's data appear only where the requester provided them (the
trusted persons a client designated; 15(4)).

Pure: the use case gathers the inputs (through the access gate, audited) and renders the outputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from charte.domain.policy import Policy
from charte.domain.vocabulary import Language, SourceKind
from charte.services.alarms import AlarmCall
from charte.services.audit import Consultation
from charte.services.calls import CallView
from charte.services.disclosures import Disclosure
from charte.services.documents import wording as w
from charte.services.documents import words
from charte.services.documents.access_wording import t as _t
from charte.services.documents.charter import rights_section
from charte.services.documents.confirmation import Stating
from charte.services.documents.consent_letter import consent_blocks
from charte.services.documents.model import Block, Bullets, Document, Heading, Paragraph, Table
from charte.services.person_view import Designated
from charte.services.read_model import plain
from charte.services.retention import UnitView

# The engine's vocabularies the answer's JSON uses, named in its glossary (``labels``).
_VOCABULARIES = (
    "unit_status",
    "contract_status",
    "action",
    "direction",
    "contact_direction",
    "channel",
    "contact_outcome",
    "call_outcome",
    "restriction_ground",
    "prospecting_channel",
    "consent_method",
    "consent_end",
)


@dataclass(frozen=True, slots=True)
class AccessAnswer:
    data: dict[str, Any]
    letter: Document


def build(
    *,
    policy: Policy,
    lang: Language,
    request_id: int,
    received_on: date,
    today: date,
    person: dict[str, Any] | None,
    designated: Sequence[Designated],
    units: list[UnitView],
    disclosures: Sequence[Disclosure],
    consultations: Sequence[Consultation],
    calls: Sequence[CallView] = (),
    alarm_calls: Sequence[AlarmCall] = (),
    consents: Sequence[dict[str, Any]] = (),
) -> AccessAnswer:
    p = policy
    role_label = {rid: r.label(lang) for rid, r in p.roles.items()}
    data: dict[str, Any] = {
        "request": {
            "id": request_id,
            "type": "access",
            "received_on": received_on.isoformat(),
            "answered_on": today.isoformat(),
        },
        "controller": p.controller.name,
        "person": person,
        "designated_trusted_persons": [plain(d) for d in designated],
        "retention": [_unit(u) for u in units],
        "disclosures": [
            {
                "on": d.at.date().isoformat(),
                "to": d.to,
                "to_label": role_label.get(d.to, d.to),
                "purpose": d.purpose,
                "fields": list(d.fields),
            }
            for d in disclosures
        ],
        "calls": [_call(c) for c in calls],
        "alarm_calls": [a.as_dict() for a in alarm_calls],  # the station's call attempts that reached them
        # The consents they gave to be solicited, with the proof kept of each (GDPR Art. 7(1)).
        "consents": [dict(c) for c in consents],
        "consultations": [
            {
                "on": c.at.date().isoformat(),
                "at": c.at.isoformat(),
                "purpose": c.purpose,
                "by": role_label.get(c.role or "", c.role),
                "action": c.action,
            }
            for c in consultations
        ],
        "labels": glossary(p, lang),
    }
    blocks: list[Block] = [
        Paragraph(w.t("letter.date", lang, d=w.day(today, lang))),
        Paragraph(_t("subject", lang, d=w.day(received_on, lang))),
        Paragraph(w.t("letter.hello", lang)),
    ]
    if person is None:
        blocks.append(Paragraph(_t("nothing", lang)))
    else:
        letter = _Letter(p, lang)
        blocks += [
            Paragraph(_t("intro", lang, c=p.controller.name)),
            *letter.yours(person),
            *letter.roles(person, units),
            *letter.contracts(person),
            *letter.sites(person),
            *letter.contacts(person),
            *letter.designated(designated),
            *letter.retention(units),
            *letter.calls(calls),
            *letter.alarm_calls(alarm_calls),
            *letter.consents(data["consents"]),
            *letter.recipients(person, data["disclosures"]),
            *letter.consulted(data["consultations"]),
        ]
    blocks += [*rights_section(p, lang), Paragraph(w.t("letter.bye", lang)), Paragraph(p.dpo.title(lang))]
    return AccessAnswer(
        data, Document(title=_t("title", lang, n=request_id), lang=lang, blocks=tuple(blocks))
    )


def glossary(p: Policy, lang: Language) -> dict[str, dict[str, str]]:
    """What each machine key of the answer's JSON means, in the letter's language."""
    return {
        "fields": {f: p.field_label(f, lang) for f in p.fields},
        "categories": {c: s.label(lang) for c, s in p.subject_categories.items()},
        "units": {
            **{c: s.label(lang) for c, s in p.subject_categories.items()},
            **words.labels("unit", lang),
        },
        "recipients": {r: x.label(lang) for r, x in p.roles.items()},
        "purposes": {x: purpose.label(lang) for x, purpose in p.purposes.items()},
        "rules": {r: w.retention(rule.anchor, rule.period, lang) for r, rule in p.retention.items()},
        "sources": {k.value: w.SOURCE[k][lang] for k in SourceKind},
        **{kind: words.labels(kind, lang) for kind in _VOCABULARIES},
    }


_CALL_KEYS = ("ref", "at", "direction", "number", "recorded", "listened_live", "purposes", "retention_end",
              "purge_due", "held_by", "audio")  # fmt: skip


def _call(call: CallView) -> dict[str, Any]:
    """A call as the answer's data.json gives it: its metadata (the audio and the transcript are
    given on request, Art. 15(3) by another copy)."""
    shown = plain(call)
    return {k: shown[k] for k in _CALL_KEYS}


def _unit(u: UnitView) -> dict[str, Any]:
    keep = ("unit", "context", "rule", "status", "retention_end", "purge_due")
    return {k: v for k, v in u.as_dict().items() if k in keep}


def _on(value: str | None, lang: Language) -> str:
    return w.day(date.fromisoformat(value), lang) if value else "-"


class _Letter:
    """The letter's sections, each from one part of the answer."""

    def __init__(self, policy: Policy, lang: Language) -> None:
        self.p, self.lang = policy, lang
        self.say = Stating(policy, lang)

    def _field(self, field: str) -> str:
        return self.p.field_label(field, self.lang)

    def _category(self, category: str) -> str:
        found = self.p.subject_categories.get(category)
        return found.label(self.lang).lower() if found is not None else category

    def _purpose(self, purpose: str | None) -> str:
        found = self.p.purposes.get(purpose or "")
        return found.label(self.lang) if found is not None else (purpose or "-")

    def _rule(self, rule_id: str) -> str:
        rule = self.p.retention.get(rule_id)
        return w.retention(rule.anchor, rule.period, self.lang) if rule is not None else rule_id

    def _fields(self, values: dict[str, str]) -> str:
        sep = " : " if self.lang is Language.FR else ": "
        return " ; ".join(f"{self._field(f)}{sep}{v}" for f, v in self._in_order(values))

    def _in_order(self, values: dict[str, str]) -> list[tuple[str, str]]:
        """A person's fields in the policy's order (the order of its forms)."""
        order = {f: n for n, f in enumerate(self.p.fields)}
        return sorted(values.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    def yours(self, person: dict[str, Any]) -> list[Block]:
        given: dict[str, list[str]] = person.get("field_sources", {})
        rows = tuple(
            (self._field(f), v, w.join([self._category(r) for r in given.get(f, [])], self.lang))
            for f, v in self._in_order(person["fields"])
        )
        blocks: list[Block] = [
            Heading(2, _t("h.yours", self.lang)),
            Paragraph(_t("ref", self.lang, r=person["ref"])),
        ]
        if rows:
            headers = tuple(_t(k, self.lang) for k in ("col.datum", "col.value", "col.given_as"))
            blocks.append(Table(headers, rows, key="fields"))
        if person.get("restricted"):
            restricted = person["restricted"]
            since = _on(restricted["since"], self.lang)
            ground = restricted.get("ground")
            blocks.append(
                Paragraph(
                    _t(
                        "restricted.why",
                        self.lang,
                        d=since,
                        g=words.word("restriction_ground", ground, self.lang),
                    )
                    if ground
                    else _t("restricted", self.lang, d=since)
                )
            )
        return blocks

    def roles(self, person: dict[str, Any], units: list[UnitView]) -> list[Block]:
        """What is held for each role; a basis or a period the policy only assumes is marked as in
        the charter (« [à confirmer : key] »): the letter is the person's, and tells nothing
        assumed as fact."""
        p, lang, say = self.p, self.lang, self.say
        blocks: list[Block] = [Heading(2, _t("h.held", lang))]
        sources: dict[str, list[str]] = person.get("field_sources", {})
        unit_of = {(u.unit, u.context or ""): u for u in units}
        for role in person["roles"]:
            category = p.subject_categories.get(role["role"])
            if category is None:
                continue
            context = ""
            if role["contract"]:
                context = _t("context.contract", lang, r=role["contract"])
            elif role["site"]:
                context = _t("context.site", lang, r=role["site"])
            fields = [f for f, given_as in sources.items() if role["role"] in given_as and f in p.fields]
            cats = list(dict.fromkeys(p.data_categories[p.fields[f]].label(lang).lower() for f in fields))
            # Calls and recordings have their own purposes, told with the calls.
            purposes = dict.fromkeys(
                pid
                for a in p.activities_for_subject(category.id)
                for pid in a.purposes
                if pid not in p.recordings.purposes
            )
            named = [
                f"{p.purposes[x].label(lang).lower()} ({w.basis_of(p.purposes[x], category.id, lang)})"
                for x in purposes
            ]
            source = w.source_of(
                SourceKind(role["source"]["kind"]), category.party_to_contract, lang, category.id
            )
            if role["source"].get("ref"):
                source = _t("source.ref", lang, x=source, r=role["source"]["ref"])
            rule = p.retention[category.retention]
            phrase = w.retention(rule.anchor, rule.period, lang, party_to_contract=category.party_to_contract)
            unit = unit_of.get((role["role"], role["contract"] or role["site"] or ""))
            if unit is not None and unit.status == "held":
                kept = _t("kept.held", lang, x=phrase)
            elif unit is not None and unit.purge_due:
                kept = _t("kept.until", lang, x=phrase, d=w.day(unit.purge_due, lang))
            else:
                kept = _t("kept.open", lang, x=phrase)
            bases = [
                k
                for x in purposes
                for k in (("purposes", x, "legal_basis"), ("purposes", x, "by_subject", category.id))
            ]
            if role["ended_on"]:
                dates = _t("between", lang, a=_on(role["started_on"], lang), b=_on(role["ended_on"], lang))
            else:
                dates = _t("since", lang, d=_on(role["started_on"], lang))
            items = [
                dates if role["started_on"] else None,
                _t("rank", lang, n=role["rank"]) if role.get("rank") is not None else None,
                _t("categories", lang, x=w.join(cats, lang)) if cats else None,
                say(_t("purposes", lang, x=w.join(named, lang)), *bases),
                _t("source", lang, x=source),
                say(
                    kept,
                    ("retention", category.retention, "anchor"),
                    ("retention", category.retention, "period"),
                ),
            ]
            blocks += [
                Heading(3, _t("as", lang, s=category.label(lang).lower(), c=context)),
                Bullets(tuple(i for i in items if i)),
            ]
        return blocks

    def contracts(self, person: dict[str, Any]) -> list[Block]:
        found = person.get("contracts") or []
        if not found:
            return []
        lang = self.lang
        keys = ("col.contract", "col.offer", "col.signed", "col.ended", "col.status", "col.partner",
                "col.prescriber", "col.site")  # fmt: skip
        rows = tuple(
            (
                c["ref"],
                c.get("offer") or "-",
                _on(c.get("signed_on"), lang),
                _on(c.get("ended_on"), lang),
                words.word("contract_status", c["status"], lang) if c.get("status") else "-",
                c.get("partner") or "-",
                c.get("prescriber") or "-",
                c.get("site") or "-",
            )
            for c in found
        )
        return [
            Heading(3, _t("h.contracts", lang)),
            Table(tuple(_t(k, lang) for k in keys), rows, key="contracts"),
        ]

    def sites(self, person: dict[str, Any]) -> list[Block]:
        found = [s for s in person.get("sites") or [] if s.get("fields")]
        if not found:
            return []
        items = tuple(f"{_t('site', self.lang, r=s['ref'])} — {self._fields(s['fields'])}" for s in found)
        return [Heading(3, _t("h.sites", self.lang)), Bullets(items)]

    def contacts(self, person: dict[str, Any]) -> list[Block]:
        found = person.get("contact_log") or []
        if not found:
            return []
        lang = self.lang
        keys = ("col.on", "col.direction", "col.channel", "col.answered", "col.outcome")
        rows = tuple(
            (
                _on(c.get("on"), lang),
                words.word("contact_direction", c["direction"], lang),
                words.word("channel", c["channel"], lang) if c.get("channel") else "-",
                words.word("yes_no", bool(c.get("answered")), lang),
                words.word("contact_outcome", c["outcome"], lang) if c.get("outcome") else "-",
            )
            for c in found
        )
        return [
            Heading(3, _t("h.contacts", lang)),
            Table(tuple(_t(k, lang) for k in keys), rows, key="contacts"),
        ]

    def consents(self, consents: list[dict[str, Any]]) -> list[Block]:
        return consent_blocks(consents, self._purpose, self.lang)

    def designated(self, designated: Sequence[Designated]) -> list[Block]:
        if not designated:
            return []
        lang = self.lang
        keys = ("col.person", "col.site", "col.rank", "col.from", "col.until", "col.details")
        rows = tuple(
            (
                d.ref,
                d.site,
                str(d.rank) if d.rank is not None else "-",
                _on(d.started_on, lang),
                _on(d.ended_on, lang),
                self._fields(dict(d.fields)),
            )
            for d in designated
        )
        return [
            Heading(3, _t("h.designated", lang)),
            Paragraph(_t("designated", lang)),
            Table(tuple(_t(k, lang) for k in keys), rows, key="designated"),
        ]

    def retention(self, units: list[UnitView]) -> list[Block]:
        if not units:
            return []
        lang = self.lang
        keys = ("col.kept_as", "col.context", "col.rule", "col.status", "col.end", "col.purge")
        rows = tuple(
            (
                self._category(u.unit)
                if u.unit in self.p.subject_categories
                else words.word("unit", u.unit, lang),
                u.context or "-",
                self._rule(u.rule),
                words.word("unit_status", u.status, lang),
                w.day(u.retention_end, lang) if u.retention_end else "-",
                w.day(u.purge_due, lang) if u.purge_due else "-",
            )
            for u in units
        )
        return [
            Heading(3, _t("h.retention", lang)),
            Table(tuple(_t(k, lang) for k in keys), rows, key="retention"),
        ]

    def calls(self, calls: Sequence[CallView]) -> list[Block]:
        if not calls:
            return []
        p, lang = self.p, self.lang
        recorded = [c for c in calls if c.recorded]
        kept = w.duration(p.retention[p.recordings.retention].period, lang)
        sep = " : " if lang is Language.FR else ": "

        def said(key: str, value: str) -> str:
            return f"{_t(key, lang).lower()}{sep}{value}"

        items = tuple(
            f"{c.ref} — {w.moment(c.at, lang)}, {words.word('direction', c.direction, lang)}"
            + (f" ({c.number})" if c.number else "")
            + " ; "
            + " ; ".join(
                [
                    said("col.recorded", words.word("yes_no", c.recorded, lang)),
                    said("col.live", words.word("yes_no", c.listened_live, lang)),
                    said("col.audio", words.word("yes_no", c.audio, lang)),
                    said("col.purposes", w.join([self._purpose(x).lower() for x in c.purposes], lang) or "-"),
                    said("col.end", w.day(c.retention_end, lang) if c.retention_end else "-"),
                    said("col.purge", w.day(c.purge_due, lang) if c.purge_due else "-"),
                    *([said("col.held", ", ".join(c.held_by))] if c.held_by else []),
                ]
            )
            for c in calls
        )
        return [
            Heading(2, _t("h.calls", lang)),
            Paragraph(_t("calls", lang, n=len(calls), r=len(recorded), k=kept)),
            Bullets(items),
        ]

    def alarm_calls(self, alarm_calls: Sequence[AlarmCall]) -> list[Block]:
        if not alarm_calls:
            return []
        lang = self.lang
        keys = ("col.alarm", "col.at", "col.as", "col.rank", "col.answered")
        rows = tuple(
            (
                a.as_dict()["alarm"],
                w.moment(a.at, lang),
                self._category(a.role),
                str(a.rank) if a.rank is not None else "-",
                words.word("call_outcome", a.outcome, lang),
            )
            for a in alarm_calls
        )
        return [
            Heading(2, _t("h.alarm_calls", lang)),
            Paragraph(_t("alarm_calls", lang)),
            Table(tuple(_t(k, lang) for k in keys), rows, key="alarm_calls"),
        ]

    def recipients(self, person: dict[str, Any], disclosed: list[dict[str, Any]]) -> list[Block]:
        p, lang = self.p, self.lang
        categories = {r["role"] for r in person["roles"]}
        recipients = dict.fromkeys(
            rid
            for a in p.activities.values()
            if categories & set(a.subject_categories)
            for rid in a.recipients
        )
        names = [p.roles[r].label(lang) for r in recipients if r in p.roles]
        blocks: list[Block] = [
            Heading(2, _t("h.recipients", lang)),
            Paragraph(_t("recipients", lang, x=w.join(names, lang))),
        ]
        if not disclosed:
            return [*blocks, Paragraph(_t("never.disclosed", lang))]
        items = tuple(
            _t(
                "disclosure",
                lang,
                d=_on(d["on"], lang),
                r=d["to_label"],
                p=self._purpose(d["purpose"]).lower(),
                x=w.join([self._field(f) for f in d["fields"]], lang),
            )
            for d in disclosed
        )
        return [*blocks, Paragraph(_t("disclosed", lang)), Bullets(items)]

    def consulted(self, consultations: list[dict[str, Any]]) -> list[Block]:
        lang = self.lang
        blocks: list[Block] = [Heading(2, _t("h.consulted", lang))]
        if not consultations:
            return [*blocks, Paragraph(_t("never.consulted", lang))]
        groups = Counter((c["purpose"], c["by"]) for c in consultations)
        first: dict[tuple[str, str], str] = {}
        last: dict[tuple[str, str], str] = {}
        for c in consultations:
            key = (c["purpose"], c["by"])
            first.setdefault(key, c["on"])
            last[key] = c["on"]
        summary = tuple(
            (
                self._purpose(purpose),
                by or "-",
                str(n),
                _on(first[(purpose, by)], lang),
                _on(last[(purpose, by)], lang),
            )
            for (purpose, by), n in sorted(groups.items(), key=lambda kv: (first[kv[0]], kv[0]))
        )
        each = tuple(
            (
                w.moment(datetime.fromisoformat(c["at"]), lang),
                self._purpose(c["purpose"]),
                c["by"] or "-",
                words.word("action", c["action"], lang),
            )
            for c in consultations
        )
        return [
            *blocks,
            Paragraph(_t("consulted", lang, n=len(consultations))),
            Table(
                tuple(_t(k, lang) for k in ("col.purpose", "col.by", "col.count", "col.first", "col.last")),
                summary,
                key="consultations",
            ),
            Paragraph(_t("consulted.each", lang)),
            Table(
                tuple(_t(k, lang) for k in ("col.at", "col.purpose", "col.by", "col.act")),
                each,
                key="consultations.each",
            ),
        ]
