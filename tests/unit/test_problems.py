"""How a problem is told to the user: where, what, found, expected, source."""

from __future__ import annotations

from charte.domain.problems import Problem, Severity, format_path


def test_key_paths_read_as_the_user_would_write_them():
    """Errors name the key path: dotted keys and [index] for list items."""
    assert format_path(("roles", "sales", "grants", 0, "purposes", 2)) == "roles.sales.grants[0].purposes[2]"
    assert format_path(()) == "(root)"


def test_a_located_problem_names_file_line_path_found_and_expected():
    """Each problem prints the file, line and key path, what was found and what is expected."""
    problem = Problem(
        path=("purposes", "x", "legal_basis"),
        message="unknown value",
        found="'magic'",
        expected="one of contract",
    ).located("p.yaml", 12)
    assert problem.describe() == (
        "p.yaml:12: purposes.x.legal_basis: unknown value (found 'magic'; expected one of contract)"
    )


def test_a_compliance_note_cites_its_source():
    """Lint notes come with their source."""
    note = Problem(path=("rights",), message="m", severity=Severity.NOTE, source="GDPR Art. 12(3)")
    assert note.describe().endswith("[source: GDPR Art. 12(3)]")
    assert note.as_dict()["severity"] == "note"
