"""Rules a policy must obey to be enforceable: references resolve, and the law is not broken.

Each check returns problems whose key path points at the offending YAML key, so that the
reader can give its line. Checks run on a structurally valid policy only (see
``charte.adapters.policy_document``), which keeps one mistake from cascading into many.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from charte.domain.accountability_checks import check_accountability
from charte.domain.dataset_checks import check_datasets
from charte.domain.durations import Duration
from charte.domain.policy import Policy
from charte.domain.problems import KeyPath, Problem
from charte.domain.problems import unknown as _unknown
from charte.domain.problems import unknown_refs as _refs
from charte.domain.prospecting_checks import check_prospecting
from charte.domain.register import ALARM_KIND, EVENT_TYPES
from charte.domain.vocabulary import (
    OBJECTABLE_BASES,
    Anchor,
    DocumentRequired,
    ErasureAction,
    IdentityMethod,
    InferenceFamily,
    InferenceTarget,
    LegalBasis,
    Objection,
    RoleKind,
)

# GDPR Art. 12(3): one month to answer, extendable by two further months.
MAX_REPLY = Duration(months=1)
MAX_EXTENSION = Duration(months=2)


def _references(p: Policy) -> Iterator[Problem]:
    for fid, cat in p.fields.items():
        if cat not in p.data_categories:
            yield _unknown(("fields", fid), "data category", cat, p.data_categories, "data_categories")
    path: KeyPath
    for sid, s in p.subject_categories.items():
        path = ("subject_categories", sid)
        yield from _refs((*path, "fields"), s.fields, p.fields, "field", "fields")
        if s.retention not in p.retention:
            yield _unknown((*path, "retention"), "retention rule", s.retention, p.retention, "retention")
    for rid, role in p.roles.items():
        for g, grant in enumerate(role.grants):
            path = ("roles", rid, "grants", g)
            yield from _refs((*path, "purposes"), grant.purposes, p.purposes, "purpose", "purposes")
            yield from _refs(
                (*path, "subjects"),
                grant.subjects or (),
                p.subject_categories,
                "subject category",
                "subject_categories",
            )
            yield from _refs((*path, "fields"), grant.fields or (), p.fields, "field", "fields")
    rec = p.recordings
    yield from _refs(("recordings", "purposes"), rec.purposes, p.purposes, "purpose", "purposes")
    yield from _refs(("recordings", "listeners"), rec.listeners, p.roles, "role", "roles")
    yield from _refs(("recordings", "fields"), rec.fields, p.fields, "field", "fields")
    for key in ("retention", "metadata_retention", "analysis_retention"):
        rule = getattr(rec, key)
        if rule is not None and rule not in p.retention:
            yield _unknown(("recordings", key), "retention rule", rule, p.retention, "retention")
    yield from _refs(("rights", "submit_to"), p.rights.submit_to, p.roles, "role", "roles")
    if p.rights.suppression_list_retention not in p.retention:
        yield _unknown(
            ("rights", "suppression_list_retention"),
            "retention rule",
            p.rights.suppression_list_retention,
            p.retention,
            "retention",
        )
    if p.audit_retention not in p.retention:
        yield _unknown(("audit", "retention"), "retention rule", p.audit_retention, p.retention, "retention")
    yield from _refs(("audit", "spool_for"), p.audit_spool_for, p.purposes, "purpose", "purposes")
    types = (*EVENT_TYPES, *sorted({t.split(".", 1)[0] + ".*" for t in EVENT_TYPES}))
    for sid, system in p.systems.items():
        yield from _refs(
            ("systems", sid, "holds"), system.holds, p.data_categories, "data category", "data_categories"
        )
        yield from _refs(("systems", sid, "sends"), system.sends or (), types, "event type", "docs/events.md")
    for aid, a in p.activities.items():
        path = ("activities", aid)
        yield from _refs((*path, "purposes"), a.purposes, p.purposes, "purpose", "purposes")
        yield from _refs(
            (*path, "subject_categories"),
            a.subject_categories,
            p.subject_categories,
            "subject category",
            "subject_categories",
        )
        yield from _refs(
            (*path, "data_categories"),
            a.data_categories,
            p.data_categories,
            "data category",
            "data_categories",
        )
        yield from _refs((*path, "recipients"), a.recipients, p.roles, "role", "roles")
        yield from _refs((*path, "retention"), a.retention, p.retention, "retention rule", "retention")
        yield from _refs(
            (*path, "security_measures"),
            a.security_measures,
            p.security_measures,
            "security measure",
            "security_measures",
        )


def _purposes(p: Policy) -> Iterator[Problem]:
    for pid, purpose in p.purposes.items():
        path = ("purposes", pid)
        # Art. 21(1) (objection on grounds) is open only on legitimate interest or a public task;
        # Art. 21(2)-(3) (direct marketing, absolute) whatever the basis — consent included, which
        # can besides be withdrawn at any time (Art. 7(3)).
        if purpose.objection is Objection.GROUNDS and purpose.legal_basis not in OBJECTABLE_BASES:
            yield Problem(
                path=(*path, "objection"),
                message=f"objection on grounds allowed on a purpose based on {purpose.legal_basis.value}",
                found=f"objection: {purpose.objection.value}",
                expected="objection: none, or absolute for direct marketing — GDPR Art. 21(1) gives a "
                "right to object on grounds only to processing on legitimate interest or a public task; "
                "Art. 21(2) one to direct marketing whatever its basis",
                code="objection_basis",
            )
        if purpose.objection is Objection.NONE and purpose.legal_basis is LegalBasis.LEGITIMATE_INTEREST:
            yield Problem(
                path=(*path, "objection"),
                message="no objection possible on a legitimate-interest purpose",
                found="objection: none",
                expected="objection: grounds (GDPR Art. 21(1)) or absolute (direct marketing, Art. 21(2))",
                code="objection_basis",
            )
        for i, inferred in enumerate(purpose.infers):
            family = p.inferences.get(inferred.what)
            if family is None:
                yield Problem(
                    path=(*path, "infers", i, "what"),
                    message=f"unknown inference '{inferred.what}'",
                    expected="one of the policy's inferences: "
                    + (", ".join(sorted(p.inferences)) or "none declared")
                    + " (inferences: {name: emotion_recognition | worker_evaluation | content})",
                    code="unknown_inference",
                )
            elif family is InferenceFamily.EMOTION_RECOGNITION and InferenceTarget.STAFF in inferred.about:
                # Whatever the policy calls it — sentiment, stress, mood, satisfaction from the voice.
                yield Problem(
                    path=(*path, "infers", i),
                    message=f"inferring the emotions of staff is prohibited ('{inferred.what}' is emotion "
                    "recognition)",
                    found=f"what: {inferred.what}, about: staff",
                    expected="no emotion inference about people at work (AI Act art. 5(1)(f), "
                    "applicable since 2 February 2025)",
                    code="prohibited_inference",
                )


def _bases(p: Policy) -> Iterator[Problem]:
    """Each purpose's basis per category of data subjects it touches (through the activities)."""
    for pid, purpose in p.purposes.items():
        for sid in purpose.by_subject:
            if sid not in p.subject_categories:
                yield Problem(
                    path=("purposes", pid, "by_subject", sid),
                    message=f"unknown subject category '{sid}'",
                    expected="one of " + ", ".join(sorted(p.subject_categories)),
                    code="unknown_subject",
                )
            own = purpose.by_subject[sid]
            if own.objection is Objection.GROUNDS and own.legal_basis not in OBJECTABLE_BASES:
                yield Problem(
                    path=("purposes", pid, "by_subject", sid, "objection"),
                    message=f"objection on grounds allowed on a basis of {own.legal_basis.value}",
                    expected="objection: none — GDPR Art. 21(1)",
                    code="objection_basis",
                )
            if own.objection is Objection.NONE and own.legal_basis is LegalBasis.LEGITIMATE_INTEREST:
                yield Problem(
                    path=("purposes", pid, "by_subject", sid, "objection"),
                    message="no objection possible on a legitimate-interest basis",
                    expected="objection: grounds (GDPR Art. 21(1))",
                    code="objection_basis",
                )
    seen: set[tuple[str, str]] = set()
    for activity in p.activities.values():
        for pid in activity.purposes:
            served = p.purposes.get(pid)
            for sid in activity.subject_categories:
                category = p.subject_categories.get(sid)
                if served is None or category is None or (pid, sid) in seen:
                    continue
                seen.add((pid, sid))
                if served.basis_for(sid) is LegalBasis.CONTRACT and not category.party_to_contract:
                    yield Problem(
                        path=("purposes", pid, "legal_basis"),
                        message=f"'{pid}' rests on the contract for '{sid}', who is not party to it "
                        f"(activity '{activity.id}')",
                        found=f"legal_basis: contract; subject_categories.{sid}.party_to_contract: false",
                        expected=f"by_subject: {{{sid}: {{legal_basis: legitimate_interest, objection: "
                        "grounds, interest: ...}} — Art. 6(1)(b) covers only a contract to which the "
                        "data subject is party (EDPB Guidelines 2/2019)",
                        code="contract_basis",
                    )


