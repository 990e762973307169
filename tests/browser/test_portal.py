"""The portal and the DPO's console in real Chromium: a data subject files a
request and proves who they are, the DPO handles it, the subject downloads the answer."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from charte.services import sessions
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import run_import, token
from tests.feed import designated, person, signed

pytestmark = pytest.mark.browser
PASSWORD = "Delegue-2026-secret!"  # noqa: S105  # a test account's
# A one-page PDF is enough for the document check: charte reads its first bytes only.
ID_CARD = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def dpo_account(container, name: str = "dpo-1") -> None:
    token(container, name, role="dpo")
    sessions.set_password(store=container.actors(), passwords=container.passwords, clock=container.clock,
                          name=name, password=PASSWORD, by="admin")  # fmt: skip


def log_in(page, base: str, name: str = "dpo-1") -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/console")


def file_access_request(page, base: str, contact: str) -> str:
    """The subject's side of filing: the form, then the follow-up number shown once."""
    page.goto(f"{base}/portal")
    expect(page.get_by_role("heading", name="Vos droits sur vos données personnelles")).to_be_visible()
    assert page.get_by_text("CNIL").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "portal")
    page.get_by_label("Droit d'accès").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Nom et prénom").fill("Ana Durand")
    page.get_by_label("Adresse e-mail ou téléphone").fill(contact)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Votre demande est enregistrée")).to_be_visible()
    number = page.locator("#follow-up-number").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", number)
    return number


def download_answer(page, base: str) -> zipfile.ZipFile:
    page.goto(f"{base}/portal/suivi")
    expect(page.locator("#request-status")).to_have_text("traitée")
    with page.expect_download() as info:
        page.locator("#answer-link").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    assert archive.testzip() is None
    return archive


