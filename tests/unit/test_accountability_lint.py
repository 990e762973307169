"""The controller's records, as of a date: what the law requires and no record shows (GDPR Art. 5(2))."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from charte.domain.accountability import (
    Consultation,
    Criterion,
    DpiaRecord,
    Mechanism,
    Risk,
    TransferOut,
)
from charte.domain.accountability_lint import evident_criteria, lint_accountability, screening
from charte.domain.durations import Duration
from charte.domain.policy import Policy
from charte.domain.policy_checks import check_policy
from charte.domain.problems import Problem, Severity, format_path

TODAY = date(2026, 12, 6)


def found(policy: Policy, as_of: date = TODAY) -> list[tuple[str, str, str]]:
    return [(str(p.severity), p.code, format_path(p.path)) for p in lint_accountability(policy, as_of=as_of)]


def errors(policy: Policy, as_of: date = TODAY) -> list[Problem]:
    return [p for p in lint_accountability(policy, as_of=as_of) if p.severity is Severity.ERROR]


def with_processor(policy: Policy, pid: str, **changes: object) -> Policy:
    return replace(policy, processors={**policy.processors, pid: replace(policy.processors[pid], **changes)})


def with_record(policy: Policy, aid: str, record: DpiaRecord) -> Policy:
    a = policy.activities[aid]
    assert a.dpia is not None
    return replace(
        policy, activities={**policy.activities, aid: replace(a, dpia=replace(a.dpia, record=record))}
    )


SIGNED = DpiaRecord(
    ref="AIPD-2026-01",
    carried_out_on=date(2026, 3, 1),
    review_every=Duration(years=3),
    residual_risk=Risk.MEDIUM,
    dpo_signed_on=date(2026, 3, 15),
)


class TestImpactAssessments:
    def test_the_shipped_policy_needs_a_dpia_for_the_monitoring_of_homes_and_the_recorded_calls(
        self, shipped
    ):
        """GDPR Art. 35(1); WP248 rev.01: two criteria or more. The charter shows no DPIA, so lint
        says so for each activity that needs one — and for no other."""
        required = sorted(format_path(p.path) for p in errors(shipped) if p.code == "dpia_required")
        assert required == [
            "activities.alarm_monitoring.dpia",
            "activities.call_recording.dpia",
            "activities.client_contracts.dpia",
        ]
        assert [p.code for p in errors(shipped)] == ["dpia_required"] * 3
        call = next(p for p in errors(shipped) if "call_recording" in format_path(p.path))
        assert "innovative_technology" in call.message
        assert "WP248" in (call.source or "")

    def test_recording_staff_makes_two_criteria_evident_whatever_the_screening_says(self, shipped):
        """WP248 criteria 3 and 7: recording employees is monitoring vulnerable persons; a screening
        that omits them is warned, and the DPIA stays required."""
        a = shipped.activities["call_recording"]
        assert set(evident_criteria(shipped, a)) == {Criterion.VULNERABLE, Criterion.SYSTEMATIC_MONITORING}
        assert a.dpia is not None
        silent = replace(
            shipped,
            activities={
                **shipped.activities,
                "call_recording": replace(a, dpia=replace(a.dpia, criteria={})),
            },
        )
        assert screening(silent, silent.activities["call_recording"])[1] is True
        omitted = [p for p in found(silent) if p[1] == "dpia_criterion"]
        assert {p[0] for p in omitted} == {"warning"}
        assert len(omitted) == 2

    def test_a_signed_dpia_within_its_review_turns_the_error_into_a_note(self, shipped):
        """GDPR Art. 35(1), 35(2): a DPIA carried out, with the DPO's signed advice."""
        done = with_record(shipped, "call_recording", SIGNED)
        assert ("note", "dpia_required", "activities.call_recording.dpia.record") in found(done)
        assert not [p for p in errors(done) if "call_recording" in format_path(p.path)]

    def test_an_unsigned_or_overdue_dpia_is_an_error(self, shipped):
        """GDPR Art. 35(2) (the DPO's advice), 35(11) (review)."""
        unsigned = with_record(shipped, "call_recording", replace(SIGNED, dpo_signed_on=None))
        assert ("error", "dpia_signature", "activities.call_recording.dpia.record.dpo_signed_on") in found(
            unsigned
        )
        signed = with_record(shipped, "call_recording", SIGNED)
        assert not [p for p in errors(signed, date(2029, 3, 1)) if p.code == "dpia_review"]
        assert ("error", "dpia_review", "activities.call_recording.dpia.record.review_every") in found(
            signed, date(2029, 3, 2)
        )

    def test_a_high_residual_risk_asks_for_the_cnil_s_prior_consultation(self, shipped):
        """GDPR Art. 36(1): consult the supervisory authority when the residual risk stays high."""
        high = with_record(shipped, "call_recording", replace(SIGNED, residual_risk=Risk.HIGH))
        assert (
            "error",
            "prior_consultation",
            "activities.call_recording.dpia.record.residual_risk",
        ) in found(high)
        consulted = with_record(
            shipped,
            "call_recording",
            replace(
                SIGNED,
                residual_risk=Risk.HIGH,
                prior_consultation=Consultation(date(2026, 4, 1), "CNIL-26-0412"),
            ),
        )
        assert (
            "note",
            "prior_consultation",
            "activities.call_recording.dpia.record.prior_consultation",
        ) in found(consulted)


