"""Rotating the field key: every sealed field and identity document re-sealed under the new key in
one transaction, its fingerprint recorded, the old key refused from then on — on both engines."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from sqlalchemy import select

from charte.adapters.db import tables
from charte.bootstrap import bootstrap
from charte.services import identity, rights
from charte.services.keys import KeyRefused
from tests.conftest import TODAY, raw_person, run_import
from tests.fakes import FixedClock
from tests.feed import person, signed
from tests.integration.test_audit import entries

NEW = base64.b64encode(b"n" * 32).decode()


def sealed(app) -> list[str]:
    with app.engine.connect() as conn:
        site = conn.execute(
            select(tables.site_fields.c.value).where(tables.site_fields.c.field == "access_instructions")
        )
        payment = conn.execute(
            select(tables.person_fields.c.value).where(tables.person_fields.c.field == "iban")
        )
        return [*site.scalars(), *payment.scalars()]


def test_rotation_reseals_every_field_and_document_and_only_the_new_key_opens_them(app):
    """Art. 32(1)(a): the key of the encryption can be changed; nothing is left under the old one."""
    run_import(
        app,
        [signed("e1", "2025-01-01", "C1", person("P1", iban="FR7612345"), access_instructions="code 4321")],
    )
    desk = app.rights_desk("dpo-1", "dpo")
    n = rights.open_request(desk, type_="access", received_on=TODAY, channel="post", claimed_name="Ana",
                            contact="a@b.fr", person="P1")["id"]  # fmt: skip
    identity.attach_document(desk, n, b"%PDF-1.4 identity card")
    before = sealed(app)
    done = app.rotate_field_key("CHARTE_NEW_FIELD_KEY", NEW, "admin")
    assert (done["person_fields"], done["site_fields"], done["documents"]) == (1, 1, 1)
    after = sealed(app)
    assert len(after) == 2
    assert set(after).isdisjoint(before)
    rotated = bootstrap(dataclasses.replace(app.settings, field_key=NEW), clock=FixedClock(TODAY))
    shown = raw_person(rotated, "P1")
    assert shown["fields"]["iban"] == "FR7612345"
    assert identity.document(rotated.rights_desk("dpo-1", "dpo"), n) == b"%PDF-1.4 identity card"
    stale = bootstrap(app.settings, clock=FixedClock(TODAY))  # a process still holding the old key
    with pytest.raises(
        KeyRefused, match=r"the field key here .* is not the one this database was written with"
    ):
        _ = stale.field_key
    (rotation,) = [e for e in entries(app) if e["action"] == "key"]
    assert rotation["detail"] == {"key": "field", "fingerprint": done["fingerprint"], "person_fields": 1,
                                  "site_fields": 1, "documents": 1}  # fmt: skip
    assert NEW not in json.dumps(rotation)


def test_a_rotation_to_the_same_key_or_a_malformed_one_changes_nothing(app):
    """Refused in one line naming the variable; the register untouched."""
    run_import(app, [signed("e1", "2025-01-01", "C1", person("P1"), access_instructions="code 4321")])
    before = sealed(app)
    same = base64.b64encode(app.field_key).decode()
    with pytest.raises(KeyRefused, match="the new field key is the one in use"):
        app.rotate_field_key("CHARTE_NEW_FIELD_KEY", same, "admin")
    with pytest.raises(KeyRefused, match="CHARTE_NEW_FIELD_KEY: the new field key must be 32 bytes"):
        app.rotate_field_key("CHARTE_NEW_FIELD_KEY", "c2hvcnQ=", "admin")
    with pytest.raises(KeyRefused, match="CHARTE_NEW_FIELD_KEY is not set"):
        app.rotate_field_key("CHARTE_NEW_FIELD_KEY", "", "admin")
    assert sealed(app) == before
