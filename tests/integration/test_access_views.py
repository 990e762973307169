"""What each reader is shown of a real register: hidden fields absent, on both engines."""

from __future__ import annotations

import pytest

from charte.domain.access import Denial, ReadContext
from charte.services.access import AccessDenied, Reader
from charte.services.queries import PersonFilter, list_persons, show_person
from tests.conftest import raw_person, restrict, run_import
from tests.feed import collected, contacted, designated, ended, person, signed

EVENTS = [
    signed("e0", "2018-03-01", "C0", person("P1", first_name="Ana", last_name="Roux"), site="S0"),
    ended("e1", "2022-03-01", "C0"),
    collected(
        "e2",
        "2025-01-10",
        person("P1", email="ana@example.org", phone="0612345678"),
        site={"ref": "S1", "address": "1 rue des Lilas"},
    ),
    contacted("e3", "2025-01-12", "P1"),
    signed("e4", "2025-02-01", "C1", person("P1", phone="0612345678"), access_instructions="code 4321"),
    designated("e5", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
]


ALARM_ON_S1 = ReadContext("alarm_session", "1", frozenset({"S1", "C1"}))


def view(app, ref: str, role: str, purpose: str, context: ReadContext | None = None) -> dict:
    reader = Reader(actor="test", role=role, purpose=purpose, context=context)
    return show_person(
        queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=reader, ref=ref
    )


def listed(app, role: str, purpose: str) -> list[dict]:
    reader = Reader(actor="test", role=role, purpose=purpose)
    page = list_persons(queries=app.register_queries(), gate=app.gate, auditor=app.auditor, reader=reader,
                        criteria=PersonFilter())  # fmt: skip
    return page["persons"]


@pytest.fixture
def loaded(app):
    assert run_import(app, EVENTS).errors == []
    return app


def test_customer_service_sees_the_live_contract_and_not_the_archived_one(loaded):
    """CNIL intermediate archive: the ended contract C0 is for legal, the DPO and audit only."""
    shown = view(loaded, "P1", "customer_service", "contract_management")
    assert [(r["role"], r["contract"]) for r in shown["roles"]] == [("client", "C1")]
    assert [c["ref"] for c in shown["contracts"]] == ["C1"]
    assert shown["contracts"][0]["status"] == "active"
    assert shown["sites"] == [{"ref": "S1", "fields": {"site_address": "1 rue des Lilas"}}]  # no alarm code
    assert shown["contact_log"] == []  # the prospect's contact history is the sales team's
    assert set(shown["fields"]) == {
        "first_name",
        "last_name",
        "email",
        "phone",
    }  # carried into the client role
    legal = view(loaded, "P1", "legal", "dispute_evidence")
    assert [c["ref"] for c in legal["contracts"]] == ["C0", "C1"]
    assert {c["ref"]: c["status"] for c in legal["contracts"]} == {"C0": "ended", "C1": "active"}


def test_a_provider_sent_on_an_alarm_sees_address_access_instructions_and_the_contact(loaded):
    """Seed recipients: intervention providers get the site, its access instructions and the contact; never trusted persons."""
    shown = view(loaded, "P1", "intervention_provider", "intervention")
    assert shown["fields"] == {"first_name": "Ana", "last_name": "Roux", "phone": "0612345678"}
    assert shown["sites"] == [
        {"ref": "S1", "fields": {"access_instructions": "code 4321", "site_address": "1 rue des Lilas"}}
    ]
    assert shown["contracts"] == []  # no subscription data: the keys are absent, not blank
    with pytest.raises(AccessDenied) as refused:
        view(loaded, "T1", "intervention_provider", "intervention")
    assert refused.value.reason is Denial.PURPOSE_DATA


def test_the_prescriber_gets_subscription_data_and_nothing_about_the_person(loaded):
    """Seed: « Vos données de souscription sont également transmises à votre prescripteur »; nothing more."""
    shown = view(loaded, "P1", "prescriber", "subscription_reporting")
    assert shown["fields"] == {}
    assert shown["contracts"] == [
        {"ref": "C1", "offer": "Essentiel", "signed_on": "2025-02-01", "status": "active"}
    ]
    assert shown["sites"] == []


def test_the_station_reads_trusted_persons_and_sales_never_do(loaded):
    """Seed: trusted persons' data are used by the monitoring station to handle alarms (inside an
    open alarm session on their site only)."""
    with pytest.raises(AccessDenied) as outside:
        view(loaded, "T1", "station_operator", "alarm_handling")
    assert outside.value.reason is Denial.CONTEXT
    shown = view(loaded, "T1", "station_operator", "alarm_handling", ALARM_ON_S1)
    assert shown["fields"] == {"first_name": "Luc", "phone": "0700000001"}
    assert shown["roles"][0]["rank"] == 1
    with pytest.raises(AccessDenied, match="role 'sales' may not act under purpose 'alarm_handling'"):
        view(loaded, "T1", "sales", "alarm_handling")
    with pytest.raises(AccessDenied) as refused:
        view(loaded, "T1", "sales", "prospecting")
    assert refused.value.reason is Denial.PURPOSE_DATA


def test_a_refused_role_cannot_probe_which_refs_exist(loaded):
    """A role that may not act under the purpose gets the same refusal for a known and an unknown ref."""
    with pytest.raises(AccessDenied):
        view(loaded, "NOPE", "sales", "alarm_handling")


def test_a_restricted_person_is_read_only_under_the_policy_s_exceptions(loaded):
    """GDPR Art. 18(2): storage, alarm handling (protection of others), legal claims."""
    restrict(loaded, "P1")
    with pytest.raises(AccessDenied) as refused:
        view(loaded, "P1", "customer_service", "contract_management")
    assert refused.value.reason is Denial.RESTRICTED
    shown = view(loaded, "P1", "station_operator", "alarm_handling")
    assert shown["restricted"] == {"since": "2026-11-26", "ground": "accuracy"}
    assert listed(loaded, "customer_service", "contract_management") == []
    assert [p["ref"] for p in listed(loaded, "station_operator", "alarm_handling")] == ["P1"]


def test_events_for_a_restricted_person_are_stored_and_never_fail_a_file(loaded):
    """Imports for a restricted person are stored, the flag stays."""
    restrict(loaded, "T1")
    report = run_import(
        loaded, [designated("e6", "2025-06-01", "S1", person("T1", phone="0799999999"), rank=2)]
    )
    assert (report.applied, report.errors) == (1, [])
    raw = raw_person(loaded, "T1")
    assert raw["restricted"] == {"since": "2026-11-26", "ground": "accuracy"}
    assert raw["fields"]["phone"] == "0799999999"


def test_lists_show_only_the_roles_the_reader_may_see(loaded):
    """GDPR Art. 5(1)(c): a list discloses refs and role kinds only to readers granted them."""
    assert (
        listed(loaded, "sales", "prospecting") == []
    )  # P1's prospect role ended when they signed; T1 is a trusted person
    assert listed(loaded, "station_operator", "alarm_handling") == [  # trusted persons: only in a session
        {"ref": "P1", "open_roles": ["client"]},
    ]


def test_lists_leave_out_persons_whose_only_contract_ended_except_for_archive_roles(app):
    """CNIL intermediate archive: a client whose contract ended is listed for legal, not for customer service."""
    run_import(app, [signed("x1", "2018-01-01", "C9", person("P9", last_name="Blanc"), site="S9"),
                     ended("x2", "2022-01-01", "C9")])  # fmt: skip

    def refs(role: str, purpose: str) -> list[str]:
        return [p["ref"] for p in listed(app, role, purpose)]

    assert refs("customer_service", "contract_management") == []
    assert refs("legal", "dispute_evidence") == ["P9"]


def test_every_key_of_a_role_goes_through_the_field_decision(loaded):
    """GDPR Art. 5(1)(c), 25(2): a value reaches a reader only if its field is granted, however
    deep it sits — the operator gets no contract ref, dates or provenance through ``roles[]``."""
    operator = view(loaded, "P1", "station_operator", "alarm_handling")
    (client,) = operator["roles"]
    assert client == {"role": "client", "site": None, "rank": None}  # site: site_address is granted
    assert "contract_ref" not in str(operator)
    assert "C1" not in str(operator)
    service = view(loaded, "P1", "customer_service", "contract_management")
    (client,) = service["roles"]
    assert (client["contract"], client["started_on"]) == ("C1", "2025-02-01")  # contract_ref, contract_start
    assert "source" not in client  # partner is not theirs
    trusted = view(loaded, "T1", "station_operator", "alarm_handling", context=ALARM_ON_S1)
    (designation,) = trusted["roles"]
    assert (designation["site"], designation["rank"]) == ("S1", 1)  # the standing, and the granted rank
