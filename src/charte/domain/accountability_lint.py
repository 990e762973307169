"""Lint of the accountability records, as of a date: what the controller could not demonstrate
to the CNIL that day (GDPR Art. 5(2)).

Errors are what the law requires and no record shows — a processor without an agreement, a
review overdue, a transfer without a mechanism, a DPIA required and not carried out, a legitimate
interest never weighed; warnings are what a regulator would ask about; notes say what charte
computed (which activities need a DPIA, and why).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum

from charte.domain.accountability import (
    ADEQUACY,
    ADEQUACY_AS_OF,
    BALANCING_SOURCE,
    CNIL_LIST_SOURCE,
    DPIA_SOURCE,
    EEA,
    TIA_SOURCE,
    TRAINING_SOURCE,
    Criterion,
    Mechanism,
    Risk,
)
from charte.domain.accountability_checks import PROCESSOR_KINDS
from charte.domain.policy import Activity, Policy
from charte.domain.problems import KeyPath, Problem, Severity
from charte.domain.vocabulary import LegalBasis


class AccountabilityCode(StrEnum):
    """Every kind of finding on the accountability records; docs/policy.md explains each."""

    PROCESSOR_AGREEMENT = "processor_agreement"
    AGREEMENT_REVIEW = "agreement_review"
    SUB_PROCESSOR = "sub_processor_authorisation"
    TRANSFER_MECHANISM = "transfer_mechanism"
    TRANSFER_ASSESSMENT = "transfer_assessment"
    ADEQUACY = "adequacy_decision"
    DPIA_SCREENING = "dpia_screening"
    DPIA_CRITERION = "dpia_criterion"
    DPIA_REQUIRED = "dpia_required"
    DPIA_SIGNATURE = "dpia_signature"
    DPIA_REVIEW = "dpia_review"
    PRIOR_CONSULTATION = "prior_consultation"
    BALANCING_TEST = "balancing_test"
    BALANCING_REVIEW = "balancing_review"
    TRAINING = "training"


ART_28 = "GDPR Art. 28(3)"
REVIEW = "GDPR Art. 24(1), 28(1): measures reviewed and updated where necessary"
SUB_PROCESSORS = "GDPR Art. 28(2), 28(4)"
ART_44 = "GDPR Art. 44"
SIGNATURE = "GDPR Art. 35(2): the DPO's advice is sought"
DPIA_REVIEW = "GDPR Art. 35(11)"
ART_36 = "GDPR Art. 36(1)"


def _problem(severity: Severity, path: KeyPath, code: str, message: str, source: str) -> Problem:
    return Problem(path=path, message=message, severity=severity, code=code, source=source)


def evident_criteria(p: Policy, a: Activity) -> dict[Criterion, str]:
    """The WP248 criteria the policy itself shows an activity meets, each with why: recording
    staff is monitoring employees, who are vulnerable persons (WP248 criteria 3 and 7); a purpose
    that infers from calls is an innovative use of technology (criterion 8)."""
    found: dict[Criterion, str] = {}
    staff = [s for s in a.subject_categories if s in p.subject_categories and p.subject_categories[s].staff]
    if staff:
        found[Criterion.VULNERABLE] = f"it concerns the operator's staff ({', '.join(staff)}): employees"
        recorded = [x for x in a.purposes if x in p.recordings.purposes]
        if recorded:
            found[Criterion.SYSTEMATIC_MONITORING] = f"it records staff at work for {', '.join(recorded)}"
    inferring = [x for x in a.purposes if x in p.purposes and p.purposes[x].infers]
    if inferring:
        found[Criterion.INNOVATIVE] = f"{', '.join(inferring)} infer(s) from the data"
    return found


def screening(p: Policy, a: Activity) -> tuple[dict[Criterion, str], bool]:
    """The criteria an activity meets (declared, and evident from the policy) and whether a DPIA
    is required: two criteria or more (WP248), or an item of the CNIL's list."""
    criteria = dict(evident_criteria(p, a))
    if a.dpia is not None:
        criteria |= dict(a.dpia.criteria)
    listed = bool(a.dpia and a.dpia.cnil_list)
    return criteria, len(criteria) >= 2 or listed


