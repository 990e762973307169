"""The access letter's consents: each consent to be solicited in words — for what, how reached,
when and how given, the text shown (its name, and its SHA-256 below the table: too long for a
cell), who collected it, when and how it ended, and until when its proof is kept (GDPR Art. 7(1),
15(1))."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from charte.domain.vocabulary import Language, SourceKind
from charte.services.documents import wording as w
from charte.services.documents import words
from charte.services.documents.access_wording import t as _t
from charte.services.documents.model import Block, Heading, Paragraph, Table

PARIS = ZoneInfo("Europe/Paris")
_KEYS = ("col.purpose", "col.channel", "col.given", "col.how", "col.text", "col.collected", "col.consent_end")


def consent_blocks(
    consents: list[dict[str, Any]], purpose: Callable[[str], str], lang: Language
) -> list[Block]:
    """The letter's section of the person's consents (``purpose``: a purpose id in words)."""
    if not consents:
        return []
    rows = tuple(
        (
            purpose(c["purpose"]),
            words.word("prospecting_channel", c["channel"], lang),
            _at(c["given_at"], lang),
            words.word("consent_method", c["method"], lang),
            c["text"]["name"],
            _t("consent.by.partner", lang, ref=c["source"].get("ref") or "")
            if c["source"]["kind"] == SourceKind.PARTNER.value
            else _t("consent.by.subject", lang),
            _t("consent.ended", lang, at=_at(c["withdrawn_at"], lang), how=_ended_by(c["withdrawn_by"], lang))
            if c["withdrawn_at"]
            else _t("consent.standing", lang),
        )
        for c in consents
    )
    blocks: list[Block] = [
        Heading(3, _t("h.consents", lang)),
        Table(tuple(_t(k, lang) for k in _KEYS), rows, key="consents"),
    ]
    texts = dict.fromkeys((c["text"]["name"], c["text"]["sha256"]) for c in consents)
    blocks += [Paragraph(_t("consent.text", lang, name=name, sha=sha)) for name, sha in texts]
    for c in consents:
        if c.get("kept_until"):
            day = w.day(date.fromisoformat(c["kept_until"]), lang)
            blocks.append(Paragraph(_t("consent.kept", lang, purpose=purpose(c["purpose"]), d=day)))
    return blocks


def _at(value: str, lang: Language) -> str:
    """An instant as the letter writes it: the day and the time in Paris."""
    local = datetime.fromisoformat(value).astimezone(PARIS)
    return _t("at", lang, d=w.day(local.date(), lang), t=local.strftime("%H:%M"))


def _ended_by(by: str | None, lang: Language) -> str:
    """How a consent ended: a route of the vocabulary, or through the operator's systems."""
    if by in words.KINDS["consent_end"]:
        return words.word("consent_end", by, lang)
    return words.word("consent_end", "feed", lang)
