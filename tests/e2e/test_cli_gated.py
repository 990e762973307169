"""Every CLI command that shows personal data is gated and audited.

The list of commands comes from the CLI itself: a new command must be classified here, so one
that shows personal data cannot be added without a role, a purpose and an audit entry.
"""

from __future__ import annotations

import json
import sqlite3

import typer

from charte.entrypoints.cli.app import build_app
from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import call, person, signed, transcribed
from tests.integration.test_docs import commands

# Commands that show personal data: the arguments of one read, and what a DPO adds to make it.
DPO = ["--as", "dpo", "--purpose", "rights_handling"]
ANALYST = ["--as", "recording_analyst", "--purpose", "service_improvement"]
READS = {
    "charte persons show": (["persons", "show", "P1"], DPO),
    "charte persons list": (["persons", "list"], DPO),
    "charte persons search": (["persons", "search", "Roux"], DPO),
    "charte outbox list": (["outbox", "list"], DPO),
    "charte disclose": (
        ["disclose", "--to", "installer", "--person", "P1", "--purpose", "installation"],
        ["--as", "dpo", "--as-purpose", "rights_handling"],
    ),
    "charte calls show": (["calls", "show", "CALL-1"], DPO),
    "charte calls play": (["calls", "play", "CALL-1", "--out", "call.wav"], DPO),
    "charte calls transcript": (["calls", "transcript", "CALL-1"], DPO),
    "charte prospecting decide": (
        ["prospecting", "decide", "1 rue des Lilas, 79000 Niort", "--channel", "post"],
        ["--as", "sales", "--purpose", "prospecting"],
    ),
    "charte consents proof": (
        ["consents", "proof", "0612345678"],
        ["--as", "dpo", "--purpose", "rights_handling"],
    ),
    "charte prospecting screen": (
        ["prospecting", "screen", "contacts.csv", "--channel", "post"],
        ["--as", "sales", "--purpose", "prospecting"],
    ),
    "charte recordings add-analysis": (
        ["recordings", "add-analysis", "CALL-1", "e.jsonl", "--kind", "result"],
        DPO,
    ),
    # An analysis dataset (counts only here: one client reaches no k), then its file (build 1).
    "charte datasets build": (["datasets", "build", "offers_by_region"], ANALYST),
    "charte datasets export": (
        ["datasets", "export", "offers_by_region", "1", "--out", "d.parquet"],
        ANALYST,
    ),
}
# Commands whose read needs the redaction model (`redaction` extra): gated and audited like
# `calls transcript`; tests/integration/test_redaction.py covers them.
REDACTION = {"charte recordings redact", "charte recordings export-for-analysis"}
# Commands that need a role but no purpose (they change or list holds: refs only).
ROLE_ONLY = {"charte holds place", "charte holds judgment", "charte holds appealed", "charte holds lift",
             "charte holds list", "charte retention schedule", "charte calls keep-for"}  # fmt: skip
# The audit log names staff and, by keyed HMACs, data subjects: archive roles only, and each look audited.
ROLE_ONLY |= {"charte audit search", "charte audit export"}
# Rights requests name their requesters: only the policy's handlers (rights.submit_to), audited.
ROLE_ONLY |= {"charte notices due", "charte notices render", "charte notices sent", "charte notices exempt"}
ROLE_ONLY |= {f"charte rights {c}" for c in ("open", "match", "ask-identity", "identity-received", "attach-document",
              "send-code", "verify", "fulfil", "close-expired", "lift-restriction", "notices", "send-notices", "notice-sent", "extend", "refuse", "close", "list", "show",
              "ask-fee", "fee-paid", "resend")}  # fmt: skip
# The breach register: its roles only (breaches.handled_by), every step audited; `persons` lists
# the persons a scope found, `tell` reads their addresses (each an audit entry).
ROLE_ONLY |= {f"charte breaches {c}" for c in ("open", "list", "show", "amend", "scope", "persons", "assess", "decide",
              "notify", "draft", "tell", "public", "revoke-actor", "reset-passwords", "rotate-codes", "close")}  # fmt: skip
