"""Errors raised by use cases and by the ports they call.

    ServiceError
     ├── NotFound             something named by the caller does not exist
     │    └── PolicyNotFound  no policy file at the given location
     ├── Refused              a rule forbids what was asked (the message says which)
     ├── NotReady             the system cannot do it yet (e.g. the database is not migrated)
     │    ├── NotSent         a message could not be delivered (the relay refused, no address)
     │    └── DatabaseLost    the database went away mid-way (a failover); nothing was applied: retry
     └── Conflict             a concurrent change got there first; nothing was applied, retry

Adapters raise these too, or their own subclasses: ``FieldKeyError`` (NotReady: the field key is
missing or wrong), ``VaultError`` (Refused: a sealed recording whose key was destroyed or whose
bytes were altered), ``CheckpointError`` (Refused: an audit checkpoint cannot be trusted).
``LoginRefused`` (``services.sessions``) is a ServiceError of its own. The entry points add the
errors of their protocol — ``Unauthenticated``, ``CsrfMismatch``, ``MissingPurpose`` (web/auth),
``SignedOut``, ``TooManyRequests`` (web/pages), ``ImportRefused``, ``BodyTooLarge``
(web/problems), ``DatabaseFailed`` (cli/app) — all ServiceErrors.

Domain errors (``charte.domain.errors``) pass through services unchanged; entry points map both
families to exit codes (``charte.entrypoints.cli.exits``) and HTTP statuses in one place each.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a use case raises."""


class NotFound(ServiceError):
    """The caller named something that does not exist."""

    def __init__(self, what: str, ref: str) -> None:
        self.what, self.ref = what, ref
        super().__init__(f"{what} not found: {ref}")


class PolicyNotFound(NotFound):
    """No policy file where the caller (or ``CHARTE_POLICY``) pointed."""

    def __init__(self, location: str) -> None:
        super().__init__("policy file", location)


class NotReady(ServiceError):
    """A precondition of the installation is missing; the message says how to fix it."""


class NotSent(NotReady):
    """A message could not be delivered; ``why`` says how in charte's words (never the relay's reply,
    which may quote the address back)."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(f"the message could not be sent ({why})")


class DatabaseLost(NotReady):
    """The database connection was lost in the middle of a change (a restart, a failover to the
    standby) and the change died with it: nothing was applied, and the same request succeeds once
    the database is back — a client may retry it as it is (the HTTP answer says when)."""


class Conflict(ServiceError):
    """Another writer changed the same data at the same time; this change was rolled back whole."""


class Refused(ServiceError):
    """A rule forbids the operation as asked; the message names the rule."""
