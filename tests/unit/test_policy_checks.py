"""Rules a policy must obey to be enforceable: references resolve, the law holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charte.domain.durations import Duration
from charte.domain.policy import ErasureEffect, Inferred, Policy, SubjectBasis
from charte.domain.policy_checks import check_policy
from charte.domain.vocabulary import (
    Anchor,
    ContactKind,
    DocumentRequired,
    ErasureAction,
    IdentityMethod,
    InferenceFamily,
    InferenceTarget,
    LegalBasis,
    Objection,
    RecordingMode,
)


def codes(policy: Policy) -> list[str]:
    return [p.code for p in check_policy(policy)]


def with_purpose(policy: Policy, pid: str, **changes) -> Policy:
    return replace(policy, purposes={**policy.purposes, pid: replace(policy.purposes[pid], **changes)})


def with_retention(policy: Policy, rid: str, **changes) -> Policy:
    return replace(policy, retention={**policy.retention, rid: replace(policy.retention[rid], **changes)})


def test_the_minimal_fixture_and_the_shipped_policy_pass_every_check(minimal, shipped):
    """Both policies the suite builds on are valid, so failures elsewhere mean what they say."""
    assert check_policy(minimal) == []
    assert check_policy(shipped) == []


class TestObjection:
    @pytest.mark.parametrize("basis", [LegalBasis.LEGAL_OBLIGATION, LegalBasis.CONTRACT, LegalBasis.CONSENT])
    def test_objection_is_refused_on_bases_that_give_no_right_to_object(self, minimal, basis):
        """GDPR Art. 21(1): objection exists only against legitimate-interest or public-task processing."""
        policy = with_purpose(minimal, "rights_handling", legal_basis=basis, objection=Objection.GROUNDS)
        problems = check_policy(policy)
        assert [(p.code, p.path) for p in problems] == [
            ("objection_basis", ("purposes", "rights_handling", "objection"))
        ]
        assert "Art. 21(1)" in (problems[0].expected or "")

    @pytest.mark.parametrize(
        "basis", [LegalBasis.CONSENT, LegalBasis.LEGITIMATE_INTEREST, LegalBasis.CONTRACT]
    )
    def test_an_absolute_objection_to_direct_marketing_is_allowed_whatever_the_basis(self, minimal, basis):
        """GDPR Art. 21(2)-(3): the right to object to direct marketing holds whatever its basis —
        prospecting on consent (CPCE L34-5; loi 2025-594 for the phone) keeps its suppression list."""
        policy = with_purpose(minimal, "prospecting", legal_basis=basis, objection=Objection.ABSOLUTE)
        assert "objection_basis" not in codes(policy)

    def test_legitimate_interest_without_objection_is_refused(self, minimal):
        """GDPR Art. 21(1): a legitimate-interest purpose must let the subject object."""
        policy = with_purpose(minimal, "quality_monitoring", objection=Objection.NONE)
        assert "objection_basis" in codes(policy)


TAXONOMY = {
    "emotion": InferenceFamily.EMOTION_RECOGNITION,
    "sentiment": InferenceFamily.EMOTION_RECOGNITION,
    "stress": InferenceFamily.EMOTION_RECOGNITION,
    "satisfaction_from_voice": InferenceFamily.EMOTION_RECOGNITION,
    "topic": InferenceFamily.CONTENT,
}


def inferring(policy: Policy, what: str, *about: InferenceTarget) -> Policy:
    return with_purpose(
        replace(policy, inferences=TAXONOMY), "quality_monitoring", infers=(Inferred(what, about),)
    )


class TestInference:
    @pytest.mark.parametrize("what", ["emotion", "sentiment", "stress", "satisfaction_from_voice"])
    def test_inferring_staff_emotions_is_refused_whatever_the_policy_calls_it(self, minimal, what):
        """AI Act art. 5(1)(f), 3(39): emotion recognition of people at work, sentiment included."""
        problems = check_policy(
            inferring(minimal, what, InferenceTarget.STAFF, InferenceTarget.DATA_SUBJECTS)
        )
        assert [p.code for p in problems] == ["prohibited_inference"]
        assert "5(1)(f)" in (problems[0].expected or "")
        assert f"'{what}' is emotion recognition" in problems[0].message

    def test_inferring_topics_of_calls_is_allowed(self, minimal):
        """Only the prohibited practice is refused: topic analysis of calls is not emotion recognition."""
        assert check_policy(inferring(minimal, "topic", InferenceTarget.STAFF)) == []

    def test_an_inference_the_policy_does_not_classify_is_refused(self, minimal):
        """No inference escapes the AI Act's families by its name: each is declared in `inferences`."""
        problems = check_policy(inferring(minimal, "vibe", InferenceTarget.STAFF))
        assert [(p.code, p.path[-1]) for p in problems] == [("unknown_inference", "what")]


