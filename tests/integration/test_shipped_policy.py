"""The shipped policy encodes the seed charter faithfully; each test quotes the clause it checks."""

from __future__ import annotations

from charte.domain.durations import Duration
from charte.domain.vocabulary import (
    Anchor,
    DocumentRequired,
    ErasureAction,
    IdentityMethod,
    LegalBasis,
    Objection,
    RecordingMode,
    Right,
    RoleKind,
    SourceKind,
)

REQUIRED_PURPOSES = {
    "contract_management", "alarm_handling", "prospecting", "service_improvement", "staff_training",
    "quality_monitoring", "dispute_evidence", "staff_protection", "ai_experiments", "rights_handling",
    "fraud_control", "installation", "intervention", "guarding", "it_maintenance", "subscription_reporting",
    "internal_audit", "opposition_management", "security_logging",
}  # fmt: skip
REQUIRED_ROLES = {
    "station_operator": RoleKind.STAFF, "customer_service": RoleKind.STAFF, "sales": RoleKind.STAFF,
    "quality_reviewer": RoleKind.STAFF, "trainer": RoleKind.STAFF, "recording_analyst": RoleKind.STAFF,
    "legal": RoleKind.STAFF, "dpo": RoleKind.STAFF, "it_admin": RoleKind.STAFF, "auditor": RoleKind.STAFF,
    "installer": RoleKind.PROVIDER, "intervention_provider": RoleKind.PROVIDER,
    "guarding_provider": RoleKind.PROVIDER, "it_subcontractor": RoleKind.SUBCONTRACTOR,
    "prescriber": RoleKind.THIRD_PARTY,
}  # fmt: skip


def test_every_purpose_and_role_the_engine_relies_on_is_declared(shipped):
    """The purpose and role ids later issues use all exist, with the seed's recipient kinds."""
    assert set(shipped.purposes) >= REQUIRED_PURPOSES
    assert {rid: shipped.roles[rid].kind for rid in REQUIRED_ROLES} == REQUIRED_ROLES


def test_client_data_are_kept_for_the_contract_and_five_years_after(shipped):
    """Seed: « durant toute la durée de votre contrat et pendant les 5 années suivant la fin du contrat »."""
    rule = shipped.retention[shipped.subject_categories["client"].retention]
    assert (rule.anchor, rule.period) == (Anchor.CONTRACT_END, Duration(years=5))


def test_prospects_are_kept_two_years_from_collection_or_last_contact(shipped):
    """Seed: « durée maximale de deux ans à compter de leur collecte ou à compter du dernier contact »."""
    rule = shipped.retention[shipped.subject_categories["prospect"].retention]
    assert (rule.anchor, rule.period) == (Anchor.COLLECTION_OR_LAST_CONTACT, Duration(years=2))
    assert rule.on_erasure_request.action is ErasureAction.ERASE


def test_trusted_persons_are_kept_only_while_designated(shipped):
    """Seed: « conservées que pour le temps où vous êtes désigné comme personne de confiance »."""
    rule = shipped.retention[shipped.subject_categories["trusted_person"].retention]
    assert (rule.anchor, rule.period) == (Anchor.LAST_DAY_DESIGNATED, Duration())


def test_other_contacts_follow_the_contract_they_contacted_us_about(shipped):
    """Seed: « durant toute la durée du contrat concerné par notre échange et pendant les 5 années »."""
    rule = shipped.retention[shipped.subject_categories["other_contact"].retention]
    assert (rule.anchor, rule.period) == (Anchor.CONTRACT_END, Duration(years=5))


def test_recordings_are_kept_six_months_from_the_call(shipped):
    """Seed: « Ils sont conservés pour une durée de six mois, sauf en cas de contentieux »."""
    rule = shipped.retention[shipped.recordings.retention]
    assert (rule.anchor, rule.period) == (Anchor.CALL_DATE, Duration(months=6))
    assert shipped.litigation.recourse_windows  # "jusqu'à l'expiration des voies de recours"