def _retention(p: Policy) -> Iterator[Problem]:
    for rid, rule in p.retention.items():
        path = ("retention", rid)
        effect = rule.on_erasure_request
        if effect.action is ErasureAction.KEEP_UNTIL_PURGE and effect.ground is None:
            yield Problem(
                path=(*path, "on_erasure_request", "ground"),
                message="keeping data despite an erasure request needs a ground",
                expected="ground: legal_obligation (GDPR Art. 17(3)(b)) or legal_claims (17(3)(e))",
                code="erasure_ground",
            )
        if effect.action is ErasureAction.ERASE and effect.ground is not None:
            yield Problem(
                path=(*path, "on_erasure_request", "ground"),
                message="a ground is given but the data are erased",
                found=f"ground: {effect.ground.value}",
                expected="no ground with action: erase",
                code="erasure_ground",
            )
        if rule.contacts_reset_clock and rule.anchor is not Anchor.COLLECTION_OR_LAST_CONTACT:
            yield Problem(
                path=(*path, "contacts_reset_clock"),
                message="contacts can only reset a clock anchored on the last contact",
                found=f"anchor: {rule.anchor.value}",
                expected=f"anchor: {Anchor.COLLECTION_OR_LAST_CONTACT.value}",
                code="retention_anchor",
            )
        if rule.archive_after_anchor and not any(r.archive_access for r in p.roles.values()):
            yield Problem(
                path=(*path, "archive_after_anchor"),
                message="data are archived but no role may read the archive",
                expected="archive_access: true on the roles that may (e.g. legal, dpo)",
                code="archive_access",
            )


