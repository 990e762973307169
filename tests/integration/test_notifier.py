"""Notices and codes reach the requester: a file outbox in development, SMTP for real use."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from charte.adapters.notifier import FileOutbox, SmtpNotifier
from charte.services.errors import NotReady
from tests.smtp import serving


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with serving(inbox) as url:
        yield inbox, url


def test_a_notice_is_delivered_by_a_real_smtp_server_with_its_french_text_intact(smtp):
    """SMTP for real use."""
    inbox, url = smtp
    notifier = SmtpNotifier(url, "dpo@ima.eu")
    notifier.send(
        "ana@example.org", "Votre code de vérification", "Votre code pour la demande n° 7 : 123456."
    )
    ((sender, recipients, raw),) = inbox.messages
    assert (sender, recipients) == ("dpo@ima.eu", ["ana@example.org"])
    message = message_from_bytes(raw, policy=default)
    assert message["Subject"] == "Votre code de vérification"
    assert "demande n° 7 : 123456" in message.get_content()


def test_smtp_refuses_a_phone_number_rather_than_drop_the_notice():
    """A notice that cannot go by e-mail must not vanish: the handler is told to send it otherwise."""
    with pytest.raises(NotReady, match="not an e-mail address"):
        SmtpNotifier("smtp://127.0.0.1:25", "dpo@ima.eu").send("0612345678", "s", "t")
    with pytest.raises(NotReady, match="CHARTE_SMTP_URL must read"):
        SmtpNotifier("http://example.org", "dpo@ima.eu")


def test_the_file_outbox_keeps_each_message_readable_by_its_owner_only(tmp_path):
    """Development and tests: one JSON file per message, mode 0600."""
    outbox = FileOutbox(tmp_path / "mail")
    outbox.send("ana@example.org", "Objet", "Texte")
    (path,) = (tmp_path / "mail").iterdir()
    assert oct(path.stat().st_mode)[-3:] == "600"
    assert outbox.sent() == [
        {"to": "ana@example.org", "subject": "Objet", "text": "Texte", "attachments": []}
    ]


def test_the_file_outbox_keeps_a_letter_beside_its_message(tmp_path):
    """The letter goes with the notice; in development it lies beside it, mode 0600."""
    outbox = FileOutbox(tmp_path / "mail")
    outbox.send("ana@example.org", "Objet", "Texte", [("../01-courrier-refused.pdf", b"%PDF-1.7 ...")])
    (message,) = outbox.sent()
    assert message["attachments"] == ["000001-01-courrier-refused.pdf"]
    letter = tmp_path / "mail" / "000001-01-courrier-refused.pdf"
    assert letter.read_bytes() == b"%PDF-1.7 ..."
    assert oct(letter.stat().st_mode)[-3:] == "600"


def test_smtp_sends_the_letter_as_a_pdf_attachment(smtp):
    """The requester receives the letter itself, as PDF, with the notice."""
    inbox, url = smtp
    SmtpNotifier(url, "dpo@ima.eu").send(
        "ana@example.org",
        "Refus motivé",
        "Nous ne pouvons donner suite.",
        [("01-courrier-refused.pdf", b"%PDF-1.7 x")],
    )
    ((_, _, raw),) = inbox.messages
    message = message_from_bytes(raw, policy=default)
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "01-courrier-refused.pdf"
    assert attachment.get_content() == b"%PDF-1.7 x"
    assert "Nous ne pouvons donner suite." in message.get_body(("plain",)).get_content()
