"""The one mapping from errors to exit codes (docs/cli.md): 0 ok, 1 refused, 2 usage, 3 not found,
4 `charte serve` cannot listen."""

from __future__ import annotations

import sys
from enum import IntEnum

from charte.domain.errors import DomainError, PolicyInvalid, UnknownName
from charte.services.errors import NotFound, ServiceError


class Exit(IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    NOT_FOUND = 3
    CANNOT_LISTEN = 4  # charte serve: the address is taken or not this machine's


def report(exc: DomainError | ServiceError) -> Exit:
    """Print the error to stderr, one line per problem, and say which exit code it means."""
    if isinstance(exc, PolicyInvalid):
        for problem in exc.problems:
            print(f"error: {problem.describe()}", file=sys.stderr)
        return Exit.REFUSED
    print(f"error: {exc}", file=sys.stderr)
    if isinstance(exc, UnknownName):  # a role or purpose misspelt on the command line
        return Exit.USAGE
    return Exit.NOT_FOUND if isinstance(exc, NotFound) else Exit.REFUSED
