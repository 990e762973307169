"""The record of processing activities (GDPR Art. 30(1)), one entry per activity of the policy."""

from __future__ import annotations

from dataclasses import dataclass

from charte.domain.policy import Activity, Policy
from charte.domain.problems import KeyPath
from charte.domain.vocabulary import Language
from charte.services.documents import wording as w
from charte.services.documents.charter import retention_phrase
from charte.services.documents.confirmation import Stating
from charte.services.documents.model import Block, Document, Heading, Paragraph, Table

# Art. 30(1) (a) to (g), in the order of the article; the activity's name comes first.
COLUMNS = (
    "col.activity",
    "col.controller",
    "col.dpo",
    "col.purposes",
    "col.basis",
    "col.subjects",
    "col.data",
    "col.recipients",
    "col.transfers",
    "col.retention",
    "col.security",
)


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    activity: str
    cells: tuple[str, ...]  # one per COLUMNS


def _entry(p: Policy, a: Activity, lang: Language, say: Stating) -> RegisterEntry:
    def labels(ids: tuple[str, ...], table: dict[str, str]) -> str:
        return "; ".join(table[i] for i in ids)

    purposes = [p.purposes[x] for x in a.purposes]
    bases = dict.fromkeys(
        w.LEGAL_BASIS[x.basis_for(sid)][lang] for x in purposes for sid in (*a.subject_categories, "")
    )
    categories = {k: s.label(lang) for k, s in p.subject_categories.items()}
    transfers = "; ".join(w.transfer(x, out, lang) for x, out in p.transfers_outside_eu(a.id))
    retention = "; ".join(f"{rid}: {retention_phrase(p.retention[rid], lang)}" for rid in a.retention)
    states: tuple[tuple[KeyPath, ...], ...] = (
        (),
        (("controller",),),
        (("dpo",),),
        tuple(("purposes", x.id) for x in purposes),
        tuple(("purposes", x.id, "legal_basis") for x in purposes),
        tuple(("subject_categories", sid) for sid in a.subject_categories),
        tuple(("data_categories", cid) for cid in a.data_categories),
        tuple(("roles", rid) for rid in a.recipients),
        p.transfer_keys(a.id),
        tuple(k for rid in a.retention for k in (("retention", rid, "anchor"), ("retention", rid, "period"))),
        tuple(("security_measures", mid) for mid in a.security_measures),
    )
    cells = (
        a.name(lang),
        f"{p.controller.name}"
        + (f" ({p.controller.parent})" if p.controller.parent else "")
        + " – "
        + ", ".join(p.controller.contact),
        f"{p.dpo.title(lang)} – {p.dpo.email} – " + ", ".join(p.dpo.postal_address),
        "; ".join(
            f"{x.label(lang)} ({w.bases_of(x, categories, lang, a.subject_categories)})" for x in purposes
        ),
        "; ".join(bases),
        labels(a.subject_categories, {k: s.label(lang) for k, s in p.subject_categories.items()}),
        labels(a.data_categories, {k: c.label(lang) for k, c in p.data_categories.items()}),
        labels(a.recipients, {k: r.label(lang) for k, r in p.roles.items()}),
        transfers or w.t("none", lang),
        retention,
        labels(a.security_measures, {k: m(lang) for k, m in p.security_measures.items()}),
    )
    marked = tuple(say(cell, *keys) for cell, keys in zip(cells, states, strict=True))
    return RegisterEntry(activity=a.id, cells=marked)


def register_entries(
    policy: Policy, lang: Language, *, final: bool = False
) -> tuple[tuple[str, ...], tuple[RegisterEntry, ...]]:
    """The column headers and one entry per processing activity; a cell stating an assumed value
    is marked (a draft), or ``final`` refuses (``confirmation.Unconfirmed``, naming the keys)."""
    headers = tuple(w.t(c, lang) for c in COLUMNS)
    say = Stating(policy, lang)
    entries = tuple(_entry(policy, a, lang, say) for a in policy.activities.values())
    say.settle(final=final)
    return headers, entries


def build_register(policy: Policy, lang: Language, *, final: bool = False) -> Document:
    headers, entries = register_entries(policy, lang, final=final)
    blocks: list[Block] = [
        Paragraph(w.t("register.intro", lang, c=policy.controller.name, d=w.day(policy.updated_on, lang)))
    ]
    for e in entries:
        blocks.append(Heading(2, e.cells[0]))
        rows = tuple(zip(headers[1:], e.cells[1:], strict=True))
        blocks.append(
            Table(headers=(w.t("col.field", lang), w.t("col.value", lang)), rows=rows, key=e.activity)
        )
    return Document(title=w.t("register.title", lang), lang=lang, blocks=tuple(blocks))