class TestRecordings:
    def test_recording_every_call_needs_a_cited_legal_requirement(self, minimal):
        """CNIL: no systematic recording unless a law requires it, whatever the purpose."""
        systematic = replace(minimal, recordings=replace(minimal.recordings, mode=RecordingMode.SYSTEMATIC))
        assert codes(systematic) == ["systematic_recording"]
        cited = replace(
            systematic, recordings=replace(systematic.recordings, legal_requirement="Code X art. 1")
        )
        assert check_policy(cited) == []

    def test_a_share_of_one_hundred_percent_is_systematic_recording(self, minimal):
        """Recording 100 % of calls under `partial` is still systematic recording."""
        policy = replace(minimal, recordings=replace(minimal.recordings, share=1.0))
        assert codes(policy) == ["systematic_recording"]

    def test_opposition_cannot_stop_a_purpose_that_allows_no_objection(self, minimal):
        """The seed: opposition stops the legitimate-interest uses, not the legal-obligation ones."""
        stops = ("quality_monitoring", "rights_handling")
        policy = replace(minimal, recordings=replace(minimal.recordings, opposition_stops=stops))
        assert codes(policy) == ["objection_basis"]

    def test_a_listener_needs_a_grant_to_the_audio(self, minimal):
        """The seed: recordings are for authorised people only; a listener without a grant is a gap."""
        agent = minimal.roles["agent"]
        grant = replace(agent.grants[0], fields=("last_name",))
        policy = replace(minimal, roles={"agent": replace(agent, grants=(grant,))})
        assert codes(policy) == ["listener_grant"]


class TestRetention:
    def test_keeping_data_despite_erasure_needs_an_article_17_3_ground(self, minimal):
        """The seed: erasure does not apply where rules oblige or authorise keeping — say which (17(3))."""
        policy = with_retention(
            minimal, "client", on_erasure_request=ErasureEffect(ErasureAction.KEEP_UNTIL_PURGE)
        )
        assert codes(policy) == ["erasure_ground"]

    def test_contacts_reset_only_a_clock_anchored_on_the_last_contact(self, minimal):
        """Which contacts reset the prospect clock is policy, and only for that anchor."""
        policy = with_retention(minimal, "client", contacts_reset_clock=(ContactKind.INBOUND,))
        assert codes(policy) == ["retention_anchor"]

    def test_an_archive_nobody_may_read_is_refused(self, minimal):
        """Archived client data stay readable by the roles with archive access (the access gate reads this)."""
        policy = replace(minimal, roles={"agent": replace(minimal.roles["agent"], archive_access=False)})
        assert codes(policy) == ["archive_access"]


class TestRights:
    def test_reply_deadline_and_extension_are_capped_by_the_gdpr(self, minimal):
        """GDPR Art. 12(3): one month, extendable by two further months."""
        rights = replace(
            minimal.rights, reply_within=Duration(months=1, days=1), extension_up_to=Duration(months=3)
        )
        assert codes(replace(minimal, rights=rights)) == ["rights_deadline", "rights_deadline"]

    def test_requiring_a_document_needs_documents_among_the_methods(self, minimal):
        """A policy that always asks an ID document must accept one."""
        iv = replace(minimal.rights.identity_verification, document_required=DocumentRequired.ALWAYS)
        assert codes(replace(minimal, rights=replace(minimal.rights, identity_verification=iv))) == [
            "identity_method"
        ]
        iv = replace(iv, methods=(IdentityMethod.DOCUMENT,))
        assert check_policy(replace(minimal, rights=replace(minimal.rights, identity_verification=iv))) == []


