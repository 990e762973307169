"""Console login: a person actor's password opens a session named by a random secret.

The API authenticates machines and scripts by bearer token (``services.actors``); people use the
console in a browser, where a password and a session cookie are what they expect. Both name the
same actor and the same role, so the access gate and the audit see no difference.

- Passwords follow the CNIL recommendation (``domain.password_rule``) and are stored only as an
  Argon2id hash (``adapters.passwords``).
- A session is a 256-bit random secret in an ``HttpOnly`` cookie; charte keeps its SHA-256. It
  lasts ``SESSION_LIFETIME`` at most, ends at logout, and stops at once when its actor is revoked
  or gets a new password.
- After ``FAILURES_BEFORE_LOCK`` wrong passwords in a row, the account refuses every login for
  ``LOCK_TIME`` (the CNIL's "temporisation"); each further failure locks it again. The answer is
  the same for an unknown name, a wrong password and a locked account, and takes as long (no
  enumeration of staff accounts).
- Every login, refusal and logout is an audit entry (action ``session``); a name that matches no
  account is recorded as ``unknown`` — what was typed may be anything, a password included.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from charte.domain.audit import Action, Entry
from charte.domain.password_rule import weakness
from charte.services.actors import Actor, digest, valid_name
from charte.services.audit import Auditor
from charte.services.errors import NotFound, Refused, ServiceError
from charte.services.ports import Clock

SESSION_LIFETIME = timedelta(hours=8)  # a shift at the monitoring station; then log in again
FAILURES_BEFORE_LOCK = 5
LOCK_TIME = timedelta(minutes=15)
SECRET_PREFIX = "charte_s_"  # noqa: S105  # marks a session secret, is none


class LoginRefused(ServiceError):
    """Wrong name, wrong password or a locked account: deliberately one answer for all three."""

    def __init__(self) -> None:
        super().__init__(
            "login refused: wrong name or password, or too many failed attempts (wait and try again)"
        )


@dataclass(frozen=True, slots=True)
class Credentials:
    actor: Actor
    password_hash: str | None
    failures: int
    locked_until: datetime | None


class Passwords(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...

    def needs_rehash(self, stored: str) -> bool: ...

    def waste(self, password: str) -> None: ...


class SessionStore(Protocol):
    def credentials(self, name: str) -> Credentials | None: ...  # active actors only

    def set_password(self, name: str, password_hash: str, at: datetime, by: str) -> None: ...

    def failed_login(self, name: str, failures: int, locked_until: datetime | None) -> None: ...

    def open_session(
        self, name: str, secret_sha256: str, at: datetime, expires_at: datetime, rehashed: str | None
    ) -> None: ...

    def session_actor(self, secret_sha256: str, at: datetime) -> Actor | None: ...

    def end_session(self, secret_sha256: str, at: datetime) -> Actor | None: ...


def set_password(
    *, store: SessionStore, passwords: Passwords, clock: Clock, name: str, password: str, by: str
) -> None:
    """Give a person actor a console password (ending their open sessions)."""
    found = store.credentials(name) if valid_name(name) else None
    if found is None:
        raise NotFound("actor", name)
    if found.actor.system is not None:
        raise Refused(f"system actor '{name}' feeds events and has no console login")
    reason = weakness(password)
    if reason is not None:
        raise Refused(reason)
    store.set_password(name, passwords.hash(password), clock.now(), by)


def login(
    *, store: SessionStore, passwords: Passwords, auditor: Auditor, clock: Clock, name: str, password: str
) -> tuple[str, Actor]:
    """The new session's secret (for the cookie) and its actor; ``LoginRefused`` otherwise."""
    now = clock.now()
    found = store.credentials(name) if valid_name(name) else None
    if found is None or found.password_hash is None or found.actor.system is not None:
        passwords.waste(password)
        _audit(auditor, now, "unknown", None, "refused", "no_such_login")
        raise LoginRefused
    if found.locked_until is not None and now < found.locked_until:
        passwords.waste(password)
        _audit(auditor, now, name, found.actor.role, "refused", "locked")
        raise LoginRefused
    if not passwords.verify(found.password_hash, password):
        failures = found.failures + 1
        store.failed_login(name, failures, now + LOCK_TIME if failures >= FAILURES_BEFORE_LOCK else None)
        _audit(auditor, now, name, found.actor.role, "refused", "wrong_password")
        raise LoginRefused
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    rehashed = passwords.hash(password) if passwords.needs_rehash(found.password_hash) else None
    store.open_session(name, digest(secret), now, now + SESSION_LIFETIME, rehashed)
    _audit(auditor, now, name, found.actor.role, "opened", None)
    return secret, found.actor


def session_actor(*, store: SessionStore, clock: Clock, secret: str) -> Actor | None:
    """The actor of a live session (not expired, not ended, actor not revoked), else None."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    return store.session_actor(digest(secret), clock.now())


def logout(*, store: SessionStore, auditor: Auditor, clock: Clock, secret: str) -> None:
    now = clock.now()
    ended = store.end_session(digest(secret), now) if secret.startswith(SECRET_PREFIX) else None
    if ended is not None:
        _audit(auditor, now, ended.name, ended.role, "ended", None)


def _audit(auditor: Auditor, at: datetime, actor: str, role: str | None, event: str, why: str | None) -> None:
    detail = {"event": event} | ({"why": why} if why else {})
    auditor.record([Entry(at=at, actor=actor, action=Action.SESSION, role=role, detail=detail)])
