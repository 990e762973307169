"""The register's commands as an integrator runs them: `db upgrade`, `events import`, `persons`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from alembic.script import ScriptDirectory

from charte.adapters.db import migrate
from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import collected, contacted, ended, person, signed

DPO = {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"}
EVENTS = [
    collected("e1", "2025-01-10", person("P1", first_name="Ana", phone="0612345678")),
    contacted("e2", "2025-01-12", "P1"),
    signed("e3", "2025-02-01", "C1", "P1"),
]


def test_db_upgrade_says_where_and_which_revision(tmp_path):
    """docs/cli.md `charte db upgrade`; on SQLite the audit gets a file of its own."""
    result = charte("db", "upgrade", cwd=tmp_path)
    assert result.code == 0
    head = ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()
    assert result.out.strip().splitlines() == [
        f"database sqlite:///.charte/charte.db is at schema revision {head}",
        "audit database sqlite:///.charte/charte-audit.db is ready",
    ]
    assert (tmp_path / ".charte" / "charte.db").is_file()
    assert (tmp_path / ".charte" / "charte-audit.db").is_file()


def test_import_then_reimport_reports_duplicates(home):
    """Re-importing the same events changes nothing and says so."""
    cwd, env = home
    file = write(cwd / "events.jsonl", EVENTS)
    first = charte("events", "import", file, cwd=cwd, env=env)
    assert (first.code, first.out.strip()) == (0, "applied 3 event(s)")
    again = charte("events", "import", file, "--format", "json", cwd=cwd, env=env)
    assert again.code == 0
    assert again.json() == {"file": file, "lines": 3, "applied": 0, "duplicates": 3, "skipped_erased": 0, "suppressed": 0, "rejected": 0,
                            "committed": True, "errors": [], "rejects_file": None, "audio_sealed": 0}  # fmt: skip


def test_a_refused_file_exits_1_listing_every_line_and_applies_nothing(home):
    """Exit 1 = refused; one error per line on stderr as `line N: field: what`."""
    cwd, env = home
    file = write(cwd / "bad.jsonl", [EVENTS[0], "{oops", ended("x", "2025-01-01", "C404")])
    result = charte("events", "import", file, cwd=cwd, env=env)
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: line 2: (line): invalid JSON: unexpected character, expected a string key at column 2",
        "error: line 3: contract: unknown contract ref 'C404'",
    ]
    assert result.out.strip() == "nothing applied: 2 of 3 line(s) refused"
    assert charte("persons", "show", "P1", cwd=cwd, env=env | DPO).code == 3


def test_skip_invalid_writes_the_refused_lines_with_their_reasons(home):
    """`--skip-invalid` applies the valid lines; the reject file keeps the others."""
    cwd, env = home
    file = write(cwd / "mixed.jsonl", [EVENTS[0], ended("x", "2025-01-01", "C404"), EVENTS[1]])
    result = charte("events", "import", file, "--skip-invalid", cwd=cwd, env=env)
    assert result.code == 0  # the valid lines were applied as asked; the refused one is told and kept
    assert result.out.splitlines() == [
        "applied 2 event(s), 1 line(s) refused and skipped",
        f"refused lines written to {file}.rejects.jsonl",
    ]
    (reject,) = [json.loads(line) for line in (cwd / "mixed.jsonl.rejects.jsonl").read_text().splitlines()]
    assert reject["line"] == 2
    assert reject["errors"] == ["contract: unknown contract ref 'C404'"]
    assert json.loads(reject["event"])["id"] == "x"


def test_skip_invalid_with_every_line_refused_exits_as_nothing_applied(home):
    """docs/cli.md: exit 1 when nothing of the file could be taken, even with `--skip-invalid`."""
    cwd, env = home
    file = write(cwd / "bad.jsonl", [ended("x", "2025-01-01", "C404"), ended("y", "2025-01-01", "C405")])
    result = charte("events", "import", file, "--skip-invalid", "--format", "json", cwd=cwd, env=env)
    assert result.code == 1
    assert (result.json()["applied"], result.json()["rejected"]) == (0, 2)


def test_events_can_be_piped_on_standard_input(home):
    """`charte events import -` reads the feed from a pipe, as a CRM export job would send it."""
    cwd, env = home
    feed = "".join(json.dumps(e) + "\n" for e in EVENTS)
    proc = subprocess.run(
        [sys.executable, "-m", "charte", "events", "import", "-", "--format", "json"],
        input=feed.encode(), capture_output=True, cwd=cwd, env={**__import__("os").environ, **env}, check=False,
    )  # fmt: skip
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["applied"] == 3


def test_a_missing_event_file_exits_3(home):
    cwd, env = home
    result = charte("events", "import", "nope.jsonl", cwd=cwd, env=env)
    assert (result.code, result.err.strip()) == (3, "error: event file not found: nope.jsonl")


def test_persons_show_and_list(home):
    """A person with roles and provenance; a missing ref exits 3 with "not found"."""
    cwd, env = home
    env = env | DPO
    charte("events", "import", write(cwd / "e.jsonl", EVENTS), cwd=cwd, env=env)
    shown = charte("persons", "show", "P1", "--format", "json", cwd=cwd, env=env).json()
    assert [r["role"] for r in shown["roles"]] == ["prospect", "client"]
    assert shown["fields"] == {"first_name": "Ana", "phone": "0612345678"}
    table = charte("persons", "show", "P1", cwd=cwd, env=env).out
    assert "client          C1" in table
    missing = charte("persons", "show", "NOPE", cwd=cwd, env=env)
    assert (missing.code, missing.err.strip()) == (3, "error: person not found: NOPE")
    listed = charte("persons", "list", "--role", "client", "--format", "json", cwd=cwd, env=env).json()
    assert listed == {
        "total": 1,
        "limit": 50,
        "offset": 0,
        "persons": [{"ref": "P1", "open_roles": ["client"]}],
    }


def test_a_read_without_a_role_and_a_purpose_exits_2_saying_how_to_give_them(home):
    """GDPR Art. 5(1)(b), 5(2): a CLI read names its role and purpose."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", EVENTS), cwd=cwd, env=env)
    bare = charte("persons", "show", "P1", cwd=cwd, env=env)
    assert bare.code == 2
    assert bare.err.strip() == (
        "error: a read of personal data needs a role and a purpose: give --as ROLE and --purpose PURPOSE "
        "(or set CHARTE_AS and CHARTE_PURPOSE)"
    )
    half = charte("persons", "list", "--as", "dpo", cwd=cwd, env=env)
    assert (half.code, "give --purpose PURPOSE" in half.err) == (2, True)
    assert bare.out == half.out == ""


