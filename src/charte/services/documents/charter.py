"""The public charter, regenerated from the policy, section by section as the seed has them."""

from __future__ import annotations

from charte.domain.objections import consent_purpose
from charte.domain.policy import Policy, RetentionRule
from charte.domain.vocabulary import CallDirection, DocumentRequired, Language, RecordingMode, Right, RoleKind
from charte.services.documents import wording as w
from charte.services.documents.confirmation import Stating
from charte.services.documents.model import Block, Bullets, Document, Heading, Paragraph


def retention_phrase(rule: RetentionRule, lang: Language, *, party_to_contract: bool = True) -> str:
    return w.retention(rule.anchor, rule.period, lang, party_to_contract=party_to_contract)


def _data_categories(p: Policy, fields: tuple[str, ...], lang: Language) -> list[str]:
    cats = dict.fromkeys(p.fields[f] for f in fields)
    return [p.data_categories[c].label(lang).lower() for c in cats]


def _served(p: Policy, purposes: list[str], lang: Language) -> str:
    """What a category's data serve; for one that only recordings concern (recorded staff), the
    recordings' purposes, told in their own section."""
    if not purposes:
        return w.t("for.calls", lang)
    return w.t("for", lang, x=w.join([p.purposes[x].label(lang).lower() for x in purposes], lang))


def _subjects(p: Policy, lang: Language, say: Stating) -> list[Block]:
    blocks: list[Block] = [Heading(2, w.t("h.what", lang))]
    for sid, s in p.subject_categories.items():
        kept = retention_phrase(p.retention[s.retention], lang, party_to_contract=s.party_to_contract)
        purposes = dict.fromkeys(pid for a in p.activities_for_subject(sid) for pid in a.purposes)
        # Recording purposes are told in their own section, as the seed does.
        purposes = {pid: None for pid in purposes if pid not in p.recordings.purposes}
        sources = [w.source_of(src, s.party_to_contract, lang, sid) for src in s.sources]
        blocks += [
            Heading(3, w.t("subject", lang, s=s.label(lang))),
            Bullets(
                (
                    say(
                        w.t("collected", lang, x=w.join(_data_categories(p, s.fields, lang), lang)),
                        ("subject_categories", sid, "fields"),
                    ),
                    say(w.t("from", lang, x=w.either(sources, lang)), ("subject_categories", sid, "sources")),
                    say(_served(p, list(purposes), lang), *(("purposes", x, "label") for x in purposes)),
                    say(
                        w.t("kept", lang, x=kept),
                        ("retention", s.retention, "anchor"),
                        ("retention", s.retention, "period"),
                    ),
                )
            ),
        ]
    return blocks


def _recordings(p: Policy, lang: Language, say: Stating) -> list[Block]:
    rec, c = p.recordings, p.controller.name
    if rec.mode is RecordingMode.NONE:
        return [Heading(2, w.t("h.calls", lang)), Paragraph(w.t("calls.none", lang, c=c) + ".")]
    key = ("calls.systematic" if rec.systematic else "calls.partial") + (
        "_live" if rec.live_double_listening else ""
    )
    both = {CallDirection.INBOUND, CallDirection.OUTBOUND} <= rec.directions
    which = "calls.both" if both else f"calls.{next(iter(rec.directions)).value}"
    calls = w.t(which, lang)
    opening = (
        w.t(key, lang, c=c, law=rec.legal_requirement or "", calls=calls)
        + w.t("calls.controller", lang)
        + "."
    )
    # The share itself is not published (« une partie des appels »): only the mode, the listening
    # and the directions (GDPR Art. 13(1)(c): which calls are recorded is part of the purpose).
    opening = say(
        opening, ("recordings", "mode"), ("recordings", "live_double_listening"), ("recordings", "directions")
    )
    stopped = [p.purposes[x].label(lang) for x in rec.purposes if x in rec.opposition_stops]
    kept = [
        f"{p.purposes[x].label(lang)} ({w.LEGAL_BASIS[p.purposes[x].legal_basis][lang]})"
        for x in rec.purposes
        if x not in rec.opposition_stops
    ]
    blocks: list[Block] = [Heading(2, w.t("h.calls", lang)), Paragraph(opening)]
    if stopped:
        blocks += [Paragraph(w.t("calls.li", lang)), Bullets(tuple(stopped))]
    if kept:
        blocks += [Paragraph(w.t("calls.other", lang)), Bullets(tuple(kept))]
    listeners = [p.roles[r].label(lang).lower() for r in rec.listeners]
    blocks.append(Paragraph(w.t("calls.who", lang, x=w.join(listeners, lang))))
    kept_for = w.t("calls.kept", lang, x=retention_phrase(p.retention[rec.retention], lang))
    blocks.append(
        Paragraph(
            say(kept_for, ("retention", rec.retention, "anchor"), ("retention", rec.retention, "period"))
        )
    )
    return blocks


