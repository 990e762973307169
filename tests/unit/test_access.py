"""The access gate decides from the shipped policy, field by field (GDPR Art. 5(1)(b)-(c))."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from charte.domain.access import AccessGate, Denial, ReadContext, Standing
from charte.domain.accountability import Trained
from charte.domain.errors import UnknownPurpose, UnknownRole
from charte.domain.policy import Access, ExclusiveUse, Grant, Role
from charte.domain.vocabulary import RoleKind

CLIENT = Standing("client", "C1", archived=False)
ENDED_CLIENT = Standing("client", "C0", archived=True)
TRUSTED = Standing("trusted_person", "S1", archived=False)
PROSPECT = Standing("prospect", None, archived=False)
RECORDING_FIELDS = {"call_audio", "call_number", "call_time", "call_transcript"}


@pytest.fixture(scope="module")
def gate(shipped):
    return AccessGate(shipped)


ALARM_ON_S1 = ReadContext("alarm_session", "1", frozenset({"S1", "C1"}))


def test_trusted_persons_are_read_by_the_station_for_alarms_and_by_the_dpo_for_rights_only(gate, shipped):
    """Seed: trusted persons' data serve the monitoring station; the DPO answers their requests."""
    operator = gate.decide("station_operator", "alarm_handling", [TRUSTED], context=ALARM_ON_S1)
    assert operator.allowed
    assert operator.fields == {"civility", "first_name", "last_name", "phone", "trusted_person_rank"}
    assert gate.decide("dpo", "rights_handling", [TRUSTED]).fields == set(
        shipped.subject_categories["trusted_person"].fields
    )
    for role in shipped.roles.values():
        for purpose in role.purposes:
            if (role.id, purpose) in {("station_operator", "alarm_handling"), ("dpo", "rights_handling")}:
                continue
            decision = gate.decide(role.id, purpose, [TRUSTED])
            assert not decision.allowed, (role.id, purpose)


def test_an_ended_contract_s_client_data_are_archived_for_legal_dpo_and_auditor_only(gate, shipped):
    """CNIL intermediate archive: after the contract ends, restricted access (policy: archive_access)."""
    refused = gate.decide("customer_service", "contract_management", [ENDED_CLIENT])
    assert (refused.allowed, refused.reason) == (False, Denial.ARCHIVED)
    assert "archived" in refused.explanation
    for role, purpose in [
        ("legal", "dispute_evidence"),
        ("dpo", "rights_handling"),
        ("auditor", "internal_audit"),
    ]:
        assert gate.decide(role, purpose, [ENDED_CLIENT]).allowed, role
    readers = {r.id for r in shipped.roles.values() if r.archive_access}
    assert readers == {"legal", "dpo", "auditor"}
    # The same person's active contract is still served as usual.
    both = gate.decide("customer_service", "contract_management", [ENDED_CLIENT, CLIENT])
    assert [s.standing for s in both.seen] == [CLIENT]


def test_providers_see_their_task_s_fields_and_never_trusted_persons_or_recordings(gate):
    """Seed recipients: installers, intervention and guarding providers get the data their task needs."""
    installer = gate.decide("installer", "installation", [CLIENT, TRUSTED])
    assert installer.fields == {"civility", "first_name", "last_name", "phone", "site_address", "equipment"}
    for role, purpose in [("intervention_provider", "intervention"), ("guarding_provider", "guarding")]:
        provider = gate.decide(role, purpose, [CLIENT, TRUSTED])
        assert provider.fields == {
            "civility", "first_name", "last_name", "phone", "site_address", "access_instructions",
        }  # fmt: skip
        assert [s.standing for s in provider.seen] == [CLIENT]
        assert gate.decide(role, purpose, [TRUSTED]).reason is Denial.PURPOSE_DATA
        assert not provider.fields & RECORDING_FIELDS


