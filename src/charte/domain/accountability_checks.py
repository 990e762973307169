"""What ``policy check`` refuses in the accountability records: references that do not resolve,
a processor that is not one, a balancing test for a purpose that does not rest on legitimate
interest. Whether a record is missing or overdue on a date is lint's (``accountability_lint``)."""

from __future__ import annotations

from collections.abc import Iterator

from charte.domain.policy import Policy
from charte.domain.problems import KeyPath, Problem, unknown, unknown_refs
from charte.domain.vocabulary import LegalBasis, RoleKind

# A processor processes on the controller's behalf (Art. 4(8)): a provider or a subcontractor.
# Staff are the controller itself; a third party (the prescriber) is a controller of its own.
PROCESSOR_KINDS = frozenset({RoleKind.PROVIDER, RoleKind.SUBCONTRACTOR})


def _processors(p: Policy) -> Iterator[Problem]:
    for pid, x in p.processors.items():
        path: KeyPath = ("processors", pid)
        yield from unknown_refs((*path, "recipients"), x.recipients, p.roles, "role", "roles")
        yield from unknown_refs((*path, "activities"), x.activities, p.activities, "activity", "activities")
        for i, role in enumerate(x.recipients):
            found = p.roles.get(role)
            if found is not None and found.kind not in PROCESSOR_KINDS:
                yield Problem(
                    path=(*path, "recipients", i),
                    message=(
                        f"role '{role}' is {found.kind}, not a processor acting on the controller's behalf"
                    ),
                    found=str(found.kind),
                    expected="a role of kind provider or subcontractor (GDPR Art. 4(8), 28)",
                    code="not_a_processor",
                )
        if x.sub_processor_of is not None and (
            x.sub_processor_of not in p.processors or x.sub_processor_of == pid
        ):
            yield unknown(
                (*path, "sub_processor_of"), "processor", x.sub_processor_of, p.processors, "processors"
            )


def _balancing_tests(p: Policy) -> Iterator[Problem]:
    for i, test in enumerate(p.balancing_tests):
        path: KeyPath = ("balancing_tests", i)
        purpose = p.purposes.get(test.purpose)
        if purpose is None:
            yield unknown((*path, "purpose"), "purpose", test.purpose, p.purposes, "purposes")
            continue
        subjects = test.subjects or ()
        yield from unknown_refs(
            (*path, "subjects"), subjects, p.subject_categories, "subject category", "subject_categories"
        )
        on_interest = [
            s
            for s in (subjects or p.subject_categories)
            if purpose.basis_for(s) is LegalBasis.LEGITIMATE_INTEREST
        ]
        if not on_interest:
            yield Problem(
                path=(*path, "purpose"),
                message=f"purpose '{test.purpose}' does not rest on legitimate interest for these persons: "
                "a balancing test weighs nothing here",
                found=str(purpose.legal_basis),
                expected="a purpose on legitimate_interest (GDPR Art. 6(1)(f))",
                code="balancing_without_interest",
            )


def _training(p: Policy) -> Iterator[Problem]:
    if p.training is None:
        return
    yield from unknown_refs(("training", "exempt"), p.training.exempt, p.purposes, "purpose", "purposes")
    yield from unknown_refs(("training", "managed_by"), p.training.managed_by, p.roles, "role", "roles")


def check_accountability(p: Policy) -> Iterator[Problem]:
    yield from _processors(p)
    yield from _balancing_tests(p)
    yield from _training(p)
