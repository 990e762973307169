"""Public inputs are bounded before they are parsed: a body over its route's limit is refused with
413 before the multipart parser, the CSRF check or the rate limit see it, and no more than the limit
is ever read. Driven at the ASGI layer, counting what the app pulls (an HTTP client would buffer)."""

from __future__ import annotations

import json

import anyio
import pytest
import yaml

from charte.adapters.db import migrate
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.entrypoints.web import app as web
from charte.entrypoints.web import body_limits
from tests.conftest import TEST_KEY, TODAY
from tests.fakes import FixedClock

CHUNK = 64 * 1024


# A file part that never ends: what a multipart parser would spool to disk as it comes.
FILE_PART = b'--b\r\nContent-Disposition: form-data; name="document"; filename="id.pdf"\r\nContent-Type: application/pdf\r\n\r\n'


def post(app, path: str, total: int, *, content_type: str, length: bool) -> tuple[int, dict, int]:
    """POST ``total`` bytes to ``path`` in chunks: (status, problem, bytes the app pulled)."""
    pulled, sent = 0, []
    head = FILE_PART if content_type.startswith("multipart/") else b""

    async def receive():
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        size = min(CHUNK, total - pulled)
        body = (head + b"x" * size)[:size] if pulled == 0 else b"x" * size
        pulled += size
        return {"type": "http.request", "body": body, "more_body": pulled < total}

    async def send(message):
        sent.append(message)

    headers = [(b"content-type", content_type.encode()), (b"host", b"testserver")]
    if length:
        headers.append((b"content-length", str(total).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}  # fmt: skip
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    kind = dict(start["headers"]).get(b"content-type", b"").decode()
    answer = json.loads(body) if kind == "application/problem+json" else {"page": body.decode(), "type": kind}
    return start["status"], answer, pulled


@pytest.fixture
def served(tmp_path):
    document = yaml.safe_load(shipped_policy_path().read_text(encoding="utf-8"))
    document["rights"]["identity_verification"]["document_max_bytes"] = 200_000
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    settings = Settings(policy_path=policy, home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'c.db'}",
                        field_key=TEST_KEY, audio_max_bytes=300_000)  # fmt: skip
    app = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(app.engine)
    yield web.create_app(app)
    app.engine.dispose()


GIB = 1024**3


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "chunked"])
def test_a_gibibyte_upload_to_the_portal_without_cookie_or_csrf_is_refused_having_read_at_most_its_limit(
    served, length
):
    """Brief (bounded public inputs): the portal's upload reads no more than the policy's document
    limit and the form around it, whatever is sent and by whom."""
    limit = 200_000 + body_limits.MULTIPART_OVERHEAD
    status, problem, pulled = post(served, "/portal/suivi/document", GIB,
                                   content_type="multipart/form-data; boundary=b", length=length)  # fmt: skip
    assert status == 413
    assert problem["type"].startswith("text/html")  # the data subject gets a page, not JSON
    assert (
        "Le fichier envoyé est trop volumineux." in problem["page"]
    )  # the visitor's words, not the engine's
    assert pulled <= (0 if length else limit + CHUNK)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/login", "application/x-www-form-urlencoded"), ("/portal/demande", "application/x-www-form-urlencoded"),
     ("/api/v1/rights", "application/json"), ("/api/v1/disclosures", "application/json"),
     ("/console/holds/place", "application/x-www-form-urlencoded")],
)  # fmt: skip
def test_forms_and_json_bodies_are_bounded_small_before_anything_else_runs(served, path, content_type):
    """Brief: bounded before parsed — no authentication, CSRF or rate limit runs on an oversized body."""
    status, problem, pulled = post(served, path, 10 * 1024 * 1024, content_type=content_type, length=False)
    assert status == 413
    if path.startswith("/api/"):
        assert problem["title"] == "Body too large"
    else:  # a page, in the console's or the portal's frame, titled in the page's language
        assert "<h1>Trop volumineux</h1>" in problem["page"]
    assert pulled <= body_limits.FORMS_AND_JSON + CHUNK


def test_routes_that_take_more_take_their_own_limit(served):
    """Audio follows CHARTE_AUDIO_MAX_BYTES, identity documents the policy, events 200 MB."""
    for path, limit in (("/api/v1/calls/C1/audio", 300_000), ("/api/v1/rights/1/document", 200_000)):
        status, problem, _ = post(
            served, path, limit + 1, content_type="application/octet-stream", length=True
        )
        assert (status, problem["detail"].split(" (")[0]) == (413, f"request body larger than {limit} bytes")
        below, _, _ = post(served, path, limit - 1, content_type="application/octet-stream", length=True)
        assert below == 401  # read, then refused for want of a token: the limit let it through
    events, _, _ = post(
        served, "/api/v1/events", 5 * 1024 * 1024, content_type="application/x-ndjson", length=True
    )
    assert events == 401
