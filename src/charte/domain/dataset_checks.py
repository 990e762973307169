"""What ``policy check`` refuses in an analysis dataset's declaration (docs/datasets.md).

A dataset serves a purpose of analysis only (the charter: « exclusivement » to improve the
services; GDPR Art. 5(1)(b)); it takes only what that needs (Art. 5(1)(c), 25(1)): never a direct
identifier as it is, never free text, never the secrets the policy encrypts (payment data, access
instructions) nor the fields an operator sees only inside an alarm, never the persons whose data
are exclusive to other uses (trusted persons: the station and the DPO only). It goes to staff who
may act under its purpose, and is kept by a retention rule of the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import prod

from charte.domain.datasets import (
    BUILT_IN_SOURCES,
    DEPARTEMENTS,
    MAX_CELLS,
    POPULATION_SUBJECT,
    REGIONS,
    Column,
    DatasetSpec,
    DifferentialPrivacy,
    Generaliser,
    KAnonymity,
    Population,
    Transform,
    band_domain,
)
from charte.domain.policy import Policy
from charte.domain.problems import KeyPath, Problem, unknown, unknown_refs
from charte.domain.vocabulary import RoleKind

# Built-in sources that name one person or one call: only a keyed pseudonym of them leaves.
IDENTIFYING_SOURCES = frozenset({"person", "call"})


def _problem(path: KeyPath, message: str, code: str, expected: str, found: str | None = None) -> Problem:
    return Problem(path=path, message=message, found=found, expected=expected, code=code)


def _purpose(p: Policy, spec: DatasetSpec, path: KeyPath) -> Iterator[Problem]:
    purpose = p.purposes.get(spec.purpose)
    if purpose is None:
        yield unknown((*path, "purpose"), "purpose", spec.purpose, p.purposes, "purposes")
        return
    if not purpose.analysis:
        yield _problem(
            (*path, "purpose"),
            f"purpose '{spec.purpose}' is not a purpose of analysis: a dataset serves analysis only",
            "not_analysis",
            "a purpose declared `analysis: true` (GDPR Art. 5(1)(b), 89(1))",
            found=spec.purpose,
        )
    subject = POPULATION_SUBJECT[spec.population]
    if subject is not None and not any(
        spec.purpose in a.purposes and subject in a.subject_categories for a in p.activities.values()
    ):
        yield _problem(
            (*path, "purpose"),
            f"no activity of the register processes {subject} data for '{spec.purpose}'",
            "purpose_not_for_subjects",
            f"an activity listing purpose '{spec.purpose}' and subject category '{subject}' (Art. 30(1))",
        )
    if spec.population is Population.CALLS and spec.purpose not in p.recordings.purposes:
        yield _problem(
            (*path, "purpose"),
            f"calls are not recorded for '{spec.purpose}'",
            "purpose_not_for_recordings",
            "one of recordings.purposes",
            found=spec.purpose,
        )
    if spec.include_restricted and spec.purpose not in {x.purpose for x in p.access.restriction_exceptions}:
        yield _problem(
            (*path, "include_restricted"),
            "restricted persons' data serve only the restriction's exceptions (GDPR Art. 18(2))",
            "restricted_included",
            f"'{spec.purpose}' listed in access.restriction_exceptions, or include_restricted: false",
        )


def _held(p: Policy, spec: DatasetSpec) -> tuple[frozenset[str], str]:
    """The fields the population's rows hold, and where the policy says so."""
    if spec.population is Population.CALLS:
        return frozenset(p.recordings.fields), "recordings.fields"
    subject = POPULATION_SUBJECT[spec.population] or ""
    found = p.subject_categories.get(subject)
    return frozenset(found.fields if found else ()), f"subject_categories.{subject}.fields"


