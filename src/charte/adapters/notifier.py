"""Delivering notices and codes to requesters: a file outbox (development, tests) or SMTP.

Both implement ``services.rights_desk.Notifier``. The file outbox writes one JSON file per message
(mode 0600) into a folder, in sending order, so that a developer or a test reads exactly what would
have been sent, a letter attached as a file beside it. SMTP sends through the operator's relay
(``CHARTE_SMTP_URL``: ``smtp://user:password@host:587`` with STARTTLS, ``smtps://...`` for implicit
TLS), the letters as PDF attachments. A message to a
phone number (no ``@``) cannot go by e-mail: SMTP refuses it rather than drop it silently.

Every failure to deliver is a ``NotSent`` saying what failed in charte's words — never the relay's
reply, which may quote the address back — so that the step is recorded as not sent and the notice
kept to send again (``charte rights resend``), never a traceback.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from charte.adapters.private_files import private_folder
from charte.services.errors import NotReady, NotSent


class FileOutbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, to: str, subject: str, text: str, attachments: Sequence[tuple[str, bytes]] = ()) -> str:
        """Write the message as the next numbered file, its attachments beside it (``NNNNNN-name``);
        two senders at once never share a number (O_EXCL: the one that loses takes the next)."""
        private_folder(self.folder)
        number = len(list(self.folder.glob("*.json")))
        while True:
            number += 1
            path = self.folder / f"{number:06d}.json"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            break
        names = [f"{path.stem}-{Path(name).name}" for name, _ in attachments]
        for (_, content), name in zip(attachments, names, strict=True):
            with os.fdopen(
                os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb"
            ) as out:
                out.write(content)
        message = {"to": to, "subject": subject, "text": text, "attachments": names}
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(message, handle, ensure_ascii=False, indent=2)
        return path.name

    def sent(self) -> list[dict[str, str]]:
        """Every message written, oldest first (what tests read)."""
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.folder.glob("*.json"))]


class SmtpNotifier:
    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise NotReady("CHARTE_SMTP_URL must read smtp://[user:password@]host[:port] or smtps://...")
        self.implicit_tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.implicit_tls else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender

    def send(self, to: str, subject: str, text: str, attachments: Sequence[tuple[str, bytes]] = ()) -> str:
        if "@" not in to:
            raise NotSent("the contact is not an e-mail address: send the notice by post or SMS")
        message = EmailMessage()
        try:
            message["From"], message["To"], message["Subject"] = self.sender, to, subject
        except ValueError:  # a header with a line break: refused at intake, but older rows may hold one
            raise NotSent("the contact is not a valid e-mail address") from None
        message.set_content(text)
        for name, content in attachments:  # the letters: PDF
            message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
        try:
            return self._transmit(message)
        except smtplib.SMTPRecipientsRefused:
            raise NotSent("the relay refused the address") from None
        except smtplib.SMTPAuthenticationError:
            raise NotSent("the relay refused charte's login: check CHARTE_SMTP_URL") from None
        except smtplib.SMTPServerDisconnected:
            raise NotSent("the relay closed the connection") from None
        except smtplib.SMTPException:
            raise NotSent("the relay refused the message") from None
        except OSError:  # refused, unreachable, timed out, TLS failed
            raise NotSent("the relay could not be reached") from None

    def _transmit(self, message: EmailMessage) -> str:
        context = ssl.create_default_context()
        if self.implicit_tls:
            with smtplib.SMTP_SSL(self.host, self.port, context=context, timeout=30) as smtp:
                self._deliver(smtp, message)
        else:
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                self._deliver(smtp, message)
        return str(message["Message-ID"] or "")

    def _deliver(self, smtp: smtplib.SMTP, message: EmailMessage) -> None:
        if self.user and self.password:
            smtp.login(self.user, self.password)
        smtp.send_message(message)
