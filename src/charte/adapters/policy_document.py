"""Plain policy data (as YAML gives it) -> frozen :class:`~charte.domain.policy.Policy`.

This is the structural half of validation: types, required and unknown keys, vocabularies,
ISO durations. Every problem is collected (none stops the reading) and the policy is built only
when there is none; cross-references and legal rules are checked afterwards, on the built
objects, by ``charte.domain.policy_checks``. Readers return a harmless default after recording
a problem, so one mistake does not hide the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from charte.adapters.policy_access import read_access
from charte.adapters.policy_accountability import (
    read_balancing_tests,
    read_dpia,
    read_processors,
    read_training,
)
from charte.adapters.policy_datasets import read_datasets
from charte.adapters.policy_litigation import read_litigation
from charte.adapters.policy_prospecting import read_prospecting
from charte.adapters.policy_reader import Reader, kind_of
from charte.domain import vocabulary as v
from charte.domain.policy import (
    DOCUMENT_MAX_BYTES,
    Activity,
    AlarmKind,
    Alarms,
    Assumption,
    Breaches,
    Controller,
    DataCategory,
    Dpo,
    ErasureEffect,
    Grant,
    IdentityVerification,
    Inferred,
    Policy,
    Purpose,
    Recordings,
    RetentionRule,
    Rights,
    Role,
    Search,
    SubjectBasis,
    SubjectCategory,
    SupervisoryAuthority,
    System,
)
from charte.domain.problems import KeyPath, ProblemList
from charte.domain.register import Role as RegisterRole

SUPPORTED_FORMAT = 1


# -- sections -------------------------------------------------------------------------------

_TOP = {
    "format",
    "id",
    "languages",
    "charter",
    "controller",
    "dpo",
    "supervisory_authority",
    "data_categories",
    "fields",
    "purposes",
    "retention",
    "subject_categories",
    "security_measures",
    "roles",
    "recordings",
    "litigation",
    "rights",
    "audit",
    "activities",
    "systems",
    "outbox",
}


def _controller(r: Reader, value: Any, path: KeyPath) -> Controller:
    d = r.section(value, path, required={"name", "activity", "contact"}, optional=frozenset({"parent"}))
    return Controller(
        name=r.text(d, "name", path),
        parent=r.optional_text(d, "parent", path),
        activity=r.localized(d.get("activity", {}), (*path, "activity")),
        contact=r.lines(d, "contact", path),
    )


def _dpo(r: Reader, value: Any, path: KeyPath) -> Dpo:
    d = r.section(value, path, required={"title", "level", "postal_address", "email"})
    email = r.text(d, "email", path)
    if email and "@" not in email:
        r.problems.add((*path, "email"), "not an email address", found=repr(email), expected="name@domain")
    return Dpo(
        title=r.localized(d.get("title", {}), (*path, "title")),
        level=r.text(d, "level", path),
        postal_address=r.lines(d, "postal_address", path),
        email=email,
    )


def _authority(r: Reader, value: Any, path: KeyPath) -> SupervisoryAuthority:
    d = r.section(value, path, required={"name", "full_name", "complaint_url", "postal_address"})
    return SupervisoryAuthority(
        name=r.text(d, "name", path),
        full_name=r.text(d, "full_name", path),
        complaint_url=r.text(d, "complaint_url", path),
        postal_address=r.lines(d, "postal_address", path),
    )


def _data_category(r: Reader, id_: str, value: Any, path: KeyPath) -> DataCategory:
    d = r.section(value, path, required={"label"}, optional=frozenset({"encrypted"}))
    return DataCategory(id_, r.localized(d.get("label", {}), (*path, "label")), r.flag(d, "encrypted", path))


def _purpose(r: Reader, id_: str, value: Any, path: KeyPath) -> Purpose:
    d = r.section(
        value,
        path,
        required={"label", "legal_basis", "objection"},
        optional=frozenset({"infers", "by_subject", "interest", "obligation", "analysis"}),
    )
    infers = []
    raw_infers = d.get("infers", [])
    if not isinstance(raw_infers, list):
        r.problems.add(
            (*path, "infers"), "wrong type", found=kind_of(raw_infers), expected="a list of {what, about}"
        )
        raw_infers = []
    for i, item in enumerate(raw_infers):
        ipath = (*path, "infers", i)
        di = r.section(item, ipath, required={"what", "about"})
        infers.append(Inferred(r.text(di, "what", ipath), r.choices(di, "about", ipath, v.InferenceTarget)))
    by_subject = {}
    bpath = (*path, "by_subject")
    raw_by_subject = d.get("by_subject", {})
    if not isinstance(raw_by_subject, dict):
        r.problems.add(
            bpath,
            "wrong type",
            found=kind_of(raw_by_subject),
            expected="subject_category: {legal_basis, objection}",
        )
        raw_by_subject = {}
    for category, body in raw_by_subject.items():
        spath = (*bpath, category)
        b = r.section(body, spath, required={"legal_basis", "objection"}, optional=frozenset({"interest"}))
        by_subject[category] = SubjectBasis(
            legal_basis=r.choice(b, "legal_basis", spath, v.LegalBasis),
            objection=r.choice(b, "objection", spath, v.Objection),
            interest=r.localized(b["interest"], (*spath, "interest")) if "interest" in b else None,
        )
    return Purpose(
        id=id_,
        label=r.localized(d.get("label", {}), (*path, "label")),
        legal_basis=r.choice(d, "legal_basis", path, v.LegalBasis),
        objection=r.choice(d, "objection", path, v.Objection),
        infers=tuple(infers),
        by_subject=by_subject,
        interest=r.localized(d["interest"], (*path, "interest")) if "interest" in d else None,
        obligation=r.optional_text(d, "obligation", path),
        analysis=r.flag(d, "analysis", path),
    )


def _inferences(r: Reader, value: Any, path: KeyPath) -> dict[str, v.InferenceFamily]:
    """``{inference: family}``: the policy's names for what its purposes infer, each with what the
    AI Act makes of it (``emotion_recognition``, ``worker_evaluation``, ``content``)."""
    if not isinstance(value, dict):
        r.problems.add(path, "wrong type", found=kind_of(value), expected="a mapping of inference: family")
        return {}
    return {str(k): r.choice(value, k, path, v.InferenceFamily) for k in value}


def _retention(r: Reader, id_: str, value: Any, path: KeyPath) -> RetentionRule:
    d = r.section(
        value,
        path,
        required={"anchor", "period", "on_erasure_request"},
        optional=frozenset({"contacts_reset_clock", "archive_after_anchor"}),
    )
    epath = (*path, "on_erasure_request")
    e = r.section(d.get("on_erasure_request", {}), epath, required={"action"}, optional=frozenset({"ground"}))
    ground = r.choice(e, "ground", epath, v.ErasureGround) if "ground" in e else None
    return RetentionRule(
        id=id_,
        anchor=r.choice(d, "anchor", path, v.Anchor),
        period=r.duration(d, "period", path),
        on_erasure_request=ErasureEffect(r.choice(e, "action", epath, v.ErasureAction), ground),
        contacts_reset_clock=r.choices(d, "contacts_reset_clock", path, v.ContactKind, allow_empty=True),
        archive_after_anchor=r.flag(d, "archive_after_anchor", path),
    )


def _subject(r: Reader, id_: str, value: Any, path: KeyPath) -> SubjectCategory:
    d = r.section(
        value,
        path,
        required={"label", "sources", "fields", "retention"},
        optional=frozenset({"party_to_contract", "staff"}),
    )
    return SubjectCategory(
        id=id_,
        label=r.localized(d.get("label", {}), (*path, "label")),
        sources=r.choices(d, "sources", path, v.SourceKind),
        fields=r.ids(d, "fields", path),
        retention=r.text(d, "retention", path),
        # The register's client is the one who signs (domain.register.Role.CLIENT): party to the
        # contract unless the policy says otherwise; every other category is not.
        party_to_contract=r.flag(d, "party_to_contract", path, default=id_ == RegisterRole.CLIENT.value),
        staff=r.flag(d, "staff", path),
    )


def _grant(r: Reader, value: Any, path: KeyPath) -> Grant:
    d = r.section(value, path, required={"purposes", "fields"}, optional=frozenset({"subjects"}))
    fields = None if d.get("fields") == "all" else r.ids(d, "fields", path)
    return Grant(
        purposes=r.ids(d, "purposes", path),
        subjects=r.ids(d, "subjects", path) if "subjects" in d else None,
        fields=fields,
    )


def _role(r: Reader, id_: str, value: Any, path: KeyPath) -> Role:
    d = r.section(
        value, path, required={"kind", "label", "grants"}, optional=frozenset({"archive_access", "contact"})
    )
    raw = d.get("grants", [])
    if not isinstance(raw, list) or not raw:
        r.problems.add(
            (*path, "grants"), "wrong type", found=kind_of(raw), expected="a non-empty list of grants"
        )
        raw = []
    return Role(
        id=id_,
        kind=r.choice(d, "kind", path, v.RoleKind),
        label=r.localized(d.get("label", {}), (*path, "label")),
        grants=tuple(_grant(r, g, (*path, "grants", i)) for i, g in enumerate(raw)),
        archive_access=r.flag(d, "archive_access", path),
        contact=r.optional_text(d, "contact", path),
    )


def _recordings(r: Reader, value: Any, path: KeyPath) -> Recordings:
    d = r.section(
        value,
        path,
        required={
            "mode",
            "live_double_listening",
            "purposes",
            "opposition_stops",
            "listeners",
            "fields",
            "retention",
        },
        optional=frozenset(
            {"share", "legal_requirement", "metadata_retention", "analysis_retention", "directions"}
        ),
    )
    share = d.get("share")
    if share is not None and (
        isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1
    ):
        r.problems.add(
            (*path, "share"),
            "not a share of calls",
            found=repr(share),
            expected="a number above 0 and at most 1",
        )
        share = None
    return Recordings(
        mode=r.choice(d, "mode", path, v.RecordingMode),
        share=float(share) if share is not None else None,
        legal_requirement=r.optional_text(d, "legal_requirement", path),
        live_double_listening=r.flag(d, "live_double_listening", path),
        purposes=r.ids(d, "purposes", path, allow_empty=True),
        opposition_stops=r.ids(d, "opposition_stops", path, allow_empty=True),
        listeners=r.ids(d, "listeners", path, allow_empty=True),
        fields=r.ids(d, "fields", path),
        retention=r.text(d, "retention", path),
        metadata_retention=r.optional_text(d, "metadata_retention", path),
        analysis_retention=r.optional_text(d, "analysis_retention", path),
        directions=(
            frozenset(r.choices(d, "directions", path, v.CallDirection))
            if "directions" in d
            else frozenset({v.CallDirection.INBOUND})
        ),
    )


def _rights(r: Reader, value: Any, path: KeyPath) -> Rights:
    d = r.section(
        value,
        path,
        required={
            "granted",
            "reply_within",
            "extension_up_to",
            "identity_request",
            "identity_answer_within",
            "submit_to",
            "channels",
            "identity_verification",
            "restriction_grounds",
            "portability_bases",
            "suppression_list_retention",
        },
        optional=frozenset({"purpose"}),
    )
    ipath = (*path, "identity_verification")
    i = r.section(
        d.get("identity_verification", {}),
        ipath,
        required={"methods", "document_required", "delete_document"},
        optional=frozenset({"contact_fields", "client_number_field", "document_max_bytes"}),
    )
    return Rights(
        granted=r.choices(d, "granted", path, v.Right),
        reply_within=r.duration(d, "reply_within", path),
        extension_up_to=r.duration(d, "extension_up_to", path),
        identity_request=r.choice(d, "identity_request", path, v.IdentityRequestEffect),
        identity_answer_within=r.duration(d, "identity_answer_within", path),
        submit_to=r.ids(d, "submit_to", path),
        channels=r.choices(d, "channels", path, v.Channel),
        identity_verification=IdentityVerification(
            methods=r.choices(i, "methods", ipath, v.IdentityMethod),
            document_required=r.choice(i, "document_required", ipath, v.DocumentRequired),
            delete_document=r.choice(i, "delete_document", ipath, v.DocumentDeletion),
            contact_fields=r.ids(i, "contact_fields", ipath),
            client_number_field=r.text(i, "client_number_field", ipath)
            if "client_number_field" in i
            else None,
            document_max_bytes=r.positive(i, "document_max_bytes", ipath, DOCUMENT_MAX_BYTES),
        ),
        restriction_grounds=r.choices(d, "restriction_grounds", path, v.RestrictionGround),
        portability_bases=r.choices(d, "portability_bases", path, v.LegalBasis),
        suppression_list_retention=r.text(d, "suppression_list_retention", path),
        purpose=r.text(d, "purpose", path) if "purpose" in d else None,
    )


def _activity(r: Reader, id_: str, value: Any, path: KeyPath) -> Activity:
    keys = (
        "purposes",
        "subject_categories",
        "data_categories",
        "recipients",
        "retention",
        "security_measures",
    )
    d = r.section(value, path, required={"name", *keys}, optional=frozenset({"dpia"}))
    lists = {k: r.ids(d, k, path) for k in keys}
    return Activity(
        id=id_,
        name=r.localized(d.get("name", {}), (*path, "name")),
        dpia=read_dpia(r, d.get("dpia"), (*path, "dpia")),
        **lists,
    )


def _system(r: Reader, id_: str, value: Any, path: KeyPath) -> System:
    d = r.section(value, path, required={"label", "holds"}, optional=frozenset({"sends"}))
    return System(
        id=id_,
        label=r.localized(d.get("label", {}), (*path, "label")),
        holds=r.ids(d, "holds", path),
        sends=r.ids(d, "sends", path) if "sends" in d else None,
    )


def _alarms(r: Reader, value: Any, path: KeyPath) -> Alarms | None:
    if value is None:
        return None
    d = r.section(
        value,
        path,
        required={"purpose", "dispatch_to", "kept_with", "raised_by"},
        optional=frozenset({"list_fields", "kinds"}),
    )
    kinds = d.get("kinds", {})
    return Alarms(
        purpose=r.text(d, "purpose", path),
        dispatch_to=r.ids(d, "dispatch_to", path, allow_empty=True),
        kept_with=r.text(d, "kept_with", path),
        raised_by=r.ids(d, "raised_by", path),
        list_fields=r.ids(d, "list_fields", path, allow_empty=True),
        kinds=r.each(d, "kinds", path, lambda _, body, at: _alarm_kind(r, body, at)) if kinds else {},
    )


def _breaches(r: Reader, value: Any, path: KeyPath) -> Breaches | None:
    if value is None:
        return None
    d = r.section(
        value,
        path,
        required={"handled_by", "keep_for"},
        optional=frozenset({"severe_categories", "many_persons", "codes_category"}),
    )
    return Breaches(
        handled_by=r.ids(d, "handled_by", path),
        keep_for=r.duration(d, "keep_for", path),
        severe_categories=r.ids(d, "severe_categories", path, allow_empty=True),
        many_persons=r.positive(d, "many_persons", path, 1000),
        codes_category=r.optional_text(d, "codes_category", path),
    )


def _search(r: Reader, value: Any, path: KeyPath) -> Search:
    if value is None:
        return Search()
    d = r.section(value, path, required=set(), optional=frozenset({"names", "contacts"}))
    return Search(
        names=r.ids(d, "names", path, allow_empty=True), contacts=r.ids(d, "contacts", path, allow_empty=True)
    )


def _alarm_kind(r: Reader, value: Any, path: KeyPath) -> AlarmKind:
    d = r.section(value, path, required={"label", "priority"})
    return AlarmKind(
        label=r.localized(d.get("label"), (*path, "label")), priority=r.positive(d, "priority", path, 1)
    )


def _languages(r: Reader, data: Mapping[str, Any]) -> tuple[v.Language, ...]:
    langs = r.choices(data, "languages", ("languages",), v.Language)
    return langs or (v.Language.FR,)


def read_policy(data: Any, assumptions: list[Assumption]) -> tuple[Policy | None, ProblemList]:
    """Build the policy from plain data, or return ``None`` with every structural problem."""
    r = Reader()
    root: KeyPath = ()
    d = r.section(
        data,
        root,
        required=_TOP,
        optional=frozenset(
            {
                "access",
                "alarms",
                "inferences",
                "search",
                "prospecting",
                "breaches",
                "processors",
                "balancing_tests",
                "training",
                "datasets",
                "transfers_outside_eu",
            }
        ),
    )
    if not d:
        return None, r.problems
    if "transfers_outside_eu" in d:
        # Transfers are computed from the processors' records (Art. 30(1)(e)): a statement of its
        # own would say what no record shows.
        r.problems.add(
            ("transfers_outside_eu",),
            "transfers outside the EEA are computed from the processors: declare each processor's "
            "locations and transfers under `processors` instead",
            found="transfers_outside_eu",
            expected="processors.<id>.locations, processors.<id>.transfers",
            code="moved_key",
        )
    fmt = d.get("format")
    if fmt != SUPPORTED_FORMAT:
        r.problems.add(
            ("format",), "unsupported policy format", found=repr(fmt), expected=str(SUPPORTED_FORMAT)
        )
    r.languages = _languages(r, d)
    charter = r.section(d.get("charter", {}), ("charter",), required={"title", "updated_on"})
    fields, field_labels = {}, {}
    direct, free_text = set(), set()
    for fid, cat in r.entries(d, "fields", root):
        if isinstance(cat, dict):  # {category, label: {fr, en}}: the field named in letters
            fd = r.section(
                cat,
                ("fields", fid),
                required={"category", "label"},
                optional=frozenset({"direct_identifier", "free_text"}),
            )
            field_labels[fid] = r.localized(fd.get("label", {}), ("fields", fid, "label"))
            if r.flag(fd, "direct_identifier", ("fields", fid)):
                direct.add(fid)
            if r.flag(fd, "free_text", ("fields", fid)):
                free_text.add(fid)
            cat = fd.get("category", "")
        if not isinstance(cat, str):
            r.problems.add(
                ("fields", fid),
                "wrong type",
                found=kind_of(cat),
                expected="the id of a data category, or {category, label}",
            )
        fields[fid] = str(cat)
    audit = r.section(
        d.get("audit", {}), ("audit",), required={"retention"}, optional=frozenset({"spool_for"})
    )
    policy = Policy(
        id=r.text(d, "id", root),
        format=SUPPORTED_FORMAT,
        languages=r.languages,
        title=r.localized(charter.get("title", {}), ("charter", "title")),
        updated_on=r.day(charter, "updated_on", ("charter",)),
        controller=_controller(r, d.get("controller", {}), ("controller",)),
        dpo=_dpo(r, d.get("dpo", {}), ("dpo",)),
        supervisory_authority=_authority(r, d.get("supervisory_authority", {}), ("supervisory_authority",)),
        data_categories=r.each(d, "data_categories", root, lambda i, b, p: _data_category(r, i, b, p)),
        fields=fields,
        field_labels=field_labels,
        inferences=_inferences(r, d.get("inferences", {}), ("inferences",)),
        purposes=r.each(d, "purposes", root, lambda i, b, p: _purpose(r, i, b, p)),
        retention=r.each(d, "retention", root, lambda i, b, p: _retention(r, i, b, p)),
        subject_categories=r.each(d, "subject_categories", root, lambda i, b, p: _subject(r, i, b, p)),
        security_measures=r.each(d, "security_measures", root, lambda i, b, p: r.localized(b, p)),
        roles=r.each(d, "roles", root, lambda i, b, p: _role(r, i, b, p)),
        recordings=_recordings(r, d.get("recordings", {}), ("recordings",)),
        litigation=read_litigation(r, d.get("litigation", {}), ("litigation",)),
        rights=_rights(r, d.get("rights", {}), ("rights",)),
        audit_retention=r.text(audit, "retention", ("audit",)),
        audit_spool_for=r.ids(audit, "spool_for", ("audit",), allow_empty=True),
        activities=r.each(d, "activities", root, lambda i, b, p: _activity(r, i, b, p)),
        systems=r.each(d, "systems", root, lambda i, b, p: _system(r, i, b, p)),
        acknowledge_within=r.duration(
            r.section(d.get("outbox", {}), ("outbox",), required={"acknowledge_within"}),
            "acknowledge_within",
            ("outbox",),
        ),
        access=read_access(r, d.get("access"), ("access",)),
        search=_search(r, d.get("search"), ("search",)),
        alarms=_alarms(r, d.get("alarms"), ("alarms",)),
        prospecting=read_prospecting(r, d.get("prospecting"), ("prospecting",)),
        breaches=_breaches(r, d.get("breaches"), ("breaches",)),
        processors=read_processors(r, d.get("processors"), ("processors",)),
        balancing_tests=read_balancing_tests(r, d.get("balancing_tests"), ("balancing_tests",)),
        training=read_training(r, d.get("training"), ("training",)),
        direct_identifiers=frozenset(direct),
        free_text=frozenset(free_text),
        datasets=read_datasets(r, d.get("datasets"), ("datasets",)),
        assumptions=tuple(assumptions),
    )
    return (None if r.problems else policy), r.problems