def _recipients(p: Policy, spec: DatasetSpec, path: KeyPath) -> Iterator[Problem]:
    yield from unknown_refs((*path, "recipients"), spec.recipients, p.roles, "role", "roles")
    for i, rid in enumerate(spec.recipients):
        role = p.roles.get(rid)
        if role is None:
            continue
        if role.kind is not RoleKind.STAFF:
            yield _problem(
                (*path, "recipients", i),
                f"role '{rid}' is {role.kind}: an analysis dataset stays with the controller's staff",
                "dataset_outside",
                "a staff role (a disclosure outside is another act: charte disclosures)",
                found=str(role.kind),
            )
        elif spec.purpose not in role.purposes:
            yield _problem(
                (*path, "recipients", i),
                f"role '{rid}' may not act under purpose '{spec.purpose}'",
                "recipient_without_purpose",
                f"a role with a grant for '{spec.purpose}' (roles.{rid}.grants)",
            )


def _column(p: Policy, spec: DatasetSpec, c: Column, path: KeyPath) -> Iterator[Problem]:
    if c.transform is Transform.COUNT:
        return
    built_in = c.source in BUILT_IN_SOURCES[spec.population]
    if not built_in and c.source not in p.fields:
        names = sorted(BUILT_IN_SOURCES[spec.population]) + list(p.fields)
        yield unknown((*path, "source"), "field", c.source, names, "fields")
        return
    if c.transform is Transform.DROP:
        return
    subject = POPULATION_SUBJECT[spec.population]
    held, where = _held(p, spec)
    if not built_in and c.source not in held:
        yield _problem(
            (*path, "source"),
            f"{subject or 'call'} data do not include '{c.source}'",
            "field_not_held",
            f"one of {where}",
            found=c.source,
        )
    category = p.fields.get(c.source)
    bound = {f for b in p.access.context_bound_fields for f in b.fields}
    if category is not None and (p.data_categories[category].encrypted or c.source in bound):
        yield _problem(
            (*path, "source"),
            f"'{c.source}' is a secret the register encrypts or shows only in context: it never "
            "leaves for analysis",
            "dataset_secret",
            "another field (payment data and access instructions stay in the register: GDPR Art. 32)",
            found=c.source,
        )
    exclusive_only = [s.id for s in p.subject_categories.values() if c.source in s.fields] and all(
        s.id in p.access.exclusive for s in p.subject_categories.values() if c.source in s.fields
    )
    if not built_in and exclusive_only:
        yield _problem(
            (*path, "source"),
            f"'{c.source}' belongs to persons whose data serve other uses only (access.exclusive)",
            "exclusive_data",
            "a field of the population's own persons",
            found=c.source,
        )
    identifying = c.source in p.direct_identifiers or c.source in IDENTIFYING_SOURCES
    if c.transform is Transform.REDACT:
        if c.source not in p.free_text or spec.population is not Population.CALLS:
            yield _problem(
                (*path, "transform"),
                f"'{c.source}' is no transcript: redaction is for the free text of recorded calls",
                "redact_not_transcript",
                "a free_text field of the recordings (population: calls)",
                found="redact",
            )
        return
    if c.source in p.free_text:
        yield _problem(
            (*path, "transform"),
            f"'{c.source}' is free text (anyone may have written anything in it): it is dropped",
            "free_text",
            "transform: drop",
            found=str(c.generaliser or c.transform),
        )
    elif identifying and c.transform is Transform.KEEP:
        yield _problem(
            (*path, "transform"),
            f"'{c.source}' names a person on its own: a dataset never keeps it as it is",
            "direct_identifier_kept",
            "transform: pseudonym or drop"
            + (", or generalise: place" if c.source in p.direct_identifiers else ""),
            found="keep",
        )
    elif (
        identifying
        and c.transform is Transform.GENERALISE
        and (c.generaliser is not Generaliser.PLACE or c.source in IDENTIFYING_SOURCES)
    ):
        yield _problem(
            (*path, "generalise"),
            f"'{c.source}' names a person on its own: only an address generalises (to its "
            "département or region)",
            "direct_identifier_kept",
            "transform: pseudonym or drop",
            found=str(c.generaliser),
        )


