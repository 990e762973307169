"""The CLI run against the same database from another folder: refused in one line naming the
setting, and no key made there — never a raw InvalidTag, never a second key mixed into the register."""

from __future__ import annotations

import base64

from tests.e2e.cli import charte
from tests.e2e.conftest import write
from tests.feed import person, signed

DPO = {"CHARTE_AS": "dpo", "CHARTE_PURPOSE": "rights_handling"}


def test_another_folder_without_the_keys_is_refused_and_makes_no_key(tmp_path):
    """Keys followed the working folder: from elsewhere charte made new ones and failed on InvalidTag."""
    first, other = tmp_path / "first", tmp_path / "other"
    first.mkdir()
    other.mkdir()
    database = {"CHARTE_DATABASE_URL": f"sqlite:///{first / '.charte' / 'charte.db'}"}
    assert charte("db", "upgrade", cwd=first, env={}).code == 0
    events = write(
        first / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1", access_instructions="code 1234"))]
    )
    assert charte("events", "import", events, cwd=first, env={}).code == 0
    shown = charte("persons", "show", "P1", cwd=other, env=database | DPO)
    assert shown.code == 1
    (line,) = shown.err.strip().splitlines()
    assert line.startswith("error: this database was written with the field key (fingerprint ")
    assert "which is not here (.charte/keys/fields.key): set CHARTE_FIELD_KEY to it, or CHARTE_HOME" in line
    assert not (other / ".charte" / "keys").exists()  # nothing made for a database that has keys
    wrong = charte("persons", "show", "P1", cwd=other,
                   env=database | DPO | {"CHARTE_FIELD_KEY": base64.b64encode(b"w" * 32).decode()})  # fmt: skip
    assert wrong.code == 1
    assert wrong.err.startswith(
        "error: the field key here (CHARTE_FIELD_KEY) is not the one this database was written with"
    )
    assert "Traceback" not in shown.err + wrong.err
    home = {"CHARTE_HOME": str(first / ".charte")}
    assert charte("persons", "show", "P1", cwd=other, env=database | DPO | home).code == 0  # the fix it names


def test_a_malformed_key_names_its_setting(tmp_path):
    """Every setting parsed with a clear error naming the variable, keys included."""
    assert charte("db", "upgrade", cwd=tmp_path, env={}).code == 0
    events = write(tmp_path / "e.jsonl", [signed("e1", "2025-01-01", "C1", person("P1"))])
    bad = charte("events", "import", events, cwd=tmp_path, env={"CHARTE_REF_KEY": "not base64!"})
    assert (bad.code, bad.err.strip()) == (1, "error: CHARTE_REF_KEY: the ref key is not base64")
    short = charte("events", "import", events, cwd=tmp_path, env={"CHARTE_FIELD_KEY": "c2hvcnQ="})
    assert (
        short.err.strip() == "error: CHARTE_FIELD_KEY: the field key must be 32 bytes, base64-encoded (not 5)"
    )