def _grants_field(p: Policy, role_id: str, field: str, purposes: Collection[str]) -> bool:
    return any(
        (g.fields is None or field in g.fields) and set(g.purposes) & set(purposes)
        for g in p.roles[role_id].grants
    )


def _recordings(p: Policy) -> Iterator[Problem]:
    rec = p.recordings
    if rec.systematic and not rec.legal_requirement:
        yield Problem(
            path=("recordings", "mode"),
            message="every call recorded without a cited legal requirement",
            found=f"mode: {rec.mode.value}" + (f", share: {rec.share:g}" if rec.share else ""),
            expected="a partial share of calls, or legal_requirement naming the text that requires "
            "recording every call (CNIL: no systematic recording unless a law requires it)",
            code="systematic_recording",
        )
    for i, pid in enumerate(rec.opposition_stops):
        path = ("recordings", "opposition_stops", i)
        if pid not in rec.purposes:
            yield Problem(
                path=path,
                message=f"'{pid}' is not a purpose of the recordings",
                found=repr(pid),
                expected="one of recordings.purposes",
                code="unknown_purpose",
            )
        elif pid in p.purposes and p.purposes[pid].objection is Objection.NONE:
            yield Problem(
                path=path,
                message=f"opposition cannot stop '{pid}': the purpose allows no objection",
                found=f"purposes.{pid}.objection: none",
                expected="objection: grounds or absolute",
                code="objection_basis",
            )
    audio = rec.fields[0] if rec.fields else None
    for i, rid in enumerate(rec.listeners):
        if audio and rid in p.roles and not _grants_field(p, rid, audio, rec.purposes):
            yield Problem(
                path=("recordings", "listeners", i),
                message=f"role '{rid}' listens to recordings but no grant lets it see '{audio}'",
                expected=f"a grant of '{rid}' with field '{audio}' under a recording purpose",
                code="listener_grant",
            )