def test_the_prescriber_sees_subscription_data_only(gate):
    """Seed: the prescriber receives subscription data: contract ref, offer, start date, status."""
    prescriber = gate.decide("prescriber", "subscription_reporting", [CLIENT, PROSPECT, TRUSTED])
    assert prescriber.fields == {"contract_ref", "offer", "contract_start", "contract_status"}


def test_sales_never_see_trusted_persons_or_recordings(gate, shipped):
    """Seed: trusted persons' data serve the station only; recordings are for authorised listeners."""
    for purpose in shipped.roles["sales"].purposes:
        decision = gate.decide("sales", purpose, [TRUSTED, PROSPECT, CLIENT])
        assert all(s.standing.category != "trusted_person" for s in decision.seen)
        assert not decision.fields & RECORDING_FIELDS


def test_a_role_acting_outside_its_purposes_is_refused_with_the_reason(gate):
    """GDPR Art. 5(1)(b): a role acts only under the purposes its grants name."""
    refused = gate.decide("sales", "alarm_handling", [CLIENT])
    assert (refused.allowed, refused.reason) == (False, Denial.ROLE_PURPOSE)
    assert refused.explanation == "role 'sales' may not act under purpose 'alarm_handling'"
    assert refused.seen == ()


def test_unknown_roles_and_purposes_are_input_errors_naming_them(gate):
    """An unknown role or purpose is a clear error naming it."""
    with pytest.raises(UnknownRole, match=r"unknown role 'boss' \(the policy declares: auditor, "):
        gate.decide("boss", "alarm_handling", [CLIENT])
    with pytest.raises(UnknownPurpose, match="unknown purpose 'curiosity'"):
        gate.decide("dpo", "curiosity", [CLIENT])


def test_a_restricted_person_is_only_stored_save_for_the_policy_s_exceptions(gate):
    """GDPR Art. 18(2): storage, plus legal claims and the protection of others (alarm handling)."""
    refused = gate.decide("customer_service", "contract_management", [CLIENT], restricted=True)
    assert (refused.allowed, refused.reason) == (False, Denial.RESTRICTED)
    assert "Art. 18" in refused.explanation
    assert gate.decide(
        "station_operator", "alarm_handling", [CLIENT, TRUSTED], restricted=True, context=ALARM_ON_S1
    ).allowed
    assert gate.decide("legal", "dispute_evidence", [CLIENT], restricted=True).allowed
    assert gate.decide("dpo", "rights_handling", [CLIENT], restricted=True).allowed
    assert not gate.decide("sales", "prospecting", [PROSPECT], restricted=True).allowed
    assert not gate.decide("prescriber", "subscription_reporting", [CLIENT], restricted=True).allowed


def test_exclusivity_overrides_a_grant_that_would_let_another_role_read_trusted_persons(shipped):
    """A careless grant (`subjects` omitted: every category) cannot open trusted persons to others."""
    broad = Role(
        "helpdesk",
        RoleKind.STAFF,
        shipped.roles["sales"].label,
        (Grant(("contract_management",), None, None),),
    )
    policy = dataclasses.replace(shipped, roles={**shipped.roles, "helpdesk": broad})
    decision = AccessGate(policy).decide("helpdesk", "contract_management", [TRUSTED])
    assert (decision.allowed, decision.reason) == (False, Denial.EXCLUSIVE)
    assert AccessGate(policy).decide("helpdesk", "contract_management", [CLIENT]).allowed


def test_an_exclusivity_may_require_the_read_to_be_part_of_a_context(shipped):
    """The console issue narrows trusted persons to an open alarm session: the gate reads the context."""
    access = dataclasses.replace(
        shipped.access,
        exclusive={"trusted_person": (ExclusiveUse("station_operator", "alarm_handling", "alarm_session"),)},
    )
    gate = AccessGate(dataclasses.replace(shipped, access=access))
    outside = gate.decide("station_operator", "alarm_handling", [TRUSTED])
    assert (outside.allowed, outside.reason) == (False, Denial.CONTEXT)
    assert outside.explanation.endswith("only within an open alarm_session")
    inside = gate.decide(
        "station_operator",
        "alarm_handling",
        [TRUSTED],
        context=ReadContext("alarm_session", "A1", frozenset({"S1"})),
    )
    assert inside.allowed
    assert not gate.decide(
        "station_operator", "alarm_handling", [TRUSTED], context=ReadContext("rights_request", "R1")
    ).allowed


