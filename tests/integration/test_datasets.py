"""Analysis datasets built from the register, on both engines: minimised, objections honoured,
re-identification measured — and checked by an independent tool (the charter: « analyser des
ensembles de données nous permettant d'améliorer nos prestations »)."""

from __future__ import annotations

import json
import random
import stat
import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from charte.adapters.db import tables
from charte.adapters.db.objections import record_objection
from charte.domain.access import Denial
from charte.domain.dataset_anonymity import measure
from charte.domain.datasets import KAnonymity
from charte.domain.durations import Duration
from charte.services import datasets
from charte.services.access import AccessDenied, Reader
from charte.services.audit import AuditFilter
from charte.services.errors import NotFound, Refused
from charte.services.retention import sweep
from tests.conftest import REPO, TODAY, restrict, run_import
from tests.feed import ended, person, signed

ANALYST = Reader(actor="ana", role="recording_analyst", purpose="service_improvement")
QI = ["age", "area", "seniority"]
CHECKER = REPO / ".venv-checkers" / "bin" / "python"
TOWNS = ["75011 Paris", "69003 Lyon", "13001 Marseille", "33000 Bordeaux", "59000 Lille", "67000 Strasbourg",
         "20000 Ajaccio", "97400 Saint-Denis"]  # fmt: skip
OFFERS = ["Essentiel", "Confort", "Sérénité", "Pro"]


def clients(n: int, seed: int = 7) -> list[dict]:
    """``n`` clients with a running contract, a birth date and a site in a town of TOWNS."""
    rng = random.Random(seed)  # noqa: S311  # test data, not a secret
    events = []
    for i in range(n):
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
        start = TODAY - timedelta(days=rng.randint(30, 9 * 365))
        event = signed(
            f"s{i}", start.isoformat(), f"C{i}",
            person(f"P{i}", first_name="Łukasz", last_name=f"Dvořák{i}", birth_date=born.isoformat(),
                   postal_address=f"{i} rue Haute, {rng.choice(TOWNS)}"),
            site=f"S{i}", address=f"{i} rue des Lilas, {rng.choice(TOWNS)}",
        )  # fmt: skip
        event["contract"]["offer"] = rng.choice(OFFERS)
        events.append(event)
    return events


def parquet(app, view: datasets.BuildView) -> list[dict]:
    return pq.read_table(
        app.settings.home / "datasets" / view.dataset / str(view.build) / "data.parquet"
    ).to_pylist()


def dataset_entries(app) -> list[dict]:
    return [e for e in app.audit_store().search(AuditFilter(limit=1000)) if e["action"] == "dataset"]


def test_a_build_leaves_out_who_objected_restricted_or_is_due_and_publishes_k_anonymous_rows(app):
    """Art. 21(1): the objection to the purpose is honoured; Art. 18(2): restricted data are not
    analysed; Art. 5(1)(e): data due for erasure are not used; WP29 05/2014: every published
    combination of quasi-identifiers is shared by at least k rows."""
    events = clients(60)
    events += [
        signed("old", "2015-03-01", "C-old", person("P3"), site="S-old"),
        ended("old-end", "2016-01-31", "C-old"),
    ]
    run_import(app, events)
    with app.engine.begin() as conn:
        record_objection(conn, None, "service_improvement", "P1", [], TODAY)
        record_objection(conn, None, "prospecting", "P4", [], TODAY)  # another purpose: still in
    restrict(app, "P2")
    view = datasets.build(app.dataset_desk(), ANALYST, "client_base")
    counts = view.sheet["counts"]
    assert (counts["candidates"], counts["left_out_objected"], counts["left_out_restricted"], counts["left_out_due"]) == (
        60, 1, 1, 1)  # fmt: skip
    rows = parquet(app, view)
    assert len(rows) == view.rows == counts["published_rows"] == 57 - view.sheet["privacy"]["rows_suppressed"]
    assert list(rows[0]) == ["client", "age", "area", "seniority", "offer"]
    k, l_ = measure(((r["age"], r["area"], r["seniority"]), (r["offer"],)) for r in rows)
    assert (k, l_) == (view.sheet["privacy"]["k_achieved"], view.sheet["privacy"]["l_achieved"])
    assert k >= 5
    assert l_ >= 2
    folder = app.settings.home / "datasets" / "client_base" / "1"
    text = (folder / "data.csv").read_text() + (folder / "sheet.json").read_text()
    for secret in ("Łukasz", "Dvořák", "rue", "P10", "C10"):
        assert secret not in text
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    (entry,) = dataset_entries(app)
    assert (entry["actor"], entry["role"], entry["decision"]) == ("ana", "recording_analyst", "allowed")
    assert entry["detail"] == {"dataset": "client_base", "step": "build", "build": 1, "rows": view.rows,
                               "model": "k_anonymity"}  # fmt: skip
    assert set(entry["fields"]) == {"birth_date", "contract_start", "offer", "site_address"}