def _rights(p: Policy) -> Iterator[Problem]:
    r = p.rights
    if r.reply_within.exceeds(MAX_REPLY):
        yield Problem(
            path=("rights", "reply_within"),
            message="reply deadline longer than the law allows",
            found=str(r.reply_within),
            expected="at most P1M (GDPR Art. 12(3))",
            code="rights_deadline",
        )
    if r.extension_up_to.exceeds(MAX_EXTENSION):
        yield Problem(
            path=("rights", "extension_up_to"),
            message="extension longer than the law allows",
            found=str(r.extension_up_to),
            expected="at most P2M (GDPR Art. 12(3))",
            code="rights_deadline",
        )
    iv = r.identity_verification
    if iv.document_required is DocumentRequired.ALWAYS and IdentityMethod.DOCUMENT not in iv.methods:
        yield Problem(
            path=("rights", "identity_verification", "methods"),
            message="an identity document is always required but is not an accepted method",
            found=", ".join(m.value for m in iv.methods),
            expected="methods including document",
            code="identity_method",
        )
    if r.purpose is not None and r.purpose not in p.purposes:
        yield _unknown(("rights", "purpose"), "purpose", r.purpose, p.purposes, "purposes")
    yield from _refs(
        ("rights", "identity_verification", "contact_fields"), iv.contact_fields, p.fields, "field", "fields"
    )
    if iv.client_number_field is not None and iv.client_number_field not in p.fields:
        yield _unknown(("rights", "identity_verification", "client_number_field"), "field",
                       iv.client_number_field, p.fields, "fields")  # fmt: skip


def _coverage(p: Policy) -> Iterator[Problem]:
    covered = {s for a in p.activities.values() for s in a.subject_categories}
    for sid in p.subject_categories:
        if sid not in covered:
            yield Problem(
                path=("subject_categories", sid),
                message=f"subject category '{sid}' appears in no processing activity",
                expected="listed in some activities.*.subject_categories (GDPR Art. 30(1)(c))",
                code="register_coverage",
            )


def _access(p: Policy) -> Iterator[Problem]:
    a, path = p.access, ("access",)
    for i, e in enumerate(a.restriction_exceptions):
        if e.purpose not in p.purposes:
            yield _unknown(
                (*path, "restriction_exceptions", i, "purpose"), "purpose", e.purpose, p.purposes, "purposes"
            )
    for category, uses in a.exclusive.items():
        cpath = (*path, "exclusive", category)
        if category not in p.subject_categories:
            yield _unknown(cpath, "subject category", category, p.subject_categories, "subject_categories")
        for i, use in enumerate(uses):
            if use.role not in p.roles:
                yield _unknown((*cpath, i, "role"), "role", use.role, p.roles, "roles")
            elif use.purpose not in p.purposes:
                yield _unknown((*cpath, i, "purpose"), "purpose", use.purpose, p.purposes, "purposes")
            elif not any(
                use.purpose in g.purposes and (g.subjects is None or category in g.subjects)
                for g in p.roles[use.role].grants
            ):
                # An exclusive use no grant allows would leave the data readable by nobody for it.
                yield Problem(
                    path=(*cpath, i),
                    message=f"role '{use.role}' has no grant on '{category}' for purpose '{use.purpose}'",
                    expected=f"a grant of roles.{use.role} covering that subject category and purpose",
                    code="exclusive_without_grant",
                )
    yield from _refs((*path, "holds_managed_by"), a.holds_managed_by, p.roles, "role", "roles")
    for i, b in enumerate(a.context_bound_fields):
        bpath = (*path, "context_bound_fields", i)
        if b.role not in p.roles:
            yield _unknown((*bpath, "role"), "role", b.role, p.roles, "roles")
        elif b.purpose not in p.roles[b.role].purposes:
            declared = p.roles[b.role].purposes
            yield _unknown((*bpath, "purpose"), "purpose", b.purpose, declared, f"roles.{b.role}")
        yield from _refs((*bpath, "fields"), b.fields, p.fields, "field", "fields")