def test_an_unknown_role_or_purpose_exits_2_naming_it(home):
    """A clear error naming the unknown role or purpose, and the declared ones."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", EVENTS), cwd=cwd, env=env)
    role = charte("persons", "show", "P1", "--as", "boss", "--purpose", "rights_handling", cwd=cwd, env=env)
    assert role.code == 2
    assert role.err.startswith("error: unknown role 'boss' (the policy declares: auditor, customer_service,")
    purpose = charte("persons", "show", "P1", "--as", "dpo", "--purpose", "curiosity", cwd=cwd, env=env)
    assert (purpose.code, purpose.err.startswith("error: unknown purpose 'curiosity'")) == (2, True)


def test_a_read_the_gate_refuses_exits_1_with_the_reason_and_shows_nothing(home):
    """Sales never see trusted persons; installers see only their fields."""
    cwd, env = home
    charte("events", "import", write(cwd / "e.jsonl", EVENTS), cwd=cwd, env=env)
    refused = charte(
        "persons", "show", "P1", "--as", "sales", "--purpose", "alarm_handling", cwd=cwd, env=env
    )
    assert (refused.code, refused.out) == (1, "")
    assert refused.err.strip() == (
        "error: access denied (role_may_not_act_under_purpose): "
        "role 'sales' may not act under purpose 'alarm_handling'"
    )
    viaenv = env | {"CHARTE_AS": "installer", "CHARTE_PURPOSE": "installation"}
    shown = charte("persons", "show", "P1", "--format", "json", cwd=cwd, env=viaenv).json()
    assert shown["fields"] == {"first_name": "Ana", "phone": "0612345678"}
    assert [r["role"] for r in shown["roles"]] == ["client"]  # the prospect role is not the installer's


def test_persons_are_searched_by_name_or_number_and_an_old_register_is_indexed_by_db_upgrade(home):
    """GDPR Art. 12(2): the requester found from what they wrote; docs/cli.md `persons search`, `db upgrade`."""
    cwd, env = home
    env = env | DPO
    feed = [*EVENTS, signed("e4", "2025-03-01", "C2", person("P2", first_name="Łukasz", last_name="Żółć"))]
    charte("events", "import", write(cwd / "e.jsonl", feed), cwd=cwd, env=env)
    found = charte("persons", "search", "ZOLC lukasz", "--format", "json", cwd=cwd, env=env)
    assert [p["ref"] for p in found.json()["candidates"]] == ["P2"], found.err
    assert found.json()["by"] == ["ref", "name"]
    table = charte("persons", "search", "+33 6 12 34 56 78", cwd=cwd, env=env).out.splitlines()
    assert table[0].split()[:3] == ["P1", "Ana", "0612345678"]
    assert table[-1] == "1 found"
    # A register from before the index: the search refuses, `db upgrade` rebuilds it.
    db = sqlite3.connect(cwd / ".charte" / "charte.db")
    with db:
        db.execute("DELETE FROM person_search")
        db.execute("UPDATE person_search_state SET complete = 0")
    db.close()
    stale = charte("persons", "search", "Ana", cwd=cwd, env=env)
    assert stale.code == 1
    assert "run `charte db upgrade` or `charte persons reindex`" in stale.err
    upgraded = charte("db", "upgrade", cwd=cwd, env=env)
    assert (
        "person search index rebuilt for the policy's fields: 4 terms" in upgraded.out
    )  # ana, 0612345678; lukasz, zolc
    assert charte("persons", "search", "Ana", cwd=cwd, env=env).out.splitlines()[-1] == "1 found"
    assert (
        charte("persons", "reindex", cwd=cwd, env=env).out.strip() == "person search index rebuilt: 4 terms"
    )


def test_commands_on_an_unmigrated_database_say_what_to_run(tmp_path):
    result = charte("persons", "list", cwd=tmp_path, env=DPO)
    assert result.code == 1
    assert "run `charte db upgrade`" in result.err


def test_a_system_lists_and_acknowledges_its_orders_from_the_command_line(home):
    """`charte outbox list --system ..` and `charte outbox ack ID`, end to end; the
    list names persons, so it is read by a role with archive access."""
    cwd, env = home
    env = env | DPO
    from datetime import UTC, datetime, timedelta

    from charte.adapters.db.engine import make_engine
    from charte.adapters.db.outbox_store import SqlOutbox
    from charte.config import shipped_policy_path
    from charte.domain.orders import OrderKind, plan_orders
    from tests.conftest import load

    policy = load(shipped_policy_path()).policy
    long_ago = datetime.now(UTC) - timedelta(days=30)  # so that the order is overdue today
    engine = make_engine(f"sqlite:///{cwd / '.charte' / 'charte.db'}")
    SqlOutbox(engine).add(
        plan_orders(policy, kind=OrderKind.ERASURE_REQUIRED, person_ref="P1", reason="sample", at=long_ago)
    )
    engine.dispose()
    listed = charte("outbox", "list", "--system", "crm", "--format", "json", cwd=cwd, env=env).json()[
        "orders"
    ]
    assert [(o["kind"], o["person"], o["overdue"]) for o in listed] == [("erasure.required", "P1", True)]
    overdue = charte("outbox", "list", "--overdue", cwd=cwd, env=env)
    assert overdue.out.splitlines()[-1] == "3 order(s)"
    assert "OVERDUE" in overdue.out
    first = charte("outbox", "ack", str(listed[0]["id"]), "--by", "crm-bridge", cwd=cwd, env=env)
    assert (first.code, first.out.startswith(f"order {listed[0]['id']} acknowledged at ")) == (0, True)
    again = charte("outbox", "ack", str(listed[0]["id"]), cwd=cwd, env=env)
    assert (again.code, "already acknowledged" in again.out) == (0, True)
    assert charte("outbox", "ack", "999", cwd=cwd, env=env).code == 3
    unknown = charte("outbox", "list", "--system", "billing", cwd=cwd, env=env)
    assert (unknown.code, "crm, telephony, monitoring" in unknown.err) == (3, True)
    sales = charte("outbox", "list", "--as", "sales", "--purpose", "prospecting", cwd=cwd, env=env)
    assert (sales.code, sales.out) == (1, "")
    assert (
        sales.err.strip()
        == "error: access denied (data_archived): role 'sales' has no archive access to read orders"
    )


def test_a_sweep_s_orders_are_listed_in_pages_and_acknowledged_in_bulk_from_the_command_line(home):
    """docs/cli.md: `outbox list --after ID --limit N` gives a page and its cursor; `outbox ack ID...`
    and `outbox ack --up-to ID --system S` acknowledge many at once."""
    cwd, env = home
    env = env | DPO
    from datetime import UTC, datetime

    from charte.adapters.db.engine import make_engine
    from charte.adapters.db.outbox_store import SqlOutbox
    from charte.config import shipped_policy_path
    from charte.domain.orders import OrderKind, plan_orders
    from tests.conftest import load

    policy = load(shipped_policy_path()).policy
    engine = make_engine(f"sqlite:///{cwd / '.charte' / 'charte.db'}")
    SqlOutbox(engine).add([o for n in range(5) for o in plan_orders(
        policy, kind=OrderKind.ERASURE_REQUIRED, person_ref=f"P{n}", reason="sweep", at=datetime.now(UTC))])  # fmt: skip
    engine.dispose()
    page = charte(
        "outbox", "list", "--system", "crm", "--limit", "2", "--format", "json", cwd=cwd, env=env
    ).json()
    assert [o["person"] for o in page["orders"]] == ["P0", "P1"]
    text = charte(
        "outbox", "list", "--system", "crm", "--limit", "2", "--after", str(page["next"]), cwd=cwd, env=env
    )
    assert text.out.splitlines()[-1] == f"2 order(s); more with --after {page['next'] + 3 * 2}"
    ids = [str(o["id"]) for o in page["orders"]]
    bulk = charte("outbox", "ack", *ids, cwd=cwd, env=env)
    assert (bulk.code, bulk.out.strip()) == (0, "2 order(s) acknowledged, 0 already")
    rest = charte("outbox", "ack", "--up-to", "99999", "--system", "crm", cwd=cwd, env=env)
    assert (rest.code, rest.out.strip()) == (0, "3 order(s) acknowledged, 0 already")
    assert (
        charte("outbox", "list", "--system", "crm", "--format", "json", cwd=cwd, env=env).json()["orders"]
        == []
    )
    assert charte("outbox", "ack", "--up-to", "5", cwd=cwd, env=env).code == 2  # whose orders?
    assert charte("outbox", "ack", "1", "99998", cwd=cwd, env=env).code == 3


def test_holds_are_changed_from_the_command_line_by_the_legal_role_only(home):
    """`charte holds place/lift/list` by the `legal` role (access.holds_managed_by)."""
    cwd, env = home
    place = ("holds", "place", "--case", "LIT-1", "--person", "P1", "--reason", "dispute")
    bare = charte(*place, cwd=cwd, env=env)
    assert (bare.code, bare.err.strip()) == (
        2,
        "error: a hold change needs the role you act in: give --as ROLE (or set CHARTE_AS)",
    )
    sales = charte(*place, "--as", "sales", cwd=cwd, env=env)
    assert (sales.code, "role 'sales' may not manage litigation holds" in sales.err) == (1, True)
    legal = charte(*place, "--as", "legal", cwd=cwd, env=env | {"CHARTE_ACTOR": "maitre-x"})
    assert (legal.code, legal.out.strip()) == (0, "hold LIT-1: 1 subject(s) kept")
    # P1 is not in this empty register: kept by its ref, and said so.
    assert (
        legal.err.strip()
        == "warning: person P1 is not in the register yet: the hold will apply when it arrives"
    )
    listed = charte("holds", "list", "--json", "--as", "dpo", cwd=cwd, env=env).json()
    assert [(c["case"], c["subjects"]) for c in listed["cases"]] == [("LIT-1", ["person:P1"])]
    lifted = charte(
        "holds", "lift", "--case", "LIT-1", "--reason", "settled", cwd=cwd, env=env | {"CHARTE_AS": "legal"}
    )
    assert lifted.code == 0
