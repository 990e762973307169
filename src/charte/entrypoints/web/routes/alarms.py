"""/api/v1/alarms: alarms raised by the monitoring software, handled by the station's operators.

The monitoring software (a system actor) raises an alarm on a site; an operator (a person actor
reading under the policy's alarm purpose, ``X-Charte-Purpose: alarm_handling``) takes it, which
opens a session bound to them; inside it they see the site's instructions and trusted persons,
record call attempts, dispatch a provider, and close it (docs/alarms.md).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from charte.bootstrap import Container
from charte.entrypoints.web import problems
from charte.entrypoints.web.audited_reads import NO_PERSONAL, PERSONAL
from charte.entrypoints.web.auth import Calling, Reading
from charte.entrypoints.web.schemas import Input, Instant
from charte.services import actors
from charte.services import alarms as use_cases

SessionId = Annotated[int, Path(ge=1, le=2**62)]


class RaiseIn(Input):
    site: str = Field(min_length=1, max_length=128, description="The site's ref.")
    at: Instant = Field(description="When the alarm went off, with its UTC offset.")
    kind: str = Field(min_length=1, max_length=32, description="intrusion, fire, panic, technical...")


class AttemptIn(Input):
    person: str = Field(min_length=1, max_length=128, description="A person of the session's screen.")
    outcome: use_cases.Outcome


class DispatchIn(Input):
    to: str = Field(
        min_length=1, max_length=64, description="A provider role of the policy's alarms.dispatch_to."
    )


class CloseIn(Input):
    outcome: use_cases.Closing


class SessionOut(BaseModel):
    id: int
    site: str
    contract: str | None
    kind: str
    status: str
    raised_at: str
    raised_by: str
    taken_by: str | None
    taken_at: str | None
    closed_by: str | None
    closed_at: str | None
    outcome: str | None


def router(container: Container) -> APIRouter:
    api = APIRouter(prefix="/api/v1/alarms", tags=["alarms"], responses=problems.documented())

    @api.post("", response_model=SessionOut, status_code=201, openapi_extra=NO_PERSONAL)
    def raise_alarm(body: RaiseIn, actor: Calling) -> dict[str, Any]:
        """An alarm went off on a site: it waits for an operator. Only a system of the policy's
        `alarms.raised_by` (the monitoring software) may raise one; every attempt is audited."""
        system = actors.as_system(actor, "raise alarms")
        return use_cases.raise_alarm(
            container.alarm_desk(), site=body.site, kind=body.kind, at=body.at, by=actor.name, system=system
        )

    @api.get("", response_model=list[SessionOut], openapi_extra=NO_PERSONAL)
    def waiting(reader: Reading) -> list[dict[str, Any]]:
        """Alarms not closed yet, oldest first: site refs and who holds them, no personal data."""
        return use_cases.waiting(container.alarm_desk(), reader)

    @api.post("/{session_id}/take", response_model=SessionOut, openapi_extra=NO_PERSONAL)
    def take(session_id: SessionId, reader: Reading) -> dict[str, Any]:
        """Open the session for this operator (409 if another holds it)."""
        return use_cases.take(container.alarm_desk(), reader, session_id)

    @api.get("/{session_id}", openapi_extra=PERSONAL)
    def screen(session_id: SessionId, reader: Reading) -> dict[str, Any]:
        """The site, its instructions, the persons to call in order, attempts and dispatches —
        only for the operator holding the open session; every person read is audited."""
        return use_cases.screen(container.alarm_desk(), reader, session_id)

    @api.post("/{session_id}/attempts", openapi_extra=PERSONAL)
    def attempt(session_id: SessionId, body: AttemptIn, reader: Reading) -> list[dict[str, Any]]:
        """Record one call attempt and its outcome."""
        return use_cases.record_attempt(
            container.alarm_desk(), reader, session_id, person=body.person, outcome=body.outcome.value
        )

    @api.post("/{session_id}/dispatch", openapi_extra=PERSONAL)
    def dispatch(session_id: SessionId, body: DispatchIn, reader: Reading) -> dict[str, Any]:
        """Dispatch a provider: their minimal view of the site's client, recorded as a disclosure."""
        return use_cases.dispatch(container.alarm_desk(), reader, session_id, to=body.to)

    @api.post("/{session_id}/release", response_model=SessionOut, openapi_extra=NO_PERSONAL)
    def release(session_id: SessionId, reader: Reading) -> dict[str, Any]:
        """Give the session back to the waiting list: the holder's access ends, another may take it."""
        return use_cases.release(container.alarm_desk(), reader, session_id)

    @api.post("/{session_id}/close", response_model=SessionOut, openapi_extra=NO_PERSONAL)
    def close(session_id: SessionId, body: CloseIn, reader: Reading) -> dict[str, Any]:
        """End the session and with it the access to its trusted persons and instructions."""
        return use_cases.close(container.alarm_desk(), reader, session_id, outcome=body.outcome.value)

    return api