def _recipients(p: Policy, lang: Language) -> list[Block]:
    blocks: list[Block] = [Heading(2, w.t("h.access", lang)), Paragraph(w.t("access", lang))]
    for kind in RoleKind:
        roles = [r for r in p.roles.values() if r.kind is kind]
        if roles:
            items = tuple(
                w.t(
                    "recipient",
                    lang,
                    r=r.label(lang),
                    p=w.join([p.purposes[x].label(lang).lower() for x in r.purposes], lang),
                )
                for r in roles
            )
            blocks += [Heading(3, w.ROLE_KIND[kind][lang]), Bullets(items)]
    return blocks


def _basis(p: Policy, lang: Language, say: Stating) -> list[Block]:
    bases = list(
        dict.fromkeys(
            [x.legal_basis for x in p.purposes.values()]
            + [b.legal_basis for x in p.purposes.values() for b in x.by_subject.values()]
        )
    )
    labels = {sid: c.label(lang) for sid, c in p.subject_categories.items()}
    colon = " : " if lang is Language.FR else ": "
    items = tuple(
        say(f"{x.label(lang)}{colon}{w.bases_of(x, labels, lang)}", ("purposes", x.id, "legal_basis"))
        for x in p.purposes.values()
    )
    return [
        Heading(2, w.t("h.basis", lang)),
        Paragraph(w.t("basis", lang, x=w.join([w.LEGAL_BASIS[b][lang] for b in bases], lang))),
        Bullets(items),
    ]


def _commitments(p: Policy, lang: Language, say: Stating) -> list[Block]:
    # Computed from the processors' records: where each holds data, what it sends outside the EEA.
    keys = p.transfer_keys()
    transfers: list[Block] = [Paragraph(say(w.t("transfers.none", lang), *keys))]
    if p.transfers_outside_eu():
        transfers = [
            Paragraph(say(w.t("transfers.some", lang), *keys)),
            Bullets(tuple(w.transfer(x, out, lang) for x, out in p.transfers_outside_eu())),
        ]
    return [
        Heading(2, w.t("h.commit", lang)),
        Paragraph(w.t("commit", lang)),
        *transfers,
        Heading(2, w.t("h.measures", lang)),
        Bullets(tuple(m(lang) for m in p.security_measures.values())),
    ]


def _consent_relied_on(p: Policy) -> bool:
    return any(consent_purpose(p, pid) for pid in p.purposes)


def rights_section(p: Policy, lang: Language) -> list[Block]:
    """The rights, how to exercise them, the deadline and the complaint route (also in letters)."""
    r = p.rights
    items = tuple(
        w.t("right", lang, n=w.RIGHT[x][lang][0], d=w.RIGHT[x][lang][1])
        for x in Right
        if x in r.granted or (x is Right.CONSENT_WITHDRAWAL and _consent_relied_on(p))
    )
    how = {
        DocumentRequired.ALWAYS: "how.always",
        DocumentRequired.WHEN_IN_DOUBT: "how.doubt",
        DocumentRequired.NEVER: "how.never",
    }[r.identity_verification.document_required]
    dpo, sa = p.dpo, p.supervisory_authority
    return [
        Heading(2, w.t("h.rights", lang)),
        Bullets(items),
        Paragraph(
            w.t("deadline", lang, r=w.duration(r.reply_within, lang), e=w.duration(r.extension_up_to, lang))
        ),
        Heading(2, w.t("h.how", lang)),
        Paragraph(w.t(how, lang) + f" {dpo.title(lang)}"),
        Bullets(
            (w.t("dpo.email", lang, e=dpo.email), w.t("dpo.post", lang, a=" – ".join(dpo.postal_address)))
        ),
        Heading(2, w.t("h.complaint", lang, n=sa.name)),
        Paragraph(
            w.t(
                "complaint",
                lang,
                f=sa.full_name,
                n=sa.name,
                u=sa.complaint_url,
                a=", ".join(sa.postal_address),
            )
        ),
    ]


def build_charter(policy: Policy, lang: Language, *, final: bool = False) -> Document:
    """The charter; a draft marks each sentence stating an assumed value, ``final`` refuses to
    publish while one does (``confirmation.Unconfirmed``, naming the keys)."""
    p = policy
    say = Stating(p, lang)
    purposes = tuple(x.label(lang) for x in p.purposes.values() if x.id not in p.recordings.purposes)
    blocks: list[Block] = [
        Paragraph(w.t("updated", lang, d=w.day(p.updated_on, lang))),
        Paragraph(p.controller.activity(lang)),
        Paragraph(w.t("intro", lang, c=p.controller.name)),
        Heading(2, w.t("h.why", lang)),
        Paragraph(w.t("why", lang)),
        Bullets(purposes),
        *_subjects(p, lang, say),
        *_recordings(p, lang, say),
        *_recipients(p, lang),
        *_basis(p, lang, say),
        *_commitments(p, lang, say),
        *rights_section(p, lang),
    ]
    say.settle(final=final)
    return Document(title=p.title(lang), lang=lang, blocks=tuple(blocks))
