"""Compliance notes: where a charter is looser or stricter than GDPR/CNIL, with sources."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from charte.domain.durations import Duration
from charte.domain.policy import Policy
from charte.domain.policy_lint import lint_policy
from charte.domain.problems import Severity
from charte.domain.vocabulary import CallDirection, ContactKind, IdentityRequestEffect, LegalBasis

TODAY = date(2026, 11, 26)


def findings(policy: Policy, as_of: date = TODAY) -> dict[str, Severity]:
    return {p.code: p.severity for p in lint_policy(policy, as_of=as_of) if p.code != "assumption"}


def with_retention(policy: Policy, rid: str, **changes) -> Policy:
    return replace(policy, retention={**policy.retention, rid: replace(policy.retention[rid], **changes)})


class TestShippedPolicy:
    def test_the_shipped_policy_gets_the_notes_the_issue_lists(self, shipped):
        """Prospects stricter than CNIL, opposition list, ID documents, archive, any-channel receipt."""
        found = findings(shipped)
        assert found["prospect_retention"] is Severity.NOTE  # 2 years < CNIL's 3: stricter, fine
        assert found["opposition_list"] is Severity.NOTE  # charter silent, policy adds 3 years
        assert found["identity_document"] is Severity.WARNING  # GDPR Art. 12(6)
        assert found["intermediate_archive"] is Severity.NOTE  # charter silent, policy archives
        assert found["rights_any_channel"] is Severity.NOTE  # GDPR Art. 12(3)

    def test_every_assumption_of_the_shipped_policy_is_listed(self, shipped):
        """Values the seed does not state are marked `assumption: true` and `policy lint` lists them."""
        listed = [p for p in lint_policy(shipped, as_of=TODAY) if p.code == "assumption"]
        assert len(listed) == len(shipped.assumptions) >= 10
        assert all(p.message.startswith("assumption: ") and " — " in p.message for p in listed)

    def test_every_finding_cites_a_source(self, shipped):
        """Each note comes with its source, so the DPO can answer the CNIL."""
        assert all(p.source for p in lint_policy(shipped, as_of=TODAY))


class TestRules:
    def test_prospects_kept_longer_than_the_cnil_allows_is_a_warning(self, minimal):
        """CNIL référentiel: prospects at most 3 years from the last contact."""
        policy = with_retention(minimal, "prospect", period=Duration(years=3, months=1))
        assert findings(policy)["prospect_retention"] is Severity.WARNING

    def test_outbound_contacts_resetting_the_prospect_clock_is_a_warning(self, minimal):
        """CNIL: only contacts coming from the prospect count as "dernier contact"."""
        policy = with_retention(minimal, "prospect", contacts_reset_clock=(ContactKind.OUTBOUND,))
        assert findings(policy)["prospect_last_contact"] is Severity.WARNING

    def test_an_opposition_list_kept_under_three_years_is_a_warning(self, minimal):
        """CNIL: keep what is needed to honour an objection to prospecting at least 3 years."""
        policy = with_retention(minimal, "opposition_list", period=Duration(years=2))
        assert findings(policy)["opposition_list"] is Severity.WARNING

    def test_contract_data_without_an_intermediate_archive_is_a_warning(self, minimal):
        """CNIL: evidence kept after the contract belongs in an intermediate archive."""
        policy = with_retention(minimal, "client", archive_after_anchor=False)
        assert findings(policy)["intermediate_archive"] is Severity.WARNING

    def test_recordings_kept_beyond_six_months_is_a_warning(self, minimal):
        """CNIL: call recordings at most 6 months."""
        policy = with_retention(minimal, "recording", period=Duration(months=7))
        assert findings(policy)["recording_retention"] is Severity.WARNING

    def test_access_logs_outside_six_months_to_a_year_is_a_warning(self, minimal):
        """CNIL délibération 2021-122: logs kept 6 months to 1 year unless justified."""
        assert findings(with_retention(minimal, "audit_log", period=Duration(months=3)))["audit_retention"]
        assert findings(with_retention(minimal, "audit_log", period=Duration(years=2)))["audit_retention"]
        assert "audit_retention" not in findings(minimal)

    def test_a_legitimate_interest_recording_use_that_opposition_does_not_stop_is_a_warning(self, minimal):
        """GDPR Art. 21(1): objection stops legitimate-interest processing unless compelling grounds."""
        policy = replace(minimal, recordings=replace(minimal.recordings, opposition_stops=()))
        assert findings(policy)["recording_objection"] is Severity.WARNING

    def test_rights_left_out_of_the_charter_are_a_warning(self, minimal):
        """The GDPR grants the rights whatever the charter lists."""
        policy = replace(minimal, rights=replace(minimal.rights, granted=minimal.rights.granted[:3]))
        assert findings(policy)["rights_missing"] is Severity.WARNING

    def test_restarting_the_reply_month_when_identity_is_asked_is_a_warning_citing_the_decree(self, shipped):
        """Décret n° 2019-536 (ex-décret 2005-1309 art. 92): the Art. 12(3) periods are suspended while
        the information asked to identify the requester is awaited, not started again."""
        assert "identity_clock" not in findings(shipped)  # the shipped policy pauses
        restarting = replace(
            shipped, rights=replace(shipped.rights, identity_request=IdentityRequestEffect.RESTART)
        )
        (warning,) = [x for x in lint_policy(restarting, as_of=TODAY) if x.code == "identity_clock"]
        assert warning.severity is Severity.WARNING
        assert warning.path == ("rights", "identity_request")
        assert "décret n° 2019-536" in warning.source
        assert "2005-1309 art. 92" in warning.source


class TestPhoneProspecting:
    def test_prospecting_on_legitimate_interest_is_flagged_once_consent_is_the_law(self, minimal):
        """Loi 2025-594: phone canvassing needs prior consent from 11 August 2026."""
        assert "phone_prospecting_consent" not in findings(minimal, as_of=date(2026, 8, 10))
        assert findings(minimal, as_of=date(2026, 8, 11))["phone_prospecting_consent"] is Severity.WARNING

    def test_prospecting_on_consent_is_not_flagged(self, minimal):
        """A prospecting purpose based on consent already meets the 2026 rule."""
        purpose = replace(minimal.purposes["prospecting"], legal_basis=LegalBasis.CONSENT)
        policy = replace(minimal, purposes={**minimal.purposes, "prospecting": purpose})
        assert "phone_prospecting_consent" not in findings(policy)


class TestRecourseWindows:
    def test_the_shipped_windows_keep_every_hold_as_long_as_french_procedure(self, shipped):
        """CPC 538, 612, 643-644; CPP 498, 505, 568, 801; CJA R421-7: no window ends early."""
        assert [p for p in lint_policy(shipped, as_of=TODAY) if p.code == "recourse_window"] == []

    def test_a_window_shorter_than_the_law_is_a_warning_naming_the_day_it_would_lose(self, minimal):
        """A hold released early erases what may still be appealed: calendar days for CPP 568's
        clear days, no procureur général route (CPP 505), no distance before administrative courts."""
        found = {p.path[-2:]: p for p in lint_policy(minimal, as_of=TODAY) if p.code == "recourse_window"}
        assert sorted(found) == [
            ("administrative", "appeal"),
            ("administrative", "cassation"),
            ("criminal", "appeal"),
            ("criminal", "cassation"),
        ]
        cassation = found[("criminal", "cassation")]
        assert cassation.severity is Severity.WARNING
        assert "pronounced on 2026-11-18" in cassation.message
        assert "end on 2026-11-23, but the recourse stays open until 2026-11-24" in cassation.message
        assert cassation.source == "Code de procédure pénale art. 568"


def test_recording_outbound_calls_is_a_note_that_the_persons_called_must_be_told(shipped):
    """GDPR Art. 13: a trusted person called during an alarm is told the call is recorded."""
    assert "recording_outbound" not in findings(shipped)
    both = replace(shipped, recordings=replace(shipped.recordings, directions=frozenset(CallDirection)))
    assert findings(both)["recording_outbound"] is Severity.NOTE


def test_a_legal_obligation_names_its_law_and_sapin_ii_is_told_its_limits(shipped):
    """GDPR Art. 6(3); loi Sapin II art. 17: corruption only, 500 employees and 100 M€ turnover."""
    found = {p.code: p for p in lint_policy(shipped, as_of=TODAY)}
    assert "obligation_source" not in found  # every shipped obligation names its law
    sapin = found["sapin_ii_scope"]
    assert sapin.path == ("purposes", "fraud_control", "obligation")
    assert "500 employees" in sapin.message
    assert "not fraud in general" in sapin.message
    unnamed = replace(shipped, purposes={**shipped.purposes, "fraud_control": replace(
        shipped.purposes["fraud_control"], obligation=None)})  # fmt: skip
    assert findings(unnamed)["obligation_source"] is Severity.NOTE


def test_recorded_staff_are_data_subjects_of_the_recordings_with_the_labour_code_s_duties(shipped, minimal):
    """GDPR Art. 30(1)(c); Code du travail L1222-4 (each employee told), L2312-38 (the CSE consulted)."""
    assert "recorded_staff" in shipped.activities["call_recording"].subject_categories
    note = next(p for p in lint_policy(shipped, as_of=TODAY) if p.code == "recording_staff")
    assert (note.severity, note.path) == (Severity.NOTE, ("subject_categories", "recorded_staff", "staff"))
    assert "L1222-4" in note.source
    assert "L2312-38" in note.source
    assert findings(minimal)["recording_staff"] is Severity.WARNING  # no staff category listed


def test_emotion_recognition_of_callers_and_scoring_staff_are_high_risk_with_their_duties(shipped):
    """AI Act Annex III 1(c) with art. 50(3) (the persons told), Annex III 4(b) with art. 26(7)."""
    from charte.domain.policy import Inferred
    from charte.domain.vocabulary import InferenceTarget

    purpose = replace(shipped.purposes["quality_monitoring"], infers=(
        Inferred("satisfaction_from_voice", (InferenceTarget.DATA_SUBJECTS,)),
        Inferred("performance_score", (InferenceTarget.STAFF,)),
    ))  # fmt: skip
    found = {p.code: p for p in lint_policy(replace(shipped, purposes={**shipped.purposes,
             "quality_monitoring": purpose}), as_of=TODAY)}  # fmt: skip
    assert found["emotion_recognition"].severity is Severity.WARNING
    assert "art. 50(3)" in found["emotion_recognition"].source
    assert found["worker_evaluation"].severity is Severity.WARNING
    assert "Annex III 4(b)" in found["worker_evaluation"].source
    assert "emotion_recognition" not in findings(shipped)  # the shipped purposes infer nothing