def _k_anonymity(spec: DatasetSpec, model: KAnonymity, path: KeyPath) -> Iterator[Problem]:
    outputs = {c.name: c for c in spec.output}
    for i, name in enumerate(model.sensitive):
        c = outputs.get(name)
        if c is None or c.transform not in (Transform.KEEP, Transform.GENERALISE):
            yield _problem(
                (*path, "privacy", "sensitive", i),
                f"'{name}' is no kept or generalised column of the dataset",
                "unknown_column",
                "one of "
                + ", ".join(n for n, c in outputs.items() if c.transform is not Transform.PSEUDONYM),
                found=name,
            )
    for c in spec.columns:
        if c.transform is Transform.COUNT:
            yield _problem(
                (*path, "columns", c.name),
                "a count is a differentially private aggregate: a k-anonymous dataset has rows",
                "count_without_dp",
                "privacy: {model: differential_privacy, ...}, or no count column",
            )
    if not spec.quasi_identifiers:
        yield _problem(
            (*path, "columns"),
            "no kept or generalised column: k-anonymity has nothing to group by",
            "no_quasi_identifier",
            "at least one column kept or generalised",
        )


def cells(c: Column) -> tuple[str, ...] | None:
    """The public domain of a generalised column at its finest level, or ``None`` if it has none
    (a date's periods, a kept value): differential privacy releases every cell, empty or not."""
    if c.transform is not Transform.GENERALISE or not c.levels:
        return None
    g = c.generaliser
    if g is Generaliser.PLACE:
        return (*(DEPARTEMENTS if c.levels[0] == "departement" else REGIONS), "?")
    if g in (Generaliser.AGE, Generaliser.YEARS_SINCE):
        return (*band_domain(int(c.levels[0]), c.top), "?")
    if g is Generaliser.FAMILY:
        return (*dict.fromkeys(c.families.values()), "other", "?")
    return None


def _differential_privacy(spec: DatasetSpec, path: KeyPath) -> Iterator[Problem]:
    counts = [c for c in spec.columns if c.transform is Transform.COUNT]
    if len(counts) != 1:
        yield _problem(
            (*path, "columns"),
            f"a differentially private dataset has one count column, not {len(counts)}",
            "one_count",
            "one column `transform: count` (the persons in each cell)",
        )
    domains = []
    for c in spec.output:
        if c.transform is Transform.COUNT:
            continue
        domain = cells(c)
        if domain is None:
            yield _problem(
                (*path, "columns", c.name),
                f"column '{c.name}' has no public set of values: its cells would reveal who is there",
                "no_public_domain",
                "generalise: place, age_band, years_band or family (a count per cell, empty ones included)",
                found=str(c.generaliser or c.transform),
            )
            continue
        domains.append(len(domain))
    if prod(domains) > MAX_CELLS:
        yield _problem(
            (*path, "columns"),
            f"{prod(domains)} cells: the noise would drown every count",
            "too_many_cells",
            f"at most {MAX_CELLS} cells (coarser levels, fewer columns)",
        )


def check_datasets(p: Policy) -> Iterator[Problem]:
    for id_, spec in p.datasets.items():
        path: KeyPath = ("datasets", id_)
        yield from _purpose(p, spec, path)
        yield from _recipients(p, spec, path)
        if spec.retention not in p.retention:
            yield unknown((*path, "retention"), "retention rule", spec.retention, p.retention, "retention")
        for c in spec.columns:
            yield from _column(p, spec, c, (*path, "columns", c.name))
        if isinstance(spec.privacy, KAnonymity):
            yield from _k_anonymity(spec, spec.privacy, path)
        elif isinstance(spec.privacy, DifferentialPrivacy):
            yield from _differential_privacy(spec, path)
