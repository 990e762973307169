"""/api/v1/breaches: the breach register for the DPO's team (docs/breaches.md).

Every route is for the roles of ``breaches.handled_by``; every step is audited. The breach's words
are the DPO team's; the persons a scope found are listed by `GET /{breach}/persons` only, each
listing audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from charte.bootstrap import Container
from charte.domain.breaches import Compromised, Declared, Phase
from charte.domain.vocabulary import Language
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling
from charte.entrypoints.web.schemas import (
    AssessIn,
    BreachIn,
    CloseIn,
    DecisionIn,
    NotificationIn,
    PublicIn,
    ResetIn,
    RevokeIn,
    ScopeIn,
)
from charte.services import breach_actions, breach_notices, breach_scope, breaches
from charte.services.breach_records import NewBreach
from charte.services.breach_scope import Item
from charte.services.errors import Refused

BreachId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The breach's number.")]


def _role(actor: Any) -> str:
    if actor.role is None:
        raise Refused("a system keeps no breach register: call with a person's token")
    return str(actor.role)


def _phase(value: str) -> Phase:
    try:
        return Phase(value)
    except ValueError:
        raise Refused(f"phase: one of {', '.join(p.value for p in Phase)}") from None


def _kind(value: str) -> Compromised:
    try:
        return Compromised(value)
    except ValueError:
        raise Refused(f"items.kind: one of {', '.join(c.value for c in Compromised)}") from None


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/breaches", tags=["breaches"], responses=problems.documented())

    def keeper() -> breaches.Keeper:
        return container.breach_keeper()

    @api.post("", status_code=201, openapi_extra=NO_PERSONAL)
    def open_breach(body: BreachIn, actor: Calling) -> dict[str, Any]:
        """Record a breach (GDPR Art. 33(5)) and start its 72-hour clock (Art. 33(1), Reg. 1182/71
        art. 3: counted in hours, never rolled past a weekend or holiday)."""
        new = NewBreach(
            title=body.title,
            discovered_at=body.discovered_at,
            discovered_by=body.discovered_by,
            aware_at=body.aware_at or body.discovered_at,
            natures=breaches.natures_of(body.natures),
            processor=body.processor,
            facts=body.facts.model_dump(exclude_none=True),
        )
        return breaches.open_breach(keeper(), actor=actor.name, role=_role(actor), new=new)

    @api.get("", openapi_extra=NO_PERSONAL)
    def list_breaches(actor: Calling, open_only: bool = False) -> list[dict[str, Any]]:
        """The register, each breach with its status and the hours left before the prudent target."""
        return breaches.list_breaches(keeper(), actor=actor.name, role=_role(actor), open_only=open_only)

    @api.get("/{breach}", openapi_extra=NO_PERSONAL)
    def show(breach: BreachId, actor: Calling) -> dict[str, Any]:
        """One breach whole: facts, clock, assessment, the scope's counts, decisions, timeline."""
        return breaches.show(keeper(), actor=actor.name, role=_role(actor), breach=breach)

    @api.post("/{breach}/scope", openapi_extra=NO_PERSONAL)
    async def scope(breach: BreachId, body: ScopeIn, actor: Calling) -> dict[str, Any]:
        """Who was affected, from the audit and the disclosure ledger, after verifying the audit
        chain over the window (a broken chain is flagged in `scope.chain`). Counts only."""
        items = [Item(_kind(i.kind), i.name, i.number, i.since, i.until) for i in body.items]
        return await run_in_threadpool(
            breach_scope.compute,
            keeper(),
            source=container.breach_scope(),
            audit_store=container.audit_store(),
            checkpoints=container.auditor.checkpoints,
            actor=actor.name,
            role=_role(actor),
            breach=breach,
            items=items,
        )

    @api.get("/{breach}/persons", openapi_extra=PERSONAL)
    def persons(
        breach: BreachId,
        actor: Calling,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> dict[str, Any]:
        """A page of the persons the scope found (refs, fields reached), each listing audited."""
        return breaches.affected(
            keeper(), actor=actor.name, role=_role(actor), breach=breach, limit=limit, offset=offset
        )

    @api.post("/{breach}/assess", openapi_extra=NO_PERSONAL)
    def assess(breach: BreachId, body: AssessIn, actor: Calling) -> dict[str, Any]:
        """What charte proposes (EDPB Guidelines 9/2022 § IV.B): the DPO decides after."""
        declared = Declared(
            frozenset(breaches.natures_of(body.natures)), body.vulnerable, body.unintelligible,
            body.mitigated, body.restored,
        )  # fmt: skip
        return breaches.assess(
            keeper(), actor=actor.name, role=_role(actor), breach=breach, declared=declared,
            facts=body.facts.model_dump(exclude_none=True),
        )  # fmt: skip

    @api.post("/{breach}/decide", openapi_extra=NO_PERSONAL)
    def decide(breach: BreachId, body: DecisionIn, actor: Calling) -> dict[str, Any]:
        """The DPO's decisions with their reasons (GDPR Art. 33(5))."""
        return breaches.decide(
            keeper(), actor=actor.name, role=_role(actor), breach=breach, notify_cnil=body.notify_cnil,
            notify_cnil_why=body.notify_cnil_why, tell_persons=body.tell_persons,
            tell_persons_why=body.tell_persons_why,
        )  # fmt: skip

    @api.post("/{breach}/notify", openapi_extra=NO_PERSONAL)
    def notify(breach: BreachId, body: NotificationIn, actor: Calling) -> dict[str, Any]:
        """A notification to the CNIL or a phase of it (Art. 33(4)); after the 72 hours, with the
        reasons for the delay (Art. 33(1))."""
        return breaches.notify_cnil(
            keeper(), actor=actor.name, role=_role(actor), breach=breach, at=body.at,
            phase=_phase(body.phase), reference=body.reference, delay_reasons=body.delay_reasons,
        )  # fmt: skip

    @api.post("/{breach}/draft", openapi_extra=NO_PERSONAL)
    def draft(breach: BreachId, actor: Calling, phase: str = "initial") -> dict[str, Any]:
        """The CNIL notification's draft (GDPR Art. 33(3)), in French, as JSON (and HTML and PDF in
        the breach's folder on the server)."""
        return breach_notices.draft_cnil(
            keeper(), letters=container.letters(), folder=container.breach_folder(), actor=actor.name,
            role=_role(actor), breach=breach, phase=_phase(phase),
        )  # fmt: skip

    @api.post("/{breach}/tell", openapi_extra=NO_PERSONAL)
    async def tell(breach: BreachId, actor: Calling, lang: Language | None = None) -> dict[str, Any]:
        """Send the Art. 34 letter to each person of the scope not told yet; counts only."""
        return await run_in_threadpool(
            breach_notices.tell_persons,
            keeper(),
            recipients=container.breach_store(),
            notifier=container.notifier,
            letters=container.letters(),
            folder=container.breach_folder(),
            actor=actor.name,
            role=_role(actor),
            breach=breach,
            lang=lang,
        )

    @api.post("/{breach}/public", openapi_extra=NO_PERSONAL)
    def public(breach: BreachId, body: PublicIn, actor: Calling) -> dict[str, Any]:
        """The public communication (GDPR Art. 34(3)(c)), rendered in the breach's folder."""
        return breach_notices.public_communication(
            keeper(), letters=container.letters(), folder=container.breach_folder(), actor=actor.name,
            role=_role(actor), breach=breach, where=body.where, lang=body.lang,
        )  # fmt: skip

    @api.post("/{breach}/revoke-actor", openapi_extra=NO_PERSONAL)
    def revoke_actor(breach: BreachId, body: RevokeIn, actor: Calling) -> dict[str, Any]:
        """Revoke the actor whose token or password was compromised, at once."""
        return breach_actions.revoke_actor(
            keeper(), actors=container.actors(), actor=actor.name, role=_role(actor), breach=breach,
            name=body.actor,
        )  # fmt: skip

    @api.post("/{breach}/reset-passwords", openapi_extra=NO_PERSONAL)
    def reset_passwords(breach: BreachId, body: ResetIn, actor: Calling) -> dict[str, Any]:
        """Force new console passwords (the named actors', or everyone's when `actors` is null)."""
        return breach_actions.reset_passwords(
            keeper(), actors=container.actors(), actor=actor.name, role=_role(actor), breach=breach,
            names=body.actors,
        )  # fmt: skip

    @api.post("/{breach}/rotate-codes", openapi_extra=NO_PERSONAL)
    def rotate_codes(breach: BreachId, actor: Calling) -> dict[str, Any]:
        """Order the systems holding the sites' access codes to change those the scope found
        reached (an `access_codes.rotate` order per person and system)."""
        return breach_actions.rotate_codes(
            keeper(), reached=container.breach_store(), outbox=container.outbox(), actor=actor.name,
            role=_role(actor), breach=breach,
        )  # fmt: skip

    @api.post("/{breach}/close", openapi_extra=NO_PERSONAL)
    def close(breach: BreachId, body: CloseIn, actor: Calling) -> dict[str, Any]:
        """Close the breach once both decisions are recorded; kept per `breaches.keep_for`."""
        return breaches.close(
            keeper(), actor=actor.name, role=_role(actor), breach=breach, summary=body.summary
        )

    return api
