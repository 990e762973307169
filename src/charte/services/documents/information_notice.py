"""The Art. 14 notice's contents, built from the policy for one category of persons.

GDPR Art. 14 lists what a person whose data came from someone else is told; each element here
answers one point, and ``REQUIRED`` says which, so that a test can prove every one is present for
every category: the controller's identity and contact (14(1)(a)), the DPO's (b), the purposes
with their legal basis (c) and the legitimate interest relied on (14(2)(b)), the categories of
data (d), the recipients (e), transfers outside the EU (f), the retention (14(2)(a)), the rights
(c), the withdrawal of consent where a purpose rests on it (d), the complaint to the CNIL (e) and
the source (f).
"""

from __future__ import annotations

from charte.domain.objections import consent_purpose
from charte.domain.policy import Policy, SubjectCategory
from charte.domain.vocabulary import Language, SourceKind
from charte.services.documents import wording as w
from charte.services.documents.confirmation import Stating

FR, EN = Language.FR, Language.EN

REQUIRED = {
    "controller": "Art. 14(1)(a)",
    "dpo": "Art. 14(1)(b)",
    "purposes": "Art. 14(1)(c), 14(2)(b)",
    "categories": "Art. 14(1)(d)",
    "recipients": "Art. 14(1)(e)",
    "transfers": "Art. 14(1)(f)",
    "kept": "Art. 14(2)(a)",
    "rights": "Art. 14(2)(c)",
    "withdrawal": "Art. 14(2)(d)",
    "cnil": "Art. 14(2)(e)",
    "source": "Art. 14(2)(f)",
}

_WITHDRAWAL = {
    FR: "Lorsque le traitement repose sur votre consentement, vous pouvez le retirer à tout moment, "
    "aussi simplement que vous l'avez donné, sans que cela remette en cause ce qui a été fait avant. ",
    EN: "Where the processing rests on your consent, you may withdraw it at any time, as easily as you "
    "gave it, without affecting what was done before. ",
}


def notice_elements(
    p: Policy, category: SubjectCategory, source: SourceKind, lang: Language, say: Stating | None = None
) -> dict[str, str]:
    """Each element of the notice, as the policy states it for this category; each element that
    states a value the policy only assumes is marked by ``say`` (« [à confirmer : key] »), as in the
    charter: the notice is published to the person, so nothing assumed is told them as a fact."""
    say = say if say is not None else Stating(p, lang)
    activities = p.activities_for_subject(category.id)
    purposes = list(
        dict.fromkeys(x for a in activities for x in a.purposes if x not in p.recordings.purposes)
    )
    recipients = list(dict.fromkeys(r for a in activities for r in a.recipients if r in p.roles))
    categories = list(
        dict.fromkeys(p.data_categories[p.fields[f]].label(lang).lower() for f in category.fields)
    )
    rule = p.retention[category.retention]
    transfers = w.t("transfers.none", lang)
    if p.transfers_outside_eu():
        where = "; ".join(w.transfer(x, out, lang) for x, out in p.transfers_outside_eu())
        transfers = f"{w.t('transfers.some', lang)} {where}."
    consent = any(consent_purpose(p, x, [category.id]) for x in purposes)
    dpo = p.dpo
    cat = category.id
    bases = [
        k for x in purposes for k in (("purposes", x, "legal_basis"), ("purposes", x, "by_subject", cat))
    ]
    return {
        "controller": say(f"{p.controller.name} ({', '.join(p.controller.contact)})", ("controller",)),
        "dpo": say(f"{dpo.email}, {' – '.join(dpo.postal_address)}", ("dpo",)),
        "purposes": say(
            w.join(
                [
                    f"{p.purposes[x].label(lang).lower()} ({w.basis_inline(p.purposes[x], cat, lang)})"
                    for x in purposes
                ],
                lang,
            ),
            *bases,
        ),
        "categories": say(w.join(categories, lang), ("subject_categories", cat, "fields")),
        "recipients": say(
            w.join([p.roles[r].label(lang).lower() for r in recipients], lang),
            *(("activities", a.id, "recipients") for a in activities),
        ),
        "transfers": say(transfers, *p.transfer_keys()),
        "kept": say(
            w.retention(rule.anchor, rule.period, lang, party_to_contract=category.party_to_contract),
            ("retention", category.retention),
        ),
        "rights": w.join([w.RIGHT[r][lang][0].lower() for r in p.rights.granted], lang),
        "withdrawal": _WITHDRAWAL[lang] if consent else "",
        "cnil": p.supervisory_authority.complaint_url,
        "source": say(
            w.source_of(source, category.party_to_contract, lang, cat), ("subject_categories", cat, "sources")
        ),
    }