def test_the_station_sees_trusted_persons_only_inside_an_open_alarm_session_on_their_site(gate):
    """Trusted persons are shown to the operator only within the alarm's session."""
    outside = gate.decide("station_operator", "alarm_handling", [TRUSTED])
    assert (outside.allowed, outside.reason) == (False, Denial.CONTEXT)
    elsewhere = ReadContext("alarm_session", "2", frozenset({"S9", "C9"}))
    assert (
        gate.decide("station_operator", "alarm_handling", [TRUSTED], context=elsewhere).reason
        is Denial.CONTEXT
    )
    assert gate.decide("station_operator", "alarm_handling", [TRUSTED], context=ALARM_ON_S1).allowed


def test_a_site_s_access_instructions_reach_the_station_only_inside_an_alarm_on_that_site(gate):
    """The intervention instructions are shown inside the open session only."""
    outside = gate.decide("station_operator", "alarm_handling", [CLIENT])
    assert outside.allowed
    assert "access_instructions" not in outside.fields
    assert "site_address" in outside.fields
    elsewhere = ReadContext("alarm_session", "2", frozenset({"S9", "C9"}))
    assert (
        "access_instructions"
        not in gate.decide("station_operator", "alarm_handling", [CLIENT], context=elsewhere).fields
    )
    inside = gate.decide("station_operator", "alarm_handling", [CLIENT], context=ALARM_ON_S1)
    assert "access_instructions" in inside.fields
    # Other readers keep theirs: the DPO answering a request, a dispatched provider.
    assert "access_instructions" in gate.decide("dpo", "rights_handling", [CLIENT]).fields
    assert "access_instructions" in gate.decide("intervention_provider", "intervention", [CLIENT]).fields


def test_a_policy_without_an_access_section_denies_by_default(shipped):
    """Safe defaults: no restriction exception, nobody manages holds."""
    gate = AccessGate(dataclasses.replace(shipped, access=Access()))
    assert not gate.decide("station_operator", "alarm_handling", [CLIENT], restricted=True).allowed
    assert not gate.may_manage_holds("legal").allowed


def test_the_list_of_visible_categories_follows_the_same_rules(gate):
    """Lists apply the same grants and exclusivity as single reads."""
    assert gate.visible_categories("station_operator", "alarm_handling") == {"client"}  # no session
    assert gate.visible_categories("sales", "prospecting") == {"prospect"}
    assert gate.visible_categories("sales", "alarm_handling") == frozenset()


STANDINGS = [CLIENT, ENDED_CLIENT, TRUSTED, PROSPECT, Standing("other_contact", "C1", archived=False)]


def test_a_disclosure_carries_per_standing_only_what_both_the_discloser_and_the_recipient_see(gate, shipped):
    """GDPR Art. 29, 32(4): one passes on only what one may read oneself, to a declared recipient."""
    contexts = [None, ALARM_ON_S1]
    for role in shipped.roles.values():
        for purpose in role.purposes:
            for to in shipped.roles.values():
                for to_purpose in to.purposes:
                    for context in contexts:
                        for restricted in (False, True):
                            d = gate.decide_disclosure(role.id, purpose, to.id, to_purpose, STANDINGS,
                                                       restricted=restricted, context=context)  # fmt: skip
                            own = gate.decide(
                                role.id, purpose, STANDINGS, restricted=restricted, context=context
                            )
                            theirs = gate.decide(to.id, to_purpose, STANDINGS, restricted=restricted)
                            if not d.allowed:
                                continue
                            assert to.kind is not RoleKind.STAFF
                            for s in d.seen:
                                mine = {f for o in own.seen if o.standing == s.standing for f in o.fields}
                                given = {f for o in theirs.seen if o.standing == s.standing for f in o.fields}
                                assert s.fields, (role.id, purpose, to.id, s)
                                assert s.fields <= mine & given, (role.id, purpose, to.id, s)