@pytest.mark.skipif(
    not CHECKER.exists(), reason="run `python3 scripts/dev.py test`: it installs pycanon in .venv-checkers"
)
def test_an_independent_checker_confirms_the_k_and_l_the_data_sheet_reports(app):
    """pycanon (PyPI), in an environment of its own, reads the published CSV back: its k and l
    are those the build claims — on a register large enough for fine levels."""
    run_import(app, clients(400, seed=3))
    view = datasets.build(app.dataset_desk(), ANALYST, "client_base")
    privacy = view.sheet["privacy"]
    assert set(privacy["levels"].values()) != {"*"}  # the check is about something
    csv = app.settings.home / "datasets" / "client_base" / "1" / "data.csv"
    script = (
        "import json, sys, pandas as pd\n"
        "from pycanon import anonymity\n"
        "df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
        "qi = json.loads(sys.argv[2])\n"
        "print(json.dumps([anonymity.k_anonymity(df, qi), anonymity.l_diversity(df, qi, ['offer'])]))\n"
    )
    done = subprocess.run([str(CHECKER), "-c", script, str(csv), json.dumps(QI)], capture_output=True, text=True,
                          check=True, timeout=300)  # fmt: skip
    k, l_ = json.loads(done.stdout.strip().splitlines()[-1])
    assert (k, l_) == (privacy["k_achieved"], privacy["l_achieved"])
    assert k >= 5
    assert l_ >= 2


def test_two_datasets_and_two_builds_cannot_be_joined_on_their_pseudonyms(app):
    """WP29 05/2014, 4.2: each build's pseudonyms are keyed by a key of its own — the same
    clients in two datasets, or in two builds of one, share no pseudonym."""
    run_import(app, clients(40))
    desk = app.dataset_desk()
    twin = replace(desk.policy.datasets["client_base"], id="client_twin")
    desk = replace(desk, policy=replace(desk.policy, datasets={**desk.policy.datasets, "client_twin": twin}))
    first = datasets.build(desk, ANALYST, "client_base")
    second = datasets.build(desk, ANALYST, "client_base")
    other = datasets.build(desk, ANALYST, "client_twin")
    ids = [{r["client"] for r in parquet(app, v)} for v in (first, second, other)]
    assert all(len(s) >= 30 for s in ids)
    assert [len(ids[0] & ids[1]), len(ids[0] & ids[2]), len(ids[1] & ids[2])] == [0, 0, 0]
    keys = sorted(p.name for p in (app.settings.home / "keys" / "datasets").iterdir())
    assert keys == ["client_base-1.key", "client_base-2.key", "client_twin-1.key"]


def test_a_population_within_a_period_takes_the_contracts_signed_in_it(app):
    """`within`: the clients whose running contract was signed in the period before the build."""
    events = clients(60)
    run_import(app, events)
    desk = app.dataset_desk()
    recent = replace(desk.policy.datasets["client_base"], within=Duration(years=3),
                     privacy=KAnonymity(2, 1, (), 0.5))  # fmt: skip
    desk = replace(desk, policy=replace(desk.policy, datasets={"client_base": recent}))
    view = datasets.build(desk, ANALYST, "client_base")
    since = TODAY.replace(year=TODAY.year - 3)
    expected = sum(1 for e in events if date.fromisoformat(e["at"]) > since)
    assert 0 < expected < 60
    assert view.sheet["counts"]["candidates"] == expected
    assert view.sheet["population_since"] == since.isoformat()
    assert len(view.sheet["policy"]["sha256"]) == 64


def test_a_model_that_cannot_be_reached_writes_nothing(app):
    """The privacy model is checked before anything is written: no file, no key, no build."""
    run_import(app, clients(12))
    desk = app.dataset_desk()
    strict = replace(desk.policy.datasets["client_base"], privacy=KAnonymity(50, 1, (), 0.0))
    desk = replace(desk, policy=replace(desk.policy, datasets={"client_base": strict}))
    with pytest.raises(datasets.Unreachable, match="k=50 cannot be reached"):
        datasets.build(desk, ANALYST, "client_base")
    home = app.settings.home
    assert not any((home / "datasets").rglob("*.*")) if (home / "datasets").exists() else True
    assert not any((home / "keys" / "datasets").iterdir())
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.dataset_builds)).scalar_one() == 0


def test_only_the_datasets_recipients_build_it_under_its_own_purpose_and_refusals_are_audited(app):
    """The gate: the role must act under the dataset's purpose and be one of its recipients."""
    run_import(app, clients(10))
    desk = app.dataset_desk()
    with pytest.raises(AccessDenied) as other_purpose:
        datasets.build(desk, replace(ANALYST, purpose="ai_experiments"), "client_base")
    assert other_purpose.value.reason is Denial.PURPOSE_DATA
    with pytest.raises(AccessDenied) as customer_service:
        datasets.build(desk, Reader("cs", "customer_service", "service_improvement"), "client_base")
    assert customer_service.value.reason is Denial.ROLE_PURPOSE
    assert [e["decision"] for e in dataset_entries(app)] == [
        "denied:purpose_not_allowed_for_this_data",
        "denied:role_may_not_act_under_purpose",
    ]
    with pytest.raises(NotFound):
        datasets.build(desk, ANALYST, "nothing_declared")