class TestProcessors:
    def test_a_recipient_processing_on_the_controller_s_behalf_needs_a_processor_record(self, shipped):
        """GDPR Art. 28(3): a provider with no processor record naming it for the activity."""
        gone = replace(shipped, processors={k: v for k, v in shipped.processors.items() if k != "installers"})
        assert ("error", "processor_agreement", "activities.client_contracts.recipients[2]") in found(gone)
        # The prescriber is a third party, a controller of its own: no processor record is asked.
        assert not [p for p in found(shipped) if "recipients[6]" in p[2]]

    def test_a_processor_without_an_agreement_or_past_its_review_is_an_error(self, shipped):
        """GDPR Art. 28(3) (the contract), 24(1) (reviewed where necessary)."""
        bare = with_processor(shipped, "guarding", agreement=None)
        assert ("error", "processor_agreement", "processors.guarding") in found(bare)
        # Signed 2024-03-28, reviewed every 3 years: due 2027-03-28.
        assert not [p for p in errors(shipped, date(2027, 3, 28)) if p.code == "agreement_review"]
        late = [p for p in errors(shipped, date(2027, 3, 29)) if p.code == "agreement_review"]
        assert len(late) == 4
        assert "2027-03-28" in late[0].message

    def test_data_held_outside_the_eea_need_a_mechanism_and_clauses_need_an_assessment(self, shipped):
        """GDPR Art. 44; Schrems II and EDPB Recommendations 01/2020 for clauses and binding rules."""
        abroad = with_processor(shipped, "it_subcontractors", locations=("FR", "US"))
        assert ("error", "transfer_mechanism", "processors.it_subcontractors.locations[1]") in found(abroad)
        clauses = with_processor(
            shipped,
            "it_subcontractors",
            locations=("FR", "US"),
            transfers=(TransferOut("US", Mechanism.SCC_2021, module=3),),
        )
        assert [p[1] for p in found(clauses) if p[0] == "error" and "it_subcontractors" in p[2]] == [
            "transfer_assessment"
        ]
        assessed = with_processor(
            shipped,
            "it_subcontractors",
            locations=("FR", "US"),
            transfers=(TransferOut("US", Mechanism.SCC_2021, module=3, tia="TIA-2026-01"),),
        )
        assert not [p for p in found(assessed) if "it_subcontractors" in p[2]]

    def test_an_adequacy_decision_charte_does_not_know_is_a_warning_a_known_one_is_silent(self, shipped):
        """GDPR Art. 45(3): Japan has one (Decision (EU) 2019/419); no decision covers China."""
        japan = with_processor(
            shipped,
            "it_subcontractors",
            locations=("JP",),
            transfers=(TransferOut("JP", Mechanism.ADEQUACY),),
        )
        assert not [p for p in found(japan) if "it_subcontractors" in p[2]]
        china = with_processor(
            shipped,
            "it_subcontractors",
            locations=("CN",),
            transfers=(TransferOut("CN", Mechanism.ADEQUACY),),
        )
        assert (
            "warning",
            "adequacy_decision",
            "processors.it_subcontractors.transfers[0].mechanism",
        ) in found(china)

    def test_a_sub_processor_needs_the_controller_s_written_authorisation(self, shipped):
        """GDPR Art. 28(2)."""
        sub = with_processor(shipped, "guarding", sub_processor_of="intervention")
        assert ("error", "sub_processor_authorisation", "processors.guarding.authorised_on") in found(sub)
        assert not [
            p
            for p in found(
                replace(
                    sub,
                    processors={
                        **sub.processors,
                        "guarding": replace(sub.processors["guarding"], authorised_on=date(2024, 1, 5)),
                    },
                )
            )
            if p[1] == "sub_processor_authorisation"
        ]