def _dpias(p: Policy, as_of: date) -> Iterator[Problem]:
    for aid, a in p.activities.items():
        path: KeyPath = ("activities", aid, "dpia")
        evident = evident_criteria(p, a)
        criteria, required = screening(p, a)
        if a.dpia is None:
            yield _problem(
                Severity.WARNING,
                path,
                AccountabilityCode.DPIA_SCREENING,
                f"activity '{aid}' is not screened for a DPIA: say which WP248 criteria it meets "
                f"(none: `criteria: {{}}`)",
                DPIA_SOURCE,
            )
        else:
            for criterion, why in evident.items():
                if criterion not in a.dpia.criteria:
                    yield _problem(
                        Severity.WARNING,
                        (*path, "criteria"),
                        AccountabilityCode.DPIA_CRITERION,
                        f"activity '{aid}' meets criterion {criterion} ({why}), which its screening omits",
                        DPIA_SOURCE,
                    )
        if not required:
            continue
        reasons = ", ".join(str(c) for c in criteria)
        if a.dpia is not None and a.dpia.cnil_list:
            reasons += ("; " if reasons else "") + "CNIL list: " + ", ".join(a.dpia.cnil_list)
        source = DPIA_SOURCE + (f"; {CNIL_LIST_SOURCE}" if a.dpia and a.dpia.cnil_list else "")
        record = a.dpia.record if a.dpia is not None else None
        if record is None:
            yield _problem(
                Severity.ERROR,
                path,
                AccountabilityCode.DPIA_REQUIRED,
                f"activity '{aid}' requires a DPIA ({reasons}) and none is recorded",
                source,
            )
            continue
        yield _problem(
            Severity.NOTE,
            (*path, "record"),
            AccountabilityCode.DPIA_REQUIRED,
            f"activity '{aid}' requires a DPIA ({reasons}): {record.ref}, carried out on "
            f"{record.carried_out_on}",
            source,
        )
        if record.dpo_signed_on is None:
            yield _problem(
                Severity.ERROR,
                (*path, "record", "dpo_signed_on"),
                AccountabilityCode.DPIA_SIGNATURE,
                f"the DPIA {record.ref} of '{aid}' bears no signed advice of the DPO",
                SIGNATURE,
            )
        if record.review_due < as_of:
            yield _problem(
                Severity.ERROR,
                (*path, "record", "review_every"),
                AccountabilityCode.DPIA_REVIEW,
                f"the DPIA {record.ref} of '{aid}' was due for review on {record.review_due}",
                DPIA_REVIEW,
            )
        if record.residual_risk is Risk.HIGH:
            if record.prior_consultation is None:
                yield _problem(
                    Severity.ERROR,
                    (*path, "record", "residual_risk"),
                    AccountabilityCode.PRIOR_CONSULTATION,
                    f"the DPIA {record.ref} of '{aid}' leaves a high residual risk: the CNIL must be "
                    "consulted before the processing, and no consultation is recorded",
                    ART_36,
                )
            else:
                yield _problem(
                    Severity.NOTE,
                    (*path, "record", "prior_consultation"),
                    AccountabilityCode.PRIOR_CONSULTATION,
                    f"the CNIL was consulted on the DPIA {record.ref} on {record.prior_consultation.on} "
                    f"({record.prior_consultation.ref})",
                    ART_36,
                )


