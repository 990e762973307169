"""The register's record of its keys, on both engines: recorded at first use, and a register
written before fingerprints were kept still never gets a second key."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import delete, select

from charte.adapters.db import tables
from charte.bootstrap import bootstrap
from charte.domain.keys import fingerprint
from charte.services.keys import KeyRefused
from tests.conftest import TODAY, run_import
from tests.fakes import FixedClock
from tests.feed import person, signed


def test_each_key_is_recorded_by_its_fingerprint_at_first_use_and_never_in_clear(app):
    """The register keeps an HMAC under each key, not the key: a database thief learns nothing."""
    run_import(
        app, [signed("e1", "2025-01-01", "C1", person("P1", iban="FR76"), access_instructions="code 1")]
    )
    with app.engine.connect() as conn:
        kept = dict(
            conn.execute(select(tables.key_fingerprints.c.name, tables.key_fingerprints.c.fingerprint)).all()
        )
    assert kept["field"] == fingerprint("field", app.field_key)
    assert {"field", "refs"} <= set(kept)
    assert app.field_key.hex() not in str(kept)


def test_a_register_sealed_before_fingerprints_were_kept_gets_no_second_field_key(app, tmp_path):
    """Sealed fields and no fingerprint (a charte older than them): from another folder, refused."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1"), access_instructions="code 1")])
    with app.engine.begin() as conn:
        conn.execute(delete(tables.key_fingerprints))  # as the register was before migration 0020
    elsewhere = bootstrap(dataclasses.replace(app.settings, home=tmp_path / "elsewhere", field_key=None),
                          clock=FixedClock(TODAY))  # fmt: skip
    with pytest.raises(
        KeyRefused, match="holds data made with the field key before its fingerprint was kept"
    ):
        _ = elsewhere.field_key
    assert not (tmp_path / "elsewhere" / "keys" / "fields.key").exists()
    assert (
        app.__class__(app.settings, FixedClock(TODAY)).field_key == app.field_key
    )  # the right key: recorded again