def test_differentially_private_counts_charge_the_budget_until_it_is_spent(app):
    """OpenDP draws the noise and reports the loss; the builds' losses add up (sequential
    composition) and a build past the budget is refused before it reads anything."""
    run_import(app, clients(30))
    desk = app.dataset_desk()
    spec = desk.policy.datasets["offers_by_region"]
    builds = [datasets.build(desk, ANALYST, "offers_by_region") for _ in range(4)]
    assert [b.epsilon for b in builds] == [0.5] * 4
    rows = parquet(app, builds[0])
    assert len(rows) == builds[0].rows == 19 * 4  # every region and "?", every family, "other" and "?"
    assert all(isinstance(r["clients"], int) and r["clients"] >= 0 for r in rows)
    assert builds[0].sheet["counts"]["exact_counts"] == "withheld (differential privacy)"
    assert builds[3].sheet["privacy"]["spent_before"] == 1.5
    with pytest.raises(Refused, match="spent 2 of its privacy budget of 2"):
        datasets.build(desk, ANALYST, "offers_by_region")
    assert spec.privacy.budget == 2.0  # type: ignore[union-attr]
    assert [v.build for v in datasets.builds(desk, "dpo")] == [1, 2, 3, 4]


def test_the_dpo_revokes_a_build_and_the_sweep_destroys_expired_ones_files_and_keys(app):
    """A dataset is a retention unit: past its rule (analysis_dataset, 6 months from the build)
    the sweep deletes its files and key; the DPO may destroy one at once."""
    run_import(app, clients(20))
    desk = app.dataset_desk()
    datasets.build(desk, ANALYST, "client_base")
    two = datasets.build(desk, ANALYST, "client_base")
    home: Path = app.settings.home
    with pytest.raises(Refused, match="may not revoke"):
        datasets.revoke(desk, "ana", "recording_analyst", "client_base", 1)
    revoked = datasets.revoke(desk, "dpo-1", "dpo", "client_base", 1)
    assert revoked.destroyed_why == "revoked"
    assert not (home / "datasets" / "client_base" / "1").exists()
    assert not (home / "keys" / "datasets" / "client_base-1.key").exists()
    with pytest.raises(NotFound, match="destroyed"):
        datasets.open_file(desk, ANALYST, "client_base", 1, "parquet")
    assert datasets.open_file(desk, ANALYST, "client_base", 2, "csv").name == "data.csv"
    later = two.purge_due
    app.clock.day = later  # the day it is due
    report = sweep(sweeper=app.eraser(), as_of=later, today=later)
    assert report.datasets_expired == 1
    assert not (home / "datasets" / "client_base" / "2").exists()
    assert not (home / "keys" / "datasets" / "client_base-2.key").exists()
    views = {v.build: v for v in datasets.builds(desk, "dpo")}
    assert (views[1].destroyed_why, views[2].destroyed_why, views[2].destroyed_by) == (
        "revoked", "expired", "charte-sweep")  # fmt: skip
    steps = [(e["detail"]["step"], e["detail"].get("build")) for e in dataset_entries(app)]
    assert steps == [("build", 1), ("build", 2), ("revoked", 1), ("read", 2), ("expired", 2)]


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        ("levels: [10, 20], top: 80", "levels: [10, 15], top: 80", "datasets.client_base.columns.age.levels[1]",
         "does not hold whole bands of 10"),
        ("levels: [departement, region]", "levels: [region, departement]",
         "datasets.client_base.columns.area.levels[1]", "not coarser"),
        ("k: 5, l: 2", "k: 5, l: 7", "datasets.client_base.privacy.l", "needs groups of at least 7"),
        ("epsilon: 0.5, budget: 2.0", "epsilon: 0.5, budget: 0.2", "datasets.offers_by_region.privacy.budget",
         "smaller than one build's epsilon"),
        ("client: {source: person, transform: pseudonym}", "client: {source: person, transform: keep}",
         "datasets.client_base.columns.client.transform", "names a person on its own"),
    ],
)  # fmt: skip
def test_a_bad_declaration_is_refused_at_its_line_with_what_was_expected(tmp_path, old, new, where, words):
    """`policy check`: each error names the file's line, the key and what was expected."""
    from charte.config import shipped_policy_path
    from charte.domain.errors import PolicyInvalid
    from tests.conftest import load

    text = shipped_policy_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    bad = tmp_path / "policy.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyInvalid) as caught:
        load(bad)
    (problem,) = [p for p in caught.value.problems if p.severity.value == "error"] or caught.value.problems
    assert words in problem.describe()
    assert where in problem.describe()
    line = next(i for i, t in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if new in t)
    assert f":{line}:" in problem.describe()