def test_sources_are_those_the_seed_names_per_category(shipped):
    """Seed: clients from them or the partner; prospects also from a referring client; trusted persons
    from the client who designates them."""
    sources = {sid: set(s.sources) for sid, s in shipped.subject_categories.items()}
    assert sources["client"] == {SourceKind.SUBJECT, SourceKind.PARTNER}
    assert sources["prospect"] == {SourceKind.SUBJECT, SourceKind.PARTNER, SourceKind.REFERRAL}
    assert sources["trusted_person"] == {SourceKind.CLIENT, SourceKind.SUBJECT}


def test_minimisation_keeps_birth_dates_ids_and_payment_out_of_where_they_do_not_belong(shipped):
    """Seed: « ne concerne que celles strictement nécessaires » — no birth date for a trusted person,
    no payment data for a prospect."""
    categories = {sid: {shipped.fields[f] for f in s.fields} for sid, s in shipped.subject_categories.items()}
    assert "civil_status" not in categories["trusted_person"]
    assert "payment" not in categories["prospect"]
    assert categories["trusted_person"] <= {"identification", "contact", "intervention_instructions"}


def test_trusted_persons_are_seen_only_by_the_station_for_alarms_and_by_the_dpo(shipped):
    """Seed: « exclusivement traitées par notre station de télésurveillance pour les procédures nécessitant la
    sollicitation des personnes de confiance »; the DPO answers their rights requests."""
    readers = {
        (rid, purpose)
        for rid, role in shipped.roles.items()
        for grant in role.grants
        if grant.subjects is None or "trusted_person" in grant.subjects
        if grant.fields is None
        or set(grant.fields) & set(shipped.subject_categories["trusted_person"].fields)
        for purpose in grant.purposes
    }
    assert readers == {("station_operator", "alarm_handling"), ("dpo", "rights_handling")}


def test_calls_are_partly_recorded_for_the_seed_purposes_and_opposition_stops_the_legitimate_ones(shipped):
    """Seed: « enregistre ou réalise de la double écoute sur une partie des appels », five uses « sauf
    opposition de votre part » and two under legal obligations."""
    rec = shipped.recordings
    assert rec.mode is RecordingMode.PARTIAL
    assert rec.live_double_listening
    assert not rec.systematic
    stopped = {
        "staff_training",
        "quality_monitoring",
        "dispute_evidence",
        "staff_protection",
        "ai_experiments",
    }
    assert set(rec.opposition_stops) == stopped
    assert set(rec.purposes) - stopped == {"rights_handling", "fraud_control"}
    assert {shipped.purposes[p].legal_basis for p in stopped} == {LegalBasis.LEGITIMATE_INTEREST}
    assert {shipped.purposes[p].legal_basis for p in set(rec.purposes) - stopped} == {
        LegalBasis.LEGAL_OBLIGATION
    }


def test_prospecting_objection_is_absolute(shipped):
    """Seed: « vous opposer à tout moment »; GDPR Art. 21(2)-(3) for direct marketing."""
    assert shipped.purposes["prospecting"].objection is Objection.ABSOLUTE


def test_the_six_rights_are_granted_with_an_identity_document_and_a_one_month_reply(shipped):
    """Seed: access, rectification, erasure, opposition, restriction, portability, « sous réserve de la
    fourniture d'une pièce justificative d'identité »; GDPR Art. 12(3) one month."""
    r = shipped.rights
    assert set(r.granted) == set(Right) - {
        Right.CONSENT_WITHDRAWAL
    }  # withdrawal is never a grant (Art. 7(3))
    assert r.identity_verification.document_required is DocumentRequired.ALWAYS
    assert IdentityMethod.DOCUMENT in r.identity_verification.methods
    assert (r.reply_within, r.extension_up_to) == (Duration(months=1), Duration(months=2))


def test_the_dpo_and_the_cnil_are_those_the_seed_names(shipped):
    """Seed: « Direction des Affaires Juridiques – 118 Avenue de Paris – 79000 Niort – dpo@ima.eu »."""
    assert shipped.dpo.email == "dpo@ima.eu"
    assert "118 Avenue de Paris" in shipped.dpo.postal_address
    assert "79000 Niort" in shipped.dpo.postal_address
    assert shipped.supervisory_authority.name == "CNIL"
