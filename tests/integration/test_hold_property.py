"""Property: no unit under a hold is ever erased, whatever the event order."""

from __future__ import annotations

import base64
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from charte.adapters.db import migrate, tables
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.services.retention import sweep
from tests.conftest import run_import
from tests.fakes import FixedClock
from tests.feed import collected, contacted, designated, ended, person, removed, signed

TODAY = date(2026, 11, 26)
LIFECYCLE = [
    collected("p1", "2019-01-10", person("P1", last_name="Roux")),
    contacted("p2", "2019-02-01", "P1"),
    signed("p3", "2019-03-01", "C1", "P1"),
    designated("p4", "2019-03-02", "S1", person("T1", first_name="Luc")),
    removed("p5", "2020-05-10", "S1", "T1"),
    ended("p6", "2020-06-30", "C1"),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(0, len(LIFECYCLE)),
    target=st.sampled_from([("persons", "P1"), ("persons", "T1"), ("contracts", "C1")]),
    judged=st.booleans(),
    sweep_on=st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
)
def test_no_held_unit_is_erased_whatever_the_event_order(position, target, judged, sweep_on):
    """The case may be opened before, between or after the lifecycle events; while it is open with
    no release, nothing it names is erased by any sweep."""
    kind, ref = target
    opened = {"id": "l1", "type": "litigation.opened", "at": "2019-01-01",
              "case": {"ref": "LIT", "kind": "civil", kind: [ref]}}  # fmt: skip
    events = [*LIFECYCLE[:position], opened, *LIFECYCLE[position:]]
    if judged:  # a judgment not served yet: civil, so held until 2 years after pronouncement
        events.append({"id": "l2", "type": "litigation.judgment", "at": "2026-06-01", "case": "LIT",
                       "pronounced_on": "2026-06-01", "recourse": "appeal"})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        settings_ = Settings(
            shipped_policy_path(), Path(tmp), f"sqlite:///{tmp}/c.db", base64.b64encode(b"k" * 32).decode()
        )
        app = bootstrap(settings_, clock=FixedClock(TODAY))
        migrate.upgrade(app.engine)
        assert run_import(app, events).errors == []
        sweep(sweeper=app.eraser(), as_of=sweep_on, today=TODAY)
        with app.engine.connect() as conn:
            left = set(conn.execute(select(tables.persons.c.ref)).scalars())
            contracts = set(conn.execute(select(tables.contracts.c.ref)).scalars())
        app.engine.dispose()
    if kind == "persons":
        assert ref in left  # held whole: every unit of the person is kept
    else:
        assert "C1" in contracts  # the contract's client unit is kept, so is the contract
        assert "P1" in left