def test_staff_are_never_recipients_and_the_discloser_is_judged_first(gate):
    """GDPR Art. 4(9): staff read under their own grants; a role that may not read learns nothing."""
    staff = gate.decide_disclosure("installer", "installation", "legal", "dispute_evidence", [CLIENT])
    assert (staff.allowed, staff.reason) == (False, Denial.NOT_A_RECIPIENT)
    blind = gate.decide_disclosure("sales", "prospecting", "legal", "dispute_evidence", [CLIENT])
    assert blind.reason is Denial.PURPOSE_DATA
    assert gate.recipients == {"installer", "intervention_provider", "guarding_provider", "it_subcontractor",
                               "prescriber"}  # fmt: skip


def test_an_operator_outside_an_alarm_session_passes_on_no_access_instruction(gate):
    """Seed: the intervention instructions serve the handling of an alarm, inside its session."""
    outside = gate.decide_disclosure("station_operator", "alarm_handling", "intervention_provider", "intervention",
                                     [CLIENT])  # fmt: skip
    assert outside.fields == {"civility", "first_name", "last_name", "phone", "site_address"}
    inside = gate.decide_disclosure("station_operator", "alarm_handling", "intervention_provider", "intervention",
                                    [CLIENT], context=ALARM_ON_S1)  # fmt: skip
    assert "access_instructions" in inside.fields
    nothing = gate.decide_disclosure(
        "installer", "installation", "prescriber", "subscription_reporting", [CLIENT]
    )
    assert nothing.reason is Denial.BEYOND_OWN_VIEW


class TestTraining:
    """GDPR Art. 24(1), 32(4); the charter's « formation de nos collaborateurs »."""

    def test_a_staff_account_with_a_lapsed_or_no_training_is_refused_before_anything_else(self, gate):
        today = date(2026, 12, 6)
        for trained in (Trained(None, today), Trained(date(2026, 12, 5), today)):
            refused = gate.decide("customer_service", "contract_management", [CLIENT], trained=trained)
            assert (refused.allowed, refused.reason) == (False, Denial.TRAINING)
            assert gate.check("dpo", "rights_handling", trained=trained).reason is Denial.TRAINING
            assert (
                gate.may_listen("trainer", "staff_training", objected=False, trained=trained).reason
                is Denial.TRAINING
            )
        current = Trained(date(2026, 12, 6), today)  # the last day it counts
        assert gate.decide("customer_service", "contract_management", [CLIENT], trained=current).allowed

    def test_alarm_handling_and_provider_roles_and_reads_without_an_account_are_not_refused(self, gate):
        """training.exempt (alarm handling); a provider's staff are its own to train (Art. 28(3)(b));
        ``None``: no account behind the read (the CLI's administrator, charte's own letters)."""
        lapsed = Trained(date(2025, 1, 1), date(2026, 12, 6))
        assert gate.decide("station_operator", "alarm_handling", [CLIENT], trained=lapsed).allowed
        assert gate.decide("installer", "installation", [CLIENT], trained=lapsed).allowed
        assert gate.decide("customer_service", "contract_management", [CLIENT], trained=None).allowed

    def test_a_policy_without_training_gates_nobody(self, shipped):
        ungated = AccessGate(dataclasses.replace(shipped, training=None))
        never = Trained(None, date(2026, 12, 6))
        assert ungated.decide("customer_service", "contract_management", [CLIENT], trained=never).allowed