def _processors(p: Policy, as_of: date) -> Iterator[Problem]:
    for aid, a in p.activities.items():
        for i, role in enumerate(a.recipients):
            found = p.roles.get(role)
            if found is None or found.kind not in PROCESSOR_KINDS:
                continue
            covering = [x for x in p.processors.values() if role in x.recipients and aid in x.activities]
            if not covering:
                yield _problem(
                    Severity.ERROR,
                    ("activities", aid, "recipients", i),
                    AccountabilityCode.PROCESSOR_AGREEMENT,
                    f"recipient '{role}' processes data of '{aid}' on the controller's behalf, "
                    "and no processor "
                    "record names it for this activity",
                    ART_28,
                )
    for pid, x in p.processors.items():
        path: KeyPath = ("processors", pid)
        if x.agreement is None:
            yield _problem(
                Severity.ERROR,
                path,
                AccountabilityCode.PROCESSOR_AGREEMENT,
                f"processor '{pid}' has no data processing agreement on record",
                ART_28,
            )
        elif x.agreement.review_due < as_of:
            yield _problem(
                Severity.ERROR,
                (*path, "agreement", "review_every"),
                AccountabilityCode.AGREEMENT_REVIEW,
                f"the agreement of processor '{pid}' (version {x.agreement.version}) was due for review on "
                f"{x.agreement.review_due}",
                REVIEW,
            )
        if x.sub_processor_of is not None and x.authorised_on is None:
            yield _problem(
                Severity.ERROR,
                (*path, "authorised_on"),
                AccountabilityCode.SUB_PROCESSOR,
                f"sub-processor '{pid}' of '{x.sub_processor_of}' has no written authorisation "
                "of the controller",
                SUB_PROCESSORS,
            )
        covered = {t.country for t in x.transfers}
        for i, country in enumerate(x.locations):
            if country not in EEA and country not in covered:
                yield _problem(
                    Severity.ERROR,
                    (*path, "locations", i),
                    AccountabilityCode.TRANSFER_MECHANISM,
                    f"processor '{pid}' holds data in {country}, outside the EEA, and no "
                    "transfer mechanism is recorded",
                    ART_44,
                )
        for i, t in enumerate(x.transfers):
            at = (*path, "transfers", i)
            if t.mechanism in (Mechanism.SCC_2021, Mechanism.BCR) and t.tia is None:
                yield _problem(
                    Severity.ERROR,
                    (*at, "tia"),
                    AccountabilityCode.TRANSFER_ASSESSMENT,
                    f"the transfer of '{pid}' to {t.country} on {t.mechanism} has no transfer "
                    "impact assessment",
                    TIA_SOURCE,
                )
            if t.mechanism is Mechanism.ADEQUACY and t.country not in ADEQUACY:
                yield _problem(
                    Severity.WARNING,
                    (*at, "mechanism"),
                    AccountabilityCode.ADEQUACY,
                    f"no adequacy decision for {t.country} is known to charte (list checked on "
                    f"{ADEQUACY_AS_OF}): "
                    "confirm the decision relied on",
                    t.source,
                )


def _balancing(p: Policy, as_of: date) -> Iterator[Problem]:
    for pid, purpose in p.purposes.items():
        subjects = dict.fromkeys(
            s
            for a in p.activities.values()
            if pid in a.purposes
            for s in a.subject_categories
            if purpose.basis_for(s) is LegalBasis.LEGITIMATE_INTEREST
        )
        tests = [t for t in p.balancing_tests if t.purpose == pid]
        missing = [s for s in subjects if not any(t.subjects is None or s in t.subjects for t in tests)]
        if missing:
            yield _problem(
                Severity.ERROR,
                ("purposes", pid),
                AccountabilityCode.BALANCING_TEST,
                f"purpose '{pid}' rests on legitimate interest for {', '.join(missing)} "
                "without a recorded balancing test",
                BALANCING_SOURCE,
            )
    for i, t in enumerate(p.balancing_tests):
        if t.review_due < as_of:
            yield _problem(
                Severity.ERROR,
                ("balancing_tests", i, "review_every"),
                AccountabilityCode.BALANCING_REVIEW,
                f"the balancing test of '{t.purpose}' (reviewed by {t.reviewed_by} on "
                f"{t.reviewed_on}) was due "
                f"for review on {t.review_due}",
                BALANCING_SOURCE,
            )


def _training(p: Policy) -> Iterator[Problem]:
    if p.training is None:
        yield _problem(
            Severity.WARNING,
            ("training",),
            AccountabilityCode.TRAINING,
            "no `training` section: staff read personal data whether or not they were trained",
            TRAINING_SOURCE,
        )
        return
    if p.training.exempt:
        yield _problem(
            Severity.NOTE,
            ("training", "exempt"),
            AccountabilityCode.TRAINING,
            f"reads under {', '.join(p.training.exempt)} go on when an actor's training has lapsed; "
            "each such actor is reported to the DPO",
            TRAINING_SOURCE,
        )


def lint_accountability(p: Policy, *, as_of: date) -> list[Problem]:
    return [*_processors(p, as_of), *_dpias(p, as_of), *_balancing(p, as_of), *_training(p)]
