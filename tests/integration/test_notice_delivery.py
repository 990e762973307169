"""A notice that cannot be delivered never stops a rights request: the step stands, recorded as not
sent with the reason, and the notice (with the letter of its step) is sent again once the relay is
back — against a real SMTP server on loopback that refuses, then accepts."""

from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes
from email.policy import default

import pytest
from fastapi.testclient import TestClient

from charte.adapters.notifier import SmtpNotifier
from charte.entrypoints.web import app as web
from charte.services import identity, rights
from charte.services.errors import NotSent, Refused
from tests.conftest import bearer, token
from tests.smtp import serving


class Relay:
    """The operator's relay: down (451 to every message) until told otherwise."""

    def __init__(self) -> None:
        self.down = True
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        if self.down:
            return "451 4.3.0 try again later"
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Relay()
    with serving(handler) as url:
        yield handler, url


def plugged(container, smtp) -> Relay:
    """The container sends through the relay, as with CHARTE_SMTP_URL set."""
    handler, url = smtp
    container.__dict__["notifier"] = SmtpNotifier(url, "dpo@ima.eu")
    return handler


@pytest.fixture
def relay(app, smtp):
    return plugged(app, smtp)


def desk(app):
    return app.rights_desk("dpo-anne", "dpo")


def opened(app, **overrides) -> int:
    fields = {"type_": "access", "received_on": date(2026, 11, 20), "channel": "email",
              "claimed_name": "Ana Roux", "contact": "ana.roux@example.org"} | overrides  # fmt: skip
    return rights.open_request(desk(app), **fields)["id"]


def test_a_refusing_relay_leaves_the_step_recorded_as_not_sent_and_resend_delivers_its_letter(app, relay):
    """GDPR Art. 12(3): the requester must be told; a relay failure is recorded and retried, never a traceback."""
    n = opened(app)
    asked = rights.ask_identity(desk(app), n, date(2026, 11, 23))
    assert (asked["status"], asked["not_sent"]) == ("awaiting_identity", "the relay refused the message")
    step = rights.show(desk(app), n)["timeline"][-1]
    assert (step["step"], step["detail"]["notice"]) == (
        "identity_asked",
        "not sent (the relay refused the message)",
    )
    assert len(asked["letters"]) == 2  # the letter stands, for the handler to post if need be
    rights.identity_received(desk(app), n, date(2026, 11, 24))
    extended = rights.extend(desk(app), n, date(2026, 11, 24), "volume exceptionnel")
    assert extended["not_sent"] == "the relay refused the message"
    again = rights.resend(desk(app), n)
    assert again["not_sent"] == "the relay refused the message"  # still down: both stay kept
    relay.down = False
    sent = rights.resend(desk(app), n)
    assert "not_sent" not in sent
    assert [p.rsplit("/", 1)[-1] for p in sent["letters"]] == [
        "01-courrier-identity_asked.pdf",
        "02-courrier-extended.pdf",
    ]
    assert [to for to, _ in relay.messages] == [["ana.roux@example.org"]] * 2
    first = message_from_bytes(relay.messages[0][1], policy=default)
    (attachment,) = list(first.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")
    assert [s["step"] for s in rights.show(desk(app), n)["timeline"]][-1] == "resent"
    with pytest.raises(Refused, match=f"every notice of request {n} was sent"):
        rights.resend(desk(app), n)


def test_a_code_that_could_not_be_sent_is_forgotten_and_never_kept_for_resending(coded, smtp):
    """A one-time code must never lie in a file: unsent, it is voided and a new one is sent instead."""
    app, relay = coded, plugged(coded, smtp)
    n = opened(app, person="P1")
    coded = identity.send_code(desk(app), n)
    assert coded["not_sent"] == "the relay refused the message"
    with pytest.raises(Refused):
        identity.verify(desk(app), n, "code", code="000000")
    assert list((app.settings.home / "answers").rglob("unsent-*")) == []
    relay.down = False
    assert "not_sent" not in identity.send_code(desk(app), n)
    assert len(relay.messages) == 1


def test_every_delivery_failure_is_a_not_sent_in_charte_s_words():
    """The relay's reply may quote the address back: the reason is charte's own, naming no value."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    notifier = SmtpNotifier(f"smtp://127.0.0.1:{port}", "dpo@ima.eu")
    with pytest.raises(NotSent, match=r"^the message could not be sent \(the relay could not be reached\)$"):
        notifier.send("ana@example.org", "s", "t")
    with pytest.raises(NotSent, match="not a valid e-mail address"):
        notifier.send("ana@example.org\r\nBcc: x@y.fr", "s", "t")
    with pytest.raises(NotSent, match="not an e-mail address: send the notice by post or SMS"):
        notifier.send("06 12 34 56 78", "s", "t")


def test_the_api_says_a_step_was_not_sent_and_resends_it(app, relay):
    """POST /api/v1/rights/{id}/resend: the same retry over HTTP, audited as a step."""
    n = opened(app)
    dpo = bearer(token(app, "dpo-web", role="dpo"))
    with TestClient(web.create_app(app)) as http:
        asked = http.post(f"/api/v1/rights/{n}/ask-identity", headers=dpo, json={"on": "2026-11-23"})
        assert (asked.status_code, asked.json()["not_sent"]) == (200, "the relay refused the message")
        relay.down = False
        sent = http.post(f"/api/v1/rights/{n}/resend", headers=dpo)
        assert (sent.status_code, sent.json()["not_sent"], sent.json()["letters"]) == (
            200, None, ["01-courrier-identity_asked.pdf"])  # fmt: skip
        assert http.post(f"/api/v1/rights/{n}/resend", headers=dpo).status_code == 422


def test_the_console_shows_a_notice_not_sent_and_sends_it_again(app, relay):
    """The DPO's request page says which step's notice did not go and why, and resends it."""
    from tests.integration.test_console_pages import account, csrf_of, signed_in

    n = opened(app)
    rights.ask_identity(desk(app), n, date(2026, 11, 23))
    account(app, "dpo-1", "dpo")
    http = signed_in(app, "dpo-1")
    page = http.get(f"/console/requests/{n}").text
    assert "avis non envoyé : le relais de messagerie a refusé le message" in page
    assert "Avis en attente d&#39;envoi : 1." in page
    relay.down = False
    sent = http.post(f"/console/requests/{n}/resend", data={"csrf": csrf_of(http)})
    assert sent.status_code == 303
    after = http.get(f"/console/requests/{n}").text
    assert 'id="resend"' not in after
    assert "Avis renvoyés au demandeur" in after
    assert len(relay.messages) == 1
