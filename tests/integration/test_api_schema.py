"""schemathesis over the whole OpenAPI of /api/v1: no 5xx, answers match the schema.

A bounded run in CI (a few examples per operation, on SQLite and PostgreSQL, with a DPO's token and purpose so
that reads get past authentication); `CHARTE_SCHEMATHESIS_EXAMPLES=200` for a longer run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from charte.entrypoints.web import app as web
from tests.conftest import bearer, run_import, token
from tests.feed import designated, person, signed

EXAMPLES = int(os.environ.get("CHARTE_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def wired(app):
    run_import(app, [signed("e1", "2025-02-01", "C1", person("P1", first_name="Ana")),
                     designated("e2", "2025-02-02", "S1", person("T1", first_name="Luc"))])  # fmt: skip
    return web.create_app(app), bearer(token(app, "schemathesis-dpo", role="dpo"), "rights_handling")


def test_no_operation_answers_5xx_or_off_its_schema(wired):
    """Every /api/v1 operation, with generated inputs: no server error, status and body as documented."""
    app, headers = wired
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1"):
            continue
        operations.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        run()
    assert len(operations) >= 6, operations
