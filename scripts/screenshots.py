"""Pictures of the console, the alarm screen and the portal on the demo register, for the docs.

    python3 scripts/dev.py serve &                 # the demo register on :8000
    .venv/bin/python scripts/screenshots.py        # writes docs/screenshots/demo-*.png

Signs in with the demo actors of `.charte/demo-tokens.json` in Debian's chromium (Playwright).
It files one portal request and takes one alarm: run it on the demo register, not on real data.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def first_consent() -> str | None:
    """A demo prospect who consented to calls (the demo's events file, as `charte demo seed` wrote it)."""
    for events in sorted((ROOT / ".charte").glob("demo-events-*.jsonl")):
        with events.open(encoding="utf-8") as lines:
            for line in lines:
                event = json.loads(line)
                if event["type"] == "consent.given":
                    return str(event["person"])
    return None


def main() -> int:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    tokens = json.loads((ROOT / ".charte" / "demo-tokens.json").read_text(encoding="utf-8"))
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])

        def signed_in(name: str):  # type: ignore[no-untyped-def]
            page = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900}).new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Identifiant").fill(name)
            page.get_by_label("Mot de passe").fill(tokens[name]["password"])
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(re.compile(f"^{re.escape(base)}/console"))  # each role's home page
            return page

        visitor = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900}).new_page()
        visitor.goto(f"{base}/portal")
        visitor.screenshot(path=str(OUT / "demo-portal.png"), full_page=True)
        visitor.get_by_label("Droit d'accès").check()  # the right first, then only its fields
        visitor.get_by_role("button", name="Continuer").click()
        visitor.get_by_label("Nom et prénom").fill("Camille Exemple")
        visitor.get_by_label("Adresse e-mail ou téléphone").fill("camille@example.org")
        visitor.get_by_role("button", name="Envoyer la demande").click()
        visitor.goto(f"{base}/portal/suivi")
        visitor.screenshot(path=str(OUT / "demo-portal-status.png"), full_page=True)
        visitor.goto(f"{base}/portal/consentement")  # withdrawing a consent: the contact alone
        visitor.screenshot(path=str(OUT / "demo-portal-withdraw.png"), full_page=True)

        dpo = signed_in("demo-dpo")
        dpo.screenshot(path=str(OUT / "demo-dashboard.png"), full_page=True)
        dpo.goto(f"{base}/console/persons")  # a common name: the candidates, names and contacts only
        dpo.get_by_label("Nom, adresse e-mail, téléphone ou référence").fill("Martin")
        dpo.get_by_role("button", name="Rechercher").click()
        dpo.screenshot(path=str(OUT / "demo-person-search.png"), full_page=True)
        dpo.goto(f"{base}/console/prospecting")  # counts only: consents, withdrawals, refusals
        dpo.screenshot(path=str(OUT / "demo-prospecting.png"), full_page=True)
        consented = first_consent()
        if consented:
            dpo.goto(f"{base}/console/persons?ref={consented}&purpose=rights_handling")
            dpo.screenshot(path=str(OUT / "demo-person-consents.png"), full_page=True)

        operator = signed_in("demo-operator")
        operator.goto(f"{base}/console/alarms")
        operator.screenshot(path=str(OUT / "demo-alarms.png"), full_page=True)
        take = operator.get_by_role("button", name="Prendre en charge").first
        if take.count():
            take.click()
            operator.screenshot(path=str(OUT / "demo-alarm-screen.png"), full_page=True)
        browser.close()
    print(f"screenshots written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
