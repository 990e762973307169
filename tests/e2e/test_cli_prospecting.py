"""`charte prospecting decide` and `load-bloctel` as the sales tools' scripts run them (docs/cli.md)."""

from __future__ import annotations

import json

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import collected, person

SALES = ["--as", "sales", "--purpose", "prospecting"]
CONSENT = {"id": "g1", "type": "consent.given", "at": "2026-09-01T10:00:00+02:00", "person": "P1",
           "purpose": "prospecting", "channel": "phone", "contact": "0612345678", "method": "call",
           "text": {"name": "Script d'appel v2", "sha256": "cd" * 32}, "source": {"kind": "subject"}}  # fmt: skip


def test_decide_exits_0_when_allowed_and_1_when_refused_with_each_reason_and_its_source(home):
    """L223-1, D223-9: a script may chain `charte prospecting decide ... && dial`."""
    cwd, env = home
    feed = [collected("c1", "2026-09-01", person("P1", last_name="Roux", phone="0612345678")), CONSENT]
    assert charte("events", "import", write(cwd / "e.jsonl", feed), cwd=cwd, env=env).code == 0
    allowed = charte("prospecting", "decide", "06 12 34 56 78", "--channel", "phone",
                     "--at", "2026-12-07T11:00:00+01:00", *SALES, cwd=cwd, env=env)  # fmt: skip
    assert allowed.code == 0, allowed.err
    assert allowed.out.splitlines()[0].startswith("allowed (decision ")
    assert "  consent: given 2026-09-01T08:00:00+00:00 [Code de la consommation L223-1" in allowed.out
    evening = charte("prospecting", "decide", "0612345678", "--channel", "phone",
                     "--at", "2026-12-07T20:30:00+01:00", "--format", "json", *SALES, cwd=cwd, env=env)  # fmt: skip
    assert evening.code == 1
    assert evening.json()["answer"] == "refused"
    assert [r["code"] for r in evening.json()["reasons"]] == ["outside_hours"]
    naive = charte("prospecting", "decide", "0612345678", "--channel", "phone", "--at", "2026-12-07T11:00",
                   *SALES, cwd=cwd, env=env)  # fmt: skip
    assert naive.code == 2
    assert "--at" in naive.err


def test_load_bloctel_loads_a_list_whole_or_names_the_bad_lines_and_loads_nothing(home):
    """A list is whole or absent; its numbers are never printed back."""
    cwd, env = home
    (cwd / "bloctel.csv").write_text("numero;motif\n0698765432;inscrit\n+33611111111;inscrit\n")
    done = charte("prospecting", "load-bloctel", "bloctel.csv", "--dated", "2026-08-01", "--format", "json",
                  cwd=cwd, env=env)  # fmt: skip
    assert done.code == 0, done.err
    assert (done.json()["numbers"], done.json()["purge_due"]) == (2, "2027-08-02")
    (cwd / "bad.csv").write_text("0698765432\n06 98\n")
    bad = charte("prospecting", "load-bloctel", "bad.csv", "--dated", "2026-08-01", cwd=cwd, env=env)
    assert bad.code == 1
    assert "line 2: not a possible phone number" in bad.err
    assert "0698765432" not in bad.err
    assert (
        charte("prospecting", "load-bloctel", "nope.csv", "--dated", "2026-08-01", cwd=cwd, env=env).code == 3
    )


def test_screen_writes_one_answer_a_line_and_counts_on_stderr_exit_1_when_a_line_is_unreadable(home):
    """A campaign file in, JSON Lines out in the file's order; the unreadable lines named."""
    cwd, env = home
    feed = [collected("c1", "2026-09-01", person("P1", last_name="Roux", phone="0612345678")), CONSENT]
    assert charte("events", "import", write(cwd / "e.jsonl", feed), cwd=cwd, env=env).code == 0
    (cwd / "c.csv").write_text("contact\n0612345678\n0698765432\n")
    done = charte("prospecting", "screen", "c.csv", "--channel", "phone", "--at", "2026-12-07T11:00:00+01:00",
                  *SALES, cwd=cwd, env=env)  # fmt: skip
    assert done.code == 0, done.err
    assert [(x["line"], x["answer"]) for x in map(json.loads, done.out.splitlines())] == [
        (2, "allowed"),
        (3, "refused"),
    ]
    assert "screened 2 line(s): 1 allowed, 1 refused, 0 unreadable" in done.err
    bad = charte("prospecting", "screen", "-", "--at", "2026-12-07T11:00:00+01:00", *SALES, cwd=cwd, env=env,
                 stdin="0612345678\n")  # fmt: skip
    assert bad.code == 1
    assert json.loads(bad.out)["error"] == "channel: missing (on the line, or --channel for the whole file)"


def test_a_consent_given_on_the_phone_is_recorded_proven_and_withdrawn_from_the_cli(home):
    """GDPR Art. 7(1), 7(3): recorded with its text and source, shown as proof, withdrawn as easily."""
    cwd, env = home
    feed = [collected("c1", "2026-09-01", person("P1", last_name="Roux", phone="0612345678"))]
    assert charte("events", "import", write(cwd / "e.jsonl", feed), cwd=cwd, env=env).code == 0
    given = ["consents", "give", "--person", "P1", "--contact", "06 12 34 56 78", "--channel", "phone",
             "--purpose", "prospecting", "--method", "call", "--text-name", "Script v2", "--text-sha256", "cd" * 32,
             "--at", "2026-10-01T10:00:00+02:00"]  # fmt: skip
    done = charte(*given, cwd=cwd, env=env)
    assert done.code == 0, done.err
    assert charte(*given, cwd=cwd, env=env).out.startswith("already recorded")
    bad = charte(*given[:-2], "--at", "2026-10-01T10:00:00+02:00", "--method", "telepathy", cwd=cwd, env=env)
    assert bad.code == 1
    assert "method: 'telepathy' is not one of web_form, call, paper, partner" in bad.err
    shown = charte("consents", "proof", "+33612345678", "--as", "dpo", "--purpose", "rights_handling",
                   cwd=cwd, env=env)  # fmt: skip
    assert shown.code == 0, shown.err
    (consent,) = shown.json()["consents"]
    assert (consent["text"]["name"], consent["method"], consent["withdrawn_at"]) == (
        "Script v2",
        "call",
        None,
    )
    ended = charte(
        "consents", "withdraw", "0612345678", "--channel", "phone", "--format", "json", cwd=cwd, env=env
    )
    assert ended.json() == {"withdrawn": 1, "orders": ended.json()["orders"]}
    assert ended.json()["orders"] >= 1
