"""The demo register: realistic, deterministic, and valid for the shipped policy."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date

from charte.adapters.demo_register import DemoRegister
from charte.services.importing import import_events
from charte.services.queries import PersonFilter

TODAY = date(2026, 11, 26)


def generate(seed: int, persons: int) -> tuple[str, int]:
    out = io.StringIO()
    stats = DemoRegister(seed=seed, today=TODAY).write(out, persons)
    return out.getvalue(), stats.persons


def test_the_same_seed_and_date_give_the_same_register():
    """Deterministic for a given seed, so a demo or a benchmark can be rebuilt exactly."""
    assert generate(3, 200) == generate(3, 200)
    assert generate(3, 200) != generate(4, 200)


def test_the_demo_register_has_every_kind_of_person_and_event():
    """Prospects with contact histories, active and ended contracts, trusted persons, other contacts."""
    text, persons = generate(5, 600)
    events = [json.loads(line) for line in text.splitlines()]
    kinds = Counter(e["type"] for e in events)
    assert set(kinds) == {"prospect.collected", "prospect.contacted", "contract.signed", "contract.ended",
                          "trusted_person.designated", "trusted_person.removed", "contact.registered",
                          "consent.given", "consent.withdrawn"}  # fmt: skip
    assert persons >= 600
    assert max(e["at"] for e in events) <= TODAY.isoformat()
    assert min(e["at"] for e in events if e["type"] == "contract.signed") >= "2016-11-26"  # over ten years


def test_the_demo_register_imports_without_a_single_refused_line(app):
    """Every generated event passes the shipped policy's allow-lists and the register's rules."""
    text, persons = generate(11, 400)
    report = import_events(
        source=io.BytesIO(text.encode()), parser=app.feed_reader(), store=app.register_store()
    )
    assert (report.errors, report.committed) == ([], True)
    total, _ = app.register_queries().persons(PersonFilter(limit=1))
    assert total == persons
