"""Every console page in French and in English, in real Chromium: no machine word on screen.

GDPR Art. 12(1) asks plain language of what the data subject reads; the DPO's team and the
station work in French too. A walk over every page, in both languages, with a register where each
page has something to show, fails on a code (``awaiting_identity``, ``erasure.required``, an
English status on a French page) or an ISO date left on screen.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from charte.domain.litigation import Judgment
from charte.domain.vocabulary import CourtKind, Recourse
from charte.services import alarms, answers, datasets, holds, identity, rights, sessions
from charte.services.access import Reader
from tests.conftest import TODAY, run_import, token
from tests.feed import collected, contacted, designated, person, signed

pytestmark = pytest.mark.browser
PASSWORD = "Console-mots-2026!"  # noqa: S105  # a test account's

# Codes that are English words: never on a French page (those that are French words too —
# client, site, session, intrusion, opposition, rectification, restriction... — are left out).
ENGLISH_CODES = {
    "received", "verified", "fulfilled", "refused", "closed", "waiting", "taken", "active", "scheduled",
    "held", "review", "read", "list", "import", "erase", "disclose", "rights", "allowed", "denied",
    "appeal", "criminal", "post", "email", "phone", "answered", "voicemail",
    "access", "erasure", "portability", "overseas", "metropolitan", "inbound", "outbound",
    "trusted", "prospect", "contract", "fire", "panic", "technical", "document", "legal", "dpo",
}  # fmt: skip
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/\S+")
MACHINE = re.compile(r"\b[a-z]+(?:[_.][a-z]+)+\b")  # awaiting_identity, erasure.required
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def busy(app):
    """A register where each console page has something to show."""
    run_import(app, [
        signed("e1", "2025-01-01", "C1", person("P1", first_name="Ana", last_name="Roux", email="ana@example.org",
                                                phone="0612345678"), access_instructions="code 4321"),
        designated("e2", "2025-01-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
        collected("e3", "2026-01-10", person("X1", last_name="Blanc", phone="0611111111")),
        contacted("e4", "2026-02-01", "X1", channel="phone", outcome="interested"),
    ])  # fmt: skip
    token(app, "operateur-2", role="station_operator")  # revoked after a breach
    for name, role in (("delegue-1", "dpo"), ("operateur-1", "station_operator"), ("juriste-1", "legal")):
        token(app, name, role=role)
        sessions.set_password(store=app.actors(), passwords=app.passwords, clock=app.clock, name=name,
                              password=PASSWORD, by="admin")  # fmt: skip
    desk = app.rights_desk("delegue-1", "dpo")
    analyst = Reader("analyste-1", "recording_analyst", "service_improvement")
    datasets.build(app.dataset_desk(), analyst, "offers_by_region")  # a data sheet in words
    datasets.revoke(app.dataset_desk(), "delegue-1", "dpo", "offers_by_region", 1)

    def verified(type_: str, **extra) -> int:
        rid = rights.open_request(desk, type_=type_, received_on=TODAY, channel="post", claimed_name="Ana Roux",
                                  contact="ana@example.org", person="P1", **extra)["id"]  # fmt: skip
        rights.ask_identity(desk, rid, TODAY)
        rights.identity_received(desk, rid, TODAY)
        identity.attach_document(desk, rid, b"%PDF-1.4 card")
        identity.verify(desk, rid, "document")
        return rid

    answered = verified("access")
    answers.fulfil(desk, answered)
    answers.fulfil(desk, verified("rectification", changes={"phone": "0699999999"}))  # orders to the systems
    legal = {"gate": app.gate, "role": "legal", "actor": "juriste-1", "holds": app.holds()}
    holds.place(
        case="RG-26/1", kind=CourtKind.CIVIL, subjects=[("person", "P1")], reason="assignation", **legal
    )
    holds.record_judgment(
        case="RG-26/1", judgment=Judgment(TODAY, Recourse.APPEAL), reason="jugement", **legal
    )
    session = alarms.raise_alarm(app.alarm_desk(), site="S1", kind="fire", at=datetime(2026, 11, 26, 2, tzinfo=UTC),
                                 by="monitoring", system="monitoring")["id"]  # fmt: skip
    operator = Reader("operateur-1", "station_operator", "alarm_handling")
    alarms.take(app.alarm_desk(), operator, session)
    alarms.record_attempt(app.alarm_desk(), operator, session, person="T1", outcome="voicemail")
    breach = _breach(app)
    return {"request": answered, "session": session, "breach": breach}


def _breach(app) -> int:
    """A breach scoped from the audit (the DPO's own reads), assessed, decided and followed up."""
    from charte.domain.breaches import Compromised, Declared, Nature
    from charte.services import breach_actions, breach_scope, breaches
    from charte.services.breach_scope import Item

    k = app.breach_keeper()
    aware = datetime(2026, 11, 26, 8, tzinfo=UTC)
    number = breaches.open_breach(k, actor="delegue-1", role="dpo", new=breaches.NewBreach(
        "Portable volé", aware, "accueil", aware, (Nature.CONFIDENTIALITY,),
        facts={"cause": "vol", "systems": ["crm"], "data_categories": ["site_security"], "persons_estimate": 2,
               "measures_taken": {"fr": "Compte révoqué.", "en": "Account revoked."}}))["breach"]  # fmt: skip
    window = Item(Compromised.ACTOR, name="delegue-1", since=datetime(2026, 11, 1, tzinfo=UTC),
                  until=datetime(2026, 11, 27, tzinfo=UTC))  # fmt: skip
    breach_scope.compute(k, source=app.breach_scope(), audit_store=app.audit_store(),
                         checkpoints=app.auditor.checkpoints, actor="delegue-1", role="dpo", breach=number,
                         items=[window])  # fmt: skip
    breaches.assess(k, actor="delegue-1", role="dpo", breach=number,
                    declared=Declared(frozenset({Nature.CONFIDENTIALITY}), vulnerable=True))  # fmt: skip
    breaches.decide(k, actor="delegue-1", role="dpo", breach=number, notify_cnil=True, notify_cnil_why="risque",
                    tell_persons=False, tell_persons_why="données chiffrées")  # fmt: skip
    breach_actions.revoke_actor(k, actors=app.actors(), actor="delegue-1", role="dpo", breach=number,
                                name="operateur-2")  # fmt: skip
    return number


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def words_left(text: str, lang: str) -> list[str]:
    """The machine words a page shows: codes, and on a French page English codes and ISO dates
    (an English page writes its dates as ISO 8601, unambiguous for an international reader)."""
    text = EMAIL_OR_URL.sub(" ", text)
    found = MACHINE.findall(text)
    if lang == "fr":
        found += ISO_DAY.findall(text) + [w for w in re.findall(r"\b[a-z]+\b", text) if w in ENGLISH_CODES]
    return sorted(set(found))


def test_every_console_page_speaks_words_in_french_and_in_english(busy, served, page):
    """Field names, statuses, grounds, court kinds, alarm kinds, audit actions and decisions, dates:
    in words, on every page, in both languages; an error page keeps the header."""
    walks = {
        "delegue-1": ["/console", f"/console/requests/{busy['request']}", "/console/persons?ref=P1&purpose=rights_handling",
                  "/console/persons?ref=X1&purpose=rights_handling", "/console/holds", "/console/audit?person=P1",
                  "/console/outbox", "/console/requests/99999", "/console/persons?ref=Colas&purpose=rights_handling",
                  "/console/breaches", f"/console/breaches/{busy['breach']}",
                  f"/console/breaches/{busy['breach']}/persons", "/console/trainings", "/console/accountability", "/console/datasets"],
        "juriste-1": ["/console/holds", "/console/persons?ref=P1&purpose=dispute_evidence"],
        "operateur-1": ["/console/alarms", f"/console/alarms/{busy['session']}", "/console/persons?ref=T1&purpose=alarm_handling"],
    }  # fmt: skip
    problems: dict[str, list[str]] = {}
    for name, paths in walks.items():
        log_in(page, served, name)
        for lang in ("fr", "en"):
            for path in paths:
                page.goto(f"{served}{path}{'&' if '?' in path else '?'}lang={lang}")
                text = page.locator("body").inner_text()
                assert "Déconnexion" in text or "Se déconnecter" in text or "Sign out" in text, (
                    path
                )  # the header
                if left := words_left(text, lang):
                    problems[f"{name} {lang} {path}"] = left
        page.context.clear_cookies()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    assert page.console_errors == []