def test_a_subject_files_a_request_with_an_id_document_and_downloads_the_answer_the_dpo_prepared(
    app, served, page, second_page, tmp_path
):
    """With the shipped policy (a document always): a request filed on the portal, then the DPO's dashboard and request page."""
    run_import(app, [
        signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", last_name="Durand", email="ana@example.org")),
        designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc", phone="0700000001"), rank=1),
        signed("e3", "2025-03-01", "C2", person("P2", first_name="Anaïs", last_name="Durand-Roy",
                                                 email="anais@example.org"), site="S2"),
    ])  # fmt: skip
    dpo_account(app)
    file_access_request(page, served, "ana@example.org")
    page.goto(f"{served}/portal/suivi")
    assert (
        page.get_by_role("button", name="Recevoir un code").count() == 0
    )  # the shipped policy: documents only
    card = tmp_path / "carte.pdf"
    card.write_bytes(ID_CARD)
    page.get_by_label("Pièce d'identité (PDF, JPEG ou PNG").set_input_files(str(card))
    page.get_by_role("button", name="Déposer la pièce").click()
    expect(page.get_by_text("Pièce d'identité reçue, en cours de vérification.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "portal-status")

    dpo = second_page
    log_in(dpo, served)
    row = dpo.get_by_role("row", name=re.compile("Demande 1"))
    expect(row).to_contain_text("Ana Durand")
    assert axe_violations(dpo) == []
    screenshot(dpo, "dashboard")
    assert dpo.locator("svg.chart rect.bar").count() == 24  # one bar a month
    dpo.get_by_role("link", name="Demande 1").click()
    # Who the requester may be, from the name and e-mail they typed: the DPO confirms one.
    candidates = dpo.get_by_role("table", name="Personnes pouvant correspondre au demandeur")
    expect(candidates.get_by_role("row")).to_have_count(3)  # the header, P1 and P2 (« Anaïs Durand-Roy »)
    first, second = candidates.get_by_role("row").nth(1), candidates.get_by_role("row").nth(2)
    expect(first).to_contain_text("Adresse e-mail : ana@example.org")  # found by name and e-mail: first
    expect(first).to_contain_text("le nom et le contact indiqués")
    expect(second).to_contain_text("Anaïs")
    expect(second).to_contain_text("le nom indiqué")
    assert axe_violations(dpo) == []
    screenshot(dpo, "request-candidates")
    dpo.get_by_role("button", name="Rattacher la demande à P1").click()
    expect(dpo.get_by_text("Rattachée à une personne du registre")).to_be_visible()
    expect(dpo.locator("#candidates")).to_have_count(0)  # matched: no more candidates read
    seen = dpo.request.get(f"{served}/console/requests/1/document")
    assert (seen.status, seen.body()) == (200, ID_CARD)
    assert axe_violations(dpo) == []
    screenshot(dpo, "request")
    dpo.get_by_role("button", name="Pièce vérifiée : identité établie").click()
    expect(dpo.locator("#request-status")).to_have_text("identité vérifiée")
    dpo.get_by_role("button", name="Traiter la demande").click()
    expect(dpo.locator("#request-status")).to_have_text("traitée")
    expect(dpo.get_by_role("link", name="Archive de la réponse (ZIP)")).to_be_visible()

    archive = download_answer(page, served)
    assert any(name.endswith(".pdf") for name in archive.namelist())
    assert "Durand" in archive.read("data.json").decode()
    gone = page.request.get(f"{served}/portal/suivi/reponse?expire=1&sig={'0' * 64}")
    assert gone.status == 422  # a link not made by charte is refused
    assert page.console_errors == []
    assert dpo.console_errors == []


def test_with_a_policy_that_allows_codes_the_subject_proves_identity_with_the_code_sent_on_file(
    coded, served_coded, page, second_page
):
    """The same flow through a one-time code from the file outbox to a contact on
    file; the same words whether or not it is known."""
    file_access_request(page, served_coded, "ana@example.org")
    page.goto(f"{served_coded}/portal/suivi")
    page.get_by_role("button", name="Recevoir un code").click()
    said = "Si ce contact est connu de nos services pour cette demande, un code lui a été envoyé"
    expect(page.get_by_text(said)).to_be_visible()
    (message,) = coded.notifier.sent()
    assert message["to"] == "ana@example.org"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    page.get_by_label("Code reçu").fill(code)
    page.get_by_role("button", name="Valider le code").click()
    expect(page.locator("#request-status")).to_have_text("identité vérifiée, réponse en préparation")
    assert axe_violations(page) == []

    dpo_account(coded)
    log_in(second_page, served_coded)
    second_page.get_by_role("link", name="Demande 1").click()
    expect(second_page.get_by_text("Personne du registre")).to_be_visible()
    expect(second_page.locator("dd", has_text="P1")).to_have_count(1)  # matched by the contact on file
    second_page.get_by_role("button", name="Traiter la demande").click()
    expect(second_page.locator("#request-status")).to_have_text("traitée")
    archive = download_answer(page, served_coded)
    assert "Roux" in archive.read("data.json").decode()

    stranger = page.context.browser.new_context().new_page()
    file_access_request(stranger, served_coded, "nobody@example.org")
    stranger.goto(f"{served_coded}/portal/suivi")
    before = len(coded.notifier.sent())
    stranger.get_by_role("button", name="Recevoir un code").click()
    expect(stranger.get_by_text(said)).to_be_visible()  # the same words: no enumeration
    assert len(coded.notifier.sent()) == before  # and nothing was sent
    stranger.context.close()
    assert page.console_errors == []


def test_the_form_shows_only_the_chosen_right_s_fields_and_a_mistake_keeps_what_was_typed(served, page):
    """A rectification asks which data (by its label) and the correct value, nothing of the other
    rights; a mistake is said in French next to its field, and everything typed stays."""
    page.goto(f"{served}/portal")
    page.get_by_label("Droit de rectification").check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Votre demande : Droit de rectification.")).to_be_visible()
    assert page.locator("#purpose").count() == 0  # an opposition's field, not this right's
    assert page.locator("input[name=ground]").count() == 0
    options = page.locator("#field option").all_inner_texts()
    assert "adresse e-mail" in options
    assert "email" not in options  # labels, never the policy's ids
    assert "enregistrement de l'appel" not in options  # recordings are corrected by no one
    page.get_by_label("Nom et prénom").fill("Łukasz Żółć")
    page.get_by_label("Donnée à corriger").select_option(label="téléphone")
    page.get_by_label("Précisions").fill("Mon numéro a changé en octobre.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("alert")).to_contain_text("corrigez ce qui est indiqué")
    expect(
        page.get_by_text("Indiquez une adresse e-mail ou un numéro de téléphone où vous répondre.")
    ).to_be_visible()
    expect(page.get_by_text("Indiquez la valeur exacte de cette donnée.")).to_be_visible()
    expect(page.get_by_label("Nom et prénom")).to_have_value("Łukasz Żółć")
    expect(page.get_by_label("Donnée à corriger")).to_have_value("phone")
    expect(page.get_by_label("Précisions")).to_have_value("Mon numéro a changé en octobre.")
    expect(page.get_by_label("Adresse e-mail ou téléphone pour vous répondre")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == []
    page.get_by_label("Adresse e-mail ou téléphone pour vous répondre").fill("lukasz@example.org")
    page.get_by_label("Valeur exacte").fill("06 11 22 33 44")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Votre demande est enregistrée")).to_be_visible()
    assert re.search(r"reçue le \d\d/\d\d/\d{4}", page.locator("main").inner_text())  # a French date
    assert page.console_errors == []


def test_a_restriction_offers_its_grounds_in_words(served, page):
    """The grounds of GDPR Art. 18(1) as sentences, not the policy's codes."""
    page.goto(f"{served}/portal?type=restriction")
    grounds = page.locator("fieldset label").all_inner_texts()
    assert any(g.startswith("Vous contestez leur exactitude") for g in grounds)
    assert "accuracy" not in " ".join(grounds)