# Staff trainings: the roles of training.managed_by (account names, courses and days; no data subject).
ROLE_ONLY |= {"charte trainings record", "charte trainings list", "charte trainings show"}
# The annual report and the inspection pack: counts, dates and refs, for the DPO (rights.submit_to).
ROLE_ONLY |= {"charte report", "charte inspection pack", "charte accountability"}
# Analysis datasets' builds and data sheets (no personal value), their revocation by the DPO.
ROLE_ONLY |= {"charte datasets list", "charte datasets show", "charte datasets revoke"}
# Everything else shows no personal data: policy texts, schema, counts, actors (names of staff
# accounts, administered by the operator), a pack's digests (`inspection verify` reads no register).
NO_PERSONAL_DATA = {
    "charte inspection verify",
    "charte policy check", "charte policy lint", "charte policy render", "charte register", "charte serve",
    "charte db upgrade", "charte persons reindex", "charte events import", "charte outbox ack", "charte demo seed",
    "charte retention forecast", "charte retention sweep", "charte retention replay-erasures",
    "charte actors add", "charte actors list", "charte actors revoke", "charte actors passwd", "charte audit verify",
    "charte audit checkpoint", "charte audit drop-expired", "charte audit partition", "charte keys rotate-field",
    # The telephony's commands: a number in, a decision or counts out.
    "charte calls decide", "charte calls opt-out", "charte calls ingest",
    # A Bloctel list in: numbers hashed, counts out.
    "charte prospecting load-bloctel",
    # A withdrawal in: counts out (never whose consents ended).
    "charte consents withdraw", "charte consents give",
}  # fmt: skip


def test_every_command_is_classified():
    """A new command must say whether it shows personal data."""
    every = set(commands(typer.main.get_command(build_app())))
    assert every == set(READS) | ROLE_ONLY | NO_PERSONAL_DATA | REDACTION


def test_every_personal_data_command_refuses_a_read_without_role_and_purpose_and_audits_the_others(home):
    """Each command exits 2 without --as/--purpose; with them, an audit entry is written."""
    cwd, env = home
    (cwd / ".charte" / "audio-inbox").mkdir(parents=True)
    (cwd / ".charte" / "audio-inbox" / "c1.wav").write_bytes(b"RIFF audio")
    (cwd / "contacts.csv").write_text("contact\n1 rue des Lilas, 79000 Niort\n")
    feed = [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux")),
            call("e2", "2026-11-20T10:00:00+01:00", "CALL-1", person="P1", audio="c1.wav"),
            transcribed("e3", "2026-11-20T10:00:00+01:00", "CALL-1", "bonjour")]  # fmt: skip
    imported = charte("events", "import", write(cwd / "e.jsonl", feed), "--format", "json", cwd=cwd, env=env)
    assert imported.json()["audio_sealed"] == 1, imported.err
    db = sqlite3.connect(cwd / ".charte" / "charte-audit.db")  # the audit file beside the register
    for name, (args, dpo) in READS.items():
        bare = charte(*args, cwd=cwd, env=env)
        assert bare.code == 2, name
        assert "needs a role and a purpose" in bare.err, name
        before = db.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        done = charte(*args, *dpo, cwd=cwd, env=env)
        assert done.code == 0, (name, done.err)
        after = db.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        assert after > before, name
    for name in ROLE_ONLY:
        words = name.split()[1:]
        assert charte(*words, cwd=cwd, env=env).code == 2, name
    for args in (["recordings", "redact", "CALL-1"], ["recordings", "export-for-analysis"]):
        bare = charte(*args, cwd=cwd, env=env)
        assert bare.code == 2, args
        assert "needs a role and a purpose" in bare.err, args
    rows = [json.loads(b) for (b,) in db.execute("SELECT body FROM audit_entries")]
    assert {r["action"] for r in rows} >= {"read", "list", "search", "disclose", "import"}