def _alarms(p: Policy) -> Iterator[Problem]:
    a, path = p.alarms, ("alarms",)
    if a is None:
        return
    if a.purpose not in p.purposes:
        yield _unknown((*path, "purpose"), "purpose", a.purpose, p.purposes, "purposes")
    yield from _refs((*path, "dispatch_to"), a.dispatch_to, p.roles, "role", "roles")
    yield from _refs((*path, "raised_by"), a.raised_by, p.systems, "system", "systems")
    yield from _refs((*path, "list_fields"), a.list_fields, p.fields, "field", "fields")
    for i, name in enumerate(a.list_fields):
        if name in p.fields and name in p.encrypted_fields:
            # A sealed value (an alarm code) belongs inside the session that needs it, not on a list.
            yield Problem(
                path=(*path, "list_fields", i),
                message=f"'{name}' is an encrypted field: the waiting list never shows one",
                expected="a field whose data category is not encrypted",
                code="alarm_list_encrypted",
            )
    for kind in a.kinds:
        if not ALARM_KIND.fullmatch(kind):
            yield Problem(
                path=(*path, "kinds", kind),
                message=f"'{kind}' is not a kind the monitoring software can send",
                expected="1 to 32 letters, digits, '_' or '-'",
                code="alarm_kind",
            )
    for i, role in enumerate(a.dispatch_to):
        if role in p.roles and p.roles[role].kind is RoleKind.STAFF:
            # A dispatch is a disclosure, and staff are no recipients (GDPR Art. 4(9)).
            yield Problem(
                path=(*path, "dispatch_to", i),
                message=f"'{role}' is a staff role: alarms are dispatched to providers, not to staff",
                expected="a role of kind provider, subcontractor or third_party",
                code="dispatch_to_staff",
            )
    category = p.subject_categories.get(a.kept_with)
    if category is None:
        yield _unknown((*path, "kept_with"), "subject category", a.kept_with, p.subject_categories,
                       "subject_categories")  # fmt: skip
    elif p.retention[category.retention].anchor != "contract_end":
        # Sessions are stored with their site's contract and leave with it: only a category kept
        # per contract can carry them.
        yield Problem(
            path=(*path, "kept_with"),
            message=f"'{a.kept_with}' is not kept per contract (its rule's anchor is not contract_end)",
            expected="a subject category whose retention rule is anchored on contract_end",
            code="alarms_not_per_contract",
        )


def _search(p: Policy) -> Iterator[Problem]:
    for part in ("names", "contacts"):
        for i, name in enumerate(getattr(p.search, part)):
            path: KeyPath = ("search", part, i)
            if name not in p.fields:
                yield _unknown(path, "field", name, p.fields, "fields")
            elif name in p.encrypted_fields:
                # The index keeps each searched value folded in clear: a sealed value must not be.
                yield Problem(
                    path=path,
                    message=f"'{name}' is an encrypted field: the person search never indexes one",
                    expected="a field whose data category is not encrypted",
                    code="search_encrypted",
                )


def _breaches(p: Policy) -> Iterator[Problem]:
    b = p.breaches
    if b is None:
        return
    for i, role in enumerate(b.handled_by):
        if role not in p.roles:
            yield _unknown(("breaches", "handled_by", i), "role", role, p.roles, "roles")
    for i, category in enumerate(b.severe_categories):
        if category not in p.data_categories:
            yield _unknown(
                ("breaches", "severe_categories", i),
                "data category",
                category,
                p.data_categories,
                "data_categories",
            )
    if b.codes_category is not None and b.codes_category not in p.data_categories:
        yield _unknown(
            ("breaches", "codes_category"),
            "data category",
            b.codes_category,
            p.data_categories,
            "data_categories",
        )


def check_policy(policy: Policy) -> list[Problem]:
    """Every semantic problem of a structurally valid policy, in file order of sections."""
    checks = (
        _references,
        _purposes,
        _bases,
        _retention,
        _recordings,
        _rights,
        _access,
        _alarms,
        _search,
        check_prospecting,
        _breaches,
        check_accountability,
        check_datasets,
        _coverage,
    )
    return [problem for check in checks for problem in check(policy)]
