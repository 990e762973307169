"""Who calls the API: a bearer token names the actor and its role; a header names the purpose.

    Authorization: Bearer charte_...      (``charte actors add NAME --role ROLE``)
    X-Charte-Purpose: alarm_handling       (reads of personal data)

No valid token: 401 (``Unauthenticated``). A role that may not act under the purpose, or a
system actor asking for persons: 403 with the reason (``AccessDenied``). Both are mapped to HTTP
in ``problems``, as every error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from charte.bootstrap import Container
from charte.domain.access import ReadContext
from charte.domain.accountability import Trained
from charte.services import actors as use_cases
from charte.services import training
from charte.services.access import Reader
from charte.services.actors import Actor
from charte.services.errors import ServiceError

bearer = HTTPBearer(auto_error=False, description="An actor's token (charte actors add NAME --role ROLE).")


class Unauthenticated(ServiceError):
    def __init__(self) -> None:
        super().__init__("a valid bearer token is required (Authorization: Bearer <token>)")


class CsrfMismatch(ServiceError):
    """A console form whose anti-forgery token differs from its cookie (entrypoints.web.console)."""

    def __init__(self) -> None:
        super().__init__("the form's anti-forgery token does not match its cookie: reload the page and retry")


class MissingPurpose(ServiceError):
    def __init__(self) -> None:
        super().__init__("a read of personal data names its purpose in the X-Charte-Purpose header")


def _container(request: Request) -> Container:
    found: Container = request.app.state.container  # set by create_app
    return found


def current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor:
    """The actor the bearer token names, or 401."""
    if credentials is None:
        raise Unauthenticated
    found = use_cases.authenticate(actors=_container(request).actors(), token=credentials.credentials)
    if found is None:
        raise Unauthenticated
    return found


def trained(container: Container, actor: Actor, purpose: str) -> Trained | None:
    """An account's training on the day, which the gate judges at every read (GDPR Art. 24(1),
    32(4)); a read under an exempt purpose with a lapsed training is noted for the DPO."""
    desk = container.training_desk()
    found = training.standing(desk, actor)
    training.note_exempt(desk, actor, actor.role, purpose, found)
    return found


def account_reader(
    container: Container, actor: Actor, purpose: str, context: ReadContext | None = None
) -> Reader:
    """The reader behind an account (an API token, a console login): every read the API and the
    console make is one, so that none escapes the training the gate asks of staff."""
    role = use_cases.as_person(actor)
    return Reader(actor.name, role, purpose, context, trained(container, actor, purpose))


def current_reader(
    request: Request,
    actor: Annotated[Actor, Depends(current_actor)],
    purpose: Annotated[
        str | None, Header(alias="X-Charte-Purpose", description="The purpose of the read.")
    ] = None,
) -> Reader:
    """A person actor reading personal data under the purpose of the X-Charte-Purpose header."""
    use_cases.as_person(actor)
    if not purpose:
        raise MissingPurpose
    return account_reader(_container(request), actor, purpose)


# What routes declare (module level: FastAPI resolves annotations against module globals).
Calling = Annotated[Actor, Depends(current_actor)]
Reading = Annotated[Reader, Depends(current_reader)]
