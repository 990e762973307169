"""The CLI contract of docs/cli.md: JSON keys, exit codes 0/1/2/3, errors on stderr one per line."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import POLICIES
from tests.e2e.cli import charte

BAD = POLICIES / "bad"


class TestCheck:
    def test_the_shipped_policy_is_valid(self):
        """The shipped policy validates (exit 0)."""
        result = charte("policy", "check")
        assert (result.code, result.err) == (0, "")
        assert result.out.startswith("OK: ")
        assert "ima-protect" in result.out

    def test_json_output_has_the_documented_keys(self):
        """docs/cli.md: `policy check --format json` prints valid, source, policy_id, counts, problems."""
        payload = charte("policy", "check", "--format", "json").json()
        assert set(payload) == {"valid", "source", "policy_id", "counts", "problems"}
        assert payload["valid"] is True
        assert payload["problems"] == []
        assert payload["counts"]["purposes"] >= 19

    def test_an_invalid_policy_exits_1_with_one_error_line_per_problem_on_stderr(self):
        """Exit 1 = refused; errors on stderr naming file, line and key."""
        fixture = BAD / "unknown_purpose_in_role.yaml"
        result = charte("policy", "check", fixture)
        assert result.code == 1
        assert result.out == ""
        errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
        assert errors == [
            f"error: {fixture.relative_to(POLICIES.parents[2])}:89: roles.agent.grants[0].purposes[2]: "
            "unknown purpose 'marketing' (found 'marketing'; expected one of the purposes declared under "
            "'purposes' (contract_management, prospecting, quality_monitoring, rights_handling))"
        ]

    def test_an_invalid_policy_in_json_lists_its_problems_with_lines(self):
        """Machines get the same problems as JSON on stdout, and still exit 1."""
        result = charte("policy", "check", BAD / "duration_not_iso.yaml", "--format", "json")
        assert result.code == 1
        payload = result.json()
        assert payload["valid"] is False
        assert payload["policy_id"] is None
        (problem,) = payload["problems"]
        assert (problem["line"], problem["path"], problem["found"]) == (
            50,
            "retention.client.period",
            "'5 years'",
        )

    def test_a_missing_policy_file_exits_3(self, tmp_path):
        """Exit 3 = not found (docs/cli.md)."""
        result = charte("policy", "check", tmp_path / "absent.yaml")
        assert result.code == 3
        assert result.err.strip() == f"error: policy file not found: {tmp_path / 'absent.yaml'}"

    def test_charte_policy_selects_the_policy_file(self):
        """CHARTE_POLICY selects the policy when no path is given."""
        result = charte("policy", "check", env={"CHARTE_POLICY": str(POLICIES / "minimal.yaml")})
        assert result.code == 0
        assert "(minimal:" in result.out


class TestUsage:
    @pytest.mark.parametrize(
        "args",
        [
            ("policy", "bogus"),
            ("policy", "render", "--lang", "de"),
            ("policy", "lint", "--as-of", "31/12/2026"),
            (),
            (
                "holds",
                "judgment",
                "--case",
                "X",
                "--pronounced",
                "2026-01-01",
                "--recourse",
                "maybe",
                "--reason",
                "r",
            ),
            ("retention", "schedule", "--status", "gone"),
            ("retention", "sweep", "--as-of", "tomorrow"),
        ],
    )
    def test_usage_errors_exit_2(self, args):
        """Exit 2 = usage error: unknown command, bad option value, missing command."""
        assert charte(*args).code == 2

    def test_version(self):
        from charte import __version__

        assert charte("--version").out.strip() == __version__


class TestLint:
    def test_lint_prints_warnings_and_notes_with_sources_and_exits_0(self):
        """`policy lint` prints compliance notes as warnings (exit 0), each with its source."""
        result = charte("policy", "lint", "--as-of", "2026-11-26")
        assert result.code == 0
        lines = result.out.splitlines()
        findings = [line for line in lines if line.startswith(("error: ", "warning: ", "note: "))]
        assert findings
        assert all("[source: " in line for line in findings)
        assert any("identity document" in line and "Art. 12(6)" in line for line in findings)
        assert lines[-1].endswith("note(s)")

    def test_lint_json_has_the_documented_keys_and_follows_the_date(self, tmp_path):
        """The phone-consent rule applies from 11 August 2026 (loi 2025-594): --as-of decides — for a
        policy without a prospecting gate whose prospecting rests on legitimate interest (with the
        gate, policy check refuses that basis outright)."""
        import yaml

        from charte.config import shipped_policy_path

        document = yaml.safe_load(shipped_policy_path().read_text(encoding="utf-8"))
        del document["prospecting"]
        document["purposes"]["prospecting"]["legal_basis"] = "legitimate_interest"
        old = tmp_path / "policy.yaml"
        old.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        before = charte("policy", "lint", old, "--format", "json", "--as-of", "2026-08-10").json()
        after = charte("policy", "lint", old, "--format", "json", "--as-of", "2026-08-11").json()
        assert set(after) == {"as_of", "errors", "warnings", "notes", "findings"}
        assert after["warnings"] == before["warnings"] + 1
        assert {"severity", "code", "file", "line", "path", "message", "found", "expected", "source"} == set(
            after["findings"][0]
        )

    def test_lint_lists_errors_first_and_strict_exits_1_on_them(self):
        """GDPR Art. 35(1): the shipped policy records no DPIA where one is required — an error, listed
        first; `--strict` makes it fail a policy's own CI (exit 1), plain lint still exits 0."""
        plain = charte("policy", "lint", "--as-of", "2026-12-06")
        assert plain.code == 0
        assert plain.out.startswith("error: ")
        assert "requires a DPIA" in plain.out.splitlines()[0]
        assert plain.out.splitlines()[-1].startswith("3 error(s), ")
        strict = charte("policy", "lint", "--as-of", "2026-12-06", "--strict", "--format", "json")
        assert strict.code == 1
        assert strict.json()["errors"] == 3

    def test_lint_refuses_an_invalid_policy_with_exit_1(self):
        """Lint has nothing to say about a policy that does not validate: it says why and exits 1."""
        result = charte("policy", "lint", BAD / "emotion_inference.yaml")
        assert result.code == 1
        assert "emotions of staff" in result.err


class TestDocuments:
    def test_render_writes_the_charter_where_asked(self, tmp_path):
        """`policy render --lang en --format html --out FILE` writes a page and says where."""
        out = tmp_path / "site" / "charter.html"
        result = charte("policy", "render", "--lang", "en", "--format", "html", "--out", out)
        assert result.code == 0
        assert result.err.strip() == f"wrote {out}"
        assert '<html lang="en">' in out.read_text()
        assert "Right to data portability" in out.read_text()

    def test_render_defaults_to_french_markdown_on_stdout(self):
        result = charte("policy", "render")
        assert result.code == 0
        assert result.out.startswith("# Charte de protection des données")

    def test_register_csv_has_a_row_per_activity(self):
        """`charte register --format csv`: one row per processing activity (GDPR Art. 30(1))."""
        result = charte("register", "--format", "csv")
        rows = list(csv.reader(io.StringIO(result.out)))
        assert result.code == 0
        assert len(rows) == 1 + 7
        assert rows[0][0] == "Activité de traitement"

    def test_documents_refuse_an_invalid_policy(self):
        """Nothing is rendered from a policy that does not validate."""
        result = charte("register", "--policy", BAD / "keep_without_ground.yaml")
        assert result.code == 1
        assert result.out == ""