# Role-only commands that show personal data without changing anything: each appends an entry.
ROLE_READS = {
    "charte holds list": ["holds", "list", "--as", "dpo"],
    "charte retention schedule": ["retention", "schedule", "--as", "dpo"],
    "charte notices due": ["notices", "due", "--as", "dpo"],
    "charte rights list": ["rights", "list", "--as", "dpo"],
    "charte rights notices": ["rights", "notices", "--as", "dpo"],
    "charte audit search": ["audit", "search", "--as", "dpo"],
    "charte audit export": ["audit", "export", "--out", "audit.jsonl", "--as", "dpo"],
    "charte breaches list": ["breaches", "list", "--as", "dpo"],
}


def test_every_role_only_read_appends_an_audit_entry_and_the_audit_is_read_by_archive_roles_only(home):
    """GDPR Art. 5(2), 32: every look at personal data from the CLI is recorded, the audit's too."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))]),
           cwd=cwd, env=env)  # fmt: skip
    db = sqlite3.connect(cwd / ".charte" / "charte-audit.db")
    assert set(ROLE_READS) <= ROLE_ONLY
    for name, args in ROLE_READS.items():
        before = db.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        done = charte(*args, cwd=cwd, env=env)
        assert done.code == 0, (name, done.err)
        assert db.execute("SELECT count(*) FROM audit_entries").fetchone()[0] > before, name
    refused = charte("audit", "search", "--as", "sales", cwd=cwd, env=env)
    assert refused.code == 1
    assert "role 'sales' may not search the audit log" in refused.err
    assert charte("audit", "export", "--out", "x.jsonl", "--as", "sales", cwd=cwd, env=env).code == 1
    assert not (cwd / "x.jsonl").exists()
    denied = [
        json.loads(b) for (b,) in db.execute("SELECT body FROM audit_entries WHERE body LIKE '%denied%'")
    ]
    assert [(e["role"], e["detail"]["of"]) for e in denied] == [("sales", "audit"), ("sales", "audit")]


def test_the_retention_schedule_names_persons_only_to_the_roles_answering_for_retention(home):
    """Every read of personal data passes the gate; the schedule lists persons' refs."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1", last_name="Roux"))]),
           cwd=cwd, env=env)  # fmt: skip
    audit = sqlite3.connect(cwd / ".charte" / "charte-audit.db")
    shown = charte("retention", "schedule", "--format", "json", "--as", "dpo", cwd=cwd, env=env)
    assert shown.code == 0, shown.err
    assert [u["person"] for u in json.loads(shown.out)] == ["P1"]
    refused = charte("retention", "schedule", "--as", "sales", cwd=cwd, env=env)
    assert refused.code == 1
    assert "role 'sales' may not see litigation holds or the retention schedule" in refused.err
    assert "P1" not in refused.out
    listed = [json.loads(b) for (b,) in audit.execute("SELECT body FROM audit_entries WHERE action = 'list'")]
    assert [(e["role"], e["decision"], e["detail"]["listing"]) for e in listed] == [
        ("dpo", "allowed", "retention_schedule"),
        ("sales", "denied:role_may_not_act_under_purpose", "retention_schedule"),
    ]


def test_actors_passwd_sets_a_console_password_from_standard_input_and_refuses_a_weak_one(home):
    """Console login with passwords hashed with argon2 (CNIL 2022-100 strength)."""
    cwd, env = home
    assert charte("actors", "add", "dpo-1", "--role", "dpo", cwd=cwd, env=env).code == 0
    weak = charte("actors", "passwd", "dpo-1", "--password-stdin", cwd=cwd, env=env, stdin="motdepasse\n")
    assert weak.code == 1
    assert "too weak" in weak.err
    assert "motdepasse" not in weak.err
    done = charte(
        "actors", "passwd", "dpo-1", "--password-stdin", cwd=cwd, env=env, stdin="Bureau-DPO-2026!\n"
    )
    assert done.code == 0, done.err
    assert done.out.strip() == "console password of dpo-1 set; their open sessions are ended"
    stored = (
        sqlite3.connect(cwd / ".charte" / "charte.db")
        .execute("SELECT password_hash FROM actors")
        .fetchone()[0]
    )
    assert stored.startswith("$argon2id$")
    assert charte("actors", "passwd", "nobody", "--password-stdin", cwd=cwd, env=env, stdin="x\n").code == 3