class TestBalancingTests:
    def test_every_legitimate_interest_of_the_shipped_policy_has_its_balancing_test(self, shipped):
        """GDPR Art. 6(1)(f); EDPB Guidelines 1/2024: the trusted persons' alarm handling included."""
        assert not [p for p in errors(shipped) if p.code.startswith("balancing")]

    def test_a_legitimate_interest_without_its_test_is_an_error_naming_the_persons(self, shipped):
        """The trusted persons' basis differs from the clients' (EDPB Guidelines 2/2019): their own test."""
        kept = tuple(t for t in shipped.balancing_tests if t.purpose != "alarm_handling")
        (problem,) = [p for p in errors(replace(shipped, balancing_tests=kept)) if p.code == "balancing_test"]
        assert format_path(problem.path) == "purposes.alarm_handling"
        assert "trusted_person" in problem.message

    def test_a_balancing_test_past_its_review_is_an_error(self, shipped):
        """Reviewed 2024-03-28 every 3 years: due 2027-03-28."""
        assert not [p for p in errors(shipped, date(2027, 3, 28)) if p.code == "balancing_review"]
        assert len([p for p in errors(shipped, date(2027, 3, 29)) if p.code == "balancing_review"]) == len(
            shipped.balancing_tests
        )


def test_a_policy_without_training_is_warned_that_staff_read_untrained(shipped):
    """GDPR Art. 24(1), 39(1)(b): the charter promises trained staff."""
    assert ("warning", "training", "training") in found(replace(shipped, training=None))
    assert ("note", "training", "training.exempt") in found(shipped)


class TestChecks:
    def test_a_staff_role_or_a_third_party_is_no_processor(self, shipped):
        """GDPR Art. 4(8): a processor processes on the controller's behalf."""
        wrong = with_processor(shipped, "installers", recipients=("installer", "prescriber", "sales"))
        codes = [(p.code, format_path(p.path)) for p in check_policy(wrong)]
        assert ("not_a_processor", "processors.installers.recipients[1]") in codes
        assert ("not_a_processor", "processors.installers.recipients[2]") in codes

    def test_a_balancing_test_for_a_purpose_on_contract_is_refused(self, shipped):
        """GDPR Art. 6(1)(f): only a legitimate interest is weighed."""
        wrong = replace(
            shipped,
            balancing_tests=(replace(shipped.balancing_tests[0], purpose="rights_handling", subjects=None),),
        )
        assert ("balancing_without_interest", "balancing_tests[0].purpose") in [
            (p.code, format_path(p.path)) for p in check_policy(wrong)
        ]
