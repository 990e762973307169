"""`charte breaches ...` as the DPO's team runs it (docs/cli.md, docs/breaches.md)."""

from __future__ import annotations

import json

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import person, signed

DPO = ["--as", "dpo"]


def test_a_breach_goes_from_open_to_closed_with_its_scope_from_the_cli(home):
    """GDPR Art. 33: recorded, scoped from the audit, assessed, decided, notified, closed."""
    cwd, env = home
    feed = [signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana", email="ana@example.org"))]
    assert charte("events", "import", write(cwd / "e.jsonl", feed), cwd=cwd, env=env).code == 0
    leaked = env | {"CHARTE_ACTOR": "crm-bot"}
    read = charte("persons", "show", "P1", "--as", "customer_service", "--purpose", "contract_management",
                  cwd=cwd, env=leaked)  # fmt: skip
    assert read.code == 0, read.err
    (cwd / "facts.json").write_text(json.dumps({"cause": "jeton publié", "systems": ["crm"]}))
    opened = charte("breaches", "open", "--title", "Jeton CRM publié", "--nature", "confidentiality",
                    "--discovered-at", "2026-12-06T08:15", "--discovered-by", "soc", "--facts", "facts.json",
                    *DPO, cwd=cwd, env=env)  # fmt: skip
    assert opened.code == 0, opened.err
    number = opened.json()["breach"]
    assert (
        opened.json()["clock"]["deadline_at"] == "2026-12-09T08:00:00+00:00"
    )  # 08:15 Paris: 07:00 UTC hour + 1 + 72
    scoped = charte("breaches", "scope", str(number), "--actor", "crm-bot", "--since", "2026-12-01T00:00",
                    "--until", "2026-12-31T00:00", *DPO, cwd=cwd, env=env)  # fmt: skip
    assert scoped.code == 0, scoped.err
    assert scoped.json()["scope"]["persons"]["in_register"] == 1
    assert scoped.json()["scope"]["chain"]["ok"] is True
    listed = charte("breaches", "persons", str(number), *DPO, cwd=cwd, env=env)
    assert [p["ref"] for p in listed.json()["persons"]] == ["P1"]
    assert charte("breaches", "assess", str(number), *DPO, cwd=cwd, env=env).code == 0
    decided = charte("breaches", "decide", str(number), "--notify-cnil", "yes", "--notify-cnil-why", "risque",
                     "--tell-persons", "no", "--tell-persons-why", "pas de données sensibles", *DPO,
                     cwd=cwd, env=env)  # fmt: skip
    assert decided.code == 0, decided.err
    early = charte("breaches", "close", str(number), "--summary", "fin", *DPO, cwd=cwd, env=env)
    assert early.code == 1
    assert "record the notification first" in early.err
    notified = charte("breaches", "notify", str(number), "--at", "2026-12-06T09:00", "--reference", "CNIL-1",
                      *DPO, cwd=cwd, env=env)  # fmt: skip
    assert notified.code == 0, notified.err
    closed = charte("breaches", "close", str(number), "--summary", "jeton révoqué", *DPO, cwd=cwd, env=env)
    assert closed.json()["status"] == "closed"
    refused = charte("breaches", "list", "--as", "customer_service", cwd=cwd, env=env)
    assert refused.code == 1
    assert "breaches.handled_by" in refused.err
    bad = charte("breaches", "open", "--title", "x", "--nature", "leak", "--discovered-at", "2026-12-06T08:00",
                 "--discovered-by", "soc", *DPO, cwd=cwd, env=env)  # fmt: skip
    assert bad.code == 1
    assert "natures: 'leak'" in bad.err
