"""Every bad-policy fixture yields one located, explained error (a fixture per case).

Each fixture marks the line the error must point at with `# <- error`, so the expectation lives
beside the defect it describes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from charte.domain.errors import PolicyInvalid
from tests.conftest import POLICIES, load

BAD = POLICIES / "bad"

# fixture -> (key path of the error, words the message must contain)
EXPECTED = {
    "unknown_purpose_in_role": ("roles.agent.grants[0].purposes[2]", "unknown purpose 'marketing'"),
    "subject_without_retention": ("subject_categories.prospect.retention", "missing key 'retention'"),
    "duration_not_iso": ("retention.client.period", "not an ISO 8601 duration"),
    "purpose_without_legal_basis": ("purposes.quality_monitoring.legal_basis", "missing key 'legal_basis'"),
    "objection_on_legal_obligation": ("purposes.rights_handling.objection", "objection on grounds allowed"),
    "systematic_recording_without_law": ("recordings.mode", "without a cited legal requirement"),
    "emotion_inference": ("purposes.quality_monitoring.infers[0]", "emotions of staff"),
    "yaml_syntax_error": ("(root)", "YAML syntax error"),
    "duplicate_key": ("retention.recording.period", "duplicate key 'period'"),
    "unknown_key": ("retention.client.retension", "unknown key 'retension'"),
    "comma_in_flow_label": ("purposes.contract_management.label.suivi du contrat", "unknown language key"),
    "keep_without_ground": ("retention.client.on_erasure_request.ground", "needs a ground"),
    "assumption_without_why": ("recordings.share.why", "must say why"),
    "unknown_field_for_subject": ("subject_categories.client.fields[2]", "unknown field 'birth_date'"),
    "unknown_legal_basis": ("purposes.contract_management.legal_basis", "unknown value"),
    "reply_deadline_too_long": ("rights.reply_within", "longer than the law allows"),
    "unknown_recourse_counting": ("litigation.recourse_windows.criminal.cassation.counting",
                                  "unknown value"),
    "search_encrypted_field": ("search.contacts[0]", "'phone' is an encrypted field"),
}  # fmt: skip


def marked_line(path: Path) -> int:
    lines = [i for i, text in enumerate(path.read_text().splitlines(), 1) if "# <- error" in text]
    assert len(lines) == 1, f"{path.name} must mark exactly one line with '# <- error'"
    return lines[0]


def test_every_fixture_has_an_expectation():
    """A fixture added without an expectation would test nothing: the table must cover the folder."""
    assert sorted(p.stem for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_policy_is_refused_with_one_located_explained_error(name):
    """`policy check` prints per problem file, line, key path, what was found and expected."""
    fixture = BAD / f"{name}.yaml"
    with pytest.raises(PolicyInvalid) as caught:
        load(fixture)
    (problem,) = caught.value.problems
    path, words = EXPECTED[name]
    assert problem.file
    assert problem.file.endswith(f"{name}.yaml")
    assert problem.line == marked_line(fixture)
    assert problem.describe().split(": ")[1] == path
    assert words in problem.message
    # Explained: beyond the bare fact, every error says what was found or what is expected.
    assert problem.found is not None or problem.expected is not None or problem.code == "yaml"
