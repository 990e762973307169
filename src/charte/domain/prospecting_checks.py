"""The policy's ``prospecting`` section checked against the rest of the policy: the purposes it
governs exist and rest on consent where a channel needs it, partners' lead files can carry a
consent, the proof's retention rule counts from the consent's end.

Refusals, not notes: a purpose on legitimate interest for a channel the law opens only with prior
consent (CPCE L34-5; Code de la consommation L223-1 since 11 August 2026) would let the gate answer
« allowed » on a basis the law rejects.
"""

from __future__ import annotations

from collections.abc import Iterator

from charte.domain.policy import Policy
from charte.domain.problems import Problem
from charte.domain.prospecting import Prospecting
from charte.domain.vocabulary import Anchor, LegalBasis, SourceKind

_PATH = ("prospecting",)


def check_prospecting(p: Policy) -> Iterator[Problem]:
    rules = p.prospecting
    if rules is None:
        return
    for i, pid in enumerate(rules.purposes):
        if pid not in p.purposes:
            yield Problem(
                path=(*_PATH, "purposes", i),
                message=f"unknown purpose '{pid}'",
                expected="one of " + ", ".join(sorted(p.purposes)),
                code="unknown_purpose",
            )
    yield from _bases(p, rules)
    yield from _partner_leads(p, rules)
    retention = p.retention.get(rules.consent_retention)
    if retention is None:
        yield Problem(
            path=(*_PATH, "consent", "proof_retention"),
            message=f"unknown retention rule '{rules.consent_retention}'",
            expected="one of " + ", ".join(sorted(p.retention)),
            code="unknown_retention",
        )
    elif retention.anchor is not Anchor.CONSENT_END:
        yield Problem(
            path=("retention", rules.consent_retention, "anchor"),
            message="a consent's proof is kept from the day the consent ends",
            found=f"anchor: {retention.anchor.value}",
            expected="anchor: consent_end",
            code="consent_anchor",
        )


def prospected_categories(p: Policy, purpose: str) -> tuple[str, ...]:
    """The subject categories a prospecting purpose reaches, through the activities, in order."""
    found: dict[str, None] = {}
    for activity in p.activities.values():
        if purpose in activity.purposes:
            found.update(dict.fromkeys(activity.subject_categories))
    return tuple(found)


def _bases(p: Policy, rules: Prospecting) -> Iterator[Problem]:
    if not rules.consent_rules:
        return
    for pid in rules.purposes:
        purpose = p.purposes.get(pid)
        if purpose is None:
            continue
        for sid in prospected_categories(p, pid):
            category = p.subject_categories.get(sid)
            basis = purpose.basis_for(sid)
            if category is None or basis is LegalBasis.CONSENT:
                continue
            # A client under contract is excepted only where every consent rule says so.
            if category.party_to_contract and all(r.client_exception for r in rules.consent_rules):
                continue
            channels = ", ".join(sorted({c.value for r in rules.consent_rules for c in r.channels}))
            yield Problem(
                path=("purposes", pid, "legal_basis"),
                message=f"'{pid}' rests on {basis.value} for '{sid}', but prospecting by {channels} "
                "needs the person's prior consent",
                found=f"legal_basis: {basis.value}",
                expected=f"legal_basis: consent for '{sid}' (a by_subject entry, or the purpose's own)",
                code="prospecting_basis",
                source="; ".join(dict.fromkeys(r.source for r in rules.consent_rules)),
            )


def _partner_leads(p: Policy, rules: Prospecting) -> Iterator[Problem]:
    if not rules.consent_rules or SourceKind.PARTNER in rules.consent_sources:
        return
    for pid in rules.purposes:
        for sid in prospected_categories(p, pid):
            category = p.subject_categories.get(sid)
            if category is not None and SourceKind.PARTNER in category.sources:
                yield Problem(
                    path=(*_PATH, "consent", "sources"),
                    message=f"'{sid}' data come from partners, but no consent may come from a partner: "
                    "a partner's lead could never be prospected on the channels that need consent",
                    found="sources: " + ", ".join(sorted(s.value for s in rules.consent_sources)),
                    expected="sources listing partner (the partner collects the consent and proves it)",
                    code="partner_consent",
                    source="CNIL, « La prospection commerciale par courrier électronique » "
                    "(consent collected by a partner for the transmission of the lead); CPCE L34-5",
                )
                return
