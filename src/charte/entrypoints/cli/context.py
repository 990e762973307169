"""How a command gets the wired application: built per invocation, from the environment."""

from __future__ import annotations

from charte.bootstrap import Container, bootstrap


def container() -> Container:
    # Built on demand, not at import: tests and `charte serve` set the environment first.
    return bootstrap()