class TestReferences:
    def test_every_reference_names_what_was_declared(self, minimal):
        """Unknown ids are refused with the list of declared ones."""
        activity = replace(minimal.activities["contracts"], recipients=("agent", "ghost"))
        problems = check_policy(replace(minimal, activities={**minimal.activities, "contracts": activity}))
        assert [(p.path, p.found) for p in problems] == [
            (("activities", "contracts", "recipients", 1), "'ghost'")
        ]
        assert problems[0].expected == "one of the roles declared under 'roles' (agent)"

    def test_retention_references_must_resolve(self, minimal):
        """The audit log and the suppression list name retention rules that must exist."""
        rights = replace(minimal.rights, suppression_list_retention="nope")
        policy = replace(minimal, rights=rights, audit_retention="gone")
        assert [p.path for p in check_policy(policy)] == [
            ("rights", "suppression_list_retention"),
            ("audit", "retention"),
        ]

    def test_a_subject_category_outside_every_activity_is_refused(self, minimal):
        """GDPR Art. 30(1)(c): the register must name every category of data subjects."""
        activities = {"contracts": minimal.activities["contracts"]}
        assert codes(replace(minimal, activities=activities)) == ["register_coverage"]

    def test_an_anchor_change_alone_keeps_a_policy_valid(self, minimal):
        """Anchors are engine vocabulary: any of them may start any rule's clock."""
        assert check_policy(with_retention(minimal, "client", anchor=Anchor.ENTRY_DATE)) == []


def test_alarms_are_raised_by_declared_systems_and_dispatched_to_recipients_only(shipped):
    """GDPR Art. 4(9), 32(4): who may raise an alarm is named; a dispatch goes to a recipient."""
    alarms = shipped.alarms
    wrong = replace(shipped, alarms=replace(alarms, raised_by=("crm-typo",), dispatch_to=("legal",)))
    problems = {p.code: p for p in check_policy(wrong)}
    assert problems["unknown_system"].path == ("alarms", "raised_by", 0)
    assert problems["dispatch_to_staff"].path == ("alarms", "dispatch_to", 0)


def test_a_system_sends_only_event_types_that_exist(shipped):
    """docs/events.md: `sends` names event types or families (`litigation.*`)."""
    crm = replace(shipped.systems["crm"], sends=("contract.*", "contract.signd"))
    (problem,) = check_policy(replace(shipped, systems={**shipped.systems, "crm": crm}))
    assert (problem.code, problem.path) == ("unknown_event_type", ("systems", "crm", "sends", 1))
    assert shipped.refuses_feed("crm", "contract.signed") is None
    assert shipped.refuses_feed(None, "alarm.raised") is None  # the administrator's own import
    assert shipped.refuses_feed("monitoring", "contract.signed") is not None
    assert (
        shipped.refuses_feed("crm", "alarm.raised")
        == "system 'crm' may not raise alarms (policy: alarms.raised_by)"
    )


class TestBasesPerSubject:
    def test_the_contract_is_refused_as_the_basis_for_a_trusted_person_who_is_not_party_to_it(self, shipped):
        """EDPB Guidelines 2/2019 on Art. 6(1)(b): a contract to which the data subject is party."""
        bare = with_purpose(shipped, "alarm_handling", by_subject={})
        problems = [p for p in check_policy(bare) if p.code == "contract_basis"]
        assert [p.path for p in problems] == [("purposes", "alarm_handling", "legal_basis")]
        assert "'alarm_handling' rests on the contract for 'trusted_person'" in problems[0].message
        assert "EDPB Guidelines 2/2019" in (problems[0].expected or "")

    def test_the_shipped_policy_rests_alarm_handling_on_legitimate_interest_for_trusted_persons(
        self, shipped
    ):
        """Seed: « la base légale du traitement est l'intérêt légitime et ... »; Art. 21(1) follows."""
        alarm = shipped.purposes["alarm_handling"]
        assert (alarm.basis_for("client"), alarm.objection_for("client")) == (
            LegalBasis.CONTRACT,
            Objection.NONE,
        )
        assert (alarm.basis_for("trusted_person"), alarm.objection_for("trusted_person")) == (
            LegalBasis.LEGITIMATE_INTEREST,
            Objection.GROUNDS,
        )
        assert alarm.interest_for("trusted_person") is not None
        assert shipped.subject_categories["client"].party_to_contract
        assert not shipped.subject_categories["other_contact"].party_to_contract

    def test_a_basis_for_an_unknown_category_or_an_objection_it_does_not_allow_is_refused(self, shipped):
        """GDPR Art. 21(1): grounds only on legitimate interest or a public task."""
        wrong = SubjectBasis(LegalBasis.LEGAL_OBLIGATION, Objection.GROUNDS)
        policy = with_purpose(shipped, "alarm_handling", by_subject={"neighbour": wrong})
        found = {(p.code, p.path[-1]) for p in check_policy(policy)}
        assert ("unknown_subject", "neighbour") in found
        assert ("objection_basis", "objection") in found