def test_rights_commands_answer_in_json_with_id_status_and_due_date_and_refuse_other_roles(home):
    """`charte rights open ... --format json` prints id, status and due_on."""
    cwd, env = home
    base = ["rights", "open", "--type", "erasure", "--received", "2026-01-31", "--channel", "post",
            "--claimed-name", "Ana Roux", "--contact", "ana@example.org", "--format", "json"]  # fmt: skip
    assert charte(*base, cwd=cwd, env=env).code == 2  # no role
    refused = charte(*base, "--as", "sales", cwd=cwd, env=env)
    assert refused.code == 1
    assert "role 'sales' may not handle rights requests" in refused.err
    done = charte(*base, "--as", "dpo", cwd=cwd, env=env)
    assert done.code == 0, done.err
    opened = done.json()
    assert (opened["status"], opened["due_on"]) == ("received", "2026-03-02")
    late = charte("rights", "list", "--overdue", "--format", "json", "--as", "dpo", cwd=cwd, env=env)
    assert [r["id"] for r in late.json()["requests"]] == [opened["id"]]
    text = charte("rights", "show", str(opened["id"]), "--as", "dpo", cwd=cwd, env=env).out
    assert f"request {opened['id']} (erasure) received, due 2026-03-02 OVERDUE" in text
    assert charte("rights", "show", "99", "--as", "dpo", cwd=cwd, env=env).code == 3
    bad = charte("rights", "extend", str(opened["id"]), "--on", "2026-01-31", "--reason", " ", "--as", "dpo",
                 cwd=cwd, env=env)  # fmt: skip
    assert bad.code == 1
    assert "needs its reason" in bad.err
    fee = [
        "rights",
        "ask-fee",
        str(opened["id"]),
        "--reason",
        "the fourth identical request this year",
        "--as",
        "dpo",
    ]
    odd = charte(*fee, "--amount", "12.555", cwd=cwd, env=env)
    assert odd.code == 2
    assert "--amount" in odd.err
    asked = charte(*fee, "--amount", "12,5", cwd=cwd, env=env)
    assert asked.code == 0, asked.err
    assert asked.out.splitlines()[-1].endswith("request-1/01-courrier-fee_asked.pdf")
    shown = charte(
        "rights", "show", str(opened["id"]), "--format", "json", "--as", "dpo", cwd=cwd, env=env
    ).json()
    assert shown["fee"] == {"cents": 1250, "reason": "the fourth identical request this year",
                            "asked_on": shown["fee"]["asked_on"], "paid_on": None}  # fmt: skip


def test_rights_fulfil_writes_the_access_answer_and_prints_its_paths(home, tmp_path):
    """`charte rights fulfil ID [--out DIR]` prints the paths it wrote."""
    cwd, env = home
    doc = tmp_path / "id.pdf"
    doc.write_bytes(b"%PDF-1.4\n% identity card\n")
    dpo = ["--as", "dpo"]
    opened = charte("rights", "open", "--type", "access", "--received", "2026-11-02", "--channel", "web",
                    "--claimed-name", "Ana Roux", "--contact", "ana@example.org", "--format", "json", *dpo,
                    cwd=cwd, env=env).json()  # fmt: skip
    number = str(opened["id"])
    early = charte("rights", "fulfil", number, *dpo, cwd=cwd, env=env)
    assert early.code == 1
    assert "identity is verified" in early.err
    verified = charte(
        "rights", "verify", number, "--method", "document", "--document", str(doc), *dpo, cwd=cwd, env=env
    )
    assert verified.code == 0, verified.err
    assert not list((cwd / ".charte" / "identity-documents").iterdir())  # erased once checked
    done = charte("rights", "fulfil", number, "--out", str(tmp_path / "out"), *dpo, cwd=cwd, env=env)
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        str(tmp_path / "out" / n) for n in (f"acces-{number}.zip", "lettre.html", "lettre.pdf")
    ]
