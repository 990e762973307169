"""The feed's consent lines (docs/events.md): ``consent.given`` and ``consent.withdrawn``, read and
checked against the policy — a purpose resting on consent, one channel, the contact in its
canonical form, the text shown by its SHA-256, who collected it. Messages name keys, never values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NoReturn, Protocol, TypeVar

from charte.adapters.consent_contacts import BadContact, contact_for
from charte.domain.objections import consent_purpose
from charte.domain.policy import Policy
from charte.domain.prospecting import Channel, ConsentMethod, consent_source_refused
from charte.domain.register import ConsentGiven, ConsentText, ConsentWithdrawn, Envelope, LineError, Source
from charte.domain.vocabulary import SourceKind

E = TypeVar("E", bound=StrEnum)
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Line(Protocol):
    """The line being read (``event_feed``'s): its errors, and readers that record them."""

    errors: list[LineError]

    def error(self, field: str, message: str) -> None: ...

    def fail(self, field: str, message: str) -> NoReturn: ...

    def scope(
        self, value: Any, where: str, *, required: set[str] | frozenset[str], optional: frozenset[str]
    ) -> dict[str, Any]: ...

    def text(self, d: Mapping[str, Any], key: str, where: str) -> str: ...

    def ref(self, d: Mapping[str, Any], key: str) -> str: ...

    def choice(self, d: Mapping[str, Any], key: str, enum: type[E]) -> E: ...


def given(policy: Policy, d: Mapping[str, Any], env: Envelope, ctx: Line) -> ConsentGiven:
    purpose = _purpose(policy, d, ctx)
    channel = ctx.choice(d, "channel", Channel)
    method = ctx.choice(d, "method", ConsentMethod)
    t = ctx.scope(d.get("text"), "text", required={"name", "sha256"}, optional=frozenset())
    digest = t.get("sha256")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        ctx.error("text.sha256", "expected the SHA-256 of the text shown, as 64 lower-case hex digits")
    kind, ref = _source(policy, d.get("source"), ctx)
    contact = _contact(d, channel, ctx) if not ctx.errors else ""
    return ConsentGiven(
        env,
        ctx.ref(d, "person"),
        purpose,
        channel,
        contact,
        method,
        ConsentText(ctx.text(t, "name", "text"), str(digest)),
        Source(kind, ref),
    )


def withdrawn(policy: Policy, d: Mapping[str, Any], env: Envelope, ctx: Line) -> ConsentWithdrawn:
    purpose = _purpose(policy, d, ctx)
    channel = ctx.choice(d, "channel", Channel) if "channel" in d else None
    if "contact" in d and channel is None:
        ctx.error("contact", "a contact is withdrawn on its channel (channel)")
    contact = _contact(d, channel, ctx) if "contact" in d and channel and not ctx.errors else None
    return ConsentWithdrawn(env, ctx.ref(d, "person"), purpose, channel, contact)


def _purpose(policy: Policy, d: Mapping[str, Any], ctx: Line) -> str:
    purpose = d.get("purpose")
    if not isinstance(purpose, str) or purpose not in policy.purposes:
        ctx.error("purpose", f"{purpose!r} is not a purpose of the policy")
    elif not consent_purpose(policy, purpose):
        basis = policy.purposes[purpose].legal_basis.value
        ctx.error(
            "purpose",
            f"'{purpose}' does not rest on consent (its basis: {basis}): no consent to give or withdraw",
        )
    return str(purpose)


def _contact(d: Mapping[str, Any], channel: Channel, ctx: Line) -> str:
    """The contact a consent covers, in its canonical form (``adapters.consent_contacts``)."""
    value = d.get("contact")
    if not isinstance(value, str):
        ctx.fail("contact", "missing or not a non-empty string")
    try:
        return contact_for(channel, value)
    except BadContact as exc:
        ctx.fail("contact", str(exc))


def _source(policy: Policy, value: Any, ctx: Line) -> tuple[SourceKind, str | None]:
    """Who collected the consent: the person themselves, or a partner (named by its ref), as the
    policy's ``prospecting.consent.sources`` allow."""
    s = ctx.scope(value, "source", required={"kind"}, optional=frozenset({"ref"}))
    kind = ctx.choice(s, "kind", SourceKind)
    ref = s.get("ref")
    if ref is not None and (not isinstance(ref, str) or not ref.strip()):
        ctx.fail("source.ref", "not a non-empty string")
    refused = consent_source_refused(policy.prospecting, kind, ref)
    if refused is not None:
        ctx.error(*refused)
    return kind, ref
