"""Compliance notes on a valid policy: where it is looser or stricter than the law, with sources.

Lint never refuses a policy (``policy check`` does); it tells the DPO what a regulator could
ask about. Errors are what the law requires and no record shows on that date (a processor without
an agreement, a DPIA overdue: ``accountability_lint``), warnings are things to act on, notes are
things to know; the policy's assumptions are listed last, since each is a value the charter never
promised.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import product

from charte.domain.accountability_lint import lint_accountability
from charte.domain.durations import Duration
from charte.domain.litigation import Case, Judgment, Residence, release
from charte.domain.policy import Policy
from charte.domain.problems import KeyPath, Problem, Severity
from charte.domain.recourse_law import FRENCH_RECOURSE
from charte.domain.vocabulary import (
    Anchor,
    CallDirection,
    ContactKind,
    CourtSeat,
    DocumentDeletion,
    DocumentRequired,
    IdentityRequestEffect,
    InferenceFamily,
    InferenceTarget,
    LegalBasis,
    Objection,
    RecordingMode,
    Right,
    RoleKind,
    SourceKind,
)

CNIL_PROSPECTS = (
    "CNIL, référentiel relatif aux traitements de données à caractère personnel "
    "mis en œuvre aux fins de gestion des activités commerciales (2021)"
)
CNIL_RECORDINGS = (
    "CNIL, « L'écoute et l'enregistrement des appels sur le lieu de travail »; "
    "délibération 2014-474 (ex-NS-57)"
)
STAFF_DUTIES = (
    "Code du travail L1222-4 (informing each employee), L2312-38 (consulting the CSE); GDPR Art. 30(1)(c)"
)
CNIL_LOGGING = (
    "CNIL, délibération n° 2021-122 du 14 octobre 2021 (recommandation relative à la journalisation)"
)
CNIL_ARCHIVE = "CNIL, guide « Les durées de conservation » (archivage intermédiaire)"
IDENTITY = "GDPR Art. 12(6); CNIL guidance on the right of access; Belgian DPA decision 40/2022"
ID_DELETION = "CNIL, SAN-2020-008"
# The Art. 12(3) periods « sont suspendus lorsque le responsable du traitement ou le sous-traitant a
# sollicité des informations supplémentaires nécessaires pour identifier la personne concernée »:
# décret n° 2005-1309 art. 92 as amended by décret n° 2018-687, carried into the décret n° 2019-536
# that replaced it (art. 77 for the processing the GDPR governs; art. 144 words it the same way for
# the processing of Title IV of the loi Informatique et Libertés).
IDENTITY_SUSPENSION = "décret n° 2019-536 du 29 mai 2019, art. 77 (formerly décret n° 2005-1309 art. 92)"
RECEIPT = "GDPR Art. 12(3); EDPB Guidelines 01/2022 on the right of access"
PHONE_CONSENT_FROM = date(2026, 8, 11)
PHONE_CONSENT = "Code de la consommation L223-1 as amended by loi n° 2025-594 of 30 June 2025"


class LintCode(StrEnum):
    """Every kind of finding lint emits; docs/policy.md explains each."""

    PROSPECT_RETENTION = "prospect_retention"
    PROSPECT_LAST_CONTACT = "prospect_last_contact"
    OPPOSITION_LIST = "opposition_list"
    INTERMEDIATE_ARCHIVE = "intermediate_archive"
    IDENTITY_DOCUMENT = "identity_document"
    IDENTITY_DOCUMENT_KEPT = "identity_document_kept"
    IDENTITY_CLOCK = "identity_clock"
    RIGHTS_ANY_CHANNEL = "rights_any_channel"
    RIGHTS_MISSING = "rights_missing"
    INDIRECT_COLLECTION = "indirect_collection"
    RECORDING_RETENTION = "recording_retention"
    RECORDING_OBJECTION = "recording_objection"
    RECORDING_OUTBOUND = "recording_outbound"
    RECORDING_STAFF = "recording_staff"
    EMOTION_RECOGNITION = "emotion_recognition"
    RECIPIENT_CONTACT = "recipient_contact"
    WORKER_EVALUATION = "worker_evaluation"
    AUDIT_RETENTION = "audit_retention"
    PHONE_PROSPECTING_CONSENT = "phone_prospecting_consent"
    RECOURSE_WINDOW = "recourse_window"
    OBLIGATION_SOURCE = "obligation_source"
    SAPIN_II_SCOPE = "sapin_ii_scope"
    ASSUMPTION = "assumption"


def _warning(path: KeyPath, code: str, message: str, source: str) -> Problem:
    return Problem(path=path, message=message, severity=Severity.WARNING, code=code, source=source)


def _note(path: KeyPath, code: str, message: str, source: str) -> Problem:
    return Problem(path=path, message=message, severity=Severity.NOTE, code=code, source=source)


def _assumed(policy: Policy, path: KeyPath) -> bool:
    return any(a.path == path[: len(a.path)] for a in policy.assumptions)


def _prospects(p: Policy) -> Iterator[Problem]:
    cnil_max = Duration(years=3)
    for rid, rule in p.retention.items():
        if rule.anchor is not Anchor.COLLECTION_OR_LAST_CONTACT:
            continue
        path = ("retention", rid, "period")
        if rule.period.exceeds(cnil_max):
            yield _warning(
                path,
                LintCode.PROSPECT_RETENTION,
                f"prospects kept {rule.period}, longer than the 3 years the CNIL allows",
                CNIL_PROSPECTS,
            )
        elif cnil_max.exceeds(rule.period):
            yield _note(
                path,
                LintCode.PROSPECT_RETENTION,
                f"prospects kept {rule.period}, stricter than the 3 years the CNIL allows: fine",
                CNIL_PROSPECTS,
            )
        if (
            ContactKind.OUTBOUND in rule.contacts_reset_clock
            or ContactKind.OUTBOUND_ANSWERED in rule.contacts_reset_clock
        ):
            yield _warning(
                (*path[:-1], "contacts_reset_clock"),
                LintCode.PROSPECT_LAST_CONTACT,
                "outbound contacts restart the prospect clock; "
                "the CNIL counts only contacts coming from the prospect",
                CNIL_PROSPECTS,
            )


def _opposition_list(p: Policy) -> Iterator[Problem]:
    if not any(pur.objection is Objection.ABSOLUTE for pur in p.purposes.values()):
        return
    rid = p.rights.suppression_list_retention
    rule = p.retention[rid]
    path = ("retention", rid)
    if Duration(years=3).exceeds(rule.period):
        yield _warning(
            (*path, "period"),
            LintCode.OPPOSITION_LIST,
            f"the list of people who objected to prospecting is kept {rule.period}; keep it at least 3 years",
            CNIL_PROSPECTS,
        )
    elif _assumed(p, path):
        yield _note(
            path,
            LintCode.OPPOSITION_LIST,
            "the charter is silent on the list of people who objected to prospecting; "
            f"the policy keeps it {rule.period}, "
            "longer than prospect data, so that objections are honoured",
            CNIL_PROSPECTS,
        )


def _archive(p: Policy) -> Iterator[Problem]:
    for rid, rule in p.retention.items():
        if rule.anchor is not Anchor.CONTRACT_END or rule.period.is_zero:
            continue
        path = ("retention", rid, "archive_after_anchor")
        if not rule.archive_after_anchor:
            yield _warning(
                path,
                LintCode.INTERMEDIATE_ARCHIVE,
                f"'{rid}' data stay in the active base for {rule.period} after the contract ends; "
                "move them to an intermediate archive with restricted access",
                CNIL_ARCHIVE,
            )
        elif _assumed(p, path):
            yield _note(
                path,
                LintCode.INTERMEDIATE_ARCHIVE,
                "the charter says nothing of an intermediate archive; "
                f"the policy archives '{rid}' data after the contract ends",
                CNIL_ARCHIVE,
            )


def _identity(p: Policy) -> Iterator[Problem]:
    iv = p.rights.identity_verification
    path = ("rights", "identity_verification")
    if iv.document_required is DocumentRequired.ALWAYS:
        yield _warning(
            (*path, "document_required"),
            LintCode.IDENTITY_DOCUMENT,
            "an identity document is asked with every request; the law allows asking more only on reasonable "
            "doubt, and identity can be shown by other means "
            "(client number, message from the address on file)",
            IDENTITY,
        )
    if p.rights.identity_request is IdentityRequestEffect.RESTART:
        yield _warning(
            ("rights", "identity_request"),
            LintCode.IDENTITY_CLOCK,
            "asking for identity restarts the month from the answer; French law only suspends the "
            "reply period while the information asked is awaited, so the days already run still count "
            "(identity_request: pause)",
            IDENTITY_SUSPENSION,
        )
    if iv.delete_document is not DocumentDeletion.ON_VERIFICATION:
        yield _warning(
            (*path, "delete_document"),
            LintCode.IDENTITY_DOCUMENT_KEPT,
            "identity documents are kept after identity is confirmed",
            ID_DELETION,
        )


def _channels(p: Policy) -> Iterator[Problem]:
    yield _note(
        ("rights", "submit_to"),
        LintCode.RIGHTS_ANY_CHANNEL,
        "the charter directs requests to "
        + ", ".join(p.rights.submit_to)
        + "; a request received by any channel of the controller starts the one-month clock, "
        "and charte counts from that receipt",
        RECEIPT,
    )


def _rights(p: Policy) -> Iterator[Problem]:
    missing = [r.value for r in Right if r not in p.rights.granted and r is not Right.CONSENT_WITHDRAWAL]
    if missing:
        yield _warning(
            ("rights", "granted"),
            LintCode.RIGHTS_MISSING,
            "rights not offered: "
            + ", ".join(missing)
            + "; the GDPR grants them where their conditions are met",
            "GDPR Art. 15-21",
        )
    for sid, s in p.subject_categories.items():
        indirect = [src.value for src in s.sources if src is not SourceKind.SUBJECT]
        if indirect:
            yield _note(
                ("subject_categories", sid, "sources"),
                LintCode.INDIRECT_COLLECTION,
                f"'{sid}' data may come from {', '.join(indirect)}: inform them within one month, "
                "or at the first contact if earlier",
                "GDPR Art. 14(3)",
            )


def _recipient_contacts(p: Policy) -> Iterator[Problem]:
    """Recipients outside the staff are told of each rectification, erasure or restriction of
    data they received (Art. 19): charte sends the notice where the policy gives an address."""
    for rid, role in p.roles.items():
        if role.kind is not RoleKind.STAFF and role.contact is None:
            yield _note(
                ("roles", rid, "contact"),
                LintCode.RECIPIENT_CONTACT,
                f"'{rid}' has no contact: its Art. 19 notices are listed for the DPO's team, not sent",
                "GDPR Art. 19",
            )


def _ai_act(p: Policy) -> Iterator[Problem]:
    """What the AI Act asks of an inference a purpose makes (the policy's ``inferences``)."""
    for pid, purpose in p.purposes.items():
        for i, inferred in enumerate(purpose.infers):
            family = p.inferences.get(inferred.what)
            path = ("purposes", pid, "infers", i)
            if (
                family is InferenceFamily.EMOTION_RECOGNITION
                and InferenceTarget.DATA_SUBJECTS in inferred.about
            ):
                yield _warning(
                    path,
                    LintCode.EMOTION_RECOGNITION,
                    f"'{inferred.what}' recognises the emotions of the people called: a high-risk AI "
                    "system (risk management, human oversight, logs) whose persons must be told they "
                    "are exposed to it",
                    "AI Act Annex III 1(c), art. 26, art. 50(3)",
                )
            if family is InferenceFamily.WORKER_EVALUATION and InferenceTarget.STAFF in inferred.about:
                yield _warning(
                    path,
                    LintCode.WORKER_EVALUATION,
                    f"'{inferred.what}' evaluates staff from their calls: a high-risk AI system; the workers "
                    "and their representatives are told before it is used, under human oversight",
                    "AI Act Annex III 4(b), art. 26(7); Code du travail L2312-38",
                )


def _recorded_staff(p: Policy) -> Iterator[Problem]:
    """Staff are data subjects of every recording: the register lists them, and the Code du
    travail says how they are told and their representatives consulted."""
    rec = p.recordings
    if rec.mode is RecordingMode.NONE or not rec.purposes:
        return
    recording = [a for a in p.activities.values() if set(a.purposes) & set(rec.purposes)]
    staff = [
        sid for a in recording for sid in a.subject_categories
        if sid in p.subject_categories and p.subject_categories[sid].staff
    ]  # fmt: skip
    if not staff:
        yield _warning(
            ("recordings",),
            LintCode.RECORDING_STAFF,
            "the staff whose calls are recorded are data subjects of the recordings: list them among "
            "the recording activity's subject categories (a category with `staff: true`)",
            STAFF_DUTIES,
        )
        return
    yield _note(
        ("subject_categories", staff[0], "staff"),
        LintCode.RECORDING_STAFF,
        "recorded staff must each be told beforehand of the recording and double listening (what, "
        "why, how long, their rights), and the works council (CSE) consulted before it is introduced",
        STAFF_DUTIES,
    )


def _recordings(p: Policy) -> Iterator[Problem]:
    rec = p.recordings
    if CallDirection.OUTBOUND in rec.directions:
        yield _note(
            ("recordings", "directions"),
            LintCode.RECORDING_OUTBOUND,
            "outbound calls are recorded: the persons called (clients, trusted persons during an "
            "alarm) must be told at the start of each call, and the charter's notice must say so",
            f"GDPR Art. 13; {CNIL_RECORDINGS}",
        )
    rule = p.retention[rec.retention]
    if rule.period.exceeds(Duration(months=6)):
        yield _warning(
            ("retention", rec.retention, "period"),
            LintCode.RECORDING_RETENTION,
            f"recordings kept {rule.period}; the CNIL sets 6 months at most",
            CNIL_RECORDINGS,
        )
    for i, pid in enumerate(rec.purposes):
        purpose = p.purposes[pid]
        if purpose.objection is not Objection.NONE and pid not in rec.opposition_stops:
            yield _warning(
                ("recordings", "purposes", i),
                LintCode.RECORDING_OBJECTION,
                f"a caller's objection does not stop '{pid}', a purpose open to objection; "
                "only compelling legitimate grounds can justify it",
                "GDPR Art. 21(1)",
            )


def _audit(p: Policy) -> Iterator[Problem]:
    period = p.retention[p.audit_retention].period
    if Duration(months=6).exceeds(period) or period.exceeds(Duration(years=1)):
        yield _warning(
            ("retention", p.audit_retention, "period"),
            LintCode.AUDIT_RETENTION,
            f"access logs kept {period}; the CNIL recommends 6 months to 1 year unless justified",
            CNIL_LOGGING,
        )


def _phone_prospecting(p: Policy, as_of: date) -> Iterator[Problem]:
    if as_of < PHONE_CONSENT_FROM:
        return
    for pid, purpose in p.purposes.items():
        if purpose.objection is Objection.ABSOLUTE and purpose.legal_basis.value != "consent":
            yield _warning(
                ("purposes", pid, "legal_basis"),
                LintCode.PHONE_PROSPECTING_CONSENT,
                f"'{pid}' rests on {purpose.legal_basis.value}; since 11 August 2026 canvassing by phone "
                "needs the person's prior consent unless it concerns an ongoing contract",
                PHONE_CONSENT,
            )


def _recourse(p: Policy) -> Iterator[Problem]:
    """A window shorter than the law's would release a hold while the judgment may still be
    challenged: judged on judgments pronounced (and served a week later) on each day of a week,
    for a party at every distance, before courts in metropolitan France and overseas."""
    law = replace(p.litigation, recourse_windows=FRENCH_RECOURSE)
    days = [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    for kind, windows in FRENCH_RECOURSE.items():
        for recourse in windows:
            for pronounced, residence, seat in product(days, Residence, CourtSeat):
                judgment = Judgment(pronounced, recourse, pronounced + timedelta(days=7), residence, seat)
                case = Case("lint", kind, pronounced, (judgment,))
                ours = release(case, p.litigation, as_of=pronounced).on
                theirs = release(case, law, as_of=pronounced).on
                if ours is not None and theirs is not None and ours < theirs:
                    sources = "; ".join(r.source for r in windows[recourse].routes)
                    where = f", a party {residence.value}" if residence is not Residence.METROPOLITAN else ""
                    court = " before a court sitting overseas" if seat is CourtSeat.OVERSEAS else ""
                    yield _warning(
                        ("litigation", "recourse_windows", kind.value, recourse.value),
                        LintCode.RECOURSE_WINDOW,
                        f"the {kind.value} {recourse.value} window is shorter than the law's: for a judgment "
                        f"pronounced on {pronounced}{where}{court}, the hold would end on {ours}, but the "
                        f"recourse stays open until {theirs}",
                        sources,
                    )
                    break  # one finding per window


def _obligations(p: Policy) -> Iterator[Problem]:
    """A legal obligation must be laid down by law (GDPR Art. 6(3)): the policy names which, and
    what the law it names really requires is told where it is commonly stretched."""
    for pid, purpose in p.purposes.items():
        if purpose.legal_basis is not LegalBasis.LEGAL_OBLIGATION:
            continue
        path = ("purposes", pid, "legal_basis")
        if purpose.obligation is None:
            yield _note(
                path,
                LintCode.OBLIGATION_SOURCE,
                f"'{pid}' rests on a legal obligation without naming the law that lays it down "
                "(purposes.<id>.obligation)",
                "GDPR Art. 6(1)(c), 6(3)",
            )
        elif "sapin" in purpose.obligation.lower() or "2016-1691" in purpose.obligation:
            yield _note(
                ("purposes", pid, "obligation"),
                LintCode.SAPIN_II_SCOPE,
                f"'{pid}' relies on Sapin II: its art. 17 obliges only companies of at least 500 employees "
                "(or in such a group) with a turnover above 100 million euros, and covers corruption and "
                "influence peddling, not fraud in general — below the thresholds, or for fraud, another "
                "basis is needed (legitimate interest, with the right to object)",
                "loi n° 2016-1691 du 9 décembre 2016 (Sapin II), art. 17",
            )


def _assumptions(p: Policy) -> Iterator[Problem]:
    for a in p.assumptions:
        yield Problem(
            path=a.path,
            message=f"assumption: {a.value} — {a.why}",
            severity=Severity.NOTE,
            code=LintCode.ASSUMPTION,
            source="not stated by the charter",
        )


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def lint_policy(policy: Policy, *, as_of: date) -> list[Problem]:
    """Compliance errors, warnings and notes on a valid policy, as of a calendar date: errors
    are what the law requires and no record shows (the accountability records)."""
    rules = (
        _prospects,
        _opposition_list,
        _archive,
        _identity,
        _channels,
        _rights,
        _recordings,
        _audit,
        _recourse,
        _obligations,
        _recorded_staff,
        _ai_act,
        _recipient_contacts,
    )
    found = [problem for rule in rules for problem in rule(policy)]
    found += _phone_prospecting(policy, as_of)
    found += lint_accountability(policy, as_of=as_of)
    found.sort(key=lambda p: _RANK[p.severity])  # errors first, each kind in rule order
    found += _assumptions(policy)
    return found
