"""Shared fixtures: the shipped policy, fixture policies, and the external services tests may need."""

from __future__ import annotations

import base64
import io
import json
import os
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, text, update

from charte.adapters.db import migrate, tables
from charte.adapters.db.engine import make_engine
from charte.adapters.db.tables import metadata
from charte.adapters.policy_file import YamlPolicyLoader
from charte.bootstrap import Container, bootstrap
from charte.config import Settings, shipped_policy_path
from charte.domain.policy import Policy
from charte.services.actors import add_actor
from charte.services.importing import ImportReport, import_events
from charte.services.ports import LoadedPolicy
from tests.fakes import FixedClock
from tests.feed import person, signed

FIXTURES = Path(__file__).parent / "fixtures"
POLICIES = FIXTURES / "policies"
REPO = Path(__file__).parent.parent


def load(path: Path) -> LoadedPolicy:
    return YamlPolicyLoader(default=path).load()


@pytest.fixture(scope="session")
def shipped() -> Policy:
    """The policy that encodes the seed charter."""
    return load(shipped_policy_path()).policy


@pytest.fixture(scope="session")
def minimal() -> Policy:
    return load(POLICIES / "minimal.yaml").policy


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database on each engine charte supports: SQLite, and PostgreSQL when configured.

    Each PostgreSQL test gets a schema of its own (through search_path), dropped afterwards.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'charte.db'}"
        return
    base = os.environ.get("CHARTE_TEST_DATABASE_URL")
    if not base:
        pytest.skip("CHARTE_TEST_DATABASE_URL is not set (.ci/run sets it to the local PostgreSQL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


TEST_KEY = base64.b64encode(b"k" * 32).decode()
TODAY = date(2026, 11, 26)


@pytest.fixture
def app(db_url, tmp_path) -> Iterator[Container]:
    """charte wired on a migrated test database, the shipped policy and a fixed clock."""
    settings = Settings(
        policy_path=shipped_policy_path(), home=tmp_path / "home", database_url=db_url, field_key=TEST_KEY
    )
    container = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(container.engine)
    yield container
    container.engine.dispose()
    if "audit_engine" in container.__dict__:  # built on first use, a database of its own on SQLite
        container.audit_engine.dispose()


def pdf_text(path: Path | str) -> str:
    """The text of a PDF letter as a reader sees it, lines joined with single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(Path(path).read_bytes()), strict=True)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def run_import(app: Container, events: list[dict | str], **options) -> ImportReport:
    """Import events (dicts become JSON lines; strings are taken as raw lines)."""
    lines = [e if isinstance(e, str) else json.dumps(e) for e in events]
    source = io.BytesIO(("\n".join(lines) + "\n").encode())
    return import_events(source=source, parser=app.feed_reader(), store=app.register_store(), **options)


def count_rows(app: Container) -> dict[str, int]:
    with app.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def token(
    app: Container, name: str, *, role: str | None = None, system: str | None = None, trained: bool = True
) -> str:
    """A new API actor's bearer token; a staff account is trained the day before (GDPR Art. 24(1):
    staff read only with a current training), unless ``trained=False``."""
    secret = add_actor(
        actors=app.actors(),
        gate=app.gate,
        systems=frozenset(app.policy.systems),
        clock=app.clock,
        name=name,
        role=role,
        system=system,
        by="test",
    )
    if trained and role is not None and app.policy.training is not None:
        train(app, name)
    return secret


def train(app: Container, name: str, on: date | None = None) -> None:
    """Record that ``name`` completed the policy's first course (by the DPO's team)."""
    from charte.services import training

    rule = app.policy.training
    assert rule is not None
    desk = app.training_desk()
    training.record(
        desk,
        actor=name,
        course=rule.courses[0],
        completed_on=on or app.clock.today() - timedelta(days=1),
        by="test",
        role=rule.managed_by[0],
    )


def as_dpo(app: Container) -> dict:
    """What `charte retention schedule --as dpo` passes: the schedule names persons."""
    return {
        "queries": app.retention_queries(),
        "gate": app.gate,
        "auditor": app.auditor,
        "actor": "test",
        "role": "dpo",
    }


def orders_as_dpo(app: Container) -> dict:
    """What `charte outbox list --as dpo --purpose rights_handling` passes (orders are audited reads)."""
    from charte.services.outbox import OrderReader

    return {
        "outbox": app.outbox(),
        "policy": app.policy,
        "gate": app.gate,
        "auditor": app.auditor,
        "reader": OrderReader("test", role="dpo", purpose="rights_handling"),
    }


def bearer(secret: str, purpose: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {secret}"}
    return headers | ({"X-Charte-Purpose": purpose} if purpose else {})


def restrict(app: Container, ref: str, ground: str = "accuracy", since: date = TODAY) -> None:
    """Set the GDPR Art. 18 restriction flag as a restriction request does."""
    with app.engine.begin() as conn:
        done = conn.execute(
            update(tables.persons)
            .where(tables.persons.c.ref == ref)
            .values(restricted_since=since, restriction_ground=ground)
        )
    assert done.rowcount == 1, ref


@pytest.fixture
def coded(db_url, tmp_path):
    """The shipped policy with codes and client numbers allowed (GDPR Art. 12(6): any means)."""
    document = yaml.safe_load(shipped_policy_path().read_text(encoding="utf-8"))
    document["rights"]["identity_verification"].update(
        {"methods": ["code", "client_number", "document"], "document_required": "when_in_doubt"}
    )
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    settings = Settings(policy_path=path, home=tmp_path / "home", database_url=db_url, field_key=TEST_KEY)
    container = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(container.engine)
    run_import(container, [signed("e1", "2025-01-01", "C1", person(
        "P1", last_name="Roux", email="ana@example.org", client_number="CL-0042"))])  # fmt: skip
    yield container
    container.engine.dispose()


def raw_person(app: Container, ref: str) -> dict | None:
    """A person as the register holds them (``PersonView``), as plain data for assertions: the
    shape the gate's shaped view also has (roles with their source, field sources as lists)."""
    found = app.register_queries().person(ref)
    if found is None:
        return None
    return {
        "ref": found.ref,
        "restricted": found.restricted.as_dict() if found.restricted else None,
        "fields": dict(found.fields),
        "field_sources": {f: list(kinds) for f, kinds in found.field_sources.items()},
        "roles": [r.as_dict() for r in found.roles],
        "contracts": [
            {
                "ref": c.ref,
                "offer": c.offer,
                "site": c.site,
                "partner": c.partner,
                "prescriber": c.prescriber,
                "signed_on": c.signed_on,
                "ended_on": c.ended_on,
            }
            for c in found.contracts
        ],
        "sites": [{"ref": s.ref, "fields": dict(s.fields)} for s in found.sites],
        "contact_log": [x.as_dict() for x in found.contact_log],
    }
