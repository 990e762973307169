"""`charte trainings ...` and `charte report` as the DPO's team runs them (docs/cli.md,
docs/accountability.md)."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.cli import charte

DPO = ["--as", "dpo"]
TODAY = datetime.now(ZoneInfo("Europe/Paris")).date()


def test_a_training_is_recorded_listed_and_refused_for_a_course_the_policy_does_not_list(home):
    """GDPR Art. 24(1), 39(1)(b): the DPO's team records who was trained, and when."""
    cwd, env = home
    assert charte("actors", "add", "cs-1", "--role", "customer_service", cwd=cwd, env=env).code == 0
    before = charte("trainings", "list", "--format", "json", *DPO, cwd=cwd, env=env).json()
    assert before["accounts"] == [{"actor": "cs-1", "role": "customer_service", "completed_on": None,
                                   "valid_until": None, "status": "never"}]  # fmt: skip
    wrong = charte("trainings", "record", "cs-1", "--course", "gdpr101", "--on", TODAY.isoformat(), *DPO,
                   cwd=cwd, env=env)  # fmt: skip
    assert wrong.code == 1
    assert "--course" in wrong.err
    on = (TODAY - timedelta(days=3)).isoformat()
    done = charte("trainings", "record", "cs-1", "--course", "rgpd_fondamentaux", "--on", on, "--format", "json",
                  *DPO, cwd=cwd, env=env)  # fmt: skip
    assert done.code == 0, done.err
    assert set(done.json()) == {"id", "actor", "course", "completed_on", "valid_until"}
    after = charte("trainings", "list", "--format", "json", *DPO, cwd=cwd, env=env).json()
    assert after["counts"] == {"current": 1, "lapsing": 0, "lapsed": 0, "never": 0}
    sales = charte("trainings", "list", "--as", "sales", cwd=cwd, env=env)
    assert sales.code == 1
    assert "may not record trainings" in sales.err


def test_the_annual_report_is_written_owner_only_in_each_format(home):
    """`charte report --year Y`: HTML, PDF, CSV, JSON; the DPO's figures, owner-only files."""
    cwd, env = home
    for fmt, head in (("html", b"<!doctype html>"), ("pdf", b"%PDF-"), ("csv", b"section,measure,key,value")):
        out = cwd / f"report.{fmt}"
        made = charte(
            "report", "--year", str(TODAY.year), "--format", fmt, "--out", out, *DPO, cwd=cwd, env=env
        )
        assert made.code == 0, made.err
        assert out.read_bytes().startswith(head)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    figures = charte("report", "--year", str(TODAY.year), "--format", "json", *DPO, cwd=cwd, env=env).json()
    assert figures["rights"]["received"] == 0
    refused = charte("report", "--year", str(TODAY.year), "--as", "sales", cwd=cwd, env=env)
    assert refused.code == 1


def test_the_inspection_pack_is_written_and_verified_and_a_tampered_one_fails(home):
    """`charte inspection pack --out F --as dpo`, then `verify F`: exit 0; a file changed inside
    the zip: exit 1 naming it."""
    import zipfile

    cwd, env = home
    out = cwd / "pack.zip"
    made = charte("inspection", "pack", "--out", out, *DPO, "--format", "json", cwd=cwd, env=env)
    assert made.code == 0, made.err
    assert made.json()["files"] > 15
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    ok = charte("inspection", "verify", out, cwd=cwd, env=env)
    assert ok.code == 0, ok.err
    assert "verifies" in ok.out
    tampered = cwd / "tampered.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(tampered, "w") as copy:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("policy.yaml"):
                content = content.replace(b"P5Y", b"P1Y", 1)
            copy.writestr(info, content)
    bad = charte("inspection", "verify", tampered, "--format", "json", cwd=cwd, env=env)
    assert bad.code == 1
    assert bad.json()["problems"] == ["policy.yaml: its content differs from the manifest's digest"]


def test_the_accountability_records_list_what_lint_finds_missing_today(home):
    """GDPR Art. 35(1): the shipped policy records no DPIA where one is required, and says so."""
    cwd, env = home
    found = charte("accountability", "--format", "json", *DPO, cwd=cwd, env=env)
    assert found.code == 0, found.err
    body = found.json()
    assert set(body) == {
        "as_of",
        "findings",
        "processors",
        "transfers_by_activity",
        "dpia",
        "balancing_tests",
    }
    assert [f["code"] for f in body["findings"] if f["severity"] == "error"] == ["dpia_required"] * 3
    assert charte("accountability", "--as", "sales", cwd=cwd, env=env).code == 1
